"""One finding per root cause: a resource meant as a hook is not also reported as a plain one.

With every rule on, a Job whose `helm.sh/hook` is misplaced or miscased gets the annotation
finding only: not HK211 (plain Job with a fixed name), and the ServiceAccount it uses, whose own
hook key is miscased, is not reported by the ordering rules as a normal resource created after it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hook_lsp.analysis.config import AnalysisConfig
from hook_lsp.analysis.project import Project

JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: {{{{ include "app.fullname" . }}}}-migrate
{annotations}spec:
  backoffLimit: 1
  activeDeadlineSeconds: 300
  template:
{pod_annotations}    spec:
      restartPolicy: Never
      serviceAccountName: {{{{ include "app.fullname" . }}}}-migrate
      containers:
        - name: migrate
          image: app:1
"""

SA = """apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "app.fullname" . }}-migrate
  annotations:
    Helm.sh/Hook: pre-install
    "helm.sh/hook-weight": "-5"
"""

CASES = {
    "pod-template": ("", "    metadata:\n      annotations:\n        helm.sh/hook: pre-install\n", "HK107"),
    "miscased": ("  annotations:\n    Helm.sh/hook: pre-install\n", "", "HK106"),
    "under-labels": ("  labels:\n    helm.sh/hook: pre-install\n", "", "HK107"),
    # A real pre-install hook: the ServiceAccount it uses was meant as an earlier hook (HK106 on
    # it), not a normal resource created after the Job (no HK203 on the Job).
    "hook-uses-miscased-sa": ("  annotations:\n    helm.sh/hook: pre-install\n", "", None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_only_the_annotation_finding(tmp_path: Path, case: str) -> None:
    annotations, pod_annotations, code = CASES[case]
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "_helpers.tpl").write_text('{{- define "app.fullname" -}}{{ .Release.Name }}-app{{- end -}}\n')
    job = templates / "job.yaml"
    job.write_text(JOB.format(annotations=annotations, pod_annotations=pod_annotations))
    sa = templates / "sa.yaml"
    sa.write_text(SA)
    project = Project(AnalysisConfig())
    job_codes = {v.code for v in project.check(str(job)).violations if v.severity in ("error", "warning")}
    sa_codes = {v.code for v in project.check(str(sa)).violations if v.severity in ("error", "warning")}
    assert job_codes == ({code} if code else set())
    assert sa_codes == {"HK106"}


def test_other_problems_of_the_meant_hook_are_still_found(tmp_path: Path) -> None:
    """The misplaced Job is checked as the pre-install hook it was meant to be: its restart
    policy, which the API server would reject for a Job, is reported as well (another cause)."""
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (tmp_path / "templates").mkdir()
    job = tmp_path / "templates" / "job.yaml"
    text = JOB.format(annotations="", pod_annotations="    metadata:\n      annotations:\n        helm.sh/hook: pre-install\n")
    job.write_text(text.replace("restartPolicy: Never", "restartPolicy: Always").replace(
        '      serviceAccountName: {{ include "app.fullname" . }}-migrate\n', ""))
    codes = {v.code for v in Project(AnalysisConfig()).check(str(job)).violations}
    assert {"HK107", "HK207"} <= codes and "HK211" not in codes
