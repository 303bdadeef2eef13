"""The hook annotation value under the cursor: the list token or the weight being typed.

Shared by completion (what to offer) and hover (what to explain when the YAML does not parse).
``helm.sh/hook``, ``helm.sh/hook-delete-policy`` and ``helm.sh/hook-output-log-policy`` are
comma-separated lists Helm splits and trims; the weight is
one value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...knowledge import annotations as A
from ..hook_model import Resource, TemplateAnalysis
from ..source import Span
from .lines import closing_quote

#: Keys whose value is a comma-separated list Helm splits (#parsing#delete-policies, #output-logs).
LIST_KEYS = (A.HOOK, A.DELETE_POLICY, A.OUTPUT_LOG_POLICY)
VALUE_KEYS = LIST_KEYS + (A.WEIGHT,)


@dataclass(frozen=True)
class ValueContext:
    """Typing the value of a hook annotation (a list token or the weight)."""

    key: str
    prefix: str
    #: The token under the cursor (list keys) or the text inside the quotes / the value (weight).
    span: Span
    #: The other tokens of the value, as Helm compares them (lower-cased, trimmed).
    present: tuple[str, ...]
    #: The value's quote character, or "" for a plain scalar.
    quote: str
    #: The cursor sits right after the ``:``: an inserted value needs a space first.
    space_before: bool
    resource: Resource | None = field(repr=False, compare=False)


def block_value(
    analysis: TemplateAnalysis,
    key: str,
    masked: str,
    source: str,
    line_start: int,
    col: int,
    colon: int,
    resource: Resource | None,
) -> ValueContext | None:
    if key not in VALUE_KEYS:
        return None
    n = len(masked)
    v0 = colon + 1
    while v0 < n and masked[v0] in " \t":
        v0 += 1
    space_before = col == colon + 1 and v0 == colon + 1
    if v0 < n and masked[v0] in "\"'":
        quote = masked[v0]
        if col <= v0:
            return None
        cstart = v0 + 1
        close = closing_quote(masked, cstart, quote)
        cend = close if close is not None else len(masked.rstrip())
        if col > cend:
            return None
    elif v0 < n and masked[v0] in "|>{[&*!%@`#":
        return None
    else:
        quote = ""
        cstart = v0
        comment = masked.find(" #", v0 - 1) if v0 > 0 else -1
        cend = comment if comment != -1 else len(masked.rstrip())
        cend = max(cend, cstart)
        if col > cend:
            if masked[cend:col].strip():
                return None
            if masked[cstart:cend].endswith(","):
                cend = col  # `pre-install, |`: spaces around commas are trimmed (#parsing)
            elif cend > cstart:
                return None  # after a complete plain value: a space is not a separator
            else:
                cstart = cend = col
    return value_context(
        key, source, line_start, cstart, cend, col, quote, space_before, resource, key != A.WEIGHT, analysis.masked
    )


def value_context(
    key: str,
    source: str,
    base: int,
    cstart: int,
    cend: int,
    col: int,
    quote: str,
    space_before: bool,
    resource: Resource | None,
    split: bool,
    masked,
) -> ValueContext:
    """The token under ``col`` of the value ``source[cstart:cend]``; spans are ``base`` + column.

    ``split`` is False for the weight and for plain scalars in flow maps (where a comma ends the
    scalar). Parts produced by template actions are not reported as present.
    """
    if not split:
        return ValueContext(key, source[cstart:col], Span(base + cstart, base + cend), (), quote, space_before, resource)
    present: list[str] = []
    token: Span | None = None
    prefix = ""
    pos = cstart
    for part in source[cstart:cend].split(","):
        p_start, p_end = pos, pos + len(part)
        pos = p_end + 1
        if token is None and p_start <= col <= p_end:
            ts = p_start + len(part) - len(part.lstrip())
            te = p_start + len(part.rstrip())
            start = min(ts, col)
            token = Span(base + start, base + max(te, col))
            prefix = source[start:col]
            continue
        if part.strip() and not masked.is_templated(Span(base + p_start, base + p_end)):
            present.append(part.strip().lower())
    if token is None:
        token = Span(base + col, base + col)
    return ValueContext(key, prefix, token, tuple(present), quote, space_before, resource)
