"""Settings over the protocol, debounced edits, and bad input that must not break the server."""

from __future__ import annotations

import asyncio
import sys

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from .conftest import accept_registrations, diagnostics_for, open_doc


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "hook_lsp", "serve", "--stdio"]))
async def configured(lsp_client: LanguageClient):
    """A client that answers workspace/configuration with HK101 downgraded and a debounce."""
    accept_registrations(lsp_client)
    lsp_client.set_configuration({"hookLsp": {"rules": {"HK101": "warning"}, "debounceMs": 400}})
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("neovim")))
    yield
    await lsp_client.shutdown_session()


async def test_workspace_configuration_overrides_severity(configured: LanguageClient, tmp_chart):
    uri = open_doc(configured, tmp_chart / "templates" / "migrate-job.yaml")
    for _ in range(5):
        diags = await diagnostics_for(configured, uri)
        hk101 = [d for d in diags if d.code == "HK101"]
        if hk101 and hk101[0].severity == types.DiagnosticSeverity.Warning:
            break
    assert hk101[0].severity == types.DiagnosticSeverity.Warning


async def test_debounced_edits_publish_only_the_newest_version(configured: LanguageClient, tmp_chart):
    uri = open_doc(configured, tmp_chart / "templates" / "migrate-job.yaml")
    await diagnostics_for(configured, uri)
    for version in range(2, 7):
        configured.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangePartial(types.Range(types.Position(0, 0), types.Position(0, 0)), text="#")],
            )
        )
    versions = []
    try:
        while True:
            params = await asyncio.wait_for(configured.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 1.0)
            if params.uri == uri:
                versions.append(params.version)
    except asyncio.TimeoutError:
        pass
    # The edits arrived within the debounce window: only the newest version was analysed (it may
    # be published twice: at once, then completed with the slow checks).
    assert versions and set(versions) == {6}


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "hook_lsp", "serve"]),
)
async def bad_settings(lsp_client: LanguageClient):
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            initialization_options={"helmVersion": "2", "debounceMs": -1},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_bad_settings_are_reported_and_defaults_apply(bad_settings: LanguageClient, tmp_chart):
    for _ in range(2):
        if len(bad_settings.messages) >= 2:
            break
        await bad_settings.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
    texts = [m.message for m in bad_settings.messages]
    assert any("helmVersion must be 3, 4 or a minor version" in t for t in texts)
    assert any("debounceMs" in t for t in texts)
    uri = open_doc(bad_settings, tmp_chart / "templates" / "migrate-job.yaml")
    diags = await diagnostics_for(bad_settings, uri, version=1)
    assert any(d.code == "HK101" for d in diags)


async def test_broken_and_binary_documents_do_not_break_the_server(client: LanguageClient, tmp_chart):
    broken = tmp_chart / "templates" / "broken.yaml"
    uri = open_doc(client, broken, "kind: Job\nmetadata:\n  name: [\n  annotations: {{ \n")
    assert isinstance(await diagnostics_for(client, uri, version=1), list)
    blob = tmp_chart / "templates" / "blob.yaml"
    uri = open_doc(client, blob, "\0\0\0")
    diags = await diagnostics_for(client, uri, version=1)
    assert len(diags) == 1 and "binary" in diags[0].message
    # The server still answers afterwards.
    job = tmp_chart / "templates" / "migrate-job.yaml"
    uri = open_doc(client, job)
    assert any(d.code == "HK101" for d in await diagnostics_for(client, uri, version=1))
