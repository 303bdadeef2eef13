"""Reading templates and values files leaves no reference cycles behind.

What a call leaves in a cycle is freed only by a pass of the cyclic collector, which the
server runs rarely (its chart models are large): until then it holds its memory, and the YAML
parser's buffers made indexing an umbrella's peak memory tens of MB larger.
"""

from __future__ import annotations

import gc

from hook_lsp.analysis.hook_model import analyse_template
from hook_lsp.analysis.resolve import values
from hook_lsp.analysis.resolve.enrich import Resolver
from hook_lsp.analysis.chart import Chart

TEMPLATE = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "x.fullname" . }}-migrate
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
    {{- with .Values.annotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  template:
    spec:
      containers:
        - name: m
          image: "{{ .Values.image }}"
          command: ["sh", "-c", "echo {{ .Values.greeting }}"]
---
kind: ConfigMap
metadata: {name: [unclosed
"""


def _cyclic_garbage(call) -> int:
    """How many objects ``call`` leaves that only the cyclic collector frees."""
    gc.collect()
    gc.disable()
    try:
        call()
        return gc.collect()
    finally:
        gc.enable()


def test_analysing_a_template_leaves_no_cycles():
    assert _cyclic_garbage(lambda: analyse_template(TEMPLATE, "templates/job.yaml")) == 0


def test_reading_a_values_file_leaves_no_cycles(tmp_path):
    path = tmp_path / "values.yaml"
    path.write_text("image: busybox\ngreeting: hi\nannotations:\n  a: b\nlist: [1, 2, {c: d}]\n")
    assert _cyclic_garbage(lambda: values.read_values_file(path, path.stat().st_size)) == 0


def test_rendering_a_template_over_helpers_and_values_leaves_no_cycles(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: x\nversion: 1.0.0\n")
    (tmp_path / "values.yaml").write_text("image: busybox\ngreeting: hi\nannotations:\n  helm.sh/hook-weight: '2'\n")
    (tmp_path / "templates" / "_helpers.tpl").write_text('{{- define "x.fullname" -}}{{ .Release.Name }}-x{{- end }}\n')
    (tmp_path / "templates" / "job.yaml").write_text(TEMPLATE)
    chart = Chart.load(tmp_path, enrich=Resolver())  # helpers, values and metadata are read once
    job = chart.templates[str(tmp_path / "templates" / "job.yaml")]
    assert any(a.key == "helm.sh/hook-weight" for a in job.resources[0].annotations)  # it did render
    assert _cyclic_garbage(lambda: chart.update(job.path, TEMPLATE + "\n")) == 0
