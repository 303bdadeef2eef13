"""Which scripts a hook container runs: interpreters, if/else renderings, ConfigMap files."""

from __future__ import annotations

from pathlib import Path

import pytest

from hook_lsp.analysis.hook_model import analyse_template
from hook_lsp.analysis.project import Project
from hook_lsp.analysis.scripts.analyse import configmap_units, hook_units, units_for
from hook_lsp.analysis.scripts.extract import container_argvs, shell_invocation

JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: demo
  annotations:
    helm.sh/hook: pre-upgrade
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: c
          image: debian
{body}
"""


def _units(body: str):
    text = JOB.format(body=body)
    analysis = analyse_template(text, "t.yaml")
    res = analysis.resources[0]
    return text, hook_units(res, analysis, None)


@pytest.mark.parametrize(
    ("command", "dialect", "errexit"),
    [
        ('["/bin/sh", "-c", "echo hi"]', "sh", False),
        ('["/bin/bash", "-ec", "echo hi"]', "bash", True),
        ('["bash", "-o", "errexit", "-c", "echo hi"]', "bash", True),
        ('["/usr/bin/env", "bash", "-euc", "echo hi"]', "bash", True),
        ('["busybox", "sh", "-c", "echo hi"]', "sh", False),
    ],
)
def test_interpreters(command: str, dialect: str, errexit: bool) -> None:
    text, units = _units(f"          command: {command}")
    (unit,) = units
    assert (unit.script.dialect, unit.script.errexit, unit.script.text.text) == (dialect, errexit, "echo hi")
    start = unit.script.text.offset(0)
    assert text[start : start + 7] == "echo hi"


def test_no_command_or_templated_command_is_unknown() -> None:
    assert _units('          args: ["-c", "echo hi"]')[1] == []
    assert _units("          command: {{ toYaml .Values.command | nindent 12 }}")[1] == []
    assert _units('          command: ["{{ .Values.shell }}", "-c", "echo hi"]')[1] == []


def test_if_else_command_pairs_with_literal_args() -> None:
    body = """          {{- if .Values.command }}
          command: {{- toYaml .Values.command | nindent 12 }}
          {{- else }}
          command: ["/bin/bash", "-ec"]
          {{- end }}
          args:
            - |
              psql -v ON_ERROR_STOP=1 <<'EOF'
              CREATE TABLE t (id int);
              EOF"""
    text, units = _units(body)
    kinds = [(u.script.kind, u.script.dialect) for u in units]
    assert kinds == [("shell", "bash"), ("sql", "postgres")]
    sql = units[1]
    assert sql.sql[0][0].head == "CREATE TABLE t"
    at = sql.script.text.offset(0)
    assert text[at : at + 12] == "CREATE TABLE"


def test_psql_command_without_shell() -> None:
    _, units = _units('          command: ["psql", "-c", "DROP TABLE t"]')
    (unit,) = units
    assert unit.script.kind == "sql" and unit.sql[0][0].kind == "drop"


def test_shell_invocation_with_script_file() -> None:
    text = JOB.format(body='          command: ["/bin/sh", "/scripts/run.sh"]')
    analysis = analyse_template(text, "t.yaml")
    (argv,) = container_argvs(analysis.resources[0].workload.containers[0], analysis)
    inv = shell_invocation(argv)
    assert inv.file == "/scripts/run.sh" and inv.script is None


def test_configmap_scripts_are_found_from_both_sides(tmp_path: Path) -> None:
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 0.1.0\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-sql\ndata:\n"
        "  init.sql: |\n    CREATE TABLE t (id int);\n  run.sh: |\n    #!/bin/bash\n    mkdir /data/x\n"
    )
    (tmp_path / "templates" / "job.yaml").write_text(
        JOB.format(
            body='          command: ["sh", "-ec", "psql -v ON_ERROR_STOP=1 -f /sql/init.sql && /sql/run.sh"]\n'
            "          volumeMounts:\n            - name: sql\n              mountPath: /sql\n"
            "      volumes:\n        - name: sql\n          configMap:\n            name: {{ .Release.Name }}-sql"
        )
    )
    project = Project()
    job = project.check(str(tmp_path / "templates" / "job.yaml"))
    cm = project.check(str(tmp_path / "templates" / "cm.yaml"))
    hook = job.analysis.resources[0]
    all_units = hook_units(hook, job.analysis, job.chart)
    origins = sorted((u.script.kind, u.script.dialect, u.script.origin) for u in all_units if u.script.template is cm.analysis)
    assert origins == [
        ("shell", "bash", "ConfigMap `{{ .Release.Name }}-sql`, key `run.sh`"),
        ("sql", "postgres", "ConfigMap `{{ .Release.Name }}-sql`, key `init.sql`"),
    ]
    # The hook's own file shows only its inline script; the ConfigMap's file shows its two.
    assert [u.script.kind for u in units_for(hook, job.analysis, job.chart)] == ["shell"]
    in_cm = configmap_units(cm.analysis.resources[0], cm.analysis, cm.chart)
    assert sorted(u.script.kind for u in in_cm) == ["shell", "sql"]
    sql = next(u for u in in_cm if u.script.kind == "sql")
    at = sql.script.text.offset(0)
    assert cm.analysis.text[at : at + 12] == "CREATE TABLE"


def test_alternative_branches_are_read_as_the_first_rendering() -> None:
    body = """          command: ["/bin/bash", "-ec"]
          args:
            - |
              {{- if .Values.tls }}
              while ! redis-cli --tls ping; do
              {{- else }}
              while ! redis-cli ping; do
              {{- end }}
                sleep 1
              done
              kubectl create configmap ready"""
    text, (unit,) = _units(body)
    assert unit.shell.ok
    names = [c.name for c in unit.shell.commands]
    assert names == ["redis-cli", "sleep", "kubectl"]  # the `else` loop header is left out
    kubectl = unit.shell.commands[-1]
    start = unit.script.text.offset(kubectl.name_start)
    assert text[start : start + 14] == "kubectl create"
