"""End-to-end fixtures: the real server over stdio, driven by pytest-lsp.

`client` starts `python -m hook_lsp serve` with VS Code's recorded capabilities; tests open
documents from `workspace/demo` (a small chart) or write their own into `tmp_chart`.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

WORKSPACE = Path(__file__).parent / "workspace"
DEMO = WORKSPACE / "demo"


def accept_registrations(lsp_client: LanguageClient) -> list[types.Registration]:
    """Answer client/registerCapability as editors do; returns the list it records into."""
    seen: list[types.Registration] = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def _register(params: types.RegistrationParams):
        seen.extend(params.registrations)
        return None

    return seen


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "hook_lsp", "serve"]),
)
async def client(lsp_client: LanguageClient, tmp_path_factory):
    lsp_client.registrations = accept_registrations(lsp_client)
    root = tmp_path_factory.mktemp("ws")
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def tmp_chart(tmp_path) -> Path:
    """A copy of the demo chart in a temporary folder (tests may edit it freely)."""
    dest = tmp_path / "demo"
    shutil.copytree(DEMO, dest)
    return dest


def open_doc(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="helm", version=version, text=text if text is not None else path.read_text())
        )
    )
    return uri


async def diagnostics_for(
    client: LanguageClient, uri: str, version: int | None = None, timeout: float = 15.0
) -> list[types.Diagnostic]:
    """Wait until diagnostics for ``uri`` (and ``version``, if given) arrive."""
    for _ in range(50):
        params = await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), timeout)
        if params.uri == uri and (version is None or params.version == version):
            return list(params.diagnostics)
    raise AssertionError(f"no diagnostics for {uri} version {version}")
