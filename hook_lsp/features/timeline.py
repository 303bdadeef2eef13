"""``hookLsp/timeline``: the lifecycle timeline of a chart as data, for clients to display.

Params ``{"uri": <a document of the chart>} | {"chartRoot": <path or file URI>}`` and an optional
``"operation"`` (install, upgrade — the default —, rollback, uninstall, test). The result is
`Timeline.as_json()`; an unknown chart or operation gives a JSON-RPC error. Computed only when
asked: nothing on the keystroke path depends on it.
"""

from __future__ import annotations

from pathlib import Path

from ..analysis.chart import find_chart_root
from ..analysis.timeline import OPERATIONS, timeline
from ..knowledge import guide
from ..server import HookLanguageServer, server
from .documents import path_of
from .indexing import indexed

TIMELINE = "hookLsp/timeline"


def _get(params, key: str):
    if isinstance(params, dict):
        return params.get(key)
    return getattr(params, key, None)


@server.feature(TIMELINE)
async def timeline_request(ls: HookLanguageServer, params) -> dict:
    operation = _get(params, "operation") or "upgrade"
    if operation not in OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}; expected one of {', '.join(OPERATIONS)}")
    where = _get(params, "uri") or _get(params, "chartRoot")
    if not where:
        raise ValueError("hookLsp/timeline needs `uri` or `chartRoot`")
    path = Path(path_of(where) if str(where).startswith("file:") else where)
    root = path if (path / "Chart.yaml").is_file() else find_chart_root(path)
    chart = ls.project.chart_for(root / "templates" / "_.yaml") if root is not None else None
    if chart is None:
        raise ValueError(f"no chart found for {where}")
    await indexed(chart)
    out = timeline(chart, operation).as_json()
    # Each step's `refs` are anchors ("#order") of this guide.
    out["guide"] = guide.base(ls.settings.docsBaseUrl) + guide.GUIDE
    return out
