"""Hover on a line of a hook's script: why that script runs again (events, retries)."""

from __future__ import annotations

from hook_lsp.analysis.hook_model import analyse_template
from hook_lsp.analysis.hovers import hover
from hook_lsp.analysis.project import Project
from hook_lsp.knowledge import phrases
from hook_lsp.knowledge import reruns as R


def job(events: str, spec: str = "", sql: str = "CREATE TABLE users (id int);") -> str:
    return f"""apiVersion: batch/v1
kind: Job
metadata:
  name: {{{{ include "app.fullname" . }}}}-migrate
  annotations:
    "helm.sh/hook": {events}
spec:
{spec}  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: postgres:16
          command:
            - /bin/sh
            - -ec
            - |
              psql -v ON_ERROR_STOP=1 -h {{{{ .Values.db.host }}}} <<'EOF'
              {sql}
              EOF
"""


def hover_on(text: str, needle: str, shift: int = 2):
    analysis = analyse_template(text, "templates/migrate.yaml")
    return hover(analysis, text.index(needle) + shift, None)


def test_pre_upgrade_job_lists_the_upgrade_and_its_retries():
    text = job("pre-upgrade", spec="  backoffLimit: 2\n")
    found = hover_on(text, "CREATE TABLE", 8)
    title, bullets = found.markdown.split("\n\n")
    assert title == phrases.SCRIPT_RERUN_TITLE
    assert bullets.splitlines() == [
        "- it runs on every `helm upgrade` (pre-upgrade)",
        "- a failed attempt is retried up to 2 times (`backoffLimit: 2`)",
    ]
    # The span is the statement's line, without its block-scalar indentation.
    assert text[found.span.start : found.span.end] == "CREATE TABLE users (id int);"


def test_unset_backoff_limit_is_kubernetes_default():
    found = hover_on(job("post-upgrade"), "CREATE TABLE")
    assert "- " + R.RETRY_DEFAULT.format(limit=6) in found.markdown
    assert "`backoffLimit` is unset; Kubernetes' default is 6" in found.markdown


def test_post_install_job_without_retries_gives_only_the_reinstall_reason():
    found = hover_on(job("post-install", spec="  backoffLimit: 0\n"), "CREATE TABLE")
    assert found.markdown == f"{phrases.SCRIPT_RERUN_TITLE}\n\n- {R.REINSTALL.format()}"


def test_several_events_of_one_operation():
    found = hover_on(job("pre-install,post-install", spec="  backoffLimit: 0\n"), "CREATE TABLE")
    assert found.markdown.endswith("\n- it runs 2 times per install (pre-install and post-install)")
    assert "Argo CD" not in found.markdown  # a second run is certain: the re-install case is not listed


def test_the_shell_line_of_the_script_also_explains():
    text = job("pre-upgrade", spec="  backoffLimit: 1\n")
    found = hover_on(text, "psql -v")
    assert "- a failed attempt is retried once (`backoffLimit: 1`)" in found.markdown
    line = text[found.span.start : found.span.end]
    assert line.startswith("psql -v ON_ERROR_STOP=1") and line.endswith("<<'EOF'")


def test_no_script_hover_outside_the_script_or_on_template_code():
    text = job("pre-upgrade")
    assert hover_on(text, "image: postgres") is None
    assert hover_on(text, "name: migrate") is None
    assert hover_on(text, ".Values.db.host", 3) is None  # inside `{{ }}`: template code
    analysis = analyse_template(text, "templates/migrate.yaml")
    indent = text.index("CREATE TABLE") - 4  # block-scalar indentation before the statement
    assert hover(analysis, indent, None) is None


def test_no_script_hover_on_a_plain_job():
    text = job("pre-upgrade").replace('    "helm.sh/hook": pre-upgrade\n', '    note: x\n')
    assert hover_on(text, "CREATE TABLE") is None


def test_sql_kept_in_a_configmap_explains_the_hook_that_runs_it(tmp_path):
    root = tmp_path / "app"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    (root / "templates" / "sql.yaml").write_text(
        """apiVersion: v1
kind: ConfigMap
metadata:
  name: migrate-sql
  annotations:
    "helm.sh/hook": pre-upgrade
    "helm.sh/hook-weight": "-1"
data:
  schema.sql: |
    CREATE TABLE users (id int);
"""
    )
    (root / "templates" / "job.yaml").write_text(
        """apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    "helm.sh/hook": pre-upgrade,post-rollback
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: postgres:16
          command: ["sh", "-ec", "psql -v ON_ERROR_STOP=1 -f /sql/schema.sql"]
          volumeMounts:
            - name: sql
              mountPath: /sql
      volumes:
        - name: sql
          configMap:
            name: migrate-sql
"""
    )
    result = Project().check(str(root / "templates" / "sql.yaml"))
    text = result.analysis.text
    found = hover(result.analysis, text.index("CREATE TABLE") + 3, result.chart)
    assert found.markdown.split("\n\n")[1].splitlines() == [
        "- it runs on every `helm upgrade` (pre-upgrade)",
        "- it runs on every `helm rollback`",
    ]
