"""``toYaml`` output: Go values printed the way sigs.k8s.io/yaml (and so Helm) prints them.

Sorted keys, two-space indent, sequences not indented under their key, YAML 1.1 specials and
unsafe plain scalars quoted. Text from an unknown value keeps its `MARK`.
"""

from __future__ import annotations

import json
import re

from .unknown import MARK, to_text

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
