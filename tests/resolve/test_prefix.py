"""Renders that stop after the last ``metadata`` (files read from disk) read the same annotations
and names as whole renders: on every corpus template that is rendered, and on the structures
that make a template's output leave source order (loops) or branch (``if``/``else``)."""

from __future__ import annotations

from pathlib import Path

from hook_lsp.analysis.chart import Chart, find_chart_root
from hook_lsp.analysis.hook_model import analyse_template
from hook_lsp.analysis.resolve import Resolver
from hook_lsp.analysis.resolve.enrich import _needs_resolution, _owning_chart, _prefix_end
from hook_lsp.analysis.resolve.evaluate import Evaluator, StopRender
from hook_lsp.analysis.resolve.parse import parse
from hook_lsp.analysis.resolve.source_map import MapWriter
from tests.outside_data import CORPUS, needs_corpus

import pytest


def _read(resolver: Resolver, chart: Chart, analysis, prefix: bool):
    """What a render gives the analysis (annotations by resource, names), and whether it stopped."""
    chart_dir = _owning_chart(Path(analysis.path), Path(chart.root))
    defines = resolver.defines(Path(chart.root), chart)
    values = resolver.values_for(Path(chart.root), chart_dir)
    resolver._last_renders.clear()  # no splicing: each render from scratch
    stops = []
    real = resolver._render

    def spy(*args, **kwargs):
        got = real(*args, **kwargs)
        stops.append(got[2])
        return got

    resolver._render = spy
    try:
        docs, writer = resolver._rendered_documents(analysis, chart, chart_dir, defines, values, prefix=prefix)
    finally:
        del resolver._render
    found = resolver._resolve(analysis, docs, writer)
    names = resolver._read_names(analysis, docs, writer)
    return (found, names), bool(stops and stops[0])


@needs_corpus
def test_stopped_renders_read_what_whole_renders_read_on_the_corpus():
    counts = {"stopped": 0, "whole": 0}
    roots = sorted({find_chart_root(p) for p in CORPUS.rglob("templates/**/*.yaml")} - {None})
    for root in roots:
        resolver = Resolver()
        chart = Chart.load(root, enrich=resolver)
        for analysis in list(chart.templates.values()):
            if not hasattr(analysis, "resources") or not analysis.resources:
                continue
            whole, _ = _read(resolver, chart, analysis, prefix=False)
            got, stopped = _read(resolver, chart, analysis, prefix=True)
            assert got == whole, analysis.path
            counts["stopped" if stopped else "whole"] += 1
    # Most templates stop early; loops before a `metadata` and YAML that does not read at the
    # stop are rendered whole.
    assert counts["stopped"] > 100 and counts["whole"] > 10, counts


def _chart(tmp_path: Path, template: str, values: str = "") -> tuple[Chart, Resolver, object]:
    root = tmp_path / "c"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    (root / "values.yaml").write_text(values)
    (root / "templates" / "_helpers.tpl").write_text('{{- define "c.name" -}}{{ .Release.Name }}-c{{- end -}}\n')
    (root / "templates" / "job.yaml").write_text(template)
    resolver = Resolver()
    chart = Chart.load(root, enrich=resolver)
    return chart, resolver, chart.templates[str(root / "templates" / "job.yaml")]


HOOK = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "c.name" . }}
  annotations:
    {{- toYaml .Values.annotations | nindent 4 }}
spec:
  template:
    spec:
      containers:
        - name: x
          image: "{{ .Values.image }}"
"""


def test_a_render_stops_where_the_last_metadata_ends(tmp_path):
    values = 'annotations: {"helm.sh/hook": pre-install, "helm.sh/hook-weight": "3"}\nimage: busybox\n'
    text = HOOK + "---\n" + HOOK
    chart, resolver, analysis = _chart(tmp_path, text, values)
    whole, _ = _read(resolver, chart, analysis, prefix=False)
    got, stopped = _read(resolver, chart, analysis, prefix=True)
    assert stopped and got == whole
    for job in analysis.resources:  # resolved while the chart was read from disk
        assert job.hook is not None and job.hook.events == ["pre-install"] and job.hook.weight_value == 3
    # The stop is the second document's `spec:`, the first key after its `metadata`.
    assert _prefix_end(analysis, parse(text)) == text.rindex("\nspec:") + 1
    names = got[1]
    assert [names[i].name for i in (0, 1)] == ["release-name-c"] * 2


def test_stopped_output_is_the_whole_output_up_to_the_stop():
    text = "a: {{ .x }}\n{{- if .y }}\nb: 1\n{{- else }}\nb: 2\n{{- end }}\nc: {{ .x }}\nd: 4\n"
    parsed = parse(text)
    for y in (True, False):
        dot = {"x": "v", "y": y}
        whole = MapWriter()
        Evaluator(parsed.defines).render(parsed.nodes, dot, whole)
        for stop in range(len(text) + 1):
            writer = MapWriter(stop)
            try:
                Evaluator(parsed.defines).render(parsed.nodes, dot, writer)
            except StopRender:
                pass
            assert whole.getvalue().startswith(writer.getvalue()), (y, stop)
            # Literal text is cut exactly at the stop.
            if writer.segments and writer.segments[-1].src_start >= 0:
                last = writer.segments[-1]
                assert last.src_start + (last.out_end - last.out_start) <= stop


@pytest.mark.parametrize(
    ("template", "stops"),
    [
        (HOOK, True),
        # A loop before the metadata ends may output earlier text again after later text.
        ("{{- range .Values.jobs }}\n---\n" + HOOK + "{{- end }}\n", False),
        # One after it is never reached.
        (HOOK + "{{- range .Values.jobs }}\n          env: {{ . }}\n{{- end }}\n", True),
        # Inside an `if`: still in source order.
        ("{{- if .Values.on }}\n" + HOOK + "{{- end }}\n", True),
    ],
)
def test_where_a_render_may_stop(tmp_path, template, stops):
    analysis = analyse_template(template, str(tmp_path / "c" / "templates" / "job.yaml"))
    assert _needs_resolution(analysis)
    end = _prefix_end(analysis, parse(template))
    assert (end is not None) == stops
    if stops:
        assert end <= template.rindex("spec:")


def test_a_document_without_metadata_is_rendered_to_its_end(tmp_path):
    text = HOOK + '---\n{{ include "c.everything" . }}\n'
    analysis = analyse_template(text, str(tmp_path / "job.yaml"))
    assert _prefix_end(analysis, parse(text)) is None


def test_a_loop_is_rendered_whole(tmp_path):
    """The first turn of a loop outputs a document without hook annotations and the second one
    with: a render stopped in the first turn would miss the hook."""
    template = (
        "{{- range .Values.jobs }}\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: job-{{ .name }}\n"
        "  annotations:\n    {{- toYaml .ann | nindent 4 }}\nspec:\n  backoffLimit: 1\n{{- end }}\n"
    )
    values = 'jobs:\n  - {name: a, ann: {}}\n  - {name: b, ann: {"helm.sh/hook": pre-install}}\n'
    chart, resolver, analysis = _chart(tmp_path, template, values)
    job = analysis.resources[-1]
    assert job.kind == "Job" and job.hook is not None and job.hook.events == ["pre-install"]
    got, stopped = _read(resolver, chart, analysis, prefix=True)
    assert not stopped and got == _read(resolver, chart, analysis, prefix=False)[0]


DOC = (
    "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: NAME\n  annotations:\n"
    "    {{- toYaml .Values.ann | nindent 4 }}\nspec:\n  backoffLimit: 1\n"
)


@pytest.mark.parametrize(
    ("template", "stop"),
    [
        # Two documents in the branches of one `if`: the stop is after the second `metadata`.
        ("{{- if .Values.a }}\n" + DOC.replace("NAME", "a") + "{{- else }}\n" + DOC.replace("NAME", "b") + "{{- end }}\n",
         "second spec"),
        # A document printed by a helper in the `else`: rendered whole.
        ("{{- if .Values.a }}\n" + DOC.replace("NAME", "a") + "{{- else }}\n{{ include \"c.job\" . }}\n{{- end }}\n", None),
        # Metadata printed by a helper: the stop is after it.
        (DOC.replace("  name: NAME\n  annotations:\n    {{- toYaml .Values.ann | nindent 4 }}\n",
                     '  {{- include "c.meta" . | nindent 2 }}\n'), "spec"),
    ],
)
def test_branches_and_helpers_after_the_stop(tmp_path, template, stop):
    helpers = (
        '{{- define "c.job" -}}\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: b\n  annotations:\n'
        "    {{- toYaml .Values.ann | nindent 4 }}\n{{- end -}}\n"
        '{{- define "c.meta" -}}\nname: m\nannotations:\n  {{- toYaml .Values.ann | nindent 2 }}\n{{- end -}}\n'
    )
    chart, resolver, analysis = _chart(tmp_path, template, 'a: false\nann: {"helm.sh/hook": pre-install}\n')
    (tmp_path / "c" / "templates" / "_helpers.tpl").write_text(helpers)
    chart = Chart.load(tmp_path / "c", enrich=(resolver := Resolver()))
    analysis = chart.templates[str(tmp_path / "c" / "templates" / "job.yaml")]
    end = _prefix_end(analysis, parse(template))
    if stop is None:
        assert end is None
    elif stop == "second spec":
        assert end == template.rindex("\nspec:") + 1
    else:
        assert end == template.index("\nspec:") + 1
    # Read from disk (stopped where it may), the hooks are those of the file open in an editor
    # (rendered whole).
    path = str(tmp_path / "c" / "templates" / "job.yaml")
    open_chart = Chart.begin(tmp_path / "c", {path: template}, enrich=Resolver())
    open_chart.index_more()

    def hooks(c):
        return [(r.kind, r.hook.events if r.hook else None, r.hook.weight_value if r.hook else None)
                for r in c.templates[path].resources]

    assert hooks(chart) == hooks(open_chart)
    if stop != "spec":  # (metadata printed whole by a helper is not read for hooks)
        assert ("Job", ["pre-install"], 0) in hooks(chart)
    assert _read(resolver, chart, analysis, prefix=True)[0] == _read(resolver, chart, analysis, prefix=False)[0]


def _labels_then_annotations(extra_last: bool) -> str:
    """A hook whose `metadata` gets ``{}`` from a branch the defaults turn off (still rendered,
    see `Evaluator.explore`): in its labels, or as the last line before ``spec``."""
    extra = "    {{- if .Values.extra }}\n    {{ toYaml .Values.extra }}\n    {{- end }}\n"
    labels = "  labels:\n    app: x\n" + ("" if extra_last else extra)
    annotations = "  annotations:\n    helm.sh/hook: pre-install\n" + (extra if extra_last else "")
    return (
        'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ include "c.name" . }}\n'
        + labels + annotations + "spec:\n  backoffLimit: 1\n"
    )


@pytest.mark.parametrize(("extra_last", "renders"), [(False, 1), (True, 2)])
def test_a_yaml_problem_before_the_stop_is_not_rendered_again(tmp_path, extra_last, renders):
    """A problem the stopped output shows before its last line is the whole output's too: the
    render is not repeated. One on its last line may come from the stop: rendered whole."""
    chart, resolver, analysis = _chart(tmp_path, _labels_then_annotations(extra_last), "extra: {}\n")
    calls = []
    real = resolver._render

    def spy(*args, **kwargs):
        got = real(*args, **kwargs)
        calls.append(got[2])
        return got

    chart_dir = _owning_chart(Path(analysis.path), Path(chart.root))
    defines = resolver.defines(Path(chart.root), chart)
    values = resolver.values_for(Path(chart.root), chart_dir)
    resolver._last_renders.clear()
    resolver._render = spy
    try:
        docs, _writer = resolver._rendered_documents(analysis, chart, chart_dir, defines, values, prefix=True)
    finally:
        del resolver._render
    assert calls[0] is True and len(calls) == renders
    assert docs[0].problem is not None and "could not find expected ':'" in docs[0].problem.message
    assert _read(resolver, chart, analysis, prefix=True)[0] == _read(resolver, chart, analysis, prefix=False)[0]
