"""The one place that converts analysis spans to LSP positions and back.

Analysis works in code-point offsets. LSP positions count UTF-16 code units by default; a client
may negotiate UTF-8 or UTF-32 (`general.positionEncodings`), which pygls records on the
workspace. Every feature module goes through these functions.
"""

from __future__ import annotations

from lsprotocol import types

from .analysis.source import LineIndex, Span

UTF16 = types.PositionEncodingKind.Utf16
UTF8 = types.PositionEncodingKind.Utf8
UTF32 = types.PositionEncodingKind.Utf32


def _units(text: str, encoding: str) -> int:
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def position(index: LineIndex, offset: int, encoding: str = UTF16) -> types.Position:
    line, col = index.position(offset)
    if col == 0:
        return types.Position(line, 0)
    start = index.line_start(line)
    return types.Position(line, _units(index.text[start : start + col], encoding))


def range_(index: LineIndex, span: Span, encoding: str = UTF16) -> types.Range:
    return types.Range(position(index, span.start, encoding), position(index, span.end, encoding))


def offset(index: LineIndex, pos: types.Position, encoding: str = UTF16) -> int:
    """The code-point offset of an LSP position (clamped to its line)."""
    line = pos.line
    if line >= index.line_count:
        return len(index.text)
    text = index.line_text(line)
    if encoding == UTF32 or text.isascii():
        return index.offset(line, pos.character)
    units = 0
    for i, ch in enumerate(text):
        if units >= pos.character:
            return index.line_start(line) + i
        units += _units(ch, encoding)
    return index.line_start(line) + len(text)


def encoding_of(ls) -> str:
    """The negotiated position encoding of a running server (UTF-16 when none was)."""
    try:
        enc = ls.workspace.position_encoding
    except AttributeError:
        return UTF16
    return enc or UTF16
