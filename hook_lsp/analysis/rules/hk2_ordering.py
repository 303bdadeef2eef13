"""HK2xx ordering: whether the objects a hook's pod needs exist when it runs.

Chart-wide rules over `references_of(chart)`: which document defines the ServiceAccount,
Secret, ConfigMap or PVC a hook's pod names, and whether that object exists at the moment Helm
creates the hook. A name the index cannot match, a definition whose annotations may come from
values, or several definitions of one name are unknowns: the rules stay silent.
"""

from __future__ import annotations

from typing import Iterator

from ...knowledge import annotations as A
from ..chart import Chart, HookEntry
from ..hook_model import Resource
from ..pods import Reference
from ..references import ChartReferences, Key, Site, references_of
from ..yaml_tree import YMap, YScalar, path_get
from .registry import FixAvailability, Related, RuleContext, Severity, Violation, rule

#: Kinds a missing object stops a pod from starting (`optional: true` references excluded).
_NEEDED_KINDS = ("ServiceAccount", "Secret", "ConfigMap", "PersistentVolumeClaim")


def _needed(res: Resource) -> list[Reference]:
    if res.workload is None:
        return []
    return [r for r in res.workload.references if not r.optional and r.kind in _NEEDED_KINDS]


def _known_hook(res: Resource) -> bool:
    return res.hook is not None and res.hook.known and not res.hook.skipped and bool(res.hook.events)


def _plain(site: Site) -> bool:
    """A normal resource for sure: no hook annotation, and none can come from values."""
    res = site.resource
    if res.document.problem is not None or res.document.partial:
        return False  # annotations after a syntax error are unseen
    return not res.meant_as_hook and not res.annotations_dynamic and res.annotation(A.HOOK) is None


def _kept(site: Site) -> bool:
    """Kept on uninstall (`helm.sh/resource-policy: keep`), or that cannot be ruled out."""
    ann = site.resource.annotation(A.RESOURCE_POLICY)
    return ann is not None and (not ann.known or (ann.helm_value or "").strip().lower() == "keep")


def _name(site: Site) -> str:
    res = site.resource
    return res.name or res.name_raw or "(unnamed)"


def _entry(chart: Chart, event: str, res: Resource) -> HookEntry | None:
    return chart.entry(event, res)


def _related(site: Site, message: str) -> list[Related]:
    return [Related(site.path, site.resource.name_node.span if site.resource.name_node else site.resource.anchor, message)]


def _context(ctx: RuleContext) -> tuple[Chart, ChartReferences] | None:
    if ctx.chart is None:
        return None
    refs = references_of(ctx.chart)
    return ctx.chart, refs


def _tails(a: str, b: str) -> tuple[str, str]:
    """The parts of two names after their common prefix (cut after a whole action)."""
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    cut = a.rfind("}}", 0, i) + 2 if "}}" in a[:i] else 0
    mark = "…" if cut else ""
    return mark + a[cut:], mark + b[cut:]


def _order_reason(mine: HookEntry, other: HookEntry) -> str:
    if mine.weight != other.weight:
        return f"its weight {other.weight} is higher than this hook's {mine.weight}"
    if mine.name != other.name:
        first, second = _tails(mine.label, other.label)
        return (
            f"both have weight {mine.weight}, and Helm then orders hooks by `metadata.name`, not by kind: "
            f"`{first}` sorts before `{second}`"
        )
    return "at equal weight and name Helm orders by kind and file, and it comes later"


@rule("HK202", "dependency-hook-runs-later", Severity.WARNING, FixAvailability.NONE)
def dependency_hook_runs_later(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a hook whose pod uses a ServiceAccount, Secret, ConfigMap or PersistentVolumeClaim
    that another hook of the same event creates, when Helm runs that other hook *after* this
    one.

    ## Why is this bad?
    Helm runs the hooks of an event one at a time, waiting for each Job or Pod to finish before
    creating the next ([How one hook runs](helm-hooks.md#running)). The order is weight ascending, then `metadata.name`
    ascending, and only then kind ([The order hooks run in](helm-hooks.md#order); Helm's documentation says kind comes before name, the
    code does not). When the object the pod needs comes later, the pod cannot start (no
    ServiceAccount, missing Secret or ConfigMap, unbound claim), Helm waits until `--timeout`,
    and the object is never created. Equal weights are the usual trap: a Job named `app-init`
    runs before a ServiceAccount named `app-sa` because `init` < `sa`.

    ## Example
    ```yaml
    # job.yaml
    kind: Job
    metadata:
      name: app-init
      annotations:
        helm.sh/hook: pre-install
    spec:
      template:
        spec:
          serviceAccountName: app-sa
    ---
    # serviceaccount.yaml
    kind: ServiceAccount
    metadata:
      name: app-sa
      annotations:
        helm.sh/hook: pre-install
    ```

    ## Fix
    Give the object the pod needs a lower `helm.sh/hook-weight` than the hook that uses it:
    ```yaml
        helm.sh/hook-weight: "-5"
    ```
    """
    found = _context(ctx)
    if found is None or not _known_hook(res):
        return
    chart, refs = found
    for ref in _needed(res):
        defs = refs.defined(refs.key_for(res, ref))
        if len(defs) != 1 or defs[0].resource is res or not _known_hook(defs[0].resource):
            continue
        other = defs[0]
        # In lifecycle order, so that the install (where nothing is left from earlier runs) comes first.
        for event in (e for e in A.EVENT_NAMES if e in res.hook.events):
            if event not in other.resource.hook.events:
                continue
            mine, theirs = _entry(chart, event, res), _entry(chart, event, other.resource)
            if mine is None or theirs is None or chart.runs_before(mine, theirs) is not True:
                continue
            yield ctx.violation(
                ref.span,
                f"{ref.kind} `{_name(other)}` is created by a `{event}` hook that runs after this one "
                f"({_order_reason(mine, theirs)}): the pod cannot start and Helm waits until "
                "`--timeout`; give it a lower `helm.sh/hook-weight`",
                related=_related(other, f"{ref.kind} `{_name(other)}`, created later in `{event}`"),
            )
            break


@rule("HK203", "pre-install-dependency-not-created", Severity.WARNING, FixAvailability.NONE)
def pre_install_dependency_not_created(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `pre-install` hook whose pod uses a ServiceAccount, Secret, ConfigMap or
    PersistentVolumeClaim that the chart creates as a normal (non-hook) resource.

    References marked `optional: true` are not flagged, nor objects that a `pre-install` hook
    of the chart also creates.

    ## Why is this bad?
    On `helm install` Helm runs every pre-install hook before it creates any normal resource
    of the chart ([Subcharts and CRDs](helm-hooks.md#subcharts-and-crds), [The order hooks run in](helm-hooks.md#order)). The object does not exist yet, so the pod cannot start:
    the Job waits for its ServiceAccount, Secret, ConfigMap or claim until `--timeout`, and the
    install fails with a timeout that does not name the cause. Upgrades work (the object exists
    by then), which is why this is often found only on a fresh cluster.

    ## Example
    ```yaml
    # job.yaml
    kind: Job
    metadata:
      annotations:
        helm.sh/hook: pre-install,pre-upgrade
    spec:
      template:
        spec:
          serviceAccountName: app
    ---
    # serviceaccount.yaml: a normal resource
    kind: ServiceAccount
    metadata:
      name: app
    ```

    ## Fix
    Create what the hook needs as a hook of the same events with a lower weight (a separate
    hook ServiceAccount or Secret for the Job is common), or make the hook `post-install`.
    """
    found = _context(ctx)
    if found is None or not _known_hook(res) or "pre-install" not in res.hook.events:
        return
    _chart, refs = found
    for ref in _needed(res):
        defs = refs.defined(refs.key_for(res, ref))
        if len(defs) != 1 or not _plain(defs[0]):
            continue
        other = defs[0]
        yield ctx.violation(
            ref.span,
            f"{ref.kind} `{_name(other)}` is a normal resource of this chart: on `helm install` it is "
            "created only after all pre-install hooks, so this pod cannot start and Helm waits until "
            "`--timeout`",
            related=_related(other, f"{ref.kind} `{_name(other)}`, created after the pre-install hooks"),
        )


@rule("HK204", "post-delete-dependency-already-deleted", Severity.WARNING, FixAvailability.NONE)
def post_delete_dependency_already_deleted(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `post-delete` hook that relies on a normal resource of the chart (one that is not
    a hook and not kept with `helm.sh/resource-policy: keep`): a ServiceAccount, Secret,
    ConfigMap or PersistentVolumeClaim its pod uses; the only RoleBinding/ClusterRoleBinding of
    its post-delete ServiceAccount; or the Role/ClusterRole a post-delete binding refers to.

    ## Why is this bad?
    `helm uninstall` deletes the release's normal resources first and starts the post-delete
    hooks right after the delete calls ([Hook objects and the release](helm-hooks.md#lifecycle)). By then the ServiceAccount, Secret or
    RBAC rules the hook relies on are gone: the pod cannot be created, or runs without the
    permissions it needs (a pod that cannot start is waited for until `--timeout`), and the
    uninstall ends with `uninstallation completed with 1 error(s)`.

    ## Example
    ```yaml
    kind: Job
    metadata:
      annotations:
        helm.sh/hook: post-delete
    spec:
      template:
        spec:
          serviceAccountName: app   # a normal ServiceAccount of the chart
    ```

    ## Fix
    Give the hook its own ServiceAccount and RBAC as `post-delete` hooks with lower weights
    (with `hook-succeeded,before-hook-creation` so they do not stay behind), or run the
    cleanup as a `pre-delete` hook.
    """
    found = _context(ctx)
    if found is None or not _known_hook(res) or "post-delete" not in res.hook.events:
        return
    _chart, refs = found
    for ref in _needed(res):
        key = refs.key_for(res, ref)
        defs = refs.defined(key)
        if len(defs) == 1 and _plain(defs[0]) and not _kept(defs[0]):
            other = defs[0]
            yield ctx.violation(
                ref.span,
                f"{ref.kind} `{_name(other)}` is a normal resource: `helm uninstall` deletes it before "
                "post-delete hooks run, so this pod cannot use it",
                related=_related(other, f"{ref.kind} `{_name(other)}`, deleted by the uninstall"),
            )
            continue
        # A normal binding of a ServiceAccount that is itself a post-delete hook: the binding
        # exists for the hook's sake, and uninstall removes it first.
        if ref.kind != "ServiceAccount" or len(defs) != 1 or not _known_hook(defs[0].resource):
            continue
        if "post-delete" not in defs[0].resource.hook.events:
            continue
        binding = _deleted_binding(refs, key)
        if binding is not None:
            yield ctx.violation(
                ref.span,
                f"{binding.resource.kind} `{_name(binding)}` that grants this ServiceAccount its permissions "
                "is a normal resource: `helm uninstall` deletes it before post-delete hooks run, so "
                "this pod runs without them",
                related=_related(binding, f"{binding.resource.kind} `{_name(binding)}`, deleted by the uninstall"),
            )
    if res.kind in ("RoleBinding", "ClusterRoleBinding"):
        yield from _deleted_role(res, ctx, refs)


def _deleted_binding(refs: ChartReferences, key: Key | None) -> Site | None:
    """The only binding of this ServiceAccount, when it is a normal resource uninstall removes."""
    bindings = refs.binding_sites(key)
    if len(bindings) != 1:
        return None  # none, or several (one may be a post-delete hook): unknown
    site = bindings[0]
    return site if _plain(site) and not _kept(site) else None


def _deleted_role(res: Resource, ctx: RuleContext, refs: ChartReferences) -> Iterator[Violation]:
    role_ref = path_get(res.document.root, "roleRef")
    if not isinstance(role_ref, YMap):
        return
    kind, name = role_ref.get("kind"), role_ref.get("name")
    if not (isinstance(kind, YScalar) and isinstance(name, YScalar)) or kind.value not in ("Role", "ClusterRole"):
        return
    template = ctx.template
    if template.masked.is_templated(kind.span):
        return
    literal = None if template.masked.is_templated(name.span) else name.value
    fake = Reference(kind.value, literal, name.span, template.text[name.span.start : name.span.end].strip(), "roleRef")
    defs = refs.defined(refs.key_for(res, fake))
    if len(defs) == 1 and _plain(defs[0]) and not _kept(defs[0]):
        other = defs[0]
        yield ctx.violation(
            name.span,
            f"{kind.value} `{_name(other)}` is a normal resource: `helm uninstall` deletes it before "
            "post-delete hooks run, so this binding grants nothing",
            related=_related(other, f"{kind.value} `{_name(other)}`, deleted by the uninstall"),
        )


def _deleted_by(events: set[str], event: str) -> bool:
    """Whether an object of hook ``events`` was deleted (after one of them) before ``event`` runs.

    An event of the same operation's pre phase, or of the install (which precedes every later
    operation), ran earlier; an object that is a hook of ``event`` itself is re-created there.
    """
    if event in events:
        return False
    later = A.EVENTS_BY_NAME[event]
    for name in events:
        ev = A.EVENTS_BY_NAME[name]
        if ev.operation == later.operation and ev.phase == "pre" and later.phase == "post":
            return True
        if ev.operation == "install" and later.operation != "install":
            return True
    return False


@rule("HK205", "hook-resource-deleted-while-in-use", Severity.WARNING, FixAvailability.NONE)
def hook_resource_deleted_while_in_use(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a ServiceAccount, Secret, ConfigMap or PersistentVolumeClaim hook with the
    `hook-succeeded` delete policy that a normal resource of the chart still uses, or a hook
    of a later event it does not belong to: the `post-` event of the same operation, or any
    event after the install (upgrade, rollback, delete, test).

    Use by hooks of the *same* event is fine and not flagged: Helm deletes `hook-succeeded`
    hooks only after all hooks of the event have succeeded ([When hook objects are deleted](helm-hooks.md#deletion)).

    ## Why is this bad?
    Once the hooks of its event have succeeded, Helm deletes the object. A Deployment that
    names it, or a hook of a later event (a post-install Job using a pre-install
    ServiceAccount), then finds it missing: its pods cannot be created, or fail to start
    (`serviceaccount "x" not found`, `secret "x" not found`).

    ## Example
    ```yaml
    kind: ServiceAccount
    metadata:
      name: app
      annotations:
        helm.sh/hook: pre-install
        helm.sh/hook-delete-policy: hook-succeeded
    ---
    kind: Deployment   # a normal resource
    spec:
      template:
        spec:
          serviceAccountName: app
    ```

    ## Fix
    Drop `hook-succeeded` from the object (keep `before-hook-creation`), add the later events
    to its `helm.sh/hook`, or make it a normal resource if normal resources need it.
    """
    found = _context(ctx)
    if found is None or not _known_hook(res) or res.kind not in _NEEDED_KINDS:
        return
    policies = res.hook.effective_delete_policies
    if policies is None or "hook-succeeded" not in policies or len(res.annotations_named(A.DELETE_POLICY)) > 1:
        return
    _chart, refs = found
    key = refs.key_of(res)
    if len(refs.defined(key)) != 1:
        return
    mine = set(res.hook.events)
    events = ", ".join(f"`{e}`" for e in dict.fromkeys(res.hook.events))
    seen: set[int] = set()
    for site, ref in refs.users(key):
        user = site.resource
        if ref.optional or id(user) in seen:
            continue
        if _plain(site):
            who = f"the normal {user.kind or 'resource'} `{_name(site)}`"
        elif _known_hook(user) and (later := [e for e in dict.fromkeys(user.hook.events) if _deleted_by(mine, e)]):
            who = f"the {', '.join(f'`{e}`' for e in later)} hook {user.kind or 'resource'} `{_name(site)}`"
        else:
            continue
        seen.add(id(user))
        ann = res.hook.delete_policy
        yield ctx.violation(
            ann.content_span if ann is not None else res.anchor,
            f"`hook-succeeded` deletes this {res.kind} once the {events} hooks have succeeded, but "
            f"{who} still uses it and will not find it",
            related=[Related(site.path, ref.span, f"{_name(site)} uses {res.kind} `{res.name or res.name_raw}` here")],
        )
