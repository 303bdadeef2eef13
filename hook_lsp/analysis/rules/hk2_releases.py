"""HK214-HK216: what one release's hooks do to another release's, what `helm test --logs` can
still read, and an annotation older Helm minors ignore.

Helm's `before-hook-creation` deletion looks up the object by kind, namespace and name and checks
no owner (docs/helm-hooks.md#shared-names), so a hook whose name does not depend on the release
deletes the hook object of any other release of the chart in that namespace. In Helm 3 and 4.0,
`helm test` deletes `hook-succeeded` test pods before `--logs` reads them (#helm-test). Helm
before 3.18 ignores `helm.sh/hook-output-log-policy` (#versions).
"""

from __future__ import annotations

import re
from typing import Iterator

from ...knowledge import versions
from ...knowledge.annotations import OUTPUT_LOG_POLICY_SINCE
from ...knowledge.events import TEST_LOGS_BEFORE_CLEANUP_SINCE
from ..chart import Chart
from ..hook_model import Resource, TemplateAnalysis
from .registry import RuleContext, Severity, Violation, rule

#: Template fields that are the same for every release of the chart.
_CHART_FIELDS = re.compile(r"^\$?\.Chart\.[A-Za-z]+$")
#: Actions that make a name differ per release: the release name, or the usual helpers built on it.
_RELEASE_SCOPED = re.compile(r"\.Release\.Name\b|fullname", re.IGNORECASE)


def _fixed_name(res: Resource, template: TemplateAnalysis) -> str | None:
    """The name as written when it renders the same for every release: a literal, or literal text
    around `.Chart.*` fields only; None otherwise (templated from values, helpers, the release)."""
    node = res.name_node
    if node is None or res.generate_name is not None:
        return None
    for action in template.masked.actions_in(node.span):
        body = action.body.strip().lstrip("-").rstrip("-").strip()
        if not _CHART_FIELDS.match(body):
            return None
    raw = res.name_raw or res.name
    return raw if raw else None


def _release_scoped_names(chart: Chart | None, template: TemplateAnalysis) -> bool:
    """True when some regular (non-hook) resource of the chart has a release-scoped name: the
    chart is made to be installed more than once per namespace. (When its regular resources have
    fixed names too, a second release fails on them before any hook matters.)"""
    # Manifests only: Helm never outputs a partial (`_*.tpl`).
    templates = chart.manifest_templates() if chart is not None else (template,)
    for analysis in templates:
        for res in analysis.resources:
            if res.hook is not None or res.name_node is None:
                continue
            if any(_RELEASE_SCOPED.search(a.body) for a in analysis.masked.actions_in(res.name_node.span)):
                return True
    return False


@rule("HK214", "hook-name-shared-across-releases", Severity.INFORMATION)
def hook_name_shared_across_releases(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a hook whose `metadata.name` is the same for every release of the chart (a literal,
    or only `.Chart.*` fields) while `before-hook-creation` applies to it — in a chart whose
    regular resources do take the release name (so two releases in one namespace are meant to
    work).

    Not flagged: names built from `.Release.Name`, a `fullname` helper, values or any other
    helper hook-lsp cannot see through; `generateName`; `CustomResourceDefinition` hooks (never
    deleted); charts whose regular resources have fixed names too.

    ## Why is this bad?
    Just before a hook is created, `before-hook-creation` deletes the object with the same kind,
    namespace and name — **without checking which release created it**
    ([Two releases in one namespace](helm-hooks.md#shared-names)). With two releases of this chart
    in one namespace, each upgrade of one deletes the other's hook object: a finished Job (its
    logs with it), or a Job of the other release **that is still running** — its pods are
    stopped, and the other `helm` waiting for it times out (Helm 4) or takes the deletion for
    success (Helm 3, `--wait=legacy`) although the work was cut short. Hook objects carry no
    ownership labels, so nothing warns.

    This is information: it matters only when the chart is installed more than once per
    namespace.

    ## Example
    ```yaml
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: db-migrate
      annotations:
        helm.sh/hook: pre-upgrade
    ```

    ## Fix
    Derive the name from the release, like the chart's other resources:
    ```yaml
    metadata:
      name: {{ include "mychart.fullname" . }}-db-migrate
    ```
    """
    hook = res.hook
    if hook is None or not hook.known or hook.skipped or res.kind == "CustomResourceDefinition":
        return
    policies = hook.effective_delete_policies
    if policies is None or "before-hook-creation" not in policies:
        return
    name = _fixed_name(res, ctx.template)
    if name is None or not _release_scoped_names(ctx.chart, ctx.template):
        return
    yield ctx.violation(
        res.name_node.span,
        f"hook name `{name}` is the same for every release: with two releases of this chart in one "
        f"namespace, `before-hook-creation` of one deletes the other's {res.kind or 'hook'} (no owner is "
        "checked), even while it runs; derive the name from the release name",
    )


@rule("HK215", "test-logs-deleted-before-read", Severity.INFORMATION)
def test_logs_deleted_before_read(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    With `helmVersion` 3 or 4.0, flags a `Pod` test hook whose delete policy includes
    `hook-succeeded`.

    ## Why is this bad?
    `helm test --logs` prints the logs of the pod named like each test hook. In Helm 3 and Helm
    4.0 `helm test` deletes the `hook-succeeded` test pods before it fetches the logs
    ([helm test](helm-hooks.md#helm-test)), so `--logs` finds no pod and shows nothing for a test
    that passed. Helm 4.1 and later fetch the logs first; this rule is silent for them.

    ## Example
    ```yaml
    kind: Pod
    metadata:
      annotations:
        helm.sh/hook: test
        helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
    ```

    ## Fix
    Keep only `before-hook-creation` (the pod stays until the next `helm test`), or print the
    output with `helm.sh/hook-output-log-policy: hook-succeeded` (Helm 3.18 and later).
    """
    hook = res.hook
    if res.kind != "Pod" or hook is None or not hook.known or hook.skipped or "test" not in hook.events:
        return
    if versions.at_least(ctx.profile.helm_version, TEST_LOGS_BEFORE_CLEANUP_SINCE):
        return
    policies = hook.effective_delete_policies
    if policies is None or "hook-succeeded" not in policies or hook.delete_policy is None:
        return
    token = next((t for t in hook.delete_policy.tokens if t.value == "hook-succeeded"), None)
    span = token.span if token is not None else hook.delete_policy.content_span
    yield ctx.violation(
        span,
        "`helm test --logs` cannot show this pod's logs after it succeeds: Helm 3 and 4.0 delete "
        "`hook-succeeded` test pods before fetching the logs",
    )


@rule("HK216", "output-log-policy-before-helm-318", Severity.INFORMATION)
def output_log_policy_before_helm_318(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    When `helmVersion` names a Helm 3 minor version before 3.18 (`"3.17"`), flags a
    `helm.sh/hook-output-log-policy` annotation on a hook.

    ## Why is this bad?
    Helm reads `helm.sh/hook-output-log-policy` only from 3.18.0 on
    ([Versions this guide follows](helm-hooks.md#versions), [Output logs](helm-hooks.md#output-logs)).
    The Helm you target ignores it: the hook's logs are never printed, whatever it says. With
    `helmVersion` `"3"` or `"4"` (the newest minors) this rule is silent.

    ## Example
    ```yaml
    # .hook-lsp.toml: helm-version = "3.17"
    annotations:
      helm.sh/hook: pre-install
      helm.sh/hook-output-log-policy: hook-failed
    ```

    ## Fix
    Upgrade Helm to 3.18 or later, or read the logs yourself (`kubectl logs job/<name>`) and
    keep the Job for it (no `hook-failed` delete policy).
    """
    hook = res.hook
    if hook is None or hook.output_log_policy is None:
        return
    if versions.at_least(ctx.profile.helm_version, OUTPUT_LOG_POLICY_SINCE):
        return
    ann = hook.output_log_policy
    yield ctx.violation(
        ann.key_span,
        f"Helm {ctx.profile.helm_version} ignores `{ann.key}`: Helm reads it only from "
        f"{OUTPUT_LOG_POLICY_SINCE} on, so this hook's logs are never printed",
    )
