"""Hook annotations that come from helpers and values, added to the hook model.

`Resolver` is the `Chart.enrich` callback: for a template whose annotations the YAML alone does
not show (``include``d helpers, ``toYaml .Values.x``, a templated value, a whole document made by
a helper), it renders the template statically (`evaluate`) over the chart's values, reads the
``metadata.annotations`` of each rendered document, and maps every ``helm.sh/*`` entry back to
the template: literal text maps character by character; text produced by an action maps to that
action (the ``include`` site), with the ``define`` it came from kept for related information.
New or newly known entries are added to the resource as `ResolvedAnnotation`s and the resource's
`Hook` is rebuilt, so rules, the timeline and hovers see them like literal annotations.
A value that depends on anything unknown stays templated (rules stay silent on it).
The same render gives each resource's ``metadata.name`` and ``namespace`` (`names`), which the
chart's hook order needs. The helper library is `helpers`; the map from rendered text back to
the template is `source_map`.
"""

from __future__ import annotations

import logging
import time
from collections import ChainMap, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from ...knowledge import annotations as A
from ..failures import describe
from ..hook_model import Annotation, Resource, TemplateAnalysis, rebuild_hook
from ..source import LineIndex, Span
from ..yaml_tree import YMap, YScalar, parse_documents, path_get
from ..yaml_types import plain_scalar_type
from .evaluate import MARK, UNKNOWN, Budget, Evaluator, StopRender
from .functions import deep_copy
from .shared import SharedValues, shared
from .helpers import HELPER_NAMES, PARSED_HELPERS, HelperLibrary, define_names
from .parse import Call, Define, If, Output, Range, Text, parse
from . import values_ahead
from .source_map import MapWriter, Segment
from .splice import RenderState, splice
from .values import (
    chart_metadata,
    chart_values,
    helper_sources,
    load_yaml_file,
    merge_values,
    yaml_file_problem,
)

log = logging.getLogger(__name__)

#: Annotation keys worth resolving: the ones Helm's hook code reads (#parsing, #weights, #delete-policies, #lifecycle).
_KEYS = frozenset(A.KNOWN_HELM_KEYS)


@dataclass
class ResolvedAnnotation(Annotation):
    """An annotation whose key or value was produced by a helper or values (``origin="resolved"``)."""

    #: The ``define`` the entry came from (None for ``toYaml .Values...`` or a plain value).
    define: Define | None = None


#: The release name `helm template` uses when none is given (Helm 3 and 4 `template.go`).
DEFAULT_RELEASE_NAME = "release-name"
DEFAULT_NAMESPACE = "default"
#: A second, long release name: an order that differs under it depends on the release name.
ALTERNATIVE_RELEASE_NAME = "a-much-longer-release-name-to-find-truncated-names"
#: Stands for the unknown part of a partly rendered name (an action, so comparisons treat it
#: as unknown and the timeline shows it as ``‹…›``).
UNKNOWN_ACTION = "{{ ? }}"


@dataclass
class RenderedDocument:
    """A hook document as Helm's engine rendered it (render mode)."""

    kind: str
    name: str
    namespace: str
    weight: int


@dataclass
class ResolvedName:
    """A resource's rendered ``metadata.name`` and ``metadata.namespace``."""

    #: None when it depends on something unknowable (then `why` says what).
    name: str | None
    namespace: str | None = None
    why: str | None = None
    #: The rendered name with ``{{ ? }}`` where it is unknown (None when nothing rendered).
    partial: str | None = None
    #: The name contains the assumed release name: orders that compare it with names that do
    #: not are true for that release name only.
    release_dependent: bool = False
    #: The name rendered with `ALTERNATIVE_RELEASE_NAME` (release-dependent names only).
    alternative: str | None = None
    #: Render mode: Helm's weight, and whether Helm did not render the resource at all.
    weight: int | None = None
    absent: bool = False
    #: Render mode: further hooks Helm rendered from the same template document (a `range`).
    copies: list["ResolvedName"] = field(default_factory=list)


@dataclass
class _Library:
    defines: HelperLibrary
    #: The scan of the helper files it was built from (`Resolver._scan`).
    scan: tuple
    #: The chart whose open helper buffers it holds, and that chart's `helpers_generation`.
    chart: tuple | None


#: Template parses a `Resolver` keeps (see `Resolver._parsed_templates`).
PARSES_KEPT = 64
#: Templates whose last render is kept for the next keystroke (`splice`): the ones being edited.
RENDERS_KEPT = 8


class Resolver:
    """The `Chart.enrich` callback; keeps parsed helpers and values per chart root."""

    def __init__(
        self,
        values_files: list[str] | tuple[str, ...] = (),
        release_name: str | None = None,
        namespace: str | None = None,
        extra_values: dict | None = None,
        rendered: dict[str, list[RenderedDocument]] | None = None,
    ) -> None:
        self.values_files = tuple(values_files)
        #: Values given on a command line (``--set``), merged over the values files.
        self.extra_values = extra_values or {}
        #: Hooks as Helm's engine rendered them, per Helm template path (render mode): names,
        #: namespaces and weights are taken from there, and hooks it did not render are absent.
        self.rendered = rendered
        #: The editor's Helm render (`hook_lsp.render.live.LiveRender`-like: ``current()`` and
        #: ``matches(path, text)``), re-rendered when the chart changes on disk.
        self.live = None
        #: The release that names are resolved for; None: `DEFAULT_RELEASE_NAME`, and orders
        #: that depend on the release name are then not certain.
        self.release_name = release_name or None
        self.namespace = namespace or None
        #: Resolved ``metadata.name``/``namespace`` per template: (input key, defines, values,
        #: names, whether the release-name check (`_add_alternatives`) has run).
        self._names: dict[str, tuple[tuple, dict, dict, dict[int, "ResolvedName"], bool]] = {}
        #: The last parse of the templates rendered last (a name render follows the annotation
        #: render; the release-name check renders again). Bounded: a parse tree costs about as
        #: much memory as the rest of the template's analysis, and charts have thousands.
        self._parsed_templates: OrderedDict[str, tuple[str, object]] = OrderedDict()
        #: Last render per recently rendered template, with the inputs it was made from.
        self._last_renders: OrderedDict[str, tuple[tuple, RenderState]] = OrderedDict()
        self._libraries: dict[Path, _Library] = {}
        self._values: dict[Path, tuple[tuple, dict]] = {}
        self._metadata: dict[Path, dict] = {}
        self._scans: dict[Path, tuple[float, list[Path], tuple]] = {}
        #: (folder of a template, chart root) -> the chart folder owning it (`_owning_chart`).
        self._owners: dict[tuple[Path, Path], Path] = {}
        #: Set by a language server: a keystroke uses the last scan of the helper files however
        #: old it is, and `rescan_helpers` (run when typing pauses) looks at the disk again.
        #: Scanning an umbrella's hundreds of subcharts takes tens of milliseconds.
        self.rescan_when_idle = False
        self._disk: dict[str, tuple[float | None, str | None]] = {}
        #: Parsed defines per helper file, keyed by a hash of its text (shared by every chart:
        #: library charts such as bitnami's `common` serve many charts of a `check` run).
        self._parsed: dict[str, tuple[int, dict[str, Define]]] = PARSED_HELPERS
        #: Candidate define names per helper file, with the hash of the text they were read from.
        self._names: dict[str, tuple[int, frozenset[str] | None]] = HELPER_NAMES
        #: Last resolution per template: (input key, defines, values, entries per resource index).
        self._renders: dict[str, tuple[tuple, dict, dict, dict[int, list[ResolvedAnnotation]]]] = {}

    def __call__(self, analysis: TemplateAnalysis, chart, buffer: bool = True) -> None:
        """Resolve ``analysis``'s templated annotations. ``buffer``: the text is an editor's
        (keystrokes follow, and their renders are spliced into this one); False for a file read
        from disk, whose render stops after the last ``metadata`` (see `_prefix_end`)."""
        try:
            if _needs_resolution(analysis):
                self.enrich(analysis, chart, buffer)
        except Budget:
            log.debug("resolution budget exceeded for %s", analysis.path)
        except RecursionError:  # deeply nested helpers: what they produce stays unknown
            log.debug("resolution too deep for %s", analysis.path)
        except Exception as exc:  # never let resolution break the analysis, but say so
            log.exception("resolution of %s failed", analysis.path)
            analysis.failures.append(describe(exc, "resolving helpers and values"))

    # -- chart data ------------------------------------------------------------------------

    #: Seconds between two scans of the helper files on disk (edits in the editor are seen at once).
    RESCAN_SECONDS = 5.0

    def _helper_stamp(self, root: Path) -> tuple[list[Path], tuple]:
        hit = self._scans.get(root)
        if hit is not None and (self.rescan_when_idle or time.monotonic() - hit[0] < self.RESCAN_SECONDS):
            return hit[1], hit[2]
        return self._scan(root)

    def _scan(self, root: Path) -> tuple[list[Path], tuple]:
        self._owners.clear()  # charts may have come or gone too
        files = helper_sources(root)
        stamp = tuple((str(f), _mtime(f)) for f in files)
        self._scans[root] = (time.monotonic(), files, stamp)
        return files, stamp

    def _owning_chart(self, path: Path, root: Path) -> Path:
        """The chart (or subchart) folder of template ``path``: found on disk once per folder
        between two scans of the helper files, as they are (a stat per template otherwise)."""
        key = (path.parent, root)
        owner = self._owners.get(key)
        if owner is None:
            owner = self._owners[key] = _owning_chart(path, root)
        return owner

    def rescan_helpers(self) -> bool:
        """Scan again the helper files of each chart last scanned `RESCAN_SECONDS` ago or more
        (`rescan_when_idle`); True when a file was added, removed or changed on disk."""
        changed = False
        for root, (at, _files, stamp) in list(self._scans.items()):
            if time.monotonic() - at >= self.RESCAN_SECONDS:
                changed |= self._scan(root)[1] != stamp
        return changed

    def defines(self, root: Path, chart=None) -> HelperLibrary:
        files, scan = self._helper_stamp(root)
        overrides = {}
        # Open editor buffers win over disk for the chart's own helpers; the chart counts
        # changes to its `.tpl` files, so the library is not re-checked per template.
        owner = (id(chart), chart.helpers_generation) if chart is not None else None
        lib = self._libraries.get(root)
        # The scan is the same object until the helper files are scanned again: compared by
        # identity first (an umbrella's scan lists hundreds of files, and every keystroke asks).
        if lib is not None and lib.chart == owner and (lib.scan is scan or lib.scan == scan):
            lib.scan = scan  # a scan that found nothing new: compared by identity from now on
            return lib.defines
        if chart is not None:
            overrides = {k: chart.templates[k].text for k in chart.tpl_keys if k in chart.templates}
        from ..chart import read_text

        mtimes = dict(scan)
        texts: list[tuple[str, str]] = []
        names: list[frozenset[str] | None] = []
        for f in files:
            text = overrides.get(str(f))
            if text is None:
                # Disk text, re-read only when the file changed (helpers are read on every edit
                # of a `.tpl` buffer, and a chart may have hundreds of templates).
                cached = self._disk.get(str(f))
                if cached is None or cached[0] != mtimes.get(str(f)):
                    # Only texts that can define anything are kept (the rest are skipped below).
                    cached = self._disk[str(f)] = (mtimes.get(str(f)), read_text(f, containing=b"define"))
                text = cached[1]
            if not text or "define" not in text:
                continue
            key = hash(text)
            found = self._names.get(str(f))
            if found is None or found[0] != key:
                found = self._names[str(f)] = (key, define_names(text))
            texts.append((str(f), text))
            names.append(found[1])
        defines = HelperLibrary(texts, names, self._parsed)
        self._libraries[root] = _Library(defines, scan, owner)
        return defines

    def read_ahead(self, chart) -> bool:
        """Have a helper process read ``chart``'s values files while its templates are indexed
        (an umbrella's; see `values_ahead`). True when one was started."""
        root = Path(chart.root)
        paths = [root / "values.yaml", *(root / v for v in self.values_files)]
        for d in chart.chart_dirs():
            paths += [d / "Chart.yaml", d / "values.yaml"] if d != root else [d / "Chart.yaml"]
        paths = [p for p in paths if p.is_file()]
        if not values_ahead.worth_it(paths):
            return False
        return values_ahead.start(paths) is not None

    def values_for(self, root: Path, chart_dir: Path) -> object:
        """``.Values`` for templates of ``chart_dir`` (the root chart or a subchart under it)."""
        files = [root / "values.yaml", *(root / v for v in self.values_files)]
        stamp = tuple((str(f), _mtime(f)) for f in files) + (str(chart_dir), _mtime(chart_dir / "values.yaml"))
        key = chart_dir
        hit = self._values.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        if any(yaml_file_problem(f) for f in files):
            # Helm would refuse the chart's values; guessing `{}` would make every value look
            # empty, so they are all unknown (the problem is reported on the file itself).
            self._values[key] = (stamp, UNKNOWN)
            return UNKNOWN
        values = chart_values(root, self.values_files)
        if self.extra_values:
            values = merge_values(values, self.extra_values)
        # Subchart values: the subchart's defaults, then the parent's `<name>:` section, and
        # `global` shared by all (Helm's coalescing).
        try:
            rel = chart_dir.relative_to(root).parts
        except ValueError:
            rel = ()
        here = root
        for i in range(0, len(rel) - 1, 2):
            if rel[i] != "charts":
                break
            here = here / rel[i] / rel[i + 1]
            meta = chart_metadata(here)
            name = meta.get("name") if isinstance(meta.get("name"), str) else rel[i + 1]
            if yaml_file_problem(here / "values.yaml"):
                values = UNKNOWN
                break
            own = load_yaml_file(here / "values.yaml")
            section = values.get(name) if isinstance(values.get(name), dict) else {}
            merged = merge_values(own, section)
            if isinstance(values.get("global"), dict):
                merged["global"] = merge_values(merged.get("global") or {}, values["global"])
            values = merged
        values = shared(values)
        self._values[key] = (stamp, values)
        return values

    # -- resolution ------------------------------------------------------------------------

    def enrich(self, analysis: TemplateAnalysis, chart, buffer: bool = True) -> None:
        root = Path(chart.root)
        path = Path(analysis.path)
        chart_dir = self._owning_chart(path, root)
        defines = self.defines(root, chart)
        values = self.values_for(root, chart_dir)
        key = _input_key(analysis)
        hit = self._renders.get(analysis.path)
        if hit is not None and hit[0] == key and hit[1] is defines and hit[2] is values:
            # Most keystrokes edit a script or a spec below the annotations: the rendered
            # annotations, and their spans, are the same as last time.
            _merge_all(analysis, hit[3])
            return
        docs, writer = self._rendered_documents(analysis, chart, chart_dir, defines, values, prefix=not buffer)
        found = self._resolve(analysis, docs, writer)
        self._renders[analysis.path] = (key, defines, values, found)
        # The same render gives the names; the chart-wide order completes them (`names`).
        self._names[analysis.path] = (key, defines, values, self._read_names(analysis, docs, writer), False)
        _merge_all(analysis, found)

    def _add_alternatives(self, analysis, chart, chart_dir: Path, defines, values, names: dict[int, "ResolvedName"]) -> None:
        """Render names that contain the assumed release name once more with a long one:
        helpers truncate (``trunc 63``, ``trunc 26``), so another release name may cut a
        name elsewhere and change an order that the first render suggests."""
        if not any(n.release_dependent for n in names.values()):
            return
        docs, writer = self._rendered_documents(
            analysis, chart, chart_dir, defines, values, release=ALTERNATIVE_RELEASE_NAME, prefix=True
        )
        other = self._read_names(analysis, docs, writer)
        for idx, n in names.items():
            alt = other.get(idx)
            if n.release_dependent and alt is not None:
                n.alternative = alt.name

    def _template_parse(self, analysis: TemplateAnalysis):
        """The template's parse tree (kept for the last `PARSES_KEPT` templates)."""
        cached = self._parsed_templates.get(analysis.path)
        if cached is None or cached[0] is not analysis.text:
            cached = self._parsed_templates[analysis.path] = (
                analysis.text, parse(analysis.text, analysis.path, analysis.masked.actions)
            )
            if len(self._parsed_templates) > PARSES_KEPT:
                self._parsed_templates.popitem(last=False)
        else:
            self._parsed_templates.move_to_end(analysis.path)
        return cached[1]

    def _rendered_documents(
        self, analysis: TemplateAnalysis, chart, chart_dir: Path, defines, values, release: str | None = None,
        prefix: bool = False,
    ) -> tuple[list, "MapWriter"]:
        """The rendered YAML documents of ``analysis``, for reading their ``metadata``.

        ``prefix``: the render may stop after the last ``metadata`` (`_prefix_end`); should its
        output not read as YAML where it stops, the template is rendered whole, as without
        ``prefix`` (`_problems_shared`).
        """
        rendered, writer, stopped = self._render(analysis, chart, chart_dir, defines, values, release, prefix)
        docs = parse_documents(rendered, LineIndex(rendered))
        if stopped and not _problems_shared(rendered, docs):
            rendered, writer, _ = self._render(analysis, chart, chart_dir, defines, values, release)
            docs = parse_documents(rendered, LineIndex(rendered))
        return docs, writer

    def _render(
        self, analysis: TemplateAnalysis, chart, chart_dir: Path, defines, values, release: str | None = None,
        prefix: bool = False,
    ) -> tuple[str, "MapWriter", bool]:
        """The rendered text and its source map, and whether the render stopped early
        (``prefix``; such a render is not kept for splicing)."""
        meta = self._metadata.get(chart_dir)
        if meta is None:
            meta = self._metadata[chart_dir] = chart_metadata(chart_dir)
        try:
            render_path = chart.render_path(Path(analysis.path))
        except ValueError:
            render_path = Path(analysis.path).name
        # A keystroke in literal text: the last render with the new text spliced in, when it
        # was made from these very helpers, values and metadata, for the same release and path.
        inputs = (defines, values, meta, (release, self.release_name, self.namespace, render_path))
        last = self._last_renders.get(analysis.path)
        if last is not None and _same_inputs(last[0], inputs):
            got = splice(
                last[1], analysis.text, analysis.masked.actions, analysis.path, lambda: self._template_parse(analysis).defines
            )
            if got is not None:
                rendered, writer, output_chars = got
                self._keep_render(analysis, inputs, rendered, writer, output_chars)
                return rendered, writer, False
        parsed = self._template_parse(analysis)
        # Most templates define nothing of their own: their includes go to the library directly
        # (a chain of maps asks each map twice per lookup).
        all_defines = ChainMap(parsed.defines, defines) if parsed.defines else defines
        stop = _prefix_end(analysis, parsed) if prefix else None

        def render(values_here, meta_here) -> tuple[MapWriter, int, bool]:
            dot = {
            "Values": values_here,
            "Release": {
                "Name": release or self.release_name or DEFAULT_RELEASE_NAME,
                "Namespace": self.namespace or DEFAULT_NAMESPACE,
                "Service": "Helm",
                "IsInstall": UNKNOWN, "IsUpgrade": UNKNOWN, "Revision": UNKNOWN,
            },
            "Chart": {(k[:1].upper() + k[1:]): v for k, v in meta_here.items()} if isinstance(meta_here, dict) else {},
            "Capabilities": UNKNOWN,
            "Files": UNKNOWN,
            "Template": {"Name": render_path, "BasePath": render_path.rsplit("/templates/", 1)[0] + "/templates"},
        }
            writer = MapWriter(stop)
            evaluator = Evaluator(all_defines, explore=True)
            try:
                evaluator.render(parsed.nodes, dot, writer)
            except StopRender:
                return writer, evaluator.output_chars, True
            return writer, evaluator.output_chars, False

        try:
            writer, output_chars, stopped = render(values, meta)  # shared: no copy unless the template changes them
        except SharedValues:
            writer, output_chars, stopped = render(deep_copy(values), deep_copy(meta))
        rendered = writer.getvalue()
        if not stopped:
            self._keep_render(analysis, inputs, rendered, writer, output_chars)
        return rendered, writer, stopped

    def _keep_render(self, analysis, inputs: tuple, rendered: str, writer, output_chars: int) -> None:
        """Keep a render for the next keystroke in the template (a few recent templates)."""
        state = RenderState(
            analysis.text, analysis.masked.actions, analysis.masked.define_bodies, rendered, writer, output_chars
        )
        self._last_renders[analysis.path] = (inputs, state)
        self._last_renders.move_to_end(analysis.path)
        if len(self._last_renders) > RENDERS_KEPT:
            self._last_renders.popitem(last=False)

    # -- names -----------------------------------------------------------------------------

    def names(self, analysis: TemplateAnalysis, chart) -> dict[int, "ResolvedName"]:
        """``metadata.name`` and ``metadata.namespace`` of each resource of ``analysis`` whose
        name or namespace is templated, rendered over the chart's values (cached per template;
        called for the chart-wide order, not on every keystroke's single-file analysis)."""
        if Path(analysis.path).name.startswith("_"):
            return {}
        found = self._static_names(analysis, chart)
        rendered = self.rendered
        live = self.live
        if live is not None:
            rendered = live.current()
            if rendered is not None and not live.matches(analysis.path, analysis.text):
                rendered = None  # an unsaved edit: Helm rendered the file on disk
        if rendered is not None:
            return _overlay(analysis, chart, found, rendered)
        return found

    def _static_names(self, analysis: TemplateAnalysis, chart) -> dict[int, "ResolvedName"]:
        try:
            root = Path(chart.root)
            chart_dir = self._owning_chart(Path(analysis.path), root)
            defines = self.defines(root, chart)
            values = self.values_for(root, chart_dir)
            key = _input_key(analysis)
            hit = self._names.get(analysis.path)
            if hit is not None and hit[0] == key and hit[1] is defines and hit[2] is values:
                return hit[3]
            docs, writer = self._rendered_documents(analysis, chart, chart_dir, defines, values, prefix=True)
            found = self._read_names(analysis, docs, writer)
        except (Budget, RecursionError):
            found = {}
        except Exception:  # never let resolution break the analysis
            log.exception("name resolution of %s failed", analysis.path)
            found = {}
        else:
            self._names[analysis.path] = (key, defines, values, found, False)
        return found

    def alternative_names(self, analysis: TemplateAnalysis, chart) -> dict[int, str | None]:
        """Release-dependent names rendered with `ALTERNATIVE_RELEASE_NAME` (asked for only
        when such a name decides an order)."""
        names = self._static_names(analysis, chart)
        hit = self._names.get(analysis.path)
        if hit is not None and not hit[4] and hit[3] is names:
            try:
                root = Path(chart.root)
                chart_dir = self._owning_chart(Path(analysis.path), root)
                self._add_alternatives(analysis, chart, chart_dir, hit[1], hit[2], names)
            except (Budget, RecursionError):
                pass
            except Exception:  # never let resolution break the analysis
                log.exception("name resolution of %s failed", analysis.path)
            self._names[analysis.path] = (*hit[:4], True)
        return {i: n.alternative for i, n in names.items()}

    def _read_names(self, analysis: TemplateAnalysis, docs, writer: "MapWriter") -> dict[int, "ResolvedName"]:
        found: dict[int, ResolvedName] = {}
        release = self.release_name or DEFAULT_RELEASE_NAME
        for doc in docs:
            meta = path_get(doc.root, "metadata")
            if not isinstance(meta, YMap):
                continue
            anchor_node = None
            for k, _v in meta.items():
                anchor_node = k
                if k.value == "name":
                    break
            if anchor_node is None:
                continue
            seg = writer.locate(anchor_node.span.start)
            if seg is None:
                continue
            anchor = seg.src_start + (anchor_node.span.start - seg.out_start) if seg.src_start >= 0 else seg.site.start
            idx = _resource_index(analysis, anchor)
            if idx is None or idx in found:
                continue  # a range may render one document many times: the first one stands
            name_node, ns_node = meta.get("name"), meta.get("namespace")
            name, why = self._scalar(name_node, writer)
            namespace, _ = self._scalar(ns_node, writer)
            partial = name_node.value.replace(MARK, UNKNOWN_ACTION) if isinstance(name_node, YScalar) else None
            found[idx] = ResolvedName(
                name=name,
                namespace=namespace,
                why=why,
                partial=partial,
                release_dependent=self.release_name is None and release in (partial or ""),
            )
        return found

    @staticmethod
    def _scalar(node, writer: "MapWriter") -> tuple[str | None, str | None]:
        """A rendered scalar's text, or None and why it is not known."""
        if node is None:
            return None, None
        if not isinstance(node, YScalar):
            return None, "not a plain value"
        if MARK not in node.value:
            return node.value, None
        causes: list[str] = []
        for seg in writer.segments:
            if seg.out_end <= node.span.start or seg.out_start >= node.span.end:
                continue
            for c in seg.causes:
                if c not in causes:
                    causes.append(c)
        return None, "; ".join(causes[:2]) or "it depends on a value that is not known statically"

    def _resolve(self, analysis: TemplateAnalysis, docs, writer: MapWriter) -> dict[int, list[ResolvedAnnotation]]:
        found: dict[int, list[ResolvedAnnotation]] = {}
        for doc in docs:
            anns = path_get(doc.root, "metadata", "annotations")
            if not isinstance(anns, YMap):
                continue
            per_res: dict[int, list[ResolvedAnnotation]] = {}
            for key, value in anns.items():
                if key.value not in _KEYS:
                    continue
                kseg, vseg = writer.locate(key.span.start), writer.locate(value.span.start) or writer.locate(
                    max(value.span.start - 1, 0)
                )
                if kseg is None:
                    continue
                k_exact = kseg.src_start >= 0
                v_exact = vseg is not None and vseg.src_start >= 0 and value.span.end <= vseg.out_end
                if k_exact and v_exact:
                    continue  # literal YAML: the model already has it
                anchor = kseg.src_start + (key.span.start - kseg.out_start) if k_exact else kseg.site.start
                idx = _resource_index(analysis, anchor)
                if idx is None:
                    continue
                ann = self._annotation(analysis, key, value, kseg, vseg, k_exact, writer)
                if ann is not None:
                    per_res.setdefault(idx, []).append(ann)
            for idx, anns_ in per_res.items():
                found.setdefault(idx, anns_)  # a range may render one document many times
        return found

    def _annotation(self, analysis, key: YScalar, value, kseg: Segment, vseg: Segment | None, k_exact: bool, writer):
        text = analysis.text
        if k_exact:
            key_span = Span(kseg.src_start + key.span.start - kseg.out_start, kseg.src_start + key.span.end - kseg.out_start)
        else:
            key_span = kseg.site
        # The value's extent in the template: literal characters map one to one, output of an
        # action maps to the whole action.
        start = writer.source_offset(value.span.start, end=False)
        end = writer.source_offset(max(value.span.end - 1, value.span.start), end=True)
        if start is None or end is None or end < start:
            site = kseg.site
        else:
            site = Span(start, end)
        define = (vseg.define if vseg is not None and vseg.src_start < 0 else None) or kseg.define
        conditional = kseg.conditional or (vseg.conditional if vseg is not None else False)
        if isinstance(value, YScalar):
            val_text, style = value.value, value.style
            yaml_type = plain_scalar_type(val_text) if style is None else "str"
            templated = MARK in val_text
        else:
            val_text, style = None, None
            yaml_type = "map" if isinstance(value, YMap) else "seq"
            templated = False
        if MARK in key.value:
            return None
        content = site
        if style in ('"', "'") and len(site) >= 2 and text[site.start] == style and text[site.end - 1] == style:
            content = Span(site.start + 1, site.end - 1)
        return ResolvedAnnotation(
            key=key.value,
            key_span=key_span,
            text=None if templated else val_text,
            value_span=site,
            content_span=content,
            style=style,
            yaml_type=yaml_type,
            templated=templated,
            origin="resolved",
            conditional=conditional,
            source_text=text[site.start : site.end],
            define=define,
        )


def _overlay(analysis: TemplateAnalysis, chart, found: dict[int, ResolvedName], rendered) -> dict[int, ResolvedName]:
    """Helm's names, namespaces and weights over the static ones, matched per file and kind in
    document order; a hook Helm did not render is marked absent."""
    try:
        helm = list(rendered.get(chart.render_path(Path(analysis.path)), ()))
    except ValueError:
        helm = []
    out = dict(found)
    last_of_kind: dict[str | None, int] = {}
    for idx, res in enumerate(analysis.resources):
        if res.hook is None:
            continue
        # A templated kind matches whatever document comes next.
        match = next((d for d in helm if d.kind == res.kind or res.kind is None), None)
        static = found.get(idx)
        if match is None:
            out[idx] = ResolvedName(None, why="Helm does not render it with these values", absent=True)
            continue
        helm.remove(match)
        last_of_kind[match.kind] = idx
        out[idx] = ResolvedName(
            name=match.name,
            namespace=match.namespace or None,
            release_dependent=bool(static and static.release_dependent),
            weight=match.weight,
        )
    # Documents left over come from a `range` (one template document, several hooks): they
    # belong to the last resource of their kind.
    for d in helm:
        idx = last_of_kind.get(d.kind)
        if idx is not None:
            out[idx].copies.append(ResolvedName(name=d.name, namespace=d.namespace or None, weight=d.weight))
    return out


def _input_key(analysis: TemplateAnalysis) -> tuple:
    """What the rendered annotations of a template depend on, besides helpers and values.

    Go templates execute in order, so the output up to the last ``metadata`` block depends only
    on the text before it, plus the ``define``s of the file (which may come later).
    """
    end = 0
    for res in analysis.resources:
        end = max(end, res.metadata.span.end if res.metadata is not None else res.span.end)
    defines = tuple(analysis.text[s.start : s.end] for s in analysis.masked.define_bodies)
    return analysis.text[:end], defines, len(analysis.resources)


def _merge_all(analysis: TemplateAnalysis, found: dict[int, list[ResolvedAnnotation]]) -> None:
    for idx, anns in found.items():
        if idx < len(analysis.resources):
            _merge_into(analysis.resources[idx], anns)


def _merge_into(res: Resource, resolved: list[ResolvedAnnotation]) -> None:
    """Add resolved entries: replace a templated entry of the same key, skip known ones."""
    changed = False
    for ann in resolved:
        if ann.templated:
            continue
        existing = res.annotations_named(ann.key)
        if any(a.known for a in existing):
            continue
        templated = [a for a in existing if not a.known]
        if templated:
            i = res.annotations.index(templated[0])
            res.annotations[i] = ann
        else:
            res.annotations.append(ann)
        changed = True
    if changed:
        rebuild_hook(res)


def _resource_index(analysis: TemplateAnalysis, offset: int) -> int | None:
    for i, res in enumerate(analysis.resources):
        if res.span.start <= offset <= res.span.end:
            return i
    return None


def _problems_shared(rendered: str, docs: list) -> bool:
    """Whether the YAML problems of a stopped render's output (``rendered``, split into
    ``docs``), if any, are the whole render's too, so rendering it whole would read the same.

    The whole output starts with the stopped one (`_prefix_end`), and libyaml reads text in
    order, looking a few characters ahead: a problem it reports before the last line of the
    stopped output (and the construct it names there) is reported at the same place in the
    whole output, and the document is read up to the same line either way (`parse_documents`).
    A problem on that last line or at the end may come only from where the render stopped (an
    unclosed ``{`` or a key cut short). Such problems are common: a branch a chart's defaults
    turn off is still rendered (``explore``), and may print ``{}`` under a key.
    """
    last_line = rendered.rfind("\n", 0, len(rendered.rstrip())) + 1
    for doc in docs:
        problem = doc.problem
        if problem is None:
            continue
        if problem.span.start >= last_line or (problem.context_offset or 0) >= last_line:
            return False
        if problem.span.start == doc.span.start:
            return False  # no position (a reader error, nesting too deep): not known to be shared
    return True


def _prefix_end(analysis: TemplateAnalysis, parsed) -> int | None:
    """Where a render read for ``metadata`` (annotations, names) may stop, or None to render it all.

    The stop is the first top-level key after the last ``metadata`` key of any document (an
    ``if``/``else`` may give a document two), or the end of a document without one. Go
    templates run in order and, without a loop, output the template's own text and actions in
    source order (one branch of an ``if``; helpers into writers of their own), so what a render
    outputs before the stop is what the whole render outputs before it. What comes after must
    not add to any document's ``metadata``, so the render runs whole when:

    * a ``range`` starts before the stop (a later turn outputs earlier text again);
    * the template's YAML does not read (keys after the error are not seen);
    * an action after the stop may print lines at the left margin, where a new document or a
      top-level key starts: one alone on its line whose output is not indented (`indent`/
      `nindent` N >= 1 last), such as ``{{ include "x.job" . }}`` in an ``else``.
    """
    if not analysis.resources or any(d.problem is not None for d in analysis.documents):
        return None
    text = analysis.text
    end = 0
    for doc in analysis.documents:
        root = doc.root
        pairs = root.pairs if isinstance(root, YMap) else []
        found = False
        for i, (key, _value) in enumerate(pairs):
            if isinstance(key, YScalar) and key.value == "metadata":
                found = True
                end = max(end, pairs[i + 1][0].span.start if i + 1 < len(pairs) else doc.span.end)
        if not found and (root is not None or text[doc.span.start : doc.span.end].strip("-\n\r\t ")):
            end = max(end, doc.span.end)
    if end >= len(text) or not _tail_is_safe(parsed.nodes, end, text):
        return None
    return end


def _tail_is_safe(nodes: list, stop: int, text: str) -> bool:
    """No ``range`` starts before ``stop``, and every action after it prints indented lines or
    continues a line (see `_prefix_end`)."""
    for node in nodes:
        if isinstance(node, Text):
            continue
        start = node.action.span.start
        if isinstance(node, Range):
            if start < stop:
                return False
            body = [*node.body, *node.else_body]
            if not _tail_is_safe(body, stop, text):
                return False
        elif isinstance(node, If):
            if not all(_tail_is_safe(b.body, stop, text) for b in node.branches):
                return False
        elif isinstance(node, (Output, Call)) and start >= stop:
            if isinstance(node, Output) and node.pipe.decl:
                continue  # an assignment prints nothing
            line_start = text.rfind("\n", 0, start) + 1
            if not text[line_start:start].strip() and not (isinstance(node, Output) and _indented(node.pipe)):
                return False
    return True


def _indented(pipe) -> bool:
    """Whether every line a pipeline prints is indented: its last command is ``indent N`` or
    ``nindent N`` with a literal N >= 1 (possibly inside parentheses)."""
    command = pipe.commands[-1] if pipe.commands else []
    if len(command) == 1 and command[0].kind == "pipe" and not command[0].chain:
        return _indented(command[0].value)
    if len(command) < 2 or command[0].kind != "ident" or command[0].value not in ("indent", "nindent"):
        return False
    n = command[1]
    return n.kind == "number" and isinstance(n.value, int) and n.value >= 1


def _needs_resolution(analysis: TemplateAnalysis) -> bool:
    """Only templates whose annotations the YAML does not fully show are rendered."""
    if Path(analysis.path).name.startswith("_"):
        return False
    for res in analysis.resources:
        if res.annotations_dynamic:
            return True
        if any(a.key in _KEYS and not a.known for a in res.annotations):
            return True
    return False


def _owning_chart(path: Path, root: Path) -> Path:
    for folder in path.parents:
        if (folder / "Chart.yaml").is_file():
            return folder
        if folder == root:
            break
    return root


def _same_inputs(a: tuple, b: tuple) -> bool:
    """Render inputs (helpers, values, metadata, names): the first three by identity."""
    return a[0] is b[0] and a[1] is b[1] and a[2] is b[2] and a[3] == b[3]


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


def attach_related(template: TemplateAnalysis, violations) -> None:
    """Point violations raised on a helper's output at the ``define`` too (the diagnostic stays
    at the ``include`` site, the only place in this file that produced the text)."""
    from ..rules.registry import Related

    resolved = [
        a
        for res in template.resources
        for a in res.annotations
        if isinstance(a, ResolvedAnnotation) and a.define is not None
    ]
    if not resolved:
        return
    for v in violations:
        for ann in resolved:
            if ann.value_span.start <= v.span.start and v.span.end <= ann.value_span.end:
                d = ann.define
                if not any(r.path == d.path and r.span == d.span for r in v.related):
                    v.related.append(Related(d.path, d.span, f"the annotations come from `{d.name}`"))
                break
