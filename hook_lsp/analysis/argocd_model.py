"""How Argo CD reads one resource of a chart: its phases, wave and delete policies.

`read(resource)` mirrors gitops-engine's ``hook.Types``/``hook.IsHook``/``hook.DeletePolicies``
and ``syncwaves.Wave`` (facts and sources in `knowledge.argocd`): Argo CD's own annotations win
over ``helm.sh/hook``; values are compared as written; a resource with a ``helm.sh/hook``
annotation whose values map to no phase is still a hook for Argo CD and is never applied.
Templated values are unknown (``None``), and callers stay silent about them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..knowledge import annotations as A
from ..knowledge import argocd as K
from .hook_model import Annotation, Resource
from .yaml_types import go_atoi


@dataclass(frozen=True)
class ArgoView:
    """What Argo CD does with one resource."""

    #: Phases it runs in (PreSync, Sync, PostSync, SyncFail, PreDelete, PostDelete); a plain
    #: resource is in ``("Sync",)``; ``()`` when it is never applied. None when templated.
    phases: tuple[str, ...] | None
    #: True for a hook (Argo's or Helm's annotation), False for a plain resource.
    is_hook: bool
    #: The sync wave; None when templated.
    wave: int | None
    #: Effective delete policies of a hook (Argo CD's names); None when templated.
    delete_policies: tuple[str, ...] | None
    #: The annotation that decided the phases (None for a plain resource).
    source: Annotation | None
    #: ``helm.sh/hook`` values Argo CD ignores because they map to no phase (as written).
    ignored_helm_events: tuple[str, ...] = ()
    #: ``helm.sh/hook`` is present but Argo CD's own hook annotation overrides it.
    helm_hook_overridden: bool = False


def _csv(ann: Annotation) -> list[str] | None:
    value = ann.helm_value
    if value is None:
        return None
    # GetAnnotationCSVs: split on commas, trim, drop empties, de-duplicate.
    return list(dict.fromkeys(p.strip() for p in value.split(",") if p.strip()))


def _wave(res: Resource) -> int | None:
    for key in (K.SYNC_WAVE, A.WEIGHT):
        ann = res.annotation(key)
        if ann is None:
            continue
        value = ann.helm_value
        if value is None:
            return None
        n = go_atoi(value)
        if n is not None:
            return n
    return 0


def _policies(res: Resource) -> tuple[str, ...] | None:
    out: list[str] = []
    for key, names in ((K.DELETE_POLICY, {v: v for v in K.DELETE_POLICY_VALUES}), (A.DELETE_POLICY, K.HELM_POLICY_NAMES)):
        ann = res.annotation(key)
        if ann is None:
            continue
        parts = _csv(ann)
        if parts is None:
            return None
        out.extend(names[p] for p in parts if p in names)
    return tuple(dict.fromkeys(out)) or (K.DEFAULT_DELETE_POLICY,)


def read(res: Resource, version: str = "") -> ArgoView:
    """Argo CD's view of ``res``; ``version`` (``"3.2"``) drops the events mapped only later."""
    wave = _wave(res)
    argo = res.annotation(K.HOOK)
    helm = res.annotation(A.HOOK)
    if argo is not None:
        parts = _csv(argo)
        if parts is None:
            return ArgoView(None, True, wave, _policies(res), argo, helm_hook_overridden=helm is not None)
        phases = tuple(p for p in parts if p in K.HOOK_VALUES)
        if phases:
            if "Skip" in phases and len(phases) == 1:
                return ArgoView((), False, wave, None, argo, helm_hook_overridden=helm is not None)
            phases = tuple(p for p in phases if p != "Skip")
            return ArgoView(phases, True, wave, _policies(res), argo, helm_hook_overridden=helm is not None)
        # No valid Argo CD type: gitops-engine falls back to helm.sh/hook for the types, but
        # the resource is a hook either way (the annotation is present).
        if helm is None:
            return ArgoView((), True, wave, _policies(res), argo)
    if helm is None:
        return ArgoView(("Sync",), False, wave, None, None)
    parts = _csv(helm)
    if parts is None:
        return ArgoView(None, True, wave, _policies(res), helm)
    if helm.helm_value == "crd-install":
        # IsHook: "Helm use the same annotation to identify CRD as hooks, but they are not."
        return ArgoView(("Sync",), False, wave, None, None)
    mapping = K.helm_event_phases(version)
    phases = tuple(dict.fromkeys(mapping[p] for p in parts if p in mapping))
    ignored = tuple(p for p in parts if p not in mapping)
    return ArgoView(phases, True, wave, _policies(res), helm, ignored)
