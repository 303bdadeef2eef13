"""``--set`` expressions as data, the way ``helm --set`` reads them (strvals), for the static
view in render mode: ``a.b=1,c=x`` (comma-separated), ``list={a,b}``, ``a[0]=x``, ``\\,`` and
``\\.`` escapes; ``true``/``false``/``null`` and integers are typed, anything else is a string.
Helm's engine gets the raw expressions; this only has to agree with it on ordinary input.
"""

from __future__ import annotations

import re

_INDEX = re.compile(r"^(.*)\[(\d+)\]$")


def _split(text: str, sep: str) -> list[str]:
    parts, cur, depth, i = [], [], 0, 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            cur.append(text[i : i + 2])
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(depth - 1, 0)
        if c == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


def _typed(raw: str) -> object:
    if raw.startswith("{") and raw.endswith("}"):
        return [_typed(x) for x in _split(raw[1:-1], ",") if x != ""]
    if raw == "true":
        return True
    if raw == "false":
        return False
    if raw == "null":
        return None
    if re.fullmatch(r"-?(0|[1-9][0-9]*)", raw):
        return int(raw)
    return _unescape(raw)


def parse_set(expr: str) -> dict:
    """One ``--set`` argument as nested data."""
    out: dict = {}
    for item in _split(expr, ","):
        if not item:
            continue
        key, eq, raw = item.partition("=")
        if not eq:
            continue
        path = [_unescape(p) for p in _split(key, ".")]
        _assign(out, path, _typed(raw))
    return out


def _assign(target: dict, path: list[str], value: object) -> None:
    node: object = target
    for i, part in enumerate(path):
        last = i == len(path) - 1
        m = _INDEX.match(part)
        name, index = (m.group(1), int(m.group(2))) if m else (part, None)
        if index is None:
            if last:
                node[name] = value
            else:
                if not isinstance(node.get(name), dict):
                    node[name] = {}
                node = node[name]
            continue
        lst = node.get(name)
        if not isinstance(lst, list):
            lst = node[name] = []
        while len(lst) <= min(index, 10_000):
            lst.append(None)
        if last:
            lst[index] = value
        else:
            if not isinstance(lst[index], dict):
                lst[index] = {}
            node = lst[index]
