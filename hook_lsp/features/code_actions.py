"""textDocument/codeAction: quick fixes carried on diagnostics, "disable for this line", fix all.

Fixes come from the diagnostic's ``data`` (computed when it was published), so no re-analysis
is needed; a client that drops ``data`` gets them from the cached result instead.
"""

from __future__ import annotations

from lsprotocol import types

from ..server import HookLanguageServer, server
from .diagnostics import SOURCE, diagnostics_for
from .documents import result_for

FIX_ALL = types.CodeActionKind.SourceFixAll + ".hook-lsp"


def _edit(uri: str, version, edits: list[dict]) -> types.WorkspaceEdit:
    text_edits = [
        types.TextEdit(
            range=types.Range(
                types.Position(e["range"]["start"]["line"], e["range"]["start"]["character"]),
                types.Position(e["range"]["end"]["line"], e["range"]["end"]["character"]),
            ),
            new_text=e["newText"],
        )
        for e in edits
    ]
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=text_edits,
            )
        ]
    )


def _fixes_of(ls: HookLanguageServer, uri: str, diag: types.Diagnostic) -> list[dict]:
    data = diag.data if isinstance(diag.data, dict) else None
    if data and "fixes" in data:
        return data["fixes"]
    result = result_for(ls, uri)
    if result is None:
        return []
    for d in diagnostics_for(ls, result):
        if d.code == diag.code and d.range == diag.range and isinstance(d.data, dict):
            return d.data.get("fixes", [])
    return []


def _disable_line(ls: HookLanguageServer, uri: str, diag: types.Diagnostic) -> types.CodeAction | None:
    doc = ls.workspace.get_text_document(uri)
    line = diag.range.start.line
    lines = doc.lines
    if line >= len(lines):
        return None
    current = lines[line].rstrip("\r\n")
    indent = current[: len(current) - len(current.lstrip())]
    # A YAML comment on the line above: rendered manifests keep it, Helm ignores it.
    new_text = f"{indent}# hook-lsp: disable={diag.code}\n"
    edit = {"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "newText": new_text}
    return types.CodeAction(
        title=f"Disable {diag.code} for this line",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diag],
        edit=_edit(uri, doc.version, [edit]),
    )


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False),
)
def code_action(ls: HookLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """textDocument/codeAction: quick fixes for our diagnostics, and source.fixAll.hook-lsp."""
    uri = params.text_document.uri
    doc = ls.workspace.get_text_document(uri)
    only = params.context.only
    actions: list[types.CodeAction] = []
    want_quickfix = not only or any(k.startswith(types.CodeActionKind.QuickFix) for k in only)
    want_fix_all = only and any(FIX_ALL.startswith(k) or k.startswith(FIX_ALL) for k in only)
    if want_quickfix:
        for diag in params.context.diagnostics:
            if diag.source != SOURCE or not diag.code:
                continue
            for fix in _fixes_of(ls, uri, diag):
                actions.append(
                    types.CodeAction(
                        title=fix["title"],
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diag],
                        is_preferred=fix.get("safe", True),
                        edit=_edit(uri, doc.version, fix["edits"]),
                    )
                )
            disable = _disable_line(ls, uri, diag)
            if disable is not None:
                actions.append(disable)
    if want_fix_all:
        result = result_for(ls, uri)
        if result is not None:
            edits, taken = [], []
            for d in diagnostics_for(ls, result):
                fixes = d.data.get("fixes", []) if isinstance(d.data, dict) else []
                safe = [f for f in fixes if f.get("safe")]
                if not safe:
                    continue
                for e in safe[0]["edits"]:
                    span = (e["range"]["start"]["line"], e["range"]["start"]["character"], e["range"]["end"]["line"], e["range"]["end"]["character"])
                    if any(_overlap(span, t) for t in taken):
                        continue  # overlapping edits would corrupt the text: leave for a second pass
                    taken.append(span)
                    edits.append(e)
            if edits:
                actions.append(types.CodeAction(title="hook-lsp: fix all safe problems", kind=FIX_ALL, edit=_edit(uri, doc.version, edits)))
    return actions


def _overlap(a, b) -> bool:
    return (a[0], a[1]) < (b[2], b[3]) and (b[0], b[1]) < (a[2], a[3])

