"""`Finding`: a violation with 1-based line/column positions, as the CLI reports it."""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis.project import FileResult
from ..analysis.rules.registry import REGISTRY


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    severity: str
    code: str
    name: str
    message: str
    fixable: bool

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "endLine": self.end_line,
            "endColumn": self.end_column,
            "severity": self.severity,
            "code": self.code,
            "rule": self.name,
            "message": self.message,
            "fixable": self.fixable,
        }


    @classmethod
    def from_json(cls, file: str, data: dict) -> "Finding":
        """The inverse of `as_json`, shown under ``file``."""
        return cls(
            file, data["line"], data["column"], data["endLine"], data["endColumn"], data["severity"],
            data["code"], data["rule"], data["message"], data["fixable"],
        )


def findings_of(result: FileResult, display_path: str) -> list[Finding]:
    """1-based positions; columns count characters (code points)."""
    index = result.analysis.index
    out = []
    if result.error:
        out.append(Finding(display_path, 1, 1, 1, 1, "error", "", "", f"not fully analysed: {result.error}", False))
    elif result.skipped:
        out.append(Finding(display_path, 1, 1, 1, 1, "information", "", "", result.skipped, False))
    for v in result.violations:
        sl, sc = index.position(v.span.start)
        el, ec = index.position(v.span.end)
        out.append(
            Finding(display_path, sl + 1, sc + 1, el + 1, ec + 1, v.severity, v.code, REGISTRY[v.code].name, v.message, bool(v.fixes))
        )
    return out
