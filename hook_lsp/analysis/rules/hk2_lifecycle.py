"""HK2xx lifecycle: what happens to a hook object between runs.

Delete policies that leave a Job or Pod behind, hooks of kinds Helm does not wait for that are
deleted as soon as they are created, and ``generateName`` hooks.
"""

from __future__ import annotations

from typing import Iterator

from ...knowledge import annotations as A
from ...knowledge.kinds import POD_SPEC_PATHS, WAITED_KINDS
from ..gotemplate import tokenize
from ..hook_model import Resource
from ..references import references_of
from ..source import Span
from .registry import Fix, FixAvailability, Related, RuleContext, Severity, Violation, rule


#: When Helm 4 applies the hooks of each event server-side (#server-side-apply).
_SSA_WHEN = {
    "install": "install: by default",
    "upgrade": "upgrade: when the release was applied server-side, the default",
    "rollback": "rollback: when the release was applied server-side, the default",
    "delete": "uninstall: always",
    "test": "`helm test`: only when the release was applied server-side",
}


def _ssa_when(events: list[str]) -> str:
    """The server-side-apply conditions of the actions that run ``events``, in lifecycle order."""
    actions = dict.fromkeys("test" if e == "test" else e.split("-", 1)[1] for e in events)
    return "; ".join(_SSA_WHEN[a] for a in actions if a in _SSA_WHEN)


@rule("HK201", "missing-before-hook-creation", Severity.WARNING, FixAvailability.SOMETIMES)
def missing_before_hook_creation(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `Job` or `Pod` hook whose `helm.sh/hook-delete-policy` leaves the object in the
    cluster after some runs and does not list `before-hook-creation`. With no delete policy at
    all Helm applies `before-hook-creation` itself, so that case is fine.

    Not flagged: `hook-succeeded,hook-failed` together (the object then stays only when the
    Helm process itself is interrupted), Jobs with `ttlSecondsAfterFinished`, which the TTL
    controller removes, hooks whose name is random or time-based (`randAlphaNum`, `uuidv4`,
    `now`...), and upgrade or rollback hooks whose name has `.Release.Revision`, so that the next
    run never meets the leftover object.

    ## Why is this bad?
    Helm applies the default `before-hook-creation` only when the annotation is absent; any
    value turns it off ([Delete policies](helm-hooks.md#delete-policies)). With `hook-succeeded` alone a *failed* Job stays; with
    `hook-failed` alone a *successful* one does. The next time the hook runs (the next upgrade,
    the next `helm test`), Helm creates the object again under the same name:

    - Helm 3 (and Helm 4 with `--server-side=false`) fails with
      `jobs.batch "<name>" already exists`, and keeps failing until someone deletes the Job
      by hand ([Delete policies](helm-hooks.md#delete-policies)).
    - Helm 4 creates hooks with server-side apply **when the action uses it**
      ([Server-side apply](helm-hooks.md#server-side-apply)): install by default, upgrade and
      rollback when the release was applied server-side (`--server-side=auto`, the default,
      follows the previous release), uninstall always, `helm test` only when the release was.
      Server-side apply patches the leftover object: an unchanged Job is not run again (its old
      status counts, so an old failure fails again), and a changed one fails because a Job's
      `spec.template` is immutable (inferred from Helm's source). Without server-side apply Helm
      4 fails with `already exists` like Helm 3.

    ## Example
    ```yaml
    kind: Job
    metadata:
      annotations:
        helm.sh/hook: pre-upgrade
        helm.sh/hook-delete-policy: hook-succeeded
    ```

    ## Fix
    Add `before-hook-creation`, which deletes the leftover object just before the hook is
    created again (the quick fix does this):
    ```yaml
        helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
    ```
    """
    hook = res.hook
    if hook is None or res.kind not in WAITED_KINDS or not hook.known or hook.skipped:
        return
    alternatives = res.annotations_named(A.DELETE_POLICY)
    if not alternatives or any(not ann.known for ann in alternatives):
        return
    ann = alternatives[0]
    policies = [t.value for t in ann.tokens]
    if any(p not in A.DELETE_POLICIES for p in policies):
        return  # unknown or empty policies have their own rule (the typo is the real problem)
    for other in alternatives:
        if "before-hook-creation" in [t.value for t in other.tokens]:
            return
    if "hook-succeeded" in policies and "hook-failed" in policies:
        return
    if res.workload is not None and res.workload.ttl_seconds_after_finished is not None:
        return  # the TTL controller removes the finished Job
    if _name_differs_each_render(res, ctx):
        return  # the next run creates an object under another name: nothing collides
    if ctx.profile.deletes_before_creation(res):
        return  # e.g. Argo CD's own delete-policy annotation lists BeforeHookCreation
    if set(hook.events) <= _NEW_REVISION_EVENTS and _name_has_revision(res, ctx):
        return  # every upgrade or rollback is a new revision: a new name each run
    left = "a failed" if "hook-succeeded" in policies else "a successful"
    kind = res.kind
    if ctx.profile.leftover_hook_consequence(kind):
        consequence = ctx.profile.leftover_hook_consequence(kind)
    elif ctx.helm3:
        consequence = (
            f"the next run then fails with `{_plural(kind)} \"{res.name or '<name>'}\" already exists` "
            "until the object is deleted by hand"
        )
    else:
        consequence = (
            f"where Helm 4 applies hooks server-side ({_ssa_when(hook.events)}) it patches the leftover object: "
            f"an unchanged {kind} is not run again and its old status counts, a changed one fails on immutable "
            "fields (inferred); without server-side apply the next run fails with `already exists`"
        )
    fixes = []
    # Edit only text written in this template (not a value resolved from values or helpers).
    if ann.origin in ("yaml", "dict") and ann.tokens and all(t.exact for t in ann.tokens) and ann.style not in ("|", ">"):
        first = ann.tokens[0].span.start
        fixes.append(
            Fix.replace(
                Span(first, first),
                "before-hook-creation,",
                "Add `before-hook-creation` to the delete policies",
            )
        )
    yield ctx.violation(
        ann.content_span,
        f"delete policy `{ann.helm_value}` turns off the default `before-hook-creation`, so {left} "
        f"{kind} hook stays in the cluster; {consequence}",
        fixes,
    )


#: Sprig functions whose result changes on every render: a name built with one of them is new
#: each time the hook runs.
_PER_RENDER_FUNCS = frozenset(
    "randAlpha randAlphaNum randNumeric randAscii randBytes randInt uuidv4 now unixEpoch".split()
)


def _name_differs_each_render(res: Resource, ctx: RuleContext) -> bool:
    """True when a ``metadata.name`` (any ``if``/``else`` alternative) calls a per-render function."""
    if res.metadata is None:
        return False
    for key, value in res.metadata.items():
        if key.value != "name":
            continue
        for action in ctx.template.masked.actions_in(value.span):
            if any(t.kind == "ident" and t.text in _PER_RENDER_FUNCS for t in tokenize(action.body, action.body_start)):
                return True
    return False


#: Events whose every run belongs to a new revision. (A re-install after an uninstall starts at
#: revision 1 again, a retried uninstall or `helm test` keeps the revision: names repeat there.)
_NEW_REVISION_EVENTS = frozenset({"pre-upgrade", "post-upgrade", "pre-rollback", "post-rollback"})


def _name_has_revision(res: Resource, ctx: RuleContext) -> bool:
    """True when ``metadata.name`` renders `.Release.Revision` (a new name on every revision)."""
    node = res.name_node
    if node is None or ".Release.Revision" in ctx.profile.template_constants().fields:
        return False  # (Argo CD renders with `helm template`: the revision is always 1)
    return any(".Release.Revision" in a.body for a in ctx.template.masked.actions_in(node.span))


def _plural(kind: str) -> str:
    return {"Job": "jobs.batch", "Pod": "pods"}.get(kind, kind.lower())


@rule("HK210", "unwaited-hook-workload-deleted", Severity.WARNING)
def unwaited_hook_workload_deleted(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `Deployment`, `StatefulSet`, `DaemonSet`, `ReplicaSet` or `CronJob` hook that has
    the `hook-succeeded` delete policy when no `Job` or `Pod` hook runs after it in the same
    event: the chart seems to expect its pods to do something before the hook is cleaned up,
    but nothing waits for them.

    ## Why is this bad?
    Helm waits only for `Job` hooks (until complete) and `Pod` hooks (until succeeded). Every
    other kind is "ready" as soon as the API server accepts it ([What Helm waits for](helm-hooks.md#waiting)). `hook-succeeded`
    deletes the hook once all hooks of the event are done ([When hook objects are deleted](helm-hooks.md#deletion)); when none of the later hooks
    waits for anything, that is a moment after the workload was created, usually before its
    pods have even pulled their images. Whatever the workload was meant to do is cut short.

    A workload hook is fine when a later `Job` hook of the same event waits for it (the
    image-puller pattern), and that case is not flagged.

    ## Example
    ```yaml
    kind: Deployment
    metadata:
      annotations:
        helm.sh/hook: pre-install
        helm.sh/hook-delete-policy: hook-succeeded
    ```

    ## Fix
    Run the task as a `Job` hook (Helm waits until it completes), or add a `Job` hook with a
    higher weight that waits for the workload to finish its work.
    """
    hook = res.hook
    if hook is None or ctx.chart is None or not hook.known or hook.skipped:
        return
    if res.kind in WAITED_KINDS or res.kind not in POD_SPEC_PATHS:
        return
    policies = hook.effective_delete_policies
    if policies is None or "hook-succeeded" not in policies or not hook.events:
        return
    if len(res.annotations_named(A.DELETE_POLICY)) > 1:
        return
    chart = ctx.chart
    for event in dict.fromkeys(hook.events):
        entries = chart.order(event)
        mine = next((e for e in entries if e.resource is res), None)
        if mine is None:
            return
        for other in entries:
            if other is mine or other.resource.kind not in WAITED_KINDS:
                continue
            if chart.runs_before(other, mine) is not True:
                return  # a waited hook may run after it (or the order is unknown)
    ann = res.annotations_named(A.DELETE_POLICY)[0]
    events = ", ".join(f"`{e}`" for e in dict.fromkeys(hook.events))
    yield ctx.violation(
        res.anchor,
        f"Helm does not wait for a {res.kind} hook (it is ready once created) and no Job or Pod "
        f"hook runs after it in {events}, so `hook-succeeded` deletes it right after it is created, "
        "before its pods can do their work",
        related=[Related(ctx.template.path, ann.value_span, "the delete policy that removes it")],
    )


@rule("HK212", "hook-generate-name", Severity.INFORMATION)
def hook_generate_name(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a hook that has `metadata.generateName` and no `metadata.name`.

    ## Why is this bad?
    Helm finds hook objects by `metadata.name`: the default `before-hook-creation` delete, the
    wait for a Job or Pod, the `hook-succeeded`/`hook-failed` deletes and `helm test --logs`
    all build their request from the manifest's name. With an empty name the delete is expected
    to fail with `resource name may not be empty`, and Helm 4's server-side apply needs a name
    to create the object at all ([How one hook runs](helm-hooks.md#running)). This is inferred from Helm's source and was
    not run against a cluster, hence the information level.

    ## Example
    ```yaml
    kind: Job
    metadata:
      generateName: db-migrate-
      annotations:
        helm.sh/hook: pre-upgrade
    ```

    ## Fix
    Give the hook a fixed `metadata.name` and let `before-hook-creation` remove the previous
    run's object, or add `{{ .Release.Revision }}` to the name for one object per revision.
    """
    if res.hook is None or res.generate_name is None or res.name_node is not None:
        return
    if not res.hook.known or res.hook.skipped:
        return
    yield ctx.violation(
        res.generate_name.span,
        "Helm finds hooks by `metadata.name`: with only `generateName` the default "
        "`before-hook-creation` delete and the wait for this hook are expected to fail "
        "(`resource name may not be empty`), and Helm 4's server-side apply needs a name "
        "(inferred from Helm's source); use a fixed name",
    )


def _scratch_for_hooks(res: Resource, ctx: RuleContext) -> bool:
    """True when only hook pods mount the claim: scratch space that is meant to start empty."""
    if ctx.chart is None:
        return False
    refs = references_of(ctx.chart)
    users = refs.users(refs.key_of(res))
    return bool(users) and all(site.resource.hook is not None for site, _ in users)


@rule("HK213", "hook-pvc-recreated", Severity.WARNING)
def hook_pvc_recreated(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `PersistentVolumeClaim` that is a hook of an upgrade, rollback or test event and
    keeps `before-hook-creation` (Helm's default when no delete policy is given). Not flagged:
    a claim that only hook pods mount (scratch space for the hooks, meant to start empty).

    ## Why is this bad?
    `before-hook-creation` deletes the previous object just before the hook is created again
    ([When hook objects are deleted](helm-hooks.md#deletion)), so **every `helm upgrade` deletes the claim and creates a new, empty one**.
    With a dynamically provisioned volume (reclaim policy `Delete`, the usual default)
    Kubernetes then deletes the data too. While a pod still mounts the claim, Kubernetes'
    `pvc-protection` finalizer holds the deletion: Helm 3 waits for it up to `--timeout` and
    fails the upgrade; Helm 4 waits the same way in `helm test` and with `--wait`, `--wait=legacy` or
    `--rollback-on-failure`, and otherwise does not wait, so the new claim collides with the one
    that is still terminating ([Whether Helm waits for a deletion](helm-hooks.md#deletion-wait)). Hook objects are not part of the release either, so the
    claim also outlives `helm uninstall` ([Hook objects and the release](helm-hooks.md#lifecycle)).

    ## Example
    ```yaml
    kind: PersistentVolumeClaim
    metadata:
      name: cache
      annotations:
        helm.sh/hook: pre-install,pre-upgrade
    ```

    ## Fix
    Make the claim a normal resource of the chart (optionally with
    `helm.sh/resource-policy: keep`), or a `pre-install` hook only, which Helm does not run
    again on upgrade (under Argo CD every sync runs `pre-install` hooks too: only a plain
    resource keeps the claim):
    ```yaml
    kind: PersistentVolumeClaim
    metadata:
      name: cache
      annotations:
        helm.sh/resource-policy: keep
    ```
    """
    hook = res.hook
    if res.kind != "PersistentVolumeClaim" or hook is None or not hook.known or hook.skipped:
        return
    if not ctx.profile.deletes_before_creation(res):
        return
    recurring = [e for e in dict.fromkeys(hook.events) if e in ctx.profile.recurring_events()]
    if not recurring or _scratch_for_hooks(res, ctx):
        return
    how = f"{ctx.profile.hook_runner}'s default `before-hook-creation`" if not hook.delete_policies else "`before-hook-creation`"
    span = next((t.span for t in hook.event_tokens if t.value in recurring), hook.annotation.content_span)
    yield ctx.violation(
        span,
        f"this PersistentVolumeClaim is a `{recurring[0]}` hook with {how}: "
        f"{ctx.profile.rerun_phrase(recurring[0])} deletes the claim "
        "and creates a new, empty one (with a dynamically provisioned volume the data is deleted "
        "too), and while a pod still mounts it the deletion is held by Kubernetes' pvc-protection "
        "finalizer",
    )
