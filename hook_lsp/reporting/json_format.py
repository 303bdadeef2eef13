"""JSON output: an array of finding objects (1-based ``line``/``column``/``endLine``/``endColumn``)."""

from __future__ import annotations

import json

from .findings import Finding


def render(findings: list[Finding], files: int) -> str:
    return json.dumps([f.as_json() for f in findings], indent=2) + "\n"
