"""Chart-wide index of which document defines, and which pod uses, a named object.

Lifecycle rules ask "is the ServiceAccount this Job names a hook, a normal resource, or
unknown?". `references_of(chart)` answers from the chart model: every manifest document that
defines a ServiceAccount, Secret, ConfigMap, PVC, Role, ClusterRole or a binding, keyed by kind,
name and namespace; every pod reference (`Resource.workload.references`); and the
ServiceAccounts each RoleBinding/ClusterRoleBinding grants permissions to.

Names are compared as Helm would render them only when that is knowable: literal names match
literally anywhere in the chart; a templated name matches only the *identical* source text
(white space inside the action aside) in the same chart or subchart, because helpers such as
``fullname`` render differently in each chart. Anything else is unknown, and callers stay
silent about it. After an edit the index is merged again from each template's cached share,
so only the edited template is read again.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field

from .chart import Chart, is_partial
from .hook_model import Resource, TemplateAnalysis
from .pods import Reference
from .yaml_tree import YMap, YScalar, YSeq

#: Kinds a pod can depend on by name (the kinds `hook_model` extracts references to) plus RBAC.
INDEXED_KINDS = frozenset(
    {
        "ServiceAccount",
        "Secret",
        "ConfigMap",
        "PersistentVolumeClaim",
        "Role",
        "ClusterRole",
        "RoleBinding",
        "ClusterRoleBinding",
    }
)
BINDING_KINDS = frozenset({"RoleBinding", "ClusterRoleBinding"})
#: Cluster-scoped kinds: their namespace never matters.
_CLUSTER_KINDS = frozenset({"ClusterRole", "ClusterRoleBinding"})

_ACTION_SPACE = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.DOTALL)
#: Namespace values that render to the release namespace, like an absent namespace.
_RELEASE_NAMESPACE = re.compile(r'^\{\{(\.Release\.Namespace|include "[\w.-]*namespace" [.$])( \| ?quote)?\}\}$')


#: `{{ template "x" . }}` renders exactly what `{{ include "x" . }}` does (no pipeline after it).
_TEMPLATE_CALL = re.compile(r'\{\{template ("[^"]*" [.$][\w.$]*)\}\}')


def normalise_name(raw: str) -> str:
    """Source text of a name, compared modulo white space and trim markers inside actions."""
    text = _ACTION_SPACE.sub(lambda m: "{{" + re.sub(r"\s+", " ", m.group(1)) + "}}", raw.strip().strip("\"'"))
    return _TEMPLATE_CALL.sub(r"{{include \1}}", text)


@dataclass(frozen=True)
class Key:
    """What identifies an object: kind, name as compared (see module doc), namespace."""

    kind: str
    name: tuple[str, str]
    namespace: str


@dataclass(frozen=True)
class Site:
    """A document of the chart, with the template it is in."""

    template: TemplateAnalysis
    resource: Resource

    @property
    def path(self) -> str:
        return self.template.path


@dataclass
class ChartReferences:
    """Definitions, pod uses and binding subjects of one chart, by `Key`."""

    definitions: dict[Key, list[Site]] = field(default_factory=dict)
    uses: dict[Key, list[tuple[Site, Reference]]] = field(default_factory=dict)
    #: ServiceAccount key -> bindings whose ``subjects`` name it.
    bindings: dict[Key, list[Site]] = field(default_factory=dict)
    #: Resource id -> its `Site`, to find the template of a resource.
    sites: dict[int, Site] = field(default_factory=dict)
    scopes: dict[int, str] = field(default_factory=dict)

    def defined(self, key: Key | None) -> list[Site]:
        return self.definitions.get(key, []) if key is not None else []

    def users(self, key: Key | None) -> list[tuple[Site, Reference]]:
        return self.uses.get(key, []) if key is not None else []

    def binding_sites(self, key: Key | None) -> list[Site]:
        return self.bindings.get(key, []) if key is not None else []

    def key_of(self, res: Resource) -> Key | None:
        """The key of the object ``res`` defines (None when its name or kind is unknown)."""
        site = self.sites.get(id(res))
        if site is None or not res.kind or res.name_raw is None:
            return None
        return _key(res.kind, res.name, res.name_raw, _namespace(site), self.scopes[id(res)])

    def key_for(self, user: Resource, ref: Reference) -> Key | None:
        """The key of the object a pod reference names (in the user's namespace)."""
        site = self.sites.get(id(user))
        if site is None:
            return None
        return _key(ref.kind, ref.name, ref.raw, _namespace(site), self.scopes[id(user)])


def _key(kind: str, name: str | None, raw: str | None, namespace: str | None, scope: str) -> Key | None:
    if namespace is None:
        return None  # a namespace we cannot compare
    if kind in _CLUSTER_KINDS:
        namespace = ""
    if name is not None:
        return Key(kind, ("", name), namespace) if name else None
    if not raw:
        return None
    return Key(kind, (scope, normalise_name(raw)), namespace)


def _namespace(site: Site) -> str | None:
    """``""`` for the release namespace, a literal or normalised templated namespace."""
    meta = site.resource.metadata
    node = meta.get("namespace") if isinstance(meta, YMap) else None
    if node is None:
        return ""
    if not isinstance(node, YScalar):
        return None
    text = normalise_name(site.template.text[node.span.start : node.span.end])
    if _RELEASE_NAMESPACE.match(text):
        return ""
    return text


def _scope(chart: Chart, template: TemplateAnalysis) -> str:
    """The (sub)chart a template belongs to: its render path up to ``/templates/``."""
    render = chart.render_paths.get(template.path, template.path)
    return render.rsplit("/templates/", 1)[0]


def _subject_names(site: Site) -> list[tuple[str | None, str]]:
    """(literal name or None, raw text) of each ServiceAccount subject of a binding."""
    root = site.resource.document.root
    subjects = root.get("subjects") if isinstance(root, YMap) else None
    out = []
    if isinstance(subjects, YSeq):
        for item in subjects.items:
            if not isinstance(item, YMap):
                continue
            kind, name = item.get("kind"), item.get("name")
            if not (isinstance(kind, YScalar) and kind.value == "ServiceAccount" and isinstance(name, YScalar)):
                continue
            raw = site.template.text[name.span.start : name.span.end]
            literal = None if site.template.masked.is_templated(name.span) else name.value
            out.append((literal, raw))
    return out


def _template_part(chart: Chart, template: TemplateAnalysis) -> ChartReferences:
    """What one template adds to the chart's index (merged in file order by `build`)."""
    refs = ChartReferences()
    scope = _scope(chart, template)
    for res in template.resources:
        site = Site(template, res)
        refs.sites[id(res)] = site
        refs.scopes[id(res)] = scope
        if res.kind in INDEXED_KINDS:
            key = refs.key_of(res)
            if key is not None:
                refs.definitions.setdefault(key, []).append(site)
        if res.workload is not None:
            for ref in res.workload.references:
                key = refs.key_for(res, ref)
                if key is not None:
                    refs.uses.setdefault(key, []).append((site, ref))
        if res.kind in BINDING_KINDS:
            for literal, raw in _subject_names(site):
                # Subjects carry their own namespace; bindings match by name within the chart.
                for namespace in {"", _namespace(site) or ""}:
                    key = _key("ServiceAccount", literal, raw, namespace, scope)
                    if key is not None and site not in refs.bindings.get(key, []):
                        refs.bindings.setdefault(key, []).append(site)
    return refs


def build(chart: Chart, parts: dict[str, tuple[TemplateAnalysis, ChartReferences]] | None = None) -> ChartReferences:
    """The chart's index; ``parts`` caches each template's share, so an edit re-reads one file."""
    refs = ChartReferences()
    fresh: dict[str, tuple[TemplateAnalysis, ChartReferences]] = {}
    for template in chart.manifest_templates():
        hit = parts.get(template.path) if parts is not None else None
        part = hit[1] if hit is not None and hit[0] is template else _template_part(chart, template)
        fresh[template.path] = (template, part)
        refs.sites.update(part.sites)
        refs.scopes.update(part.scopes)
        for mine, theirs in (
            (refs.definitions, part.definitions),
            (refs.uses, part.uses),
            (refs.bindings, part.bindings),
        ):
            for key, items in theirs.items():
                have = mine.get(key)
                if have is None:
                    mine[key] = list(items)
                else:
                    have.extend(items)
    if parts is not None:
        parts.clear()
        parts.update(fresh)
    return refs


#: id(chart) -> (weak reference to the chart, its revision, the index, each template's share).
_CACHE: dict[int, tuple[weakref.ref, int, ChartReferences, dict]] = {}


def references_of(chart: Chart) -> ChartReferences:
    """The (cached) index of ``chart``; after an edit only the edited template is read again."""
    hit = _CACHE.get(id(chart))
    if hit is not None and hit[0]() is chart and hit[1] == chart.revision:
        return hit[2]
    same_chart = hit is not None and hit[0]() is chart
    parts = hit[3] if same_chart else {}
    if same_chart and _patch(chart, hit[2], parts, hit[1]):
        refs = hit[2]
    else:
        refs = build(chart, parts)
    key = id(chart)
    if not same_chart:
        weakref.finalize(chart, _CACHE.pop, key, None)
    _CACHE[key] = (weakref.ref(chart), chart.revision, refs, parts)
    return refs


_MAPS = ("definitions", "uses", "bindings")


def _patch(chart: Chart, refs: ChartReferences, parts: dict, revision: int) -> bool:
    """Update ``refs`` (built at chart ``revision``) in place for re-analysed templates whose
    entries have the same keys as before (a keystroke rarely renames an object): each old entry
    is swapped for the new one at its place, which is where a full `build` would put it. False
    (``refs`` untouched) otherwise.
    """
    manifest = chart.manifest_templates()
    if len(manifest) != len(parts):
        return False
    keys = chart.changed_since(revision)
    if keys is None:
        candidates = manifest  # further back than the chart remembers: look at every template
    else:
        # Only the templates changed since: one after a keystroke, of thousands in an umbrella.
        candidates = []
        for key in sorted(keys):
            if is_partial(key):
                continue  # partials are not in the index (nor among `manifest`)
            template = chart.templates.get(key)
            if template is None:
                return False  # removed
            candidates.append(template)
    changed = []
    for template in candidates:
        hit = parts.get(template.path)
        if hit is None:
            return False
        if hit[0] is not template:
            changed.append((template, hit[1], _template_part(chart, template)))
            if len(changed) > 8:
                return False
    for _template, old, new in changed:
        for name in _MAPS:
            a, b = getattr(old, name), getattr(new, name)
            if a.keys() != b.keys() or any(len(a[k]) != len(b[k]) for k in a):
                return False
    for template, old, new in changed:
        for name in _MAPS:
            into = getattr(refs, name)
            for key, olds in getattr(old, name).items():
                items = into[key]
                for o, n in zip(olds, getattr(new, name)[key]):
                    for i, x in enumerate(items):
                        if x is o:
                            items[i] = n
                            break
        for rid in old.sites:
            refs.sites.pop(rid, None)
            refs.scopes.pop(rid, None)
        refs.sites.update(new.sites)
        refs.scopes.update(new.scopes)
        parts[template.path] = (template, new)
    return True
