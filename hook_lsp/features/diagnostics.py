"""Publishing diagnostics: violations to `types.Diagnostic`, fixes carried in `data`.

Each diagnostic links its rule's documentation (``codeDescription.href``, under
``hookLsp.docsBaseUrl``). `publish(ls, uri)` analyses the document's current text and publishes with its version. Chart
neighbours that are open are re-published too, because chart-wide rules (ordering, references)
see every template.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path

from .. import convert
from ..analysis.project import FileResult
from ..analysis.rules.registry import Violation
from ..analysis.source import LineIndex
from ..knowledge.guide import rule_url
from ..server import HookLanguageServer
from .documents import path_of, result_for

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}
TAGS = {"unnecessary": types.DiagnosticTag.Unnecessary, "deprecated": types.DiagnosticTag.Deprecated}
SOURCE = "hook-lsp"


def fix_data(index: LineIndex, violation: Violation, encoding: str) -> list[dict]:
    """The fixes of a violation as JSON, ranges already in the client's encoding."""
    return [
        {
            "title": fix.title,
            "safe": fix.safe,
            "edits": [
                {"range": _range_json(convert.range_(index, e.span, encoding)), "newText": e.new_text}
                for e in fix.edits
            ],
        }
        for fix in violation.fixes
    ]


def _range_json(r: types.Range) -> dict:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def to_diagnostic(
    result: FileResult, v: Violation, encoding: str, uri_of=None, docs_base_url: str | None = None
) -> types.Diagnostic:
    index = result.analysis.index
    related = None
    if v.related:
        related = []
        for rel in v.related:
            other = _index_for(result, rel.path)
            if other is None:
                continue
            related.append(
                types.DiagnosticRelatedInformation(
                    types.Location(uri_of(rel.path) if uri_of else rel.path, convert.range_(other, rel.span, encoding)),
                    rel.message,
                )
            )
    return types.Diagnostic(
        range=convert.range_(index, v.span, encoding),
        message=v.message,
        severity=SEVERITY[v.severity],
        code=v.code,
        code_description=types.CodeDescription(href=rule_url(v.code, v.rule.name, docs_base_url)),
        source=SOURCE,
        data={"fixes": fix_data(index, v, encoding)} if v.fixes else None,
        related_information=related or None,
        tags=[TAGS[t] for t in v.tags] or None,
    )


def _index_for(result: FileResult, path: str) -> LineIndex | None:
    if path == result.path:
        return result.analysis.index
    if result.chart is not None and path in result.chart.templates:
        return result.chart.templates[path].index
    return None


def skipped_diagnostic(result: FileResult) -> types.Diagnostic:
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        message=f"hook-lsp: {result.skipped}",
        severity=types.DiagnosticSeverity.Information,
        source=SOURCE,
    )


def failure_diagnostic(message: str) -> types.Diagnostic:
    """An error at the top of a file that was not (fully) analysed: never a silent "no problems"."""
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        message=f"hook-lsp: {message}",
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
    )


def diagnostics_for(ls: HookLanguageServer, result: FileResult) -> list[types.Diagnostic]:
    out = []
    if result.error:
        out.append(failure_diagnostic(f"not fully analysed: {result.error}"))
        ls.report_failure(f"{Path(result.path).name}: {result.error}")
    if result.skipped:
        return out or [skipped_diagnostic(result)]
    encoding = convert.encoding_of(ls)
    base = ls.settings.docsBaseUrl
    return out + [to_diagnostic(result, v, encoding, from_fs_path, base) for v in result.violations]


def publish_values_problems(ls: HookLanguageServer, chart) -> None:
    """Diagnostics on the chart's values files that were not read (Helm would refuse them),
    published when they change, and cleared once the file is fixed."""
    problems = {from_fs_path(path) or path: problem for path, problem in ls.project.values_problems(chart)}
    shown = ls.values_diagnostics.setdefault(str(chart.root), {})
    for uri in [u for u in shown if u not in problems]:
        del shown[uri]
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    for uri, problem in problems.items():
        if shown.get(uri) != problem:
            shown[uri] = problem
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[failure_diagnostic(problem)])
            )


def publish(ls: HookLanguageServer, uri: str, neighbours: bool = True, complete: bool = False) -> None:
    """Analyse and publish one open document, then its open chart neighbours.

    Without ``complete`` the result may leave out ShellCheck (see `publish_incomplete`).
    """
    if uri not in ls.workspace.text_documents:
        return
    doc = ls.workspace.get_text_document(uri)
    result = result_for(ls, uri, complete=complete)
    if result is None:
        return
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics_for(ls, result), version=doc.version)
    )
    ls.note_publication()
    if neighbours and result.chart is not None:
        publish_values_problems(ls, result.chart)
        for other in list(ls.workspace.text_documents):
            if other != uri and result.chart.owns(_path(other)):
                ls.results.pop(other, None)
                publish(ls, other, neighbours=False)


def publish_incomplete(ls: HookLanguageServer) -> None:
    """Publish again, with every check, each open document whose last result was quick, and
    every open document of a chart whose helper files changed on disk (they are scanned again
    now, when typing pauses: `Resolver.rescan_when_idle`)."""
    for chart in list(ls.project.charts.values()):
        rescan = getattr(chart.enrich, "rescan_helpers", None)
        if rescan is not None and rescan():
            for uri in list(ls.workspace.text_documents):
                if chart.owns(_path(uri)):
                    ls.results.pop(uri, None)
    for uri in list(ls.workspace.text_documents):
        cached = ls.results.get(uri)
        if cached is None or not cached[1].complete:
            publish(ls, uri, neighbours=False, complete=True)


def _path(uri: str) -> Path:
    return Path(path_of(uri))


def clear(ls: HookLanguageServer, uri: str) -> None:
    ls.results.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
