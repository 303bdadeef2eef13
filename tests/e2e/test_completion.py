"""Completion over stdio: keys, events, policies, weights, scaffolds; quoting, flow maps, CRLF
and UTF-16 positions."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from hook_lsp.server import server

from .conftest import open_doc

JOB_HEAD = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n"


def hook(name: str, events: str, weight: str, kind: str = "Job") -> str:
    return (
        f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n  annotations:\n"
        f'    "helm.sh/hook": {events}\n    "helm.sh/hook-weight": "{weight}"\n'
    )


@pytest.fixture
def chart(tmp_path) -> Path:
    """A chart with two pre-upgrade hooks: db-backup (-5) and verify (10)."""
    root = tmp_path / "app"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (root / "templates" / "backup.yaml").write_text(hook("db-backup", "pre-upgrade", "-5"))
    (root / "templates" / "verify.yaml").write_text(hook("verify", "pre-upgrade", "10"))
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "hook_lsp", "serve"]))
async def plain_client(lsp_client: LanguageClient, tmp_path_factory):
    """A client with no optional capabilities: no snippet support."""
    root = tmp_path_factory.mktemp("ws")
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=root.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


def cursor(text: str) -> tuple[str, types.Position]:
    """Remove the ``|`` marker; its position in UTF-16 code units."""
    offset = text.index("|")
    before = text[:offset]
    line = before.count("\n")
    column = before[before.rfind("\n") + 1 :]
    return text[:offset] + text[offset + 1 :], types.Position(line, len(column.encode("utf-16-le")) // 2)


async def complete(client: LanguageClient, path: Path, marked: str) -> list[types.CompletionItem]:
    text, position = cursor(marked)
    path.write_text(text, newline="")
    uri = open_doc(client, path, text)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri), position=position)
    )
    if result is None:
        return []
    return list(result.items if isinstance(result, types.CompletionList) else result)


def edit_range(item: types.CompletionItem) -> types.Range:
    assert isinstance(item.text_edit, types.TextEdit)
    return item.text_edit.range


def test_trigger_characters_are_advertised():
    options = server.protocol.fm.feature_options[types.TEXT_DOCUMENT_COMPLETION]
    assert set(options.trigger_characters) >= {":", " ", ",", '"', "/"}


async def test_keys_follow_the_quoting_of_sibling_keys(client: LanguageClient, chart):
    items = await complete(client, chart / "templates" / "job.yaml", JOB_HEAD + '    "helm.sh/hook": pre-upgrade\n    "helm.sh/|\n')
    labels = [i.label for i in items]
    assert labels == [
        "helm.sh/hook-weight",
        "helm.sh/hook-delete-policy",
        "helm.sh/hook-output-log-policy",
        "helm.sh/resource-policy",
    ]  # helm.sh/hook is already there
    weight = items[0]
    assert weight.text_edit.new_text == '"helm.sh/hook-weight": '
    assert edit_range(weight) == types.Range(types.Position(6, 4), types.Position(6, 13))  # the typed key, quote included
    assert weight.kind == types.CompletionItemKind.Property
    assert "Atoi" in weight.documentation.value and "https://helm.sh/docs/topics/charts_hooks/" in weight.documentation.value


async def test_plain_sibling_keys_get_plain_keys(client: LanguageClient, chart):
    items = await complete(client, chart / "templates" / "job.yaml", JOB_HEAD + "    helm.sh/hook: pre-upgrade\n    |\n")
    policy = next(i for i in items if i.label == "helm.sh/hook-delete-policy")
    assert policy.text_edit.new_text == "helm.sh/hook-delete-policy: "
    assert edit_range(policy) == types.Range(types.Position(6, 4), types.Position(6, 4))


async def test_output_log_policy_is_offered_only_for_jobs_and_pods(client: LanguageClient, chart):
    marked = JOB_HEAD.replace("kind: Job", "kind: ServiceAccount") + '    "helm.sh/hook": pre-install\n    |\n'
    labels = [i.label for i in await complete(client, chart / "templates" / "sa.yaml", marked)]
    assert "helm.sh/hook-output-log-policy" not in labels and "helm.sh/hook-weight" in labels


async def test_events_after_a_comma_are_the_missing_ones_filtered_by_prefix(client: LanguageClient, chart):
    items = await complete(client, chart / "templates" / "job.yaml", JOB_HEAD + '    "helm.sh/hook": pre-upgrade,post-install,post-|\n')
    assert [i.label for i in items] == ["post-upgrade", "post-rollback", "post-delete"]  # lifecycle order
    first = items[0]
    assert first.detail == "upgrade: after resources are updated (not necessarily ready)"
    assert first.documentation.kind == types.MarkupKind.Markdown
    assert "**If it fails:**" in first.documentation.value
    assert edit_range(first) == types.Range(types.Position(5, 45), types.Position(5, 50))
    assert first.text_edit.new_text == "post-upgrade"


async def test_all_events_in_lifecycle_order_for_an_empty_value(client: LanguageClient, chart):
    items = await complete(client, chart / "templates" / "job.yaml", JOB_HEAD + '    "helm.sh/hook": "|"\n')
    assert [i.label for i in items] == [
        "pre-install", "post-install", "pre-upgrade", "post-upgrade", "pre-rollback", "post-rollback",
        "pre-delete", "post-delete", "test",
    ]
    assert items[-1].detail == "helm test only; never on install or upgrade"


async def test_delete_policies_in_a_quoted_list(client: LanguageClient, chart):
    marked = JOB_HEAD + '    "helm.sh/hook": pre-upgrade\n    "helm.sh/hook-delete-policy": "before-hook-creation, |"\n'
    items = await complete(client, chart / "templates" / "job.yaml", marked)
    assert [i.label for i in items] == ["hook-succeeded", "hook-failed"]
    assert "after all hooks of this event" in items[0].detail
    assert "*all* hooks of this event" in items[0].documentation.value


async def test_output_log_policies(client: LanguageClient, chart):
    marked = JOB_HEAD + '    "helm.sh/hook": pre-upgrade\n    "helm.sh/hook-output-log-policy": hook-failed,|\n'
    items = await complete(client, chart / "templates" / "job.yaml", marked)
    assert [i.label for i in items] == ["hook-succeeded"]
    assert items[0].detail == "print the hook's container logs to stderr when it succeeds"
    assert "Only Job and Pod hooks" in items[0].documentation.value


async def test_weights_place_the_hook_around_the_charts_hooks(client: LanguageClient, chart):
    marked = JOB_HEAD + '    "helm.sh/hook": pre-upgrade\n    "helm.sh/hook-weight": |\n'
    items = await complete(client, chart / "templates" / "job.yaml", marked)
    assert [(i.label, i.detail) for i in items] == [
        ("-6", "before db-backup (-5)"),
        ("-4", "after db-backup (-5), before verify (10)"),
        ("11", "after verify (10)"),
    ]
    assert items[0].text_edit.new_text == '"-6"'  # inserted as a quoted string
    assert edit_range(items[0]) == types.Range(types.Position(6, 27), types.Position(6, 27))


async def test_weight_inside_quotes_inserts_the_number(client: LanguageClient, chart):
    marked = JOB_HEAD + '    "helm.sh/hook": pre-upgrade,post-install\n    "helm.sh/hook-weight": "|"\n'
    items = await complete(client, chart / "templates" / "job.yaml", marked)
    assert items[0].label == "-6" and items[0].text_edit.new_text == "-6"
    assert edit_range(items[0]) == types.Range(types.Position(6, 28), types.Position(6, 28))


async def test_scaffolds_in_an_empty_document(client: LanguageClient, chart):
    items = await complete(client, chart / "templates" / "new.yaml", "|")
    assert [i.label for i in items] == [
        "pre-upgrade migration Job",
        "post-install Job",
        "test Pod",
        "pre-install ServiceAccount for a hook",
    ]
    job = items[0]
    assert job.insert_text_format == types.InsertTextFormat.Snippet  # VS Code supports snippets
    body = job.text_edit.new_text
    assert '"helm.sh/hook": pre-upgrade' in body and "restartPolicy: Never" in body
    assert "backoffLimit: ${3:1}" in body and "activeDeadlineSeconds:" in body
    assert "before-hook-creation,hook-succeeded" in body
    assert "before-hook-creation" in items[2].text_edit.new_text and "activeDeadlineSeconds" in items[2].text_edit.new_text


async def test_scaffolds_are_plain_text_without_snippet_support(plain_client: LanguageClient, chart):
    items = await complete(plain_client, chart / "templates" / "new.yaml", "|")
    job = items[0]
    assert job.insert_text_format == types.InsertTextFormat.PlainText
    assert "${" not in job.text_edit.new_text
    assert "name: {{ .Release.Name }}-migrate\n" in job.text_edit.new_text and "backoffLimit: 1\n" in job.text_edit.new_text


async def test_scaffolds_in_an_empty_annotations_block(client: LanguageClient, chart):
    items = await complete(client, chart / "templates" / "job.yaml", JOB_HEAD + "    |\nspec: {}\n")
    labels = [i.label for i in items]
    # Job scaffolds first (the resource is a Job), then the keys.
    assert labels[:2] == ["hook annotations: pre-upgrade migration Job", "hook annotations: post-install Job"]
    assert "helm.sh/hook" in labels
    block = items[0].text_edit.new_text
    assert block.startswith('"helm.sh/hook": pre-upgrade\n    "helm.sh/hook-weight"')


async def test_nothing_inside_a_template_action(client: LanguageClient, chart):
    marked = JOB_HEAD + '    "helm.sh/hook": {{ .Values.|hook }}\n'
    assert await complete(client, chart / "templates" / "job.yaml", marked) == []


async def test_flow_map_value(client: LanguageClient, chart):
    marked = "kind: Job\nmetadata:\n  name: m\n  annotations: {\"helm.sh/hook\": \"pre-upgrade,pre-|\"}\n"
    items = await complete(client, chart / "templates" / "job.yaml", marked)
    assert [i.label for i in items] == ["pre-install", "pre-rollback", "pre-delete"]
    assert edit_range(items[0]) == types.Range(types.Position(3, 45), types.Position(3, 49))


async def test_non_ascii_before_the_cursor_uses_utf16_columns(client: LanguageClient, chart):
    # "🎉" is two UTF-16 code units, "ü" one: "po" starts at code point 60 but UTF-16 column 61.
    marked = 'kind: Job\nmetadata:\n  name: m\n  annotations: {"note/🎉": "ü", "helm.sh/hook": "pre-upgrade,po|"}\n'
    items = await complete(client, chart / "templates" / "job.yaml", marked)
    assert [i.label for i in items] == ["post-install", "post-upgrade", "post-rollback", "post-delete"]
    assert edit_range(items[0]) == types.Range(types.Position(3, 61), types.Position(3, 63))


async def test_crlf_file(client: LanguageClient, chart):
    marked = (JOB_HEAD + '    "helm.sh/hook": pre-upgrade\n    "helm.sh/hook-delete-policy": hook-|\n').replace("\n", "\r\n")
    items = await complete(client, chart / "templates" / "job.yaml", marked)
    assert [i.label for i in items] == ["hook-succeeded", "hook-failed"]
    assert edit_range(items[0]) == types.Range(types.Position(6, 34), types.Position(6, 39))
