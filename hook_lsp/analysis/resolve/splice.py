"""A template's render after a keystroke in its literal text, made from the render before it.

Typing in a hook annotation's value (``helm.sh/hook: post-install,pre-up``) changes text that the
template outputs as it is written: the actions, and so everything a render computes (values,
helpers, the branches taken, the loops), are the same. `splice` makes the new render by putting
the new text wherever the old text was output (once, once per loop turn, or nowhere), with the
source map moved to the new offsets. When anything else may have changed — an action, the white
space a trim marker removes, an empty stretch of text that was never output, a ``define`` body
of the file, a render near the output budget — it returns None and the template is rendered
anew. ``tests/resolve/test_splice.py`` compares it with full renders over the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..source import Span
from ..template_mask import Action
from .evaluate import Evaluator
from .parse import Define, Text, text_chunk
from .source_map import MapWriter, Segment


@dataclass
class RenderState:
    """A finished render of one template text (what `splice` starts from)."""

    text: str
    actions: list[Action]
    define_bodies: list[Span]
    rendered: str
    writer: MapWriter
    #: The evaluator's count of output characters (helpers' included), against its budget.
    output_chars: int


def _common_prefix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # string comparisons run in C: a binary search beats a loop per character
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def splice(
    old: RenderState, text: str, actions: list[Action], path: str, defines: Callable[[], dict[str, Define]]
) -> tuple[str, MapWriter, int] | None:
    """The render of ``text`` (whose actions are ``actions``, at ``path``) from ``old`` —
    rendered text, source map and output count — or None when it has to be rendered anew.
    ``defines`` gives the file's own defines, parsed from ``text`` (asked only when the render
    output one of them)."""
    a = old.text
    p = _common_prefix(a, text)
    s = _common_suffix(a, text, min(len(a), len(text)) - p)
    q_old, q_new = len(a) - s, len(text) - s
    delta = len(text) - len(a)
    if len(actions) != len(old.actions):
        return None
    gap = 0  # the edited text lies between action gap-1 and action gap
    for x, y in zip(old.actions, actions):
        if x.span.end <= p:
            if x != y:
                return None
            gap += 1
        elif x.span.start >= q_old:
            if (
                y.span != Span(x.span.start + delta, x.span.end + delta)
                or y.body != x.body
                or y.body_start != x.body_start + delta
                or (y.kind, y.keyword, y.unterminated) != (x.kind, x.keyword, x.unterminated)
            ):
                return None
        else:
            return None  # the edit touches an action
    if any(span.start <= q_old and p <= span.end for span in old.define_bodies):
        return None  # text of a define of this file: its callers' outputs change
    old_chunk = text_chunk(a, old.actions, gap)
    new_chunk = text_chunk(text, actions, gap)
    start = old_chunk.start
    if (
        not old_chunk.text
        or not new_chunk.text
        or new_chunk.start != start
        or not (start <= p and q_old <= start + len(old_chunk.text))
        or new_chunk.text != old_chunk.text[: p - start] + text[p:q_new] + old_chunk.text[q_old - start :]
    ):
        return None  # trimming moved, or text appears where nothing was output
    return _rewrite(old, start, len(old_chunk.text), new_chunk, q_old, delta, path, defines)


def _rewrite(
    old: RenderState, start: int, old_len: int, new_chunk: Text, q_old: int, delta: int, path: str, defines
) -> tuple[str, MapWriter, int] | None:
    writer = MapWriter()
    output_chars = old.output_chars
    for seg in old.writer.segments:
        piece = old.rendered[seg.out_start : seg.out_end]
        src, site, define = seg.src_start, seg.site, seg.define
        if src == start and len(piece) == old_len:
            # An output of the edited text (the top-level writer holds only this file's text).
            piece, site = new_chunk.text, Span(start, start + len(new_chunk.text))
            output_chars += len(piece) - old_len
        else:
            if site.start >= q_old:
                site = Span(site.start + delta, site.end + delta)
                if src >= 0:
                    src += delta
            elif site.end > start and site.start < start + old_len:
                return None  # pragma: no cover - another piece over the edited text
        if define is not None and define.path == path:
            define = defines().get(define.name)  # this file's define, at its new place
            if define is None:
                return None
        writer.parts.append(piece)
        writer.segments.append(
            Segment(writer.length, writer.length + len(piece), src, site, define, seg.conditional, seg.causes)
        )
        writer.length += len(piece)
    if output_chars > Evaluator.MAX_OUTPUT_CHARS:
        return None  # over the output budget: the full render says so
    return writer.getvalue(), writer, output_chars
