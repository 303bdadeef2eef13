"""The hook model: what each document of a template declares, as Helm would read it.

`analyse_template(text, path)` masks the template, composes its documents and extracts, per
document, the kind, name, namespace, every annotation (with exact key and value spans), the hook
settings parsed exactly as Helm parses them, hook-like keys in places
Helm never reads, and for pod-running kinds the workload read by `pods` (restart policy, Job
limits, containers, the Secrets/ConfigMaps/ServiceAccounts/PVCs the pod references). When Helm
reads no hook but a `helm.sh/hook` key is misspelt or misplaced, `Resource.intended_hook` holds the
hook the author meant, so that only the annotation rules report that one mistake.

A value produced by a template action is *statically unknown*: it is recorded with
``templated=True`` and rules must stay silent about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from ..knowledge import annotations as A
from . import gotemplate
from .annotation_keys import meant_key
from .source import LineIndex, Span
from .pods import Workload, read_workload
from .template_mask import MaskedTemplate, mask
from .yaml_tree import Document, YMap, YNode, YScalar, YSeq, parse_documents
from .yaml_types import go_atoi, helm_string, plain_scalar_type

_HOOKISH_KEY = re.compile(r"^\s*helm\.sh/(hook|resource-policy)", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    """One comma-separated part of an annotation value."""

    #: The part as written (untrimmed).
    raw: str
    #: ``ToLower(TrimSpace(raw))``: what Helm compares (#parsing#delete-policies).
    value: str
    #: Where the trimmed part is in the source (the whole value when it cannot be mapped).
    span: Span
    #: Whether ``span`` is exactly this part (False for escaped or multi-line values).
    exact: bool = True


@dataclass
class Annotation:
    """One ``metadata.annotations`` entry (from YAML, or from a ``dict`` literal in an action)."""

    key: str
    key_span: Span
    #: The scalar as YAML reads it; None when the value is not a scalar.
    text: str | None
    #: The value node's span (quotes included); for a null value, an empty span after the colon.
    value_span: Span
    #: Span of the characters inside the quotes (== value_span for plain scalars).
    content_span: Span
    #: None for plain, or one of ``'"|>`` (``dict`` literals report ``'"'``).
    style: str | None
    #: ``str``/``int``/``float``/``bool``/``null`` for scalars, ``map``/``seq`` otherwise.
    yaml_type: str
    #: Produced (partly) by a template action: its rendered value is unknown.
    templated: bool
    #: ``yaml`` or ``dict`` (a string pair inside an action: ``dict "helm.sh/hook" "..."``).
    origin: str = "yaml"
    #: Inside an ``if``/``with``/``range`` or a ``ternary``: may not be rendered at all.
    conditional: bool = False
    #: True when the key itself is templated.
    key_templated: bool = False
    #: Source text of the value exactly as written (quotes and actions included).
    source_text: str = ""

    @property
    def known(self) -> bool:
        """True when the value Helm will see is known statically."""
        return not self.templated and not self.key_templated and self.yaml_type not in ("map", "seq")

    @property
    def helm_value(self) -> str | None:
        """The string Helm's decoder makes of this value (#weights), or None if unknown."""
        if not self.known:
            return None
        return helm_string(self.text or "", self.style)

    @cached_property
    def tokens(self) -> list[Token]:
        """The comma-separated parts, trimmed and lower-cased as Helm does, with spans."""
        value = self.helm_value
        if value is None:
            return []
        raw_source = self.source_text_inside
        exact = raw_source == value and "\n" not in value
        out = []
        pos = 0
        for part in value.split(","):
            stripped = part.strip()
            if exact:
                lead = len(part) - len(part.lstrip())
                start = self.content_span.start + pos + lead
                span = Span(start, start + len(stripped))
            else:
                span = self.content_span
            out.append(Token(part, stripped.lower(), span, exact))
            pos += len(part) + 1
        return out

    @property
    def source_text_inside(self) -> str:
        """The source characters inside the value's quotes."""
        n = self.content_span.end - self.content_span.start
        offset = self.content_span.start - self.value_span.start
        return self.source_text[offset : offset + n]


@dataclass
class Hook:
    """The hook settings of a resource, parsed as `manifest_sorter.go:sort` parses them."""

    #: The exact ``helm.sh/hook`` annotation (the first one, when branches give several).
    annotation: Annotation
    #: Every ``helm.sh/hook`` annotation (several when if/else branches set different values).
    alternatives: list[Annotation]
    weight: Annotation | None
    delete_policy: Annotation | None
    output_log_policy: Annotation | None

    @property
    def known(self) -> bool:
        return self.annotation.known

    @property
    def event_tokens(self) -> list[Token]:
        return self.annotation.tokens

    @property
    def events(self) -> list[str]:
        """Canonical events (aliases resolved, unknown parts dropped, duplicates kept)."""
        out = []
        for tok in self.event_tokens:
            ev = A.canonical_event(tok.value)
            if ev:
                out.append(ev)
        return out

    @property
    def skipped(self) -> bool:
        """True when an unknown part makes Helm drop the whole resource (#parsing)."""
        return self.known and any(A.canonical_event(t.value) is None for t in self.event_tokens)

    @property
    def weight_value(self) -> int | None:
        """The weight Helm uses (`strconv.Atoi`, failure = 0), or None when templated (#weights)."""
        if self.weight is None:
            return 0
        value = self.weight.helm_value
        if value is None:
            return None
        n = go_atoi(value)
        return 0 if n is None else n

    @property
    def delete_policies(self) -> list[str] | None:
        """Policies as Helm stores them (every part, unvalidated); None when templated (#delete-policies)."""
        if self.delete_policy is None:
            return []
        if not self.delete_policy.known:
            return None
        return [t.value for t in self.delete_policy.tokens]

    @property
    def effective_delete_policies(self) -> list[str] | None:
        """What Helm applies: the default before-hook-creation only when none is given (#delete-policies)."""
        policies = self.delete_policies
        if policies is None:
            return None
        return policies or [A.DEFAULT_DELETE_POLICY]


@dataclass
class Resource:
    """One document of a template, as far as Helm's hook handling is concerned."""

    document: Document
    kind: str | None = None
    kind_node: YScalar | None = None
    api_version: str | None = None
    #: Literal ``metadata.name``; None when absent or templated.
    name: str | None = None
    name_node: YScalar | None = None
    #: ``metadata.name`` as written (actions included): comparable across documents of a chart.
    name_raw: str | None = None
    generate_name: YScalar | None = None
    namespace: str | None = None
    metadata: YMap | None = None
    annotations: list[Annotation] = field(default_factory=list)
    #: The ``metadata.annotations`` node, if present.
    annotations_node: YNode | None = None
    #: Annotations may be added by template actions (``toYaml .Values.x``, helpers): the absence
    #: of a key proves nothing.
    annotations_dynamic: bool = False
    #: ``helm.sh/hook*``-like keys where Helm does not read them (pod template, labels...).
    misplaced: list[tuple[str, Annotation]] = field(default_factory=list)
    hook: Hook | None = None
    #: The hook the author meant when Helm reads none: a `helm.sh/hook` key that is misspelt or
    #: miscased, or written in the pod template's metadata, in labels or directly under
    #: `metadata`. The annotation rules report that mistake; every other rule treats the
    #: resource as this hook, not as a plain resource (one finding per root cause).
    intended_hook: Hook | None = None
    workload: Workload | None = None

    @property
    def span(self) -> Span:
        return self.document.span

    @property
    def is_hook(self) -> bool:
        return self.hook is not None

    @property
    def meant_as_hook(self) -> bool:
        """Helm reads it as a hook, or the author evidently meant one (`intended_hook`)."""
        return self.hook is not None or self.intended_hook is not None

    def annotation(self, key: str) -> Annotation | None:
        for ann in self.annotations:
            if ann.key == key:
                return ann
        return None

    def annotations_named(self, key: str) -> list[Annotation]:
        return [a for a in self.annotations if a.key == key]

    @property
    def anchor(self) -> Span:
        """Where to point at the resource as a whole: its kind, else its name, else the start."""
        node = self.kind_node or self.name_node
        if node is not None:
            return node.span
        return Span(self.span.start, self.span.start)


@dataclass
class TemplateAnalysis:
    """Everything the analysis knows about one template file."""

    path: str
    text: str
    masked: MaskedTemplate
    index: LineIndex
    documents: list[Document]
    resources: list[Resource]
    #: Parts of the analysis that failed (see `failures`): the result may be incomplete.
    failures: list[str] = field(default_factory=list)

    @property
    def hooks(self) -> list[Resource]:
        return [r for r in self.resources if r.hook is not None]

    def resource_at(self, offset: int) -> Resource | None:
        for res in self.resources:
            if res.span.start <= offset <= res.span.end:
                return res
        return None


# --------------------------------------------------------------------------------------------
# Extraction


class _Extractor:
    def __init__(self, text: str, masked: MaskedTemplate) -> None:
        self.text = text
        self.masked = masked

    def templated(self, span: Span) -> bool:
        return self.masked.is_templated(span)

    def scalar_text(self, node: YNode | None) -> str | None:
        """A literal scalar's value; None when not a scalar or templated."""
        if isinstance(node, YScalar) and not self.templated(node.span):
            return node.value
        return None

    def resource(self, doc: Document) -> Resource:
        res = Resource(doc)
        root = doc.root
        if not isinstance(root, YMap):
            self._dict_annotations(res)
            self._hook(res)
            return res
        kind = root.get("kind")
        if isinstance(kind, YScalar):
            res.kind_node = kind
            res.kind = self.scalar_text(kind)
        res.api_version = self.scalar_text(root.get("apiVersion"))
        meta = root.get("metadata")
        if isinstance(meta, YMap):
            res.metadata = meta
            name = meta.get("name")
            if isinstance(name, YScalar):
                res.name_node = name
                res.name = self.scalar_text(name)
                res.name_raw = self.text[name.span.start : name.span.end].strip().strip("\"'")
            gen = meta.get("generateName")
            if isinstance(gen, YScalar):
                res.generate_name = gen
            res.namespace = self.scalar_text(meta.get("namespace"))
            self._annotations(res, meta)
            pair = root.get_pair("metadata")
            if pair is not None and self._block_action_in(Span(pair[0].span.end, meta.span.start)):
                # `metadata:` then `{{ include "metadata" . }}` (which may end with `annotations:`),
                # then keys: those keys may well be annotations.
                res.annotations_dynamic = True
        self._dict_annotations(res)
        self._misplaced(res, root)
        self._hook(res)
        res.workload = read_workload(res.kind, root, self.text, self.masked)
        return res

    # -- annotations -----------------------------------------------------------------------

    def _annotation(self, key: YScalar, value: YNode, origin: str = "yaml") -> Annotation:
        if isinstance(value, YScalar):
            text = value.value
            style = value.style
            if style in ('"', "'") and value.span.end - value.span.start >= 2:
                content = Span(value.span.start + 1, value.span.end - 1)
            else:
                content = value.span
            yaml_type = plain_scalar_type(text) if style is None else "str"
        else:
            text, style, content = None, None, value.span
            yaml_type = "map" if isinstance(value, YMap) else "seq"
        if isinstance(value, YScalar) and value.value == "" and value.span.start == value.span.end:
            # A null value (`helm.sh/hook:`): point just after the colon.
            content = value.span
        return Annotation(
            key=key.value,
            key_span=key.span,
            text=text,
            value_span=value.span,
            content_span=content,
            style=style,
            yaml_type=yaml_type,
            templated=self.templated(value.span),
            origin=origin,
            conditional=self.masked.conditional(key.span.start),
            key_templated=self.templated(key.span),
            source_text=self.text[value.span.start : value.span.end],
        )

    def _annotations(self, res: Resource, meta: YMap) -> None:
        pair = meta.get_pair("annotations")
        node = pair[1] if pair else None
        res.annotations_node = node
        if isinstance(node, YMap):
            for k, v in node.items():
                res.annotations.append(self._annotation(k, v))
            span = node.span
        elif pair is not None:
            span = Span(pair[0].span.start, _line_end(self.text, pair[0].span.end))
        else:
            span = None
        res.annotations_dynamic = self._dynamic(meta, span)

    def _dynamic(self, meta: YMap, annotations_span: Span | None) -> bool:
        """Could template actions add annotations that the YAML does not show?

        Only actions that render a block (masked as spaces: ``toYaml``, ``include ... | nindent``)
        can add keys; scalar actions render a value in place. From the ``annotations:`` key on,
        any such action counts (where the block ends is not tracked once actions follow it);
        before it, one on a ``labels:``/``name:``/``namespace:`` line fills that key instead.
        """
        for action in self.masked.actions_in(meta.span):
            if action.kind != "output" or self.masked.text[action.span.start] != " ":
                continue
            if annotations_span is not None and action.span.start >= annotations_span.start:
                return True
            line_start = self.text.rfind("\n", 0, action.span.start) + 1
            if not self.text[line_start : action.span.start].strip().startswith(("labels:", "name:", "namespace:")):
                return True
        return False

    def _block_action_in(self, span: Span) -> bool:
        """An action that renders a block (masked as blanks) lies in ``span``."""
        return any(
            a.kind == "output" and self.masked.text[a.span.start] == " " for a in self.masked.actions_in(span)
        )

    def _dict_annotations(self, res: Resource) -> None:
        """``dict "helm.sh/hook" "pre-upgrade" ...`` literals inside this document's actions."""
        for action in self.masked.actions_in(res.span):
            if "helm.sh/" not in action.body or self.masked.in_define(action.span.start):
                continue
            tokens = gotemplate.tokenize(action.body, action.body_start)
            conditional = self.masked.conditional(action.span.start) or any(
                t.kind == "ident" and t.text in ("ternary", "if") for t in tokens
            )
            for key_tok, val_tok in gotemplate.string_pairs(tokens, "helm.sh/"):
                value = val_tok.string_value()
                start = val_tok.content_start()
                end = start + len(value) if not val_tok.has_escapes() else val_tok.end - 1
                res.annotations.append(
                    Annotation(
                        key=key_tok.string_value(),
                        key_span=Span(key_tok.start + 1, key_tok.end - 1),
                        text=value,
                        value_span=Span(val_tok.start, val_tok.end),
                        content_span=Span(start, end),
                        style='"',
                        yaml_type="str",
                        templated=False,
                        origin="dict",
                        conditional=conditional,
                        source_text=val_tok.text,
                    )
                )

    def _misplaced(self, res: Resource, root: YMap) -> None:
        """Hook-like keys anywhere but ``metadata.annotations``."""
        stack: list[tuple[YNode, tuple[str, ...]]] = [(root, ())]
        while stack:
            node, path = stack.pop()
            if isinstance(node, YMap):
                for k, v in node.items():
                    here = path + (k.value,)
                    if _HOOKISH_KEY.match(k.value) and path != ("metadata", "annotations"):
                        if path == ("metadata",) and res.annotations_dynamic and res.annotations_node is None:
                            continue  # may follow an `annotations:` that a template action renders
                        res.misplaced.append((".".join(path), self._annotation(k, v)))
                    if isinstance(v, (YMap, YSeq)):
                        stack.append((v, here))
            elif isinstance(node, YSeq):
                for item in node.items:
                    if isinstance(item, (YMap, YSeq)):
                        stack.append((item, path + ("[]",)))

    def _hook(self, res: Resource) -> None:
        rebuild_hook(res)

    # -- pods ------------------------------------------------------------------------------

#: Where a misplaced key still shows what the author meant: metadata-like maps (not `data:` or a
#: spec field, where the key is a value of its own).
METADATA_PLACES = frozenset({"annotations", "labels", "metadata"})


def _intended_hook(res: Resource) -> Hook | None:
    """The hook a misspelt, miscased or misplaced `helm.sh/hook` key was meant to declare."""
    found: dict[str, list[Annotation]] = {}
    for ann in res.annotations:
        key = None if ann.key_templated else meant_key(ann.key)
        if key is not None and key != ann.key:
            found.setdefault(key, []).append(ann)
    for where, ann in res.misplaced:
        if ann.key_templated or where.rsplit(".", 1)[-1] not in METADATA_PLACES:
            continue
        key = meant_key(ann.key.strip())
        if key is not None:
            found.setdefault(key, []).append(ann)
    hooks = found.get(A.HOOK)
    if not hooks:
        return None

    def first(key: str) -> Annotation | None:
        own = res.annotations_named(key) or found.get(key)
        return own[0] if own else None

    return Hook(
        annotation=hooks[0],
        alternatives=hooks,
        weight=first(A.WEIGHT),
        delete_policy=first(A.DELETE_POLICY),
        output_log_policy=first(A.OUTPUT_LOG_POLICY),
    )


def rebuild_hook(res: Resource) -> None:
    """Set ``res.hook`` from its annotations (the first of each key; every `helm.sh/hook`), or
    ``res.intended_hook`` when Helm reads no hook but the author evidently meant one."""
    hooks = res.annotations_named(A.HOOK)
    if not hooks:
        res.hook = None
        res.intended_hook = _intended_hook(res)
        return
    res.intended_hook = None

    def first(key: str) -> Annotation | None:
        found = res.annotations_named(key)
        return found[0] if found else None

    res.hook = Hook(
        annotation=hooks[0],
        alternatives=hooks,
        weight=first(A.WEIGHT),
        delete_policy=first(A.DELETE_POLICY),
        output_log_policy=first(A.OUTPUT_LOG_POLICY),
    )


def _line_end(text: str, offset: int) -> int:
    nl = text.find("\n", offset)
    return len(text) if nl == -1 else nl


def analyse_template(text: str, path: str = "") -> TemplateAnalysis:
    """Parse one template and extract its resources; never raises on bad input."""
    masked, index, documents, resources = _analyse(text)
    return TemplateAnalysis(path, text, masked, index, documents, resources)


def _analyse(text: str) -> tuple[MaskedTemplate, LineIndex, list[Document], list[Resource]]:
    masked = mask(text)
    index = LineIndex(text)
    documents = parse_documents(masked.text, index)
    extractor = _Extractor(text, masked)
    return masked, index, documents, [extractor.resource(doc) for doc in documents]


class DeferredAnalysis(TemplateAnalysis):
    """A template analysed on first use of anything but its path and text.

    Partials (``_*.tpl``) are most of the text of a large chart (bitnami's `common` alone is a
    few hundred KB per copy), yet Helm never outputs them and chart-wide views read only
    manifests: their text serves helper lookups, and the analysis itself is needed only when
    one is opened in the editor.
    """

    _LAZY = frozenset({"masked", "index", "documents", "resources"})

    def __init__(self, path: str, text: str) -> None:  # noqa: D107 - the fields come later
        self.path = path
        self.text = text
        self.failures = []

    def __getattr__(self, name: str):
        # Called only for attributes not set yet: the four analysed fields.
        if name not in DeferredAnalysis._LAZY:
            raise AttributeError(name)
        self.masked, self.index, self.documents, self.resources = _analyse(self.text)
        return getattr(self, name)
