"""Hooks as Helm reads them from rendered manifests, and Helm's order for each event.

Given the ``{template path: rendered text}`` map an engine produced, `read_hooks` does what
Helm's `SortManifests` does: files in ``sort.Strings`` order of their path (partials ``_*`` and
blank files skipped), each split into documents with Helm's separator (Helm 4
``(?m)^---[ \\t]*``, Helm 3 ``(?:^|\\s*\\n)---\\s*``), the head decoded, and a document with the
exact key ``helm.sh/hook`` becoming a hook: events split on ``,``, trimmed and lower-cased,
``test-success`` read as ``test``, the whole document dropped when one event is unknown; the
weight read with ``strconv.Atoi`` (anything else is 0). `helm_order` is ``sortHooksByKind``
(stable, by ``InstallOrder``; unknown kinds last, by kind name) followed by the per-event
``sort.Stable(hookByWeight)`` (weight, then ``metadata.name``).

Sources: Helm v4.2.4 ``pkg/release/v1/util/manifest.go``, ``manifest_sorter.go``,
``kind_sorter.go``, ``pkg/action/hooks.go``; Helm v3.21.4 ``pkg/releaseutil/`` and
``pkg/action/hooks.go`` (same logic, other separator, no webhook kinds in ``InstallOrder``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..knowledge.annotations import EVENT_NAMES, canonical_event
from ..knowledge.kinds import kind_rank
from ..knowledge.versions import is_helm3

_SEP_H4 = re.compile(r"(?m)^---[ \t]*")
_SEP_H3 = re.compile(r"(?:^|\s*\n)---\s*")
_INT = re.compile(r"[+-]?[0-9]+")
_INT64 = 2**63


@dataclass
class RenderedHook:
    """One hook document of a render, as Helm records it."""

    #: Helm's template path (``<chart>/templates/x.yaml``, ``<chart>/charts/<sub>/templates/...``).
    path: str
    #: 0-based document number within the file (documents Helm skips are not counted out).
    document: int
    kind: str
    name: str
    namespace: str
    events: list[str]
    weight: int
    delete_policies: list[str] = field(default_factory=list)
    #: The document text (Helm's ``Manifest`` field).
    manifest: str = ""


@dataclass
class RenderedChart:
    """Hooks of one render, plus the documents Helm dropped because of an unknown event."""

    hooks: list[RenderedHook]
    skipped: list[tuple[str, str]] = field(default_factory=list)


def split_manifests(text: str, helm_version: str = "4") -> list[str]:
    """Helm's `SplitManifests` for ``helm_version``, in file order."""
    if is_helm3(str(helm_version)):
        docs = _SEP_H3.split(text.strip())
        return [d.strip() for d in docs if d != ""]
    docs = _SEP_H4.split(text.lstrip())
    return [d.lstrip() for d in docs if d.strip() != ""]


def atoi_weight(value: object) -> int:
    """``strconv.Atoi`` with errors read as 0 (no trimming; Go ``int`` is 64-bit)."""
    if not isinstance(value, str) or not _INT.fullmatch(value):
        return 0
    n = int(value)
    return n if -_INT64 <= n < _INT64 else 0


def _go_string(v: object) -> str:
    """How sigs.k8s.io/yaml turns a scalar into a Go string field."""
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def _load(doc: str) -> object:
    from ..analysis.resolve.values import load_yaml

    return load_yaml(doc)


def read_hooks(files: dict[str, str], helm_version: str = "4") -> RenderedChart:
    """The hooks of a render, in Helm's file and document order (before any sorting)."""
    hooks: list[RenderedHook] = []
    skipped: list[tuple[str, str]] = []
    for path in sorted(files):
        text = files[path]
        if path.rsplit("/", 1)[-1].startswith("_") or not text.strip():
            continue
        for i, doc in enumerate(split_manifests(text, helm_version)):
            head = _load(doc)
            if not isinstance(head, dict):
                continue
            meta = head.get("metadata")
            if not isinstance(meta, dict):
                continue
            anns = meta.get("annotations")
            if not isinstance(anns, dict) or "helm.sh/hook" not in anns:
                continue
            raw = _go_string(anns.get("helm.sh/hook"))
            events: list[str] = []
            for part in raw.split(","):
                ev = canonical_event(part.strip().lower())
                if ev is None:
                    events = []
                    break
                events.append(ev)
            if not events:
                skipped.append((path, raw))
                continue
            policies = [
                p.strip().lower() for p in _go_string(anns.get("helm.sh/hook-delete-policy", "")).split(",")
            ] if "helm.sh/hook-delete-policy" in anns else []
            hooks.append(
                RenderedHook(
                    path=path,
                    document=i,
                    kind=_go_string(head.get("kind")),
                    name=_go_string(meta.get("name")),
                    namespace=_go_string(meta.get("namespace")),
                    events=events,
                    weight=atoi_weight(_go_string(anns.get("helm.sh/hook-weight")) if "helm.sh/hook-weight" in anns else ""),
                    delete_policies=policies,
                    manifest=doc,
                )
            )
    return RenderedChart(hooks, skipped)


def helm_order(hooks: list[RenderedHook], event: str, helm_version: str = "4") -> list[RenderedHook]:
    """The hooks of ``event`` in the order Helm runs them (a hook listing the event twice runs twice)."""
    by_kind = sorted(hooks, key=lambda h: kind_rank(h.kind, helm_version))  # stable, like SliceStable
    chosen = [h for h in by_kind for e in h.events if e == event]
    return sorted(chosen, key=lambda h: (h.weight, h.name.encode("utf-8")))


def orders(hooks: list[RenderedHook], helm_version: str = "4") -> dict[str, list[RenderedHook]]:
    return {ev: helm_order(hooks, ev, helm_version) for ev in EVENT_NAMES}
