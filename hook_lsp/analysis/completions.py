"""Completion items for hook annotations, assembled from `hook_lsp.knowledge` only.

`complete(analysis, offset, chart, profile)` reads the cursor context (`cursor`) and returns
plain `Item`s: annotation keys quoted like their siblings, the events and policies not yet in a
list (events in lifecycle order), weights that place the hook before, between or after the
chart's other hooks of the same events (Helm's order), and whole-resource or
annotation-block scaffolds. The protocol layer only converts spans and kinds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from ..knowledge import annotations as A
from ..knowledge import versions
from ..knowledge import phrases as P
from ..knowledge import policies as PO
from ..knowledge import weights as W
from ..knowledge.events import EVENT_DOCS
from ..knowledge.keys import KEY_DOCS
from ..knowledge.scaffolds import SCAFFOLDS, Scaffold
from ..knowledge.workload_hooks import LONG_LIVED_KINDS, workload_hook_fact_text
from . import hovers as H
from .chart import Chart, HookEntry
from .cursor import (
    LIST_KEYS,
    KeyContext,
    ScaffoldContext,
    ValueContext,
    completion_context,
)
from .deployer_assist import deployer_values, key_items, mark_ignored_events
from .hook_model import Resource, TemplateAnalysis
from .profile import HELM, Profile
from .source import Span

#: Characters after which editors should ask for completions.
TRIGGER_CHARACTERS = (":", " ", ",", '"', "/")


@dataclass(frozen=True)
class Item:
    label: str
    #: ``property`` (a key), ``value`` (a list token), ``number`` (a weight) or ``snippet``.
    kind: str
    detail: str
    #: Markdown.
    documentation: str
    #: The text replacing ``span``; LSP snippet syntax when ``snippet``.
    insert_text: str
    span: Span
    snippet: bool = False
    sort_text: str | None = None
    filter_text: str | None = None

    @property
    def plain_text(self) -> str:
        """``insert_text`` for clients without snippet support (placeholders become their defaults)."""
        return strip_snippet(self.insert_text) if self.snippet else self.insert_text


_PLACEHOLDER = re.compile(r"\$\{\d+:([^}]*)\}|\$\{\d+\|([^|,]*)[^}]*\|\}|\$\{\d+\}|\$\d+")


def strip_snippet(text: str) -> str:
    def repl(m: re.Match) -> str:
        return m.group(1) if m.group(1) is not None else (m.group(2) or "")

    return _PLACEHOLDER.sub(repl, text).replace("\\$", "$").replace("\\}", "}")


def complete(analysis: TemplateAnalysis, offset: int, chart: Chart | None, profile: Profile = HELM) -> list[Item]:
    own = deployer_values(analysis, offset, profile)
    if own is not None:
        return [Item(label, "value", detail, doc, text, span, sort_text=f"{i:02d}", filter_text=label) for i, (label, detail, doc, text, span) in enumerate(own)]
    ctx = completion_context(analysis, offset)
    v = profile.helm_version
    if isinstance(ctx, KeyContext):
        return _keys(analysis, ctx, v) + _deployer_keys(ctx, profile)
    if isinstance(ctx, ValueContext):
        if ctx.key in LIST_KEYS:
            return mark_ignored_events(_list_values(ctx, v), ctx.key, profile)
        return _weights(analysis, ctx, chart, v)
    if isinstance(ctx, ScaffoldContext):
        if ctx.where == "document":
            return _document_scaffolds(ctx, v)
        key_ctx = KeyContext("", ctx.span, '"', frozenset(), False, ctx.resource)
        return _annotation_scaffolds(ctx, v) + _keys(analysis, key_ctx, v)
    return []


# --------------------------------------------------------------------------------------------
# Keys


def _deployer_keys(ctx: KeyContext, profile: Profile) -> list[Item]:
    """Annotation keys the profile's deployer reads besides Helm's (after Helm's keys)."""
    items = []
    for i, (key, doc) in enumerate(key_items(ctx.present, profile)):
        written = f"{ctx.quote}{key}{ctx.quote}"
        insert = written if ctx.has_colon else f"{written}: "
        items.append(Item(key, "property", doc.split("\n\n", 1)[1].split(".")[0], doc, insert, ctx.span,
                          sort_text=f"9{i}", filter_text=key))
    return items


def _keys(analysis: TemplateAnalysis, ctx: KeyContext, v: str) -> list[Item]:
    kind = ctx.resource.kind if ctx.resource is not None else None
    typed_quote = analysis.text[ctx.span.start : ctx.span.start + 1] in ("'", '"') and ctx.span.end > ctx.span.start
    items = []
    for i, key in enumerate(A.KNOWN_HELM_KEYS):
        if key in ctx.present:
            continue
        if key == A.OUTPUT_LOG_POLICY and kind and kind not in A.OUTPUT_LOG_KINDS:
            continue  # only Job and Pod hooks print logs (#output-logs)
        if key == A.OUTPUT_LOG_POLICY and not versions.at_least(v, A.OUTPUT_LOG_POLICY_SINCE):
            continue  # the selected Helm predates the annotation (#versions)
        written = f"{ctx.quote}{key}{ctx.quote}"
        insert = written if ctx.has_colon else f"{written}: "
        doc = KEY_DOCS[key]
        documentation = H.key_doc(key, v)
        if key == A.HOOK and kind in LONG_LIVED_KINDS:
            # The usual remedy first: a long-running kind is rarely meant to be a hook (HK220).
            documentation = workload_hook_fact_text(kind) + "\n\n" + documentation
        items.append(
            Item(
                label=key,
                kind="property",
                detail=doc.summary,
                documentation=documentation,
                insert_text=insert,
                span=ctx.span,
                sort_text=f"{i:02d}",
                filter_text=f"{ctx.quote}{key}" if typed_quote else key,
            )
        )
    return items


# --------------------------------------------------------------------------------------------
# Events and policies


def _list_values(ctx: ValueContext, v: str) -> list[Item]:
    prefix = ctx.prefix.strip().lower()
    lead = " " if ctx.space_before else ""
    items = []
    if ctx.key == A.HOOK:
        present = {A.canonical_event(t) or t for t in ctx.present}
        for i, event in enumerate(A.EVENT_NAMES):
            if event in present or not event.startswith(prefix):
                continue
            items.append(
                Item(event, "value", EVENT_DOCS[event].summary, H.event_doc(event, v), lead + event, ctx.span,
                     sort_text=f"{i:02d}", filter_text=event)
            )
        return items
    if ctx.key == A.DELETE_POLICY:
        docs, builder = PO.DELETE_POLICY_DOCS, H.delete_policy_doc
    else:
        docs, builder = PO.OUTPUT_LOG_POLICY_DOCS, H.output_log_policy_doc
    for i, (name, doc) in enumerate(docs.items()):
        if name in ctx.present or not name.startswith(prefix):
            continue
        items.append(
            Item(name, "value", doc.summary, builder(name, v), lead + name, ctx.span, sort_text=f"{i:02d}",
                 filter_text=name)
        )
    return items


# --------------------------------------------------------------------------------------------
# Weights


def _weights(analysis: TemplateAnalysis, ctx: ValueContext, chart: Chart | None, v: str) -> list[Item]:
    resource = ctx.resource
    events = _events_of(resource)
    suggestions = weight_suggestions(resource, events, chart or H.single_file_chart(analysis))
    doc = H.weight_facts_doc(v)
    lead = " " if ctx.space_before else ""
    items = []
    for i, (value, detail) in enumerate(suggestions):
        text = str(value) if ctx.quote else f'{lead}"{value}"'
        items.append(
            Item(str(value), "number", detail, doc, text, ctx.span, sort_text=f"{i:02d}", filter_text=str(value))
        )
    return items


def _events_of(resource: Resource | None) -> list[str]:
    if resource is None or resource.hook is None:
        return []
    out: list[str] = []
    for event in resource.hook.events:
        if event not in out:
            out.append(event)
    return out


def weight_suggestions(resource: Resource | None, events: list[str], chart: Chart) -> list[tuple[int, str]]:
    """(weight, where it puts the hook) for the gaps around the other hooks of ``events`` (#order)."""
    others: dict[int, HookEntry] = {}
    for event in events:
        for entry in chart.order(event):
            if entry.resource is resource or entry.weight is None:
                continue
            others.setdefault(id(entry.resource), entry)
    if not others:
        return [(0, W.SUGGEST_ALONE.format(events=", ".join(events)) if events else W.SUGGEST_DEFAULT)]
    ordered = sorted(others.values(), key=lambda e: (e.weight, e.name.encode("utf-8")))
    weights = sorted({e.weight for e in ordered})
    first_at = {w: next(e for e in ordered if e.weight == w) for w in weights}
    last_at = {w: [e for e in ordered if e.weight == w][-1] for w in weights}
    out = [(weights[0] - 1, W.SUGGEST_BEFORE.format(name=H.short_name(first_at[weights[0]].label), weight=weights[0]))]
    for low, high in pairwise(weights):
        if high - low >= 2:
            out.append(
                (
                    low + 1,
                    W.SUGGEST_BETWEEN.format(
                        after=H.short_name(last_at[low].label), after_weight=low, before=H.short_name(first_at[high].label), before_weight=high
                    ),
                )
            )
    out.append((weights[-1] + 1, W.SUGGEST_AFTER.format(name=H.short_name(last_at[weights[-1]].label), weight=weights[-1])))
    return out


# --------------------------------------------------------------------------------------------
# Scaffolds


def _scaffold_doc(scaffold: Scaffold, v: str, body: str) -> str:
    return "\n\n".join(
        [f"**{scaffold.label}**", *[f.render(v) for f in scaffold.facts], f"```yaml\n{body}\n```", *H.guide_links(scaffold.facts)]
    )


def _document_scaffolds(ctx: ScaffoldContext, v: str) -> list[Item]:
    items = []
    for i, sc in enumerate(SCAFFOLDS):
        body = sc.document()
        items.append(
            Item(sc.label, "snippet", sc.detail, _scaffold_doc(sc, v, strip_snippet(body)), body, ctx.span,
                 snippet=True, sort_text=f"{i:02d}", filter_text=f"{sc.kind} {sc.label}")
        )
    return items


def _annotation_scaffolds(ctx: ScaffoldContext, v: str) -> list[Item]:
    kind = ctx.resource.kind if ctx.resource is not None else None
    if kind in LONG_LIVED_KINDS:
        return []  # a Deployment, Service... is not a hook: the usual remedy is a Job hook (HK220)
    matching = [sc for sc in SCAFFOLDS if sc.kind == kind] or list(SCAFFOLDS)
    items = []
    for i, sc in enumerate(matching):
        body = sc.annotation_block(" " * ctx.indent)
        items.append(
            Item(P.ANNOTATIONS_LABEL.format(label=sc.label), "snippet", sc.detail,
                 _scaffold_doc(sc, v, strip_snippet(body)), body, ctx.span, snippet=True,
                 sort_text=f"0-{i}", filter_text=f"helm.sh/hook {sc.label}")
        )
    return items
