"""A one-time information message suggesting the deployer profile a chart's repository uses.

When a chart is first opened under the default ``helm`` profile and its repository holds an Argo
CD Application/ApplicationSet, a Flux HelmRelease or a Fleet bundle for it
(`analysis.deployer_detect`), the user is told once which setting would follow that deployer.
The profile is never switched silently.
"""

from __future__ import annotations

import logging
from pathlib import Path

from lsprotocol import types

from ..analysis.deployer_detect import suggest
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
    try:
        found = suggest(Path(chart.root), chart.name)
    except Exception:  # a hint must never cost the analysis
        log.exception("deployer detection failed")
        return
    if found is None:
        return
    try:
        shown = found.path.relative_to(Path(chart.root).parent).as_posix()
    except ValueError:
        shown = str(found.path)
    try:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Info, f"hook-lsp: {found.message(shown)}"))
    except Exception:  # pragma: no cover - no client attached (unit tests)
        pass
