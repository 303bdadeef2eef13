"""Code lens, inlay hints, symbols and the `hookLsp/timeline` request over stdio."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import WORKSPACE, diagnostics_for, open_doc


@pytest.fixture
def lifecycle(tmp_path) -> Path:
    dest = tmp_path / "lifecycle"
    shutil.copytree(WORKSPACE / "lifecycle", dest)
    return dest


async def test_code_lens_shows_place_in_event(client: LanguageClient, lifecycle):
    uri = open_doc(client, lifecycle / "templates" / "migrate-sa.yaml")
    await diagnostics_for(client, uri, version=1)
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    titles = [lens.command.title for lens in lenses]
    # pre-install: migrate (-5, from the helper) then migrate-sa (-5): same weight, name decides.
    # pre-upgrade: db-backup (-10, from values.yaml) runs first.
    assert titles == [
        "pre-install 2/2 · weight -5 · after migrate",
        "pre-upgrade 3/3 · weight -5 · after migrate",
    ]
    lens = lenses[0]
    assert lens.range.start.line == 1  # the `kind:` line
    assert lens.command.command == "hookLsp.showTimeline"
    assert list(lens.command.arguments) == [str(lifecycle), "install"]
    assert list(lenses[1].command.arguments) == [str(lifecycle), "upgrade"]


async def test_code_lens_on_helper_hook(client: LanguageClient, lifecycle):
    uri = open_doc(client, lifecycle / "templates" / "migrate.yaml")
    await diagnostics_for(client, uri, version=1)
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    assert [lens.command.title for lens in lenses] == [
        "pre-install 1/2 · weight -5 · runs first",
        "pre-upgrade 2/3 · weight -5 · after db-backup",
    ]


async def test_inlay_hints_when_enabled(client: LanguageClient, lifecycle):
    uri = open_doc(client, lifecycle / "templates" / "migrate-sa.yaml")
    await diagnostics_for(client, uri, version=1)
    whole = types.Range(types.Position(0, 0), types.Position(20, 0))
    params = types.InlayHintParams(types.TextDocumentIdentifier(uri), whole)
    assert not await client.text_document_inlay_hint_async(params)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"hookLsp": {"inlayHints": True, "codeLens": False}})
    )
    await diagnostics_for(client, uri)
    hints = await client.text_document_inlay_hint_async(params)
    assert len(hints) == 1
    # At the end of the `helm.sh/hook` line.
    assert hints[0].position == types.Position(5, 43)
    assert hints[0].label == "pre-install 2/2 · weight -5 · after migrate  pre-upgrade 3/3 · weight -5 · after migrate"
    assert hints[0].tooltip.value.endswith("(https://github.com/hook-lsp/hook-lsp/blob/main/docs/helm-hooks.md#order))")
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    assert not lenses


async def test_document_and_workspace_symbols(client: LanguageClient, lifecycle):
    uri = open_doc(client, lifecycle / "templates" / "migrate.yaml")
    await diagnostics_for(client, uri, version=1)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
    )
    assert [(s.name, s.detail, s.kind) for s in symbols] == [
        ("Job migrate", "pre-install, pre-upgrade · weight -5", types.SymbolKind.Event)
    ]
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="pre-upgrade"))
    names = sorted(s.name for s in found)
    assert names == [
        "Job db-backup (pre-upgrade · weight -10)",
        "Job migrate (pre-install, pre-upgrade · weight -5)",
        "ServiceAccount migrate-sa (pre-install, pre-upgrade · weight -5)",
    ]
    backup = next(s for s in found if s.name.startswith("Job db-backup"))
    assert backup.location.uri == (lifecycle / "templates" / "db-backup.yaml").as_uri()
    assert backup.container_name == "lifecycle"
    tests = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="smoke"))
    assert [s.name for s in tests] == ["Pod smoke-test (test · weight 0)"]


def plain(value):
    """The request's result as plain JSON (pygls hands custom results back as named tuples)."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


async def test_timeline_request(client: LanguageClient, lifecycle):
    uri = open_doc(client, lifecycle / "templates" / "migrate.yaml")
    await diagnostics_for(client, uri, version=1)
    data = plain(await client.protocol.send_request_async("hookLsp/timeline", {"uri": uri, "operation": "upgrade"}))
    assert data["operation"] == "upgrade" and data["chart"] == "lifecycle"
    assert data["guide"].endswith("/docs/helm-hooks.md")
    steps = data["steps"]
    assert [s["kind"] for s in steps] == ["hooks", "cleanup", "resources", "hooks"]
    assert [h["name"] for h in steps[0]["hooks"]] == ["db-backup", "migrate", "migrate-sa"]
    assert [h["name"] for h in steps[1]["hooks"]] == ["migrate-sa", "migrate"]
    by_root = plain(
        await client.protocol.send_request_async("hookLsp/timeline", {"chartRoot": str(lifecycle), "operation": "test"})
    )
    assert [h["name"] for s in by_root["steps"] for h in s["hooks"]] == ["smoke-test"]
    with pytest.raises(Exception, match="unknown operation"):
        await client.protocol.send_request_async("hookLsp/timeline", {"chartRoot": str(lifecycle), "operation": "deploy"})
