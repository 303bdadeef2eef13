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
