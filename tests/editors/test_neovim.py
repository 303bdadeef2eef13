"""hook-lsp in a real headless Neovim (the 0.7 API, as Debian ships it), against the installed
`hook-lsp serve`: diagnostics, a quick fix applied, hover, completion and code lenses.

Neovim is set up with the Lua blocks of docs/editors/neovim.md that a Neovim 0.7 user copies
(filetype detection and the FileType autocommand). One run (`nvim_e2e.lua`) records every step in
a JSON file; each test checks one step.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from .tools import HERE, ROOT, copy_shop, require_executable

TEMPLATE = "templates/db-migrate-job.yaml"
HOOK_LINE = 5  # `    "helm.sh/hook": pre-instal,pre-upgrade` (0-based)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    nvim = require_executable("nvim", "Neovim (`nvim`)")
    require_executable("hook-lsp", "the `hook-lsp` command (pip install -e .)")  # the guide runs it from PATH
    tmp = tmp_path_factory.mktemp("nvim")
    chart = copy_shop(tmp)
    result_file = tmp / "result.json"
    env = {
        **os.environ,
        "HOOK_LSP_SETUP": json.dumps(guide_blocks()),
        "HOOK_LSP_FILE": str(chart / TEMPLATE),
        "HOOK_LSP_RESULT": str(result_file),
        # A clean Neovim: no user config, plugins, shada or swap files.
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "XDG_DATA_HOME": str(tmp / "data"),
        "XDG_STATE_HOME": str(tmp / "state"),
        "XDG_CACHE_HOME": str(tmp / "cache"),
    }
    proc = subprocess.run(
        [nvim, "--headless", "-n", "-i", "NONE", "-u", str(HERE / "nvim_e2e.lua")],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=90,
    )
    assert result_file.exists(), f"Neovim wrote no result (exit {proc.returncode}): {proc.stderr[-2000:]}"
    data = json.loads(result_file.read_text())
    assert "error" not in data, data["error"]
    assert data["filetype"] == "helm"
    assert data["client"] == {"name": "hook-lsp", "cmd": ["hook-lsp", "serve"], "root_dir": str(chart)}
    return data["steps"]


def guide_blocks() -> list[str]:
    """The guide's filetype block and its Neovim 0.7 block, in that order."""
    lua = re.findall(r"^```lua\n(.*?)^```", (ROOT / "docs" / "editors" / "neovim.md").read_text(), flags=re.S | re.M)
    filetype = [b for b in lua if "vim.filetype.add" in b]
    start = [b for b in lua if "vim.lsp.start_client" in b]
    assert len(filetype) == 1 and len(start) == 1, "neovim.md lost its filetype or Neovim 0.7 block"
    return filetype + start


def _ok(run: dict, name: str):
    value = run.get(name)
    assert value is not None, f"step {name} did not run"
    if isinstance(value, dict) and "error" in value:
        pytest.fail(f"{name}: {value['error']}", pytrace=False)
    return value


def test_diagnostic_for_unknown_hook_event(run):
    diags = [d for d in _ok(run, "diagnostics") if d["code"] == "HK101"]
    assert len(diags) == 1
    d = diags[0]
    assert (d["lnum"], d["col"], d["end_lnum"], d["end_col"]) == (HOOK_LINE, 20, HOOK_LINE, 30)
    assert d["source"] == "hook-lsp"
    assert d["severity"] == 1  # vim.diagnostic.severity.ERROR
    assert "`pre-instal` is not a Helm hook event" in d["message"]
    assert "`pre-install`" in d["message"]


def test_quick_fix_replaces_the_typo(run):
    action = _ok(run, "code_action")
    assert action["applied"] == "Replace with `pre-install`"
    assert "Disable HK101 for this line" in action["titles"]
    assert action["line"] == '    "helm.sh/hook": pre-install,pre-upgrade'
    assert action["cleared"], "HK101 was still reported after the fix"


def test_hover_on_hook_key(run):
    hover = _ok(run, "hover")
    assert hover["kind"] == "markdown"
    text = hover["markdown"]
    assert "helm.sh/hook" in text.splitlines()[0], text
    assert "one hook at a time" in text, text  # guide #running: hooks run serially


def test_completion_offers_hook_events(run):
    labels = _ok(run, "completion")["labels"]
    for event in ("pre-install", "post-install", "pre-upgrade", "post-upgrade", "pre-delete", "test"):
        assert event in labels, labels
    assert "crd-install" not in labels and "test-failure" not in labels


def test_code_lens_on_each_hook(run):
    # After the quick fix the Job is a hook: one lens per event, on its `kind` line, placed after
    # the ConfigMap hook (weight -5) of the same events.
    lenses = _ok(run, "code_lens")
    assert {lens["line"] for lens in lenses} == {1}, lenses
    titles = sorted(lens["title"] for lens in lenses)
    assert titles[0].startswith("pre-install 2/2 · weight 5 · after"), titles
    assert titles[1].startswith("pre-upgrade 2/2 · weight 5 · after"), titles
