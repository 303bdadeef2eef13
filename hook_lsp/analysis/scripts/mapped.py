"""Text extracted from a template with a map from every character back to the template.

A script inside a hook is YAML scalar content: block scalars drop their indentation (``|``) or
fold lines (``>``), quoted scalars have escapes and folding. `decode_scalar` rebuilds a scalar's
value from the masked template *with* the offset of every character, and checks the result
against the value the YAML parser produced, so a position can never silently drift: when the two
disagree the scalar is not analysed at all.

Template actions (``{{ ... }}``) are masked (see `template_mask`): an action on a line of its own
(``{{- if .Values.x }}``, ``{{- include "extra.commands" . | nindent 4 }}``) renders no script
text where it is written, so its characters are dropped; an action inside a line renders some
unknown word and stays as a run of ``x`` that `MappedText.templated` reports.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from ..source import Span
from ..template_mask import FILL, MaskedTemplate
from ..yaml_tree import YScalar

_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0",
    "L": "\u2028", "P": "\u2029",
}
_HEX = {"x": 2, "u": 4, "U": 8}


@dataclass
class MappedText:
    """``text`` plus the template offset of each of its characters."""

    text: str
    offsets: list[int]
    #: Template offset just past the last character (where text appended at the end goes).
    end: int
    #: Extracted ranges ``(start, end)`` that stand for a template action (unknown text).
    placeholders: list[tuple[int, int]] = field(default_factory=list)
    #: Extracted offsets where a whole-line action may inject unknown lines (``include``...).
    injections: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.text)

    def offset(self, i: int) -> int:
        """Template offset of extracted position ``i`` (``len`` maps to `end`)."""
        if i >= len(self.offsets):
            return self.end
        return self.offsets[max(i, 0)]

    def span(self, start: int, end: int) -> Span:
        """The template span covering extracted characters ``[start, end)``."""
        if end <= start:
            o = self.offset(start)
            return Span(o, o)
        a = self.offsets[start]
        b = self.offsets[min(end, len(self.offsets)) - 1] + 1
        return Span(min(a, b - 1), max(b, a + 1))

    def contiguous(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` is written verbatim in the template (an exact edit target)."""
        if end > len(self.offsets) or start < 0:
            return False
        offs = self.offsets
        return all(offs[k + 1] == offs[k] + 1 for k in range(start, end - 1))

    def templated(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` overlaps text rendered by a template action."""
        return any(a < end and start < b for a, b in self.placeholders)

    def insertion_offset(self, i: int) -> int | None:
        """Template offset where text inserted before extracted position ``i`` goes, when exact.

        Exact means the characters on both sides are written next to each other in the template
        (no escape, fold or template action between them), so inserting plain words there puts
        them between the same two script characters.
        """
        n = len(self.offsets)
        if i < 0 or i > n or n == 0:
            return None
        if self.templated(i - 1, i) and self.templated(i, i + 1):
            return None  # inside the text of one template action
        if i == n:
            return self.offsets[-1] + 1
        if i > 0 and self.offsets[i] != self.offsets[i - 1] + 1:
            return None
        return self.offsets[i]

    def injected_before(self, i: int) -> bool:
        return any(p <= i for p in self.injections)

    def slice(self, start: int, end: int) -> MappedText:
        """The part ``[start, end)`` as its own mapped text."""
        start, end = max(start, 0), min(end, len(self.text))
        return MappedText(
            self.text[start:end],
            self.offsets[start:end],
            self.offset(end) if end < len(self.offsets) else self.end,
            [(max(a, start) - start, min(b, end) - start) for a, b in self.placeholders if a < end and start < b],
            [p - start for p in self.injections if start <= p <= end],
        )

    def without(self, positions: set[int]) -> MappedText:
        """A copy without the characters at ``positions`` (e.g. shell escape backslashes)."""
        keep = [k for k in range(len(self.text)) if k not in positions]
        new_index = {old: new for new, old in enumerate(keep)}

        def moved(k: int) -> int:
            while k < len(self.text) and k not in new_index:
                k += 1
            return new_index.get(k, len(keep))

        return MappedText(
            "".join(self.text[k] for k in keep),
            [self.offsets[k] for k in keep],
            self.end,
            [(moved(a), moved(b)) for a, b in self.placeholders if moved(a) < moved(b)],
            [moved(p) for p in self.injections],
        )

    def replace_ranges(self, ranges: list[tuple[int, int, str]]) -> MappedText:
        """A copy with each ``(start, end, text)`` replaced by same-length text (a masking step)."""
        chars = list(self.text)
        for a, b, repl in ranges:
            chars[a:b] = list(repl[: b - a].ljust(b - a, repl[-1:] or " "))
        return MappedText("".join(chars), self.offsets, self.end, self.placeholders, self.injections)


class _Builder:
    def __init__(self) -> None:
        self.chars: list[str] = []
        self.offs: list[int] = []

    def add(self, ch: str, off: int) -> None:
        self.chars.append(ch)
        self.offs.append(off)

    def add_run(self, text: str, start: int, end: int) -> None:
        """The characters ``text[start:end]``, each at its own offset (one C-level copy)."""
        self.chars.extend(text[start:end])
        self.offs.extend(range(start, end))

    def text(self) -> str:
        return "".join(self.chars)


def decode_scalar(node: YScalar, masked: MaskedTemplate) -> MappedText | None:
    """The scalar's value with its character map, or None when it cannot be mapped exactly."""
    text = masked.text
    try:
        if node.style in ("|", ">"):
            out = _block(text, node.span)
        elif node.style == '"':
            out = _double(text, node.span)
        elif node.style == "'":
            out = _single(text, node.span)
        elif node.style is None:
            out = _plain(text, node.span)
        else:
            return None
    except (IndexError, ValueError):
        return None
    if out is None or out.text() != node.value:
        return None
    return _with_actions(out, node.span, masked)


def _line_end(text: str, pos: int, limit: int) -> int:
    nl = text.find("\n", pos, limit)
    return limit if nl == -1 else nl


def _block(text: str, span: Span) -> _Builder | None:
    pos = span.start
    style = text[pos]
    header_end = _line_end(text, pos, len(text))
    header = text[pos + 1 : header_end].split("#", 1)[0].strip()
    chomp = "clip"
    explicit = None
    for ch in header:
        if ch == "-":
            chomp = "strip"
        elif ch == "+":
            chomp = "keep"
        elif ch.isdigit():
            explicit = int(ch)
        else:
            return None
    if explicit is not None:
        return None  # relative to the parent's indentation: rare in charts, not worth the risk
    # Lines of the body: from the line after the header to the span's end.
    lines: list[tuple[int, int]] = []
    pos = header_end + 1
    while pos < span.end:
        end = _line_end(text, pos, span.end)
        content_end = end - 1 if end > pos and text[end - 1] == "\r" else end
        lines.append((pos, content_end))
        if end >= span.end:
            break
        pos = end + 1
    indent = None
    for a, b in lines:
        stripped = text[a:b].lstrip(" ")
        if stripped:
            indent = (b - a) - len(stripped)
            break
    out = _Builder()
    prev = None  # "text" or "more" (a more-indented line, never folded)
    breaks: list[int] = []  # offsets of the line breaks since the last content line
    for a, b in lines:
        line = text[a:b]
        # libyaml reads a line of spaces longer than the indentation as content.
        if not line.strip(" ") and (indent is None or len(line) <= indent):
            breaks.append(b)
            continue
        if indent is None or len(line) - len(line.lstrip(" ")) < indent:
            return None
        kind = "more" if line[indent : indent + 1] in (" ", "\t") else "text"
        if prev is None:
            for e in breaks:
                out.add("\n", e)
        elif style == ">" and prev == "text" and kind == "text":
            if len(breaks) == 1:
                out.add(" ", breaks[0])
            for e in breaks[1:]:
                out.add("\n", e)
        else:
            for e in breaks:
                out.add("\n", e)
        out.add_run(text, a + indent, b)
        breaks = [b]
        prev = kind
    if prev is None or chomp == "strip":
        return out
    for e in breaks if chomp == "keep" else breaks[:1]:
        out.add("\n", e)
    return out


def _flow_fold(text: str, pos: int, end: int, out: _Builder) -> int:
    """At a line break inside a flow scalar: emit the folded break, return where content resumes."""
    breaks = [pos]
    k = pos + 1
    while True:
        while k < end and text[k] in " \t":
            k += 1
        if k < end and text[k] == "\r":
            k += 1
        if k < end and text[k] == "\n":
            breaks.append(k)
            k += 1
            continue
        break
    if len(breaks) == 1:
        out.add(" ", pos)
    else:
        for b in breaks[1:]:
            out.add("\n", b)
    return k


def _trim_trailing(out: _Builder, floor: int) -> None:
    while len(out.chars) > floor and out.chars[-1] in " \t":
        out.chars.pop()
        out.offs.pop()


def _double(text: str, span: Span) -> _Builder:
    out = _Builder()
    i, end = span.start + 1, span.end - 1
    floor = 0
    while i < end:
        c = text[i]
        if c == "\\":
            nxt = text[i + 1]
            if nxt in "\r\n":  # escaped line break: no space, leading white space dropped
                j = i + 1 + (1 if nxt == "\r" else 0) + 1
                while j < end and text[j] in " \t":
                    j += 1
                i = j
                floor = len(out.chars)
                continue
            if nxt in _HEX:
                n = _HEX[nxt]
                out.add(chr(int(text[i + 2 : i + 2 + n], 16)), i)
                i += 2 + n
            else:
                out.add(_ESCAPES[nxt], i)
                i += 2
            floor = len(out.chars)
            continue
        if c in "\r\n":
            _trim_trailing(out, floor)
            i = _flow_fold(text, i if c == "\n" else i + 1, end, out)
            floor = len(out.chars)
            continue
        out.add(c, i)
        i += 1
    return out


def _single(text: str, span: Span) -> _Builder:
    out = _Builder()
    i, end = span.start + 1, span.end - 1
    while i < end:
        c = text[i]
        if c == "'" and text[i + 1] == "'":
            out.add("'", i)
            i += 2
            continue
        if c in "\r\n":
            _trim_trailing(out, 0)
            i = _flow_fold(text, i if c == "\n" else i + 1, end, out)
            continue
        out.add(c, i)
        i += 1
    return out


def _plain(text: str, span: Span) -> _Builder:
    out = _Builder()
    i, end = span.start, span.end
    while i < end:
        c = text[i]
        if c in "\r\n":
            _trim_trailing(out, 0)
            i = _flow_fold(text, i if c == "\n" else i + 1, end, out)
            continue
        out.add(c, i)
        i += 1
    return out


def _with_actions(out: _Builder, span: Span, masked: MaskedTemplate) -> MappedText:
    """Drop what template actions do not render in place; mark inline output as placeholders."""
    actions = [a for a in masked.actions_in(span)]
    if not actions:
        return MappedText(out.text(), out.offs, span.end)
    source = masked.source
    chars, offs = out.chars, out.offs
    keep: list[bool] = [True] * len(chars)
    roles: list[str | None] = [None] * len(chars)  # "drop" | "inline" per char inside an action
    positions = _positions(offs)
    injections_at: list[int] = []
    #: Positions whose character is dropped or stands for an action's output: the rest is
    #: copied as it is, in runs.
    touched: set[int] = set()
    for action in actions:
        ls = source.rfind("\n", 0, action.span.start) + 1
        le = source.find("\n", action.span.end)
        le = len(source) if le == -1 else le
        whole_line = not source[ls : action.span.start].strip() and not _rest_without_actions(source, action.span.end, le, actions)
        inline_output = action.kind == "output" and not whole_line
        first = None
        last = -1  # the last position standing for this action's output
        for k in positions(action.span.start, action.span.end):
            if first is None:
                first = k
            touched.add(k)
            if inline_output:
                roles[k] = "inline"
                last = max(last, k)
            else:
                keep[k] = False
        if first is None:
            continue
        if action.kind == "output" and whole_line:
            injections_at.append(first)
        if inline_output:
            # `{{-` / `-}}` trim the white space next to an inline action.
            raw = source[action.span.start : action.span.end]
            if raw.startswith("{{-"):
                k = first - 1
                while k >= 0 and chars[k] in " \t" and keep[k]:
                    keep[k] = False
                    touched.add(k)
                    k -= 1
            if raw.endswith("-}}"):
                # (Only this action's positions hold its offsets: no need to look further.)
                k = last + 1
                while k < len(chars) and chars[k] in " \t" and keep[k]:
                    keep[k] = False
                    touched.add(k)
                    k += 1
    text: list[str] = []
    new_offs: list[int] = []
    placeholders: list[tuple[int, int]] = []
    injections: list[int] = []
    inject_set = set(injections_at)
    pos = 0
    for k in sorted(touched | inject_set):
        if k > pos:  # the characters since the last touched one, copied as they are
            text.extend(chars[pos:k])
            new_offs.extend(offs[pos:k])
        pos = k + 1
        if k in inject_set:
            injections.append(len(text))
        if not keep[k]:
            continue
        ch = chars[k]
        if roles[k] == "inline":
            if placeholders and placeholders[-1][1] == len(text):
                placeholders[-1] = (placeholders[-1][0], len(text) + 1)
            else:
                placeholders.append((len(text), len(text) + 1))
            ch = FILL if ch not in "\n" else ch
        text.append(ch)
        new_offs.append(offs[k])
    text.extend(chars[pos:])
    new_offs.extend(offs[pos:])
    return MappedText("".join(text), new_offs, span.end, placeholders, injections)


def _positions(offs: list[int]):
    """``within(start, end)``: the positions in ``offs`` of the template offsets ``start`` to
    ``end`` it holds, in offset order, each offset at its last position.

    Characters come in template order (``offs`` sorted) but for rare folds: then the positions
    of an action are one run, found by bisection. A script scalar is thousands of characters
    and an edit maps every scalar of its template again: a map of every offset cost more than
    all the rest of mapping it.
    """
    if offs == sorted(offs):

        def within(start: int, end: int) -> list[int]:
            lo, hi = bisect_left(offs, start), bisect_left(offs, end)
            return [k for k in range(lo, hi) if k + 1 == hi or offs[k + 1] != offs[k]]

        return within
    index_of = dict(zip(offs, range(len(offs))))  # the last position of each offset, built in C

    def within(start: int, end: int) -> list[int]:
        return [k for k in map(index_of.get, range(start, end)) if k is not None]

    return within


def _rest_without_actions(source: str, start: int, end: int, actions) -> str:
    rest = source[start:end]
    if "{{" not in rest:
        return rest.strip()
    pieces = []
    pos = start
    for a in actions:
        if a.span.start >= end or a.span.end <= start:
            continue
        pieces.append(source[pos : max(pos, a.span.start)])
        pos = max(pos, a.span.end)
    pieces.append(source[pos:end])
    return "".join(pieces).strip()
