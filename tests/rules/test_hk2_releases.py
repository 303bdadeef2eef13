"""HK214 and HK215 outside their fixture chart: the chart-wide condition and the Helm versions."""

from __future__ import annotations

from pathlib import Path

from hook_lsp.analysis.config import AnalysisConfig
from hook_lsp.analysis.project import Project
from hook_lsp.analysis.rules.registry import REGISTRY

HOOK = """apiVersion: batch/v1
kind: Job
metadata:
  name: db-migrate
  annotations:
    helm.sh/hook: pre-upgrade
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: m
          image: busybox
"""
TEST_POD = """apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-t
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: hook-succeeded
spec:
  restartPolicy: Never
  containers:
    - name: t
      image: busybox
"""


def _project(version: str, code: str) -> Project:
    return Project(AnalysisConfig(helm_version=version, rules={c: "off" for c in REGISTRY if c != code}, strict=True))


def _chart(tmp_path: Path, regular_name: str) -> Path:
    (tmp_path / "templates").mkdir(parents=True)
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 1.0.0\n")
    (tmp_path / "templates" / "cm.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {regular_name}\n")
    job = tmp_path / "templates" / "job.yaml"
    job.write_text(HOOK)
    return job


def test_fixed_hook_name_matters_only_in_a_chart_made_for_several_releases(tmp_path: Path) -> None:
    job = _chart(tmp_path / "a", "{{ .Release.Name }}-config")
    (v,) = _project("4", "HK214").check(str(job)).violations
    assert "no owner is checked" in v.message and v.severity == "information"
    # Regular resources with fixed names: a second release already fails on them.
    job = _chart(tmp_path / "b", "app-config")
    assert _project("4", "HK214").check(str(job)).violations == []


def test_test_logs_rule_follows_the_minor_version(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 1.0.0\n")
    pod = tmp_path / "templates" / "test.yaml"
    pod.write_text(TEST_POD)
    for version, fires in (("3", True), ("3.21", True), ("4.0", True), ("4.1", False), ("4", False)):
        found = _project(version, "HK215").check(str(pod)).violations
        assert bool(found) is fires, version


def test_output_log_policy_is_ignored_only_before_318(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 1.0.0\n")
    job = tmp_path / "templates" / "job.yaml"
    job.write_text(HOOK.replace("    helm.sh/hook: pre-upgrade\n", "    helm.sh/hook: pre-upgrade\n    helm.sh/hook-output-log-policy: hook-failed\n"))
    for version, fires in (("3.17", True), ("3.0", True), ("3.18", False), ("3", False), ("4.0", False)):
        assert bool(_project(version, "HK216").check(str(job)).violations) is fires, version
