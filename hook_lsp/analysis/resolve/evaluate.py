"""Static evaluation of a parsed template over known values, with an explicit "unknown".

`Evaluator.render(nodes, dot)` renders a template body the way Helm's engine would, but every
input that is not known statically (``.Release.Name``, ``lookup``, ``.Files``, functions not
modelled here) is `UNKNOWN`; text made from an unknown value carries the `MARK` character so
callers can tell a resolved value from a guessed one. ``if``/``with`` on an unknown condition
render the first branch and report that the output is conditional. This module owns the walk
over the parse tree: variable scopes, ``range``/``break``/``continue``, pipelines, ``include`` and
``tpl``, and the `Writer` collecting output. Nothing is executed: every other function comes from
`functions.FUNCTIONS`, pure re-implementations of the Sprig/Helm functions charts use around
annotations; the value model (`UNKNOWN`, `MARK`, truth) lives in `unknown`. A step budget and a
nesting limit keep pathological helpers cheap.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass, field

from .functions import FUNCTIONS, SIZED, value_size, within_budget
from .parse import (
    Branch,
    Call,
    Control,
    Define,
    If,
    Operand,
    Output,
    Pipeline,
    Range,
    Text,
    Unparsed,
    parse,
)
from .unknown import MARK, UNKNOWN, Budget, to_text, truth, unknown
from .yaml_emit import to_yaml

__all__ = ["MARK", "UNKNOWN", "Budget", "Evaluator", "Scope", "StopRender", "Writer", "to_yaml"]


class _Break(Exception):
    pass


class StopRender(Exception):
    """The render reached its writer's `Writer.stop`: what it output so far is the whole
    render's output up to that point of the template."""


class _Continue(Exception):
    pass


@dataclass
class Scope:
    vars: list[dict[str, object]] = field(default_factory=list)

    def get(self, name: str) -> object:
        for frame in reversed(self.vars):
            if name in frame:
                return frame[name]
        return UNKNOWN

    def set(self, name: str, value: object) -> None:
        for frame in reversed(self.vars):
            if name in frame:
                frame[name] = value
                return
        self.vars[-1][name] = value


class Writer:
    """Collects rendered text; the top-level file's writer also records where each piece came from."""

    #: Offset in the template where its render stops (`StopRender`), for a caller that reads
    #: only what comes before it; None renders everything. Only the template's own nodes are
    #: compared with it: helpers render into writers of their own.
    stop: int | None = None

    def __init__(self) -> None:
        self.parts: list[str] = []

    def text(self, node: Text, conditional: bool) -> None:
        self.parts.append(node.text)

    def output(self, action, value: str, define: Define | None, conditional: bool) -> None:
        self.parts.append(value)

    def unknown_causes(self, causes: list[str]) -> None:
        """Why the top-level action just written printed an unknown value (one phrase each)."""

    def getvalue(self) -> str:
        return "".join(self.parts)


class Evaluator:
    """Renders templates over known values; `defines` are every helper visible to the chart."""

    MAX_DEPTH = 40
    MAX_STEPS = 200_000
    #: Nested ``if``/``with``/``range`` blocks followed; deeper ones make the render unknown.
    MAX_BLOCK_DEPTH = 100
    #: Characters one value may hold (a longer string or serialisation is unknown).
    MAX_VALUE_CHARS = 1 << 20
    #: Characters one render may output (past it the render is unknown).
    MAX_OUTPUT_CHARS = 8 << 20

    def __init__(self, defines: Mapping[str, Define], explore: bool = False) -> None:
        self.defines = defines
        self.steps = 0
        self.depth = 0
        self.cond_depth = 0
        self.block_depth = 0
        self.output_chars = 0
        #: Render the first branch of a known-false top-level ``if`` without an ``else``.
        self.explore = explore
        #: The define behind the top-level action being evaluated (for related information).
        self.current_define: Define | None = None
        #: Why values became unknown, in evaluation order (see `unknown_cause`).
        self.causes: list[str] = []

    # -- rendering -------------------------------------------------------------------------

    def render(self, nodes: list, dot: object, writer: Writer | None = None, root: object = None) -> str:
        writer = writer or Writer()
        scope = Scope([{"$": dot if root is None else root}])
        self._nodes(nodes, dot, scope, writer)
        return writer.getvalue()

    def _step(self) -> None:
        self.steps += 1
        if self.steps > self.MAX_STEPS:
            raise Budget("step budget")

    def _emitted(self, n: int) -> None:
        self.output_chars += n
        if self.output_chars > self.MAX_OUTPUT_CHARS:
            raise Budget("output size")

    def _nodes(self, nodes: list, dot: object, scope: Scope, w: Writer) -> None:
        # The hottest loop of a render: the step count and node kinds are tested inline
        # (`_step`, and `type` against the parser's own classes, which have no subclasses).
        stop = w.stop
        for node in nodes:
            self.steps += 1
            if self.steps > self.MAX_STEPS:
                raise Budget("step budget")
            kind = type(node)
            if stop is not None:
                if (node.start if kind is Text else node.action.span.start) >= stop:
                    raise StopRender
                if kind is Text and node.start + len(node.text) > stop:
                    w.text(Text(node.text[: stop - node.start], node.start), self.cond_depth > 0)
                    raise StopRender
            if kind is Text:
                self.output_chars += len(node.text)  # `_emitted`, inline: the commonest node
                if self.output_chars > self.MAX_OUTPUT_CHARS:
                    raise Budget("output size")
                w.text(node, self.cond_depth > 0)
            elif kind is Output:
                if self.depth == 0:
                    self.current_define = None
                mark = len(self.causes)
                value = self.pipeline(node.pipe, dot, scope)
                if not node.pipe.decl:
                    text = value if type(value) is str else self._text(value)
                    self.output_chars += len(text)  # `_emitted`, inline
                    if self.output_chars > self.MAX_OUTPUT_CHARS:
                        raise Budget("output size")
                    w.output(node.action, text, self.current_define, self.cond_depth > 0)
                    if MARK in text:
                        w.unknown_causes(self.causes[mark:])
            elif kind is Call:
                if self.depth == 0:
                    self.current_define = None
                mark = len(self.causes)
                arg = self.pipeline(node.pipe, dot, scope) if node.pipe else None
                value = self.include(node.name, arg)
                text = value if type(value) is str else self._text(value)
                self._emitted(len(text))
                w.output(node.action, text, self.current_define, self.cond_depth > 0)
                if MARK in text:
                    w.unknown_causes(self.causes[mark:])
            elif kind is If or kind is Range:
                self.block_depth += 1
                if self.block_depth > self.MAX_BLOCK_DEPTH:
                    raise Budget("nesting")
                try:
                    if kind is If:
                        self._if(node, dot, scope, w)
                    else:
                        self._range(node, dot, scope, w)
                finally:
                    self.block_depth -= 1
            elif kind is Control:
                raise _Break() if node.keyword == "break" else _Continue()
            elif kind is Unparsed:
                w.output(node.action, MARK, None, self.cond_depth > 0)

    def _if(self, node: If, dot: object, scope: Scope, w: Writer) -> None:
        scope.vars.append({})
        try:
            uncertain = False
            for branch in node.branches:
                if branch.pipe is None:
                    self._branch(branch, dot, scope, w, uncertain)
                    return
                value = self.pipeline(branch.pipe, dot, scope)
                t = truth(value)
                if t is UNKNOWN:
                    # Render the first branch whose condition is unknown and say so.
                    new_dot = dot if node.keyword == "if" else value
                    self._branch(branch, new_dot, scope, w, True)
                    return
                if t:
                    self._branch(branch, dot if node.keyword == "if" else value, scope, w, uncertain)
                    return
            if self.depth == 0 and node.keyword == "if" and self.explore:
                # The template's own gates (`if .Values.x.enabled`) that the defaults turn off:
                # still read what the document would declare, marked conditional. The model does
                # the same for literal hooks, so the timeline shows every hook the chart can have.
                self._branch(node.branches[0], dot, scope, w, True)
        finally:
            scope.vars.pop()

    def _branch(self, branch: Branch, dot: object, scope: Scope, w: Writer, uncertain: bool) -> None:
        if uncertain:
            self.cond_depth += 1
        try:
            self._nodes(branch.body, dot, scope, w)
        finally:
            if uncertain:
                self.cond_depth -= 1

    def _range(self, node: Range, dot: object, scope: Scope, w: Writer) -> None:
        pipe = Pipeline(node.pipe.commands)
        items = self.pipeline(pipe, dot, scope)
        if unknown(items):
            return
        if isinstance(items, dict):
            pairs = [(k, items[k]) for k in sorted(items, key=str)]
        elif isinstance(items, (list, tuple)):
            pairs = list(enumerate(items))
        elif isinstance(items, int) and not isinstance(items, bool):
            pairs = [(i, i) for i in range(min(items, 1000))]
        else:
            pairs = []
        if not pairs:
            self._nodes(node.else_body, dot, scope, w)
            return
        for key, value in pairs:
            frame: dict[str, object] = {}
            names = node.pipe.decl
            if len(names) == 1:
                frame[names[0]] = value
            elif len(names) >= 2:
                frame[names[0]], frame[names[1]] = key, value
            scope.vars.append(frame)
            try:
                self._nodes(node.body, value, scope, w)
            except _Break:
                break
            except _Continue:
                continue
            finally:
                scope.vars.pop()

    def include(self, name: object, arg: object) -> object:
        if unknown(name) or not isinstance(name, str):
            return UNKNOWN
        define = self.defines.get(name)
        if define is None:
            return UNKNOWN
        if self.current_define is None:
            self.current_define = define
        if self.depth >= self.MAX_DEPTH:
            raise Budget("nesting")
        self.depth += 1
        saved_cond = self.cond_depth
        try:
            return self.render(define.body, arg)
        finally:
            self.depth -= 1
            self.cond_depth = saved_cond

    def tpl(self, text: object, ctx: object) -> object:
        if not isinstance(text, str):
            return UNKNOWN
        if "{{" not in text:
            return text
        if self.depth >= self.MAX_DEPTH:
            raise Budget("nesting")
        parsed = parse(text)
        saved = self.defines
        self.defines = ChainMap(parsed.defines, saved)
        self.depth += 1
        try:
            return self.render(parsed.nodes, ctx)
        finally:
            self.depth -= 1
            self.defines = saved

    # -- pipelines -------------------------------------------------------------------------

    def pipeline(self, pipe: Pipeline, dot: object, scope: Scope) -> object:
        value: object = _NO_ARG
        for cmd in pipe.commands:
            value = self.command(cmd, dot, scope, value)
        if len(pipe.decl) == 1:
            if pipe.assign:
                scope.set(pipe.decl[0], value)
            else:
                scope.vars[-1][pipe.decl[0]] = value
        return value

    def command(self, cmd: list[Operand], dot: object, scope: Scope, piped: object) -> object:
        self.steps += 1
        if self.steps > self.MAX_STEPS:
            raise Budget("step budget")
        head = cmd[0]
        if head.kind == "ident":
            args = []
            if len(cmd) > 1:
                operand = self.operand
                for op in cmd[1:]:
                    # `operand` inline for the commonest kinds (a call per argument otherwise).
                    k = op.kind
                    if k == "field":
                        value = _walk(dot, op.chain)
                        if value is UNKNOWN and dot is not UNKNOWN and op.chain:
                            self.causes.append(_field_cause(op.chain))
                        args.append(value)
                    elif k == "var":
                        args.append(_walk(scope.get(op.value), op.chain))
                    elif k == "string" or k == "number" or k == "bool":
                        args.append(op.value)
                    elif k == "dot":
                        args.append(dot)
                    else:
                        args.append(operand(op, dot, scope))
            if piped is not _NO_ARG:
                args.append(piped)
            return self.call(head.value, args, dot, scope)
        if len(cmd) > 1 or piped is not _NO_ARG:
            return UNKNOWN  # a method call with arguments: not modelled
        return self.operand(head, dot, scope)

    def operand(self, op: Operand, dot: object, scope: Scope) -> object:
        # Kinds in the order charts use them most.
        k = op.kind
        if k == "field":
            value = _walk(dot, op.chain)
            if value is UNKNOWN and dot is not UNKNOWN and op.chain:
                self.causes.append(_field_cause(op.chain))
            return value
        if k == "string" or k == "number" or k == "bool":
            return op.value
        if k == "var":
            return _walk(scope.get(op.value), op.chain)
        if k == "pipe":
            return _walk(self.pipeline(op.value, dot, scope), op.chain)
        if k == "dot":
            return dot
        if k == "ident":
            return self.call(op.value, [], dot, scope)
        if k == "nil":
            return None
        return UNKNOWN

    # -- functions -------------------------------------------------------------------------

    def call(self, name: str, args: list, dot: object, scope: Scope) -> object:
        if name == "include":
            if not args:
                return UNKNOWN
            return self.include(args[0], args[1] if len(args) > 1 else None)
        if name == "tpl":
            return self.tpl(args[0], args[1]) if len(args) == 2 else UNKNOWN
        fn = FUNCTIONS.get(name)
        if fn is None:
            self.causes.append(unknown_cause(name))
            return UNKNOWN
        if name in SIZED:
            if not within_budget(name, args, self.MAX_VALUE_CHARS):
                return UNKNOWN
        else:  # `within_budget` for the rest, inline: by the size of the arguments
            total = 0
            for a in args:
                if isinstance(a, (str, list, dict)):
                    total += len(a)
            if total > self.MAX_VALUE_CHARS:
                return UNKNOWN
        try:
            result = fn(*args)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError, RecursionError):
            return UNKNOWN
        if isinstance(result, str) and len(result) > self.MAX_VALUE_CHARS:
            return UNKNOWN
        if name == "required" and result is UNKNOWN and not any(unknown(a) for a in args):
            self.causes.append("a required value has no default (`required`)")
        return result

    def _text(self, value: object) -> str:
        """``{{ value }}`` as text; a value too large to print is unknown."""
        if not isinstance(value, str) and value_size(value, self.MAX_VALUE_CHARS) > self.MAX_VALUE_CHARS:
            return MARK
        return to_text(value)


_NO_ARG = object()

#: Functions whose result cannot be known before Helm runs, and why (shown to users).
_UNKNOWABLE = {
    "lookup": "`lookup` reads the cluster at install time",
    "now": "`now` is the time of the render",
    "uuidv4": "`uuidv4` is random",
    "randAlphaNum": "`randAlphaNum` is random",
    "randAlpha": "`randAlpha` is random",
    "randNumeric": "`randNumeric` is random",
    "randAscii": "`randAscii` is random",
    "randBytes": "`randBytes` is random",
    "randInt": "`randInt` is random",
    "shuffle": "`shuffle` is random",
    "genCA": "`genCA` generates a random key",
    "genPrivateKey": "`genPrivateKey` generates a random key",
    "genSelfSignedCert": "`genSelfSignedCert` generates a random key",
    "genSignedCert": "`genSignedCert` generates a random key",
    "fail": "the template calls `fail`",
}


_FIELD_CAUSES = {
    ("Release", "Revision"): "`.Release.Revision` is known only when Helm runs",
    ("Release", "IsInstall"): "`.Release.IsInstall` depends on the operation",
    ("Release", "IsUpgrade"): "`.Release.IsUpgrade` depends on the operation",
    ("Files",): "file contents (`.Files`) are not read",
    ("Capabilities",): "the cluster's API versions (`.Capabilities`) are not known",
}


def _field_cause(chain: tuple[str, ...]) -> str:
    for n in (2, 1):
        cause = _FIELD_CAUSES.get(tuple(chain[:n]))
        if cause:
            return cause
    return f"`.{'.'.join(chain)}` is not known statically"


def unknown_cause(function: str) -> str:
    """Why a call to ``function`` gives an unknown value."""
    return _UNKNOWABLE.get(function, f"`{function}` is not evaluated statically")


def _walk(value: object, chain: tuple[str, ...]) -> object:
    for name in chain:
        if value is UNKNOWN:
            return UNKNOWN
        if isinstance(value, dict):
            value = value.get(name)
        elif value is None:
            return None
        else:
            return UNKNOWN
    return value
