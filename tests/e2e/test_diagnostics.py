"""Diagnostics over stdio: open, change, versions, close."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import diagnostics_for, open_doc


async def test_open_reports_unknown_event_at_exact_token(client: LanguageClient, tmp_chart):
    job = tmp_chart / "templates" / "migrate-job.yaml"
    uri = open_doc(client, job)
    diags = await diagnostics_for(client, uri, version=1)
    hk101 = [d for d in diags if d.code == "HK101"]
    assert len(hk101) == 1
    d = hk101[0]
    assert d.source == "hook-lsp"
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.range == types.Range(types.Position(6, 20), types.Position(6, 30))
    assert "did you mean `pre-install`" in d.message
    assert d.data["fixes"][0]["edits"][0]["newText"] == "pre-install"
    # Every diagnostic links its rule's documentation (default docs URL).
    assert d.code_description.href == "https://github.com/hook-lsp/hook-lsp/blob/main/docs/rules.md#hk101-unknown-hook-event"
    assert all(x.code_description.href.split("#")[1].startswith(x.code.lower() + "-") for x in diags)


async def test_change_fixes_and_versions(client: LanguageClient, tmp_chart):
    job = tmp_chart / "templates" / "migrate-job.yaml"
    uri = open_doc(client, job)
    await diagnostics_for(client, uri, version=1)
    # Incremental edit: insert the missing "l" of pre-instal.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(6, 30), types.Position(6, 30)), text="l"
                )
            ],
        )
    )
    diags = await diagnostics_for(client, uri, version=2)
    assert [d for d in diags if d.code == "HK101"] == []


async def test_close_clears_diagnostics(client: LanguageClient, tmp_chart):
    job = tmp_chart / "templates" / "migrate-job.yaml"
    uri = open_doc(client, job)
    assert await diagnostics_for(client, uri, version=1)
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    assert await diagnostics_for(client, uri) == []


async def test_quick_fix_applies_did_you_mean(client: LanguageClient, tmp_chart):
    job = tmp_chart / "templates" / "migrate-job.yaml"
    uri = open_doc(client, job)
    diags = await diagnostics_for(client, uri, version=1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=diags[0].range,
            context=types.CodeActionContext(diagnostics=[d for d in diags if d.code == "HK101"]),
        )
    )
    titles = [a.title for a in actions]
    assert "Replace with `pre-install`" in titles
    assert "Disable HK101 for this line" in titles
    fix = next(a for a in actions if a.title == "Replace with `pre-install`")
    edit = fix.edit.document_changes[0].edits[0]
    assert edit.new_text == "pre-install"
    assert edit.range == types.Range(types.Position(6, 20), types.Position(6, 30))


async def test_file_changed_on_disk_updates_chart_neighbours(client: LanguageClient, tmp_chart):
    """A watched-file event re-reads a template that is not open and re-publishes the open ones."""
    job = tmp_chart / "templates" / "migrate-job.yaml"
    other = tmp_chart / "templates" / "other.yaml"
    uri = open_doc(client, job)
    await diagnostics_for(client, uri, version=1)
    other.write_text('kind: Pod\nmetadata:\n  name: t\n  annotations:\n    "helm.sh/hook": test\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams([types.FileEvent(uri=other.as_uri(), type=types.FileChangeType.Created)])
    )
    diags = await diagnostics_for(client, uri, version=1)
    assert any(d.code == "HK101" for d in diags)
    watched = [r for r in client.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    assert watched and "**/Chart.yaml" in [w["globPattern"] for w in watched[0].register_options["watchers"]]


async def test_shellcheck_findings_follow_once_typing_pauses(client: LanguageClient, tmp_chart):
    """The keystroke publication leaves ShellCheck out; the same version is completed shortly after."""
    job = tmp_chart / "templates" / "script-job.yaml"
    text = (
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: s\n  annotations:\n"
        '    "helm.sh/hook": post-install\nspec:\n  backoffLimit: 0\n  template:\n    spec:\n'
        "      restartPolicy: Never\n      containers:\n        - name: s\n          image: busybox\n"
        '          command: ["sh", "-c", "set -e\\nfor f in $(ls /data); do echo $f; done"]\n'
    )
    uri = open_doc(client, job, text)
    first = await diagnostics_for(client, uri, version=1)
    assert not [d for d in first if d.code == "HK306"]
    second = await diagnostics_for(client, uri, version=1)
    assert [d for d in second if d.code == "HK306"], second


async def test_chart_wide_rule_follows_an_edit_in_another_file(client: LanguageClient, tmp_chart):
    """Raising the ServiceAccount hook's weight above the Job's makes the Job wait for it (HK202)."""
    job = tmp_chart / "templates" / "migrate-job.yaml"
    sa = tmp_chart / "templates" / "serviceaccount.yaml"
    job_uri = open_doc(client, job, job.read_text().replace("pre-instal,", "pre-install,"))
    assert not [d for d in await diagnostics_for(client, job_uri, version=1) if d.code == "HK202"]
    sa_uri = open_doc(client, sa)
    await diagnostics_for(client, sa_uri, version=1)
    line = sa.read_text().splitlines().index('    "helm.sh/hook-weight": "-5"')
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=sa_uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    # Delete the minus sign: "-5" becomes "5".
                    range=types.Range(types.Position(line, 28), types.Position(line, 29)), text=""
                )
            ],
        )
    )
    for _ in range(6):
        diags = await diagnostics_for(client, job_uri, version=1)
        hk202 = [d for d in diags if d.code == "HK202"]
        if hk202:
            break
    assert hk202, diags
    assert "ServiceAccount" in hk202[0].message
    assert hk202[0].related_information and hk202[0].related_information[0].location.uri == sa_uri
