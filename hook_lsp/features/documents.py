"""Document lookups shared by the feature modules: URI to path, text, and cached analysis."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from .. import convert

from ..analysis.profile import Profile
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


def profile(ls: HookLanguageServer, path: str) -> Profile:
    """The lifecycle profile the text follows: the chart's project file, else the settings."""
    try:
        return ls.project.config_for(Path(path)).profile
    except OSError:
        return ls.settings.analysis_config().profile


@dataclass(frozen=True)
class Cursor:
    """A request's document analysis, the cursor as an offset, and how to convert back."""

    result: FileResult
    offset: int
    encoding: str
    profile: Profile


def cursor_for(ls: HookLanguageServer, uri: str, position: types.Position) -> Cursor | None:
    """The analysed document and cursor offset of a position request (None if not analysable)."""
    result = result_for(ls, uri)
    if result is None or result.skipped:
        return None
    encoding = convert.encoding_of(ls)
    offset = convert.offset(result.analysis.index, position, encoding)
    return Cursor(result, offset, encoding, profile(ls, result.path))
