"""Where each piece of a rendered template comes from.

`MapWriter` collects the text a render outputs, as segments: literal template text (mapped
character by character back to the template) or the output of an action (mapped to the whole
action, with the helper it came from and why it is unknown, if it is). The resolver reads names
and annotations in the rendered YAML and finds through it the template text to point at.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from ..source import Span
from .evaluate import Writer
from .parse import Define, Text


@dataclass
class Segment:
    """One piece of rendered output and where it came from."""

    out_start: int
    out_end: int
    #: Source offset of the first character when the text is literal template text; else -1.
    src_start: int
    #: The action (or text) span in the template.
    site: Span
    define: Define | None
    conditional: bool
    #: Why the text of this action is (partly) unknown.
    causes: tuple[str, ...] = ()


class MapWriter(Writer):
    """The rendered text, with the piece of template (literal text or action) behind each part."""

    def __init__(self, stop: int | None = None) -> None:
        super().__init__()
        self.stop = stop
        self.segments: list[Segment] = []
        self.length = 0
        self._starts: list[int] = []

    def _add(self, text: str, src_start: int, site: Span, define, conditional: bool) -> None:
        if not text:
            return
        self.parts.append(text)
        self.segments.append(Segment(self.length, self.length + len(text), src_start, site, define, conditional))
        self.length += len(text)

    def text(self, node: Text, conditional: bool) -> None:
        self._add(node.text, node.start, Span(node.start, node.start + len(node.text)), None, conditional)

    def output(self, action, value: str, define, conditional: bool) -> None:
        self._add(value, -1, action.span, define, conditional)

    def unknown_causes(self, causes: list[str]) -> None:
        if self.segments and causes:
            self.segments[-1].causes = tuple(causes)

    def source_offset(self, offset: int, end: bool) -> int | None:
        """Where rendered ``offset`` comes from; for ``end``, the offset just past it."""
        seg = self.locate(offset)
        if seg is None:
            return None
        if seg.src_start >= 0:
            return seg.src_start + offset - seg.out_start + (1 if end else 0)
        return seg.site.end if end else seg.site.start

    def locate(self, offset: int) -> Segment | None:
        """The segment holding rendered ``offset``, if any."""
        starts = self._starts
        if len(starts) != len(self.segments):  # segments are only ever appended
            starts.extend(s.out_start for s in self.segments[len(starts):])
        i = bisect_right(starts, offset) - 1
        if i >= 0 and self.segments[i].out_start <= offset < self.segments[i].out_end:
            return self.segments[i]
        return None
