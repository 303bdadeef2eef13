"""Hook names and namespaces resolved over the chart's values, and the certainty of the order."""

from __future__ import annotations

from pathlib import Path

from hook_lsp.analysis.chart import Chart
from hook_lsp.analysis.resolve import Resolver
from hook_lsp.analysis.resolve.parse import parse
from hook_lsp.analysis.resolve.evaluate import Evaluator
from hook_lsp.analysis.timeline import timeline

HELPERS = '''
{{- define "app.name" -}}{{ default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- define "app.fullname" -}}
{{- if .Values.fullnameOverride -}}{{ .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else -}}{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else -}}{{ printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}
{{- end -}}
{{- define "app.sa" -}}{{ default (include "app.fullname" .) .Values.hooks.serviceAccount.name }}{{- end -}}
'''

VALUES = '''
hooks:
  serviceAccount:
    name: ""
  job:
    name: "{{ .Release.Name }}-migrate"
  weight: "1"
sub:
  enabled: true
'''


def _hook(kind: str, name: str, weight: str = "0", extra: str = "") -> str:
    return (
        f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n{extra}  annotations:\n"
        f'    "helm.sh/hook": pre-install\n    "helm.sh/hook-weight": "{weight}"\n'
    )


def make_chart(root: Path) -> Path:
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 1.0.0\n")
    (root / "values.yaml").write_text(VALUES)
    (root / "templates" / "_helpers.tpl").write_text(HELPERS)
    (root / "templates" / "sa.yaml").write_text(
        _hook("ServiceAccount", '{{ include "app.sa" . }}', extra="  namespace: {{ .Release.Namespace }}\n")
    )
    (root / "templates" / "job.yaml").write_text(
        _hook("Job", "{{ tpl .Values.hooks.job.name . }}")
        + "---\n"
        + _hook("ConfigMap", '{{ get (dict "n" "zz-config") "n" }}')
        + "---\n"
        + _hook("Pod", '{{ include "app.fullname" . }}-{{ randAlphaNum 5 | lower }}', weight="1")
        + "---\n"
        + _hook("Secret", '{{ include "app.fullname" . }}-{{ lookup "v1" "Secret" "x" "y" }}', weight="2")
    )
    return root


def _pre(chart: Chart):
    return timeline(chart, "install").steps[0].hooks


def test_names_resolved_with_helm_template_defaults(tmp_path):
    chart = Chart.load(make_chart(tmp_path / "app"), enrich=Resolver())
    hooks = _pre(chart)
    assert [(h.kind, h.name) for h in hooks] == [
        ("ServiceAccount", "release-name-app"),
        ("Job", "release-name-migrate"),
        ("ConfigMap", "zz-config"),
        ("Pod", "release-name-app-‹…›"),
        ("Secret", "release-name-app-‹…›"),
    ]
    assert hooks[0].namespace == "default"
    # Only the unknowable keeps a placeholder, with the reason.
    assert hooks[3].name_why == "`randAlphaNum` is random"
    assert hooks[4].name_why == "`lookup` reads the cluster at install time"
    # A release-prefixed name against a literal one: the order holds for this release name only.
    assert not hooks[0].order_certain and "release name" in hooks[0].uncertain_why
    # Weights alone decide the last two.
    assert hooks[3].order_certain and hooks[4].order_certain


def test_user_release_name_and_namespace_make_names_exact(tmp_path):
    chart = Chart.load(make_chart(tmp_path / "app"), enrich=Resolver(release_name="app", namespace="ops"))
    hooks = _pre(chart)
    # `contains "app" "app"`: the fullname is the release name.
    assert [h.name for h in hooks[:3]] == ["app", "app-migrate", "zz-config"]
    assert hooks[0].namespace == "ops"
    assert all(h.order_certain for h in hooks[:3])


def test_values_override_a_name(tmp_path):
    root = make_chart(tmp_path / "app")
    (root / "custom.yaml").write_text('hooks:\n  serviceAccount:\n    name: "aaa-sa"\n')
    chart = Chart.load(root, enrich=Resolver(["custom.yaml"], release_name="rel"))
    assert _pre(chart)[0].name == "aaa-sa"


def test_an_unknown_name_elsewhere_makes_every_equal_weight_place_uncertain(tmp_path):
    root = make_chart(tmp_path / "app")
    (root / "templates" / "x.yaml").write_text(_hook("Job", '{{ .Values.nope | required "x" }}'))
    chart = Chart.load(root, enrich=Resolver(release_name="rel"))
    hooks = _pre(chart)
    zero = [h for h in hooks if h.weight == 0]
    assert len(zero) == 4 and not any(h.order_certain for h in zero)
    unknown = [h for h in zero if h.name_why]
    assert unknown[0].name_why == "a required value has no default (`required`)"


def test_bitnami_style_release_name_regex():
    helpers = parse(
        '{{- define "f" -}}{{- $r := regexReplaceAll "(-?[^a-z\\\\d\\\\-])+-?" (lower .Release.Name) "-" -}}'
        '{{ printf "%s-%s" $r .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}'
    ).defines
    out = Evaluator(helpers).include("f", {"Release": {"Name": "My_Rel"}, "Chart": {"Name": "c"}, "Values": {}})
    assert out == "my-rel-c"


def test_paren_pipe_followed_by_an_argument_is_not_a_field_chain():
    parsed = parse('{{ printf "%s-%s" (include "x" .) .Values.a }}{{ define "x" }}X{{ end }}')
    assert Evaluator(parsed.defines).render(parsed.nodes, {"Values": {"a": "q"}}) == "X-q"


def test_weight_hover_names_the_rendered_name_and_why(tmp_path):
    from hook_lsp.analysis.hovers import hover

    chart = Chart.load(make_chart(tmp_path / "app"), enrich=Resolver())
    job = chart.templates[str(tmp_path / "app" / "templates" / "job.yaml")]
    text = job.text
    key = '"helm.sh/hook-weight": "'
    first = hover(job, text.index(key) + len(key), chart).markdown
    assert "name as Helm renders it: `release-name-migrate` (for release `release-name`" in first
    assert "order not certain:" in first and "release name" in first
    pod = text.index("kind: Pod")
    third = hover(job, text.index(key, pod) + len(key), chart).markdown
    assert "name not known before Helm runs: `randAlphaNum` is random" in third
