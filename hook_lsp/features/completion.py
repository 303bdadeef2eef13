"""textDocument/completion: hook annotation keys, events, policies, weights and scaffolds.

Thin: converts the position, asks `analysis.completions` for plain items on the cached analysis
of the current text, and converts them to `CompletionItem`s (snippets only for clients that
support them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from .. import convert
from ..server import HookLanguageServer, server
from .documents import cursor_for

if TYPE_CHECKING:
    from ..analysis.completions import Item

#: Characters after which editors should ask for completions: `analysis.completions`'
#: TRIGGER_CHARACTERS (a test keeps both equal). Spelled out here because the capability is
#: announced at start, and that module (with the cursor and hover code it uses) is imported
#: only when the first completion is asked for.
TRIGGER_CHARACTERS = (":", " ", ",", '"', "/")

KINDS = {
    "property": types.CompletionItemKind.Property,
    "value": types.CompletionItemKind.EnumMember,
    "number": types.CompletionItemKind.Value,
    "snippet": types.CompletionItemKind.Snippet,
}


def snippet_support(ls: HookLanguageServer) -> bool:
    caps = ls.client_capabilities
    try:
        return bool(caps.text_document.completion.completion_item.snippet_support)
    except AttributeError:
        return False


def to_completion_item(item: Item, index, encoding: str, snippets: bool) -> types.CompletionItem:
    use_snippet = item.snippet and snippets
    return types.CompletionItem(
        label=item.label,
        kind=KINDS[item.kind],
        detail=item.detail,
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=item.documentation),
        sort_text=item.sort_text,
        filter_text=item.filter_text,
        insert_text_format=types.InsertTextFormat.Snippet if use_snippet else types.InsertTextFormat.PlainText,
        text_edit=types.TextEdit(
            range=convert.range_(index, item.span, encoding),
            new_text=item.insert_text if use_snippet else item.plain_text,
        ),
    )


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=list(TRIGGER_CHARACTERS), resolve_provider=False),
)
def completion(ls: HookLanguageServer, params: types.CompletionParams) -> types.CompletionList | None:
    """textDocument/completion."""
    from ..analysis.completions import complete

    cur = cursor_for(ls, params.text_document.uri, params.position)
    if cur is None:
        return None
    items = complete(cur.result.analysis, cur.offset, cur.result.chart, cur.profile)
    if not items:
        return None
    snippets = snippet_support(ls)
    index = cur.result.analysis.index
    return types.CompletionList(
        is_incomplete=False, items=[to_completion_item(i, index, cur.encoding, snippets) for i in items]
    )
