"""Document lookups shared by the feature modules: URI to path, text, and cached analysis."""

from __future__ import annotations

from pygls.uris import to_fs_path

from ..analysis.project import FileResult
from ..server import HookLanguageServer


def path_of(uri: str) -> str:
    return to_fs_path(uri) or uri


def result_for(ls: HookLanguageServer, uri: str, complete: bool = False) -> FileResult | None:
    """The analysis of the document's current text (re-analysing if it is newer than the cache).

    Without ``complete`` a quick result (no ShellCheck) is good enough: it is what a keystroke
    publishes first; `complete=True` asks for every check.
    """
    doc = ls.workspace.get_text_document(uri)
    cached = ls.results.get(uri)
    if (
        cached is not None
        and cached[0] == doc.version
        and cached[1].analysis.text == doc.source
        and (cached[1].complete or not complete)
    ):
        return cached[1]
    if uri not in ls.workspace.text_documents:
        return None
    result = ls.project.check(path_of(uri), doc.source, quick=not complete)
    ls.results[uri] = (doc.version, result)
    return result
