"""Hover text for hook annotations and hook kinds, assembled from `hook_lsp.knowledge` only.

`hover(analysis, offset, chart, profile)` finds the target with `cursor.hover_target` and
returns markdown plus the span it describes. The markdown builders are shared with completion
item documentation. A weight's hover places the hook in Helm's chart-wide order of each of its
events, naming the neighbours and saying when a tie is broken by name. Elsewhere,
on a line of a script a hook runs, the hover lists why that script runs again (`scripts.explain`):
the reason a re-run hazard flagged by an HK3xx rule matters. Every hover ends with links to the
sections of hook-lsp's guide its sentences come from (against the default docs URL; the hover
feature rebases them on ``hookLsp.docsBaseUrl``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..knowledge import annotations as A
from ..knowledge import guide
from ..knowledge import events as E
from ..knowledge import kinds_text as K
from ..knowledge import phrases as P
from ..knowledge import policies as PO
from ..knowledge import weights as W
from ..knowledge.facts import DOCS_HOOKS, Fact
from ..knowledge.keys import KEY_DOCS
from ..knowledge.kinds import WAITED_KINDS
from .chart import Chart, HookEntry
from .cursor import KeyTarget, KindTarget, TokenTarget, WeightTarget, hover_target
from .deployer_assist import deployer_hover, with_deployer_note
from .hook_model import Resource, TemplateAnalysis
from .profile import HELM, Profile
from .scripts.analyse import script_at
from .scripts.explain import rerun_reasons
from .source import Span
from .yaml_types import go_atoi


@dataclass(frozen=True)
class HoverText:
    markdown: str
    span: Span


def hover(analysis: TemplateAnalysis, offset: int, chart: Chart | None, profile: Profile = HELM) -> HoverText | None:
    deployer_text = deployer_hover(analysis, offset, profile)
    if deployer_text is not None:
        return HoverText(*deployer_text)
    target = hover_target(analysis, offset)
    if target is None:
        return script_doc(analysis, offset, chart, profile)
    v = profile.helm_version
    if isinstance(target, KindTarget):
        text = kind_doc(target.kind, v)
    elif isinstance(target, KeyTarget):
        text = key_doc(target.key, v)
    elif isinstance(target, TokenTarget):
        text = token_doc(target.key, target.token, v)
    elif isinstance(target, WeightTarget):
        text = weight_doc(target, analysis, chart, v)
    else:  # pragma: no cover - every target type is handled above
        return None
    if text and isinstance(target, TokenTarget):
        text = with_deployer_note(text, target.key, analysis.text[target.span.start : target.span.end], profile)
    return HoverText(text, target.span) if text else None


# --------------------------------------------------------------------------------------------
# Markdown builders (also used for completion item documentation)


def _markdown(title: str, parts: list[str], url: str = DOCS_HOOKS, facts=()) -> str:
    """Title, paragraphs, then links: the guide sections of ``facts``, and Helm's own page."""
    link = (P.TESTS_LINK if url != DOCS_HOOKS else P.DOCS_LINK).format(url=url)
    return "\n\n".join([title, *[p for p in parts if p], *guide_links(facts), link])


def guide_links(facts) -> list[str]:
    """One paragraph linking each guide section the shown facts cite (none when no fact is shown)."""
    seen: list[str] = []
    for fact in facts:
        for anchor in guide.anchors(fact.section):
            if anchor not in seen:
                seen.append(anchor)
    if not seen:
        return []
    links = P.LINK_SEPARATOR.join(
        P.GUIDE_LINK.format(title=guide.SECTIONS[a], url=guide.section_url(a)) for a in seen
    )
    return [P.GUIDE_LINKS.format(links=links)]


def _facts(facts: tuple[Fact, ...] | list[Fact], v: str) -> list[str]:
    return [f.render(v) for f in facts]


def event_doc(token: str, v: str) -> str:
    """An event token as Helm reads it (lower-cased, trimmed; #parsing)."""
    canonical = A.canonical_event(token)
    if canonical is None:
        if token in E.REMOVED_FACTS:
            return _markdown(P.REMOVED_TITLE.format(name=token), [E.REMOVED_FACTS[token].render(v)], facts=[E.REMOVED_FACTS[token]])
        return _markdown(P.UNKNOWN_EVENT_TITLE.format(name=token), [E.UNKNOWN_EVENT.render(v)], facts=[E.UNKNOWN_EVENT])
    doc = E.EVENT_DOCS[canonical]
    parts = [
        f"**{P.RUNS}:** {doc.runs.render(v)}",
        f"**{P.EXISTS}:** {doc.exists.render(v)}",
        f"**{P.FAILURE}:** {doc.failure.render(v)}",
    ]
    if doc.interrupted is not None:
        parts.append(f"**{P.INTERRUPTED}:** {doc.interrupted.render(v)}")
    if canonical != token:
        title = P.ALIAS_TITLE.format(name=token, target=canonical)
        parts.insert(0, E.ALIAS_FACTS[token].render(v))
    else:
        title = P.EVENT_TITLE.format(name=token)
    return _markdown(title, parts, doc.docs_url, facts=doc.facts())


def delete_policy_doc(token: str, v: str) -> str:
    doc = PO.DELETE_POLICY_DOCS.get(token)
    if doc is None:
        return _markdown(
            P.UNKNOWN_DELETE_POLICY_TITLE.format(name=token), [PO.UNKNOWN_DELETE_POLICY.render(v)], facts=[PO.UNKNOWN_DELETE_POLICY]
        )
    return _markdown(P.DELETE_POLICY_TITLE.format(name=token), _facts(doc.facts, v), facts=doc.facts)


def output_log_policy_doc(token: str, v: str) -> str:
    doc = PO.OUTPUT_LOG_POLICY_DOCS.get(token)
    if doc is None:
        return _markdown(
            P.UNKNOWN_OUTPUT_LOG_POLICY_TITLE.format(name=token),
            [PO.UNKNOWN_OUTPUT_LOG_POLICY.render(v)],
            facts=[PO.UNKNOWN_OUTPUT_LOG_POLICY],
        )
    return _markdown(
        P.OUTPUT_LOG_POLICY_TITLE.format(name=token),
        _facts(doc.facts + (PO.OUTPUT_LOG_SCOPE,), v),
        facts=doc.facts + (PO.OUTPUT_LOG_SCOPE,),
    )


def token_doc(key: str, token: str, v: str) -> str:
    if key == A.HOOK:
        return event_doc(token, v)
    if key == A.DELETE_POLICY:
        return delete_policy_doc(token, v)
    return output_log_policy_doc(token, v)


def key_doc(key: str, v: str) -> str:
    doc = KEY_DOCS[key]
    return _markdown(P.KEY_TITLE.format(key=key), _facts(doc.facts, v), facts=doc.facts)


def kind_doc(kind: str, v: str) -> str:
    facts = K.wait_facts(kind)
    if kind in WAITED_KINDS:
        facts = facts + (K.TIMEOUT, K.TIMEOUT_ZERO)
    return _markdown(P.KIND_TITLE.format(kind=kind), _facts(facts, v), facts=facts)


def weight_facts_doc(v: str) -> str:
    """Documentation of suggested weight values."""
    return _markdown(P.KEY_TITLE.format(key=A.WEIGHT), _facts((W.ORDER, W.ATOI, W.UNQUOTED), v), facts=(W.ORDER, W.ATOI, W.UNQUOTED))


# --------------------------------------------------------------------------------------------
# Scripts: why they run again


def script_doc(analysis: TemplateAnalysis, offset: int, chart: Chart | None, profile: Profile = HELM) -> HoverText | None:
    """On a line of a hook's script: why the script runs again; None for a hook that runs once.

    Cheap on repeated hovers: `script_at` reuses the parsed scripts the rules cached for this
    analysis, and the reasons read only the hook's annotations and Job/Pod spec.
    """
    if analysis.masked.action_at(offset) is not None:
        return None  # template code: helm-ls explains that
    try:
        unit = script_at(analysis, chart, offset)
    except Exception:  # noqa: BLE001 - hover must never fail on a half-typed script
        return None
    if unit is None:
        return None
    span = _script_line(analysis.text, offset, unit.script.text.offsets[0], unit.script.text.end)
    reasons = rerun_reasons(unit.script.resource, profile) if span is not None else []
    if not reasons:
        return None
    bullets = "\n".join(f"- {reason}" for reason in reasons)
    return HoverText(f"{P.SCRIPT_RERUN_TITLE}\n\n{bullets}", span)


def _script_line(text: str, offset: int, start: int, end: int) -> Span | None:
    """The non-blank part of the line at ``offset``, within the script ``[start, end)``."""
    lo = max(start, text.rfind("\n", 0, offset) + 1)
    nl = text.find("\n", offset)
    hi = min(end, len(text) if nl < 0 else nl)
    while lo < hi and text[lo] in " \t":
        lo += 1
    while hi > lo and text[hi - 1] in " \t\r":
        hi -= 1
    return Span(lo, hi) if lo < hi and lo <= offset <= hi else None


# --------------------------------------------------------------------------------------------
# Weight: where the hook runs


def weight_doc(target: WeightTarget, analysis: TemplateAnalysis, chart: Chart | None, v: str) -> str:
    ann = target.annotation
    resource = target.resource
    text = target.text
    if text is None:
        written = analysis.text[target.span.start : target.span.end]
        return _markdown(P.WEIGHT_TITLE.format(value=written), [W.TEMPLATED.render(v), W.ORDER.render(v)], facts=(W.TEMPLATED, W.ORDER))
    title = P.WEIGHT_TITLE.format(value=text) if text else P.WEIGHT_EMPTY_TITLE
    parts: list[str] = []
    if resource is not None and resource.hook is not None and resource.hook.weight_value is not None:
        lines = position_lines(resource, chart or single_file_chart(analysis))
        if lines:
            parts.append("\n".join(f"- {line}" for line in lines))
    if text and go_atoi(text) is None:
        parts.append(W.NOT_AN_INTEGER.format(value=text))
    if ann is not None and ann.style is None and ann.yaml_type in ("int", "float", "bool"):
        parts.append(W.UNQUOTED.render(v))
    parts += [W.ORDER.render(v), W.ATOI.render(v)]
    return _markdown(title, parts, facts=(W.UNQUOTED, W.ORDER, W.ATOI))


def single_file_chart(analysis: TemplateAnalysis) -> Chart:
    """A chart of one file, for templates outside any chart (order within the file only)."""
    path = analysis.path or "template.yaml"
    return Chart(root=Path(path).parent, name="", templates={path: analysis}, render_paths={path: path})


def _places(resource: Resource, chart: Chart) -> Iterator[tuple[str, list, int]]:
    """``(event, that event's hooks in order, this hook's index)`` for each event of the hook."""
    for event in dict.fromkeys(resource.hook.events if resource.hook else []):
        entries = chart.order(event)
        index = next((i for i, e in enumerate(entries) if e.resource is resource), None)
        if index is not None:
            yield event, entries, index


def position_lines(resource: Resource, chart: Chart) -> list[str]:
    """One line per distinct position, e.g. "3rd of 5 `pre-upgrade` hooks, after `x` (-5), before `y` (10)";
    events where the hook has the same place and neighbours share a line."""
    places: dict[tuple, list[str]] = {}
    for event, entries, index in _places(resource, chart):
        me = entries[index]
        neighbours = []
        if index > 0:
            neighbours.append(_neighbour(chart, entries[index - 1], me, after=True))
        if index + 1 < len(entries):
            neighbours.append(_neighbour(chart, me, entries[index + 1], after=False))
        places.setdefault((index, len(entries), tuple(neighbours)), []).append(event)
    out = []
    for (index, count, neighbours), events in places.items():
        names = W.EVENTS_SEPARATOR.join(f"`{e}`" for e in events)
        if count == 1:
            out.append(W.ONLY_HOOK.format(events=names))
        else:
            out.append(", ".join([W.POSITION.format(ordinal=W.ordinal(index + 1), count=count, events=names), *neighbours]))
    out.extend(_name_lines(resource, chart))
    return out


def _name_lines(resource: Resource, chart: Chart) -> list[str]:
    """The rendered name of a hook with a templated name, or why it is unknown; and why its
    place is not certain."""
    from .timeline import uncertainty

    for event, entries, index in _places(resource, chart):
        me = entries[index]
        out = []
        if not me.name_known:
            out.append(W.UNKNOWN_NAME.format(why=me.name_why or "templated"))
        elif me.name != resource.name:
            template = W.RENDERED_NAME_RELEASE if me.release_dependent else W.RENDERED_NAME
            out.append(template.format(name=me.name, release=chart.release_name))
        why = uncertainty(chart, entries, index) if len(entries) > 1 else None
        if why:
            out.append(W.UNCERTAIN.format(why=why))
        return out
    return []


def short_name(label: str) -> str:
    """A hook name for display: a templated prefix is abbreviated (``{{…}}-migrate``)."""
    if "}}" in label:
        rest = label[label.rindex("}}") + 2 :]
        if rest and "{{" not in rest:
            return "{{…}}" + rest
    return label


def _neighbour(chart: Chart, first: HookEntry, second: HookEntry, after: bool) -> str:
    """Describe the other hook of the pair ``first`` (runs earlier) / ``second``."""
    other = first if after else second
    weight = "?" if other.weight is None else str(other.weight)
    if chart.runs_before(first, second) is None:
        return W.UNKNOWN_AGAINST.format(name=short_name(other.label), weight=weight)
    if first.weight == second.weight:
        if first.name == second.name:
            template = W.AFTER_BY_KIND if after else W.BEFORE_BY_KIND
        else:
            template = W.AFTER_BY_NAME if after else W.BEFORE_BY_NAME
    else:
        template = W.AFTER if after else W.BEFORE
    return template.format(name=short_name(other.label), weight=weight)
