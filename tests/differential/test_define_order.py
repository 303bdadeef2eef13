"""A helper defined in several files of a chart and its subcharts: hook-lsp must resolve it to
the definition Helm's engine uses (the file Helm parses last: shallowest path, then the first in
path order), not to the first or last file it happens to walk."""

from __future__ import annotations

from pathlib import Path

import pytest

from hook_lsp.analysis.resolve.values import helper_sources

JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "x.name" . }}-{{ include "y.name" . }}-{{ include "z.name" . }}-{{ .Chart.Name }}
  annotations:
    "helm.sh/hook": pre-install
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: a, image: busybox}]
"""


def _chart(root: Path) -> Path:
    """root, two subcharts (a, b) at the same depth, and a subchart of b, all defining helpers
    that collide: x in root and b; y in b and in b's own subchart; z in a and b; w in two files
    of the root chart itself and in a nested folder of its templates."""
    charts = {
        ".": "root",
        "charts/a": "a",
        "charts/b": "b",
        "charts/b/charts/deep": "deep",
    }
    for rel, name in charts.items():
        d = root / rel
        (d / "templates").mkdir(parents=True)
        (d / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
        (d / "templates" / "job.yaml").write_text(JOB)
    (root / "templates" / "_helpers.tpl").write_text('{{- define "x.name" -}}x-root{{- end -}}\n')
    (root / "templates" / "_a.tpl").write_text('{{- define "w.name" -}}w-a{{- end -}}\n')
    (root / "templates" / "_b.tpl").write_text('{{- define "w.name" -}}w-b{{- end -}}\n')
    (root / "templates" / "more").mkdir()
    (root / "templates" / "more" / "_c.tpl").write_text('{{- define "w.name" -}}w-more{{- end -}}\n')
    (root / "charts/a/templates/_helpers.tpl").write_text('{{- define "z.name" -}}z-a{{- end -}}\n')
    (root / "charts/b/templates/_helpers.tpl").write_text(
        '{{- define "x.name" -}}x-b{{- end -}}{{- define "y.name" -}}y-b{{- end -}}'
        '{{- define "z.name" -}}z-b{{- end -}}\n'
    )
    (root / "charts/b/charts/deep/templates/_helpers.tpl").write_text('{{- define "y.name" -}}y-deep{{- end -}}\n')
    # w: shows the order inside one chart too.
    (root / "templates" / "w.yaml").write_text(JOB.replace('{{ include "x.name" . }}', '{{ include "w.name" . }}'))
    return root


def test_helper_files_come_in_helms_parse_order(tmp_path):
    root = _chart(tmp_path / "root")
    order = [p.relative_to(root).as_posix() for p in helper_sources(root) if p.suffix == ".tpl"]
    # Deepest first; at equal depth, reverse path order: the last one wins a collision.
    assert order == [
        "charts/b/charts/deep/templates/_helpers.tpl",
        "charts/b/templates/_helpers.tpl",
        "charts/a/templates/_helpers.tpl",
        "templates/more/_c.tpl",
        "templates/_helpers.tpl",
        "templates/_b.tpl",
        "templates/_a.tpl",
    ]


def test_colliding_helpers_resolve_as_helm_renders_them(tmp_path):
    pytest.importorskip("helm_python", reason="Helm's engine is not installed (pip install 'hook-lsp[helm]')")
    from hook_lsp.render import RenderRequest, engine
    from tools.exactness.compare import compare_chart

    root = _chart(tmp_path / "root")
    files = engine("sdk").render(RenderRequest(root, release_name="release-name", namespace="default"))
    names = sorted(
        line.split("name: ", 1)[1] for text in files.values() for line in text.splitlines() if line.startswith("  name: ")
    )
    # What Helm chose: x from root, y from b (not its subchart), z from a, w from _a.tpl.
    assert names == sorted(
        [
            "x-root-y-b-z-a-root",
            "w-a-y-b-z-a-root",
            "x-root-y-b-z-a-a",
            "x-root-y-b-z-a-b",
            "x-root-y-b-z-a-deep",
        ]
    )
    for version in ("4", "3"):
        f = compare_chart(root, files, version)
        detail = "\n".join(f.problems)
        assert f.placements == 5 and f.names == 5, detail
        assert f.certain_wrong == 0 and f.pairs_wrong == 0, detail
