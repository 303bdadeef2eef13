"""SARIF 2.1.0 output for code-scanning services (GitHub code scanning accepts it as uploaded).

One run, tool ``hook-lsp`` with every registered rule as a ``reportingDescriptor`` (id = code,
name, short description = summary, full help = the rule's documentation in Markdown, default
level, ``helpUri`` = the rule's entry in ``docs/rules.md``). Results carry 1-based line/column regions; columns count characters, which SARIF
declares with ``columnKind: unicodeCodePoints``. Paths are relative URIs against ``%SRCROOT%``.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from urllib.parse import quote

from .. import __version__
from ..analysis.rules.registry import REGISTRY
from ..knowledge.guide import GUIDE, base, rule_url
from .findings import Finding

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}


def _rules(docs_base_url: str | None = None) -> list[dict]:
    out = []
    for code in sorted(REGISTRY):
        r = REGISTRY[code]
        out.append(
            {
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.summary},
                "helpUri": rule_url(r.code, r.name, docs_base_url),
                "help": {"text": r.doc, "markdown": _absolute_links(r.doc, docs_base_url)},
                "defaultConfiguration": {"level": _LEVEL[r.severity]},
                "properties": {"tags": ["helm", "hooks"], "fix": r.fix},
            }
        )
    return out


def _absolute_links(markdown: str, docs_base_url: str | None) -> str:
    """Rule docs link the guide relatively (``helm-hooks.md#order``, as in docs/rules.md); a
    SARIF viewer has no such folder, so point them at the published docs."""
    return markdown.replace(f"]({GUIDE}#", f"]({base(docs_base_url)}{GUIDE}#")


def _uri(path: str) -> str:
    return quote(PurePath(path).as_posix())


def render(findings: list[Finding], files: int, docs_base_url: str | None = None) -> str:
    rules = _rules(docs_base_url)
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    notifications = []
    for f in findings:
        region = {
            "startLine": f.line,
            "startColumn": f.column,
            "endLine": f.end_line,
            "endColumn": max(f.end_column, f.column) if f.end_line == f.line else f.end_column,
        }
        location = {"physicalLocation": {"artifactLocation": {"uri": _uri(f.file), "uriBaseId": "%SRCROOT%"}, "region": region}}
        if not f.code:
            # A file that was not analysed: a tool notification, not a finding.
            notifications.append({"level": "note", "message": {"text": f"{f.file}: {f.message}"}, "locations": [location]})
            continue
        results.append(
            {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": _LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [location],
            }
        )
    run = {
        "tool": {
            "driver": {
                "name": "hook-lsp",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the directory hook-lsp was run in"}}},
        "results": results,
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"
