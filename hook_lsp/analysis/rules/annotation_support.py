"""What the HK1xx annotation rules share: which annotations are literal, and safe text edits.

Only values written literally in the template (YAML, or a string pair of a ``dict`` action) are
checked; values rendered from helpers or `values.yaml` are defaults a user may override, so the
rules stay silent on them. The edit helpers keep YAML and Go string literals valid.
"""

from __future__ import annotations

import difflib
import re
from typing import Iterator

from ..hook_model import Annotation, Resource, Token
from ..source import Span
from .registry import Fix


def did_you_mean(word: str, choices: tuple[str, ...]) -> str | None:
    """The closest of ``choices`` to a misspelt ``word``, if any is close enough."""
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return match[0] if match else None


#: Where an annotation's value is written literally: YAML, or a string pair in a `dict` action.
#: Values rendered from helpers or `values.yaml` (``origin="resolved"``) are defaults a user may
#: override, and their spans point at an action: annotation rules stay silent on them.
LITERAL_ORIGINS = ("yaml", "dict")


def literal(ann: Annotation) -> bool:
    """The annotation's value is written in the template and statically known."""
    return ann.origin in LITERAL_ORIGINS and ann.known


def literal_hooks(res: Resource) -> list[Annotation]:
    """The literal `helm.sh/hook` annotations of a hook resource (several with if/else)."""
    return [a for a in res.hook.alternatives if literal(a)] if res.hook is not None else []


def raw_span(tok: Token) -> Span:
    """The untrimmed extent of an exactly-mapped token (its part between the commas)."""
    lead = len(tok.raw) - len(tok.raw.lstrip())
    start = tok.span.start - lead
    return Span(start, start + len(tok.raw))


def removal_span(tokens: list[Token], i: int) -> Span | None:
    """The text to delete to drop part ``i`` of a comma list (with one adjacent comma)."""
    if not all(t.exact for t in tokens) or len(tokens) < 2:
        return None
    raw = raw_span(tokens[i])
    if i > 0:
        return Span(raw.start - 1, raw.end)  # the comma before it
    return Span(raw.start, raw.end + 1)  # a leading part: the comma after it


def split_on_separators(value: str) -> list[str]:
    return [p for p in re.split(r"[;\s]+", value) if p]


def quoted_inside(text: str, span: Span) -> Span:
    """``span`` without its surrounding quotes, if it is a quoted YAML scalar."""
    if len(span) >= 2 and text[span.start] in "\"'" and text[span.end - 1] == text[span.start]:
        return Span(span.start + 1, span.end - 1)
    return span


def removal_fix(ann: Annotation, text: str, title: str, safe: bool = True) -> Fix | None:
    """A fix deleting an annotation: its whole line (YAML block map) or its pair (``dict``)."""
    if ann.origin == "dict":
        # `dict "k" "v" "k2" "v2"`: drop `"k" "v"` and the blank before it; the Go stays valid.
        start = ann.key_span.start - 1
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        return Fix.replace(Span(start, ann.value_span.end), "", title, safe)
    line_start = text.rfind("\n", 0, ann.key_span.start) + 1
    if text[line_start : ann.key_span.start].strip():
        return None  # a flow mapping or another key on the line
    line_end = text.find("\n", ann.value_span.end)
    line_end = len(text) if line_end == -1 else line_end
    rest = text[ann.value_span.end : line_end].strip()
    if rest and not rest.startswith("#"):
        return None
    if "\n" in text[ann.key_span.start : ann.value_span.end]:
        return None  # a multi-line value: leave it to the author
    return Fix.replace(Span(line_start, min(line_end + 1, len(text))), "", title, safe)


def literal_annotations(res: Resource, key: str) -> Iterator[Annotation]:
    """Every literal annotation ``key`` of the resource (if/else branches can give several)."""
    for ann in res.annotations_named(key):
        if literal(ann) and ann.helm_value is not None:
            yield ann



def kind_of(res: Resource) -> str:
    return res.kind or "resource"



def events_phrase(res: Resource) -> str:
    events = res.hook.events if res.hook is not None and res.hook.known else []
    return f"this {'/'.join(dict.fromkeys(events))} hook" if events else "the hook"
