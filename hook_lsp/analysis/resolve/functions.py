"""The function library of static evaluation: pure re-implementations of Sprig/Helm functions.

`FUNCTIONS` maps a template function name (``dict``, ``quote``, ``default``, ``ternary``,
``toYaml``, ``nindent``, ``printf``...) to a Python function over evaluated arguments. Nothing is
executed: a function not listed here evaluates to `UNKNOWN`, and each function returns `UNKNOWN`
when an unknown argument could change its result. ``include`` and ``tpl`` need the chart's
helpers, so the evaluator (`evaluate.Evaluator.call`) handles them itself.
"""

from __future__ import annotations

import base64
import json
import math
import posixpath
import re
from collections.abc import Callable

from .shared import SharedDict, SharedValues, shared, writable  # noqa: F401  (re-exported)
from .unknown import MARK, UNKNOWN, to_text, truth, unknown
from .values import load_yaml
from .yaml_emit import to_yaml


def _indent(n: object, s: object) -> object:
    if not isinstance(n, int) or unknown(n):
        return UNKNOWN
    pad = " " * n
    return pad + to_text(s).replace("\n", "\n" + pad)


def _go_quote(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


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
    """Go's ``not``, and Sprig's ``empty`` too: both negate template truth."""
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
    return _merge_sources(dst, srcs, overwrite=False)


def _merge_overwrite(dst, *srcs):
    """Sprig ``mergeOverwrite``: as ``merge``, but each source wins over ``dst``."""
    return _merge_sources(dst, srcs, overwrite=True)


def _merge_sources(dst, srcs: tuple, overwrite: bool):
    if not isinstance(dst, dict):
        return UNKNOWN
    for src in srcs:
        if isinstance(src, dict):
            _merge_into(dst, src, overwrite)
    return dst


def _merge_into(dst: dict, src: dict, overwrite: bool) -> None:
    # Sprig v3.3.0 dict.go `merge`/`mergeOverwrite` call dario.cat/mergo v1.0.1 `Merge`/
    # `MergeWithOverwrite`; merge.go `deepMerge`, case reflect.Map: two maps merge key by key,
    # else `dst.SetMapIndex(key, srcElement)` when overwriting, when dst lacks the key, or when
    # its value `isEmptyValue` (mergo.go) — the source's own value, not a copy.
    writable(dst)
    for k, v in src.items():
        if k in dst and isinstance(dst[k], dict) and isinstance(v, dict):
            _merge_into(dst[k], v, overwrite)
        elif k not in dst or overwrite or _mergo_empty(dst[k]):
            # The source's own map or list, not a copy, as mergo sets it: a later `set` on it
            # changes the source too in Helm. Shared values stay safe: changing one in place
            # restarts the render on a private copy (`shared.writable`).
            dst[k] = v


def _mergo_empty(v) -> bool:
    """mergo's ``isEmptyValue`` (dario.cat/mergo v1.0.1 mergo.go): ``merge`` fills a key whose
    value is empty as if it were missing (nil, "", 0, false, an empty map or list; Helm's engine
    renders so). An unknown value is not known to be empty: the key keeps it, and stays unknown."""
    if v is None or v is False or v == "":
        return True
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v == 0
    return isinstance(v, (dict, list)) and not v


def deep_copy(v):
    """A copy of nested maps and lists (values are shared read-only data; templates may mutate
    what they are given, e.g. with `set` or `merge`)."""
    if isinstance(v, dict):
        return {k: deep_copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [deep_copy(x) for x in v]
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
    return deep_copy(_FROM_YAML_CACHE[s])


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
        writable(d)
        d[to_text(k)] = v
        return d
    return UNKNOWN


def _unset(d, k):
    if isinstance(d, dict):
        writable(d)
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


#: Functions whose result holds a serialised copy of their (possibly nested) arguments.
_SERIALISERS = frozenset(
    {"toYaml", "toYamlPretty", "toJson", "toRawJson", "toString", "toStrings", "join", "print", "println",
     "printf", "cat", "quote", "squote", "concat", "append", "uniq", "keys"}
)


#: Functions whose output `within_budget` sizes on their own terms (the rest: by their arguments).
SIZED = _SERIALISERS | {"indent", "nindent", "replace", "repeat"}


def value_size(v: object, limit: int) -> int:
    """Characters (or items) ``v`` holds, counted until ``limit`` is passed (aliased values
    count each time they appear, as their serialisation would)."""
    total = 0
    stack = [v]
    while stack and total <= limit:
        x = stack.pop()
        if isinstance(x, str):
            total += len(x)
        elif isinstance(x, dict):
            total += 1 + len(x)
            stack.extend(x.keys())
            stack.extend(x.values())
        elif isinstance(x, (list, tuple)):
            total += 1 + len(x)
            stack.extend(x)
        else:
            total += 8
    return total


def within_budget(name: str, args: list, limit: int) -> bool:
    """Whether ``name(*args)`` stays within ``limit`` characters, decided before running it
    (``indent 1000000000`` or a doubling ``printf`` would otherwise allocate gigabytes)."""
    if name in ("indent", "nindent") and len(args) == 2 and isinstance(args[0], int):
        text = args[1] if isinstance(args[1], str) else ""
        return args[0] * (text.count("\n") + 1) + len(text) <= limit
    if name == "replace" and len(args) == 3 and all(isinstance(a, str) for a in args):
        old, new, text = args
        count = text.count(old) if old else len(text) + 1
        return len(text) + count * len(new) <= limit
    if name == "repeat" and len(args) == 2 and isinstance(args[0], int):
        return args[0] * len(to_text(args[1])) <= limit
    if name in _SERIALISERS:
        total = 0
        for a in args:  # `value_size` of each, without its walk for a string or a number
            total += len(a) if isinstance(a, str) else value_size(a, limit) if isinstance(a, (dict, list, tuple)) else 8
        return total <= limit
    # The rest (`Evaluator.call` does this inline for names outside `SIZED`): what the function
    # returns grows at most with what it is given.
    total = 0
    for a in args:
        if isinstance(a, (str, list, dict)):
            total += len(a)
    return total <= limit


def _go_regex(pattern: object):
    """A Go RE2 pattern as a Python regex, or None when it uses syntax Python reads differently."""
    if not isinstance(pattern, str) or unknown(pattern):
        return None
    if "(?P<" in pattern or "\\z" in pattern or "[[:" in pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _go_expand(repl: str) -> str:
    """Go's ``$1``/``${name}`` in a replacement, as Python's ``\\g<...>``."""
    out = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: "\\g<" + (m.group(1) or m.group(2)) + ">", repl.replace("\\", "\\\\"))
    return out.replace("$$", "$")


def _regex_replace(pattern, s, repl, literal: bool = False):
    rx = _go_regex(pattern)
    if rx is None or unknown(s) or unknown(repl):
        return UNKNOWN
    text, r = to_text(s), to_text(repl)
    try:
        if literal:
            return rx.sub(lambda m: r, text)
        return rx.sub(_go_expand(r), text)
    except (re.error, IndexError):
        return UNKNOWN


def _regex_match(pattern, s):
    rx = _go_regex(pattern)
    if rx is None or unknown(s):
        return UNKNOWN
    return rx.search(to_text(s)) is not None


def _regex_find(pattern, s):
    rx = _go_regex(pattern)
    if rx is None or unknown(s):
        return UNKNOWN
    m = rx.search(to_text(s))
    return m.group(0) if m else ""


def _hash(algo: str):
    def fn(s):
        if unknown(s):
            return UNKNOWN
        import hashlib  # on first use: it loads OpenSSL, a few ms of every start otherwise

        return hashlib.new(algo, to_text(s).encode("utf-8")).hexdigest()

    return fn


def _num(fn: Callable) -> Callable:
    """Sprig arithmetic: arguments converted to int64."""

    def wrapper(*args):
        if any(unknown(a) for a in args):
            return UNKNOWN
        return fn(*[_to_int(a) for a in args])

    return wrapper


def _substr(start, end, s):
    if unknown(s) or unknown(start) or unknown(end):
        return UNKNOWN
    text = to_text(s)
    start, end = _to_int(start), _to_int(end)
    if start < 0:
        return text[:end] if end >= 0 else text
    if end < 0 or end > len(text):
        return text[start:]
    return text[start:end]


def _words(s: str) -> list[str]:
    return [w for w in re.split(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])", s) if w]


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
    "deepCopy": deep_copy,
    "index": _index,
    "default": _default,
    "empty": _not,
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
    # Helm's `required` fails the render on nil or an empty string: nothing to know then.
    "required": lambda msg, v: UNKNOWN if v is None or v == "" else v,
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
    "regexReplaceAll": _regex_replace,
    "regexReplaceAllLiteral": lambda p, s, r: _regex_replace(p, s, r, literal=True),
    "regexMatch": _regex_match,
    "regexFind": _regex_find,
    "sha256sum": _hash("sha256"),
    "sha1sum": _hash("sha1"),
    "b64enc": _strict(lambda s: base64.b64encode(to_text(s).encode("utf-8")).decode("ascii")),
    "add": _num(lambda *a: sum(a)),
    "add1": _num(lambda a: a + 1),
    "sub": _num(lambda a, b: a - b),
    "mul": _num(lambda *a: math.prod(a)),
    "max": _num(lambda *a: max(a)),
    "min": _num(lambda *a: min(a)),
    "substr": _substr,
    "repeat": _strict(lambda n, s: to_text(s) * max(_to_int(n), 0)),
    "kebabcase": _strict(lambda s: "-".join(w.lower() for w in _words(to_text(s)))),
    "snakecase": _strict(lambda s: "_".join(w.lower() for w in _words(to_text(s)))),
    "base": _strict(lambda s: posixpath.basename(to_text(s).rstrip("/")) or "/"),
    "has": lambda x, v: any(x == y for y in v) if isinstance(v, list) and not unknown(x) else UNKNOWN,
}
