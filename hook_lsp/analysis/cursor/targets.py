"""Hover targets: the hook annotation key, list token, weight or hook kind under the cursor.

`hover_target` prefers the hook model's exact spans and falls back to line reading (`lines`,
`values`) when the YAML does not parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...knowledge import annotations as A
from ..hook_model import Annotation, Resource, TemplateAnalysis
from ..source import Span
from .lines import ANNOTATIONS_PATH, Lines, document_first_line, parse_key_line
from .values import LIST_KEYS, VALUE_KEYS, block_value


@dataclass(frozen=True)
class KeyTarget:
    key: str
    span: Span
    resource: Resource | None = field(repr=False, compare=False)


@dataclass(frozen=True)
class TokenTarget:
    key: str
    #: As Helm compares it: lower-cased and trimmed.
    token: str
    span: Span
    resource: Resource | None = field(repr=False, compare=False)


@dataclass(frozen=True)
class WeightTarget:
    #: The value as written inside its quotes (None when templated).
    text: str | None
    span: Span
    annotation: Annotation | None
    resource: Resource | None = field(repr=False, compare=False)


@dataclass(frozen=True)
class KindTarget:
    kind: str
    span: Span
    resource: Resource = field(repr=False, compare=False)


Target = KeyTarget | TokenTarget | WeightTarget | KindTarget


def hover_target(analysis: TemplateAnalysis, offset: int) -> Target | None:
    """The hook annotation part or hook kind under ``offset``, if any."""
    try:
        return _hover_from_model(analysis, offset) or _hover_from_lines(analysis, offset)
    except (IndexError, ValueError):
        return None


def _hover_from_model(analysis: TemplateAnalysis, offset: int) -> Target | None:
    resource = analysis.resource_at(offset)
    if resource is None:
        return None
    kind = resource.kind_node
    if resource.is_hook and resource.kind and kind is not None and kind.span.start <= offset < kind.span.end:
        return KindTarget(resource.kind, kind.span, resource)
    for ann in resource.annotations:
        if ann.key not in A.KNOWN_HELM_KEYS or ann.key_templated:
            continue
        if ann.key_span.start <= offset < ann.key_span.end:
            return KeyTarget(ann.key, ann.key_span, resource)
        if not (ann.value_span.start <= offset < max(ann.value_span.end, ann.value_span.start + 1)):
            continue
        if ann.key == A.WEIGHT:
            text = None if ann.templated else analysis.text[ann.content_span.start : ann.content_span.end]
            return WeightTarget(text, ann.value_span, ann, resource)
        if ann.key in LIST_KEYS:
            for tok in ann.tokens:
                if tok.exact and tok.value and tok.span.start <= offset <= tok.span.end:
                    return TokenTarget(ann.key, tok.value, tok.span, resource)
        return None
    return None


def _hover_from_lines(analysis: TemplateAnalysis, offset: int) -> Target | None:
    if analysis.masked.action_at(offset) is not None:
        return None
    lines = Lines(analysis)
    n, col = analysis.index.position(offset)
    masked = lines.masked_line(n)
    kl = parse_key_line(masked)
    if kl.key is None or kl.dash:
        return None
    found = lines.path(n, kl.indent, document_first_line(analysis, offset))
    if found is None or found[0] != ANNOTATIONS_PATH:
        return None
    start = lines.start(n)
    resource = analysis.resource_at(offset)
    if kl.key_start <= col < kl.key_end:
        if kl.key in A.KNOWN_HELM_KEYS:
            return KeyTarget(kl.key, Span(start + kl.key_start, start + kl.key_end), resource)
        return None
    if kl.colon is None or col <= kl.colon or kl.key not in VALUE_KEYS:
        return None
    ctx = block_value(analysis, kl.key, masked, lines.source_line(n), start, col, kl.colon, resource)
    if ctx is None:
        return None
    if kl.key == A.WEIGHT:
        return WeightTarget(analysis.text[ctx.span.start : ctx.span.end], ctx.span, None, resource)
    # Extend the token under the cursor to its end for hover.
    source = analysis.text
    end = ctx.span.end
    while end < len(source) and source[end] not in ",\"'\r\n #":
        end += 1
    token = source[ctx.span.start : end].strip().lower()
    if not token:
        return None
    return TokenTarget(kl.key, token, Span(ctx.span.start, end), resource)
