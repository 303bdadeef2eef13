"""textDocument/documentSymbol (a file's hooks) and workspace/symbol (hooks of every loaded chart).

A hook symbol is named ``<Kind> <name>`` with its events and weight as detail, so "pre-upgrade"
or a resource name finds it in the editor's symbol search.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path

from .. import convert
from ..analysis.hook_model import Resource
from ..analysis.timeline import display_name
from ..server import HookLanguageServer, server
from .documents import result_for


def _name(res: Resource) -> str:
    return f"{res.kind or '?'} {display_name(res.name or res.name_raw or '(unnamed)')}"


def _detail(res: Resource) -> str:
    hook = res.hook
    events = ", ".join(dict.fromkeys(hook.events)) if hook.known else "events templated"
    weight = hook.weight_value
    return f"{events} · weight {'?' if weight is None else weight}"


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbols(ls: HookLanguageServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    result = result_for(ls, params.text_document.uri)
    if result is None or result.skipped:
        return []
    analysis = result.analysis
    encoding = convert.encoding_of(ls)
    out = []
    for res in analysis.hooks:
        whole = convert.range_(analysis.index, res.span, encoding)
        anchor = convert.range_(analysis.index, res.anchor, encoding)
        out.append(
            types.DocumentSymbol(
                name=_name(res),
                detail=_detail(res),
                kind=types.SymbolKind.Event,
                range=whole,
                selection_range=anchor,
            )
        )
    return out


@server.feature(types.WORKSPACE_SYMBOL)
def workspace_symbols(ls: HookLanguageServer, params: types.WorkspaceSymbolParams) -> list[types.SymbolInformation]:
    query = (params.query or "").lower()
    encoding = convert.encoding_of(ls)
    out = []
    for chart in list(ls.project.charts.values()):
        for template, res in chart.hooks():
            name, detail = _name(res), _detail(res)
            if query and query not in name.lower() and query not in detail.lower():
                continue
            out.append(
                types.SymbolInformation(
                    name=f"{name} ({detail})",
                    kind=types.SymbolKind.Event,
                    location=types.Location(
                        from_fs_path(template.path) or Path(template.path).as_uri(),
                        convert.range_(template.index, res.anchor, encoding),
                    ),
                    container_name=chart.name,
                )
            )
            if len(out) >= 500:
                return out
    return out
