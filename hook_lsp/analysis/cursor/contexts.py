"""Completion contexts: what is being typed at the cursor (annotation key, hook value, scaffold).

`completion_context` classifies the cursor as a `KeyContext` (a key in ``metadata.annotations``),
a `ValueContext` (a hook list token or the weight) or a `ScaffoldContext` (an empty document or
an empty ``annotations:`` block), for block mappings (read line by line, `lines`) and flow maps
(`flow`). Inside a ``{{ }}`` action completion offers nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...knowledge import annotations as A
from ..hook_model import Resource, TemplateAnalysis
from ..source import Span
from .flow import open_brace, quote_closed, scan_flow
from .lines import ANNOTATIONS_PATH, KeyLine, Lines, document_first_line, last_line, parse_key_line
from .values import VALUE_KEYS, ValueContext, block_value, value_context


@dataclass(frozen=True)
class KeyContext:
    """Typing an annotation key in ``metadata.annotations``."""

    prefix: str
    #: What the completion replaces: the key typed so far, quotes included.
    span: Span
    #: Quote to write the key with: ``"``, ``'`` or "" (follows the sibling keys).
    quote: str
    #: Keys already in the block (other than the one being typed).
    present: frozenset[str]
    #: The line already has the ``:`` after the key: insert the key only.
    has_colon: bool
    resource: Resource | None = field(repr=False, compare=False)


@dataclass(frozen=True)
class ScaffoldContext:
    """An empty document (``where="document"``) or empty ``annotations:`` block."""

    where: str
    #: Indentation of the cursor's line (the snippet's continuation lines get it).
    indent: int
    span: Span
    resource: Resource | None = field(repr=False, compare=False)


Context = KeyContext | ValueContext | ScaffoldContext


def completion_context(analysis: TemplateAnalysis, offset: int) -> Context | None:
    """What is being typed at ``offset``; None where hook completion has nothing to offer."""
    try:
        return _completion_context(analysis, offset)
    except (IndexError, ValueError):  # never fail a request on odd text
        return None


def _completion_context(analysis: TemplateAnalysis, offset: int) -> Context | None:
    if analysis.masked.action_at(offset) is not None:
        return None
    lines = Lines(analysis)
    n, col = analysis.index.position(offset)
    masked = lines.masked_line(n)
    col = min(col, len(masked))
    line_start = lines.start(n)
    first = document_first_line(analysis, offset)
    resource = analysis.resource_at(offset)

    flow = _flow_context(analysis, lines, offset, first, resource)
    if flow is not None:
        return flow

    # A line of template actions only is blank once masked, but nothing is typed there.
    stripped = lines.source_line(n).strip()
    typing_word = _is_word(stripped) and masked[:col].strip() == stripped
    if (not stripped or typing_word) and _document_empty(lines, analysis, offset, n):
        end = max(line_start + len(masked.rstrip()), offset)
        return ScaffoldContext("document", 0, Span(line_start, end), resource)

    if not stripped:
        # A blank line: the cursor's column is the indentation of the key about to be typed.
        found = lines.path(n, col, first)
        if found is None or found[0] != ANNOTATIONS_PATH:
            return None
        parent_line, parent_indent = found[1][0][1], found[1][0][2]
        siblings, content = lines.children(parent_line, parent_indent, last_line(analysis, offset), n)
        if not content and not lines.source_line(parent_line).split(":", 1)[1].strip():
            return ScaffoldContext("annotations", col, Span(offset, offset), resource)
        quote = _quote_style(siblings, analysis)
        return KeyContext("", Span(offset, offset), quote, _keys(siblings), False, resource)

    kl = parse_key_line(masked)
    if kl.key is None or kl.dash:
        return None
    found = lines.path(n, kl.indent, first)
    if found is None or found[0] != ANNOTATIONS_PATH:
        return None
    if kl.colon is not None and col > kl.colon:
        return block_value(analysis, kl.key, masked, lines.source_line(n), line_start, col, kl.colon, resource)
    if col < kl.key_start or (kl.quote and col == kl.key_start):
        return None
    parent_line, parent_indent = found[1][0][1], found[1][0][2]
    siblings, _ = lines.children(parent_line, parent_indent, last_line(analysis, offset), n)
    content_end = kl.key_start + (1 if kl.quote else 0) + len(kl.key)
    prefix = masked[kl.key_start + (1 if kl.quote else 0) : min(col, content_end)]
    span = Span(line_start + kl.key_start, line_start + max(kl.key_end, col))
    quote = kl.quote or (_quote_style(siblings, analysis) if kl.colon is None else "")
    return KeyContext(prefix, span, quote, _keys(siblings), kl.colon is not None, resource)


def _is_word(text: str) -> bool:
    return bool(text) and text.replace("-", "").replace("_", "").isalnum()


def _keys(siblings: list[KeyLine]) -> frozenset[str]:
    return frozenset(k.key for k in siblings if k.key)


def _quote_style(siblings: list[KeyLine], analysis: TemplateAnalysis) -> str:
    """The quote the annotation keys around use: the block's siblings, else the file's other
    annotation keys, else ``"`` (as Helm's documentation writes them)."""
    counts = {'"': 0, "'": 0, "": 0}
    for k in siblings:
        counts[k.quote] += 1
    if not any(counts.values()):
        for res in analysis.resources:
            for ann in res.annotations:
                if ann.origin == "yaml" and ann.key_span.end > ann.key_span.start:
                    first = analysis.text[ann.key_span.start]
                    counts[first if first in "\"'" else ""] += 1
    if not any(counts.values()):
        return '"'
    return max(counts, key=lambda q: (counts[q], q == '"'))


def _document_empty(lines: Lines, analysis: TemplateAnalysis, offset: int, n: int) -> bool:
    """True when the cursor's document holds nothing but comments, blank lines and control
    actions on lines other than the cursor's."""
    first = document_first_line(analysis, offset)
    last = last_line(analysis, offset)
    for line in range(first, last + 1):
        if line == n:
            continue
        text = lines.masked_line(line).strip()
        if text and not text.startswith("#") and not (line == first and text.startswith("---")):
            return False
        if not text and lines.source_line(line).strip():
            span = Span(lines.start(line), lines.start(line) + len(lines.source_line(line)))
            if any(a.kind == "output" for a in analysis.masked.actions_in(span)):
                return False  # an action that renders content (`include`, `toYaml`)
    return True


def _flow_context(
    analysis: TemplateAnalysis, lines: Lines, offset: int, first: int, resource: Resource | None
) -> Context | None:
    masked = lines.masked
    doc_start = analysis.index.line_start(first)
    brace = open_brace(masked, offset, max(doc_start, offset - 4000))
    if brace is None:
        return None
    items = scan_flow(masked, brace, analysis.index, offset)
    if items is None:
        return None
    brace_line, brace_col = analysis.index.position(brace)
    before = lines.masked_line(brace_line)[:brace_col].rstrip()
    if not before.endswith(":"):
        return None
    kl = parse_key_line(before)
    found = lines.path(brace_line, kl.indent, first) if kl.key is not None and not kl.dash else None
    if kl.key != "annotations" or found is None or found[0] != ("metadata",):
        return None
    current = [it for it in items if it.start <= offset][-1]
    others = [it for it in items if it is not current and it.key]
    source = analysis.text
    if current.colon != -1 and offset > current.colon:
        key = current.key
        if key not in VALUE_KEYS:
            return None
        if current.value_quote:
            cstart = current.value_start + 1
            cend = current.value_end - 1 if quote_closed(masked, current) else current.value_end
            if offset < cstart or offset > cend:
                return None
        else:
            cstart = current.value_start if current.value_start != -1 else offset
            cend = max(current.value_end, cstart) if current.value_start != -1 else offset
            if offset > cend:
                return None
        space_before = offset == current.colon + 1 and current.value_start == -1
        split = bool(current.value_quote) and key != A.WEIGHT
        return value_context(
            key, source, 0, cstart, cend, offset, current.value_quote, space_before, resource, split, analysis.masked
        )
    key_start = current.key_start if current.key_start != -1 else offset
    if offset < key_start:
        return None
    prefix = masked[key_start + (1 if current.quote else 0) : offset]
    span = Span(key_start, max(current.key_end, offset))
    quote = current.quote or _quote_style([KeyLine(0, it.key, quote=it.quote) for it in others], analysis)
    present = frozenset(it.key for it in others)
    return KeyContext(prefix, span, quote, present, current.colon != -1, resource)
