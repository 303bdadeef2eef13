"""The value model of static evaluation: `UNKNOWN`, the `MARK` it leaves in text, and Go's truth.

A value the evaluator cannot know statically (``.Release.Name``, ``lookup``, ``.Files``, a function
not modelled) is `UNKNOWN`; printed, it becomes the `MARK` character, so any text built from it
says so. `truth` and `to_text` are Go's template truth and ``{{ v }}`` printing over that model;
`Budget` is raised when a render's step budget or nesting limit runs out.
"""

from __future__ import annotations

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
    if type(v) is str:  # most calls
        return v
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

