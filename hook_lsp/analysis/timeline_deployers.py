"""Timelines of deployers other than the helm CLI (`timeline.timeline` dispatches here).

Argo CD (`argocd_timeline`) does not follow Helm's events at all: a sync runs the PreSync, Sync and
PostSync phases, each in waves (``helm.sh/hook-weight`` or ``argocd.argoproj.io/sync-wave``, plain
resources included); the resources of one phase and wave are applied together and the next wave
starts once they are all healthy. Deleting the Application runs PreDelete and PostDelete hooks.
Flux's helm-controller and Fleet run Helm's own sequence (`adjust_embedded`), with their waits,
timeouts and retries written into the steps.
"""

from __future__ import annotations

from ..knowledge import argocd as K
from ..knowledge import deployers as D
from . import argocd_model
from ..knowledge.kinds import kind_rank
from .chart import Chart
from .hook_model import Resource, TemplateAnalysis
from .timeline import Placement, Step, Timeline, TimelineHook, _subchart, display_name

#: What Argo CD waits for before the next wave (gitops-engine health checks; no hook timeout).
_ARGO_WAIT = (
    "every resource of the wave to be healthy: Jobs Complete, Pods Succeeded (or Ready with "
    "restartPolicy Always), other kinds by their health check; no timeout"
)


def _argo_waits_for(kind: str | None) -> str:
    if kind == "Job":
        return "the Job to be Complete (no timeout)"
    if kind == "Pod":
        return "the Pod to Succeed, or to be Ready with restartPolicy Always (no timeout)"
    return "its health check (ready at once for kinds without one)"


def _argo_deletion(policies: tuple[str, ...] | None) -> list[str]:
    if policies is None:
        return ["delete policy is templated: unknown"]
    return [f"{p}: {K.DELETE_POLICY_DOCS[p]}" for p in policies]


def _entry(chart: Chart, t: TemplateAnalysis, res: Resource, phase: str, view: argocd_model.ArgoView) -> TimelineHook:
    hook = res.hook
    return TimelineHook(
        event=phase,
        position=0,
        total=0,
        kind=res.kind,
        name=display_name(res.name or res.name_raw or "?"),
        path=t.path,
        line=t.index.position(res.anchor.start)[0] + 1,
        weight=view.wave,
        subchart=_subchart(chart, t.path),
        waits_for=_argo_waits_for(res.kind),
        delete_policies=list(view.delete_policies) if view.is_hook and view.delete_policies is not None else (None if view.is_hook else []),
        deletion=_argo_deletion(view.delete_policies) if view.is_hook else ["a resource of the Application: pruned or kept by Argo CD's sync options"],
        conditional=bool(hook and hook.annotation.conditional),
        origin=hook.annotation.origin if hook else "yaml",
        order_certain=view.wave is not None,
    )


def argocd_views(chart: Chart):
    """(template, resource, view) for every resource of the chart, in file order."""
    for t in chart.manifest_templates():
        for res in t.resources:
            if res.kind is None and res.name is None and not res.annotations:
                continue  # an empty document
            yield t, res, argocd_model.read(res, chart.profile.version)


def _wave_steps(chart: Chart, phase: str, items: list[TimelineHook]) -> list[Step]:
    by_wave: dict[int | None, list[TimelineHook]] = {}
    for h in items:
        by_wave.setdefault(h.weight, []).append(h)
    steps = []
    for wave in sorted(by_wave, key=lambda w: (w is None, w or 0)):
        group = by_wave[wave]
        # Within a wave gitops-engine sorts by Helm's kind order, then name, but applies them all at once.
        group.sort(key=lambda h: (kind_rank(h.kind, "3")[0], h.name))
        for i, h in enumerate(group, 1):
            h.position, h.total = i, len(group)
        label = "?" if wave is None else str(wave)
        together = f"{len(group)} together" if len(group) > 1 else "1 resource"
        steps.append(Step("wave", f"{phase} wave {label} ({together})", _ARGO_WAIT, [], phase, group))
    return steps


def argocd_timeline(chart: Chart, operation: str) -> Timeline:
    profile = chart.profile
    views = list(argocd_views(chart))
    by_phase: dict[str, list[TimelineHook]] = {}
    never: list[str] = []
    for t, res, view in views:
        if view.phases is None:
            continue
        if not view.phases and view.source is not None:
            never.append(f"{res.kind or '?'} {display_name(res.name or res.name_raw or '?')}")
        for phase in view.phases:
            by_phase.setdefault(phase, []).append(_entry(chart, t, res, phase, view))
    steps: list[Step] = []
    notes: list[str] = []
    if operation == "test":
        notes.append("Argo CD never runs test hooks")
    elif operation == "uninstall":
        for phase, middle in (("PreDelete", None), (None, "delete"), ("PostDelete", None)):
            if middle:
                steps.append(Step("resources", "delete the Application's resources", "until they are gone", []))
            elif by_phase.get(phase):
                steps += _wave_steps(chart, phase, by_phase[phase])
            else:
                steps.append(Step("hooks", f"{phase} hooks: none", "nothing", [], phase))
        notes.append("PreDelete and PostDelete hooks run when the Application is deleted")
    else:
        for phase in K.SYNC_PHASES:
            if by_phase.get(phase):
                steps += _wave_steps(chart, phase, by_phase[phase])
            else:
                steps.append(Step("hooks", f"{phase}: none", "nothing", [], phase))
        fail = by_phase.get(K.FAILURE_PHASE)
        if fail:
            steps += _wave_steps(chart, f"{K.FAILURE_PHASE} (only if the sync fails)", fail)
        cleanup = [h for s in steps for h in s.hooks if h.delete_policies and "HookSucceeded" in h.delete_policies]
        if cleanup:
            steps.append(
                Step("cleanup", "after the sync succeeded: delete the HookSucceeded hooks", "nothing", [], None, cleanup,
                     ["skipped when the sync fails: the hooks stay for inspection"])
            )
        if operation == "rollback":
            notes.append("a rollback is a sync to an earlier revision: its PreSync and PostSync hooks run; pre-rollback and post-rollback hooks never do")
        notes.append("every sync runs these hooks again, not only the first install or an upgrade")
        notes.append("`.Release.IsInstall` is always true and `lookup` returns nothing: the chart is rendered with `helm template`")
    if never:
        notes.append("never applied by Argo CD (no phase): " + ", ".join(never))
    if any(not h.order_certain for s in steps for h in s.hooks):
        notes.append("some waves are templated: their order is uncertain")
    return Timeline(chart.name, str(chart.root), operation, profile.helm_version, steps, notes, profile.spec)


def _embedded_waits(kind: str | None, limit: str) -> str | None:
    if kind == "Job":
        return f"the Job to be Complete (fails on Failed or after {limit})"
    if kind == "Pod":
        return f"the Pod to Succeed (fails on Failed or after {limit})"
    return None


def adjust_embedded(t: Timeline, chart: Chart) -> Timeline:
    """Helm's sequence as Flux's helm-controller or Fleet runs it: waits, timeouts, retries."""
    profile = chart.profile
    t.deployer = profile.spec
    limit = {D.FLUX: "`spec.timeout` (5 minutes by default)", D.FLEET: "`helm.timeoutSeconds` (30 seconds when unset)"}.get(
        profile.deployer
    )
    if limit is None:
        return t
    for step in t.steps:
        if step.kind == "hooks" and step.hooks:
            step.waits = f"each hook in turn: Jobs until Complete, Pods until Succeeded, other kinds not at all; each may take up to {limit}"
            for h in step.hooks:
                h.waits_for = _embedded_waits(h.kind, limit) or h.waits_for
    if profile.deployer == D.FLUX:
        for step in t.steps:
            if step.kind == "resources" and t.operation != "uninstall":
                step.waits = "until the resources are ready: helm-controller waits by default (`disableWait: true` turns it off)"
        if t.operation == "test":
            t.notes.append("helm-controller runs test hooks only with `spec.test.enable: true`")
        if t.operation == "install":
            t.notes.append(
                "if the install fails and `spec.install.remediation.retries` > 0, helm-controller uninstalls "
                "(running the delete hooks unless `spec.uninstall.disableHooks`) and runs this whole sequence again, hooks included"
            )
        elif t.operation == "upgrade":
            t.notes.append(
                "if the upgrade fails and `spec.upgrade.remediation.retries` > 0, helm-controller rolls back by default "
                "(running the rollback hooks unless `spec.rollback.disableHooks`) and runs this whole sequence again, hooks included"
            )
        t.notes.append("post-renderers (`spec.postRenderers`) change the hook manifests too")
    else:
        if t.operation == "rollback":
            t.notes.append("with drift correction on (`correctDrift.enabled: true`), Fleet also rolls back to undo changes, which runs these rollback hooks")
        t.notes.append("hooks cannot be disabled for a Fleet bundle")
    return t


class WavePlacement(Placement):
    """A hook's place under Argo CD: its phase and wave, and how many resources start with it."""

    @property
    def label(self) -> str:
        wave = "wave ?" if self.weight is None else f"wave {self.weight}"
        others = self.total - 1
        with_ = f"applied with {others} other{'s' if others != 1 else ''}" if others else "alone in its wave"
        return f"{self.event} {wave} · {with_}"


def argocd_positions(chart: Chart, resource: Resource) -> list[Placement]:
    """The phases and waves ``resource`` runs in under Argo CD (empty when never applied)."""
    view = argocd_model.read(resource, chart.profile.version)
    if not view.is_hook or not view.phases:
        return []
    counts = _wave_counts(chart)
    return [
        WavePlacement(phase, 1, max(counts.get((phase, view.wave), 0), 1), view.wave, None, view.wave is not None)
        for phase in view.phases
    ]


def _wave_counts(chart: Chart) -> dict[tuple[str, int | None], int]:
    """How many resources run in each (phase, wave), cached until a template of the chart changes."""
    # Texts hash once (CPython caches a str hash), so this key is cheap and never reused by accident.
    key = (chart.profile, tuple((path, id(t), hash(t.text)) for path, t in chart.templates.items()))
    cached = chart.__dict__.get("_argocd_wave_counts")
    if cached is not None and cached[0] == key:
        return cached[1]
    counts: dict[tuple[str, int | None], int] = {}
    for _, _, view in argocd_views(chart):
        for phase in view.phases or ():
            counts[(phase, view.wave)] = counts.get((phase, view.wave), 0) + 1
    chart.__dict__["_argocd_wave_counts"] = (key, counts)
    return counts
