"""The chart model: every template of a chart and its subcharts, and Helm's hook order.

Helm renders the templates of a chart and of all its enabled subcharts into one map and sorts
all hooks together: files in `sort.Strings` order of their rendered path
(``<chart>/charts/<sub>/templates/...`` before ``<chart>/templates/...``), documents in file
order, a stable pre-sort by kind (`InstallOrder`), then per event a stable sort by weight and then
``metadata.name`` (#order — Helm's docs say kind before name; the code compares the name first).
Templated names are rendered by the chart's resolver (``enrich.names``) when the order is first
needed, not per keystroke; `Chart.runs_before` says whether an order is certain.

The chart is kept current by `update`/`remove` (editor buffers and file-watcher events); reading
a file from disk is the only I/O here, and nothing from the chart is ever executed.
"""

from __future__ import annotations

import bisect
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..knowledge.annotations import EVENT_NAMES
from ..knowledge.kinds import kind_rank
from .hook_model import DeferredAnalysis, Resource, TemplateAnalysis, analyse_template
from .profile import HELM, Profile

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".tpl", ".json", ".txt")
#: Larger files are not analysed (a diagnostic says so); generated CRD bundles reach a few MB.
MAX_TEMPLATE_BYTES = 4 * 1024 * 1024
#: Unpacked subcharts read below one chart (nested ones included); more are ignored.
MAX_SUBCHARTS = 1000


def find_chart_root(path: Path) -> Path | None:
    """The outermost chart that renders ``path``: umbrella charts include ``charts/<sub>/``."""
    here = path if path.is_dir() else path.parent
    root = None
    for folder in (here, *here.parents):
        if (folder / "Chart.yaml").is_file():
            root = folder
            # A subchart lives in <parent>/charts/<sub>; keep climbing while that holds.
            if folder.parent.name == "charts" and (folder.parent.parent / "Chart.yaml").is_file():
                continue
            break
        if root is not None and folder.name != "charts":
            break
    return root


class _Inside:
    """Whether a path, symbolic links resolved, stays inside a chart folder.

    Paths are compared as strings (`os.path.realpath`, a prefix test): an umbrella asks this
    for each of its hundreds of subcharts before the first answer. They are case-folded where
    the platform's paths are (`os.path.normcase`), as `Path` comparisons are.
    """

    def __init__(self, root: Path) -> None:
        self.real = self.resolve(root) or os.path.normcase(str(root))
        self._prefix = os.path.join(self.real, "")

    @staticmethod
    def resolve(path) -> str | None:
        """The real path, or None for an unreadable path."""
        try:
            return os.path.normcase(os.path.realpath(path))
        except (OSError, ValueError):
            return None

    def __call__(self, path) -> bool:
        return self.holds(self.resolve(path))

    def holds(self, real: str | None) -> bool:
        """Whether the real path ``real`` is the folder or below it."""
        return real is not None and (real == self.real or real.startswith(self._prefix))


def is_dir_entry(entry: os.DirEntry) -> bool:
    """`DirEntry.is_dir`, False for a link loop (as `Path.is_dir` says) instead of raising."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def read_text(path: Path, containing: bytes | None = None) -> str | None:
    """A template's text, or None for binary, oversized or unreadable files; with
    ``containing``, None too when the file's bytes lack it (such a file is not decoded: most
    files of an umbrella define no helper)."""
    try:
        with open(path, "rb") as fh:
            # Asked for the file's own size: `read(n)` allocates n bytes first, and a
            # 5 MiB allocation per file tripled the time to read an umbrella's 2,000 files.
            # (Size 0: a pipe or a /proc file, read up to the limit.)
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_TEMPLATE_BYTES:
                return None
            data = fh.read(size + 1 if size else MAX_TEMPLATE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_TEMPLATE_BYTES or b"\0" in data or (containing is not None and containing not in data):
        return None
    return data.decode("utf-8", errors="replace")


def _walk_templates(top: str, inside: _Inside) -> Iterator[Path]:
    """Template files under folder ``top`` in `os.walk`'s order (top-down, names sorted), not
    descending into linked folders, and keeping a linked file only when it stays inside. The
    folder listing says which entries are links, without a system call per file."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            if is_dir_entry(entry):
                if not entry.is_symlink():
                    subfolders.append(entry.path)
                continue
            p = Path(entry.path)
            if is_template_file(p) and (not entry.is_symlink() or inside(p)):
                yield p
        stack.extend(reversed(subfolders))


def is_template_file(path: Path) -> bool:
    return path.suffix in TEMPLATE_SUFFIXES and "templates" in path.parts and path.name != "NOTES.txt"


@dataclass
class HookEntry:
    """One hook in one event's execution order."""

    resource: Resource
    template: TemplateAnalysis
    event: str
    #: Helm's weight (None when templated).
    weight: int | None
    #: Helm's name (literal or rendered), else the source text, partly rendered where known.
    name: str
    #: Position in file order (the stable sorts keep it for full ties).
    file_rank: int
    #: The name is Helm's (literal, or rendered over the chart's values); False: `name` is the
    #: template source and `name_why` says what keeps it unknown.
    name_known: bool = False
    name_why: str | None = None
    #: Rendered ``metadata.namespace`` ("" when absent, None when unknown).
    namespace: str | None = ""
    #: The name for comparisons: the assumed release name is written as an action in it, so
    #: an order that depends on the release name is not taken for certain.
    order_name: str = ""
    #: The name contains the assumed release name (see `Chart.alternative`).
    release_dependent: bool = False
    #: The name under another release name, once asked for (`Chart.alternative`).
    alternative: str | None = None
    alternative_known: bool = False

    @property
    def path(self) -> str:
        return self.template.path

    @property
    def label(self) -> str:
        if self.name_known:
            return self.name or "(unnamed)"
        return self.name or self.resource.name_raw or "(unnamed)"


def name_order(a: str, b: str) -> int | None:
    """Compare two names as written, returning -1/0/1, or None when the order is unknown.

    Templated names usually share their templated prefix (``{{ include "x.fullname" . }}-...``):
    after the common prefix, the rest decides when it holds no action.
    """
    if a == b:
        return 0
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    ra, rb = a[i:], b[i:]
    if "{{" in ra or "{{" in rb or "}}" in ra or "}}" in rb:
        return None
    if "{{" in a[:i] and a[:i].count("{{") != a[:i].count("}}"):
        return None  # the difference is inside an action
    # Go compares strings byte-wise; Python's code-point order is the same for UTF-8.
    return -1 if ra < rb else 1


def is_partial(key: str) -> bool:
    """Whether the template file ``key`` is a partial (``_*``): Helm never outputs it."""
    return os.path.basename(key).startswith("_")


@dataclass
class Chart:
    """A chart root and the analysis of each of its templates (subcharts included)."""

    root: Path
    name: str
    #: Who runs the hooks and with which Helm (kind order and other version facts).
    profile: Profile = HELM
    templates: dict[str, TemplateAnalysis] = field(default_factory=dict)
    #: Rendered path (``<chart>/templates/x.yaml``) of each file, for Helm's file order.
    render_paths: dict[str, str] = field(default_factory=dict)
    #: Resolves templated annotations: (analysis, chart, whether the text is an editor buffer).
    enrich: Callable[[TemplateAnalysis, "Chart", bool], None] | None = None
    _order_cache: dict[str, list[HookEntry]] | None = None
    #: Bumped whenever a template is added, re-analysed or removed: caches of anything derived
    #: from the chart's templates compare it instead of the templates themselves.
    revision: int = 0
    _entries: dict[tuple[str, int], HookEntry] = field(default_factory=dict)
    #: Keys of the ``.tpl`` helper files among `templates` (helper lookups run per template).
    tpl_keys: set[str] = field(default_factory=set)
    #: Bumped when a ``.tpl`` helper's text changes (helper libraries key on it).
    helpers_generation: int = 0
    #: Manifest template keys in Helm's file order; reset only when the set of files changes.
    _manifest_keys: list[str] | None = None
    #: Their analyses (`manifest_templates`), updated in place when one is re-analysed.
    _manifest: list[TemplateAnalysis] | None = None
    _manifest_pos: dict[str, int] = field(default_factory=dict)
    #: (revision, key) of the latest changes, oldest first (`changed_since`).
    _changes: list[tuple[int, str]] = field(default_factory=list)
    #: Template files still to read (`begin`/`index_more`); None once the chart is indexed.
    _pending: Iterator[Path] | None = None
    #: Files read from disk so far (for progress reports).
    indexed_files: int = 0
    _file_order: list[str] = field(default_factory=list)
    _dirs: list[Path] | None = None

    def __post_init__(self) -> None:
        self.tpl_keys |= {k for k in self.templates if k.endswith(".tpl")}

    # -- loading ---------------------------------------------------------------------------

    @classmethod
    def load(
        cls, root: Path, texts: dict[str, str] | None = None, profile: Profile = HELM, enrich=None
    ) -> "Chart":
        """Index every template of ``root``; ``texts`` overrides disk (open editor buffers)."""
        chart = cls.begin(root, texts, profile=profile, enrich=enrich)
        chart.index_more()
        return chart

    @classmethod
    def begin(
        cls, root: Path, texts: dict[str, str] | None = None, profile: Profile = HELM, enrich=None
    ) -> "Chart":
        """A chart holding only ``texts`` (open editor buffers) so far; `index_more` reads the
        rest. A language server answers the opened file at once and indexes in the background."""
        chart = cls(root=root, name=_chart_name(root), profile=profile, enrich=enrich)
        # Editor buffers over the size limit or binary are not analysed (as files on disk).
        texts = {k: t for k, t in (texts or {}).items() if len(t) <= MAX_TEMPLATE_BYTES and "\0" not in t}
        for key, text in texts.items():
            if chart.owns(Path(key)):
                chart._put(key, text)
        chart._pending = iter(chart.template_files())
        return chart

    def count_pending(self) -> int:
        """How many template files are still to be read (listed once: the walk of a large
        umbrella is not repeated to count them)."""
        if self._pending is None:
            return 0
        files = list(self._pending)
        self._pending = iter(files)
        return len(files)

    @property
    def indexed(self) -> bool:
        """True once every template file of the chart has been read."""
        return self._pending is None

    def index_more(self, deadline: float | None = None) -> bool:
        """Read template files not indexed yet until ``deadline`` (``time.perf_counter()``);
        returns True when the whole chart is indexed. Files already present (buffers, edits)
        are kept as they are."""
        pending = self._pending
        if pending is None:
            return True
        for path in pending:
            key = str(path)
            self._file_order.append(key)
            if key not in self.templates:
                text = read_text(path)
                if text is not None:
                    self._put(key, text, from_disk=True)
                    self.indexed_files += 1
            if deadline is not None and time.perf_counter() >= deadline:
                return False
        self._pending = None
        # Disk order, as a chart read in one go has it (buffers were read first).
        order = [k for k in self._file_order if k in self.templates]
        seen = set(order)
        order += [k for k in self.templates if k not in seen]
        self.templates = {k: self.templates[k] for k in order}
        self._file_order = []
        return True

    def template_files(self) -> Iterable[Path]:
        """Template files of this chart and of every unpacked subchart under ``charts/``.

        Symbolic links are followed only while they stay inside the chart: a link out of it, a
        link loop or a dangling link is skipped (os.walk does not descend into linked folders).
        """
        inside = _Inside(self.root)
        for chart_dir in self.chart_dirs():
            tdir = os.path.join(chart_dir, "templates")
            # Chart folders are inside already: only a linked `templates` needs resolving.
            if not os.path.isdir(tdir) or (os.path.islink(tdir) and not inside(tdir)):
                continue
            yield from _walk_templates(tdir, inside)

    def chart_dirs(self) -> list[Path]:
        """This chart and its unpacked subcharts, each real folder once.

        A subchart folder may be a symbolic link (``charts/a -> ..`` makes a cycle): folders are
        identified by their resolved path, and links that leave the chart are not followed.
        """
        # Listed once per chart model (as its template files are): every publication asks for
        # the values files of each subchart, and walking hundreds of them costs a keystroke.
        if self._dirs is None:
            self._dirs = self._list_chart_dirs()
        return list(self._dirs)

    def _list_chart_dirs(self) -> list[Path]:
        inside = _Inside(self.root)
        out = [self.root]
        seen = {inside.real}
        i = 0
        while i < len(out) and len(out) <= MAX_SUBCHARTS:
            charts = out[i] / "charts"
            i += 1
            try:
                with os.scandir(charts) as listing:
                    subs = sorted((Path(entry.path), entry) for entry in listing)
            except OSError:  # no `charts` folder (or not a folder, or unreadable)
                continue
            charts_real = inside.resolve(charts)
            if not inside.holds(charts_real):
                continue
            for sub, entry in subs:
                # Only a link needs resolving: any other entry is the real folder's own child.
                real = inside.resolve(sub) if entry.is_symlink() else os.path.normcase(os.path.join(charts_real, entry.name))
                if real is None or real in seen or not inside.holds(real):
                    continue
                if is_dir_entry(entry) and os.path.isfile(os.path.join(sub, "Chart.yaml")):
                    seen.add(real)
                    out.append(sub)
        return out[: MAX_SUBCHARTS + 1]

    def owns(self, path: Path) -> bool:
        # A prefix test on the (normalised, case-folded where the platform folds) path strings
        # is `relative_to`'s answer without splitting both paths into parts: a run asks it for
        # every file and every chart.
        text, root = os.path.normcase(str(path)), os.path.normcase(str(self.root))
        if text != root and not text.startswith(os.path.join(root, "")):
            return False
        return is_template_file(path)

    def render_path(self, path: Path) -> str:
        """The key Helm gives this file in its render map (``<chart>/charts/<sub>/templates/...``)."""
        rel = path.relative_to(self.root)
        return "/".join((self.name, *rel.parts))

    def _put(self, key: str, text: str, from_disk: bool = False) -> TemplateAnalysis:
        old = self.templates.get(key)
        # Helper libraries read `.tpl` files from disk and open buffers over them: a file just
        # read from disk changes nothing they see (indexing would otherwise rebuild them after
        # every helper file it reads).
        if key.endswith(".tpl") and (old.text != text if old is not None else not from_disk):
            self.helpers_generation += 1
        # Partials are analysed when first used (chart-wide views read manifests only).
        analysis = DeferredAnalysis(key, text) if is_partial(key) else analyse_template(text, key)
        if self.enrich is not None:
            self.enrich(analysis, self, not from_disk)
        self.templates[key] = analysis
        if key.endswith(".tpl"):
            self.tpl_keys.add(key)
        if old is None:
            self.render_paths[key] = self.render_path(Path(key))
            self._manifest_keys = self._manifest = None
        elif self._manifest is not None and key in self._manifest_pos:
            self._manifest[self._manifest_pos[key]] = analysis
        self._changed(key)
        self._order_cache = None  # names resolved chart-wide may move any hook
        return analysis

    def update(self, path: str, text: str) -> TemplateAnalysis:
        """Re-analyse one template after an edit."""
        return self._put(path, text)

    def remove(self, path: str) -> None:
        if self.templates.pop(path, None) is not None and path.endswith(".tpl"):
            self.helpers_generation += 1
        self.tpl_keys.discard(path)
        self.render_paths.pop(path, None)
        self._manifest_keys = self._manifest = None
        self._order_cache = None
        self._changed(path)

    #: How many changes `changed_since` remembers (at least).
    CHANGES_KEPT = 256

    def _changed(self, key: str) -> None:
        self.revision += 1
        changes = self._changes
        changes.append((self.revision, key))
        if len(changes) > 2 * self.CHANGES_KEPT:
            del changes[: -self.CHANGES_KEPT]

    def changed_since(self, revision: int) -> set[str] | None:
        """Keys of the templates added, re-analysed or removed since ``revision``; None when
        that is further back than the chart remembers. Caches of chart-wide facts update
        themselves from this after an edit, without visiting every template."""
        changes = self._changes
        if revision >= self.revision:
            return set()
        if not changes or changes[0][0] > revision + 1:
            return None
        return {key for _, key in changes[bisect.bisect_right(changes, revision, key=lambda c: c[0]) :]}

    def reload_from_disk(self, path: str) -> None:
        text = read_text(Path(path))
        if text is None:
            self.remove(path)
        else:
            self._put(path, text)

    # -- order -----------------------------------------------------------------------------

    def manifest_templates(self) -> list[TemplateAnalysis]:
        """Templates that Helm sorts as manifests (partials starting with ``_`` are skipped).

        The list is the chart's own, kept current in place as templates are re-analysed (an
        edit in an umbrella changes one item of thousands): read it, never change it.
        """
        if self._manifest is None:
            if self._manifest_keys is None:
                keys = sorted(self.templates, key=lambda k: self.render_paths.get(k, k))
                self._manifest_keys = [k for k in keys if not is_partial(k)]
            self._manifest = [self.templates[k] for k in self._manifest_keys]
            self._manifest_pos = {k: i for i, k in enumerate(self._manifest_keys)}
        return self._manifest

    def hooks(self) -> list[tuple[TemplateAnalysis, Resource]]:
        return [(t, r) for t in self.manifest_templates() for r in t.hooks]

    def order(self, event: str) -> list[HookEntry]:
        """Hooks of ``event`` in Helm's execution order (#order)."""
        if self._order_cache is None:
            self._order_cache = self._compute_orders()
        return self._order_cache.get(event, [])

    def entry(self, event: str, res: Resource) -> HookEntry | None:
        """The entry of hook ``res`` in ``event``'s order (None when it is not in it)."""
        self.order(event)
        return self._entries.get((event, id(res)))

    def _compute_orders(self) -> dict[str, list[HookEntry]]:
        entries: list[HookEntry] = []
        rank = 0
        for template in self.manifest_templates():
            resolved = self._resolved_names(template)
            for i, res in enumerate(template.resources):
                hook = res.hook
                if hook is None or hook.skipped:
                    continue
                this = resolved.get(i)
                if this is not None and this.absent:
                    continue  # render mode: Helm does not render it with these values
                for one in [this, *(this.copies if this is not None else ())]:
                    name, known, why, namespace, order_name = _entry_name(res, one, self.release_name)
                    dependent = bool(one is not None and one.release_dependent)
                    weight = one.weight if one is not None and one.weight is not None else hook.weight_value
                    for event in hook.events:
                        entries.append(
                            HookEntry(
                                res, template, event, weight, name, rank,
                                name_known=known, name_why=why, namespace=namespace, order_name=order_name,
                                release_dependent=dependent,
                            )
                        )
                    rank += 1
        # Stable kind pre-sort, as `sortHooksByKind(hooks, InstallOrder)` does.
        entries.sort(key=lambda e: (kind_rank(e.resource.kind, self.profile.helm_major), e.file_rank))
        by_event: dict[str, list[HookEntry]] = {ev: [] for ev in EVENT_NAMES}
        for e in entries:
            by_event.setdefault(e.event, []).append(e)
        for event, items in by_event.items():
            # sort.Stable(hookByWeight): weight, then name; unknown weights sort as 0 here and
            # callers treat them as uncertain.
            items.sort(key=lambda e: (e.weight if e.weight is not None else 0, e.name.encode("utf-8")))
        self._entries = {}
        for event, items in by_event.items():
            for e in items:
                self._entries.setdefault((event, id(e.resource)), e)
        return by_event

    @property
    def release_name(self) -> str:
        """The release name templates are resolved for (see `Resolver`)."""
        from .resolve.enrich import DEFAULT_RELEASE_NAME

        return getattr(self.enrich, "release_name", None) or DEFAULT_RELEASE_NAME

    def _resolved_names(self, template: TemplateAnalysis) -> dict:
        """Rendered names of the template's resources whose name or namespace is templated."""
        names = getattr(self.enrich, "names", None)
        if names is None:
            return {}
        if getattr(self.enrich, "rendered", None) is not None or getattr(self.enrich, "live", None) is not None:
            return names(template, self)
        if not any(
            r.hook is not None and (r.name is None or (r.namespace is None and _has_namespace(r)))
            for r in template.resources
        ):
            return {}
        return names(template, self)

    def alternative(self, e: HookEntry) -> str | None:
        """``e``'s name under a long release name (None when not release-dependent or unknown)."""
        if not e.alternative_known:
            e.alternative_known = True
            fn = getattr(self.enrich, "alternative_names", None)
            if fn is not None and e.release_dependent:
                idx = next((i for i, r in enumerate(e.template.resources) if r is e.resource), None)
                e.alternative = fn(e.template, self).get(idx) if idx is not None else None
        return e.alternative

    def runs_before(self, a: HookEntry, b: HookEntry) -> bool | None:
        """True/False when Helm certainly runs ``a`` before ``b`` in their event; None if unknown."""
        if a.weight is None or b.weight is None:
            return None
        if a.weight != b.weight:
            return a.weight < b.weight
        result = self._tie_break(a, b, name_order(a.order_name or a.name, b.order_name or b.name))
        if result is not None and (a.release_dependent or b.release_dependent):
            # Under another release name the names may be truncated elsewhere (equal names
            # may differ, or differing ones become equal): the order must come out the same.
            alt_a, alt_b = self.alternative(a), self.alternative(b)
            alt = name_order(alt_a or a.order_name or a.name, alt_b or b.order_name or b.name)
            if self._tie_break(a, b, alt) != result:
                return None
        return result

    def _tie_break(self, a: HookEntry, b: HookEntry, cmp: int | None) -> bool | None:
        """Equal weights: the name comparison ``cmp`` decides, then the kind, then file order."""
        if cmp is None:
            return None
        if cmp != 0:
            return cmp < 0
        ka, kb = kind_rank(a.resource.kind, self.profile.helm_major), kind_rank(b.resource.kind, self.profile.helm_major)
        if ka != kb:
            return ka < kb
        return a.file_rank < b.file_rank


#: How the assumed release name is written in `HookEntry.order_name` (an action, so that
#: `name_order` treats a difference inside it as unknown).
_RELEASE_ACTION = "{{ .Release.Name }}"


def _has_namespace(res: Resource) -> bool:
    return res.metadata is not None and res.metadata.get("namespace") is not None


def _entry_name(res: Resource, resolved, release_name: str) -> tuple[str, bool, str | None, str | None, str]:
    """(name, known, why unknown, namespace, comparison name) of a hook resource."""
    namespace = res.namespace if res.namespace is not None or not _has_namespace(res) else None
    if resolved is not None and resolved.namespace is not None:
        namespace = resolved.namespace
    if res.name is not None:
        return res.name, True, None, namespace, res.name
    if res.name_node is None and res.generate_name is None and res.metadata is not None and resolved is None:
        return "", True, None, namespace, ""  # no name at all: Helm compares ""
    if resolved is not None and resolved.name is not None:
        order = resolved.name
        if resolved.release_dependent:
            order = order.replace(release_name, _RELEASE_ACTION)
        return resolved.name, True, None, namespace, order
    if resolved is not None and resolved.why is None and res.name_node is None:
        return "", True, None, namespace, ""  # the rendered document has no name: Helm compares ""
    raw = res.name_raw or ""
    why = resolved.why if resolved is not None else None
    if resolved is not None and resolved.partial:
        raw = resolved.partial
    order = raw.replace(release_name, _RELEASE_ACTION) if resolved is not None and resolved.release_dependent else raw
    return raw, False, why or "the name is templated", namespace, order


def _chart_name(root: Path) -> str:
    text = read_text(root / "Chart.yaml") or ""
    for line in text.splitlines():
        if line.startswith("name:"):
            value = line.split(":", 1)[1].strip().strip("\"'")
            if value:
                return value
    return root.name
