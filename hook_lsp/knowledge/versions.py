"""Helm versions as the product accepts them, and the one place that compares them.

A version is a major ("3", "4") or a major.minor ("3.17", "4.1"); a leading ``v`` and a patch
number are accepted and dropped ("v3.18.2" is "3.18"). The string stays the carrier everywhere
(settings, project file, `--helm-version`); texts and rules ask this module, never compare
strings themselves. A bare major stands for the newest release of that major the facts were read
from (`NEWEST`), so `at_least("3", "3.18")` is true, while texts still say "since 3.18" for it
(`minor_known`).
"""

from __future__ import annotations

import re

#: Majors hook-lsp knows.
MAJORS = ("3", "4")
#: The newest minor of each major whose source the facts were read from (v3.21.4, v4.2.4).
NEWEST = {"3": (3, 21), "4": (4, 2)}

_VERSION = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.\d+)?$")


def parse(value: object) -> tuple[int, int | None]:
    """``(major, minor)``; minor is None for a bare major. Raises ValueError when not a version
    of a known major."""
    text = str(value).strip()
    m = _VERSION.match(text)
    if m is None or m.group(1) not in MAJORS:
        raise ValueError(f"not a Helm 3 or 4 version: {value!r} (use 3, 4, or a minor such as 3.18 or 4.1)")
    return int(m.group(1)), (int(m.group(2)) if m.group(2) is not None else None)


def normalise(value: object) -> str:
    """The canonical string: "3", "4", "3.18" (patch and ``v`` dropped)."""
    major, minor = parse(value)
    return str(major) if minor is None else f"{major}.{minor}"


def major(version: str) -> str:
    return str(parse(version)[0])


def is_helm3(version: str) -> bool:
    return major(version) == "3"


def minor_known(version: str) -> bool:
    """True when a minor version was given ("3.17"), so "since" notes are not needed."""
    return parse(version)[1] is not None


def _effective(version: str) -> tuple[int, int]:
    m, minor = parse(version)
    return (m, minor) if minor is not None else NEWEST[str(m)]


def at_least(version: str, since: str) -> bool:
    """Whether ``version`` (a bare major meaning its newest minor) is ``since`` or later."""
    return _effective(version) >= _effective(since)
