"""Indexing large charts in the background, with `$/progress`.

The first time a document of a chart is opened, the server answers that document at once (its
own rules; chart-wide rules need every template) and reads the rest of the chart in short chunks
on the event loop, so edits, requests and the client's answers (`workspace/configuration`) are
handled between chunks. When the chart is complete, every open document of it is published
again with the chart-wide findings, and code lenses and inlay hints are refreshed.

Small charts (up to `SYNC_FILES` template files) are read at once: their first publication
is already complete. A chart dropped meanwhile (its `Chart.yaml` or the values settings changed)
stops its indexing; the next document that needs it starts again.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time

from lsprotocol import types

from ..analysis.chart import Chart
from ..analysis.resolve import values_ahead
from ..server import HookLanguageServer, server
from .diagnostics import publish, publish_values_problems
from .documents import path_of

log = logging.getLogger(__name__)

#: Charts with at most this many template files are indexed before the first answer.
SYNC_FILES = 32
#: Longest stretch of indexing between two turns of the event loop (seconds).
CHUNK_SECONDS = 0.02
_tokens = itertools.count(1)
#: Chart root -> its indexing task.
_tasks: dict[object, asyncio.Task] = {}


def on_new_chart(chart: Chart) -> None:
    """`Project.on_new_chart`: index a small chart now, a large one in the background."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no event loop (used outside the server): read it all now
        chart.index_more()
        return
    # Count no further than needed: walking a large umbrella takes a while, and waits for later.
    if sum(1 for _ in itertools.islice(chart.template_files(), SYNC_FILES + 1)) <= SYNC_FILES:
        chart.index_more()
        return
    # An umbrella's values files are read on another core from now on, while this core answers
    # the opened document (`values_ahead`): the reader starts up meanwhile.
    read_ahead = getattr(chart.enrich, "read_ahead", None)
    started = read_ahead is not None and read_ahead(chart)
    task = loop.create_task(_index(server, chart, started))
    _tasks[chart.root] = task
    task.add_done_callback(lambda t, root=chart.root: _tasks.pop(root, None) if _tasks.get(root) is t else None)


#: Longest wait of `quiet` (seconds): work that can wait does not wait for ever.
QUIET_PATIENCE = 30.0


async def quiet(patience: float = QUIET_PATIENCE) -> None:
    """Return once no chart is being indexed, or after ``patience`` seconds: for work that can
    wait (the probe of optional parts imports parsers and starts a process) and would otherwise
    share the event loop's thread with the indexing."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience
    while _tasks and loop.time() < deadline:
        await asyncio.wait(set(_tasks.values()), timeout=deadline - loop.time())


async def indexed(chart: Chart) -> None:
    """Wait until ``chart`` is fully indexed (requests that show the whole chart)."""
    while not chart.indexed:
        task = _tasks.get(chart.root)
        if task is None or task.done():
            chart.index_more()
            return
        await asyncio.sleep(0.02)


async def _index(ls: HookLanguageServer, chart: Chart, reading_ahead: bool = False) -> None:
    await asyncio.sleep(0)  # the opened document is published first
    total = chart.count_pending()
    progress = _Progress(ls, f"hook-lsp/index/{next(_tokens)}", f"Indexing chart {chart.name}", total)
    started = time.perf_counter()
    try:
        try:
            while True:
                if ls.project.charts.get(chart.root) is not chart:
                    return  # superseded: the chart was dropped and will be read again
                done = chart.index_more(time.perf_counter() + CHUNK_SECONDS)
                progress.report(chart.indexed_files)
                if done:
                    break
                await asyncio.sleep(0)
        except Exception:  # never let one bad chart stop the server
            log.exception("indexing %s failed", chart.root)
            return
        finally:
            progress.end()
        log.info("indexed %s: %d templates in %.2f s", chart.root, len(chart.templates), time.perf_counter() - started)
        # The values files no template read are looked at for problems here: the helper has
        # read them already.
        _publish_chart(ls, chart)
    finally:
        if reading_ahead:
            values_ahead.clear()


def _publish_chart(ls: HookLanguageServer, chart: Chart) -> None:
    """Publish every open document of ``chart`` again, now with the chart-wide findings."""
    from pathlib import Path

    for uri in list(ls.workspace.text_documents):
        if chart.owns(Path(path_of(uri))):
            ls.results.pop(uri, None)
            try:
                # With every check: the pass that completes quick results after typing pauses
                # may have run already, on the partial result.
                publish(ls, uri, neighbours=False, complete=True)
            except Exception:  # pragma: no cover - logged, the other documents still publish
                log.exception("analysis failed")
    try:
        publish_values_problems(ls, chart)
    except Exception:  # pragma: no cover - logged; diagnostics of the documents are out already
        log.exception("values diagnostics failed")
    _refresh(ls)


def _refresh(ls: HookLanguageServer) -> None:
    """Ask the client to pull code lenses and inlay hints again (they show the chart's order)."""
    ws = ls.client_capabilities.workspace if ls.client_capabilities else None
    if ws is None:
        return
    if ws.code_lens and ws.code_lens.refresh_support:
        ls.workspace_code_lens_refresh(None)
    if ws.inlay_hint and ws.inlay_hint.refresh_support:
        ls.workspace_inlay_hint_refresh(None)


class _Progress:
    """Work-done progress for one indexing run, when the client supports it.

    The token is created without waiting for the client's answer; reports start once it has
    answered (a client that never answers just sees no progress).
    """

    def __init__(self, ls: HookLanguageServer, token: str, title: str, total: int) -> None:
        self.ls, self.token, self.title, self.total = ls, token, title, max(total, 1)
        self.created = None
        self.begun = False
        self.last = -1
        caps = ls.client_capabilities
        if caps and caps.window and caps.window.work_done_progress:
            try:
                self.created = ls.work_done_progress.create(token)
            except Exception:  # pragma: no cover - transport closed
                self.created = None

    def _ready(self) -> bool:
        try:
            if self.created is None or not self.created.done() or self.created.exception() is not None:
                return False
        except BaseException:  # cancelled
            return False
        if not self.begun:
            self.begun = True
            self.ls.work_done_progress.begin(
                self.token, types.WorkDoneProgressBegin(title=self.title, percentage=0, cancellable=False)
            )
        return True

    def report(self, done: int) -> None:
        percentage = min(100, done * 100 // self.total)
        if percentage == self.last or not self._ready():
            return
        self.last = percentage
        self.ls.work_done_progress.report(
            self.token, types.WorkDoneProgressReport(message=f"{done}/{self.total} templates", percentage=percentage)
        )

    def end(self) -> None:
        if self._ready():
            self._end()
        elif self.created is not None and not self.created.done():
            # Done before the client answered: begin and end once it has (a client that asked
            # for progress sees every run start and finish).
            self.created.add_done_callback(lambda _f: self._ready() and self._end())

    def _end(self) -> None:
        self.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message="done"))


server.project.on_new_chart = on_new_chart
