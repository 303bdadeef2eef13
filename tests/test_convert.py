"""Span <-> LSP position conversion in each negotiated encoding."""

from __future__ import annotations

from lsprotocol import types

from hook_lsp import convert
from hook_lsp.analysis.source import LineIndex, Span

TEXT = "a: \U0001f600é x\r\nb: y\n"


def test_utf16_counts_surrogate_pairs():
    index = LineIndex(TEXT)
    x = TEXT.index("x")
    assert convert.position(index, x) == types.Position(0, 7)  # 😀 is two UTF-16 units
    assert convert.position(index, x, convert.UTF8) == types.Position(0, 10)
    assert convert.position(index, x, convert.UTF32) == types.Position(0, 6)


def test_round_trip_and_crlf():
    index = LineIndex(TEXT)
    for enc in (convert.UTF16, convert.UTF8, convert.UTF32):
        for off in range(len(TEXT)):
            if TEXT[off] in "\r\n":
                continue
            pos = convert.position(index, off, enc)
            assert convert.offset(index, pos, enc) == off
    y = TEXT.index("y")
    assert convert.range_(index, Span(y, y + 1)) == types.Range(types.Position(1, 3), types.Position(1, 4))


def test_positions_past_the_end_are_clamped():
    index = LineIndex(TEXT)
    assert convert.offset(index, types.Position(0, 99)) == TEXT.index("\r")
    assert convert.offset(index, types.Position(99, 0)) == len(TEXT)
