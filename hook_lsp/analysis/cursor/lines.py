"""Line reading for the cursor: the key of one masked line and the key path above it.

Completion runs on text that is being typed, so the YAML tree is often broken or missing the
line under the cursor. The cursor is therefore located by reading *lines* through the template
mask (`TemplateAnalysis.masked`: actions are filler of the same length, so offsets and columns
stay exact): the indentation chain above a line gives its key path, the line itself its key,
quote style and value. This module owns that reading (`parse_key_line`, `Lines`) and the
bounds of the cursor's document; it decides nothing about completion or hover.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..hook_model import TemplateAnalysis

#: Helm reads hook annotations only at ``metadata.annotations`` of a document (guide #parsing
#: step 2), so that is the only key path that gets hook keys and values.
ANNOTATIONS_PATH = ("metadata", "annotations")


@dataclass(frozen=True)
class KeyLine:
    """The key of one masked line: ``  "helm.sh/hook": value`` or a half-typed ``  helm.sh/ho``."""

    indent: int
    key: str | None = None
    #: Columns of the key, quotes included.
    key_start: int = 0
    key_end: int = 0
    quote: str = ""
    #: Column of the ``:`` that ends the key, if typed.
    colon: int | None = None
    #: The line is a sequence item (``- key: ...``).
    dash: bool = False


def parse_key_line(line: str) -> KeyLine:
    """Read the key of a (masked) line; ``key`` is None for blank, comment and flow lines."""
    n = len(line)
    i = len(line) - len(line.lstrip(" "))
    indent = i
    dash = False
    if line.startswith("- ", i) or line[i:].rstrip() == "-":
        dash = True
        i += 1
        while i < n and line[i] == " ":
            i += 1
    if i >= n or line[i] in "#{[&*!|>%@`,]}\t\r" or (line.startswith("---", i) and i == 0):
        return KeyLine(indent, dash=dash)
    if line[i] in "\"'":
        q = line[i]
        close = closing_quote(line, i + 1, q)
        if close is None:
            end = len(line.rstrip())
            return KeyLine(indent, line[i + 1 : end], i, end, q, None, dash)
        j = close + 1
        while j < n and line[j] in " \t":
            j += 1
        colon = j if j < n and line[j] == ":" else None
        return KeyLine(indent, line[i + 1 : close], i, close + 1, q, colon, dash)
    j = i
    while j < n:
        if line[j] == ":" and (j + 1 == n or line[j + 1] in " \t\r"):
            break
        if line[j] == "#" and line[j - 1] in " \t":
            j = n
            break
        j += 1
    if j < n:
        key = line[i:j].rstrip()
        return KeyLine(indent, key, i, i + len(key), "", j, dash)
    key = line[i:].split(" #")[0].rstrip()
    return KeyLine(indent, key, i, i + len(key), "", None, dash)


def closing_quote(text: str, start: int, q: str, end: int | None = None) -> int | None:
    """Index of the quote closing a scalar whose content starts at ``start``."""
    end = len(text) if end is None else end
    i = start
    while i < end:
        c = text[i]
        if q == '"' and c == "\\":
            i += 2
            continue
        if c == q:
            if q == "'" and i + 1 < end and text[i + 1] == "'":
                i += 2  # '' is an escaped quote in a single-quoted scalar
                continue
            return i
        if c == "\n":
            return None
        i += 1
    return None


class Lines:
    """Source and masked text of the lines of one template."""

    def __init__(self, analysis: TemplateAnalysis) -> None:
        self.analysis = analysis
        self.index = analysis.index
        self.masked = analysis.masked.text
        self.source = analysis.text

    def start(self, n: int) -> int:
        return self.index.line_start(n)

    def masked_line(self, n: int) -> str:
        return self.masked[self.index.line_start(n) : self.index.line_end(n)]

    def source_line(self, n: int) -> str:
        return self.source[self.index.line_start(n) : self.index.line_end(n)]

    def ancestors(self, n: int, indent: int, first: int) -> list[tuple[str, int, int]] | None:
        """(key, line, indent) of the mapping keys enclosing a line at ``indent``, innermost first.

        None when the line is not a plain mapping entry (inside a block scalar, a sequence item
        or a multi-line scalar).
        """
        out: list[tuple[str, int, int]] = []
        want = indent
        line = n - 1
        while line >= first and want > 0:
            text = self.masked_line(line)
            stripped = text.strip()
            if not stripped or stripped.startswith("#"):
                line -= 1
                continue
            if text.startswith("---"):
                break
            ind = len(text) - len(text.lstrip(" "))
            if ind < want:
                kl = parse_key_line(text)
                if kl.key is None or kl.colon is None or kl.dash:
                    return None
                rest = text[kl.colon + 1 :].strip()
                if rest and not rest.startswith("#"):
                    return None  # a scalar value (or block scalar) above: not a mapping child
                out.append((kl.key, line, ind))
                want = ind
            line -= 1
        return out if want == 0 else None

    def path(self, n: int, indent: int, first: int) -> tuple[tuple[str, ...], list[tuple[str, int, int]]] | None:
        chain = self.ancestors(n, indent, first)
        if chain is None:
            return None
        return tuple(k for k, _, _ in reversed(chain)), chain

    def children(self, parent: int, parent_indent: int, last: int, skip: int) -> tuple[list[KeyLine], bool]:
        """Keys directly under the key on line ``parent`` (not line ``skip``), and whether the block
        has any content at all (template actions included)."""
        keys: list[KeyLine] = []
        content = False
        child_indent: int | None = None
        for line in range(parent + 1, last + 1):
            masked = self.masked_line(line)
            if line == skip:
                continue
            if not masked.strip():
                source = self.source_line(line)
                if source.strip() and len(source) - len(source.lstrip()) > parent_indent:
                    content = True  # an action that renders keys into the block
                continue
            ind = len(masked) - len(masked.lstrip(" "))
            if ind <= parent_indent:
                break
            if masked.strip().startswith("#"):
                continue
            content = True
            if child_indent is None:
                child_indent = ind
            if ind == child_indent:
                kl = parse_key_line(masked)
                if kl.key is not None:
                    keys.append(kl)
        return keys, content


def document_first_line(analysis: TemplateAnalysis, offset: int) -> int:
    """First line of the YAML document holding ``offset``."""
    for doc in analysis.documents:
        if doc.span.start <= offset <= doc.span.end:
            return analysis.index.position(doc.span.start)[0]
    return 0


def last_line(analysis: TemplateAnalysis, offset: int) -> int:
    """Last line of the YAML document holding ``offset``."""
    for doc in analysis.documents:
        if doc.span.start <= offset <= doc.span.end:
            return analysis.index.position(doc.span.end)[0]
    return analysis.index.line_count - 1
