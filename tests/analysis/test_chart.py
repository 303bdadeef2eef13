"""Chart model: chart roots, subcharts, and Helm's exact hook order."""

from __future__ import annotations

from pathlib import Path

from hook_lsp.analysis.chart import Chart, find_chart_root, name_order


def hook(kind: str, name: str, events: str, weight: str | None = None) -> str:
    w = f'\n    "helm.sh/hook-weight": "{weight}"' if weight is not None else ""
    return f'apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n  annotations:\n    "helm.sh/hook": {events}{w}\n'


def make_chart(root: Path, name: str, files: dict[str, str]) -> Path:
    (root / "templates").mkdir(parents=True, exist_ok=True)
    (root / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
    for rel, text in files.items():
        p = root / "templates" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def test_order_is_weight_then_name_then_kind(tmp_path):
    root = make_chart(
        tmp_path / "app",
        "app",
        {
            "a.yaml": hook("Job", "a-job", "pre-install"),
            "z.yaml": hook("ServiceAccount", "z-sa", "pre-install"),
            "early.yaml": hook("Job", "zz-early", "pre-install", "-1"),
            "same.yaml": hook("Job", "same", "pre-install") + "---\n" + hook("ConfigMap", "same", "pre-install"),
            "up.yaml": hook("Job", "up", "pre-upgrade"),
        },
    )
    chart = Chart.load(root)
    order = [(e.resource.kind, e.name) for e in chart.order("pre-install")]
    # Weight first; at equal weight the *name* decides (a Job named a-job before an SA named
    # z-sa, against Helm's docs), and only full name ties fall back to InstallOrder.
    assert order == [("Job", "zz-early"), ("Job", "a-job"), ("ConfigMap", "same"), ("Job", "same"), ("ServiceAccount", "z-sa")]
    assert [e.name for e in chart.order("pre-upgrade")] == ["up"]


def test_subchart_hooks_sort_globally_and_skipped_hooks_are_absent(tmp_path):
    root = make_chart(tmp_path / "parent", "parent", {"p.yaml": hook("Job", "b", "post-install")})
    make_chart(root / "charts" / "sub", "sub", {"s.yaml": hook("Job", "a", "post-install"), "bad.yaml": hook("Job", "c", "post-instal")})
    assert find_chart_root(root / "charts" / "sub" / "templates" / "s.yaml") == root
    chart = Chart.load(root)
    assert [e.name for e in chart.order("post-install")] == ["a", "b"]
    assert "parent/charts/sub/templates/s.yaml" in chart.render_paths.values()


def test_runs_before_knows_when_it_cannot_know(tmp_path):
    root = make_chart(
        tmp_path / "c",
        "c",
        {
            "sa.yaml": hook("ServiceAccount", "{{ .Release.Name }}-sa", "pre-install"),
            "job.yaml": hook("Job", "{{ .Release.Name }}-job", "pre-install"),
            "other.yaml": hook("Job", "{{ include \"x\" . }}", "pre-install"),
            "w.yaml": hook("Job", "w", "pre-install", "{{ .Values.w }}".replace('"', "")),
        },
    )
    chart = Chart.load(root)
    by_name = {e.name: e for e in chart.order("pre-install")}
    job, sa, other = by_name["{{ .Release.Name }}-job"], by_name["{{ .Release.Name }}-sa"], by_name['{{ include "x" . }}']
    assert chart.runs_before(job, sa) is True  # same templated prefix: "-job" < "-sa"
    assert chart.runs_before(sa, job) is False
    assert chart.runs_before(job, other) is None


def test_update_and_remove_keep_order_current(tmp_path):
    root = make_chart(tmp_path / "c", "c", {"a.yaml": hook("Job", "a", "test"), "b.yaml": hook("Pod", "b", "test")})
    chart = Chart.load(root)
    assert [e.name for e in chart.order("test")] == ["a", "b"]
    chart.update(str(root / "templates" / "b.yaml"), hook("Pod", "b", "test", "-1"))
    assert [e.name for e in chart.order("test")] == ["b", "a"]
    chart.remove(str(root / "templates" / "a.yaml"))
    assert [e.name for e in chart.order("test")] == ["b"]


def test_name_order():
    assert name_order("a", "b") == -1 and name_order("b", "a") == 1 and name_order("x", "x") == 0
    assert name_order("{{ .R }}-a", "{{ .R }}-b") == -1
    assert name_order("{{ .A }}-a", "{{ .B }}-a") is None
