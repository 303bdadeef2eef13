"""The server bundled in the .vsix runs on a plain Python 3.10+ that has nothing installed.

The extension starts it as `python -S -m hook_lsp serve` with `bundled/libs` on PYTHONPATH; here
the libraries are taken out of the built .vsix itself and driven over stdio: initialize, open a
template with a typo in `helm.sh/hook`, get the HK101 diagnostic, shut down.
Debian's /usr/bin/python3 always; other interpreters (3.10 — the oldest supported —, 3.12, 3.13)
when the machine has them.
"""

from __future__ import annotations

import asyncio
import os
import zipfile
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from .tools import VSIX, copy_shop, require

PYENV = Path.home() / ".pyenv" / "versions"
INTERPRETERS = {
    "debian-python3": Path("/usr/bin/python3"),
    **{f"python{v}": p for v in ("3.10", "3.12", "3.13") for p in sorted(PYENV.glob(f"{v}.*/bin/python{v}"))[-1:]},
}


@pytest.fixture(scope="module")
def bundled_libs(tmp_path_factory) -> Path:
    vsix = require(VSIX if VSIX.exists() else None, "the built extension vscode-extension/hook-lsp.vsix")
    dest = tmp_path_factory.mktemp("vsix")
    with zipfile.ZipFile(vsix) as z:
        z.extractall(dest, [n for n in z.namelist() if n.startswith("extension/bundled/libs/")])
    libs = dest / "extension" / "bundled" / "libs"
    assert (libs / "hook_lsp" / "__init__.py").exists()
    return libs


async def _diagnostics_from(python: Path, libs: Path, chart: Path) -> list[types.Diagnostic]:
    client = LanguageClient("bundled-test", "1")
    received: asyncio.Queue = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        received.put_nowait(params)

    # As the extension starts it: no site-packages, only the bundle (and its bin/ on PATH).
    env = {"PATH": f"{libs / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHONPATH": str(libs),
           "PYTHONNOUSERSITE": "1", "HOME": str(chart.parent)}
    await client.start_io(str(python), "-S", "-m", "hook_lsp", "serve", "--stdio", env=env)
    try:
        await asyncio.wait_for(client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=chart.as_uri())), 30)
        client.initialized(types.InitializedParams())
        path = chart / "templates" / "db-migrate-job.yaml"
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=path.as_uri(), language_id="helm", version=1, text=path.read_text())))
        while True:
            params = await asyncio.wait_for(received.get(), 30)
            if params.uri == path.as_uri():
                return list(params.diagnostics)
    finally:
        try:
            await asyncio.wait_for(client.shutdown_async(None), 10)
            client.exit(None)
        finally:
            await client.stop()


@pytest.mark.parametrize("name", sorted(INTERPRETERS))
async def test_bundled_server_on_plain_python(name, bundled_libs, tmp_path):
    python = INTERPRETERS[name]
    if name == "debian-python3":
        require(python.exists() or None, "/usr/bin/python3 (Debian's python3)")
    chart = copy_shop(tmp_path)
    diagnostics = await _diagnostics_from(python, bundled_libs, chart)
    (hk101,) = [d for d in diagnostics if d.code == "HK101"]
    assert hk101.source == "hook-lsp"
    assert (hk101.range.start.line, hk101.range.start.character, hk101.range.end.character) == (5, 20, 30)
