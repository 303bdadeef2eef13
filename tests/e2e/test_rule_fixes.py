"""Annotation rules over stdio: a diagnostic and its applied quick fix, suppression, fix all."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import diagnostics_for, open_doc

HOOK = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-seed
  annotations:
    helm.sh/hook: post-install,
    helm.sh/hook-weight: 5
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeded
data:
  key: value
"""


def apply_edit(text: str, edit: types.WorkspaceEdit) -> str:
    """Apply a WorkspaceEdit's text edits to ``text`` (ASCII documents: UTF-16 == code points)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(pos: types.Position) -> int:
        return starts[pos.line] + pos.character

    edits = [e for change in edit.document_changes for e in change.edits]
    for e in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


async def code_actions(client: LanguageClient, uri: str, diags, only=None) -> list[types.CodeAction]:
    rng = diags[0].range if diags else types.Range(types.Position(0, 0), types.Position(0, 0))
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=rng,
            context=types.CodeActionContext(diagnostics=list(diags), only=only),
        )
    )


async def test_unquoted_weight_is_reported_and_quick_fix_quotes_it(client: LanguageClient, tmp_chart):
    path = tmp_chart / "templates" / "seed.yaml"
    path.write_text(HOOK)
    uri = open_doc(client, path)
    diags = await diagnostics_for(client, uri, version=1)
    hk109 = [d for d in diags if d.code == "HK109"]
    assert len(hk109) == 1
    d = hk109[0]
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.range == types.Range(types.Position(6, 25), types.Position(6, 26))
    assert "this post-install hook fails only when it runs, with `unable to build kubernetes object for deleting hook" in d.message
    actions = await code_actions(client, uri, hk109)
    fix = next(a for a in actions if a.title == 'Quote as "5"')
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    fixed = apply_edit(HOOK, fix.edit)
    assert fixed == HOOK.replace("helm.sh/hook-weight: 5", 'helm.sh/hook-weight: "5"')


async def test_disable_comment_on_line_above_silences_the_rule(client: LanguageClient, tmp_chart):
    text = HOOK.replace("    helm.sh/hook-weight: 5", "    # hook-lsp: disable=HK109\n    helm.sh/hook-weight: 5")
    path = tmp_chart / "templates" / "seed.yaml"
    path.write_text(text)
    uri = open_doc(client, path)
    diags = await diagnostics_for(client, uri, version=1)
    codes = {d.code for d in diags}
    assert "HK109" not in codes
    assert {"HK104", "HK111"} <= codes  # the other problems are still reported


async def test_disable_for_this_line_action_inserts_the_comment(client: LanguageClient, tmp_chart):
    path = tmp_chart / "templates" / "seed.yaml"
    path.write_text(HOOK)
    uri = open_doc(client, path)
    diags = await diagnostics_for(client, uri, version=1)
    hk111 = [d for d in diags if d.code == "HK111"]
    actions = await code_actions(client, uri, hk111)
    disable = next(a for a in actions if a.title == "Disable HK111 for this line")
    fixed = apply_edit(HOOK, disable.edit)
    assert "    # hook-lsp: disable=HK111\n    helm.sh/hook-delete-policy: before-hook-creation,hook-succeded\n" in fixed


async def test_fix_all_applies_every_safe_annotation_fix(client: LanguageClient, tmp_chart):
    path = tmp_chart / "templates" / "seed.yaml"
    path.write_text(HOOK)
    uri = open_doc(client, path)
    diags = await diagnostics_for(client, uri, version=1)
    assert {"HK104", "HK109", "HK111"} <= {d.code for d in diags}
    actions = await code_actions(client, uri, [], only=["source.fixAll.hook-lsp"])
    fix_all = [a for a in actions if a.kind == "source.fixAll.hook-lsp"]
    assert len(fix_all) == 1
    fixed = apply_edit(HOOK, fix_all[0].edit)
    annotations = fixed.split("  annotations:\n", 1)[1].split("data:", 1)[0]
    assert annotations == (
        "    helm.sh/hook: post-install\n"
        '    helm.sh/hook-weight: "5"\n'
        "    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n"
    )
    # The fixed text is clean for these rules.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    after = await diagnostics_for(client, uri, version=2)
    assert not {"HK104", "HK109", "HK111"} & {d.code for d in after}
