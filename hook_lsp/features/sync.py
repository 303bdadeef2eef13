"""Document and workspace synchronisation: open/change/save/close, watched files, settings.

Analysis of a typical template takes a few milliseconds, so by default an edit is analysed at
once, in order, and its diagnostics carry the version they were computed for. With
``hookLsp.debounceMs`` > 0 the analysis waits that long and a newer edit cancels it, so results
for an old version are never published over a newer one.

The first open of a large chart answers the opened document before the rest of the chart is
read (see `indexing`). Settings pulled with `workspace/configuration` apply whenever the
client answers, however late.

Which optional parts of the analysis cannot run here is said once the first diagnostics are
out (or a second after `initialize` when no document is opened): probing them would hold those up.

Checks that run an external program (ShellCheck, ~15 ms a script) stay off the keystroke path:
the first publication leaves them out, and once typing pauses for `COMPLETE_AFTER` seconds
the open documents are published again, same version, with every check. The helper files on
disk are scanned again then too (`Resolver.rescan_when_idle`), not on a keystroke.
"""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types

from ..server import HookLanguageServer, server
from .deployer_hint import suggest_profile
from .diagnostics import clear, publish, publish_incomplete
from .documents import path_of
from .indexing import quiet

log = logging.getLogger(__name__)
_pending: dict[str, asyncio.TimerHandle] = {}
#: Seconds without edits before the slow checks run.
COMPLETE_AFTER = 0.3
_COMPLETE = "<complete>"


def _schedule(ls: HookLanguageServer, uri: str) -> None:
    for key in (uri, _COMPLETE):
        handle = _pending.pop(key, None)
        if handle is not None:
            handle.cancel()
    ls.results.pop(uri, None)
    delay = ls.settings.debounceMs / 1000
    loop = asyncio.get_running_loop()
    if delay <= 0:
        _guarded(publish, ls, uri)
    else:
        _pending[uri] = loop.call_later(delay, _run, ls, uri)
    _pending[_COMPLETE] = loop.call_later(max(delay, 0) + COMPLETE_AFTER, _complete, ls)


def _run(ls: HookLanguageServer, uri: str) -> None:
    _pending.pop(uri, None)
    _guarded(publish, ls, uri)


def _complete(ls: HookLanguageServer) -> None:
    _pending.pop(_COMPLETE, None)
    _guarded(publish_incomplete, ls)


def _guarded(func, *args) -> None:
    try:
        func(*args)
    except Exception:  # never let one bad document stop the server
        log.exception("analysis failed")


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: HookLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    """textDocument/didOpen: index the chart if needed and publish diagnostics."""
    uri = params.text_document.uri
    ls.project.open(path_of(uri), params.text_document.text)
    _schedule(ls, uri)
    _guarded(suggest_profile, ls, path_of(uri))


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: HookLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    """textDocument/didChange: pygls has applied the edits; re-analyse the new text."""
    uri = params.text_document.uri
    doc = ls.workspace.get_text_document(uri)
    ls.project.buffers[path_of(uri)] = doc.source
    _schedule(ls, uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: HookLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    """textDocument/didSave: publish again (a project file may have changed meanwhile)."""
    _schedule(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: HookLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    """textDocument/didClose: clear the document's diagnostics; the chart goes back to disk."""
    uri = params.text_document.uri
    handle = _pending.pop(uri, None)
    if handle is not None:
        handle.cancel()
    ls.project.close(path_of(uri))
    # Closed documents must not come back through the slow pass.
    ls.results.pop(uri, None)
    clear(ls, uri)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: HookLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    """workspace/didChangeWatchedFiles: keep chart models current with files edited elsewhere."""
    for change in params.changes:
        ls.project.file_changed_on_disk(path_of(change.uri), deleted=change.type == types.FileChangeType.Deleted)
    for uri in list(ls.workspace.text_documents):
        _schedule(ls, uri)


@server.feature(types.INITIALIZE)
def initialize(ls: HookLanguageServer, params: types.InitializeParams) -> None:
    """initialize: settings from initializationOptions; start-up work now waits for the first
    diagnostics (`START_PATIENCE`)."""
    ls.expect_start(START_PATIENCE)
    if params.initialization_options:
        ls.apply_settings(params.initialization_options)


#: Seconds after `initialize` that start-up work waits for the first diagnostics (the parts
#: probe; `hook-lsp serve` also settles its heap then) before it runs anyway.
START_PATIENCE = 1.0


@server.feature(types.INITIALIZED)
async def initialized(ls: HookLanguageServer, params: types.InitializedParams) -> None:
    """initialized: watch chart files, pull `hookLsp` settings when the client can, and say
    which parts of the analysis cannot run here (once)."""
    pull = asyncio.ensure_future(_pull_configuration(ls))
    await _watch_chart_files(ls)
    # Settings decide what is reported; a late answer still applies, but does not hold this up.
    await asyncio.wait({pull}, timeout=CONFIGURATION_PATIENCE)
    # The probe (importing the parsers, `shellcheck --version`) would hold up the first
    # diagnostics of a document opened meanwhile: it comes after them, and after the indexing
    # of a large chart that the first document started.
    await ls.started()
    await quiet()
    await ls.report_parts()
    await pull


#: Files whose changes on disk alter a chart model or its configuration.
WATCHED = ("**/templates/**", "**/Chart.yaml", "**/values*.yaml", "**/.hook-lsp.toml", "**/hook-lsp.toml")


async def _watch_chart_files(ls: HookLanguageServer) -> None:
    caps = ls.client_capabilities
    watched = caps and caps.workspace and caps.workspace.did_change_watched_files
    if not (watched and watched.dynamic_registration):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=g) for g in WATCHED]
    )
    try:
        await asyncio.wait_for(
            ls.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="hook-lsp-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
                        )
                    ]
                )
            ),
            timeout=5,
        )
    except Exception as exc:  # the client may refuse; open buffers still stay current
        log.warning("could not register file watchers: %s", exc)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: HookLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    """workspace/didChangeConfiguration: re-read settings and re-publish every open document."""
    settings = params.settings
    if isinstance(settings, dict) and isinstance(settings.get("hookLsp"), dict):
        ls.apply_settings(settings["hookLsp"])
    else:
        await _pull_configuration(ls)
    for uri in list(ls.workspace.text_documents):
        _schedule(ls, uri)


#: Seconds after which a missing `workspace/configuration` answer is logged (it still applies
#: whenever it comes: a busy client, or one that waited on a long first analysis, answers late).
CONFIGURATION_PATIENCE = 5
_pulls = {"sent": 0, "applied": 0}


async def _pull_configuration(ls: HookLanguageServer) -> None:
    caps = ls.client_capabilities
    if not (caps and caps.workspace and caps.workspace.configuration):
        return
    _pulls["sent"] += 1
    seq = _pulls["sent"]
    try:
        request = asyncio.ensure_future(
            ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="hookLsp")])
            )
        )
        done, _ = await asyncio.wait({request}, timeout=CONFIGURATION_PATIENCE)
        if not done:
            log.warning("workspace/configuration: no answer after %s s; it will apply when it comes", CONFIGURATION_PATIENCE)
        # Never drop the answer: waiting here holds up nothing else (this is its own task).
        result = await request
    except Exception as exc:  # the client may refuse or close
        log.warning("workspace/configuration failed: %s", exc)
        return
    if seq < _pulls["applied"]:
        return  # a newer answer is already in force
    _pulls["applied"] = seq
    if result and isinstance(result[0], dict):
        ls.apply_settings(result[0])
        for uri in list(ls.workspace.text_documents):
            _schedule(ls, uri)
