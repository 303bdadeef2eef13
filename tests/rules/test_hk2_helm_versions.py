"""HK2xx rules whose verdict or message depends on the Helm version, or on other files.

The fixture charts run with the default Helm 4; these cases set `helmVersion` 3 and edit a
chart to show that chart-wide rules follow the other templates.
"""

from __future__ import annotations

from pathlib import Path

from hook_lsp.analysis.config import AnalysisConfig
from hook_lsp.analysis.project import Project
from hook_lsp.analysis.rules.registry import REGISTRY

JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: db-migrate
  annotations:
    helm.sh/hook: pre-upgrade
    helm.sh/hook-weight: "{weight}"
    helm.sh/hook-delete-policy: hook-succeeded
spec:
{ttl}  template:
    spec:
      restartPolicy: Never
      serviceAccountName: migrator
      containers:
        - name: migrate
          image: busybox
"""
SA = """apiVersion: v1
kind: ServiceAccount
metadata:
  name: migrator
  annotations:
    helm.sh/hook: pre-upgrade
    helm.sh/hook-weight: "{weight}"
"""


def _project(version: str, *codes: str) -> Project:
    rules = {c: "off" for c in REGISTRY if c not in codes}
    return Project(AnalysisConfig(helm_version=version, rules=rules, strict=True))


def _chart(tmp_path: Path, job_weight: int = 0, sa_weight: int = 5, ttl: str = "") -> Path:
    (tmp_path / "templates").mkdir()
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 1.0.0\n")
    (tmp_path / "templates" / "sa.yaml").write_text(SA.format(weight=sa_weight))
    job = tmp_path / "templates" / "job.yaml"
    job.write_text(JOB.format(weight=job_weight, ttl=ttl))
    return job


def test_leftover_hook_message_names_helm3_already_exists(tmp_path: Path) -> None:
    job = _chart(tmp_path)
    (v,) = _project("3", "HK201").check(str(job)).violations
    assert 'jobs.batch "db-migrate" already exists' in v.message
    assert "server-side apply" not in v.message
    (v4,) = _project("4", "HK201").check(str(job)).violations
    assert "server-side apply" in v4.message and "not run again" in v4.message
    # The TTL controller removes a finished Job, so nothing is left behind.
    job.write_text(JOB.format(weight=0, ttl="  ttlSecondsAfterFinished: 600\n"))
    assert _project("3", "HK201").check(str(job)).violations == []


def test_ttl_race_is_a_helm4_problem_only(tmp_path: Path) -> None:
    job = _chart(tmp_path, ttl="  ttlSecondsAfterFinished: 0\n")
    assert _project("3", "HK208").check(str(job)).violations == []
    (v,) = _project("4", "HK208").check(str(job)).violations
    assert v.message.startswith("`ttlSecondsAfterFinished: 0`")


def test_dependency_order_follows_an_edit_of_the_other_template(tmp_path: Path) -> None:
    job = _chart(tmp_path, job_weight=0, sa_weight=5)
    project = _project("4", "HK202")
    (v,) = project.check(str(job)).violations
    text = job.read_text()
    assert text[v.span.start : v.span.end] == "migrator"
    assert "its weight 5 is higher than this hook's 0" in v.message
    assert v.related and v.related[0].path.endswith("sa.yaml")
    # Lowering the ServiceAccount's weight in the editor fixes the Job's diagnostic.
    project.open(str(tmp_path / "templates" / "sa.yaml"), SA.format(weight=-5))
    assert project.check(str(job)).violations == []


def test_leftover_hook_message_says_when_helm4_applies_server_side(tmp_path: Path) -> None:
    job = _chart(tmp_path)
    (v,) = _project("4", "HK201").check(str(job)).violations
    # pre-upgrade: server-side only when the release was applied that way; else `already exists`.
    assert "upgrade: when the release was applied server-side" in v.message
    assert "without server-side apply the next run fails with `already exists`" in v.message
    assert "install: by default" not in v.message
    job.write_text(JOB.format(weight=0, ttl="").replace("pre-upgrade", "test"))
    (t,) = _project("4.1", "HK201").check(str(job)).violations
    assert "`helm test`: only when the release was applied server-side" in t.message
    job.write_text(JOB.format(weight=0, ttl="").replace("pre-upgrade", "pre-install,pre-delete"))
    (i,) = _project("4", "HK201").check(str(job)).violations
    assert "install: by default; uninstall: always" in i.message
    # A minor version of Helm 3 is Helm 3.
    (h3,) = _project("3.17", "HK201").check(str(job)).violations
    assert "already exists" in h3.message and "server-side" not in h3.message


def test_ttl_race_is_worded_as_a_race(tmp_path: Path) -> None:
    job = _chart(tmp_path, ttl="  ttlSecondsAfterFinished: 5\n")
    (v,) = _project("4.2", "HK208").check(str(job)).violations
    assert "if that happens before Helm 4's watcher has seen it `Complete`" in v.message
    assert "a race" in v.message and "`--wait=legacy`" in v.message
    assert _project("3.21", "HK208").check(str(job)).violations == []


def test_unknown_event_messages_quote_each_helm_versions_stderr_line(tmp_path: Path) -> None:
    job = _chart(tmp_path)
    job.write_text(JOB.format(weight=0, ttl="").replace("pre-upgrade", "pre-instal,post-upgrade"))
    (v3,) = _project("3", "HK101").check(str(job)).violations
    assert 'manifest_sorter.go:199: info: skipping unknown hook: "pre-instal,post-upgrade"' in v3.message
    (v4,) = _project("4.1", "HK101").check(str(job)).violations
    assert 'level=INFO msg="skipping unknown hooks" hookTypes=pre-instal,post-upgrade' in v4.message
    job.write_text(JOB.format(weight=0, ttl="").replace("pre-upgrade", "crd-install"))
    (r4,) = _project("4", "HK102").check(str(job)).violations
    assert "hookTypes=crd-install" in r4.message


def test_unquoted_value_message_quotes_the_first_build_error(tmp_path: Path) -> None:
    job = _chart(tmp_path)
    # hook-succeeded alone: no before-hook-creation, so the hook itself is built first.
    job.write_text(JOB.format(weight=0, ttl="").replace('"{weight}"'.format(weight=0), "0").replace('"0"', "0"))
    (v,) = _project("4", "HK109").check(str(job)).violations
    assert "`unable to build kubernetes object for pre-upgrade hook …: … cannot unmarshal number" in v.message
    job.write_text(job.read_text().replace("    helm.sh/hook-delete-policy: hook-succeeded\n", ""))
    (d,) = _project("4", "HK109").check(str(job)).violations
    assert "`unable to build kubernetes object for deleting hook …:" in d.message
