"""Values shared read-only by every render of a chart's templates.

Values files are parsed once and their maps kept as `SharedDict`s: renders read them without
copying. Sprig's ``set``, ``unset`` and ``merge`` change maps in place; on a `SharedDict` they raise
`SharedValues` (`writable`), and the render starts again on a private copy, so a template that
changes values sees its changes and no other template does.
"""

from __future__ import annotations


class SharedDict(dict):
    """A map of a chart's values, shared by every render of the chart's templates: never
    changed in place. Renders read values without copying them; a template that changes them
    (`set`, `unset`, `merge`) makes its render start again on a private copy (`SharedValues`)."""

    __slots__ = ()


class SharedValues(Exception):
    """A render is about to change shared values in place."""


def writable(d: dict) -> None:
    if type(d) is SharedDict:
        raise SharedValues


def shared(v):
    """``v`` with every map made a `SharedDict` (a copy; lists and scalars as they are). A
    `SharedDict` is returned as it is: everything below it is shared already."""
    if type(v) is SharedDict:
        return v
    if isinstance(v, dict):
        return SharedDict((k, shared(x)) for k, x in v.items())
    if isinstance(v, list):
        return [shared(x) for x in v]
    return v
