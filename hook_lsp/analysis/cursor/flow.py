"""Flow-map scanning for the cursor: ``annotations: {"helm.sh/hook": "pre-install,post-install"}``.

A flow map may span lines and hold quoted scalars with commas and braces, so it is scanned
character by character on the masked text (template actions are filler there). This module
owns finding the ``{`` that encloses the cursor and splitting the map into items (key, colon,
value columns); `contexts` decides what completion offers in them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..source import LineIndex
from .lines import closing_quote


@dataclass
class FlowItem:
    """One ``key: value`` item of a flow map: offsets into the masked text, -1 where not typed yet."""

    start: int
    key_start: int = -1
    key_end: int = -1
    key: str = ""
    quote: str = ""
    colon: int = -1
    value_start: int = -1
    value_end: int = -1
    value_quote: str = ""


def quote_closed(masked: str, item: FlowItem) -> bool:
    """True when the item's quoted value has its closing quote."""
    return item.value_end - item.value_start >= 2 and masked[item.value_end - 1] == item.value_quote


def open_brace(masked: str, offset: int, limit: int) -> int | None:
    """The ``{`` of the innermost flow map enclosing ``offset`` (quotes are ignored here and
    checked by `scan_flow`)."""
    depth = 0
    i = offset
    while True:
        opening = masked.rfind("{", limit, i)
        if opening == -1:
            return None
        closing = masked.rfind("}", opening, i)
        if closing != -1:
            depth += 1
            i = closing
            continue
        if depth == 0:
            return opening
        depth -= 1
        i = opening


def scan_flow(masked: str, brace: int, index: LineIndex, offset: int) -> list[FlowItem] | None:
    """Items of the flow map opened at ``brace``; None when ``offset`` is not directly inside it."""
    n = len(masked)
    items: list[FlowItem] = [FlowItem(brace + 1)]
    i = brace + 1
    depth = 1
    inside_at_offset = False
    limit = min(n, brace + 20000)
    while i < limit:
        if i == offset:
            inside_at_offset = depth == 1
        c = masked[i]
        item = items[-1]
        if depth == 1 and c in "\"'":
            close = closing_quote(masked, i + 1, c)
            end = (close + 1) if close is not None else index.line_end(index.position(i)[0])
            if item.colon == -1 and item.key_start == -1:
                item.key_start, item.key_end, item.key, item.quote = i, end, masked[i + 1 : (close if close is not None else end)], c
            elif item.colon != -1 and item.value_start == -1:
                item.value_start, item.value_end, item.value_quote = i, end, c
            if offset > i and offset <= end and close is None:
                inside_at_offset = True
                i = end
                break
            if i < offset < end:
                inside_at_offset = True
            i = end
            continue
        if c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
            if depth == 0:
                if offset == i:
                    inside_at_offset = True
                break
        elif depth == 1 and c == ",":
            items.append(FlowItem(i + 1))
        elif depth == 1 and c == ":" and item.colon == -1 and (
            i + 1 >= n or masked[i + 1] in " \t\r\n,}" or item.quote
        ):
            item.colon = i
        elif depth == 1 and not c.isspace():
            if item.colon == -1 and item.key_start == -1:
                item.key_start = i
            if item.colon == -1 and not item.quote:
                item.key_end = i + 1
                item.key = masked[item.key_start : i + 1]
            elif item.colon != -1 and not item.value_quote:
                if item.value_start == -1:
                    item.value_start = i
                item.value_end = i + 1
        i += 1
    if i == offset and depth == 1:
        inside_at_offset = True
    return items if inside_at_offset else None
