"""Test-suite options: ``--update-goldens`` rewrites rule snapshots, docs/rules.md and the corpus report."""

from __future__ import annotations


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite golden files (rule snapshots, docs/rules.md, tests/corpus/report.txt) instead of comparing",
    )
