"""Values and helper libraries of a chart, read from disk without executing anything.

`load_yaml` reads a values file as plain Python data (maps, lists, strings, numbers) the way
Helm's decoder sees it. `chart_values` merges the chart's ``values.yaml`` with user values files
(later files win, maps merge key by key, like ``helm -f``). `helper_sources` lists the files
whose ``define``s a template can ``include``: the chart's own templates, its unpacked subcharts
under ``charts/``, and library charts named in ``Chart.yaml`` dependencies that sit next to the
chart (``repository: file://...`` or a sibling folder with the dependency's name).
"""

from __future__ import annotations

import os
from pathlib import Path

from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from ..chart import MAX_SUBCHARTS, MAX_TEMPLATE_BYTES, is_dir_entry, read_text
from ..yaml_tree import UntypedResolver, make_composer, make_yaml
from . import values_ahead
from .aliases import alias_problem
from .shared import SharedDict, shared
from .yaml_data import Unusual, build, fast_path_available


class _Resolver(VersionedResolver):
    """ruamel's YAML 1.2 resolver, typing scalars the same way, minus its per-scalar overhead.

    ruamel looks up the YAML version twice per scalar, through attribute lookups that raise and
    catch `AttributeError` with the C parser, and joins two lists of patterns per scalar. The
    version cannot change here (`YAML.version` is never set, and the C parser does not report
    ``%YAML`` directives), so the patterns for each first character are looked up once.
    """

    #: First character of a plain scalar -> the (tag, pattern) pairs that may type it.
    _by_first: dict = {}

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode and implicit[0]:
            first = value[0] if value else ""
            resolvers = self._by_first.get(first)
            if resolvers is None:
                table = self.versioned_resolver
                resolvers = self._by_first[first] = table.get(first, []) + table.get(None, [])
            for tag, regexp in resolvers:
                if regexp.match(value):
                    return self._tag(tag)
            implicit = implicit[1]
        if self.yaml_path_resolvers:  # pragma: no cover - not used for values
            return super().resolve(kind, value, implicit)
        if kind is ScalarNode:
            return self.DEFAULT_SCALAR_TAG
        if kind is SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        if kind is MappingNode:
            return self.DEFAULT_MAPPING_TAG
        return None  # pragma: no cover

    _tags: dict = {}

    @classmethod
    def _tag(cls, suffix):
        from ruamel.yaml.tag import Tag

        tag = cls._tags.get(suffix)
        if tag is None:
            tag = cls._tags[suffix] = Tag(suffix=suffix)
        return tag


_RESOLVER = _Resolver()
_SAFE = make_yaml(_Resolver)
_compose = make_composer(_Resolver)
#: libyaml composes the nodes, untyped, and `yaml_data.build` makes the data, typing plain
#: scalars as `_Resolver` does (ruamel otherwise). The typing is done once per distinct text
#: (`_plain_tag`): values files repeat `true`, `""`, `IfNotPresent` and ports a thousand times,
#: and libyaml calling the resolver back for every node was a quarter of the reading time.
_compose_untyped = make_composer(UntypedResolver)
_FAST = fast_path_available(_SAFE)
_PLAIN_TAGS: dict[str, str] = {}
#: Distinct plain texts remembered (numbers and words of every values file read).
PLAIN_TAGS_KEPT = 200_000


def _may_hold_tags(text: str) -> bool:
    """Whether ``text`` may hold a tag (a ``!`` that starts a token).

    An untyped node does not say whether its text had no tag or had ``!!str`` (or the
    non-specific ``!``): both are strings whatever they look like, so a text that may hold
    tags is composed typed. A ``!`` inside a word or a string ("Important!") is no tag;
    testing each one beats a regular expression over the whole file by far.
    """
    i = text.find("!")
    while i >= 0:
        if i == 0 or text[i - 1] in " \t\r\n[{,":
            return True
        i = text.find("!", i + 1)
    return False


def _plain_tag(text: str) -> str:
    """The tag `_Resolver` gives a plain scalar ``text`` (remembered)."""
    tag = _PLAIN_TAGS.get(text)
    if tag is None:
        if len(_PLAIN_TAGS) >= PLAIN_TAGS_KEPT:
            _PLAIN_TAGS.clear()
        tag = _PLAIN_TAGS[text] = str(_RESOLVER.resolve(ScalarNode, text, (True, False)))
    return tag


def load_yaml(text: str) -> object:
    """The data of a YAML document; None when it does not parse or Helm would refuse it."""
    return load_yaml_checked(text)[0]


def load_yaml_checked(text: str) -> tuple[object, str | None]:
    """The data of a YAML document and, when Helm refuses it, why (data None).

    Aliases are counted on the composed graph before anything is built or copied (see
    `aliases`); a document that does not parse is None without a reason (see `_read`).
    """
    data, problem, _ = _read(text)
    return data, problem


def _read(text: str, mapping: type = dict) -> tuple[object, str | None, str | None]:
    """``(data, why Helm refuses it, why it does not parse)``; data is None in both cases.

    The parse failure is said as a problem of the file; duplicate keys are left out of it: YAML
    readers disagree on them, and hook-lsp only says what it knows (the values stay unknown).
    Maps come out as ``mapping`` where the fast path builds them (callers that need a given
    type convert anyway).
    """
    try:
        node = None
        if _FAST:
            untyped = not _may_hold_tags(text)
            node = _compose_untyped(text) if untyped else _compose(text)
            if node is None:
                return None, None, None  # an empty document
            # Anything unusual (aliases of maps or lists, tags, merge keys, duplicate keys)
            # goes to the alias check and ruamel's constructor below.
            try:
                return build(node, mapping, _plain_tag if untyped else None), None, None
            except (Unusual, RecursionError):
                pass
        if "*" in text and "&" in text:
            problem = alias_problem(node if node is not None else _compose(text))
            if problem:
                return None, problem, None
        return _SAFE.load(text), None, None
    except Exception as exc:  # noqa: BLE001 - any malformed values file degrades to "unknown"
        if type(exc).__name__ == "DuplicateKeyError":
            return None, None, None
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, None, f"not valid YAML ({where}{what})"


#: Parsed files by path, with the (mtime, size) they were read at, and why a file was refused.
#: Umbrella charts read the same large values files once per subchart; the data is shared, so
#: callers must not mutate it.
_FILE_CACHE: dict[str, tuple[tuple[int, int], dict, str | None]] = {}


def load_yaml_file(path: Path) -> dict:
    """The mapping in a YAML file; ``{}`` when absent or unreadable (see `yaml_file_problem`)."""
    return _load_file(path)[0]


def yaml_file_problem(path: Path) -> str | None:
    """Why a YAML file that exists was not read: too large, or refused for its aliases."""
    return _load_file(path)[1]


def _load_file(path: Path) -> tuple[dict, str | None]:
    try:
        st = path.stat()
    except OSError:
        return {}, None
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _FILE_CACHE.get(str(path))
    if hit is not None and hit[0] == stamp:
        return hit[1], hit[2]
    # Read by the helper process of a large chart's indexing, if it got there first.
    ahead = values_ahead.take(str(path), stamp)
    data, problem = ahead if ahead is not None else read_values_file(path, st.st_size)
    # Kept as the one shared, read-only copy that every render of the chart reads.
    result = shared(data) if isinstance(data, dict) else {}
    _FILE_CACHE[str(path)] = (stamp, result, problem)
    return result, problem


def read_values_file(path: Path, size: int) -> tuple[object, str | None]:
    """A values file's data (maps as `SharedDict`) and why it was not read, if it was not."""
    if size > MAX_TEMPLATE_BYTES:
        return None, f"larger than {MAX_TEMPLATE_BYTES // (1024 * 1024)} MiB: not read, its values are unknown"
    text = read_text(path)
    data, refused, broken = _read(text, SharedDict) if text is not None else (None, None, None)
    problem = refused or broken
    return data, (problem + ": not read, its values are unknown") if problem else None


def merge_values(base: dict, over: dict) -> dict:
    """``over`` on top of ``base``: maps merge recursively, anything else is replaced (and
    ``null`` deletes a key, as Helm's coalescing does)."""
    out = dict(base)
    for key, value in over.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_values(out[key], value)
        else:
            out[key] = value
    return out


def chart_values(root: Path, values_files: list[str] | tuple[str, ...] = ()) -> dict:
    values = load_yaml_file(root / "values.yaml")
    for name in values_files:
        p = Path(name)
        if not p.is_absolute():
            p = root / p
        values = merge_values(values, load_yaml_file(p))
    return values


def chart_metadata(root: Path) -> dict:
    return load_yaml_file(root / "Chart.yaml")


def dependency_dirs(root: Path) -> list[Path]:
    """Library or sub-charts that ``Chart.yaml`` names and that exist on disk outside ``charts/``."""
    meta = chart_metadata(root)
    deps = meta.get("dependencies") if isinstance(meta, dict) else None
    out: list[Path] = []
    if not isinstance(deps, list):
        return out
    for dep in deps:
        if not isinstance(dep, dict) or not isinstance(dep.get("name"), str):
            continue
        name = dep["name"]
        repo = dep.get("repository")
        candidates = []
        if isinstance(repo, str) and repo.startswith("file://"):
            candidates.append((root / repo[len("file://"):]).resolve())
        candidates += [root / "charts" / name, root.parent / name]
        for cand in candidates:
            if (cand / "Chart.yaml").is_file():
                out.append(cand)
                break
    return out


def helper_sources(root: Path) -> list[Path]:
    """Every template file whose ``define``s are visible to the chart's templates, in the order
    Helm parses them (#subcharts-and-crds: Helm renders a chart and all its dependencies together,
    so their defines share one namespace).

    Helm's engine parses the files deepest path first, and at equal depth in reverse order of
    their path (``sortTemplates``); a name defined twice keeps the definition parsed last. So the
    chart's own helpers win over a subchart's, and a subchart's over its own subchart's (two
    versions of a library chart such as bitnami's ``common`` at different depths of an umbrella
    resolve to the shallower one). The last file of the list that defines a name is the one Helm
    uses. Paths are the render paths Helm gives the files (``<chart>/charts/<sub>/templates/...``);
    a library chart found next to the chart (`dependency_dirs`, for the chart itself: subcharts
    bring theirs under their own ``charts/``) counts as vendored under its ``charts/`` folder,
    where ``helm dependency build`` puts it.
    """
    from ..chart import _chart_name

    seen: set[tuple[int, int]] = set()
    charts = [(root, _chart_name(root))]
    found: list[tuple[str, Path]] = []
    i = 0
    # As many charts as a chart model reads (an umbrella of hundreds of subcharts shares them all).
    while i < len(charts) and i <= MAX_SUBCHARTS:
        chart, prefix = charts[i]
        i += 1
        try:
            st = os.stat(chart)  # a folder reached twice (links) by its identity, one call
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        # Plain strings and `os.scandir` here: an umbrella has thousands of files, and the first
        # answer in any of its templates waits for this list.
        _template_files(os.path.join(chart, "templates"), f"{prefix}/templates", found)
        try:
            subs = sorted(e.name for e in os.scandir(os.path.join(chart, "charts")) if is_dir_entry(e))
        except OSError:
            subs = []
        for name in subs:
            d = chart / "charts" / name
            if os.path.isfile(os.path.join(d, "Chart.yaml")):
                charts.append((d, f"{prefix}/charts/{name}"))
        if i == 1:
            # Helm renders what is vendored under `charts/`; a dependency not vendored yet is
            # looked for next to the chart being edited (see `dependency_dirs`). A subchart's
            # own dependencies are those in its `charts/` folder, as Helm loads it.
            charts.extend((d, f"{prefix}/charts/{d.name}") for d in dependency_dirs(chart))
    # Helm's parse order: more slashes first, then the path in reverse order (helm v4.2.4 and
    # v3.21.4, pkg/engine/engine.go: `sortTemplates` with `byPathLen`, parsed in that order by
    # `render`; a later `t.New(name).Parse` replaces an earlier define of the same name).
    found.sort(key=lambda item: (item[0].count("/"), item[0]), reverse=True)
    return [Path(path) for _, path in found]


_HELPER_SUFFIXES = (".tpl", ".yaml", ".yml", ".txt")


def _template_files(folder: str, prefix: str, out: list[tuple[str, str]]) -> None:
    """(render path, path) of every template file below ``folder``, in name order."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for e in entries:
        if is_dir_entry(e):  # follows links, as `os.walk` does to list (not to enter) them
            if not e.is_symlink():
                _template_files(e.path, f"{prefix}/{e.name}", out)
        elif e.name.endswith(_HELPER_SUFFIXES) and e.name != "NOTES.txt":
            out.append((f"{prefix}/{e.name}", e.path))
