"""A small LSP client over stdio for timing language servers (used by `bench/run.py`).

Built on pygls' `LanguageClient`. It starts a server process, answers the requests servers send
to clients (`workspace/configuration`, `client/registerCapability`, progress tokens), and records
when each `textDocument/publishDiagnostics` arrives, so a caller can time "edit sent ->
diagnostics for that edit received". The server's stderr goes to a log file, never to an unread
pipe (a chatty server would otherwise block on a full pipe and distort the timings).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from pygls.io_ import run_async
from pygls.lsp.client import LanguageClient

#: What a desktop editor typically announces; enough for both servers to enable their features.
CLIENT_CAPABILITIES = types.ClientCapabilities(
    general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
    workspace=types.WorkspaceClientCapabilities(
        configuration=True,
        workspace_folders=True,
        did_change_configuration=types.DidChangeConfigurationClientCapabilities(dynamic_registration=True),
        did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
    ),
    text_document=types.TextDocumentClientCapabilities(
        synchronization=types.TextDocumentSyncClientCapabilities(dynamic_registration=True, did_save=True),
        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
            related_information=True, version_support=True, code_description_support=True, data_support=True
        ),
        hover=types.HoverClientCapabilities(
            dynamic_registration=True, content_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText]
        ),
        completion=types.CompletionClientCapabilities(
            dynamic_registration=True,
            completion_item=types.ClientCompletionItemOptions(
                snippet_support=True,
                documentation_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText],
                insert_replace_support=True,
                label_details_support=True,
            ),
            context_support=True,
        ),
        code_action=types.CodeActionClientCapabilities(dynamic_registration=True),
    ),
    window=types.WindowClientCapabilities(work_done_progress=True),
)


@dataclass
class Published:
    seq: int
    at: float  # time.perf_counter() when the notification was handled
    uri: str
    version: int | None
    count: int
    messages: list[str]


class TimingClient(LanguageClient):
    """A pygls client that keeps every publishDiagnostics with its arrival time."""

    def __init__(self, configuration: Callable[[str | None], Any] | None = None) -> None:
        super().__init__("hook-lsp-bench", "0")
        self.configuration = configuration or (lambda section: None)
        self.published: list[Published] = []
        self.log_messages: list[str] = []
        self.registrations: list[str] = []
        self.configuration_requests = 0
        #: (time.perf_counter(), token, kind) of each `$/progress` notification.
        self.progress: list[tuple[float, str, str]] = []
        self.server_capabilities: types.ServerCapabilities | None = None
        self._waiters: list[tuple[str, int | None, int, asyncio.Future]] = []
        self._log_file = None
        self._install_handlers()

    # -- process ---------------------------------------------------------------------------

    async def start(self, cmd: list[str], stderr_path: str, cwd: str | None = None, env=None) -> None:
        """Start ``cmd`` with its stdin/stdout as the LSP channel and stderr into a file."""
        # Closed in shutdown_session; opened before the process so it can inherit it.
        self._log_file = open(stderr_path, "wb")  # noqa: SIM115, ASYNC230
        server = await asyncio.create_subprocess_exec(
            *cmd,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._log_file,
            cwd=cwd,
            env=env,
        )
        self.protocol.set_writer(server.stdin)
        connection = asyncio.create_task(
            run_async(
                stop_event=self._stop_event,
                reader=server.stdout,
                protocol=self.protocol,
                logger=None,
                error_handler=self.report_server_error,
            )
        )
        self._server = server
        self._async_tasks.extend([connection, asyncio.create_task(self._server_exit())])

    async def initialize_session(self, root_uri: str, initialization_options: Any = None, timeout: float = 60) -> None:
        result = await asyncio.wait_for(
            self.initialize_async(
                types.InitializeParams(
                    capabilities=CLIENT_CAPABILITIES,
                    process_id=None,
                    root_uri=root_uri,
                    workspace_folders=[types.WorkspaceFolder(uri=root_uri, name="bench")],
                    initialization_options=initialization_options,
                    client_info=types.ClientInfo(name="hook-lsp-bench"),
                )
            ),
            timeout,
        )
        self.server_capabilities = result.capabilities
        self.initialized(types.InitializedParams())

    async def shutdown_session(self, timeout: float = 10) -> None:
        """shutdown + exit; kill the process if it does not leave in time."""
        server = self._server
        with contextlib.suppress(Exception):  # a server that is gone or hangs is killed below
            await asyncio.wait_for(self.shutdown_async(None), timeout)
            self.exit(None)
        if server is not None:
            try:
                await asyncio.wait_for(server.wait(), timeout)
            except asyncio.TimeoutError:
                server.kill()
                await server.wait()
        with contextlib.suppress(Exception):  # the reader task ends with the process anyway
            await asyncio.wait_for(self.stop(), timeout)
        if self._log_file is not None:
            self._log_file.close()

    @property
    def server_pid(self) -> int | None:
        return self._server.pid if self._server is not None else None

    # -- capabilities ----------------------------------------------------------------------

    def supports(self, provider: str) -> bool:
        """Whether the server advertised ``provider`` (e.g. ``hover_provider``), statically or dynamically."""
        caps = self.server_capabilities
        if caps is not None and getattr(caps, provider, None) not in (None, False):
            return True
        method = {"hover_provider": types.TEXT_DOCUMENT_HOVER, "completion_provider": types.TEXT_DOCUMENT_COMPLETION}
        return method.get(provider) in self.registrations

    # -- diagnostics -----------------------------------------------------------------------

    @property
    def seq(self) -> int:
        return len(self.published)

    def expect_diagnostics(self, uri: str, version: int | None = None) -> asyncio.Future:
        """A future for the next publishDiagnostics of ``uri`` (for ``version`` or newer, when
        the server says which version it analysed) after the current point."""
        fut = asyncio.get_running_loop().create_future()
        self._waiters.append((uri, version, self.seq, fut))
        return fut

    def _on_publish(self, params: types.PublishDiagnosticsParams) -> None:
        now = time.perf_counter()
        item = Published(
            self.seq, now, params.uri, params.version, len(params.diagnostics), [d.message for d in params.diagnostics]
        )
        self.published.append(item)
        still = []
        for uri, version, since, fut in self._waiters:
            if fut.done():
                continue
            fresh = item.seq >= since and uri == item.uri
            if fresh and (version is None or item.version is None or item.version >= version):
                fut.set_result(item)
            else:
                still.append((uri, version, since, fut))
        self._waiters = still

    # -- requests from the server ----------------------------------------------------------

    def _install_handlers(self) -> None:
        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self._on_publish(params)

        @self.feature(types.WORKSPACE_CONFIGURATION)
        def _configuration(params: types.ConfigurationParams) -> list:
            self.configuration_requests += 1
            return [self.configuration(item.section) for item in params.items]

        @self.feature(types.CLIENT_REGISTER_CAPABILITY)
        def _register(params: types.RegistrationParams) -> None:
            self.registrations.extend(r.method for r in params.registrations)

        @self.feature(types.CLIENT_UNREGISTER_CAPABILITY)
        def _unregister(params: types.UnregistrationParams) -> None:
            return None

        @self.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def _progress(params: types.WorkDoneProgressCreateParams) -> None:
            return None

        @self.feature(types.PROGRESS)
        def _progress_note(params: types.ProgressParams) -> None:
            kind = getattr(params.value, "kind", None) or (params.value or {}).get("kind", "?")
            self.progress.append((time.perf_counter(), str(params.token), str(kind)))

        @self.feature(types.WORKSPACE_CODE_LENS_REFRESH)
        def _lens_refresh(params: None) -> None:
            return None

        @self.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
        def _hint_refresh(params: None) -> None:
            return None

        @self.feature(types.WINDOW_LOG_MESSAGE)
        def _log(params: types.LogMessageParams) -> None:
            self.log_messages.append(params.message)

        @self.feature(types.WINDOW_SHOW_MESSAGE)
        def _show(params: types.ShowMessageParams) -> None:
            self.log_messages.append(params.message)

        @self.feature(types.WORKSPACE_WORKSPACE_FOLDERS)
        def _folders(params: None) -> list:
            return []
