"""ShellCheck findings mapped to template positions; optional and never blocking."""

from __future__ import annotations

import pytest

from hook_lsp.analysis.hook_model import analyse_template
from hook_lsp.analysis.scripts import shellcheck as sc
from hook_lsp.analysis.scripts.analyse import hook_units
from hook_lsp.analysis.scripts.mapped import MappedText

TEXT = """apiVersion: batch/v1
kind: Job
metadata:
  name: demo
  annotations:
    helm.sh/hook: pre-upgrade
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: c
          image: debian
          command: ["/bin/sh", "-ec"]
          args:
            - |
              echo	$GREETING
              echo {{ .Values.name }}$SUFFIX
"""


def _unit():
    analysis = analyse_template(TEXT, "t.yaml")
    (unit,) = hook_units(analysis.resources[0], analysis, None)
    return unit


@pytest.mark.skipif(sc.binary() is None, reason="ShellCheck binary not installed")
def test_findings_map_to_the_template() -> None:
    unit = _unit()
    findings = sc.shellcheck(unit.script.text, "sh")
    (f,) = findings  # the `$SUFFIX` next to template output is dropped
    assert f.code == "SC2086" and f.level == "info"
    span = unit.script.text.span(f.start, f.end)
    # json1 counts the tab as one column, so the span is exactly `$GREETING`.
    assert TEXT[span.start : span.end] == "$GREETING"


def test_absent_binary_means_no_findings(monkeypatch) -> None:
    monkeypatch.setattr(sc, "binary", lambda: None)
    sc._run.cache_clear()
    try:
        assert sc.shellcheck(_unit().script.text, "sh") == []
    finally:
        sc._run.cache_clear()


def test_failing_binary_means_no_findings(monkeypatch, tmp_path) -> None:
    broken = tmp_path / "shellcheck"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(sc, "binary", lambda: str(broken))
    sc._run.cache_clear()
    try:
        assert sc.shellcheck(_unit().script.text, "sh") == []
    finally:
        sc._run.cache_clear()


@pytest.mark.skipif(sc.binary() is None, reason="ShellCheck binary not installed")
def test_shebang_advice_only_for_scripts_started_as_programs() -> None:
    text = MappedText("#!/usr/bin/env bash -e\necho hi\n", list(range(31)), 31)
    # Given to a shell (`sh -c`), the `#!` line is a comment: SC2096 does not apply.
    assert [f.code for f in sc.shellcheck(text, "bash")] == []
    # Started as a program, the kernel passes `bash -e` to env as one argument.
    assert [f.code for f in sc.shellcheck(text, "bash", executed=True)] == ["SC2096"]


SCRIPTS = [
    ("echo $A\nif [ -z $B ]; then echo \"b\"; fi\n", "sh"),
    ("set -e\nx=( a b )\necho ${x[@]}\n", "bash"),
    ("cd /tmp\nrm -rf $DIR/*\n", "sh"),
    ("if [ $N -gt 1 ]; then\n  echo `date`\n", "sh"),  # a syntax error: the others are still read
    ("echo fine\n", "sh"),
]


@pytest.fixture
def fresh(monkeypatch):
    sc._run.cache_clear()
    sc._PREFETCHED.clear()
    yield
    sc._run.cache_clear()
    sc._PREFETCHED.clear()


def _launches(monkeypatch) -> list[list[str]]:
    calls: list[list[str]] = []
    real = sc.subprocess.run

    def spy(cmd, *args, **kwargs):
        calls.append(list(cmd))
        return real(cmd, *args, **kwargs)

    monkeypatch.setattr(sc.subprocess, "run", spy)
    return calls


@pytest.mark.skipif(sc.binary() is None, reason="ShellCheck binary not installed")
def test_prefetched_findings_are_those_of_one_run_per_script(fresh, monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    single = [sc._run(text, dialect) for text, dialect in SCRIPTS]
    assert all(single[:4]) and single[4] == ()  # findings in the first four, so the comparison means something
    sc._run.cache_clear()
    calls = _launches(monkeypatch)
    sc.prefetch(SCRIPTS)
    assert len(calls) == 2  # one ShellCheck per dialect
    assert [sc._PREFETCHED[key] for key in SCRIPTS] == single
    text = MappedText(SCRIPTS[0][0], list(range(len(SCRIPTS[0][0]))), len(SCRIPTS[0][0]))
    assert sc.shellcheck(text, "sh") and len(calls) == 2  # answered from the batch


@pytest.mark.skipif(sc.binary() is None, reason="ShellCheck binary not installed")
def test_no_batch_where_a_shellcheckrc_would_apply(fresh, monkeypatch, tmp_path) -> None:
    """Standard input reads the `.shellcheckrc` of the working folder, files that of their own:
    with one about, scripts are checked one at a time as before."""
    (tmp_path / ".shellcheckrc").write_text("disable=SC2086\n")
    monkeypatch.chdir(tmp_path)
    calls = _launches(monkeypatch)
    sc.prefetch(SCRIPTS)
    assert calls == [] and sc._PREFETCHED == {}


def test_a_failing_batch_leaves_scripts_to_single_runs(fresh, monkeypatch, tmp_path) -> None:
    broken = tmp_path / "shellcheck"
    broken.write_text("#!/bin/sh\necho 'not json'\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(sc, "binary", lambda: str(broken))
    monkeypatch.chdir(tmp_path)
    sc.prefetch(SCRIPTS)
    assert sc._PREFETCHED == {}
    assert sc.shellcheck(_unit().script.text, "sh") == []
