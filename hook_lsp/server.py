"""The language server: state shared by the feature modules, and the server instance.

`HookLanguageServer` holds the settings, the `Project` (charts and their analyses) and the last
published result per document. Handlers live in `hook_lsp.features`, one module per LSP method
family; importing that package registers them on `server`.

Start-up work that the first diagnostics do not need waits until they are out (`expect_start`):
the probe of the optional parts (`report_parts`) and what `hook-lsp serve` adds to `after_start`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

from lsprotocol import types
from pygls.exceptions import FeatureRequestError
from pygls.lsp.server import LanguageServer

from . import __version__
from .analysis.project import FileResult, Project
from .lsp_protocol import HookProtocol
from .settings import Settings

log = logging.getLogger(__name__)


class HookLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "hook-lsp",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=HookProtocol,
        )
        self.settings = Settings()
        self.project = Project(self.settings.analysis_config(), rescan_when_idle=True)
        #: uri -> (document version, result) of the last analysis published.
        self.results: dict[str, tuple[int | None, FileResult]] = {}
        self.reported_errors: set[str] = set()
        #: chart root -> {values file URI: problem published on it}.
        self.values_diagnostics: dict[str, dict[str, str]] = {}
        self._failure_shown = False
        #: Chart roots already considered for a deployer-profile suggestion.
        self.deployer_hints: set = set()
        #: Whether a document's diagnostics were published yet.
        self.published = False
        #: Start-up work the first diagnostics do not need (`hook-lsp serve` settles its heap):
        #: run once they are out, or when none are out soon after `initialize` (`expect_start`).
        self.after_start: list[Callable[[], None]] = []
        #: Done when that time has come (`started`).
        self._started: asyncio.Future | None = None

    def apply_settings(self, data) -> None:
        settings, errors = Settings.from_json(data)
        self.settings = settings
        self.project.set_base_config(settings.analysis_config())
        self.project.set_values_files(settings.valuesFiles)
        self.project.set_release(settings.releaseName, settings.namespace)
        self.project.set_helm_render(settings.helmRender)
        for message in errors + self.project.config_errors:
            self.report_once(message)

    def report_failure(self, message: str) -> None:
        """Tell the user once per session that some analysis failed (each file also gets an
        error diagnostic); the log keeps every occurrence."""
        log.error("analysis failed: %s", message)
        if self._failure_shown:
            return
        self._failure_shown = True
        self._show(
            types.MessageType.Error,
            f"hook-lsp: could not fully analyse {message}. Results for such files are incomplete; "
            "see the server log.",
        )

    def report_server_error(self, error: Exception, source) -> None:
        """Protocol-level errors: logged, and shown once per kind (pygls would show a popup
        for every occurrence, e.g. on each keystroke)."""
        log.error("%s: %s", getattr(source, "__name__", source), error)
        if source is FeatureRequestError:
            return  # the request's error response already tells the client
        kind = f"server-error:{type(error).__name__}"
        if kind in self.reported_errors:
            return
        self.reported_errors.add(kind)
        self._show(types.MessageType.Error, f"hook-lsp: internal error ({type(error).__name__}); see the server log.")

    def _show(self, kind: types.MessageType, message: str) -> None:
        try:
            self.window_show_message(types.ShowMessageParams(kind, message))
        except Exception:  # pragma: no cover - no client attached (unit tests)
            pass

    def report_once(self, message: str) -> None:
        """Tell the user about a bad setting once (then defaults apply)."""
        if message in self.reported_errors:
            return
        self.reported_errors.add(message)
        log.warning("%s", message)
        try:
            self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"hook-lsp: {message}"))
        except Exception:  # pragma: no cover - no client attached (unit tests)
            pass

    def expect_start(self, patience: float) -> None:
        """At `initialize`: start-up ends once the first diagnostics are published, or after
        ``patience`` seconds without any (a client that opens no chart file)."""
        if self._started is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (used outside the server): nothing to wait for
            self._start_done()
            return
        self._started = loop.create_future()
        loop.call_later(patience, self._start_done)

    def note_publication(self) -> None:
        """A document's diagnostics went out; after the first, start-up work may run."""
        if self.published:
            return
        self.published = True
        try:
            # After the handler that published: what else it does belongs to the first answer.
            asyncio.get_running_loop().call_soon(self._start_done)
        except RuntimeError:  # no event loop (used outside the server)
            self._start_done()

    def _start_done(self) -> None:
        if self._started is not None and not self._started.done():
            self._started.set_result(None)
        work, self.after_start = self.after_start, []
        for func in work:
            func()

    async def started(self) -> None:
        """Return once start-up has ended (see `expect_start`)."""
        if self._started is not None and not self._started.done():
            await self._started

    async def report_parts(self) -> None:
        """Say once, after the first diagnostics, which parts of the analysis cannot run here: a
        warning message per missing part (what is lost, how to get it back) and a
        ``hookLsp/parts`` notification with every part's state, which the VS Code extension shows
        in its status item.

        The probe imports the parsers on this thread (a probe thread racing the analyses through
        the same imports is a risk for nothing); only ``shellcheck --version`` runs off the event
        loop."""
        from dataclasses import asdict

        from .analysis.parts import missing, parts, probe_shellcheck, warning
        from .analysis.scripts.shellcheck import binary

        await asyncio.get_running_loop().run_in_executor(None, probe_shellcheck, binary())

        lost = missing(self.settings.shellcheck)
        for part in lost:
            self.report_once(warning(part))
        payload = {
            "parts": [asdict(p) for p in parts()],
            "missing": [p.key for p in lost],
            "rulesLost": sorted({c for p in lost for c in p.rules}),
        }
        try:
            self.protocol.notify(PARTS_NOTIFICATION, payload)
        except Exception:  # pragma: no cover - no client attached (unit tests)
            pass


#: Server -> client notification: which optional parts of the analysis are active.
PARTS_NOTIFICATION = "hookLsp/parts"

server = HookLanguageServer()

from . import features  # noqa: E402,F401  (registers the handlers on `server`)
