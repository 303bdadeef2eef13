"""Test-suite options: ``--update-goldens`` rewrites rule snapshots, docs/rules.md and the corpus report."""

from __future__ import annotations


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite golden files (rule snapshots, docs/rules.md, tests/corpus/report.txt) instead of comparing",
    )


import pytest  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _private_check_cache(tmp_path_factory):
    """`hook-lsp check` runs in tests never read or write the user's cache."""
    import os

    old = os.environ.get("HOOK_LSP_CACHE_DIR")
    os.environ["HOOK_LSP_CACHE_DIR"] = str(tmp_path_factory.mktemp("check-cache"))
    yield
    if old is None:
        os.environ.pop("HOOK_LSP_CACHE_DIR", None)
    else:
        os.environ["HOOK_LSP_CACHE_DIR"] = old
