"""Masking of Go-template actions so a chart template can be read as YAML at exact positions.

Every ``{{ ... }}`` action is replaced by filler of the *same length* and every newline is kept,
so an offset in the masked text is the same offset in the source (the trick helm-ls uses before
handing templates to yaml-language-server). How an action is masked depends on what it renders:

* comments, control flow (``if``/``else``/``end``/``range``/``with``/``define``...), variable
  assignments, lines that consist only of actions, and actions that emit a YAML block
  (``| nindent N``, ``toYaml`` before an indented block) become spaces: they contribute no
  scalar at that spot, and the surrounding mapping stays well formed;
* every other action renders a scalar in place (``name: {{ .Release.Name }}-job``) and becomes a
  run of ``FILL`` characters, so the key keeps a (statically unknown) scalar value.

The body of a ``define`` is blanked too: it is not output where it is written.
The masker also records, for every action, which ``if``/``range``/``with`` branch it sits in, so
callers can tell that two keys in the two branches of an ``if``/``else`` are alternatives, not
duplicates.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from .gotemplate import tokenize
from .source import Span

FILL = "x"

_CONTROL_OPEN = frozenset({"if", "range", "with", "define", "block"})
_CONTROL = frozenset({"if", "else", "end", "range", "with", "define", "break", "continue"})
_ASSIGN = re.compile(r"\$[A-Za-z0-9_]*\s*:?=(?!=)")
_BLOCK_EMITTER = re.compile(r"\b(toYaml|toPrettyJson)\b")
_INDENTER = re.compile(r"\b(nindent|indent)\b")
_WORD = re.compile(r"[A-Za-z_]+")
# A line that opens a block scalar: `key: |`, `- >-`, `key: |2+` (an optional comment after it).
_BLOCK_SCALAR_OPEN = re.compile(r"(?:^|[\s:-])[|>][-+0-9]*[ \t]*(?:#.*)?$")


# Not `frozen` (built through `object.__setattr__`, four times slower), as `source.Span`.
@dataclass(slots=True, unsafe_hash=True)
class Action:
    """One ``{{ ... }}`` action in the source (never changed once made)."""

    span: Span
    #: Text between the delimiters with trim markers and surrounding space removed.
    body: str
    #: Offset of ``body`` in the source.
    body_start: int
    #: ``comment``, ``control``, ``assign`` or ``output``.
    kind: str
    #: First word for control actions (``if``, ``else``, ``end``...), else "".
    keyword: str
    #: The ``}}`` was never found (a half-typed action): the span runs to the end of its line.
    unterminated: bool = False


@dataclass
class MaskedTemplate:
    """The masked text plus what the masker learned about the template's actions."""

    source: str
    text: str
    actions: list[Action]
    #: Sorted (offset, branch-path) change points; see `branch_path`.
    _branch_points: list[tuple[int, tuple[tuple[int, int], ...]]] = field(default_factory=list)
    _action_starts: list[int] = field(default_factory=list)
    #: Extents of ``define`` bodies: text there is not output where it is written.
    define_bodies: list[Span] = field(default_factory=list)

    def in_define(self, offset: int) -> bool:
        return any(s.start <= offset < s.end for s in self.define_bodies)

    def actions_in(self, span: Span) -> list[Action]:
        """Actions that overlap ``span``."""
        starts = self._action_starts
        i = bisect.bisect_left(starts, span.start)
        # An action that starts before the span may still reach into it.
        if i > 0 and self.actions[i - 1].span.end > span.start:
            i -= 1
        out = []
        while i < len(self.actions) and self.actions[i].span.start < span.end:
            if self.actions[i].span.overlaps(span):
                out.append(self.actions[i])
            i += 1
        return out

    def is_templated(self, span: Span) -> bool:
        """True when any action overlaps ``span`` (its rendered text is statically unknown)."""
        return bool(self.actions_in(span))

    def action_at(self, offset: int) -> Action | None:
        """The action whose delimiters enclose ``offset`` (cursor inside ``{{ }}``), if any."""
        i = bisect.bisect_right(self._action_starts, offset) - 1
        if i >= 0:
            action = self.actions[i]
            if action.span.start <= offset < action.span.end or (
                action.unterminated and offset == action.span.end
            ):
                return action
        return None

    def branch_path(self, offset: int) -> tuple[tuple[int, int], ...]:
        """The enclosing control blocks at ``offset`` as ((block id, branch number), ...)."""
        i = bisect.bisect_right(self._branch_points, (offset, ((1 << 62, 0),))) - 1
        return self._branch_points[i][1] if i >= 0 else ()

    def conditional(self, offset: int) -> bool:
        """True when ``offset`` sits inside an ``if``/``with``/``range`` block."""
        return bool(self.branch_path(offset))

    def exclusive(self, a: int, b: int) -> bool:
        """True when offsets ``a`` and ``b`` are in different branches of one ``if``/``else``."""
        pa, pb = self.branch_path(a), self.branch_path(b)
        for (block_a, branch_a), (block_b, branch_b) in zip(pa, pb):
            if block_a != block_b:
                return False
            if branch_a != branch_b:
                return True
        return False


#: What can end an action or hide a ``}}``: the delimiters and the openings of strings.
_SCAN = re.compile(r'\}\}|\{\{|["`]')
_STRING_BODY = re.compile(r'(?:[^"\\\n]|\\[\s\S])*')


def _scan_action_end(text: str, start: int) -> tuple[int, bool]:
    """Return the offset just past the ``}}`` closing the action opened at ``start``.

    Strings (``"..."`` with escapes, backquoted raw strings, ``'c'`` runes) and ``/* */``
    comments may contain ``}}``. Returns (end, terminated).
    """
    n = len(text)
    i = start + 2
    if text.startswith("-", i) and i + 1 < n and text[i + 1] in " \t\r\n":
        i += 2
    # A comment action: {{/* ... */}} or {{- /* ... */ -}}.
    j = i
    while j < n and text[j] in " \t\r\n":
        j += 1
    if text.startswith("/*", j):
        close = text.find("*/", j + 2)
        if close == -1:
            return _line_end(text, start), False
        k = close + 2
        while k < n and text[k] in " \t\r\n-":
            k += 1
        if text.startswith("}}", k):
            return k + 2, True
        i = k
    scan = _SCAN.search
    while True:
        m = scan(text, i)
        if m is None:
            break
        c = m.group()
        if c == "}}":
            return m.end(), True
        if c == "{{":
            # A new action opens before this one closed: this one is half-typed.
            return _line_end(text, start), False
        if c == '"':
            # To the closing quote; a newline ends it too (Go strings cannot span lines: a
            # half-typed string), and a backslash escapes whatever follows it.
            i = _STRING_BODY.match(text, m.end()).end() + 1
            continue
        close = text.find("`", m.end())
        if close == -1:
            return _line_end(text, start), False
        i = close + 1
    return _line_end(text, start), False


#: An action that `_scan_action_end` would close at its first ``}}``, matched in one step: no
#: comment at its start, every string and raw string closed, no ``{{`` before the ``}}``. Runs
#: of ordinary characters alternate with the constructs that start with a character of their
#: own (a string, a raw string, a lone brace), so there is one way to match any text and a text
#: that does not match fails in linear time; the scanner settles it then.
_WHOLE_ACTION = re.compile(
    r'\{\{(?!(?:-[ \t\r\n])?[ \t\r\n]*/\*)'
    r'[^"`{}]*(?:(?:"(?:[^"\\\n]|\\[\s\S])*"|`[^`]*`|\{(?!\{)|\}(?!\}))[^"`{}]*)*'
    r'\}\}'
)


def _line_end(text: str, start: int) -> int:
    nl = text.find("\n", start)
    end = len(text) if nl == -1 else nl
    if end > start and text[end - 1] == "\r":
        end -= 1
    return end


def _classify(body: str) -> tuple[str, str]:
    if body.startswith("/*"):
        return "comment", ""
    m = _WORD.match(body)
    word = m.group(0) if m else ""
    if word in _CONTROL:
        return "control", word
    if _ASSIGN.match(body):
        return "assign", ""
    if word == "block":
        return "control", "block"
    return "output", word


def _read_inside(raw: str, terminated: bool) -> tuple[int, str, str, str]:
    """What lies between an action's delimiters: (length of the lead before its body, body,
    kind, keyword)."""
    lead = len(raw) - len(raw.lstrip("-").lstrip()) if raw.startswith("-") else len(raw) - len(raw.lstrip())
    body = raw[lead:]
    if terminated and body.rstrip().endswith("-"):
        body = body.rstrip()[:-1]
    body = body.strip()
    kind, keyword = _classify(body)
    return lead, body, kind, keyword


#: `_read_inside` of closed actions by their inner text: templates repeat the same actions
#: (``{{- end }}``, ``{{ include "x.fullname" . }}``) many times. Cleared when full; only short
#: texts are kept, so the cache stays small whatever the files hold.
_INSIDES: dict[str, tuple[int, str, str, str]] = {}
INSIDES_KEPT = 20_000
INSIDE_CHARS_KEPT = 256


def find_actions(source: str) -> list[Action]:
    """Every ``{{ ... }}`` action of ``source`` in order."""
    actions: list[Action] = []
    find = source.find
    whole = _WHOLE_ACTION.match
    insides = _INSIDES
    pos = find("{{")
    while pos != -1:
        m = whole(source, pos)
        if m is not None:
            end = m.end()
            raw = source[pos + 2 : end - 2]
            inside = insides.get(raw)
            if inside is None:
                inside = _read_inside(raw, True)
                if len(raw) <= INSIDE_CHARS_KEPT:
                    if len(insides) >= INSIDES_KEPT:
                        insides.clear()
                    insides[raw] = inside
            lead, body, kind, keyword = inside
            actions.append(Action(Span(pos, end), body, pos + 2 + lead, kind, keyword))
        else:
            end, terminated = _scan_action_end(source, pos)
            lead, body, kind, keyword = _read_inside(source[pos + 2 : end - 2 if terminated else end], terminated)
            actions.append(Action(Span(pos, end), body, pos + 2 + lead, kind, keyword, unterminated=not terminated))
        pos = find("{{", max(end, pos + 2))
    return actions


_NOT_BREAK = re.compile(r"[^\r\n]")


def _blanked(part: str, ch: str) -> str:
    """``part`` with every character but line breaks replaced by ``ch``."""
    if "\r" in part:
        return _NOT_BREAK.sub(ch, part)
    return "\n".join(ch * len(line) for line in part.split("\n"))


def _rewritten(source: str, edits: list[tuple[int, int, str]]) -> str:
    """``source`` with each (start, end, ch) range, in order and apart, made of ``ch`` but for
    its line breaks: copied in runs between them (no list of every character)."""
    parts = []
    pos = 0
    for start, end, ch in edits:
        parts.append(source[pos:start])
        parts.append(_blanked(source[start:end], ch))
        pos = end
    parts.append(source[pos:])
    return "".join(parts)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Overlapping or nested ``define`` bodies as disjoint blank ranges, in order."""
    out: list[tuple[int, int, str]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end, " ")
        else:
            out.append((start, end, " "))
    return out


def _ends_with_indenter(body: str) -> bool:
    """Whether the action's last top-level command is ``indent``/``nindent``: only then is
    its output an indented block (``... | indent 2 | trim | quote`` is a scalar again)."""
    # Kept by body when short: charts write the same few (``include "x.labels" . | nindent 4``)
    # in every template.
    return _ends_with_indenter_kept(body) if len(body) <= INSIDE_CHARS_KEPT else _last_command_indents(body)


@functools.lru_cache(maxsize=8192)
def _ends_with_indenter_kept(body: str) -> bool:
    return _last_command_indents(body)


def _last_command_indents(body: str) -> bool:
    depth = 0
    last: list = []
    current: list = []
    for tok in tokenize(body):
        if tok.kind == "punct" and tok.text in "()":
            depth += 1 if tok.text == "(" else -1
        elif tok.kind == "punct" and tok.text == "|" and depth == 0:
            last, current = current, []
            continue
        current.append(tok)
    command = current or last
    head = next((t for t in command if t.kind == "ident" or (t.kind == "punct" and t.text == "(")), None)
    if head is None:
        return False
    if head.kind == "ident":
        return head.text in ("indent", "nindent")
    # `(... | nindent 4)` as a whole command: look inside the parentheses.
    inner = body[head.start + 1 :]
    return _ends_with_indenter(inner[: inner.rfind(")")]) if ")" in inner else False


def _emits_block(source: str, action: Action, line_start: int, line_end: int) -> bool:
    """Whether an output action renders a YAML block rather than a scalar in place."""
    if _INDENTER.search(action.body) and _ends_with_indenter(action.body):
        return True
    before = source[line_start : action.span.start].rstrip()
    after = source[action.span.end : line_end].strip()
    if after or not before.endswith(":"):
        return False
    if not _BLOCK_EMITTER.search(action.body) and "include" not in action.body:
        return False
    # `key: {{ toYaml .x }}` / `key: {{ include "y" . }}` followed by a more indented line:
    # the action opens a nested block (Helm users write `nindent`, but not always).
    indent = len(source[line_start:action.span.start]) - len(source[line_start:action.span.start].lstrip())
    nxt = line_end + 1
    n = len(source)
    while nxt < n:
        nl = source.find("\n", nxt)
        line = source[nxt : n if nl == -1 else nl]
        stripped = line.strip()
        if stripped and not (stripped.startswith("{{") and stripped.endswith("}}")):
            return len(line) - len(line.lstrip()) > indent
        if nl == -1:
            break
        nxt = nl + 1
    return False


#: Nesting levels of control blocks that `MaskedTemplate.exclusive` tells apart.
MAX_BRANCH_DEPTH = 64


def mask(source: str) -> MaskedTemplate:
    """Mask every template action of ``source``; the result has the same length and newlines."""
    actions = find_actions(source)
    if not actions:
        return MaskedTemplate(source, source, [], [], [])
    edits: list[tuple[int, int, str]] = []  # (start, end, " " or FILL), in source order
    # Which offsets start a line that holds nothing but actions and white space?
    branch_points: list[tuple[int, tuple[tuple[int, int], ...]]] = [(0, ())]
    stack: list[tuple[int, int, str, int]] = []  # (block id, branch, keyword, body start)
    next_id = 0
    define_bodies: list[tuple[int, int]] = []

    line_cache: dict[int, tuple[int, int, bool]] = {}

    def line_info(offset: int) -> tuple[int, int, bool]:
        ls = source.rfind("\n", 0, offset) + 1
        hit = line_cache.get(ls)
        if hit is not None:
            return hit
        le = _line_end(source, ls)
        line_cache[ls] = (ls, le, _only_actions(source, ls, le, actions))
        return line_cache[ls]

    in_block_scalar = _block_scalar_lines(source, actions)
    for action in actions:
        s, e = action.span.start, action.span.end
        multiline = "\n" in source[s:e]
        if action.kind == "control":
            kw = action.keyword
            if kw in _CONTROL_OPEN:
                next_id += 1
                stack.append((next_id, 0, kw, e))
            elif kw == "else" and stack:
                bid, branch, okw, bstart = stack[-1]
                stack[-1] = (bid, branch + 1, okw, bstart)
            elif kw == "end" and stack:
                _bid, _branch, okw, bstart = stack.pop()
                if okw == "define":
                    define_bodies.append((bstart, s))
            # Only the outermost levels are recorded: deeper ones (thousands of nested `if`s
            # would cost quadratic memory) count as conditional but never as exclusive.
            branch_points.append((e, tuple((b, br) for b, br, _k, _s in stack[:MAX_BRANCH_DEPTH])))
        if in_block_scalar(s):
            # Inside a `|`/`>` block every action is script text: blanking it could leave a
            # first line of spaces only, which YAML rejects ("too many spaces").
            edits.append((s, e, FILL))
            continue
        if action.kind in ("comment", "control", "assign") or multiline:
            edits.append((s, e, " "))
            continue
        ls, le, only = line_info(s)
        if only or _emits_block(source, action, ls, le):
            edits.append((s, e, " "))
        else:
            edits.append((s, e, FILL))
    text = _rewritten(source, edits)
    if define_bodies:
        text = _rewritten(text, _merged(define_bodies))
    return MaskedTemplate(
        source,
        text,
        actions,
        branch_points,
        [a.span.start for a in actions],
        [Span(s, e) for s, e in define_bodies],
    )


def _block_scalar_lines(source: str, actions: list[Action]):
    """A predicate telling whether an offset lies in the body of a block scalar.

    Decided line by line on the source: a line ending in a block indicator opens a body that
    runs over the following blank or more-indented lines (lines of template actions included).
    """
    if "|" not in source and ">" not in source:
        return lambda offset: False
    regions: list[tuple[int, int]] = []
    lines = source.split("\n")
    pos = 0
    opener_indent = -1
    start = 0
    for line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if opener_indent >= 0:
            if not stripped or indent > opener_indent:
                pos += len(line) + 1
                continue
            regions.append((start, pos))
            opener_indent = -1
        if (
            ("|" in line or ">" in line)
            and stripped
            and not stripped.startswith("#")
            and _BLOCK_SCALAR_OPEN.search(_without_actions(line))
        ):
            opener_indent = indent
            start = pos + len(line) + 1
        pos += len(line) + 1
    if opener_indent >= 0:
        regions.append((start, len(source)))
    if not regions:
        return lambda offset: False
    starts = [r[0] for r in regions]

    def inside(offset: int) -> bool:
        i = bisect.bisect_right(starts, offset) - 1
        return i >= 0 and regions[i][0] <= offset < regions[i][1]

    return inside


_ACTION_TEXT = re.compile(r"\{\{.*?\}\}")


def _without_actions(line: str) -> str:
    return _ACTION_TEXT.sub("", line).rstrip()


def _only_actions(source: str, ls: int, le: int, actions: list[Action]) -> bool:
    """True when line [ls, le) holds only template actions and white space."""
    line = source[ls:le]
    if not line.lstrip().startswith("{{"):
        return False
    # Remove each action on the line; what remains must be blank.
    i = _bisect_actions(actions, ls)
    rest = []
    pos = ls
    while i < len(actions) and actions[i].span.start < le:
        a = actions[i]
        rest.append(source[pos : a.span.start])
        pos = max(pos, a.span.end)
        i += 1
    if pos < le:
        rest.append(source[pos:le])
    return not "".join(rest).strip()


def _bisect_actions(actions: list[Action], offset: int) -> int:
    lo, hi = 0, len(actions)
    while lo < hi:
        mid = (lo + hi) // 2
        if actions[mid].span.start < offset:
            lo = mid + 1
        else:
            hi = mid
    return lo
