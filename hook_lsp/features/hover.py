"""textDocument/hover: what a hook annotation key, event, policy, weight or hook kind means.

Thin: converts the position and returns the markdown `analysis.hovers` builds from the
knowledge tables, for the selected Helm version.
"""

from __future__ import annotations

from lsprotocol import types

from .. import convert
from ..analysis.hovers import hover as hover_text
from ..server import HookLanguageServer, server
from .documents import cursor_for


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: HookLanguageServer, params: types.HoverParams) -> types.Hover | None:
    """textDocument/hover."""
    cur = cursor_for(ls, params.text_document.uri, params.position)
    if cur is None:
        return None
    found = hover_text(cur.result.analysis, cur.offset, cur.result.chart, cur.profile)
    if found is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=found.markdown),
        range=convert.range_(cur.result.analysis.index, found.span, cur.encoding),
    )
