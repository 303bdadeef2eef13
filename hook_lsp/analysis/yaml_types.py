"""How Helm's YAML library reads a plain scalar into an annotation's string value.

Helm decodes manifests with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 rules), which converts an int,
float or bool scalar to a string when the target field is a string (guide #weights,
`yaml.go:convertToJSONableObject`): ``010`` becomes "8", ``0x10`` "16", ``1e3`` "1000",
``true`` "true". Kubernetes itself rejects those values later, when the hook is built (#weights).
"""

from __future__ import annotations

import re

_BOOL = {
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
    "true", "True", "TRUE", "false", "False", "FALSE",
    "on", "On", "ON", "off", "Off", "OFF",
}
_TRUE = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|[1-9][0-9_]*(:[0-5]?[0-9])*|0)$")
_FLOAT = re.compile(r"^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?$|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")


def plain_scalar_type(text: str) -> str:
    """``str``, ``int``, ``float``, ``bool`` or ``null`` for a plain (unquoted) scalar."""
    if text in _NULL:
        return "null"
    if text in _BOOL:
        return "bool"
    if _INT.match(text):
        return "int"
    if _FLOAT.match(text):
        return "float"
    return "str"


def _int_value(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    t = text.lstrip("+-").replace("_", "")
    if t.startswith("0b"):
        return sign * int(t[2:], 2)
    if t.startswith("0x"):
        return sign * int(t[2:], 16)
    if ":" in t:  # base 60
        value = 0
        for part in t.split(":"):
            value = value * 60 + int(part)
        return sign * value
    if len(t) > 1 and t.startswith("0"):
        return sign * int(t, 8)
    return sign * int(t)


def helm_string(text: str, style: str | None) -> str:
    """The string Helm's decoder makes of a scalar with this text and YAML style."""
    if style is not None:
        return text
    kind = plain_scalar_type(text)
    if kind == "null":
        return ""
    if kind == "bool":
        return "true" if text in _TRUE else "false"
    if kind == "int":
        try:
            return str(_int_value(text))
        except ValueError:
            return text
    if kind == "float":
        try:
            value = float(text.replace("_", ""))
        except ValueError:
            return text
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return text


_ATOI = re.compile(r"^[+-]?[0-9]+$")
_INT64 = (-(1 << 63), (1 << 63) - 1)


def go_atoi(value: str) -> int | None:
    """Go's ``strconv.Atoi`` on a 64-bit platform: the int, or None where it returns an error.

    No trimming: ``" 5"`` fails. Sign and leading zeros are accepted.
    """
    if not _ATOI.match(value):
        return None
    n = int(value)
    if n < _INT64[0] or n > _INT64[1]:
        return None
    return n
