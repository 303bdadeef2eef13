"""The editor guides' configuration snippets are valid, and say what the server understands.

- Neovim: every Lua block compiles in a real Neovim; the filetype block runs and makes chart
  templates (only) `helm`; the `vim.lsp.config` and nvim-lspconfig blocks run against stand-ins
  and configure `hook-lsp serve` for `helm` with settings the server accepts.
- Helix: the TOML parses and adds `hook-lsp serve` to the `helm` language.
- Emacs: the Lisp reads as complete forms (with `emacs --batch` when Emacs is installed,
  otherwise with a small reader) and names `hook-lsp serve`.
- VS Code and the coexistence guide: JSON/TOML examples parse and name real settings and rules.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from hook_lsp.analysis.rules.registry import REGISTRY
from hook_lsp.settings import Settings

from .tools import HERE, ROOT, copy_shop, require_executable

DOCS = ROOT / "docs" / "editors"


def blocks(name: str, language: str) -> list[str]:
    text = (DOCS / name).read_text()
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def _settings_ok(settings: dict) -> None:
    parsed, errors = Settings.from_json(settings)
    assert errors == [], errors
    assert set(settings.get("hookLsp", settings)) <= set(vars(Settings())), settings


@pytest.fixture(scope="module")
def neovim(tmp_path_factory) -> dict:
    nvim = require_executable("nvim", "Neovim (`nvim`)")
    tmp = tmp_path_factory.mktemp("nvim-docs")
    chart = copy_shop(tmp)
    stray = tmp / "not-a-chart" / "templates"
    stray.mkdir(parents=True)
    (stray / "page.yaml").write_text("title: x\n")
    paths = {
        "template": chart / "templates" / "db-migrate-job.yaml",
        "tpl": chart / "templates" / "_helpers.tpl",
        "chart": chart / "Chart.yaml",
        "values": chart / "values.yaml",
        "stray": stray / "page.yaml",
    }
    paths["tpl"].write_text('{{- define "shop.name" -}}shop{{- end }}\n')
    out = tmp / "result.json"
    env = {
        **os.environ,
        "HOOK_LSP_DOC_BLOCKS": json.dumps(blocks("neovim.md", "lua")),
        "HOOK_LSP_PATHS": json.dumps([str(p) for p in paths.values()]),
        "HOOK_LSP_RESULT": str(out),
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "XDG_DATA_HOME": str(tmp / "data"),
        "XDG_STATE_HOME": str(tmp / "state"),
        "XDG_CACHE_HOME": str(tmp / "cache"),
    }
    proc = subprocess.run([nvim, "--headless", "-n", "-i", "NONE", "-u", str(HERE / "nvim_docs.lua")],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=60)
    assert out.exists(), proc.stderr[-2000:]
    data = json.loads(out.read_text())
    data["paths"] = {k: str(v) for k, v in paths.items()}
    return data


def test_neovim_lua_blocks_compile(neovim):
    assert len(neovim["compiled"]) == len(blocks("neovim.md", "lua")) >= 4
    assert all(v is True for v in neovim["compiled"]), neovim["compiled"]
    assert not [k for k in neovim["configs"] if k.startswith("error")], neovim["configs"]


def test_neovim_filetype_block_marks_only_chart_templates(neovim):
    ft = {name: neovim["filetypes"][path] for name, path in neovim["paths"].items()}
    assert ft["template"] == "helm" and ft["tpl"] == "helm"
    assert ft["chart"] == "yaml" and ft["values"] == "yaml"
    assert ft["stray"] == "yaml"  # a templates/ folder with no Chart.yaml above is not a chart


def test_neovim_011_config(neovim):
    config = neovim["configs"]["vim.lsp.config hook_lsp"]
    assert config["cmd"] == ["hook-lsp", "serve"]
    assert config["filetypes"] == ["helm"] and config["root_markers"] == ["Chart.yaml"]
    _settings_ok(config["settings"])
    assert neovim["configs"]["enabled hook_lsp"] is True


def test_neovim_lspconfig_block(neovim):
    config = neovim["configs"]["lspconfig hook_lsp"]
    assert config["cmd"] == ["hook-lsp", "serve"] and config["filetypes"] == ["helm"]
    assert config["root_dir"] == {"root_pattern": ["Chart.yaml"]}
    _settings_ok(config["settings"])


def test_helix_languages_toml():
    (toml,) = blocks("helix.md", "toml")
    data = tomllib.loads(toml)
    server = data["language-server"]["hook-lsp"]
    assert server["command"] == "hook-lsp" and server["args"] == ["serve"]
    _settings_ok(server["config"])
    (helm,) = [lang for lang in data["language"] if lang["name"] == "helm"]
    assert "hook-lsp" in helm["language-servers"] and "helm_ls" in helm["language-servers"]


def _read_sexps(code: str) -> int:
    """Count the top-level forms of Emacs Lisp, failing on unbalanced parentheses or strings."""
    depth, forms, i = 0, 0, 0
    while i < len(code):
        c = code[i]
        if c == ";":
            i = code.find("\n", i)
            i = len(code) if i < 0 else i
            continue
        if c == "?":  # a character literal such as ?\( or ?a
            i += 3 if code[i + 1 : i + 2] == "\\" else 2
            continue
        if c == '"':
            i += 1
            while i < len(code) and code[i] != '"':
                i += 2 if code[i] == "\\" else 1
            assert i < len(code), "unterminated string"
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
            assert depth >= 0, f"unbalanced ')' at {i}"
            forms += depth == 0
        i += 1
    assert depth == 0, "unbalanced '('"
    return forms


def test_emacs_lisp_blocks(tmp_path):
    codes = blocks("emacs.md", "elisp")
    assert len(codes) == 2
    for code in codes:
        assert _read_sexps(code) >= 1
    assert '("hook-lsp" "serve")' in codes[0] and "eglot-server-programs" in codes[0]
    emacs = shutil.which("emacs")
    if emacs:  # the real reader, when Emacs is installed
        for n, code in enumerate(codes):
            f = tmp_path / f"block{n}.el"
            f.write_text(code)
            reader = (f'(with-temp-buffer (insert-file-contents "{f}") (goto-char (point-min)) '
                      "(condition-case nil (while t (read (current-buffer))) (end-of-file nil)))")
            subprocess.run([emacs, "--batch", "-Q", "--eval", reader], check=True, timeout=60, capture_output=True)


def test_vscode_settings_example_uses_real_settings():
    package = json.loads((ROOT / "vscode-extension" / "package.json").read_text())
    known = set(package["contributes"]["configuration"]["properties"])
    (example,) = blocks("vscode.md", "json")
    settings = json.loads(example)
    assert set(settings) <= known
    _settings_ok({k.removeprefix("hookLsp."): v for k, v in settings.items() if k != "hookLsp.interpreter"})
    text = (DOCS / "vscode.md").read_text()
    assert set(re.findall(r"`(hookLsp\.[\w.]+)`", text)) <= known


def test_coexistence_rule_codes_exist():
    (toml,) = blocks("coexistence.md", "toml")
    assert set(tomllib.loads(toml)["rules"]) <= set(REGISTRY)
    text = (DOCS / "coexistence.md").read_text()
    assert set(re.findall(r"\bHK\d{3}\b", text)) <= set(REGISTRY)
