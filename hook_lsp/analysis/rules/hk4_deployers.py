"""HK401-HK407: hooks as Argo CD (HK401-HK405), Flux (HK406) and Fleet (HK407) run them.

Argo CD renders the chart with ``helm template`` and runs hooks itself: it maps only some of
Helm's events to its phases, compares values as written, applies a wave's resources together,
and has its own annotations that win over Helm's. These rules run only under that profile.
"""

from __future__ import annotations

import re
from typing import Iterator

from ...knowledge import annotations as A
from ...knowledge import argocd as K
from ...knowledge.deployers import ARGOCD, FLEET, FLUX
from .. import argocd_model
from ..chart import name_order
from ..timeline import display_name
from ..hook_model import Resource, TemplateAnalysis
from ..source import Span
from .annotation_support import did_you_mean, literal_annotations
from .registry import Fix, FixAvailability, Related, RuleContext, Severity, Violation, rule

_RUNS_WORK = ("Job", "Pod")


def _event_spans(ann, value: str):
    """Spans of the parts of a literal annotation equal to ``value`` as written."""
    for tok in ann.tokens:
        if tok.raw.strip() == value:
            yield tok.span, tok.exact


@rule("HK401", "hook-never-runs-under-argocd", Severity.WARNING, FixAvailability.SOMETIMES, deployers=(ARGOCD,))
def hook_never_runs_under_argocd(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Under the `argocd` profile, flags a `helm.sh/hook` event that Argo CD maps to no phase:
    `test`, `test-success`, `pre-rollback`, `post-rollback`, and any event not written exactly
    in lower case (`Pre-Install`). Not flagged when a valid `argocd.argoproj.io/hook` decides
    the phases instead.

    ## Why is this bad?
    Argo CD maps only `pre-install`/`pre-upgrade` (PreSync), `post-install`/`post-upgrade`
    (PostSync), `pre-delete` (PreDelete) and `post-delete` (PostDelete), compared exactly as
    written. Any other value is ignored, yet the resource is still a hook for Argo CD, so a hook
    with no mapped event is never applied at all: tests never run, rollback hooks never run, and
    `Pre-Install` (which Helm lower-cases and accepts) silently does nothing.

    ## Example
    ```yaml
    annotations:
      helm.sh/hook: Pre-Install
    ```

    ## Fix
    Write the event in lower case, or give the hook a phase with Argo CD's annotation
    (`argocd.argoproj.io/hook: PreSync`); run tests another way (a `PostSync` Job). The quick
    fix lower-cases an event Helm accepts.
    ```yaml
    annotations:
      helm.sh/hook: pre-install
    ```
    """
    helm = res.annotation(A.HOOK)
    if helm is None:
        return
    view = argocd_model.read(res, ctx.profile.version)
    if view.source is not helm or not view.ignored_helm_events:
        return
    never = not view.phases
    for value in view.ignored_helm_events:
        lower = value.lower()
        mapped = K.helm_event_phases(ctx.profile.version).get(lower)
        if lower in K.HELM_EVENT_SINCE and not mapped:
            since = ".".join(map(str, K.HELM_EVENT_SINCE[lower]))
            why = f"Argo CD runs `{lower}` hooks only since {since} ({ctx.profile.label} ignores them)"
        elif mapped:
            why = f"Argo CD compares hook values as written, and `{value}` is not `{lower}` (Helm lower-cases it)"
        elif lower in ("test", "test-success"):
            why = "Argo CD never runs test hooks"
        elif lower in ("pre-rollback", "post-rollback"):
            why = "Argo CD never runs rollback hooks (a rollback is a sync to an earlier revision)"
        else:
            why = f"Argo CD maps no phase to `{value}`"
        tail = (
            f"; with no other event this {res.kind or 'resource'} is never applied under Argo CD"
            if never
            else f"; this hook runs only as {', '.join(view.phases or ())}"
        )
        for span, exact in _event_spans(helm, value):
            fixes = [Fix.replace(span, lower, f"Write `{lower}`")] if mapped and exact else []
            # A hook that still runs in another phase loses one moment only: information.
            own = None if never else Severity.INFORMATION
            yield ctx.violation(span, f"{why}{tail}", fixes, own_severity=own)


@rule("HK402", "hooks-run-together-under-argocd", Severity.INFORMATION, deployers=(ARGOCD,))
def hooks_run_together_under_argocd(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Under the `argocd` profile, flags a `Job` or `Pod` hook that shares its phase and wave
    (`helm.sh/hook-weight` or `argocd.argoproj.io/sync-wave`) with another `Job` or `Pod` hook of
    the chart that Helm would run before it (same weight, earlier name).

    ## Why is this bad?
    Helm runs hooks one at a time, and hooks of the same weight in name order, waiting for each
    Job or Pod to finish. Argo CD applies every resource of a phase and wave together and only
    then waits for all of them: a chart that relies on `db-migrate` finishing before `seed`
    starts because of the names gets both at once. Whether the chart relies on that order cannot be
    seen from the templates, hence the information level.

    ## Example
    ```yaml
    # db-migrate.yaml and seed.yaml, both:
    annotations:
      helm.sh/hook: pre-upgrade
      helm.sh/hook-weight: "0"
    ```

    ## Fix
    Give hooks that must run in order different waves (weights), which both Helm and Argo CD
    honour:
    ```yaml
    annotations:
      helm.sh/hook: pre-upgrade
      helm.sh/hook-weight: "1"
    ```
    """
    if res.kind not in _RUNS_WORK or ctx.chart is None:
        return
    mine = argocd_model.read(res, ctx.profile.version)
    if not mine.is_hook or not mine.phases or mine.wave is None:
        return
    me = res.name or res.name_raw or ""
    for template in ctx.chart.manifest_templates():
        for other in template.resources:
            if other is res or other.kind not in _RUNS_WORK:
                continue
            view = argocd_model.read(other, ctx.profile.version)
            if not view.is_hook or view.wave != mine.wave or not view.phases:
                continue
            shared = [p for p in mine.phases if p in view.phases]
            name = other.name or other.name_raw or ""
            if not shared or not name or name_order(name, me) != -1:
                continue  # Helm runs this one later, or the names' order is unknown
            wave_ann = res.annotation(K.SYNC_WAVE) or res.annotation(A.WEIGHT)
            span = wave_ann.value_span if wave_ann is not None else res.anchor
            yield ctx.violation(
                span,
                f"Argo CD starts this {res.kind} together with {other.kind} `{display_name(name)}` ({shared[0]} wave "
                f"{mine.wave}): Helm would run `{display_name(name)}` first because of its name, Argo CD does not wait "
                "for it; give them different weights if the order matters",
                related=[Related(template.path, other.anchor, f"{other.kind} `{display_name(name)}`, same phase and wave")],
            )
            return


@rule("HK403", "unknown-argocd-hook-annotation-value", Severity.WARNING, FixAvailability.SOMETIMES, deployers=(ARGOCD,))
def unknown_argocd_hook_annotation_value(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Under the `argocd` profile, flags a value of `argocd.argoproj.io/hook` or
    `argocd.argoproj.io/hook-delete-policy` that Argo CD does not know (compared exactly as
    written), and an `argocd.argoproj.io/sync-wave` that is not an integer.

    ## Why is this bad?
    Argo CD ignores unknown values without an error. A hook whose only value is misspelt
    (`Presync`, `pre-sync`) falls back to `helm.sh/hook` or, without it, is never applied; a
    misspelt delete policy (`hook-succeeded` in Argo CD's key) leaves the default
    `BeforeHookCreation`; a wave that is not an integer falls back to `helm.sh/hook-weight` or 0.

    ## Example
    ```yaml
    annotations:
      argocd.argoproj.io/hook: Presync
      argocd.argoproj.io/hook-delete-policy: hook-succeeded
    ```

    ## Fix
    Use Argo CD's names, in their case; the quick fix replaces a near miss:
    ```yaml
    annotations:
      argocd.argoproj.io/hook: PreSync
      argocd.argoproj.io/hook-delete-policy: HookSucceeded
    ```
    """
    for key, valid in ((K.HOOK, K.HOOK_VALUES), (K.DELETE_POLICY, K.DELETE_POLICY_VALUES)):
        for ann in literal_annotations(res, key):
            for tok in ann.tokens:
                value = tok.raw.strip()
                if not value or value in valid:
                    continue
                squashed = {v.lower(): v for v in valid}
                guess = squashed.get(value.lower().replace("-", "")) or did_you_mean(value, valid)
                fixes = [Fix.replace(tok.span, guess, f"Replace with `{guess}`")] if guess and tok.exact else []
                hint = f"; did you mean `{guess}`?" if guess else f" (valid: {', '.join(valid)})"
                yield ctx.violation(tok.span, f"Argo CD does not know `{value}` in `{key}` and ignores it{hint}", fixes)
    for ann in literal_annotations(res, K.SYNC_WAVE):
        value = ann.helm_value or ""
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            yield ctx.violation(
                ann.value_span,
                f"`{value}` is not an integer: Argo CD ignores this sync wave and uses `helm.sh/hook-weight`, or 0",
            )


_RELEASE = re.compile(r"\.Release\.(IsUpgrade|IsInstall)\b|(?<![.\w$])lookup\b")


@rule("HK404", "upgrade-branch-under-argocd", Severity.WARNING, scope="template", deployers=(ARGOCD,))
def upgrade_branch_under_argocd(template: TemplateAnalysis, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Under the `argocd` profile, flags `.Release.IsUpgrade`, `.Release.IsInstall` and `lookup`
    in template actions.

    ## Why is this bad?
    Argo CD renders the chart with `helm template` on every sync, without a release and without
    cluster access: `.Release.IsInstall` is always true, `.Release.IsUpgrade` always false, and
    `lookup` returns an empty map. A branch meant for upgrades is never taken, an install-only
    branch runs on every sync, and a value read with `lookup` (an existing Secret's password) is
    regenerated each time.

    ## Example
    ```yaml
    {{- if .Release.IsUpgrade }}
    ```

    ## Fix
    Drive the choice with a value the Application sets (`{{- if .Values.upgrade }}`), or move the
    work into a hook that checks the cluster itself when it runs.
    """
    for action in template.masked.actions:
        if action.kind == "comment":
            continue
        for m in _RELEASE.finditer(action.body):
            start = action.body_start + m.start()
            span = Span(start, start + len(m.group(0)))
            what = m.group(1)
            if what == "IsUpgrade":
                msg = "`.Release.IsUpgrade` is always false under Argo CD (rendered with `helm template`): this branch is never taken"
            elif what == "IsInstall":
                msg = "`.Release.IsInstall` is always true under Argo CD (rendered with `helm template`): install-only output is rendered on every sync"
            else:
                msg = "`lookup` returns nothing under Argo CD (no cluster access while rendering): whatever it reads is rebuilt on every sync"
            yield ctx.violation(span, msg)


@rule("HK405", "helm-hook-overridden-by-argocd", Severity.INFORMATION, deployers=(ARGOCD,))
def helm_hook_overridden_by_argocd(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Under the `argocd` profile, points out a `helm.sh/hook` that Argo CD ignores because the
    resource also has a valid `argocd.argoproj.io/hook`, when the two say different things.

    ## Why is this bad?
    When both annotations are present, Argo CD reads only its own. A chart written for both
    deployers then runs the hook at different moments: for example `helm.sh/hook: pre-upgrade`
    beside `argocd.argoproj.io/hook: PostSync` runs before the upgrade under Helm and after the
    sync under Argo CD. That may be deliberate; it should be visible.

    ## Example
    ```yaml
    annotations:
      helm.sh/hook: pre-install,pre-upgrade
      argocd.argoproj.io/hook: PostSync
    ```

    ## Fix
    Make both say the same, or keep the difference on purpose and silence this line:
    ```yaml
    annotations:
      helm.sh/hook: pre-install,pre-upgrade
      argocd.argoproj.io/hook: PreSync
    ```
    """
    helm = res.annotation(A.HOOK)
    view = argocd_model.read(res, ctx.profile.version)
    if helm is None or not view.helm_hook_overridden or not view.phases or helm.helm_value is None:
        return
    helm_phases = {K.HELM_EVENT_PHASES[p.strip()] for p in helm.helm_value.split(",") if p.strip() in K.HELM_EVENT_PHASES}
    if helm_phases == set(view.phases):
        return
    said = ", ".join(sorted(helm_phases)) or "no phase"
    yield ctx.violation(
        helm.value_span,
        f"Argo CD ignores `helm.sh/hook` here: `{K.HOOK}` makes this a {', '.join(view.phases)} hook, "
        f"while `helm.sh/hook` would mean {said}",
    )


@rule("HK406", "test-hook-off-by-default-under-flux", Severity.INFORMATION, deployers=(FLUX,))
def test_hook_off_by_default_under_flux(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Under the `flux` profile, points out a `test` hook.

    ## Why is this bad?
    Flux's helm-controller runs a release's tests only when the HelmRelease sets
    `spec.test.enable: true`; otherwise the test hook is rendered and stored but never run, and
    nothing reports that the chart's tests did not happen.

    ## Example
    ```yaml
    annotations:
      helm.sh/hook: test
    ```

    ## Fix
    Enable tests in the HelmRelease that deploys the chart:
    ```yaml
    spec:
      test:
        enable: true
    ```
    """
    hook = res.hook
    if hook is None or not hook.known or hook.skipped or "test" not in hook.events:
        return
    span = next((t.span for t in hook.event_tokens if A.canonical_event(t.value) == "test"), hook.annotation.content_span)
    yield ctx.violation(span, "helm-controller runs test hooks only when the HelmRelease sets `spec.test.enable: true`")


@rule("HK407", "rollback-hook-runs-on-drift-under-fleet", Severity.INFORMATION, deployers=(FLEET,))
def rollback_hook_runs_on_drift_under_fleet(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Under the `fleet` profile, points out a `pre-rollback` or `post-rollback` hook.

    ## Why is this bad?
    With drift correction on (`correctDrift.enabled: true`), Rancher Fleet corrects drift by
    rolling the release back (`helm rollback` with hooks: bundles cannot disable them), so the
    rollback hooks run whenever someone or something changes a deployed resource, not only when
    an operator asks for a rollback. A hook that restores a backup or migrates
    data down then runs at unexpected times.

    ## Example
    ```yaml
    annotations:
      helm.sh/hook: pre-rollback
    ```

    ## Fix
    Make the rollback hook safe to run at any time, or leave drift correction off for the
    bundle:
    ```yaml
    # fleet.yaml
    correctDrift:
      enabled: false
    ```
    """
    hook = res.hook
    if hook is None or not hook.known or hook.skipped:
        return
    for tok in hook.event_tokens:
        if A.canonical_event(tok.value) in ("pre-rollback", "post-rollback"):
            yield ctx.violation(
                tok.span,
                f"with drift correction on, Fleet runs `{tok.value}` hooks whenever it rolls the release back to undo a change, and bundles cannot disable hooks",
            )
            return
