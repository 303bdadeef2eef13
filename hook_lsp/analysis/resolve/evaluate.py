"""Static evaluation of a parsed template over known values, with an explicit "unknown".

`Evaluator.render(nodes, dot)` renders a template body the way Helm's engine would, but every
input that is not known statically (``.Release.Name``, ``lookup``, ``.Files``, functions not
modelled here) is `UNKNOWN`; text made from an unknown value carries the `MARK` character so
callers can tell a resolved value from a guessed one. ``if``/``with`` on an unknown condition
render the first branch and report that the output is conditional. Nothing is executed: the
functions below are pure re-implementations of the Sprig/Helm functions charts use around
annotations (``include``, ``tpl``, ``dict``, ``toYaml``, ``nindent``, ``default``, ``ternary``...).
A step budget and a nesting limit keep pathological helpers cheap.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

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
from .values import load_yaml

#: Stands in for text that comes from an unknown value (a private-use character YAML accepts).
MARK = "\ue000"


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __str__(self) -> str:
        return MARK


UNKNOWN = _Unknown()


class Budget(Exception):
    """The step budget or nesting limit ran out: the result is unknown."""


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def unknown(v: object) -> bool:
    return v is UNKNOWN or (isinstance(v, str) and MARK in v)


def truth(v: object) -> object:
    """Go template truth: false, 0, nil and empty values are false; UNKNOWN stays unknown."""
    if unknown(v):
        return UNKNOWN
    if v is None or v is False:
        return False
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v != 0
    if isinstance(v, (str, list, dict, tuple)):
        return len(v) > 0
    return True


def to_text(v: object) -> str:
    """How ``{{ v }}`` prints (Go's fmt; Helm turns ``<no value>`` into an empty string)."""
    if v is None:
        return ""
    if v is UNKNOWN:
        return MARK
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e21 else repr(v)
    if isinstance(v, list):
        return "[" + " ".join(to_text(x) for x in v) + "]"
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{to_text(v[k])}" for k in sorted(v)) + "]"
    return str(v)


_PLAIN_UNSAFE = re.compile(r"^[\s\-?:,\[\]{}#&*!|>'\"%@`]|[:#]\s|\s$|^$|[\n\t]")
_YAML11_SPECIAL = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|"
    r"null|Null|NULL|~|[-+]?(?:\d[\d_]*)?\.?\d+(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$"
)


def _yaml_scalar(v: object) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return to_text(v)
    s = to_text(v)
    if _PLAIN_UNSAFE.search(s) or _YAML11_SPECIAL.match(s):
        return json.dumps(s, ensure_ascii=False)
    return s


def to_yaml(v: object, indent: int = 0) -> str:
    """``toYaml``: sorted keys, two-space indent, sequences not indented under their key
    (sigs.k8s.io/yaml's style), no trailing newline (Helm trims it)."""
    return "\n".join(_yaml_lines(v, indent))


def _yaml_lines(v: object, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(v, dict):
        if not v:
            return [pad + "{}"]
        out = []
        for k in sorted(v, key=str):
            val = v[k]
            key = _yaml_scalar(str(k))
            if isinstance(val, dict) and val:
                out.append(f"{pad}{key}:")
                out += _yaml_lines(val, indent + 2)
            elif isinstance(val, list) and val:
                out.append(f"{pad}{key}:")
                out += _yaml_lines(val, indent)
            else:
                out.append(f"{pad}{key}: {_inline(val)}")
        return out
    if isinstance(v, list):
        if not v:
            return [pad + "[]"]
        out = []
        for item in v:
            sub = _yaml_lines(item, indent + 2)
            if isinstance(item, (dict, list)) and item:
                out.append(pad + "- " + sub[0][indent + 2 :])
                out += sub[1:]
            else:
                out.append(f"{pad}- {_inline(item)}")
        return out
    return [pad + _inline(v)]


def _inline(v: object) -> str:
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, list):
        return "[]"
    if isinstance(v, str) and "\n" in v and MARK not in v:
        return json.dumps(v, ensure_ascii=False)
    return _yaml_scalar(v)


def _indent(n: object, s: object) -> object:
    if not isinstance(n, int) or unknown(n):
        return UNKNOWN
    pad = " " * n
    return pad + to_text(s).replace("\n", "\n" + pad)


def _go_quote(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


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

    def __init__(self) -> None:
        self.parts: list[str] = []

    def text(self, node: Text, conditional: bool) -> None:
        self.parts.append(node.text)

    def output(self, action, value: str, define: Define | None, conditional: bool) -> None:
        self.parts.append(value)

    def getvalue(self) -> str:
        return "".join(self.parts)


class Evaluator:
    """Renders templates over known values; `defines` are every helper visible to the chart."""

    MAX_DEPTH = 40
    MAX_STEPS = 200_000

    def __init__(self, defines: dict[str, Define], explore: bool = False) -> None:
        self.defines = defines
        self.steps = 0
        self.depth = 0
        self.cond_depth = 0
        #: Render the first branch of a known-false top-level ``if`` without an ``else``.
        self.explore = explore
        #: The define behind the top-level action being evaluated (for related information).
        self.current_define: Define | None = None

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

    def _nodes(self, nodes: list, dot: object, scope: Scope, w: Writer) -> None:
        for node in nodes:
            self._step()
            if isinstance(node, Text):
                w.text(node, self.cond_depth > 0)
            elif isinstance(node, Output):
                if self.depth == 0:
                    self.current_define = None
                value = self.pipeline(node.pipe, dot, scope)
                if not node.pipe.decl:
                    w.output(node.action, to_text(value), self.current_define, self.cond_depth > 0)
            elif isinstance(node, Call):
                if self.depth == 0:
                    self.current_define = None
                arg = self.pipeline(node.pipe, dot, scope) if node.pipe else None
                w.output(node.action, to_text(self.include(node.name, arg)), self.current_define, self.cond_depth > 0)
            elif isinstance(node, If):
                self._if(node, dot, scope, w)
            elif isinstance(node, Range):
                self._range(node, dot, scope, w)
            elif isinstance(node, Control):
                raise _Break() if node.keyword == "break" else _Continue()
            elif isinstance(node, Unparsed):
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
        self.defines = {**saved, **parsed.defines}
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
        self._step()
        head = cmd[0]
        if head.kind == "ident":
            args = [self.operand(op, dot, scope) for op in cmd[1:]]
            if piped is not _NO_ARG:
                args.append(piped)
            return self.call(head.value, args, dot, scope, cmd[1:])
        if len(cmd) > 1 or piped is not _NO_ARG:
            return UNKNOWN  # a method call with arguments: not modelled
        return self.operand(head, dot, scope)

    def operand(self, op: Operand, dot: object, scope: Scope) -> object:
        k = op.kind
        if k in ("string", "number", "bool"):
            return op.value
        if k == "nil":
            return None
        if k == "dot":
            return dot
        if k == "field":
            return _walk(dot, op.chain)
        if k == "var":
            return _walk(scope.get(op.value), op.chain)
        if k == "pipe":
            return _walk(self.pipeline(op.value, dot, scope), op.chain)
        if k == "ident":
            return self.call(op.value, [], dot, scope, [])
        return UNKNOWN

    # -- functions -------------------------------------------------------------------------

    def call(self, name: str, args: list, dot: object, scope: Scope, ops: list[Operand]) -> object:
        if name == "include":
            if not args:
                return UNKNOWN
            return self.include(args[0], args[1] if len(args) > 1 else None)
        if name == "tpl":
            return self.tpl(args[0], args[1]) if len(args) == 2 else UNKNOWN
        fn = FUNCTIONS.get(name)
        if fn is None:
            return UNKNOWN
        try:
            return fn(*args)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError, RecursionError):
            return UNKNOWN


_NO_ARG = object()


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


# -- function table ----------------------------------------------------------------------------


def _strict(fn: Callable) -> Callable:
    """A function whose result is unknown when any argument is."""

    def wrapper(*args):
        if any(unknown(a) for a in args):
            return UNKNOWN
        return fn(*args)

    return wrapper


def _dict(*args):
    out = {}
    for i in range(0, len(args) - 1, 2):
        out[to_text(args[i])] = args[i + 1]
    if len(args) % 2:
        out[to_text(args[-1])] = ""
    return out


def _default(*args):
    if len(args) == 1:
        return args[0]
    d, given = args[0], args[-1]
    t = truth(given)
    if t is UNKNOWN:
        return UNKNOWN
    return given if t else d


def _ternary(a, b, cond):
    t = truth(cond)
    if t is UNKNOWN:
        return UNKNOWN
    return a if t else b


def _empty(v):
    t = truth(v)
    return UNKNOWN if t is UNKNOWN else not t


def _and(*args):
    for a in args:
        t = truth(a)
        if t is UNKNOWN:
            return UNKNOWN
        if not t:
            return a
    return args[-1] if args else UNKNOWN


def _or(*args):
    seen_unknown = False
    for a in args:
        t = truth(a)
        if t is UNKNOWN:
            seen_unknown = True
            continue
        if t:
            return UNKNOWN if seen_unknown else a
    return UNKNOWN if seen_unknown else (args[-1] if args else None)


def _not(v):
    t = truth(v)
    return UNKNOWN if t is UNKNOWN else not t


def _coalesce(*args):
    for a in args:
        t = truth(a)
        if t is UNKNOWN:
            return UNKNOWN
        if t:
            return a
    return None


def _merge(dst, *srcs):
    """Sprig ``merge``: fills missing keys of ``dst`` from each source (dst wins), in place."""
    if not isinstance(dst, dict):
        return UNKNOWN
    for src in srcs:
        if isinstance(src, dict):
            _merge_into(dst, src, overwrite=False)
    return dst


def _merge_overwrite(dst, *srcs):
    if not isinstance(dst, dict):
        return UNKNOWN
    for src in srcs:
        if isinstance(src, dict):
            _merge_into(dst, src, overwrite=True)
    return dst


def _merge_into(dst: dict, src: dict, overwrite: bool) -> None:
    for k, v in src.items():
        if k in dst and isinstance(dst[k], dict) and isinstance(v, dict):
            _merge_into(dst[k], v, overwrite)
        elif k not in dst or overwrite:
            dst[k] = _copy(v)


def _copy(v):
    if isinstance(v, dict):
        return {k: _copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_copy(x) for x in v]
    return v


def _kind(v) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "map"
    if isinstance(v, list):
        return "slice"
    if v is None:
        return "invalid"
    return "unknown"


def _type_of(v) -> str:
    k = _kind(v)
    return {"map": "map[string]interface {}", "slice": "[]interface {}", "invalid": "<nil>"}.get(k, k)


def _eq(a, *bs):
    if unknown(a) or any(unknown(b) for b in bs):
        return UNKNOWN
    return any(a == b for b in bs)


def _printf(fmt, *args):
    if unknown(fmt):
        return UNKNOWN
    out, i, n = [], 0, 0
    while i < len(fmt):
        c = fmt[i]
        if c == "%" and i + 1 < len(fmt):
            j = i + 1
            while j < len(fmt) and fmt[j] in "+-# 0123456789.":
                j += 1
            verb = fmt[j] if j < len(fmt) else ""
            if verb == "%":
                out.append("%")
            elif n < len(args):
                a = args[n]
                n += 1
                if verb == "q":
                    out.append(_go_quote(to_text(a)))
                elif verb == "d" and isinstance(a, (int, float)) and not unknown(a):
                    out.append(str(int(a)))
                else:
                    out.append(to_text(a))
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


_FROM_YAML_CACHE: dict[str, object] = {}


def _from_yaml(s):
    if not isinstance(s, str):
        return UNKNOWN
    # Helpers such as bitnami's `common.tplvalues.merge` parse the same small documents on
    # every render: keep the parsed data (copied out, since `merge`/`set` mutate maps).
    if s not in _FROM_YAML_CACHE:
        if len(_FROM_YAML_CACHE) > 2048:
            _FROM_YAML_CACHE.clear()
        data = load_yaml(s)
        _FROM_YAML_CACHE[s] = UNKNOWN if data is None and s.strip() else (data if isinstance(data, dict) else {})
    return _copy(_FROM_YAML_CACHE[s])


def _to_json(v):
    if unknown(v):
        return UNKNOWN
    try:
        return json.dumps(v, separators=(",", ":"), sort_keys=True, default=lambda o: MARK)
    except (TypeError, ValueError):
        return UNKNOWN


def _contains(sub, s):
    if unknown(sub):
        return UNKNOWN
    if unknown(s):
        # Known text around unknown parts may still decide it.
        return True if isinstance(s, str) and sub in s.replace(MARK, "") else UNKNOWN
    return to_text(sub) in to_text(s)


def _to_int(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float)):
        return int(v)
    if isinstance(v, str):
        try:
            return int(float(v.strip()))
        except ValueError:
            return 0
    return 0


def _index(v, *keys):
    for k in keys:
        if isinstance(v, dict):
            v = v.get(to_text(k))
        elif isinstance(v, list) and isinstance(k, int):
            v = v[k]
        elif v is None:
            return None
        else:
            return UNKNOWN
    return v


def _set(d, k, v):
    if isinstance(d, dict) and not unknown(k):
        d[to_text(k)] = v
        return d
    return UNKNOWN


def _unset(d, k):
    if isinstance(d, dict):
        d.pop(to_text(k), None)
        return d
    return UNKNOWN


def _has_key(d, k):
    if not isinstance(d, dict) or unknown(k):
        return UNKNOWN
    return to_text(k) in d


def _trunc(n, s):
    s = to_text(s)
    return s[:n] if n >= 0 else s[n:]


FUNCTIONS: dict[str, Callable] = {
    "dict": _dict,
    "list": lambda *a: list(a),
    "tuple": lambda *a: list(a),
    "get": lambda d, k: d.get(to_text(k), "") if isinstance(d, dict) else UNKNOWN,
    "set": _set,
    "unset": _unset,
    "hasKey": _has_key,
    "keys": lambda *ds: sorted(k for d in ds if isinstance(d, dict) for k in d),
    "merge": _merge,
    "mergeOverwrite": _merge_overwrite,
    "deepCopy": _copy,
    "index": _index,
    "default": _default,
    "empty": _empty,
    "coalesce": _coalesce,
    "ternary": _ternary,
    "and": _and,
    "or": _or,
    "not": _not,
    "eq": _eq,
    "ne": lambda a, b: UNKNOWN if unknown(a) or unknown(b) else a != b,
    "lt": _strict(lambda a, b: a < b),
    "le": _strict(lambda a, b: a <= b),
    "gt": _strict(lambda a, b: a > b),
    "ge": _strict(lambda a, b: a >= b),
    "quote": lambda *a: " ".join(_go_quote(to_text(x)) for x in a if x is not None),
    "squote": lambda *a: " ".join(f"'{to_text(x)}'" for x in a if x is not None),
    "toString": to_text,
    "toYaml": lambda v: to_yaml(v),
    "toYamlPretty": lambda v: to_yaml(v),
    "fromYaml": _from_yaml,
    "toJson": _to_json,
    "toRawJson": _to_json,
    "fromJson": _strict(lambda s: json.loads(s)),
    "nindent": lambda n, s: "\n" + to_text(_indent(n, s)),
    "indent": _indent,
    "trim": lambda s: to_text(s).strip(),
    "trimSuffix": lambda suf, s: to_text(s)[: -len(suf)] if suf and to_text(s).endswith(suf) else to_text(s),
    "trimPrefix": lambda pre, s: to_text(s)[len(pre):] if pre and to_text(s).startswith(pre) else to_text(s),
    "trimAll": lambda cut, s: to_text(s).strip(cut),
    "trunc": _trunc,
    "lower": lambda s: to_text(s).lower(),
    "upper": lambda s: to_text(s).upper(),
    "title": lambda s: to_text(s).title(),
    "replace": lambda old, new, s: to_text(s).replace(old, new),
    "printf": _printf,
    "print": lambda *a: "".join(to_text(x) for x in a),
    "println": lambda *a: " ".join(to_text(x) for x in a) + "\n",
    "cat": lambda *a: " ".join(to_text(x) for x in a if x is not None),
    "contains": _contains,
    "hasPrefix": _strict(lambda pre, s: to_text(s).startswith(pre)),
    "hasSuffix": _strict(lambda suf, s: to_text(s).endswith(suf)),
    "len": _strict(lambda v: len(v)),
    "typeIs": lambda t, v: UNKNOWN if v is UNKNOWN else _type_of(v) == t,
    "kindIs": lambda k, v: UNKNOWN if v is UNKNOWN else _kind(v) == k,
    "typeOf": lambda v: UNKNOWN if v is UNKNOWN else _type_of(v),
    "kindOf": lambda v: UNKNOWN if v is UNKNOWN else _kind(v),
    "required": lambda msg, v: v,
    "int": _strict(_to_int),
    "int64": _strict(_to_int),
    "atoi": _strict(_to_int),
    "float64": _strict(lambda v: float(v)),
    "join": lambda sep, v: to_text(sep).join(to_text(x) for x in v) if isinstance(v, list) else UNKNOWN,
    "splitList": _strict(lambda sep, s: to_text(s).split(sep)),
    "first": lambda v: (v[0] if v else None) if isinstance(v, list) else UNKNOWN,
    "last": lambda v: (v[-1] if v else None) if isinstance(v, list) else UNKNOWN,
    "append": lambda v, x: v + [x] if isinstance(v, list) else UNKNOWN,
    "concat": lambda *ls: [x for v in ls if isinstance(v, list) for x in v],
    "uniq": lambda v: list(dict.fromkeys(v)) if isinstance(v, list) else UNKNOWN,
    "toStrings": lambda v: [to_text(x) for x in v] if isinstance(v, list) else UNKNOWN,
    "nospace": lambda s: "".join(to_text(s).split()),
}
