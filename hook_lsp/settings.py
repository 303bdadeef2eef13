"""The server's settings (``hookLsp.*``): defaults, validation, and their JSON form.

The VS Code extension's ``package.json`` contributes the same settings with the same defaults;
`python -m hook_lsp.settings` prints the defaults as JSON and a test keeps both sides equal.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from .analysis.config import AnalysisConfig, ConfigError, validate_deployer, validate_helm_version, validate_rules
from .knowledge.guide import DEFAULT_DOCS_BASE_URL


def validate_docs_base_url(value) -> str:
    if not isinstance(value, str) or not value.strip().startswith(("https://", "http://", "file://")):
        raise ConfigError("docsBaseUrl must be an http(s):// or file:// URL")
    return value.strip()


@dataclass(frozen=True)
class Settings:
    #: "3", "4" or a minor version ("3.18", "4.1"): which Helm's behaviour hover text and rules follow.
    helmVersion: str = "4"
    #: Who runs the hooks: "helm", "argocd", "flux" or "fleet", optionally "argocd@3.5".
    deployer: str = "helm"
    #: Rule code or name -> "off" | "error" | "warning" | "information" | "hint".
    rules: dict = field(default_factory=dict)
    #: Show a code lens with each hook's place in the lifecycle.
    codeLens: bool = True
    #: Show the same as inlay hints instead (for editors without code lens).
    inlayHints: bool = False
    #: Extra values files (relative to the chart root) merged over values.yaml.
    valuesFiles: list = field(default_factory=list)
    #: Release name and namespace hook names are resolved for ("": `helm template`'s
    #: ``release-name`` in ``default``; orders that depend on the release name are then uncertain).
    releaseName: str = ""
    namespace: str = ""
    #: Confirm names and order with Helm's engine (``pip install 'hook-lsp[helm]'``), rendered
    #: again when chart files are saved; unsaved edits keep the static view.
    helmRender: bool = False
    #: Run ShellCheck on hook scripts when the binary is available.
    shellcheck: bool = True
    #: Delay (ms) between an edit and its analysis; 0 analyses at once.
    debounceMs: int = 0
    #: Where hook-lsp's ``docs/`` folder is published: diagnostics link their rule there, hovers
    #: link the hook guide (e.g. a mirror, or a local ``file:///`` copy).
    docsBaseUrl: str = DEFAULT_DOCS_BASE_URL

    def analysis_config(self) -> AnalysisConfig:
        return AnalysisConfig(
            helm_version=self.helmVersion, rules=dict(self.rules), shellcheck=self.shellcheck, deployer=self.deployer
        )

    @classmethod
    def from_json(cls, data: dict | None) -> tuple["Settings", list[str]]:
        """Settings from a client's JSON; returns the settings and messages about bad values."""
        base = cls()
        if not isinstance(data, dict):
            return base, []
        data = data.get("hookLsp", data) if isinstance(data.get("hookLsp"), dict) else data
        errors: list[str] = []
        values = asdict(base)
        for key, default in asdict(base).items():
            if key not in data or data[key] is None:
                continue
            value = data[key]
            try:
                if key == "helmVersion":
                    value = validate_helm_version(value)
                elif key == "deployer":
                    value = validate_deployer(value)
                elif key == "rules":
                    value = validate_rules(value)
                elif key == "docsBaseUrl":
                    value = validate_docs_base_url(value)
                elif isinstance(default, bool):
                    if not isinstance(value, bool):
                        raise ConfigError(f"{key} must be true or false")
                elif isinstance(default, int):
                    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                        raise ConfigError(f"{key} must be a whole number >= 0")
                elif isinstance(default, str):
                    if not isinstance(value, str):
                        raise ConfigError(f"{key} must be a string")
                elif isinstance(default, list):
                    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                        raise ConfigError(f"{key} must be a list of paths")
            except ConfigError as exc:
                msg = str(exc)
                errors.append(f"hookLsp.{msg}" if msg.startswith(key) else f"hookLsp.{key}: {msg}")
                continue
            values[key] = value
        return cls(**values), errors


def defaults_json() -> str:
    return json.dumps(asdict(Settings()), indent=2, sort_keys=True)


if __name__ == "__main__":
    print(defaults_json())
