"""The VS Code extension's settings (`vscode-extension/package.json`) mirror the server's.

Every `hookLsp.*` setting the server reads is contributed with the same default and a matching
type, and the extension contributes no server setting the server does not know. The server's
side is `python -m hook_lsp.settings`, the same JSON the docs point users to.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from hook_lsp.settings import Settings

PACKAGE = Path(__file__).resolve().parent.parent / "vscode-extension" / "package.json"
#: Settings only the extension reads (how to start the server; the client's trace).
EXTENSION_ONLY = {"server.path", "interpreter", "trace.server"}
JSON_TYPES = {bool: "boolean", int: "integer", str: "string", list: "array", dict: "object"}


def _contributed() -> dict[str, dict]:
    props = json.loads(PACKAGE.read_text())["contributes"]["configuration"]["properties"]
    assert all(key.startswith("hookLsp.") for key in props), list(props)
    return {key.removeprefix("hookLsp."): spec for key, spec in props.items()}


def _server_defaults() -> dict:
    out = subprocess.run([sys.executable, "-m", "hook_lsp.settings"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_same_settings_on_both_sides():
    contributed = set(_contributed()) - EXTENSION_ONLY
    assert contributed == set(_server_defaults())


def test_same_defaults():
    server = _server_defaults()
    contributed = _contributed()
    assert {key: contributed[key]["default"] for key in server} == server


def test_same_types():
    contributed = _contributed()
    for key, default in _server_defaults().items():
        assert contributed[key]["type"] == JSON_TYPES[type(default)], key


def test_every_offered_choice_is_accepted_by_the_server():
    contributed = _contributed()
    pattern = re.compile(contributed["helmVersion"]["pattern"])
    for choice in contributed["helmVersion"]["examples"]:
        settings, errors = Settings.from_json({"helmVersion": choice})
        assert errors == [] and settings.helmVersion == choice and pattern.match(choice)
    for rejected in ("2", "5", "3.x"):
        assert not pattern.match(rejected) and Settings.from_json({"helmVersion": rejected})[1]
    for severity in contributed["rules"]["additionalProperties"]["enum"]:
        settings, errors = Settings.from_json({"rules": {"HK101": severity}})
        assert errors == [], (severity, errors)


def test_extension_only_settings_are_ignored_by_the_server():
    # VS Code answers workspace/configuration for `hookLsp` with these nested in; they must not warn.
    settings, errors = Settings.from_json({"server": {"path": ""}, "interpreter": [], "trace": {"server": "off"}})
    assert errors == [] and settings == Settings()


def test_deployer_pattern_matches_what_the_server_accepts():
    import re

    pattern = re.compile(_contributed()["deployer"]["pattern"])
    for value in ("helm", "argocd", "flux", "fleet", "argocd@3.5", "flux@1.6.3", "fleet@v0.16"):
        assert pattern.match(value), value
        settings, errors = Settings.from_json({"deployer": value})
        assert errors == [], (value, errors)
    for value in ("kubectl", "helm@4", "argocd@", "argocd@x"):
        assert not pattern.match(value), value
        settings, errors = Settings.from_json({"deployer": value})
        assert errors and settings.deployer == "helm", value
