"""Pod-running resources: the pod spec, Job limits, containers and the objects a pod references.

For kinds that run a pod template (`knowledge.kinds.POD_SPEC_PATHS`), `read_workload` extracts
what hook rules need: the restart policy, a Job's ``backoffLimit``/``activeDeadlineSeconds``/
``ttlSecondsAfterFinished``, every container (with its ``command``/``args`` nodes for script
analysis), and the ServiceAccount, Secrets, ConfigMaps and PVCs the pod uses, each with its name
as written so that templated names can be matched across a chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..knowledge.kinds import POD_SPEC_PATHS
from .source import Span
from .template_mask import MaskedTemplate
from .yaml_tree import YMap, YNode, YScalar, YSeq, path_get


@dataclass
class Reference:
    """A pod's reference to another object by name."""

    kind: str  # ServiceAccount | Secret | ConfigMap | PersistentVolumeClaim
    name: str | None  # None when templated
    span: Span
    #: The name as written in the source (template actions included), for matching templated names.
    raw: str
    #: Where in the pod spec: serviceAccountName, secretKeyRef, envFrom, volume, imagePullSecrets...
    via: str
    #: ``optional: true`` on the reference (the pod starts without it).
    optional: bool = False


@dataclass
class Container:
    name: str | None
    node: YMap
    #: ``containers`` or ``initContainers``.
    group: str
    image: YScalar | None = None
    command: YNode | None = None
    args: YNode | None = None


@dataclass
class Workload:
    """The pod-running part of a resource: its pod spec and, for Jobs, the Job limits."""

    pod_spec: YMap
    restart_policy: YScalar | None = None
    backoff_limit: YScalar | None = None
    active_deadline_seconds: YScalar | None = None
    ttl_seconds_after_finished: YScalar | None = None
    containers: list[Container] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)


class _PodReader:
    def __init__(self, text: str, masked: MaskedTemplate) -> None:
        self.text = text
        self.masked = masked

    def scalar_text(self, node: YNode | None) -> str | None:
        """A literal scalar's value; None when not a scalar or templated."""
        if isinstance(node, YScalar) and not self.masked.is_templated(node.span):
            return node.value
        return None

    def workload(self, kind: str | None, root: YMap) -> Workload | None:
        path = POD_SPEC_PATHS.get(kind or "")
        if not path:
            return None
        pod = path_get(root, *path)
        if not isinstance(pod, YMap):
            return None
        wl = Workload(pod_spec=pod)
        wl.restart_policy = _scalar(pod.get("restartPolicy"))
        if kind == "Job":
            spec = root.get("spec")
            if isinstance(spec, YMap):
                wl.backoff_limit = _scalar(spec.get("backoffLimit"))
                wl.active_deadline_seconds = _scalar(spec.get("activeDeadlineSeconds"))
                wl.ttl_seconds_after_finished = _scalar(spec.get("ttlSecondsAfterFinished"))
        for group in ("initContainers", "containers"):
            items = pod.get(group)
            if isinstance(items, YSeq):
                for item in items.items:
                    if isinstance(item, YMap):
                        wl.containers.append(
                            Container(
                                name=self.scalar_text(item.get("name")),
                                node=item,
                                group=group,
                                image=_scalar(item.get("image")),
                                command=item.get("command"),
                                args=item.get("args"),
                            )
                        )
        wl.references = self._references(pod, wl.containers)
        return wl

    def _ref(self, kind: str, node: YNode | None, via: str, optional: bool = False) -> Reference | None:
        if not isinstance(node, YScalar):
            return None
        raw = self.text[node.span.start : node.span.end].strip().strip("\"'")
        if not raw:
            return None
        return Reference(kind, self.scalar_text(node), node.span, raw, via, optional)

    def _references(self, pod: YMap, containers: list[Container]) -> list[Reference]:
        refs: list[Reference | None] = []
        sa = pod.get("serviceAccountName") or pod.get("serviceAccount")
        refs.append(self._ref("ServiceAccount", sa, "serviceAccountName"))
        pull = pod.get("imagePullSecrets")
        if isinstance(pull, YSeq):
            for item in pull.items:
                if isinstance(item, YMap):
                    refs.append(self._ref("Secret", item.get("name"), "imagePullSecrets", optional=True))
        for c in containers:
            env = c.node.get("env")
            if isinstance(env, YSeq):
                for item in env.items:
                    vf = path_get(item, "valueFrom")
                    for sel, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
                        ref = path_get(vf, sel)
                        if isinstance(ref, YMap):
                            refs.append(self._ref(kind, ref.get("name"), sel, _true(ref.get("optional"))))
            env_from = c.node.get("envFrom")
            if isinstance(env_from, YSeq):
                for item in env_from.items:
                    for sel, kind in (("secretRef", "Secret"), ("configMapRef", "ConfigMap")):
                        ref = path_get(item, sel)
                        if isinstance(ref, YMap):
                            refs.append(self._ref(kind, ref.get("name"), f"envFrom.{sel}", _true(ref.get("optional"))))
        volumes = pod.get("volumes")
        if isinstance(volumes, YSeq):
            for vol in volumes.items:
                if not isinstance(vol, YMap):
                    continue
                secret = vol.get("secret")
                if isinstance(secret, YMap):
                    refs.append(self._ref("Secret", secret.get("secretName"), "volume", _true(secret.get("optional"))))
                cm = vol.get("configMap")
                if isinstance(cm, YMap):
                    refs.append(self._ref("ConfigMap", cm.get("name"), "volume", _true(cm.get("optional"))))
                pvc = vol.get("persistentVolumeClaim")
                if isinstance(pvc, YMap):
                    refs.append(self._ref("PersistentVolumeClaim", pvc.get("claimName"), "volume"))
                sources = path_get(vol, "projected", "sources")
                if isinstance(sources, YSeq):
                    for src in sources.items:
                        for sel, kind in (("secret", "Secret"), ("configMap", "ConfigMap")):
                            ref = path_get(src, sel)
                            if isinstance(ref, YMap):
                                refs.append(self._ref(kind, ref.get("name"), "projected", _true(ref.get("optional"))))
        return [r for r in refs if r is not None]


def read_workload(kind: str | None, root: YMap, text: str, masked: MaskedTemplate) -> Workload | None:
    """The workload part of a document whose kind runs pods; None for other kinds."""
    return _PodReader(text, masked).workload(kind, root)


def _scalar(node: YNode | None) -> YScalar | None:
    return node if isinstance(node, YScalar) else None


def _true(node: YNode | None) -> bool:
    return isinstance(node, YScalar) and node.style is None and node.value in ("true", "True", "TRUE")
