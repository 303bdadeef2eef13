"""`hook-lsp check` cache: re-runs report the same findings and skip charts that did not change."""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from hook_lsp import cli
from hook_lsp.analysis.project import Project

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "webapp"
LIFECYCLE = ROOT / "tests" / "e2e" / "workspace" / "lifecycle"


@pytest.fixture
def charts(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("HOOK_LSP_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(EXAMPLE, tmp_path / "repo" / "webapp")
    shutil.copytree(LIFECYCLE, tmp_path / "repo" / "lifecycle")
    return tmp_path / "repo"


def run_check(monkeypatch, *args: str) -> tuple[str, list[str]]:
    """Output of an in-process `check`, and the files it analysed."""
    analysed: list[str] = []
    original = Project.check

    def counting(self, path, text=None, quick=False):
        analysed.append(path)
        return original(self, path, text, quick)

    out, err = io.StringIO(), io.StringIO()
    with monkeypatch.context() as mp:
        mp.setattr(Project, "check", counting)
        with redirect_stdout(out), redirect_stderr(err):
            cli.main(["check", *args, "--format", "json", "--fail-on", "never"])
    return out.getvalue(), analysed


def test_rerun_reports_the_same_without_analysing(charts, monkeypatch):
    first, analysed = run_check(monkeypatch, str(charts))
    assert analysed and first.strip() not in ("", "[]")
    again, analysed_again = run_check(monkeypatch, str(charts))
    assert again == first
    assert analysed_again == []


def test_a_changed_chart_is_analysed_again_and_the_others_are_not(charts, monkeypatch):
    before, _ = run_check(monkeypatch, str(charts))
    job = next((charts / "lifecycle" / "templates").glob("migrate.yaml"))
    job.write_text(job.read_text().replace("pre-install,pre-upgrade", "post-instal,pre-upgrade", 1))
    after, analysed = run_check(monkeypatch, str(charts))
    assert analysed and all("/lifecycle/" in p for p in analysed)
    assert len(analysed) == len(list((charts / "lifecycle" / "templates").iterdir()))
    assert after != before  # the edit changed what the chart reports
    uncached, _ = run_check(monkeypatch, str(charts), "--no-cache")
    assert uncached == after


def test_no_cache_neither_reads_nor_writes(charts, monkeypatch, tmp_path):
    run_check(monkeypatch, str(charts), "--no-cache")
    assert not (tmp_path / "cache").exists()
    _, analysed = run_check(monkeypatch, str(charts), "--no-cache")
    assert analysed


def test_settings_are_part_of_the_key(charts, monkeypatch):
    run_check(monkeypatch, str(charts))
    _, analysed = run_check(monkeypatch, str(charts), "--ignore", "HK101")
    assert analysed


def test_the_optional_parsers_are_part_of_the_key(charts, monkeypatch, tmp_path):
    """Installing, upgrading or removing a parser changes its file, and so the key; the key is
    made without loading the parsers."""
    import sys

    from hook_lsp import check_cache

    run_check(monkeypatch, str(charts))
    _, analysed = run_check(monkeypatch, str(charts))
    assert analysed == []
    fake = tmp_path / "site" / "pglast"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("# another pglast\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "pglast", raising=False)
    check_cache._parts_signature.cache_clear()
    try:
        assert "pglast" not in sys.modules or sys.modules["pglast"].__file__ != str(fake / "__init__.py")
        _, analysed = run_check(monkeypatch, str(charts))
        assert analysed  # a changed parser: every chart is analysed again
    finally:
        check_cache._parts_signature.cache_clear()
