"""Render every chart of a tree with Helm and compare (used by the tests and by ``__main__``).

`corpus_results` prepares each installable chart of a tree in a scratch folder, renders it with
Helm's engine and default values (release ``release-name`` in ``default``), and keeps the
charts Helm renders; `figures` compares them for Helm 4 and Helm 3 orders. Renders are cached
per tree for the process, so the test session renders each chart once.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hook_lsp.render import RenderError, RenderRequest, engine

from .compare import NAMESPACE, RELEASE, Figures, compare_chart
from .prepare import chart_roots, prepare_chart


@dataclass
class Rendered:
    label: str
    folder: Path
    files: dict[str, str]


@dataclass
class TreeResult:
    rendered: list[Rendered]
    #: (chart label, Helm's message) for charts Helm does not render with default values.
    refused: list[tuple[str, str]]


_CACHE: dict[tuple[str, str, str], TreeResult] = {}
#: Prepared copy of each chart (renders for several release names share it, and so does the
#: analysis, see `compare.compare_chart`).
_PREPARED: dict[Path, Path] = {}
#: One scratch folder per process for the prepared copies, removed when the process exits.
_SCRATCH: list[Path] = []


def _scratch() -> Path:
    """A new empty folder under the process's scratch folder (made on first use)."""
    if not _SCRATCH:
        root = Path(tempfile.mkdtemp(prefix="hook-lsp-exactness-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        _SCRATCH.append(root)
    return Path(tempfile.mkdtemp(dir=_SCRATCH[0]))


def corpus_results(
    tree: Path, engine_name: str = "sdk", charts: list[Path] | None = None, release: str = RELEASE
) -> TreeResult:
    """Renders of the charts of ``tree`` (Helm's template default release name unless ``release``)."""
    key = (str(tree.resolve()), engine_name, release)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    eng = engine(engine_name)
    result = TreeResult([], [])
    for chart in charts if charts is not None else chart_roots(tree):
        label = chart.relative_to(tree).as_posix()
        folder = _PREPARED.get(chart)
        if folder is None:
            folder = _PREPARED[chart] = prepare_chart(chart, _scratch())
        try:
            files = eng.render(RenderRequest(folder, release_name=release, namespace=NAMESPACE))
        except RenderError as exc:
            result.refused.append((label, str(exc).splitlines()[0][:200]))
            continue
        result.rendered.append(Rendered(label, folder, files))
    _CACHE[key] = result
    return result


def figures(result: TreeResult, helm_version: str = "4") -> tuple[Figures, dict[str, Figures]]:
    total = Figures()
    per_chart: dict[str, Figures] = {}
    for r in result.rendered:
        f = compare_chart(r.folder, r.files, helm_version, r.label)
        per_chart[r.label] = f
        total.add(f)
    return total, per_chart
