"""Hook annotations resolved from helpers and values on real corpus charts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from hook_lsp.analysis.chart import Chart, find_chart_root
from hook_lsp.analysis.resolve import ResolvedAnnotation, Resolver
from tests.outside_data import CORPUS, needs_corpus

REPO = Path(__file__).resolve().parents[2]
pytestmark = needs_corpus

_CHARTS: dict[Path, Chart] = {}


def chart_of(rel: str) -> tuple[Chart, Path]:
    path = CORPUS / rel
    root = find_chart_root(path)
    if root not in _CHARTS:
        _CHARTS[root] = Chart.load(root, enrich=Resolver())
    return _CHARTS[root], path


def hooks_of(rel: str):
    chart, path = chart_of(rel)
    analysis = chart.templates[str(path)]
    return analysis, [r for r in analysis.resources if r.hook is not None and r.hook.known]


def test_bitnami_common_helpers_render_values_annotations():
    # `common.tplvalues.merge` + `common.tplvalues.render` (bitnami/common, a sibling library
    # chart named in Chart.yaml) over `migration.annotations` from values.yaml.
    analysis, hooks = hooks_of("bitnami__charts/bitnami/harbor/templates/migration/migrate-job.yaml")
    (job,) = hooks
    assert job.kind == "Job"
    assert job.hook.events == ["pre-upgrade"]
    assert job.hook.effective_delete_policies == ["before-hook-creation", "hook-succeeded"]
    ann = job.hook.annotation
    assert isinstance(ann, ResolvedAnnotation) and ann.origin == "resolved"
    # The annotation points at the include that renders it.
    assert analysis.text[ann.value_span.start : ann.value_span.end].startswith('{{- include "common.tplvalues.render"')
    assert ann.define is not None and ann.define.name == "common.tplvalues.render"
    assert ann.define.path.endswith("bitnami/common/templates/_tplvalues.tpl")


def test_helper_with_dict_arguments_gives_each_weight():
    weights = {}
    for name in ("serviceaccount", "role", "crb", "cleanup"):
        _analysis, hooks = hooks_of(f"VictoriaMetrics__helm-charts/charts/victoria-metrics-operator/templates/{name}.yaml")
        assert hooks, name
        weights[name] = [h.hook.weight_value for h in hooks]
        assert all(h.hook.events == ["pre-delete"] for h in hooks)
        # Gated by `crds.cleanup.enabled` (false by default): read, but marked conditional.
        assert all(h.hook.annotation.conditional for h in hooks)
    assert weights == {"serviceaccount": [-5], "role": [-5], "crb": [-4], "cleanup": [-3]}


def test_values_driven_with_block():
    analysis, (pod,) = hooks_of("prometheus-community__helm-charts/charts/alertmanager/templates/tests/test-connection.yaml")
    assert pod.hook.events == ["test"]
    assert pod.hook.annotation.text == "test-success"
    assert analysis.text[pod.hook.annotation.value_span.start :].startswith("{{- toYaml . | nindent 4 }}")


def test_templated_event_value_resolved_in_place():
    analysis, (job,) = hooks_of("bitnami__charts/bitnami/redis-cluster/templates/update-cluster.yaml")
    ann = job.hook.annotation
    assert job.hook.events == ["post-upgrade"]
    # The key stays where it is written; the value is the `{{ .Values.updateJob.helmHook }}` action.
    assert analysis.text[ann.key_span.start : ann.key_span.end] == '"helm.sh/hook"'
    assert analysis.text[ann.value_span.start : ann.value_span.end] == "{{ .Values.updateJob.helmHook }}"


def test_quoted_templated_event_and_templated_policy():
    analysis, (job,) = hooks_of("grafana__helm-charts/charts/tempo-distributed/templates/provisioner/provisioner-job.yaml")
    assert job.hook.events == ["post-install"] and job.hook.weight_value == 20
    ann = job.hook.annotation
    assert analysis.text[ann.content_span.start : ann.content_span.end] == "{{ .Values.provisioner.hookType }}"
    _a, (pod,) = hooks_of("codecentric__helm-charts/charts/keycloak/templates/test/pod-test.yaml")
    assert pod.hook.effective_delete_policies == ["before-hook-creation"]


def test_chart_bug_is_not_papered_over():
    # dremio's bootstrap job merges `coordinator.statefulsetAnnotations` instead of its own
    # `bootstrapUserJob.annotations`: Helm renders no hook annotation, and neither do we.
    _analysis, hooks = hooks_of("bitnami__charts/bitnami/dremio/templates/bootstrap-user/job.yaml")
    assert hooks == []


def test_user_values_file_overrides_defaults(tmp_path):
    over = tmp_path / "override.yaml"
    over.write_text("updateJob:\n  helmHook: pre-upgrade\n")
    path = CORPUS / "bitnami__charts/bitnami/redis-cluster/templates/update-cluster.yaml"
    chart = Chart.load(find_chart_root(path), enrich=Resolver([str(over)]))
    (job,) = [r for r in chart.templates[str(path)].resources if r.hook]
    assert job.hook.events == ["pre-upgrade"]


FLOOR = {"values.yaml": 0.85, "helper-include": 0.6, "literal": 0.95}


def test_resolved_share_per_hook_source(capsys):
    with open(CORPUS / "MANIFEST.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    share: dict[str, list[int]] = {}
    for row in rows:
        owner, name = row["repo"].split("/")
        rel = f"{owner}__{name}/{row['path']}"
        chart, path = chart_of(rel)
        analysis = chart.templates.get(str(path))
        category = row["hook_source"].split(":")[0]
        if category == "tpl-define":
            # A define is resolved when a template that includes it gets its hook from it.
            ok = any(
                isinstance(r.hook.annotation, ResolvedAnnotation)
                and r.hook.annotation.define is not None
                and r.hook.annotation.define.path == str(path)
                for _t, r in chart.hooks()
            )
        else:
            ok = analysis is not None and any(r.hook and r.hook.known and r.hook.events for r in analysis.resources)
        counts = share.setdefault(category, [0, 0])
        counts[0] += ok
        counts[1] += 1
    with capsys.disabled():
        print()
        for category, (ok, total) in sorted(share.items()):
            print(f"resolved hooks, {category}: {ok}/{total} ({ok / total:.0%})")
    for category, floor in FLOOR.items():
        ok, total = share[category]
        assert ok / total >= floor, (category, ok, total)


def test_violation_on_helper_output_links_the_define():
    from hook_lsp.analysis.resolve.enrich import attach_related
    from hook_lsp.analysis.rules.registry import Violation

    root = REPO / "tests" / "e2e" / "workspace" / "lifecycle"
    chart = Chart.load(root, enrich=Resolver())
    analysis = chart.templates[str(root / "templates" / "migrate.yaml")]
    (job,) = analysis.hooks
    ann = job.hook.annotation
    assert analysis.text[ann.value_span.start : ann.value_span.end].startswith('{{- include "lifecycle.hookAnnotations"')
    v = Violation("HK101", ann.content_span, "message")
    attach_related(analysis, [v])
    (rel,) = v.related
    helpers = chart.templates[rel.path]
    assert rel.path == str(root / "templates" / "_helpers.tpl")
    assert helpers.text[rel.span.start : rel.span.end] == '{{- define "lifecycle.hookAnnotations" -}}'
    assert "lifecycle.hookAnnotations" in rel.message
