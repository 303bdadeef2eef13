"""Data from outside the repository that some tests use, found lazily and skipped cleanly.

The real-world chart corpus lives beside a checkout (``<repo>/../shared/corpus``), never inside
it. A plain clone has no corpus: every test that needs it skips with the reason below, and
nothing here touches the disk at import time beyond one ``is_dir`` check, so collection never
fails on a missing file.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = (REPO.parent / "shared" / "corpus").resolve()
CORPUS_REASON = (
    "needs the real-world chart corpus beside the checkout (../shared/corpus); "
    "it is not part of the repository"
)

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=CORPUS_REASON)


def corpus_manifest() -> list[dict]:
    """The rows of the corpus's MANIFEST.tsv, or ``[]`` when the corpus is absent."""
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with open(manifest, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def corpus_params(rows: list, ids) -> list:
    """Parameters for a test over corpus rows: one skipped placeholder when there are none,
    so the test shows up as skipped with the reason instead of vanishing (or failing)."""
    if rows:
        return [pytest.param(r, id=ids(r)) for r in rows]
    return [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(reason=CORPUS_REASON))]
