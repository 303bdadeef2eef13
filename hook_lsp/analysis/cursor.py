"""Where the cursor is, for completion and hover: pure, and tolerant of half-typed templates.

Completion runs on text that is being typed, so the YAML tree is often broken or missing the
line under the cursor. This module therefore reads the *lines* around the cursor through the
template mask (`TemplateAnalysis.masked`: actions are filler of the same length, so offsets and
columns stay exact): the indentation chain above a line gives its key path, the line itself its
key, quote style and value. Flow maps (``annotations: {"helm.sh/hook": "a,b"}``) are scanned
character by character. Hover prefers the hook model's exact spans and falls back to the same
line reading when the YAML does not parse.

Helm reads hook annotations only at ``metadata.annotations`` of a document (reference §1.2
step 2), so that is the only place that gets hook keys and values. Inside a ``{{ }}`` action
completion offers nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..knowledge import annotations as A
from .hook_model import Annotation, Resource, TemplateAnalysis
from .source import Span

ANNOTATIONS_PATH = ("metadata", "annotations")
#: Keys whose value is a comma-separated list Helm splits (§1.2 step 4, §4.2, §4.4).
LIST_KEYS = (A.HOOK, A.DELETE_POLICY, A.OUTPUT_LOG_POLICY)
VALUE_KEYS = LIST_KEYS + (A.WEIGHT,)


# --------------------------------------------------------------------------------------------
# Results


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
class ValueContext:
    """Typing the value of a hook annotation (a list token or the weight)."""

    key: str
    prefix: str
    #: The token under the cursor (list keys) or the text inside the quotes / the value (weight).
    span: Span
    #: The other tokens of the value, as Helm compares them (lower-cased, trimmed).
    present: tuple[str, ...]
    #: The value's quote character, or "" for a plain scalar.
    quote: str
    #: The cursor sits right after the ``:``: an inserted value needs a space first.
    space_before: bool
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


# --------------------------------------------------------------------------------------------
# Lines


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
        close = _closing_quote(line, i + 1, q)
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


def _closing_quote(text: str, start: int, q: str, end: int | None = None) -> int | None:
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


class _Lines:
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


# --------------------------------------------------------------------------------------------
# Completion


def completion_context(analysis: TemplateAnalysis, offset: int) -> Context | None:
    """What is being typed at ``offset``; None where hook completion has nothing to offer."""
    try:
        return _completion_context(analysis, offset)
    except (IndexError, ValueError):  # never fail a request on odd text
        return None


def _completion_context(analysis: TemplateAnalysis, offset: int) -> Context | None:
    if analysis.masked.action_at(offset) is not None:
        return None
    lines = _Lines(analysis)
    n, col = analysis.index.position(offset)
    masked = lines.masked_line(n)
    col = min(col, len(masked))
    line_start = lines.start(n)
    first = _document_first_line(analysis, offset)
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
        siblings, content = lines.children(parent_line, parent_indent, _last_line(analysis, offset), n)
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
        return _block_value(analysis, kl.key, masked, lines.source_line(n), line_start, col, kl.colon, resource)
    if col < kl.key_start or (kl.quote and col == kl.key_start):
        return None
    parent_line, parent_indent = found[1][0][1], found[1][0][2]
    siblings, _ = lines.children(parent_line, parent_indent, _last_line(analysis, offset), n)
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


def _block_value(
    analysis: TemplateAnalysis,
    key: str,
    masked: str,
    source: str,
    line_start: int,
    col: int,
    colon: int,
    resource: Resource | None,
) -> ValueContext | None:
    if key not in VALUE_KEYS:
        return None
    n = len(masked)
    v0 = colon + 1
    while v0 < n and masked[v0] in " \t":
        v0 += 1
    space_before = col == colon + 1 and v0 == colon + 1
    if v0 < n and masked[v0] in "\"'":
        quote = masked[v0]
        if col <= v0:
            return None
        cstart = v0 + 1
        close = _closing_quote(masked, cstart, quote)
        cend = close if close is not None else len(masked.rstrip())
        if col > cend:
            return None
    elif v0 < n and masked[v0] in "|>{[&*!%@`#":
        return None
    else:
        quote = ""
        cstart = v0
        comment = masked.find(" #", v0 - 1) if v0 > 0 else -1
        cend = comment if comment != -1 else len(masked.rstrip())
        cend = max(cend, cstart)
        if col > cend:
            if masked[cend:col].strip():
                return None
            if masked[cstart:cend].endswith(","):
                cend = col  # `pre-install, |`: spaces around commas are trimmed (§1.2 step 4)
            elif cend > cstart:
                return None  # after a complete plain value: a space is not a separator
            else:
                cstart = cend = col
    return _value_context(
        key, source, line_start, cstart, cend, col, quote, space_before, resource, key != A.WEIGHT, analysis.masked
    )


def _value_context(
    key: str,
    source: str,
    base: int,
    cstart: int,
    cend: int,
    col: int,
    quote: str,
    space_before: bool,
    resource: Resource | None,
    split: bool,
    masked,
) -> ValueContext:
    """The token under ``col`` of the value ``source[cstart:cend]``; spans are ``base`` + column.

    ``split`` is False for the weight and for plain scalars in flow maps (where a comma ends the
    scalar). Parts produced by template actions are not reported as present.
    """
    if not split:
        return ValueContext(key, source[cstart:col], Span(base + cstart, base + cend), (), quote, space_before, resource)
    present: list[str] = []
    token: Span | None = None
    prefix = ""
    pos = cstart
    for part in source[cstart:cend].split(","):
        p_start, p_end = pos, pos + len(part)
        pos = p_end + 1
        if token is None and p_start <= col <= p_end:
            ts = p_start + len(part) - len(part.lstrip())
            te = p_start + len(part.rstrip())
            start = min(ts, col)
            token = Span(base + start, base + max(te, col))
            prefix = source[start:col]
            continue
        if part.strip() and not masked.is_templated(Span(base + p_start, base + p_end)):
            present.append(part.strip().lower())
    if token is None:
        token = Span(base + col, base + col)
    return ValueContext(key, prefix, token, tuple(present), quote, space_before, resource)


def _document_first_line(analysis: TemplateAnalysis, offset: int) -> int:
    for doc in analysis.documents:
        if doc.span.start <= offset <= doc.span.end:
            return analysis.index.position(doc.span.start)[0]
    return 0


def _last_line(analysis: TemplateAnalysis, offset: int) -> int:
    for doc in analysis.documents:
        if doc.span.start <= offset <= doc.span.end:
            return analysis.index.position(doc.span.end)[0]
    return analysis.index.line_count - 1


def _document_empty(lines: _Lines, analysis: TemplateAnalysis, offset: int, n: int) -> bool:
    """True when the cursor's document holds nothing but comments, blank lines and control
    actions on lines other than the cursor's."""
    first = _document_first_line(analysis, offset)
    last = _last_line(analysis, offset)
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


# --------------------------------------------------------------------------------------------
# Flow maps: annotations: {"helm.sh/hook": "pre-install,post-install", ...}


@dataclass
class _FlowItem:
    start: int
    key_start: int = -1
    key_end: int = -1
    key: str = ""
    quote: str = ""
    colon: int = -1
    value_start: int = -1
    value_end: int = -1
    value_quote: str = ""


def _flow_context(
    analysis: TemplateAnalysis, lines: _Lines, offset: int, first: int, resource: Resource | None
) -> Context | None:
    masked = lines.masked
    doc_start = analysis.index.line_start(first)
    brace = _open_brace(masked, offset, max(doc_start, offset - 4000))
    if brace is None:
        return None
    items = _scan_flow(masked, brace, analysis.index, offset)
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
            cend = current.value_end - 1 if _quote_closed(masked, current) else current.value_end
            if offset < cstart or offset > cend:
                return None
        else:
            cstart = current.value_start if current.value_start != -1 else offset
            cend = max(current.value_end, cstart) if current.value_start != -1 else offset
            if offset > cend:
                return None
        space_before = offset == current.colon + 1 and current.value_start == -1
        split = bool(current.value_quote) and key != A.WEIGHT
        return _value_context(
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


def _quote_closed(masked: str, item: _FlowItem) -> bool:
    return item.value_end - item.value_start >= 2 and masked[item.value_end - 1] == item.value_quote


def _open_brace(masked: str, offset: int, limit: int) -> int | None:
    """The ``{`` of the innermost flow map enclosing ``offset`` (quotes are ignored here and
    checked by `_scan_flow`)."""
    depth = 0
    i = offset
    while True:
        opening = masked.rfind("{", limit, i)
        if opening == -1:
            return None
        closing = masked.rfind("}", opening, i)
        if closing != -1:
            depth += 1
            i = closing
            continue
        if depth == 0:
            return opening
        depth -= 1
        i = opening


def _scan_flow(masked: str, brace: int, index, offset: int) -> list[_FlowItem] | None:
    """Items of the flow map opened at ``brace``; None when ``offset`` is not directly inside it."""
    n = len(masked)
    items: list[_FlowItem] = [_FlowItem(brace + 1)]
    i = brace + 1
    depth = 1
    inside_at_offset = False
    limit = min(n, brace + 20000)
    while i < limit:
        if i == offset:
            inside_at_offset = depth == 1
        c = masked[i]
        item = items[-1]
        if depth == 1 and c in "\"'":
            close = _closing_quote(masked, i + 1, c)
            end = (close + 1) if close is not None else index.line_end(index.position(i)[0])
            if item.colon == -1 and item.key_start == -1:
                item.key_start, item.key_end, item.key, item.quote = i, end, masked[i + 1 : (close if close is not None else end)], c
            elif item.colon != -1 and item.value_start == -1:
                item.value_start, item.value_end, item.value_quote = i, end, c
            if offset > i and offset <= end and close is None:
                inside_at_offset = True
                i = end
                break
            if i < offset < end:
                inside_at_offset = True
            i = end
            continue
        if c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
            if depth == 0:
                if offset == i:
                    inside_at_offset = True
                break
        elif depth == 1 and c == ",":
            items.append(_FlowItem(i + 1))
        elif depth == 1 and c == ":" and item.colon == -1 and (
            i + 1 >= n or masked[i + 1] in " \t\r\n,}" or item.quote
        ):
            item.colon = i
        elif depth == 1 and not c.isspace():
            if item.colon == -1 and item.key_start == -1:
                item.key_start = i
            if item.colon == -1 and not item.quote:
                item.key_end = i + 1
                item.key = masked[item.key_start : i + 1]
            elif item.colon != -1 and not item.value_quote:
                if item.value_start == -1:
                    item.value_start = i
                item.value_end = i + 1
        i += 1
    if i == offset and depth == 1:
        inside_at_offset = True
    return items if inside_at_offset else None


# --------------------------------------------------------------------------------------------
# Hover


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
    lines = _Lines(analysis)
    n, col = analysis.index.position(offset)
    masked = lines.masked_line(n)
    kl = parse_key_line(masked)
    if kl.key is None or kl.dash:
        return None
    found = lines.path(n, kl.indent, _document_first_line(analysis, offset))
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
    ctx = _block_value(analysis, kl.key, masked, lines.source_line(n), start, col, kl.colon, resource)
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
