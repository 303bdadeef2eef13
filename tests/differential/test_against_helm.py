"""hook-lsp's hooks, weights, names and order against Helm's own engine, on every corpus chart
that Helm renders with its default values (see tools/exactness). Skips without the engine
(`pip install 'hook-lsp[helm]'`) or without the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def corpus_render():
    pytest.importorskip("helm_python", reason="Helm's engine is not installed (pip install 'hook-lsp[helm]')")
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    from tools.exactness.run import corpus_results

    result = corpus_results(CORPUS)
    assert len(result.rendered) >= 50, result.refused
    return result


@pytest.mark.parametrize("helm_version", ["4", "3"])
def test_corpus_matches_helm(corpus_render, helm_version):
    from tools.exactness.run import figures

    f, _ = figures(corpus_render, helm_version)
    detail = "\n".join(f.problems)
    assert f.placements >= 150
    assert f.found == f.placements, detail
    assert f.weights == f.found, detail
    assert f.names >= 0.95 * f.placements, detail
    assert f.events_resolved_same == f.events_resolved, detail
    assert f.certain_wrong == 0, detail
    assert f.pairs_wrong == 0, detail
    # The names left unknown are the random ones (`randAlphaNum` test pods).
    for line in f.problems:
        assert "is random" in line, line


@pytest.mark.parametrize("release", ["zeta", "a-release-name-long-enough-to-be-cut-by-trunc-63-x"])
def test_certain_holds_for_any_release_name(corpus_render, release):
    """Analysed without a release name, what hook-lsp calls certain must hold for Helm's render
    under other release names (a short one, and one long enough for `trunc 63` to cut names)."""
    from tools.exactness.run import corpus_results, figures

    f, _ = figures(corpus_results(CORPUS, release=release), "4")
    detail = "\n".join(p for p in f.problems if "name of" not in p)
    assert f.found == f.placements and f.weights == f.found, detail
    assert f.certain >= 0.5 * f.found
    assert f.certain_wrong == 0, detail
    assert f.pairs_wrong == 0, detail


def test_published_corpus_figures_are_current(corpus_render):
    """docs/accuracy.md shows what `python3 -m tools.exactness` measures now."""
    from tools.exactness import __main__ as exactness
    from tools.exactness.run import figures

    doc = exactness.DOC.read_text(encoding="utf-8")
    for hv in ("4", "3"):
        f, _ = figures(corpus_render, hv)
        row = exactness._row(f"corpus, Helm {hv} order", len(corpus_render.rendered), f)
        assert row in doc, f"stale: run `python3 -m tools.exactness --checkouts ...`; expected {row}"
