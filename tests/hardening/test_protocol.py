"""Protocol misuse over stdio: every request gets an answer, as the LSP and JSON-RPC specs say."""

from __future__ import annotations

import pytest

from .rawlsp import RawServer

HOVER = {"textDocument": {"uri": "file:///nowhere/t.yaml"}, "position": {"line": 0, "character": 0}}


@pytest.fixture(scope="module")
def server():
    srv = RawServer()
    yield srv
    srv.close()


def test_request_before_initialize_is_refused_without_a_traceback(server):
    server.send({"jsonrpc": "2.0", "id": "early", "method": "textDocument/hover", "params": HOVER})
    error = server.response("early")["error"]
    assert error["code"] == -32002  # ServerNotInitialized
    assert "traceback" not in str(error.get("data", "")).lower()
    server.initialize()


@pytest.mark.parametrize(
    "message, code",
    [
        ({"method": "textDocument/hover", "params": {**HOVER, "position": {"line": -1, "character": 0}}}, -32602),
        ({"method": "textDocument/hover", "params": [1, 2]}, -32602),
        ({"method": "textDocument/hover", "params": {"textDocument": HOVER["textDocument"]}}, -32602),
        ({"params": HOVER}, -32600),  # no method
        ({"jsonrpc": "1.0", "method": "textDocument/hover", "params": HOVER}, -32600),
        ({"jsonrpc": None, "method": "textDocument/hover", "params": HOVER}, -32600),
    ],
    ids=["negative-line", "params-list", "missing-position", "no-method", "jsonrpc-1.0", "no-jsonrpc"],
)
def test_malformed_requests_are_answered(server, message, code, request):
    msg_id = request.node.callspec.id
    payload = {"jsonrpc": "2.0", "id": msg_id, **message}
    if payload["jsonrpc"] is None:
        del payload["jsonrpc"]
    server.send(payload)
    assert server.response(msg_id)["error"]["code"] == code
    # Still alive, and without an error popup per message.
    server.send({"jsonrpc": "2.0", "id": msg_id + "-ok", "method": "textDocument/hover", "params": HOVER})
    assert "result" in server.response(msg_id + "-ok")
    assert len(server.notifications("window/showMessage")) <= 1


def test_requests_after_shutdown_are_invalid_and_exit_code_is_zero():
    srv = RawServer()
    try:
        srv.initialize()
        srv.send({"jsonrpc": "2.0", "id": 1, "method": "shutdown"})
        assert srv.response(1)["result"] is None
        srv.send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": HOVER})
        assert srv.response(2)["error"]["code"] == -32600
        srv.send({"jsonrpc": "2.0", "method": "exit"})
        assert srv.close() == 0
    finally:
        srv.close()


def test_exit_without_shutdown_exits_with_1():
    srv = RawServer()
    try:
        srv.initialize()
        srv.send({"jsonrpc": "2.0", "method": "exit"})
        assert srv.close() == 1
    finally:
        srv.close()


def test_a_huge_buffer_is_not_analysed_and_the_server_keeps_answering(tmp_path):
    root = tmp_path / "app"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    uri = (root / "templates" / "huge.yaml").as_uri()
    line = "# " + "x" * 78 + "\n"
    huge = line * (20 * 1024 * 1024 // len(line))
    srv = RawServer(cwd=tmp_path)
    try:
        srv.initialize()
        srv.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "helm", "version": 1, "text": huge}}})
        srv.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": {"line": 9000, "character": 2},
                                          "end": {"line": 9000, "character": 3}}, "text": "y"}]}})
        srv.send({"jsonrpc": "2.0", "id": "after", "method": "textDocument/hover",
                  "params": {"textDocument": {"uri": uri}, "position": {"line": 9000, "character": 2}}})
        assert "result" in srv.response("after")
        assert srv.wait_for(lambda msgs: any(
            m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == 2 for m in msgs))
        published = [m for m in srv.notifications("textDocument/publishDiagnostics") if m["params"].get("version") == 2]
        assert "larger than 4 MiB" in published[-1]["params"]["diagnostics"][0]["message"]
    finally:
        srv.close()
