"""``hook-lsp doctor``: this interpreter, and which optional parts of the analysis are active.

Rendered from `analysis.parts`; text for people, JSON for scripts (CI asserts on it).
"""

from __future__ import annotations

import json
import platform
import sys

from .. import __version__
from ..analysis.parts import Part, warning
from ..analysis.rules.registry import REGISTRY


def _runtime() -> dict:
    return {
        "hookLsp": __version__,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": f"{sys.platform}-{platform.machine().lower()}",
        "executable": sys.executable,
    }


def as_json(parts: tuple[Part, ...]) -> str:
    lost = sorted({c for p in parts if not p.active for c in p.rules})
    data = {
        **_runtime(),
        "parts": [
            {"name": p.key, "title": p.title, "active": p.active, "version": p.version, "detail": p.detail, "rules": list(p.rules)}
            for p in parts
        ],
        "rulesActive": sorted(set(REGISTRY) - set(lost)),
        "rulesLost": lost,
    }
    return json.dumps(data, indent=2) + "\n"


def text(parts: tuple[Part, ...]) -> str:
    rt = _runtime()
    lines = [f"hook-lsp {rt['hookLsp']} on {rt['implementation']} {rt['python']} ({rt['platform']}), {rt['executable']}"]
    width = max(len(p.title) for p in parts)
    for p in parts:
        state = "active " if p.active else "MISSING"
        lines.append(f"  {state}  {p.title.ljust(width)}  {p.version if p.active else p.detail}")
    lost = sorted({c for p in parts if not p.active for c in p.rules})
    lines.append(f"rules: {len(REGISTRY) - len(lost)} of {len(REGISTRY)} can run")
    for p in parts:
        if not p.active and p.rules:
            lines.append(warning(p))
    return "\n".join(lines) + "\n"
