"""textDocument/hover: what a hook annotation key, event, policy, weight or hook kind means.

Thin: converts the position and returns the markdown `analysis.hovers` builds from the
knowledge tables, for the selected Helm version.
"""

from __future__ import annotations

from lsprotocol import types

from .. import convert
from ..analysis.hovers import hover as hover_text
from ..server import HookLanguageServer, server
from .completion import helm_version
from .documents import result_for


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: HookLanguageServer, params: types.HoverParams) -> types.Hover | None:
    """textDocument/hover."""
    result = result_for(ls, params.text_document.uri)
    if result is None or result.skipped:
        return None
    encoding = convert.encoding_of(ls)
    index = result.analysis.index
    offset = convert.offset(index, params.position, encoding)
    found = hover_text(result.analysis, offset, result.chart, helm_version(ls, result.path))
    if found is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=found.markdown),
        range=convert.range_(index, found.span, encoding),
    )
