"""The JSON-RPC/LSP message layer: every request is answered, and lines are LSP lines.

pygls handles well-formed traffic; this subclass of its protocol closes the gaps that leave a
client waiting forever or show an error popup per message:

- a request whose params do not deserialize (a negative line, params as a list, a missing
  ``position``) is answered with InvalidParams (-32602);
- a message that is not JSON-RPC 2.0 (``"jsonrpc": "1.0"``, no ``jsonrpc``, an ``id`` but no
  ``method``) is answered with InvalidRequest (-32600) when it carries an id;
- a request before ``initialize`` gets ServerNotInitialized (-32002), without a traceback, and
  notifications before it are dropped (LSP: except ``exit``);
- a request after ``shutdown`` gets InvalidRequest; ``exit`` without ``shutdown`` ends the
  process with exit code 1 (`exit_code`, read by `hook-lsp serve`).

It also gives the workspace a document type whose lines end only at ``\\r\\n``, ``\\r`` and
``\\n``: pygls splits a buffer with `str.splitlines`, which also breaks at U+2028, U+2029, U+0085
and form feeds, so every incremental edit after such a character landed on the wrong line.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest
from pygls.protocol.language_server import lsp_method
from pygls.workspace import TextDocument, Workspace

log = logging.getLogger(__name__)

#: One line with its terminator; LSP line breaks only.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


_BREAK = re.compile(r"\r\n?|\n")


class LspTextDocument(TextDocument):
    """A pygls document whose lines are LSP lines (see the module docstring).

    An incremental edit is applied by finding its two offsets directly, in time proportional
    to the edit's position, instead of splitting the whole buffer into lines on every change
    (a 40 MB buffer took a second per keystroke).
    """

    @property
    def lines(self):
        return tuple(_LINE.findall(self.source))

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        source = self.source
        start = self.offset_of(source, change.range.start)
        end = max(start, self.offset_of(source, change.range.end))
        self._source = source[:start] + change.text + source[end:]

    def offset_of(self, source: str, pos: types.Position) -> int:
        """The code-point offset of an LSP position in ``source``: a line past the end is the end
        of the text; a character past the line's end is the line's end (LSP says so); inside a
        surrogate pair, the position after the character."""
        start = 0
        if "\r" in source:
            for _ in range(max(pos.line, 0)):
                m = _BREAK.search(source, start)
                if m is None:
                    return len(source)
                start = m.end()
            m = _BREAK.search(source, start)
            end = m.start() if m else len(source)
        else:
            for _ in range(max(pos.line, 0)):
                nl = source.find("\n", start)
                if nl == -1:
                    return len(source)
                start = nl + 1
            end = source.find("\n", start)
            end = len(source) if end == -1 else end
        want = pos.character
        if want <= 0:
            return start
        line = source[start:end]
        if line.isascii() or self._position_codec.encoding == types.PositionEncodingKind.Utf32:
            return start + min(want, len(line))
        units = self._position_codec.impl.code_units_for_char
        count = 0
        for i, ch in enumerate(line):
            if count >= want:
                return start + i
            count += units(ch)
        return end


class LspWorkspace(Workspace):
    """A pygls workspace that creates `LspTextDocument`s (it adds no state of its own)."""

    def _create_text_document(self, doc_uri, source=None, version=None, language_id=None):
        return LspTextDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=self._sync_kind,
            position_codec=self._position_codec,
        )


class _Unreadable:
    """A message that could not be turned into its LSP type (answered, never dispatched)."""

    def __init__(self, data: dict, error: JsonRpcException) -> None:
        self.data = data
        self.error = error


class HookProtocol(LanguageServerProtocol):
    """pygls' LSP protocol, answering every request as the LSP and JSON-RPC specs say."""

    def __init__(self, server, converter) -> None:
        super().__init__(server, converter)
        self.initialized = False
        #: The process exit code LSP asks for: 0 after shutdown then exit, 1 for exit alone.
        self.exit_code = 0

    # -- incoming messages -----------------------------------------------------------------

    def structure_message(self, data: dict[str, Any]):
        if "jsonrpc" not in data:
            return data  # nested objects, and messages without `jsonrpc` (see handle_message)
        if "id" in data and not any(k in data for k in ("method", "result", "error")):
            return _Unreadable(data, JsonRpcInvalidRequest("Invalid Request: a message without `method`"))
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            return _Unreadable(data, exc)

    def handle_message(self, message) -> None:
        if isinstance(message, _Unreadable):
            return self._reject(message.data, message.error)
        if isinstance(message, dict) or getattr(message, "jsonrpc", None) != self.VERSION:
            raw = message if isinstance(message, dict) else {"id": getattr(message, "id", None)}
            return self._reject(raw, JsonRpcInvalidRequest("Invalid Request: not a JSON-RPC 2.0 message"))
        method = getattr(message, "method", None)
        is_request = isinstance(message, RPCRequest)
        if method == types.EXIT:
            self.exit_code = 0 if self._shutdown else 1
        elif not self.initialized and method != types.INITIALIZE and method is not None:
            if is_request:
                self._send_response(
                    message.id, error=JsonRpcServerNotInitialized("the server is not initialized yet").to_response_error()
                )
            else:
                log.warning("dropped %s before initialize", method)
            return
        elif self._shutdown and method is not None:
            if is_request:
                self._send_response(
                    message.id, error=JsonRpcInvalidRequest("the server is shutting down").to_response_error()
                )
            return
        super().handle_message(message)

    def _reject(self, data: dict, error: JsonRpcException) -> None:
        """Answer a request-like message with ``error``; log anything else."""
        msg_id = data.get("id") if isinstance(data, dict) else None
        if isinstance(msg_id, (str, int)) and not isinstance(msg_id, bool):
            future = self._request_futures.pop(msg_id, None) if "method" not in data else None
            if future is not None:
                # A malformed answer to one of our own requests: fail that request.
                future.set_exception(error)
                return
            log.warning("answering message %r with %s", msg_id, error.message)
            self._send_response(msg_id, error=error.to_response_error())
        else:
            log.warning("ignored a malformed notification: %s", error.message)

    # -- lifecycle -------------------------------------------------------------------------

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        steps = super().lsp_initialize(params)
        try:
            request = next(steps)
        except StopIteration as done:  # no user handler: the workspace exists now
            self._use_lsp_lines()
            return done.value
        # pygls has created the workspace and hands over to the user's handler.
        self._use_lsp_lines()
        while True:
            value = yield request
            try:
                request = steps.send(value)
            except StopIteration as done:
                self.initialized = True
                return done.value

    def _use_lsp_lines(self) -> None:
        self.initialized = True
        if self._workspace is not None and type(self._workspace) is Workspace:
            self._workspace.__class__ = LspWorkspace
