"""textDocument/hover: what a hook annotation key, event, policy, weight or hook kind means.

Thin: converts the position and returns the markdown `analysis.hovers` builds from the
knowledge tables, for the selected Helm version.
"""

from __future__ import annotations

from lsprotocol import types

from .. import convert
from ..knowledge.guide import DEFAULT_DOCS_BASE_URL
from ..knowledge.guide import base as guide_base
from ..server import HookLanguageServer, server
from .documents import cursor_for


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: HookLanguageServer, params: types.HoverParams) -> types.Hover | None:
    """textDocument/hover."""
    from ..analysis.hovers import hover as hover_text  # not needed before the first hover

    cur = cursor_for(ls, params.text_document.uri, params.position)
    if cur is None:
        return None
    found = hover_text(cur.result.analysis, cur.offset, cur.result.chart, cur.profile)
    if found is None:
        return None
    markdown = found.markdown
    if ls.settings.docsBaseUrl != DEFAULT_DOCS_BASE_URL:  # guide links follow hookLsp.docsBaseUrl
        markdown = markdown.replace(DEFAULT_DOCS_BASE_URL, guide_base(ls.settings.docsBaseUrl))
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
        range=convert.range_(cur.result.analysis.index, found.span, cur.encoding),
    )
