"""The Helm plugin (plugin.yaml + plugin/hook-lsp.sh): `helm hook-lsp check|timeline` after
`helm plugin install <repository>`.

With a real helm (installed by .ci/install-editors.sh; required in CI) the plugin is installed
into a throw-away Helm home and run through helm. Without one, the plugin's command is run the
way helm runs it: the linux `platformCommand` with $HELM_PLUGIN_DIR and $HELM_BIN set and the
user's arguments appended.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.editors.tools import TOOLS, require

ROOT = Path(__file__).resolve().parents[2]
WEBAPP = ROOT / "examples" / "webapp"
MANIFEST = YAML(typ="safe").load((ROOT / "plugin.yaml").read_text())


def project_version() -> str:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def plugin_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """This checkout's hook-lsp (HOOK_LSP_PYTHON, PYTHONPATH) and a private Helm home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELM_")}
    env.update(
        HOOK_LSP_PYTHON=sys.executable,
        PYTHONPATH=str(ROOT),
        HELM_DATA_HOME=str(tmp_path / "data"),
        HELM_CONFIG_HOME=str(tmp_path / "config"),
        HELM_CACHE_HOME=str(tmp_path / "cache"),
        **extra,
    )
    return env


def test_manifest_names_the_plugin_and_its_version():
    assert MANIFEST["name"] == "hook-lsp" and MANIFEST["version"] == project_version()
    commands = {c["os"]: c for c in MANIFEST["platformCommand"]}
    assert set(commands) == {"linux", "darwin", "windows"}
    script = ROOT / commands["linux"]["command"].replace("$HELM_PLUGIN_DIR/", "")
    assert script.is_file() and os.access(script, os.X_OK)
    assert "--install" in MANIFEST["hooks"]["install"]


def test_plugin_command_run_as_helm_runs_it(tmp_path):
    """helm execs platformCommand[linux] with HELM_PLUGIN_DIR, HELM_BIN and the user's args."""
    command = next(c for c in MANIFEST["platformCommand"] if c["os"] == "linux")["command"]
    exe = command.replace("$HELM_PLUGIN_DIR", str(ROOT))
    fake_helm = tmp_path / "helm"
    fake_helm.write_text("#!/bin/sh\necho v3.17.2\n")  # `helm version --template {{.Version}}`
    fake_helm.chmod(0o755)
    env = plugin_env(tmp_path, HELM_PLUGIN_DIR=str(ROOT), HELM_PLUGIN_NAME="hook-lsp", HELM_BIN=str(fake_helm))
    check = subprocess.run([exe, "check", str(WEBAPP), "--format", "json"], capture_output=True, text=True, env=env, timeout=120)
    assert check.returncode == 1, check.stderr
    assert '"HK101"' in check.stdout
    # Run by Helm 3.17 the plugin checks against Helm 3.17 unless told otherwise.
    timeline = subprocess.run([exe, "timeline", str(WEBAPP)], capture_output=True, text=True, env=env, timeout=120)
    assert timeline.returncode == 0 and "Helm 3.17 order" in timeline.stdout, timeline.stdout + timeline.stderr
    explicit = subprocess.run([exe, "timeline", str(WEBAPP), "--helm-version", "4"], capture_output=True, text=True, env=env, timeout=120)
    assert "Helm 4 order" in explicit.stdout
    install = subprocess.run([exe, "--install"], capture_output=True, text=True, env=env, timeout=60)
    assert install.returncode == 0 and "using" in install.stderr and not (ROOT / ".venv").exists()


def _helm() -> str:
    found = shutil.which("helm") or (str(TOOLS / "helm" / "bin" / "helm") if (TOOLS / "helm" / "bin" / "helm").exists() else None)
    return require(found, "helm (bash .ci/install-editors.sh installs one)")


def test_helm_plugin_install_then_check_and_timeline(tmp_path):
    helm = _helm()
    env = plugin_env(tmp_path)
    install = subprocess.run([helm, "plugin", "install", str(ROOT)], capture_output=True, text=True, env=env, timeout=120)
    assert install.returncode == 0, install.stdout + install.stderr
    listed = subprocess.run([helm, "plugin", "list"], capture_output=True, text=True, env=env, timeout=60).stdout
    assert any(line.split()[:2] == ["hook-lsp", project_version()] for line in listed.splitlines()), listed
    check = subprocess.run([helm, "hook-lsp", "check", str(WEBAPP)], capture_output=True, text=True, env=env, timeout=120)
    assert check.returncode != 0 and "HK101" in check.stdout, check.stdout + check.stderr
    timeline = subprocess.run([helm, "hook-lsp", "timeline", str(WEBAPP), "--operation", "install"],
                              capture_output=True, text=True, env=env, timeout=120)
    assert timeline.returncode == 0, timeline.stderr
    running = ".".join(subprocess.run([helm, "version", "--template", "{{.Version}}"], capture_output=True, text=True,
                                      env=env).stdout.lstrip("v").split(".")[:2])
    assert "helm install webapp" in timeline.stdout and f"Helm {running} order" in timeline.stdout, timeline.stdout
