"""Find the deployer a repository uses for a chart, to *suggest* a profile (never to switch).

`suggest(chart_root)` looks through the YAML files of the chart's repository (the nearest folder
with ``.git`` up to three folders above the chart, else the chart's parent folder) for an Argo CD ``Application`` or
``ApplicationSet`` whose source ``path`` is the chart (or whose ``chart`` is its name), a Flux
``HelmRelease`` whose ``spec.chart.spec.chart`` is the chart's path or name, and a Fleet
``fleet.yaml`` in the chart's folder. Reading is bounded (files, bytes) and only parses YAML
data; nothing is executed and nothing leaves the machine.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ..knowledge import deployers as D
from .yaml_tree import make_yaml

#: Bounds of the search: enough for a GitOps repository, never a hang on a huge tree.
MAX_FILES = 400
MAX_DIRS = 2000
MAX_BYTES = 256 * 1024
_SKIP_DIRS = {"templates", "node_modules", "vendor", "charts"}


@dataclass(frozen=True)
class Suggestion:
    deployer: str
    #: The file that names the chart, and what it is (``Application shop``).
    path: Path
    what: str

    def message(self, shown_path: str) -> str:
        label = D.DEPLOYERS[self.deployer].label
        return (
            f"{shown_path} deploys this chart with {label} ({self.what}); set `deployer = \"{self.deployer}\"` in "
            f".hook-lsp.toml or the hookLsp.deployer setting to check hooks as {label} runs them"
        )


def _search_root(chart_root: Path) -> Path:
    for folder in (chart_root, *chart_root.parents)[:4]:
        if (folder / ".git").exists():
            return folder
    return chart_root.parent


def _norm(path: str) -> str:
    return path.strip().strip("/").removeprefix("./").rstrip("/")


def _yaml_files(root: Path):
    count = 0
    for dirs, (dirpath, dirnames, filenames) in enumerate(os.walk(root)):
        if dirs > MAX_DIRS:
            return
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(filenames):
            if not name.endswith((".yaml", ".yml")):
                continue
            count += 1
            if count > MAX_FILES:
                return
            yield Path(dirpath) / name


#: Documents read per file, with the (mtime, size) they were read at: every chart of a
#: repository searches the same files, so each is parsed once per process.
_DOCUMENTS: dict[str, tuple[tuple[int, int], list]] = {}


def _documents(path: Path):
    try:
        st = path.stat()
    except OSError:
        return []
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _DOCUMENTS.get(str(path))
    if hit is not None and hit[0] == stamp:
        return hit[1]
    docs = list(_read_documents(path, st.st_size))
    _DOCUMENTS[str(path)] = (stamp, docs)
    return docs


#: A `kind` key (block, flow or JSON style) naming one of the kinds `_matches` looks for.
_KIND = re.compile(r"""kind["']?\s*:\s*["']?(?:Application|ApplicationSet|HelmRelease)\b""")


@lru_cache(maxsize=1)
def _loader() -> YAML:
    # Made on first use: most charts' repositories hold no deployer file at all.
    return make_yaml()


def _read_documents(path: Path, size: int):
    if size > MAX_BYTES:
        return
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    # Only documents of these kinds and API groups can match (`_matches`): other YAML files
    # (values files that mention them in comments or examples) are not parsed at all.
    if not any(k in text for k in ("argoproj.io/", "helm.toolkit.fluxcd.io/")) or not _KIND.search(text):
        return
    try:
        # Documents up to a malformed one are kept, as reading them one by one would.
        for doc in _loader().load_all(text):
            yield doc
    except (YAMLError, ValueError, RecursionError):
        return


def _get(data, *keys):
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _argocd_sources(doc: dict) -> list[dict]:
    spec = _get(doc, "spec") if doc.get("kind") == "Application" else _get(doc, "spec", "template", "spec")
    if not isinstance(spec, dict):
        return []
    sources = [spec.get("source")] + list(spec.get("sources") or [])
    return [s for s in sources if isinstance(s, dict)]


def _matches(doc, rel: str, name: str) -> Suggestion | None:
    if not isinstance(doc, dict):
        return None
    kind, api = doc.get("kind"), str(doc.get("apiVersion", ""))
    title = f"{kind} {_get(doc, 'metadata', 'name') or ''}".strip()
    if kind in ("Application", "ApplicationSet") and api.startswith("argoproj.io/"):
        for src in _argocd_sources(doc):
            if (isinstance(src.get("path"), str) and _norm(src["path"]) == rel) or src.get("chart") == name:
                return Suggestion(D.ARGOCD, Path(), title)
    if kind == "HelmRelease" and api.startswith("helm.toolkit.fluxcd.io/"):
        chart = _get(doc, "spec", "chart", "spec", "chart")
        if isinstance(chart, str) and (_norm(chart) == rel or chart == name):
            return Suggestion(D.FLUX, Path(), title)
    return None


def suggest(chart_root: Path, chart_name: str) -> Suggestion | None:
    """The deployer the repository around ``chart_root`` uses for it, if one is found."""
    chart_root = chart_root.resolve()
    if (chart_root / "fleet.yaml").is_file():
        return Suggestion(D.FLEET, chart_root / "fleet.yaml", "a Fleet bundle")
    root = _search_root(chart_root)
    try:
        rel = chart_root.relative_to(root).as_posix()
    except ValueError:
        rel = chart_root.name
    for path in _yaml_files(root):
        try:
            path.relative_to(chart_root)
            continue  # the chart's own files (values.yaml, Chart.yaml) never name a deployer
        except ValueError:
            pass
        for doc in _documents(path):
            found = _matches(doc, rel, chart_name)
            if found is not None:
                return Suggestion(found.deployer, path, found.what)
    return None
