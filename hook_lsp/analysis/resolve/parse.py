"""A parser for Go's text/template language, enough to evaluate chart helpers statically.

Builds a small tree (text, output actions, ``if``/``with``/``range`` blocks, ``define``,
``template``/``block``) from the actions `template_mask.find_actions` finds, with source
offsets kept so that rendered output can be traced back to the action that produced it.
Trim markers (``{{-`` / ``-}}``) remove the adjacent white space as text/template does.
Anything it cannot read becomes an `Unparsed` node, which evaluates to "unknown".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import gotemplate
from ..source import Span
from ..template_mask import Action, find_actions

# -- pipelines -------------------------------------------------------------------------------


@dataclass
class Operand:
    """One argument of a command: literal, field chain, variable, identifier or sub-pipeline."""

    kind: str  # string | number | bool | nil | field | var | ident | pipe | dot
    value: object = None
    #: For ``field``/``var``: the chain of names after the root (``.Values.a`` -> ["Values", "a"]).
    chain: tuple[str, ...] = ()


@dataclass
class Pipeline:
    commands: list[list[Operand]]
    #: Variables declared (``:=``) or assigned (``=``) by this pipeline.
    decl: tuple[str, ...] = ()
    assign: bool = False


class ParseError(Exception):
    pass


#: Pipelines by their text. A pipeline holds no source offsets and is never changed once built,
#: so one parse serves every action with the same text: helper libraries copied into every chart
#: of an umbrella, and the same few pipelines (``include "x.fullname" .``, ``.Values.a.b``)
#: written in every template. Cleared when full, so it stays small.
_PIPELINES: dict[str, Pipeline] = {}
PIPELINES_KEPT = 20_000


def parse_pipeline(body: str) -> Pipeline:
    pipe = _PIPELINES.get(body)
    if pipe is None:
        pipe = _parse_pipeline(body)
        if len(_PIPELINES) >= PIPELINES_KEPT:
            _PIPELINES.clear()
        _PIPELINES[body] = pipe
    return pipe


def _parse_pipeline(body: str) -> Pipeline:
    tokens = gotemplate.tokenize(body)
    pos = 0
    decl: tuple[str, ...] = ()
    assign = False
    # `$x :=`, `$k, $v :=`, `$x =`
    names = []
    i = 0
    while i < len(tokens) and tokens[i].kind == "field" and tokens[i].text.startswith("$") and "." not in tokens[i].text:
        names.append(tokens[i].text)
        i += 1
        if i < len(tokens) and tokens[i].text == ",":
            i += 1
            continue
        break
    if names and i < len(tokens) and (tokens[i].kind == "declare" or tokens[i].text == "="):
        decl = tuple(names)
        assign = tokens[i].text == "="
        pos = i + 1
    pipe, pos = _pipeline(tokens, pos)
    if pos != len(tokens):
        raise ParseError(f"unexpected {tokens[pos].text!r}")
    pipe.decl, pipe.assign = decl, assign
    return pipe


def _pipeline(tokens, pos: int) -> tuple[Pipeline, int]:
    commands: list[list[Operand]] = []
    cmd: list[Operand] = []
    while pos < len(tokens):
        tok = tokens[pos]
        if tok.text == ")":
            break
        if tok.text == "|":
            if not cmd:
                raise ParseError("empty command")
            commands.append(cmd)
            cmd = []
            pos += 1
            continue
        operand, pos = _operand(tokens, pos)
        cmd.append(operand)
    if cmd:
        commands.append(cmd)
    if not commands:
        raise ParseError("empty pipeline")
    return Pipeline(commands), pos


def _operand(tokens, pos: int) -> tuple[Operand, int]:
    tok = tokens[pos]
    if tok.text == "(":
        inner, pos = _pipeline(tokens, pos + 1)
        if pos >= len(tokens) or tokens[pos].text != ")":
            raise ParseError("unclosed (")
        op = Operand("pipe", inner)
        close_end = tokens[pos].end
        pos += 1
        # `(include "x" .).field` style chains: only when the field follows the `)` directly
        # (`(include "x" .) .Values.y` is two arguments).
        if (
            pos < len(tokens)
            and tokens[pos].kind == "field"
            and tokens[pos].text.startswith(".")
            and tokens[pos].start == close_end
        ):
            op = Operand("pipe", inner, tuple(p for p in tokens[pos].text.split(".") if p))
            pos += 1
        return op, pos
    if tok.kind in ("string", "raw"):
        return Operand("string", tok.string_value()), pos + 1
    if tok.kind == "char":
        return Operand("number", ord(tok.string_value()[1:-1][:1] or "\0")), pos + 1
    if tok.kind == "number":
        text = tok.text.replace("_", "")
        try:
            value: object = int(text, 0)
        except ValueError:
            try:
                value = float(text)
            except ValueError as exc:
                raise ParseError(str(exc)) from exc
        return Operand("number", value), pos + 1
    if tok.kind == "field":
        text = tok.text
        if text == ".":
            return Operand("dot"), pos + 1
        if text.startswith("$"):
            head, _, rest = text.partition(".")
            return Operand("var", head, tuple(p for p in rest.split(".") if p)), pos + 1
        return Operand("field", None, tuple(p for p in text.split(".") if p)), pos + 1
    if tok.kind == "ident":
        if tok.text in ("true", "false"):
            return Operand("bool", tok.text == "true"), pos + 1
        if tok.text == "nil":
            return Operand("nil"), pos + 1
        return Operand("ident", tok.text), pos + 1
    raise ParseError(f"unexpected {tok.text!r}")


# -- template tree ---------------------------------------------------------------------------


@dataclass
class Text:
    text: str
    #: Source offset of ``text[0]``.
    start: int


@dataclass
class Output:
    action: Action
    pipe: Pipeline


@dataclass
class Unparsed:
    action: Action


@dataclass
class Branch:
    pipe: Pipeline | None  # None for the final `else`
    body: list


@dataclass
class If:
    action: Action
    #: ``if`` or ``with``.
    keyword: str
    branches: list[Branch]


@dataclass
class Range:
    action: Action
    pipe: Pipeline
    body: list
    else_body: list = field(default_factory=list)


@dataclass
class Call:
    """``{{ template "name" pipe }}`` (or the call half of a ``block``)."""

    action: Action
    name: str
    pipe: Pipeline | None


@dataclass
class Control:
    action: Action
    keyword: str  # break | continue


@dataclass
class Define:
    name: str
    body: list
    path: str
    #: Span of the ``define`` action (where a related-information link points).
    span: Span


@dataclass
class Parsed:
    nodes: list
    defines: dict[str, Define]
    #: Blocks still open at the end of the text (kept as read: a half-typed template).
    unclosed: int = 0


def _trims(source: str, action: Action) -> tuple[bool, bool]:
    s, e = action.span.start, action.span.end
    left = source.startswith("{{-", s) and s + 3 < len(source) and source[s + 3] in " \t\r\n"
    right = (
        not action.unterminated
        and source.endswith("-}}", 0, e)
        and e - 4 >= s
        and source[e - 4] in " \t\r\n"
    )
    return left, right


def text_chunk(source: str, actions: list[Action], i: int) -> Text:
    """`text_chunks` ``[i]`` alone: the literal text before action ``i`` (after the last one
    when ``i == len(actions)``), trimmed as the markers around it ask."""
    return _cut(
        source,
        actions[i - 1].span.end if i > 0 else 0,
        actions[i].span.start if i < len(actions) else len(source),
        i > 0 and _trims(source, actions[i - 1])[1],
        i < len(actions) and _trims(source, actions[i])[0],
    )


def _cut(source: str, start: int, end: int, trim_start: bool, trim_end: bool) -> Text:
    """``source[start:end]`` as a `Text`, white space trimmed where a marker asks."""
    chunk = source[start:end]
    if trim_start:
        stripped = chunk.lstrip(_SPACE)
        start += len(chunk) - len(stripped)
        chunk = stripped
    if trim_end:
        chunk = chunk.rstrip(_SPACE)
    return Text(chunk, start)


_SPACE = " \t\r\n"


def text_chunks(source: str, actions: list[Action]) -> list[Text]:
    """The literal text before each action and after the last, trimmed as the markers ask
    (one more than there are actions): `text_chunk` of each, reading each action's markers
    once."""
    out = []
    start = 0
    trim_start = False
    for action in actions:
        left, right = _trims(source, action)
        out.append(_cut(source, start, action.span.start, trim_start, left))
        start, trim_start = action.span.end, right
    out.append(_cut(source, start, len(source), trim_start, False))
    return out


def parse(source: str, path: str = "", actions: list | None = None) -> Parsed:
    """Parse a template; defines are returned separately and never output where written.

    ``actions`` are ``find_actions(source)`` when the caller has them already (the masker's).
    """
    if actions is None:
        actions = find_actions(source)
    texts = text_chunks(source, actions)
    tail = texts.pop()

    defines: dict[str, Define] = {}
    root: list = []
    # Stack of (kind, node, current body list, action)
    stack: list[tuple[str, object, list]] = []
    body = root

    def emit_text(t: Text) -> None:
        if t.text:
            body.append(t)

    for i, action in enumerate(actions):
        emit_text(texts[i])
        kind, kw, text = action.kind, action.keyword, action.body
        if kind == "comment":
            continue
        if action.unterminated:
            body.append(Unparsed(action))
            continue
        try:
            if kind == "control":
                rest = text[len(kw):].strip()
                if kw in ("if", "with"):
                    node = If(action, kw, [Branch(parse_pipeline(rest), [])])
                    body.append(node)
                    stack.append((kw, node, body))
                    body = node.branches[0].body
                elif kw == "range":
                    node = Range(action, parse_pipeline(rest), [])
                    body.append(node)
                    stack.append(("range", node, body))
                    body = node.body
                elif kw in ("define", "block"):
                    toks = gotemplate.tokenize(rest)
                    if not toks or not toks[0].is_string:
                        raise ParseError("define without a name")
                    name = toks[0].string_value()
                    d = Define(name, [], path, action.span)
                    if kw == "block":
                        pipe = parse_pipeline(rest[len(toks[0].text):].strip()) if len(toks) > 1 else None
                        body.append(Call(action, name, pipe))
                    stack.append(("define", d, body))
                    body = d.body
                elif kw == "else":
                    if not stack:
                        raise ParseError("else outside a block")
                    _kind, node, _outer = stack[-1]
                    if isinstance(node, If):
                        if rest.startswith(("if ", "with ")):
                            _kw, _, cond = rest.partition(" ")
                            node.branches.append(Branch(parse_pipeline(cond.strip()), []))
                        else:
                            node.branches.append(Branch(None, []))
                        body = node.branches[-1].body
                    elif isinstance(node, Range):
                        body = node.else_body
                    else:
                        raise ParseError("else in define")
                elif kw == "end":
                    if not stack:
                        raise ParseError("end without a block")
                    _kind, node, outer = stack.pop()
                    if isinstance(node, Define):
                        defines[node.name] = node
                    body = outer
                elif kw in ("break", "continue"):
                    body.append(Control(action, kw))
                continue
            # `template` is an output of another define.
            if kw == "template":
                toks = gotemplate.tokenize(text[len("template"):])
                if toks and toks[0].is_string:
                    after = text[len("template"):].strip()[len(toks[0].text):].strip()
                    body.append(Call(action, toks[0].string_value(), parse_pipeline(after) if after else None))
                    continue
            pipe = parse_pipeline(text)
            body.append(Output(action, pipe))
        except ParseError:
            body.append(Unparsed(action))
    emit_text(tail)
    unclosed = len(stack)
    # Unclosed blocks: keep what was read (a half-typed template still evaluates up to there).
    while stack:
        _kind, node, _outer = stack.pop()
        if isinstance(node, Define):
            defines[node.name] = node
    return Parsed(root, defines, unclosed)
