"""`serve --tcp` speaks LSP on a loopback socket; protocol misuse gets an answer, not a crash."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import diagnostics_for, open_doc


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _frame(payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_message(sock: socket.socket) -> dict:
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += sock.recv(4096)
    head, rest = buf.split(b"\r\n\r\n", 1)
    length = int(next(l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")).split(b":")[1])
    while len(rest) < length:
        rest += sock.recv(4096)
    return json.loads(rest[:length])


def test_tcp_initialize():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "hook_lsp", "serve", "--tcp", f"127.0.0.1:{port}"], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with sock:
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}))
            reply = _read_message(sock)
        assert reply["id"] == 1
        caps = reply["result"]["capabilities"]
        assert caps["textDocumentSync"]["change"] == 2  # incremental
        assert reply["result"]["serverInfo"]["name"] == "hook-lsp"
    finally:
        proc.kill()
        proc.wait(timeout=10)


async def test_requests_for_unopened_documents_are_answered(client: LanguageClient, tmp_chart):
    ghost = (tmp_chart / "templates" / "never-opened.yaml").as_uri()
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(ghost),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert list(actions or ()) == []
    # The server is still healthy.
    uri = open_doc(client, tmp_chart / "templates" / "migrate-job.yaml")
    assert any(d.code == "HK101" for d in await diagnostics_for(client, uri, version=1))


async def test_protocol_misuse_leaves_the_server_healthy(client: LanguageClient, tmp_chart):
    job = tmp_chart / "templates" / "migrate-job.yaml"
    ghost = (tmp_chart / "templates" / "ghost.yaml").as_uri()
    # A change to a document that was never opened, and one with a range past the end.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=ghost, version=3),
            [types.TextDocumentContentChangePartial(types.Range(types.Position(0, 0), types.Position(0, 0)), text="x")],
        )
    )
    uri = open_doc(client, job)
    await diagnostics_for(client, uri, version=1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            [types.TextDocumentContentChangePartial(types.Range(types.Position(900, 4), types.Position(950, 0)), text="\n")],
        )
    )
    # Requests at positions past the end of the text are answered, not crashed on.
    far = types.Position(10_000, 500)
    hover = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), far))
    assert hover is None
    completion = await client.text_document_completion_async(types.CompletionParams(types.TextDocumentIdentifier(uri), far))
    assert completion is None or isinstance(completion, (list, types.CompletionList))
    # And the document still gets analysed.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=3),
            [types.TextDocumentContentChangeWholeDocument(text=job.read_text())],
        )
    )
    assert any(d.code == "HK101" for d in await diagnostics_for(client, uri, version=3))
