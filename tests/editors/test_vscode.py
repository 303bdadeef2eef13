"""The VS Code extension end to end: the built .vsix installed into a real VS Code (code-server
4.100.3, listening on 127.0.0.1 only) and driven in Chromium by playwright-core (`vscode_e2e.mjs`).

Three scenarios, each a fresh code-server on the `shop` chart:
- features: with this checkout's Python, squiggle + Problems entry, hover, quick fix, code lens
  (and its timeline), completion, the timeline command and the output channel;
- python3-only: no settings, only Debian's python3 on the PATH, so the server bundled in the .vsix
  runs and reports the diagnostic;
- no-python: no Python at all, so an error with "Set Interpreter" / "Get Python" appears.
Each run records every step; each test checks one behaviour. Screenshots, results and
code-server's logs go to tests/editors/artifacts/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .codeserver import CodeServer
from .tools import HERE, TOOLS, VSIX, copy_shop, require, require_executable

CHROMIUM = "/usr/bin/chromium"


SETTINGS = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.welcomePage.walkthroughs.openOnInstall": False,
    "security.workspace.trust.enabled": False,
    "extensions.ignoreRecommendations": True,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "git.enabled": False,
    "editor.hover.delay": 200,
    "editor.minimap.enabled": False,
    "window.restoreWindows": "none",
    "files.autoSave": "off",
    "workbench.editor.enablePreview": False,  # the template stays open when settings.json is opened
}


def _scenario(tmp_path_factory, artifacts, name: str, settings: dict, env: dict | None = None) -> dict:
    """Install the .vsix into a fresh code-server, open the `shop` chart, run the driver's scenario."""
    node = require_executable("node", "Node.js (`node`)")
    chromium = require(shutil.which("chromium") or (CHROMIUM if os.path.exists(CHROMIUM) else None), "Chromium")
    entry = require(_existing(TOOLS / "node_modules/code-server/out/node/entry.js"), f"code-server 4.100.3 in {TOOLS}")
    playwright = require(_existing(TOOLS / "node_modules/playwright-core"), f"playwright-core in {TOOLS}")
    vsix = require(_existing(VSIX), f"the built extension {VSIX.relative_to(HERE.parent.parent)}")

    home = tmp_path_factory.mktemp(f"code-server-{name}")
    workspace = copy_shop(home)
    prefix = "vscode-" if name == "features" else f"vscode-{name}-"
    server = CodeServer(entry, home, {**SETTINGS, **settings}, env=env)
    data: dict = {}
    try:
        server.install_extension(vsix)
        url = server.start()
        result_file = home / "result.json"
        driver_env = {
            **os.environ,
            "PLAYWRIGHT_CORE": str(playwright),
            "CHROMIUM": chromium,
            "URL": f"{url}/?folder={workspace}",
            "ARTIFACTS": str(home / "artifacts"),
            "RESULT": str(result_file),
            "SCENARIO": name,
            "SETTINGS": str(server.user_data / "User" / "settings.json"),
        }
        (home / "artifacts").mkdir()
        proc = subprocess.run([node, str(HERE / "vscode_e2e.mjs")], capture_output=True, text=True, env=driver_env,
                              timeout=150, stdin=subprocess.DEVNULL)
        assert result_file.exists(), f"the driver wrote no result (exit {proc.returncode}): {proc.stderr[-3000:]}"
        data = json.loads(result_file.read_text())
        if proc.returncode != 0:
            data["driver_error"] = proc.stderr[-3000:]
    finally:
        server.stop()
        _keep(home, artifacts, prefix, data)
    return data


def _keep(home: Path, artifacts: Path, prefix: str, data: dict) -> None:
    """Screenshots, the driver's result and code-server's logs, under tests/editors/artifacts/."""
    for old in artifacts.glob(f"{prefix}[0-9]*.png"):
        old.unlink()
    for shot in sorted((home / "artifacts").glob("*.png")) if (home / "artifacts").exists() else []:
        shutil.copy(shot, artifacts / (prefix + shot.name.removeprefix("vscode-")))
    (artifacts / f"{prefix}result.json").write_text(json.dumps(data, indent=2))
    dest = artifacts / f"{prefix}logs"
    shutil.rmtree(dest, ignore_errors=True)
    logs = home / "user-data" / "logs"
    if logs.exists():
        shutil.copytree(logs, dest)
    if (home / "code-server.log").exists():
        dest.mkdir(exist_ok=True)
        shutil.copy(home / "code-server.log", dest)


@pytest.fixture(scope="module")
def run(tmp_path_factory, artifacts) -> dict:
    require(shutil.which("hook-lsp"), "the `hook-lsp` command (pip install -e .)")
    # The interpreter running these tests has this checkout installed: the extension runs it.
    return _scenario(tmp_path_factory, artifacts, "features",
                     {"hookLsp.interpreter": [sys.executable], "hookLsp.trace.server": "messages"})


# The extension host normally takes PATH from the user's login shell; VSCODE_CLI=1 makes VS Code
# skip that, so the PATH given here is the one the extension searches for Python.
@pytest.fixture(scope="module")
def python3_only(tmp_path_factory, artifacts) -> dict:
    python3 = require(shutil.which("python3", path="/usr/bin"), "/usr/bin/python3 (Debian's python3)")
    assert subprocess.run([python3, "-c", "import hook_lsp"], capture_output=True, cwd="/").returncode != 0, \
        f"{python3} has hook-lsp installed: it would not use the bundled server"
    return _scenario(tmp_path_factory, artifacts, "python3-only", {}, env={"PATH": "/usr/bin:/bin", "VSCODE_CLI": "1"})


@pytest.fixture(scope="module")
def no_python(tmp_path_factory, artifacts) -> dict:
    empty = tmp_path_factory.mktemp("empty-bin")
    return _scenario(tmp_path_factory, artifacts, "no-python", {}, env={"PATH": str(empty), "VSCODE_CLI": "1"})


def _existing(path: Path) -> Path | None:
    return path if path.exists() else None


def _step(run: dict, name: str) -> dict:
    assert "driver_error" not in run or name in run["steps"], run.get("driver_error")
    value = run["steps"].get(name)
    assert value is not None, f"step {name} did not run: {run.get('driver_error', '')}"
    if not value["ok"]:
        pytest.fail(f"{name}: {value['error']} (screenshot {value.get('screenshot')})", pytrace=False)
    return value


def test_workbench_opens_the_template(run):
    _step(run, "workbench")
    _step(run, "open")


def test_diagnostic_squiggle_and_problems_entry(run):
    squiggle = _step(run, "squiggle")
    assert any("hook-lsp" in s for s in squiggle["status"]), squiggle["status"]
    rows = _step(run, "problems")["rows"]
    entry = next(r for r in rows if "pre-instal" in r)
    assert "`pre-instal` is not a Helm hook event" in entry
    assert "hook-lsp" in entry and "HK101" in entry
    assert "[Ln 6, Col 21]" in entry, entry


def test_settings_reach_the_server_and_status_shows_analysis(run):
    # Turning HK101 off in settings.json removed the squiggle (checked by the driver); with
    # debounceMs 1500 an edit showed "analysing" in the status bar until its diagnostics came.
    settings = _step(run, "settings")
    assert "hook-lsp: analysing" in settings["during"], settings
    assert "analysing" not in settings["after"] and "hook-lsp" in settings["after"], settings


def test_quick_fix_applied(run):
    fix = _step(run, "quickfix")
    assert "Replace with `pre-install`" in fix["actions"], fix["actions"]
    assert fix["line"].strip() == '"helm.sh/hook": pre-install,pre-upgrade'


def test_hover_on_hook_key(run):
    text = _step(run, "hover")["text"]
    assert text.splitlines()[0].strip() == "helm.sh/hook", text
    assert "one hook at a time" in text, text  # guide #running: hooks run serially


def test_completion_list_of_hook_events(run):
    labels = _step(run, "completion")["labels"]
    for event in ("pre-install", "post-install", "pre-upgrade"):
        assert event in labels, labels


def test_code_lens_on_hook(run):
    # After the quick fix the Job is a hook: 2nd of 2 in each of its events, after the ConfigMap (-5).
    codelens = _step(run, "codelens")
    lenses = codelens["lenses"]
    assert any(lens.startswith("pre-install 2/2 · weight 5 · after") for lens in lenses), lenses
    assert any(lens.startswith("pre-upgrade 2/2 · weight 5 · after") for lens in lenses), lenses
    # Clicking the pre-upgrade lens opened the upgrade timeline.
    assert "pre-upgrade hooks (2)" in codelens["timeline"], codelens["timeline"]


def test_hook_timeline_view(run):
    text = _step(run, "timeline")["text"]
    assert "Hook timeline — shop" in text
    # The view keeps the operation chosen last (upgrade, from the lens); hooks in Helm's order.
    hooks = text[text.index("hooks (2)"):]
    assert hooks.index("-migrate-config") < hooks.index("-db-migrate"), text


def test_output_channel_shows_the_server_command(run, artifacts):
    output = _step(run, "output")
    assert output["channel"] in ("hook-lsp", None), output
    logs = list((artifacts / "vscode-logs").rglob("hook-lsp.log"))
    assert logs, "the extension wrote no hook-lsp output channel log"
    text = logs[0].read_text()
    assert f"starting: {sys.executable} -m hook_lsp serve" in text, text[:2000]
    # The server's stderr is shown as errors: with default logging it must stay quiet.
    assert "[error]" not in text, text[:2000]


def test_no_python_gives_an_actionable_message(no_python):
    message = _step(no_python, "message")
    assert "hook-lsp needs Python 3.10 or newer" in message["text"], message["text"]
    assert "hookLsp.interpreter" in message["text"]
    assert message["buttons"][:2] == ["Set Interpreter", "Get Python"], message["buttons"]
    # "Set Interpreter" opened the settings editor on the hookLsp.interpreter setting.
    assert "Interpreter" in message["settings"] and "Python 3.10+" in message["settings"], message["settings"]


def test_only_python3_runs_the_bundled_server(python3_only, artifacts):
    # No interpreter setting, no Python extension, no hook-lsp installed: the .vsix's own server.
    _step(python3_only, "squiggle")
    rows = _step(python3_only, "problems")["rows"]
    assert any("`pre-instal` is not a Helm hook event" in r for r in rows), rows
    (log,) = (artifacts / "vscode-python3-only-logs").rglob("hook-lsp.log")
    assert "starting: /usr/bin/python3 -S -m hook_lsp serve (bundled server, Python 3." in log.read_text()
