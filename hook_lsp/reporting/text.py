"""Compiler-style text output: ``path:line:col: severity CODE message``."""

from __future__ import annotations

from .findings import Finding


def render(findings: list[Finding], files: int) -> str:
    lines = [f"{f.file}:{f.line}:{f.column}: {f.severity} {f.code} {f.message}".replace("  ", " ") for f in findings]
    counts = {}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    summary = ", ".join(f"{n} {sev}{'s' if n != 1 and sev != 'information' else ''}" for sev, n in counts.items())
    lines.append(f"{files} file{'s' if files != 1 else ''} checked: {summary or 'no problems'}")
    return "\n".join(lines) + "\n"
