"""Compare hook-lsp's hook order with the order Helm's engine gives, chart by chart.

`compare_chart` renders a prepared chart with Helm (`hook_lsp.render`), reads the hooks the
way Helm does (`hook_lsp.render.hooks`), analyses the same folder with hook-lsp (chart model,
resolver, timeline certainty) and matches the two per event. The figures (`Figures`) count
*placements* (a hook in one event): found, same weight, same name, and per event with two or
more hooks whether the order is the same, plus the placements hook-lsp labels certain while
their place differs from Helm's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hook_lsp.analysis.chart import Chart, HookEntry
from hook_lsp.analysis.profile import Profile
from hook_lsp.analysis.resolve import Resolver
from hook_lsp.analysis.timeline import event_hooks
from hook_lsp.knowledge.annotations import EVENT_NAMES
from hook_lsp.render.hooks import RenderedHook, helm_order, read_hooks

RELEASE = "release-name"
NAMESPACE = "default"


@dataclass
class Figures:
    placements: int = 0
    found: int = 0
    #: Placements hook-lsp shows that Helm does not render with these values (gated hooks).
    extra: int = 0
    weights: int = 0
    names: int = 0
    events: int = 0
    events_same: int = 0
    events_resolved: int = 0
    events_resolved_same: int = 0
    #: Placements labelled certain, and those whose place differs from Helm's.
    certain: int = 0
    certain_wrong: int = 0
    #: Pairs hook-lsp calls certain (`Chart.runs_before`) that Helm orders the other way.
    pairs_wrong: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: "Figures") -> None:
        for name in self.__dataclass_fields__:
            if name == "problems":
                self.problems.extend(other.problems)
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))


def _match(helm: list[RenderedHook], ours: list[HookEntry], chart: Chart) -> dict[int, int]:
    """Helm hook index -> our entry index: same file and kind, then same name, else file order."""
    out: dict[int, int] = {}
    used: set[int] = set()
    keyed = [(chart.render_paths.get(e.path, e.path), e.resource.kind or "") for e in ours]
    for exact in (True, False):
        for i, h in enumerate(helm):
            if i in out:
                continue
            for j, e in enumerate(ours):
                if j in used or keyed[j] != (h.path, h.kind):
                    continue
                if exact and not (e.name_known and e.name == h.name):
                    continue
                out[i] = j
                used.add(j)
                break
    return out


def compare_event(chart: Chart, rendered: list[RenderedHook], event: str, helm_version: str, label: str) -> Figures:
    f = Figures()
    helm = helm_order(rendered, event, helm_version)
    ours = chart.order(event)
    certain = [h.order_certain for h in event_hooks(chart, event)]
    m = _match(helm, ours, chart)
    f.placements = len(helm)
    f.found = len(m)
    f.extra = len(ours) - len(m)
    f.certain = sum(1 for j in m.values() if certain[j])
    for i, j in m.items():
        h, e = helm[i], ours[j]
        if e.weight == h.weight:
            f.weights += 1
        else:
            f.problems.append(f"{label} {event}: weight of {h.kind}/{h.name}: {e.weight} != {h.weight}")
        if e.name_known and e.name == h.name:
            f.names += 1
        else:
            f.problems.append(f"{label} {event}: name of {h.kind} {h.path}: {e.name!r} != {h.name!r} ({e.name_why})")
    if len(helm) < 2:
        return f
    # Our order restricted to the hooks Helm rendered.
    our_seq = sorted(m, key=lambda i: m[i])
    helm_seq = sorted(m)
    same = our_seq == helm_seq
    resolved = all(ours[m[i]].name_known for i in m)
    f.events = 1
    f.events_same = int(same)
    f.events_resolved = int(resolved)
    f.events_resolved_same = int(resolved and same)
    if not same:
        f.problems.append(
            f"{label} {event}: order differs: helm {[helm[i].name for i in helm_seq]} ours {[helm[i].name for i in our_seq]}"
        )
    for pos, i in enumerate(our_seq):
        if helm_seq[pos] != i and certain[m[i]]:
            f.certain_wrong += 1
            f.problems.append(f"{label} {event}: {helm[i].kind}/{helm[i].name} labelled certain at the wrong place")
    for a in helm_seq:
        for b in helm_seq:
            if a < b and chart.runs_before(ours[m[a]], ours[m[b]]) is False:
                f.pairs_wrong += 1
    return f


#: hook-lsp's analysis of each prepared folder: it does not depend on the release Helm rendered.
_CHARTS: dict[tuple[Path, str], Chart] = {}


def compare_chart(
    folder: Path, files: dict[str, str], helm_version: str = "4", label: str | None = None
) -> Figures:
    """Figures for one prepared chart ``folder`` whose Helm render is ``files``."""
    label = label or folder.name
    rendered = read_hooks(files, helm_version).hooks
    key = (folder, helm_version)
    chart = _CHARTS.get(key)
    if chart is None:
        chart = _CHARTS[key] = Chart.load(folder, profile=Profile.of(helm_version=helm_version), enrich=Resolver(namespace=NAMESPACE))
    total = Figures()
    for event in EVENT_NAMES:
        total.add(compare_event(chart, rendered, event, helm_version, label))
    return total
