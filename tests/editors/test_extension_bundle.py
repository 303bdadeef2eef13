"""The extension's choice of compiled parts (src/bundle.ts), run under plain Node against a
bundle laid out as scripts/bundle-server.mjs makes it: the matching `native/cp3XY` for a
supported CPython; for any other interpreter no set, and a warning that names the interpreter,
what does not run, and both ways out."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from .tools import EXTENSION, require

CASES = {
    "cpython-3.11": {"executable": "/usr/bin/python3", "version": [3, 11, 2], "implementation": "cpython"},
    "cpython-3.14": {"executable": "/opt/py314/bin/python3", "version": [3, 14, 0], "implementation": "cpython"},
    "pypy-3.10": {"executable": "/usr/bin/pypy3", "version": [3, 10, 14], "implementation": "pypy"},
}


@pytest.fixture(scope="module")
def choose(tmp_path_factory):
    node = require(shutil.which("node"), "Node.js (`node`)")
    esbuild = require(next(iter(EXTENSION.glob("node_modules/.bin/esbuild")), None), "vscode-extension/node_modules (npm ci)")
    tmp = tmp_path_factory.mktemp("bundle-ts")
    module = tmp / "bundle.js"
    subprocess.run([str(esbuild), str(EXTENSION / "src" / "bundle.ts"), "--bundle", "--platform=node", "--format=cjs",
                    f"--outfile={module}"], check=True, capture_output=True, timeout=60)
    ext = tmp / "ext"
    for tag in ("cp310", "cp311", "cp312", "cp313"):
        (ext / "bundled" / "native" / tag).mkdir(parents=True)
    (ext / "bundled" / "libs" / "hook_lsp").mkdir(parents=True)
    (ext / "bundled" / "libs" / "hook_lsp" / "__init__.py").write_text("")
    (ext / "bundled" / "target.json").write_text(json.dumps({"target": "darwin-arm64", "pythons": ["3.10", "3.11", "3.12", "3.13"]}))

    def run(case: str) -> dict:
        script = (f"const b = require({json.dumps(str(module))});"
                  f"console.log(JSON.stringify(b.bundledNative({json.dumps(str(ext))}, {json.dumps(CASES[case])})))")
        out = subprocess.run([node, "-e", script], check=True, capture_output=True, text=True, timeout=30).stdout
        return json.loads(out)

    run.ext = ext
    return run


def test_supported_cpython_gets_its_set(choose):
    assert choose("cpython-3.11") == {"dir": str(choose.ext / "bundled" / "native" / "cp311")}


@pytest.mark.parametrize("case", ["cpython-3.14", "pypy-3.10"])
def test_other_interpreters_are_told_what_is_off_and_how_to_fix_it(choose, case):
    result = choose(case)
    assert "dir" not in result
    warning = result["warning"]
    exe = CASES[case]["executable"]
    assert exe in warning and "script rules" in warning and "darwin-arm64" in warning
    assert f"`{exe} -m pip install hook-lsp`" in warning
    assert '"hookLsp.interpreter" to CPython 3.10–3.13' in warning
