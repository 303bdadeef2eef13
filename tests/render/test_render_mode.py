"""Render mode: `check`/`timeline --render` with Helm's engine (sdk) or a `helm` binary (helm-cli),
values from -f/--set, errors per chart, and the one-line hint without the engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hook_lsp.render.setvalues import parse_set

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hook_lsp", *args], capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, **(env or {})},
    )


def make_chart(root: Path) -> Path:
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 1.0.0\n")
    (root / "values.yaml").write_text("cleanup:\n  enabled: false\nsa:\n  name: ''\nmigrate:\n  weight: '5'\n")
    (root / "templates" / "_helpers.tpl").write_text(
        '{{- define "app.fullname" -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}\n'
    )
    (root / "templates" / "hooks.yaml").write_text(textwrap.dedent('''\
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: {{ .Values.sa.name | default (include "app.fullname" .) }}
          annotations:
            "helm.sh/hook": pre-install,pre-upgrade
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: {{ include "app.fullname" . }}-migrate
          annotations:
            "helm.sh/hook": pre-install,pre-upgrade
            "helm.sh/hook-weight": {{ .Values.migrate.weight | quote }}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: m
                  image: busybox
        {{- if .Values.cleanup.enabled }}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cleanup
          annotations:
            "helm.sh/hook": pre-install
        {{- end }}
        '''))
    return root


def _pre_install(proc: subprocess.CompletedProcess) -> list[tuple]:
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    hooks = next(s for s in data["steps"] if s.get("event") == "pre-install")["hooks"]
    return [(h["kind"], h["name"], h["weight"], h["order_certain"]) for h in hooks]


def test_set_parser_reads_helm_set_syntax():
    assert parse_set("a.b=1,c=x,d={p,q},e[1].f=true,g=a\\,b,n=null") == {
        "a": {"b": 1}, "c": "x", "d": ["p", "q"], "e": [None, {"f": True}], "g": "a,b", "n": None,
    }


def test_static_view_takes_release_name_and_namespace(tmp_path):
    chart = make_chart(tmp_path / "app")
    proc = run("timeline", str(chart), "--operation", "install", "--format", "json", "--release-name", "web")
    assert _pre_install(proc)[:2] == [("ConfigMap", "cleanup", 0, True), ("ServiceAccount", "web-app", 0, True)]


def test_set_needs_render(tmp_path):
    proc = run("timeline", str(make_chart(tmp_path / "app")), "--set", "a=b")
    assert proc.returncode == 2 and "--set and --upgrade need --render" in proc.stderr


def test_without_the_engine_one_line_and_exit_2(tmp_path):
    # A `helm_python` that cannot be imported, as on a machine without the extra.
    stub = tmp_path / "stub"
    (stub / "helm_python").mkdir(parents=True)
    (stub / "helm_python" / "__init__.py").write_text("raise ImportError('no engine')\n")
    chart = make_chart(tmp_path / "app")
    for cmd in (["check", str(chart)], ["timeline", str(chart)]):
        proc = run(*cmd, "--render", env={"PYTHONPATH": str(stub)})
        assert proc.returncode == 2
        assert proc.stderr.strip().splitlines() == [
            "hook-lsp: Helm's engine is not installed: run `pip install 'hook-lsp[helm]'` "
            "(or put `helm` on PATH and pass --engine helm-cli)"
        ]


def test_helm_cli_engine_missing_binary(tmp_path):
    proc = run("timeline", str(make_chart(tmp_path / "app")), "--render", "--engine", "helm-cli", env={"PATH": str(tmp_path)})
    assert proc.returncode == 2 and "no `helm` on PATH" in proc.stderr


def test_helm_cli_engine_reads_helm_template_output(tmp_path):
    # A stand-in `helm` that writes what `helm template --output-dir` writes.
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    helm = bin_ / "helm"
    helm.write_text(textwrap.dedent(f'''\
        #!{sys.executable}
        import sys, pathlib
        args = sys.argv[1:]
        assert args[0] == "template" and args[1] == "rel", args
        out = pathlib.Path(args[args.index("--output-dir") + 1]) / "app" / "templates"
        out.mkdir(parents=True)
        (out / "hooks.yaml").write_text(
            "---\\n# Source: app/templates/hooks.yaml\\napiVersion: v1\\nkind: ServiceAccount\\nmetadata:\\n  name: from-helm\\n"
            "  annotations:\\n    helm.sh/hook: pre-install,pre-upgrade\\n"
        )
        '''))
    helm.chmod(0o755)
    chart = make_chart(tmp_path / "app")
    proc = run(
        "timeline", str(chart), "--render", "--engine", "helm-cli", "--release-name", "rel", "--operation", "install",
        "--format", "json", env={"PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}"},
    )
    # Helm rendered only the ServiceAccount: its name is Helm's, the Job drops out.
    assert _pre_install(proc) == [("ServiceAccount", "from-helm", 0, True)]


@pytest.fixture
def engine():
    pytest.importorskip("helm_python", reason="Helm's engine is not installed (pip install 'hook-lsp[helm]')")


def test_render_uses_values_files_and_set(engine, tmp_path):
    chart = make_chart(tmp_path / "app")
    values = tmp_path / "v.yaml"
    values.write_text("migrate:\n  weight: '-1'\n")
    proc = run(
        "timeline", str(chart), "--render", "-f", str(values), "--set", "sa.name=zz-sa",
        "--release-name", "web", "--operation", "install", "--format", "json",
    )
    # The gated ConfigMap is not rendered; -f moved the Job first, --set renamed the account.
    assert _pre_install(proc) == [("Job", "web-app-migrate", -1, True), ("ServiceAccount", "zz-sa", 0, True)]
    proc = run("timeline", str(chart), "--render", "--set", "cleanup.enabled=true", "--operation", "install", "--format", "json")
    assert [h[1] for h in _pre_install(proc)] == ["cleanup", "release-name-app", "release-name-app-migrate"]


def test_render_errors_are_reported_per_chart(engine, tmp_path):
    chart = make_chart(tmp_path / "app")
    (chart / "templates" / "need.yaml").write_text('x: {{ required "db.host is required" .Values.db }}\n')
    for cmd in ("check", "timeline"):
        proc = run(cmd, str(chart), "--render")
        assert proc.returncode == 2
        assert "Helm could not render the chart" in proc.stderr and "db.host is required" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_check_render_reports_on_template_lines(engine):
    proc = run("check", "examples/webapp", "--render")
    assert proc.returncode == 1
    assert any(l.startswith("examples/webapp/templates/migrate-job.yaml:8:21: error HK101") for l in proc.stdout.splitlines())


def test_render_shows_every_hook_a_range_renders(engine, tmp_path):
    chart = make_chart(tmp_path / "app")
    (chart / "templates" / "jobs.yaml").write_text(textwrap.dedent('''\
        {{- range .Values.jobs }}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: job-{{ . }}
          annotations:
            "helm.sh/hook": pre-install
            "helm.sh/hook-weight": "-3"
        {{- end }}
        '''))
    proc = run("timeline", str(chart), "--render", "--set", "jobs={b,a}", "--operation", "install", "--format", "json")
    assert [h[:3] for h in _pre_install(proc)][:2] == [("ConfigMap", "job-a", -3), ("ConfigMap", "job-b", -3)]


def test_editor_helm_render_follows_saved_files(engine, tmp_path, monkeypatch):
    from hook_lsp.analysis.project import Project
    from hook_lsp.analysis.timeline import timeline
    from hook_lsp.render.live import LiveRender

    monkeypatch.setattr(LiveRender, "RESCAN_SECONDS", 0.0)
    chart = make_chart(tmp_path / "app")
    hooks = chart / "templates" / "hooks.yaml"
    hooks.write_text(hooks.read_text().replace(
        'name: {{ include "app.fullname" . }}-migrate', "name: migrate-k{{ .Capabilities.KubeVersion.Major }}"
    ))
    project = Project(release_name="web")

    def names() -> list[str]:
        c = project.chart_for(hooks)
        c._order_cache = None
        return [h.name for h in timeline(c, "install").steps[0].hooks]

    # Static view: the cluster version is unknown.
    assert names()[-1] == "migrate-k‹…›"
    project.set_helm_render(True)
    assert names() == ["web-app", "migrate-k1"]
    # An unsaved edit keeps the static view for that file; saving it renders again.
    edited = hooks.read_text().replace("migrate-k", "zz-k")
    project.open(str(hooks), edited)
    assert names()[-1] == "zz-k‹…›"
    hooks.write_text(edited)
    os.utime(hooks, (1, 1))
    assert names()[-1] == "zz-k1"


def test_editor_helm_render_without_the_engine_says_how_to_install(tmp_path, monkeypatch):
    import hook_lsp.render as render
    from hook_lsp.analysis.project import Project

    def missing(self):
        raise render.EngineMissing(render.INSTALL_HINT)

    monkeypatch.setattr(render.SdkEngine, "__init__", missing)
    project = Project()
    project.set_helm_render(True)
    assert project.config_errors == [render.INSTALL_HINT]
    chart = project.chart_for(make_chart(tmp_path / "app") / "templates" / "hooks.yaml")
    assert chart is not None and chart.enrich.live is None
