"""Source text primitives: spans (code-point offsets) and a line index.

Every position the analysis produces is a `Span` of code-point offsets into the *original*
template text. Only `hook_lsp.convert` turns those into editor positions (UTF-16 etc.).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass


# Immutable by convention, not `frozen`: a frozen dataclass is built through
# `object.__setattr__`, several times slower, and a chart makes spans by the hundred thousand.
@dataclass(order=True, slots=True, unsafe_hash=True)
class Span:
    """Half-open range ``[start, end)`` of code-point offsets into a source text (never
    changed once made: spans are hashed and shared)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} before start {self.start}")

    def contains(self, offset: int) -> bool:
        """True when ``offset`` lies in the span (the end is included, for cursor positions)."""
        return self.start <= offset <= self.end

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def shift(self, delta: int) -> Span:
        return Span(self.start + delta, self.end + delta)

    def __len__(self) -> int:
        return self.end - self.start


_BREAK = re.compile(r"\r\n?|\n")


class LineIndex:
    """Maps offsets to 0-based (line, column) pairs and back, in code points.

    Lines end at ``\\r\\n``, ``\\n`` or a lone ``\\r`` — the line breaks of LSP and of YAML, and
    nothing else (``str.splitlines`` also breaks at U+2028, U+0085 and more, which editors do
    not). The terminator is not part of the line, so CRLF files report the same columns as LF.
    """

    __slots__ = ("text", "_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        if "\r" in text:
            starts.extend(m.end() for m in _BREAK.finditer(text))
        else:
            find = text.find
            pos = find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
        self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        if line >= len(self._starts):
            return len(self.text)
        return self._starts[max(line, 0)]

    def line_end(self, line: int) -> int:
        """Offset of the end of ``line``'s content (before its line break)."""
        if line + 1 >= len(self._starts):
            return len(self.text)
        end = self._starts[line + 1]
        if self.text[end - 1 : end] == "\n":
            end -= 1
        if end > self.line_start(line) and self.text[end - 1 : end] == "\r":
            end -= 1
        return end

    def line_text(self, line: int) -> str:
        return self.text[self.line_start(line) : self.line_end(line)]

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, code-point column) of ``offset``."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        return line, offset - self._starts[line]

    def offset(self, line: int, column: int) -> int:
        """Offset of 0-based (line, column); clamps past-the-end values to the line's end."""
        if line < 0:
            return 0
        starts = self._starts
        if line >= len(starts):
            return len(self.text)
        at = starts[line] + max(column, 0)
        # Most positions lie well inside their line: the line's end is needed only near it
        # (this runs for every YAML node of every template).
        if line + 1 < len(starts) and at < starts[line + 1] - 2:
            return at
        return min(at, self.line_end(line))
