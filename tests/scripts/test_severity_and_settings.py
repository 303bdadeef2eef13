"""Severities chosen per finding (re-run certainty, ShellCheck level) and the shellcheck switch."""

from __future__ import annotations

from hook_lsp.analysis.config import AnalysisConfig
from hook_lsp.analysis.engine import check_template
from hook_lsp.analysis.hook_model import analyse_template
from hook_lsp.settings import Settings

TEMPLATE = """apiVersion: batch/v1
kind: Job
metadata:
  name: seed
  annotations:
    helm.sh/hook: {events}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: seed
          image: postgres:16
          command: ["/bin/sh", "{flags}"]
          args:
            - |
              psql -v ON_ERROR_STOP=1 -c "CREATE TABLE t (id int)"
              cd /tmp
"""


def _codes(events: str, config: AnalysisConfig, flags: str = "-c") -> list[tuple[str, str]]:
    analysis = analyse_template(TEMPLATE.format(events=events, flags=flags), "t.yaml")
    return [(v.code, v.severity) for v in check_template(analysis, config)]


def test_rerun_certainty_sets_the_severity() -> None:
    only = AnalysisConfig(rules={"HK306": "off"})
    assert ("HK350", "information") in _codes("post-install", only)
    assert ("HK350", "warning") in _codes("post-install,post-upgrade", only)


def test_user_level_overrides_the_finding_severity() -> None:
    config = AnalysisConfig(rules={"HK350": "error", "HK306": "off"})
    assert ("HK350", "error") in _codes("post-install", config)


def test_shellcheck_setting_turns_hk306_off() -> None:
    on = [c for c in _codes("post-upgrade", AnalysisConfig()) if c[0] == "HK306"]
    assert on == [("HK306", "information")]  # SC2164 `cd` without `|| exit` is a ShellCheck warning
    # Under `sh -ec` ShellCheck knows errexit is on, and SC2164 does not apply.
    assert [c for c in _codes("post-upgrade", AnalysisConfig(), flags="-ec") if c[0] == "HK306"] == []
    assert Settings(shellcheck=False).analysis_config().shellcheck is False
    assert [c for c in _codes("post-upgrade", Settings(shellcheck=False).analysis_config()) if c[0] == "HK306"] == []
