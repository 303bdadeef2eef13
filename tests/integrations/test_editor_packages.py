"""Install definitions for editors outside this repository's guides: the nvim-lspconfig-style
`lsp/hook_lsp.lua` (loaded by a real Neovim) and the mason.nvim registry entry."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ruamel.yaml import YAML

from hook_lsp.settings import Settings
from tests.editors.tools import require_executable

ROOT = Path(__file__).resolve().parents[2]
LUA = ROOT / "editors" / "nvim" / "lsp" / "hook_lsp.lua"
MASON = ROOT / "editors" / "mason" / "package.yaml"


def _project() -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_lspconfig_style_file_loads_in_neovim(tmp_path):
    nvim = require_executable("nvim", "Neovim (`nvim`)")
    out = tmp_path / "config.json"
    lua = f"local c = dofile({json.dumps(str(LUA))}); vim.fn.writefile({{vim.fn.json_encode(c)}}, {json.dumps(str(out))})"
    proc = subprocess.run([nvim, "--headless", "-u", "NONE", "-c", f"lua {lua}", "-c", "qa!"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    config = json.loads(out.read_text())
    assert config["cmd"] == ["hook-lsp", "serve"] and "hook-lsp" in _project()["scripts"]
    assert config["filetypes"] == ["helm"] and config["root_markers"] == ["Chart.yaml"]
    _, errors = Settings.from_json(config["settings"]["hookLsp"])
    assert errors == []


def test_mason_package_installs_this_project():
    pkg = YAML(typ="safe").load(MASON.read_text())
    project = _project()
    assert pkg["name"] == project["name"]
    assert pkg["source"]["id"] == f"pkg:pypi/{project['name']}@{project['version']}"
    assert pkg["bin"] == {name: f"pypi:{name}" for name in project["scripts"]}
    assert pkg["licenses"] == [project["license"]["text"]]
    assert "LSP" in pkg["categories"] and pkg["languages"] == ["Helm"]
    assert pkg["neovim"]["lspconfig"] == LUA.stem
    assert {"name", "description", "homepage", "licenses", "languages", "categories", "source"} <= set(pkg)
