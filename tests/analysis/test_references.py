"""The chart-wide definition/use index that the HK2xx ordering rules read."""

from __future__ import annotations

from pathlib import Path

from hook_lsp.analysis.chart import Chart
from hook_lsp.analysis.references import normalise_name, references_of

JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
  annotations:
    "helm.sh/hook": pre-install
spec:
  template:
    spec:
      restartPolicy: Never
      serviceAccountName: {sa}
      containers:
        - name: main
          image: busybox
"""
SA = """apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
{extra}"""


def _chart(tmp_path: Path, files: dict[str, str]) -> Chart:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return Chart.load(tmp_path)


def _job(chart: Chart, rel: str):
    template = chart.templates[str(chart.root / rel)]
    return next(r for r in template.resources if r.kind == "Job")


def test_normalise_name_ignores_white_space_and_trim_markers_inside_actions() -> None:
    assert normalise_name('{{- include "x.fullname" . }}-sa') == normalise_name('{{include "x.fullname" .}}-sa')
    assert normalise_name('"{{ .Release.Name }}-sa"') == "{{.Release.Name}}-sa"
    assert normalise_name("{{ .Release.Name }}-a") != normalise_name("{{ .Release.Name }}-b")


def test_templated_names_match_only_within_their_own_chart(tmp_path: Path) -> None:
    chart = _chart(
        tmp_path,
        {
            "Chart.yaml": "apiVersion: v2\nname: parent\nversion: 1.0.0\n",
            "templates/job.yaml": JOB.format(name="{{ .Release.Name }}-job", sa='{{ include "x.fullname" . }}'),
            "templates/lit.yaml": JOB.format(name="lit-job", sa="shared-sa"),
            "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
            # Same source text in a subchart renders another name: no match.
            "charts/sub/templates/sa.yaml": SA.format(name='{{ include "x.fullname" . }}', extra="")
            + "---\n"
            + SA.format(name="shared-sa", extra=""),
        },
    )
    refs = references_of(chart)
    job = _job(chart, "templates/job.yaml")
    assert refs.defined(refs.key_for(job, job.workload.references[0])) == []
    lit = _job(chart, "templates/lit.yaml")
    found = refs.defined(refs.key_for(lit, lit.workload.references[0]))
    assert [s.resource.name for s in found] == ["shared-sa"]


def test_namespaces_must_agree_and_release_namespace_equals_absent(tmp_path: Path) -> None:
    chart = _chart(
        tmp_path,
        {
            "Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n",
            "templates/job.yaml": JOB.format(name="job", sa="worker"),
            "templates/sa.yaml": SA.format(name="worker", extra="  namespace: {{ .Release.Namespace | quote }}\n")
            + "---\n"
            + SA.format(name="worker", extra="  namespace: monitoring\n"),
        },
    )
    refs = references_of(chart)
    job = _job(chart, "templates/job.yaml")
    found = refs.defined(refs.key_for(job, job.workload.references[0]))
    assert len(found) == 1 and found[0].resource.namespace is None


def test_index_follows_edits(tmp_path: Path) -> None:
    chart = _chart(
        tmp_path,
        {
            "Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n",
            "templates/job.yaml": JOB.format(name="job", sa="worker"),
            "templates/sa.yaml": SA.format(name="worker", extra=""),
        },
    )
    assert references_of(chart) is references_of(chart)  # cached while nothing changes
    sa_path = str(tmp_path / "templates/sa.yaml")
    chart.update(sa_path, SA.format(name="renamed", extra=""))
    refs = references_of(chart)
    job = _job(chart, "templates/job.yaml")
    key = refs.key_for(job, job.workload.references[0])
    assert refs.defined(key) == []
    assert [site.resource.name for site, _ in refs.users(key)] == ["job"]
