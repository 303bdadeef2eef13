"""Umbrella charts built from the corpus, for measuring how hook-lsp scales with chart size.

    python bench/umbrella.py DEST --subcharts N     # one umbrella with N subcharts

An umbrella is a chart whose ``charts/`` folder holds copies of the corpus charts (each chart with
its templates, helpers, values.yaml and nested subcharts), taken round-robin until it has the
asked number of subcharts. The first copy of a chart keeps its folder name (so library charts
such as bitnami's ``common`` are found by name); later copies get a ``-2``, ``-3``... suffix.
Umbrellas are written to a temporary folder and never committed.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()


def corpus_charts(corpus: Path = CORPUS) -> list[Path]:
    """Top-level charts of the corpus (charts nested under another chart's ``charts/`` come along)."""
    charts = sorted(p.parent for p in corpus.rglob("Chart.yaml"))
    top = []
    for c in charts:
        if not any(c != t and t in c.parents for t in charts):
            top.append(c)
    return top


def build(dest: Path, subcharts: int, corpus: Path = CORPUS) -> Path:
    """Write an umbrella with ``subcharts`` copied charts under ``dest``; returns its root."""
    charts = corpus_charts(corpus)
    if not charts:
        raise SystemExit(f"no charts under {corpus}")
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "charts").mkdir(parents=True)
    (dest / "templates").mkdir()
    (dest / "Chart.yaml").write_text("apiVersion: v2\nname: umbrella\nversion: 0.1.0\n")
    (dest / "values.yaml").write_text("global: {}\n")
    used: dict[str, int] = {}
    for i in range(subcharts):
        src = charts[i % len(charts)]
        name = src.name
        n = used.get(name, 0) + 1
        used[name] = n
        folder = name if n == 1 else f"{name}-{n}"
        shutil.copytree(src, dest / "charts" / folder, symlinks=False, ignore=shutil.ignore_patterns("LICENSE"))
    return dest


def stats(root: Path) -> dict:
    """Templates, subcharts, values files and bytes of a built umbrella."""
    from hook_lsp.analysis.chart import Chart

    chart = Chart(root=root, name="umbrella")
    files = list(chart.template_files())
    all_files = [p for p in root.rglob("*") if p.is_file()]
    return {
        "templates": len(files),
        "subcharts": len(list(root.rglob("Chart.yaml"))) - 1,
        "values_files": len([p for p in all_files if p.name == "values.yaml"]) - 1,
        "bytes": sum(p.stat().st_size for p in all_files),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dest", type=Path)
    ap.add_argument("--subcharts", type=int, default=243)
    args = ap.parse_args()
    root = build(args.dest, args.subcharts)
    print(root, stats(root))


if __name__ == "__main__":
    main()
