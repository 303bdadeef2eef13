"""Failures are never reported as success: `check` exits 2 and says what failed; the server
publishes an error diagnostic and shows one message, not one per keystroke."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from hook_lsp import cli
from hook_lsp.analysis import engine
from hook_lsp.analysis.config import AnalysisConfig
from hook_lsp.analysis.project import Project
from hook_lsp.analysis.rules.registry import REGISTRY
from hook_lsp.analysis.scripts.shellcheck import locate

from .conftest import job, write_chart


@pytest.fixture
def failing_rule(monkeypatch):
    """HK101's check raises, as a bug or an exhausted memory would."""
    rule = REGISTRY["HK101"]

    def boom(target, ctx):
        raise MemoryError()

    monkeypatch.setitem(REGISTRY, "HK101", dataclasses.replace(rule, check=boom))
    engine._ENABLED.clear()
    yield
    engine._ENABLED.clear()


def test_a_failing_rule_makes_check_exit_2(tmp_path, failing_rule, capsys):
    root = write_chart(tmp_path / "app", {"job.yaml": job()})
    assert cli.main(["check", str(root)]) == 2
    out, err = capsys.readouterr()
    assert "rule HK101: out of memory" in err
    assert "no problems" not in out


def test_a_failing_analysis_is_an_error_result(tmp_path, monkeypatch):
    root = write_chart(tmp_path / "app", {"job.yaml": job()})
    project = Project()

    def boom(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(project, "_check", boom)
    result = project.check(str(root / "templates" / "job.yaml"))
    assert result.error == "input nested too deeply"
    assert result.violations == []


def test_server_shows_one_message_for_many_failures(tmp_path, failing_rule):
    from hook_lsp.features.diagnostics import diagnostics_for
    from pygls.workspace import Workspace

    from hook_lsp.server import HookLanguageServer

    root = write_chart(tmp_path / "app", {"job.yaml": job()})
    ls = HookLanguageServer()
    ls.protocol._workspace = Workspace(None)
    shown = []
    ls.window_show_message = lambda params: shown.append(params.message)
    ls.project = Project(AnalysisConfig(shellcheck=False))
    path = str(root / "templates" / "job.yaml")
    for i in range(5):  # five keystrokes
        result = ls.project.check(path, job() + f"# {i}\n", quick=True)
        diagnostics = diagnostics_for(ls, result)
        assert diagnostics[0].severity == 1 and "not fully analysed" in diagnostics[0].message
    assert len(shown) == 1


def test_shellcheck_is_never_taken_from_the_working_folder(tmp_path):
    work = tmp_path / "workspace"
    work.mkdir()
    for name in ("shellcheck", "shellcheck.exe"):
        fake = work / name
        fake.write_text("#!/bin/sh\nexit 0\n")
        fake.chmod(0o755)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    real = bin_dir / "shellcheck"
    real.write_text("#!/bin/sh\nexit 0\n")
    real.chmod(0o755)
    path = os.pathsep.join([".", "", "workspace", str(work), str(bin_dir)])
    assert locate([], path, str(work), windows=False) == str(real)
    assert locate([], os.pathsep.join([".", str(work)]), str(work), windows=False) is None
    assert locate([str(bin_dir)], "", str(work), windows=False) == str(real)
    assert Path(locate([], str(work), str(tmp_path), windows=False)).parent == work  # not the working folder
