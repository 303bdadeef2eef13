"""textDocument/inlayHint: the code lens text at the end of a hook's ``helm.sh/hook`` line,
for editors without code lenses (``hookLsp.inlayHints``; off by default)."""

from __future__ import annotations

from lsprotocol import types

from .. import convert
from ..knowledge import phrases as P
from ..knowledge.guide import section_url
from ..server import HookLanguageServer, server
from ..knowledge.argocd import HOOK as ARGOCD_HOOK
from .code_lens import placements


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
def inlay_hints(ls: HookLanguageServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    if not ls.settings.inlayHints:
        return []
    chart, items = placements(ls, params.text_document.uri)
    if chart is None:
        return []
    encoding = convert.encoding_of(ls)
    hints = []
    for res, template, places in items:
        # After the hook annotation (for a helper, after the `include` that produces it).
        ann = res.hook.annotation if res.hook is not None else res.annotation(ARGOCD_HOOK)
        if ann is None:
            continue
        end = ann.value_span.end
        line = template.index.position(end)[0]
        if not (params.range.start.line <= line <= params.range.end.line):
            continue
        pos = convert.position(template.index, template.index.line_end(line), encoding)
        hints.append(
            types.InlayHint(
                position=pos,
                label="  ".join(p.label for p in places),
                padding_left=True,
                tooltip=types.MarkupContent(
                    kind=types.MarkupKind.Markdown,
                    value=P.ORDER_TOOLTIP.format(url=section_url("order", ls.settings.docsBaseUrl)),
                ),
            )
        )
    return hints
