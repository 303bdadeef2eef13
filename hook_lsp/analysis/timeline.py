"""The lifecycle timeline of a chart: what Helm does, in order, for one operation.

`timeline(chart, operation)` returns plain data (`Timeline` → `Step` → `TimelineHook`) for
install, upgrade, rollback, uninstall and test: the hooks of each event in Helm's exact order
(`Chart.order`: weight, then name, then kind, then file — across subcharts, which Helm sorts
globally), the step where the chart's own resources are applied or deleted,
what Helm waits for at each step (#waiting, #lifecycle ``--wait``), and when each hook object is deleted
(#deletion: ``before-hook-creation`` just before that hook is created, ``hook-failed`` right after it
fails, ``hook-succeeded`` only after *all* hooks of the event succeeded, in reverse order).
`hook_positions` gives one hook's place ("pre-upgrade 2/4 · weight -5 · after db-backup") for
code lenses and inlay hints. Everything is computed on request from the cached chart order.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..knowledge import versions
from ..knowledge.annotations import OUTPUT_LOG_POLICY_SINCE
from ..knowledge.policies import SUCCEEDED_CLEANUP_ON_FAILURE_SINCE
from ..knowledge.kinds import NEVER_DELETED_KINDS
from .chart import Chart, HookEntry
from .hook_model import Resource, TemplateAnalysis

OPERATIONS: tuple[str, ...] = ("install", "upgrade", "rollback", "uninstall", "test")

#: The events of each operation and what happens to the chart's own resources between them.
_PLAN: dict[str, tuple[str | None, str | None, str | None]] = {
    "install": ("pre-install", "apply", "post-install"),
    "upgrade": ("pre-upgrade", "apply", "post-upgrade"),
    "rollback": ("pre-rollback", "apply", "post-rollback"),
    "uninstall": ("pre-delete", "delete", "post-delete"),
    "test": ("test", None, None),
}
#: The operation each event belongs to.
_OPERATION_OF = {event: op for op, plan in _PLAN.items() for event in plan if event not in (None, "apply", "delete")}


@dataclass
class TimelineHook:
    """One hook's run within its event."""

    event: str
    #: 1-based position in the event and the number of hooks in it.
    position: int
    total: int
    kind: str | None
    name: str
    path: str
    #: 1-based line of the resource's ``kind`` (or start).
    line: int
    #: Helm's weight; None when templated (then the position is uncertain).
    weight: int | None
    #: The subchart that renders it ("" for the chart itself).
    subchart: str
    #: What Helm waits for after creating it (#waiting).
    waits_for: str
    #: Effective delete policies (#delete-policies); None when templated.
    delete_policies: list[str] | None
    #: When this hook's object is deleted, one sentence per policy (#deletion).
    deletion: list[str]
    #: Rendered only under a condition (an ``if`` on values): it may not exist at all.
    conditional: bool = False
    #: Where its annotations came from: ``yaml``, ``dict`` or ``resolved`` (helpers/values).
    origin: str = "yaml"
    #: False when a templated weight or name makes the order uncertain.
    order_certain: bool = True
    #: Why the order is not certain (None when it is).
    uncertain_why: str | None = None
    #: Rendered ``metadata.namespace`` ("" when the release namespace applies; None if unknown).
    namespace: str | None = ""
    #: Why the name stays templated (None when it is Helm's).
    name_why: str | None = None


@dataclass
class Step:
    """One step of an operation."""

    #: ``crds``, ``hooks``, ``resources``, ``cleanup``.
    kind: str
    title: str
    #: What Helm waits for before the next step.
    waits: str
    #: Reference sections backing this step.
    refs: list[str] = field(default_factory=list)
    event: str | None = None
    hooks: list[TimelineHook] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Timeline:
    chart: str
    root: str
    operation: str
    helm_version: str
    steps: list[Step]
    notes: list[str] = field(default_factory=list)
    #: The lifecycle profile (``helm``, ``argocd@3.5``...) whose sequence this is.
    deployer: str = "helm"

    def as_json(self) -> dict:
        return asdict(self)

    @property
    def hooks(self) -> list[TimelineHook]:
        return [h for s in self.steps for h in s.hooks]


def _waits_for(kind: str | None) -> str:
    # #waiting: only Job and Pod are watched; every other kind counts as ready once created.
    if kind == "Job":
        return "the Job to be Complete (fails on Failed or at --timeout)"
    if kind == "Pod":
        return "the Pod to Succeed (fails on Failed or at --timeout)"
    return "nothing: ready as soon as it is created"


def _deletion_wait(operation: str, version: str) -> str:
    """Whether Helm waits for a policy deletion to finish, for this operation (#deletion-wait)."""
    if versions.is_helm3(version):
        return "waits for it to be gone (up to --timeout)"
    if operation == "test":
        return "waits for it to be gone (helm test always uses the watcher)"
    return "does not wait for it to be gone unless --wait, --wait=legacy or --rollback-on-failure is given"


def _deletion(entry: HookEntry, policies: list[str] | None, operation: str, version: str) -> list[str]:
    kind = entry.resource.kind
    if kind in NEVER_DELETED_KINDS:
        return ["never deleted: Helm does not delete CustomResourceDefinition hooks"]
    if policies is None:
        return ["delete policy is templated: unknown"]
    out = []
    if "before-hook-creation" in policies:
        out.append(
            "before-hook-creation: the previous object (same kind, namespace and name, whichever release made it) "
            f"is deleted just before this one is created; Helm {_deletion_wait(operation, version)}"
        )
    if "hook-succeeded" in policies:
        out.append(
            f"hook-succeeded: deleted only after every {entry.event} hook succeeded, in reverse order"
        )
    if "hook-failed" in policies:
        out.append("hook-failed: deleted right after it fails or times out (not when creating it failed)")
    if not out:
        out.append("kept: no policy deletes it, and `helm uninstall` never removes hook objects")
    return out


_ACTION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.DOTALL)
_DEFINE_NAME = re.compile(r"""\b(?:include|template)\s+"([^"]+)\"""")
_VALUE_PATH = re.compile(r"\.Values\.([A-Za-z0-9_.]+)")


def display_name(raw: str) -> str:
    """A templated name made readable: ``{{ include "x.fullname" . }}-job`` -> ``‹fullname›-job``."""
    if "{{" not in raw:
        return raw

    def short(m: re.Match) -> str:
        body = m.group(1)
        d = _DEFINE_NAME.search(body)
        if d:
            return f"‹{d.group(1).rsplit('.', 1)[-1]}›"
        v = _VALUE_PATH.search(body)
        if v:
            return f"‹{v.group(1)}›"
        if ".Release.Name" in body:
            return "‹release›"
        return "‹…›"

    return _ACTION.sub(short, raw)


def _subchart(chart: Chart, path: str) -> str:
    render = chart.render_paths.get(path, "")
    parts = render.split("/")
    subs = [parts[i + 1] for i in range(len(parts) - 1) if parts[i] == "charts"]
    return "/".join(subs)


def _entry_hook(chart: Chart, e: HookEntry, position: int, total: int, certain: str | None) -> TimelineHook:
    res = e.resource
    hook = res.hook
    policies = hook.effective_delete_policies if hook else None
    line = e.template.index.position(res.anchor.start)[0] + 1
    return TimelineHook(
        event=e.event,
        position=position,
        total=total,
        kind=res.kind,
        name=display_name(e.label),
        path=e.path,
        line=line,
        weight=e.weight,
        subchart=_subchart(chart, e.path),
        waits_for=_waits_for(res.kind),
        delete_policies=policies,
        deletion=_deletion(e, policies, _OPERATION_OF.get(e.event, "install"), chart.profile.helm_version),
        conditional=bool(hook and hook.annotation.conditional),
        origin=hook.annotation.origin if hook else "yaml",
        order_certain=certain is None,
        uncertain_why=certain,
        namespace=e.namespace,
        name_why=None if e.name_known else e.name_why,
    )


def uncertainty(chart: Chart, entries: list[HookEntry], i: int) -> str | None:
    """None when the place of the hook at ``i`` is certain, else why not.

    Its place is certain only when its order against *every* other hook of the event is known:
    a hook with an unknown name elsewhere in the list could sort before or after it."""
    e = entries[i]
    for j, other in enumerate(entries):
        if j == i:
            continue
        a, b = (other, e) if j < i else (e, other)
        if chart.runs_before(a, b) is None:
            return _why_uncertain(chart, a, b)
    return None


def _why_uncertain(chart: Chart, a: HookEntry, b: HookEntry) -> str:
    for x in (a, b):
        if x.weight is None:
            return f"the weight of {display_name(x.label)} is templated"
    for x in (a, b):
        if not x.name_known:
            return f"the name of {display_name(x.label)} is not known: {x.name_why or 'templated'}"
    return (
        f"with weight {a.weight}, the names decide, and they depend on the release name "
        f"(assumed {chart.release_name!r}; set it with --release-name)"
    )


def event_hooks(chart: Chart, event: str) -> list[TimelineHook]:
    entries = chart.order(event)
    return [_entry_hook(chart, e, i + 1, len(entries), uncertainty(chart, entries, i)) for i, e in enumerate(entries)]


def _hook_step(chart: Chart, event: str) -> Step:
    hooks = event_hooks(chart, event)
    refs = ["#order", "#running", "#waiting", "#deletion"]
    if not hooks:
        return Step("hooks", f"{event} hooks: none", "nothing", refs, event)
    return Step(
        "hooks",
        f"{event} hooks ({len(hooks)}), one at a time",
        "each hook: Jobs until Complete, Pods until Succeeded, other kinds not at all; --timeout applies to each hook",
        refs,
        event,
        hooks,
    )


def _cleanup_step(event: str, hooks: list[TimelineHook], chart: Chart) -> Step | None:
    doomed = [h for h in hooks if h.delete_policies and "hook-succeeded" in h.delete_policies and h.kind not in NEVER_DELETED_KINDS]
    logged = [h for h in hooks if h.kind in ("Job", "Pod") and "hook-succeeded" in _output_log_policies(chart, h)]
    if not doomed and not logged:
        return None
    step = Step(
        "cleanup",
        f"after all {event} hooks succeeded: delete the hook-succeeded ones, last first",
        "nothing",
        ["#deletion", "#output-logs"],
        event,
        list(reversed(doomed)),
    )
    if logged and versions.at_least(chart.profile.helm_version, OUTPUT_LOG_POLICY_SINCE):
        step.notes.append(
            "hook-succeeded output logs are printed here, last hook first, only once every hook of the event "
            "succeeded: never when a later hook fails"
        )
    if doomed:
        if versions.at_least(chart.profile.helm_version, SUCCEEDED_CLEANUP_ON_FAILURE_SINCE):
            since = "" if versions.minor_known(chart.profile.helm_version) or not versions.is_helm3(chart.profile.helm_version) else f" (since Helm {SUCCEEDED_CLEANUP_ON_FAILURE_SINCE})"
            step.notes.append(f"if a later hook fails, the hook-succeeded hooks that already ran are deleted too{since}")
        else:
            step.notes.append(f"if a later hook fails, the hook-succeeded hooks that already ran stay (Helm {SUCCEEDED_CLEANUP_ON_FAILURE_SINCE} deletes them)")
    return step


def _output_log_policies(chart: Chart, hook: TimelineHook) -> list[str]:
    for e in chart.order(hook.event):
        if e.path == hook.path and display_name(e.label) == hook.name and e.resource.kind == hook.kind:
            ann = e.resource.hook.output_log_policy if e.resource.hook else None
            if ann is not None and ann.known:
                return [t.value for t in ann.tokens]
            return []
    return []


def _resources_step(operation: str, helm3: bool) -> Step:
    if operation == "uninstall":
        waits = (
            "nothing by default: post-delete hooks start right after the delete calls; with --wait, until the objects are gone"
        )
        return Step(
            "resources",
            "delete the chart's resources (hook objects are not part of the release and are left alone)",
            waits,
            ["#lifecycle"],
            notes=["resources annotated `helm.sh/resource-policy: keep` are kept"],
        )
    if helm3:
        verb = {"install": "create", "upgrade": "update (three-way merge)", "rollback": "restore (three-way merge)"}[operation]
    else:
        verb = {
            "install": "create (server-side apply by default)",
            "upgrade": "update (server-side apply when the release was applied that way, the default; else three-way merge)",
            "rollback": "restore (server-side apply when the release was applied that way, the default; else three-way merge)",
        }[operation]
    if helm3:
        waits = "nothing by default (post hooks start as soon as the API calls return); with --wait, until resources are ready"
    else:
        waits = (
            "nothing by default (--wait=hookOnly: post hooks start as soon as the API calls return); "
            "with --wait / --rollback-on-failure, until resources are ready"
        )
    refs = ["#lifecycle", "#failures"] if helm3 else ["#server-side-apply", "#lifecycle", "#failures"]
    return Step("resources", f"{verb} the chart's resources", waits, refs)


#: What a helm process killed while this operation's hooks run leaves behind (#interrupted).
_INTERRUPTED = {
    "install": "if helm is killed while hooks run (not a Ctrl-C it can handle), the release stays `pending-install`: "
    "the next install or upgrade refuses until it is uninstalled",
    "upgrade": "if helm is killed while hooks run (not a Ctrl-C it can handle), the release stays `pending-upgrade`: "
    "the next upgrade refuses until it is rolled back",
    "rollback": "if helm is interrupted while hooks run, the release stays `pending-rollback`: the next upgrade "
    "refuses until another rollback succeeds",
}


def timeline(chart: Chart, operation: str = "install") -> Timeline:
    """The ordered steps of ``operation`` for ``chart`` (see the module docstring)."""
    if operation not in _PLAN:
        raise ValueError(f"unknown operation {operation!r}; one of {', '.join(OPERATIONS)}")
    if not chart.profile.is_helm:
        from . import timeline_deployers

        if chart.profile.is_argocd:
            return timeline_deployers.argocd_timeline(chart, operation)
        return timeline_deployers.adjust_embedded(_helm_timeline(chart, operation), chart)
    return _helm_timeline(chart, operation)


def _helm_timeline(chart: Chart, operation: str) -> Timeline:
    helm3 = chart.profile.helm3
    steps: list[Step] = []
    notes: list[str] = []
    pre, middle, post = _PLAN[operation]
    if operation == "install" and _has_crds(chart.root):
        steps.append(
            Step(
                "crds",
                "create the CRDs of crds/ (existing ones are skipped)",
                "up to 60 s for them to be established" if helm3 else "nothing unless --wait (Helm 4 hookOnly)",
                ["#subcharts-and-crds"],
            )
        )
    if operation == "upgrade" and _has_crds(chart.root):
        notes.append("crds/ is not touched by upgrade")
    if operation == "rollback":
        notes.append("rollback runs the hooks stored in the target revision, as they were rendered then")
    if operation in ("uninstall", "test"):
        notes.append("uses the hooks stored in the last revision")
    if operation in _INTERRUPTED:
        notes.append(_INTERRUPTED[operation])
    for event in (pre, middle, post):
        if event is None:
            continue
        if event in ("apply", "delete"):
            steps.append(_resources_step(operation, helm3))
            continue
        step = _hook_step(chart, event)
        steps.append(step)
        cleanup = _cleanup_step(event, step.hooks, chart)
        if cleanup is not None:
            steps.append(cleanup)
    if any(not h.order_certain for s in steps for h in s.hooks):
        notes.append("some weights or names are templated: their order is uncertain")
    return Timeline(chart.name, str(chart.root), operation, chart.profile.helm_version, steps, notes)


def _has_crds(root: Path) -> bool:
    crds = Path(root) / "crds"
    try:
        return crds.is_dir() and any(crds.iterdir())
    except OSError:
        return False


# -- one hook's place --------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where one hook runs in one of its events."""

    event: str
    position: int
    total: int
    weight: int | None
    previous: str | None
    certain: bool

    @property
    def label(self) -> str:
        weight = "weight ?" if self.weight is None else f"weight {self.weight}"
        after = f"after {self.previous}" if self.previous else "runs first"
        if not self.certain:
            after += " (order uncertain)"
        return f"{self.event} {self.position}/{self.total} · {weight} · {after}"


def hook_positions(chart: Chart, template: TemplateAnalysis, resource: Resource) -> list[Placement]:
    """The place of ``resource`` in each event it runs in (empty if it is not a known hook)."""
    if chart.profile.is_argocd:
        from .timeline_deployers import argocd_positions

        return argocd_positions(chart, resource)
    hook = resource.hook
    if hook is None or hook.skipped:
        return []
    out = []
    for event in dict.fromkeys(hook.events):
        entries = chart.order(event)
        for i, e in enumerate(entries):
            if e.resource is resource:
                prev = display_name(entries[i - 1].label) if i > 0 else None
                out.append(Placement(event, i + 1, len(entries), e.weight, prev, uncertainty(chart, entries, i) is None))
                break
    return out
