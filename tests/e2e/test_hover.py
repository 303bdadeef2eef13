"""Hover over stdio: annotation keys, events, policies, weights (chart-wide order) and hook kinds,
for Helm 4 and, after a settings change, Helm 3."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import diagnostics_for, open_doc
from .test_completion import cursor, hook

DOCS = "https://helm.sh/docs/topics/charts_hooks/"


@pytest.fixture
def chart(tmp_path) -> Path:
    """pre-upgrade hooks: db-backup (-5), migrate (0), zz-check (0, also post-upgrade), verify (10)."""
    root = tmp_path / "app"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (root / "templates" / "backup.yaml").write_text(hook("db-backup", "pre-upgrade", "-5"))
    (root / "templates" / "verify.yaml").write_text(hook("verify", "pre-upgrade", "10"))
    (root / "templates" / "check.yaml").write_text(hook("zz-check", "pre-upgrade,post-upgrade", "0", kind="Pod"))
    (root / "templates" / "migrate.yaml").write_text(MIGRATE)
    return root


MIGRATE = """apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    "helm.sh/hook": pre-upgrade
    "helm.sh/hook-weight": "0"
    "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded
spec:
  template:
    spec:
      restartPolicy: Never
"""


async def hover_at(client: LanguageClient, path: Path, marked: str) -> types.Hover | None:
    text, position = cursor(marked)
    path.write_text(text, newline="")
    uri = open_doc(client, path, text)
    return await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri), position=position)
    )


def mark(text: str, before: str, shift: int = 1) -> str:
    """``text`` with the cursor ``shift`` characters into the first occurrence of ``before``."""
    i = text.index(before) + shift
    return text[:i] + "|" + text[i:]


async def test_hover_on_the_hook_key(client: LanguageClient, chart):
    h = await hover_at(client, chart / "templates" / "migrate.yaml", mark(MIGRATE, '"helm.sh/hook"', 3))
    assert h.contents.kind == types.MarkupKind.Markdown
    text = h.contents.value
    assert text.startswith("**`helm.sh/hook`**")
    assert "skips the whole resource" in text and "`helm uninstall` never deletes them" in text
    assert f"]({DOCS})" in text
    assert h.range == types.Range(types.Position(5, 4), types.Position(5, 18))


async def test_hover_on_an_event_says_when_what_exists_and_failure(client: LanguageClient, chart):
    h = await hover_at(client, chart / "templates" / "migrate.yaml", mark(MIGRATE, "pre-upgrade", 4))
    text = h.contents.value
    assert text.startswith("**`pre-upgrade`**: hook event")
    assert "before any resource is updated" in text
    assert "The new revision is marked `failed`; the previous one stays `deployed`" in text
    assert "Nothing is rolled back unless `--rollback-on-failure`" in text
    assert "(Helm 3: the flag is `--atomic`)" in text
    assert h.range == types.Range(types.Position(5, 20), types.Position(5, 31))


async def test_helm3_setting_selects_helm3_sentences(client: LanguageClient, chart):
    path = chart / "templates" / "migrate.yaml"
    text, _ = cursor(mark(MIGRATE, "kind: Job"))
    uri = open_doc(client, path, text)
    await diagnostics_for(client, uri, version=1)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"hookLsp": {"helmVersion": "3"}})
    )
    await diagnostics_for(client, uri)  # settings applied: the document is re-published
    _, position = cursor(mark(MIGRATE, "pre-upgrade", 2))
    h = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri), position=position)
    )
    assert "unless `--atomic` was given" in h.contents.value
    assert "--rollback-on-failure" not in h.contents.value and "(Helm 3:" not in h.contents.value
    _, position = cursor(mark(MIGRATE, "Job", 1))
    h = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri), position=position)
    )
    assert "`--timeout 0` means no limit" in h.contents.value and "gets no time at all" in h.contents.value
    assert "https://github.com/hook-lsp/hook-lsp/blob/main/docs/helm-hooks.md#timeout" in h.contents.value
    # Guide links follow hookLsp.docsBaseUrl.
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"hookLsp": {"helmVersion": "3.17", "docsBaseUrl": "https://docs.example.org/hl/"}}
        )
    )
    await diagnostics_for(client, uri)
    h = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri), position=position)
    )
    assert "https://docs.example.org/hl/helm-hooks.md#timeout" in h.contents.value
    assert "github.com/hook-lsp" not in h.contents.value


async def test_hover_on_a_delete_policy(client: LanguageClient, chart):
    h = await hover_at(client, chart / "templates" / "migrate.yaml", mark(MIGRATE, "hook-succeeded", 5))
    text = h.contents.value
    assert text.startswith("**`hook-succeeded`**: delete policy")
    assert "once *all* hooks of this event have succeeded" in text
    assert h.range == types.Range(types.Position(7, 55), types.Position(7, 69))
    h = await hover_at(client, chart / "templates" / "migrate.yaml", mark(MIGRATE, "before-hook-creation", 2))
    assert "Helm 4 waits for it to be gone only in `helm test`" in h.contents.value
    assert "(Helm 3: it always waits until the old object is gone, up to `--timeout`)" in h.contents.value


async def test_hover_on_an_output_log_policy_and_the_resource_policy_key(client: LanguageClient, chart):
    text = MIGRATE.replace(
        "spec:\n", '    "helm.sh/hook-output-log-policy": hook-failed\n    helm.sh/resource-policy: keep\nspec:\n'
    )
    h = await hover_at(client, chart / "templates" / "migrate.yaml", mark(text, "hook-failed\n", 3))
    assert h.contents.value.startswith("**`hook-failed`**: output-log policy")
    assert "before any `hook-failed` deletion" in h.contents.value
    h = await hover_at(client, chart / "templates" / "migrate.yaml", mark(text, "helm.sh/resource-policy", 3))
    assert "on a hook it has no effect" in h.contents.value


async def test_hover_on_an_unknown_policy(client: LanguageClient, chart):
    marked = mark(MIGRATE.replace("hook-succeeded", "hook-succeded"), "hook-succeded", 3)
    h = await hover_at(client, chart / "templates" / "migrate.yaml", marked)
    assert "unknown delete policy" in h.contents.value
    assert "`before-hook-creation` no longer applies" in h.contents.value


async def test_hover_on_the_weight_places_the_hook_in_the_chart_order(client: LanguageClient, chart):
    h = await hover_at(client, chart / "templates" / "migrate.yaml", mark(MIGRATE, '"0"', 1))
    text = h.contents.value
    assert text.startswith("**Hook weight `0`**")
    # Equal weights are ordered by name: migrate < zz-check.
    assert (
        "- 2nd of 4 `pre-upgrade` hooks, after `db-backup` (-5), "
        "before `zz-check` (0, same weight: its name sorts later)"
    ) in text
    assert "lowest weight first, then by `metadata.name`, then by kind" in text
    assert h.range == types.Range(types.Position(6, 27), types.Position(6, 30))


async def test_weight_hover_calls_out_a_tie_won_by_the_other_name(client: LanguageClient, chart):
    check = (chart / "templates" / "check.yaml").read_text()
    h = await hover_at(client, chart / "templates" / "check.yaml", mark(check, '"0"', 1))
    text = h.contents.value
    assert "- 3rd of 4 `pre-upgrade` hooks, after `migrate` (0, same weight: its name sorts first), before `verify` (10)" in text
    assert "- the only `post-upgrade` hook" in text


async def test_weight_hover_warns_about_values_atoi_rejects(client: LanguageClient, chart):
    marked = mark(MIGRATE.replace('"helm.sh/hook-weight": "0"', '"helm.sh/hook-weight": " 5"'), '" 5"', 2)
    h = await hover_at(client, chart / "templates" / "migrate.yaml", marked)
    assert "` 5` is not an integer for `Atoi`: Helm uses 0." in h.contents.value


@pytest.mark.parametrize(
    "kind, fact",
    [
        ("Job", "Helm waits until the Job is `Complete`"),
        ("Pod", "Helm waits until the Pod's phase is `Succeeded`"),
        ("ServiceAccount", "Helm does not wait: the hook is done as soon as the object is created."),
    ],
)
async def test_hover_on_the_kind_of_a_hook(client: LanguageClient, chart, kind, fact):
    text = MIGRATE.replace("kind: Job", f"kind: {kind}")
    h = await hover_at(client, chart / "templates" / "migrate.yaml", mark(text, f"kind: {kind}", 7))
    assert h.contents.value.startswith(f"**`{kind}` hook**: what Helm waits for")
    assert fact in h.contents.value
    assert ("per hook" in h.contents.value or "each hook separately" in h.contents.value) == (kind != "ServiceAccount")
    assert h.range == types.Range(types.Position(1, 6), types.Position(1, 6 + len(kind)))


async def test_no_hover_on_a_plain_resource(client: LanguageClient, chart):
    marked = "apiVersion: v1\nkind: Config|Map\nmetadata:\n  name: settings\n"
    assert await hover_at(client, chart / "templates" / "cm.yaml", marked) is None


async def test_hover_after_non_ascii_text_and_crlf(client: LanguageClient, chart):
    marked = 'kind: Job\r\nmetadata:\r\n  name: m\r\n  annotations: {"note/🎉": "ü", "helm.sh/hook": "post-up|grade"}\r\n'
    h = await hover_at(client, chart / "templates" / "job.yaml", marked)
    assert h.contents.value.startswith("**`post-upgrade`**: hook event")
    # `post-upgrade` starts at code point 48 of the line, UTF-16 column 49.
    assert h.range == types.Range(types.Position(3, 49), types.Position(3, 61))


SCHEMA = """apiVersion: batch/v1
kind: Job
metadata:
  name: schema
  annotations:
    "helm.sh/hook": pre-upgrade
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: schema
          image: postgres:16
          command:
            - /bin/sh
            - -ec
            - |
              psql -v ON_ERROR_STOP=1 <<'EOF'
              CREATE TABLE users (id int);
              EOF
"""


async def test_hover_on_a_flagged_statement_says_why_the_script_runs_again(client: LanguageClient, chart):
    path = chart / "templates" / "schema.yaml"
    path.write_text(SCHEMA, newline="")
    uri = open_doc(client, path, SCHEMA)
    flagged = [d for d in await diagnostics_for(client, uri, version=1) if d.code == "HK350"]
    assert [d.range.start for d in flagged] == [types.Position(19, 14)]
    # The block scalar's `|` rules out the `|` cursor marker: the position is given directly.
    h = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri), position=types.Position(19, 21))
    )
    assert h.contents.kind == types.MarkupKind.Markdown
    assert h.contents.value == (
        "**Why this hook's script runs again**\n\n"
        "- it runs on every `helm upgrade` (pre-upgrade)\n"
        "- a failed attempt is retried up to 2 times (`backoffLimit: 2`)"
    )
    # The statement's line, without the block scalar's indentation.
    assert h.range == types.Range(types.Position(19, 14), types.Position(19, 42))
