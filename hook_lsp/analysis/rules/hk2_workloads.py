"""HK220: long-running kinds (Deployment, StatefulSet, Service...) declared as hooks.

A hook is a task of an event. Helm waits only for Job and Pod hooks, and hook objects live
outside the release: upgrades do not patch them and `helm uninstall` does not delete them. A
Deployment or Service that is a hook therefore starts without anyone waiting for it, and then
either lingers forever or is deleted and re-created on each upgrade. The wording comes from
`knowledge.workload_hooks`, keyed by deployer.
"""

from __future__ import annotations

from typing import Iterator

from ...knowledge import annotations as A
from ...knowledge.workload_hooks import LONG_LIVED_KINDS, workload_hook_message
from ..hook_model import Resource
from .annotation_support import literal, removal_fix
from .registry import Fix, FixAvailability, RuleContext, Severity, Violation, rule

def _fix(res: Resource, text: str) -> list[Fix]:
    """One unsafe fix removing every hook annotation line (the resource becomes a normal one)."""
    edits = []
    for key in (A.HOOK, A.WEIGHT, A.DELETE_POLICY, A.OUTPUT_LOG_POLICY):
        for ann in res.annotations_named(key):
            if not literal(ann):
                return []
            fix = removal_fix(ann, text, "")
            if fix is None:
                return []
            edits.extend(fix.edits)
    if not edits:
        return []
    title = "Make it a normal resource of the chart (remove the hook annotations)"
    return [Fix(title, tuple(sorted(edits, key=lambda e: e.span.start)), safe=False)]


@rule("HK220", "long-running-kind-as-hook", Severity.WARNING, FixAvailability.SOMETIMES)
def long_running_kind_as_hook(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `Deployment`, `StatefulSet`, `DaemonSet`, `ReplicaSet`, `ReplicationController`,
    `CronJob`, `Service` or `Ingress` that is a hook of an install, upgrade, rollback or delete
    event and that no delete policy removes when its event is over (no `hook-succeeded`).

    Not flagged: hooks with `hook-succeeded` (a temporary object, such as an image puller that a
    later Job hook waits for; HK210 covers the case where nothing waits), `test`-only hooks,
    ServiceAccounts, Secrets, ConfigMaps and other objects charts deliberately create as hooks,
    and delete policies that come from values.

    ## Why is this bad?
    Helm waits only for Job hooks (until complete) and Pod hooks (until succeeded); any other
    kind is "ready" once the API server accepts it, so the next step of the install or upgrade
    starts before the workload's pods exist. And hook objects are not part of the release: an
    upgrade never updates them (with the default `before-hook-creation` and an upgrade event,
    each upgrade deletes the object and creates it again, with an outage in between), and
    `helm uninstall` never removes them, so they keep running after the release is gone.

    ## Example
    ```yaml
    kind: Deployment
    metadata:
      name: worker
      annotations:
        helm.sh/hook: post-install,post-upgrade
    ```

    ## Fix
    Make it a normal resource of the chart: remove the `helm.sh/hook*` annotations (the quick
    fix, marked unsafe because Helm then manages the object with the release). For one-off
    work that must happen at an event, use a `Job` hook, which Helm waits for.
    """
    hook = res.hook
    if res.kind not in LONG_LIVED_KINDS or hook is None or not hook.known or hook.skipped:
        return
    events = list(dict.fromkeys(hook.events))
    if not events or all(e == "test" for e in events):
        return
    if len(res.annotations_named(A.DELETE_POLICY)) > 1 or len(hook.alternatives) > 1:
        return  # if/else branches: which policy applies depends on values
    policies = hook.effective_delete_policies
    if policies is None or "hook-succeeded" in policies:
        return
    ann = hook.annotation
    span = ann.content_span if literal(ann) else res.anchor
    yield ctx.violation(
        span,
        f"this {res.kind} is a {'/'.join(f'`{e}`' for e in events)} hook: "
        + workload_hook_message(res.kind, events, policies, ctx.profile.deployer, ctx.helm3),
        _fix(res, ctx.template.text),
    )
