"""A one-time information message suggesting the deployer profile a chart's repository uses.

When a chart is first opened under the default ``helm`` profile and its repository holds an Argo
CD Application/ApplicationSet, a Flux HelmRelease or a Fleet bundle for it
(`analysis.deployer_detect`), the user is told once which setting would follow that deployer.
The profile is never switched silently.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from lsprotocol import types

from ..server import HookLanguageServer

log = logging.getLogger(__name__)


def suggest_profile(ls: HookLanguageServer, path: str) -> None:
    chart = ls.project.chart_for(Path(path))
    if chart is None:
        return
    if chart.root in ls.deployer_hints:
        return
    ls.deployer_hints.add(chart.root)
    if not chart.profile.is_helm:
        return
    # Imported here, on the event loop's thread, after the opened document was published.
    from ..analysis.deployer_detect import suggest

    root, name = Path(chart.root), chart.name
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no event loop (called outside the server): look now
        _show(ls, root, _detect(suggest, root, name))
        return
    # The search reads files: keep it off the event loop so requests are answered meanwhile.
    future = loop.run_in_executor(None, _detect, suggest, root, name)
    future.add_done_callback(lambda f: _show(ls, root, f.result() if not f.cancelled() else None))


def _detect(suggest, root: Path, name: str):
    try:
        return suggest(root, name)
    except Exception:  # a hint must never cost the analysis
        log.exception("deployer detection failed")
        return None


def _show(ls: HookLanguageServer, root: Path, found) -> None:
    if found is None:
        return
    try:
        shown = found.path.relative_to(root.parent).as_posix()
    except ValueError:
        shown = str(found.path)
    try:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Info, f"hook-lsp: {found.message(shown)}"))
    except Exception:  # pragma: no cover - no client attached (unit tests)
        pass
