"""textDocument/codeLens: each hook's place in its lifecycle, above the resource.

"pre-upgrade 2/4 · weight -5 · after db-backup" — one lens per event the hook runs in
(Helm's order, across subcharts: docs/helm-hooks.md#order). Clicking runs ``hookLsp.showTimeline`` with the chart
root and the operation; the client shows the timeline it gets from ``hookLsp/timeline``.
Computed on request from the chart's cached order; off when ``hookLsp.codeLens`` is false.
"""

from __future__ import annotations

from lsprotocol import types

from .. import convert
from ..analysis.timeline import Placement, hook_positions
from ..knowledge.annotations import EVENTS_BY_NAME
from ..server import HookLanguageServer, server
from .documents import result_for

SHOW_TIMELINE = "hookLsp.showTimeline"


def placements(ls: HookLanguageServer, uri: str):
    """(resource, template, [Placement]) for every hook of an open document."""
    result = result_for(ls, uri)
    if result is None or result.chart is None or result.skipped:
        return None, []
    chart = result.chart
    template = chart.templates.get(result.path, result.analysis)
    out = []
    # Every resource: under Argo CD a hook may carry only `argocd.argoproj.io/hook`.
    for res in template.resources:
        places = hook_positions(chart, template, res)
        if places:
            out.append((res, template, places))
    return chart, out


def operation_of(p: Placement) -> str:
    event = EVENTS_BY_NAME.get(p.event)
    return event.operation if event else "install"


@server.feature(types.TEXT_DOCUMENT_CODE_LENS)
def code_lens(ls: HookLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    """Lenses with each hook's position, weight and predecessor in every event it runs in."""
    if not ls.settings.codeLens:
        return []
    chart, items = placements(ls, params.text_document.uri)
    if chart is None:
        return []
    encoding = convert.encoding_of(ls)
    lenses = []
    for res, template, places in items:
        pos = convert.position(template.index, res.anchor.start, encoding)
        rng = types.Range(types.Position(pos.line, 0), types.Position(pos.line, 0))
        for p in places:
            lenses.append(
                types.CodeLens(
                    range=rng,
                    command=types.Command(
                        title=p.label, command=SHOW_TIMELINE, arguments=[str(chart.root), operation_of(p)]
                    ),
                )
            )
    return lenses
