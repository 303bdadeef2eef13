"""Analysis settings: Helm version and deployer (the lifecycle profile), rule selection and severity overrides, project files.

Shared by the CLI and the server. A project file ``.hook-lsp.toml`` (or a ``[tool.hook-lsp]``
table in ``pyproject.toml``) found in the chart's folder or any parent configures both::

    helm-version = "3"
    deployer = "argocd"            # helm (default), argocd, flux, fleet; or e.g. "argocd@3.5"
    [rules]
    HK203 = "off"                  # by code...
    unquoted-hook-weight = "warning"  # ...or by name
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace

from .profile import DeployerError, Profile, parse_deployer
from functools import cached_property
from pathlib import Path

from ..knowledge import versions


def _toml():
    """The TOML reader, imported when a project file is read (most starts have none to read)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    return tomllib

SEVERITIES = ("error", "warning", "information", "hint")
RULE_LEVELS = SEVERITIES + ("off",)
PROJECT_FILES = (".hook-lsp.toml", "hook-lsp.toml")


class ConfigError(ValueError):
    """A setting or project file that cannot be used (reported once, then defaults apply)."""


@dataclass(frozen=True)
class AnalysisConfig:
    #: "3", "4" or a minor ("3.18"): selects version-specific facts (kind order, SSA, waiting).
    helm_version: str = "4"
    #: Rule code or name -> "off" or a severity.
    rules: dict[str, str] = field(default_factory=dict)
    #: Re-raise exceptions from rules (tests); the server and CLI log and carry on.
    strict: bool = False
    #: Run the bundled ShellCheck on hook scripts (HK306) when its binary is available.
    shellcheck: bool = True
    #: Who runs the hooks: "helm", "argocd", "flux" or "fleet", optionally "name@version".
    deployer: str = "helm"

    @cached_property
    def profile(self) -> Profile:
        """The lifecycle profile every rule, hover and timeline consults."""
        return Profile.of(self.deployer, self.helm_version)

    def level_for(self, code: str, name: str, default: str) -> str:
        return self.rules.get(code, self.rules.get(name, default))

    def merged(self, other: dict) -> "AnalysisConfig":
        """A copy updated from a settings mapping (``helmVersion``/``helm-version``, ``deployer``, ``rules``)."""
        version = other.get("helmVersion", other.get("helm-version", self.helm_version))
        deployer = validate_deployer(other.get("deployer", self.deployer))
        rules = dict(self.rules)
        rules.update(validate_rules(other.get("rules") or {}))
        return replace(self, helm_version=validate_helm_version(version), deployer=deployer, rules=rules)


def validate_deployer(value) -> str:
    try:
        return parse_deployer(value)
    except DeployerError as exc:
        raise ConfigError(str(exc)) from None


def validate_helm_version(value) -> str:
    """"3", "4", or a minor version such as "3.17" / "4.1" (``v`` and a patch are dropped)."""
    try:
        return versions.normalise(value)
    except ValueError:
        raise ConfigError(
            f"helmVersion must be 3, 4 or a minor version such as 3.18 or 4.1, not {value!r}"
        ) from None


def validate_rules(rules) -> dict[str, str]:
    if not isinstance(rules, dict):
        raise ConfigError("rules must be a table of rule code or name to level")
    out = {}
    for key, level in rules.items():
        if isinstance(level, bool):
            level = "off" if not level else "default"
        level = str(level).lower()
        if level == "default":
            continue
        if level == "info":
            level = "information"
        if level not in RULE_LEVELS:
            raise ConfigError(f"rule {key}: level must be one of {', '.join(RULE_LEVELS)}, not {level!r}")
        out[str(key)] = level
    return out


def find_project_file(start: Path) -> Path | None:
    """The nearest project file at or above ``start`` (a file or a folder)."""
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        for name in PROJECT_FILES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            tomllib = _toml()
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            if "hook-lsp" in data.get("tool", {}):
                return pyproject
    return None


def load_project_file(path: Path) -> dict:
    tomllib = _toml()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("hook-lsp", {})
    return data


def config_for(path: Path, base: AnalysisConfig | None = None) -> AnalysisConfig:
    """``base`` updated from the project file that applies to ``path``, if any."""
    base = base or AnalysisConfig()
    found = find_project_file(path)
    if found is None:
        return base
    return base.merged(load_project_file(found))
