"""Rules whose verdict or advice depends on the deployer: scripts re-run on every Argo CD sync,
a leftover hook meets Argo CD's apply, Argo CD's own delete policy counts."""

from __future__ import annotations

from pathlib import Path

from hook_lsp.analysis.config import AnalysisConfig
from hook_lsp.analysis.project import Project
from hook_lsp.analysis.rules.registry import REGISTRY

INIT_JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: init-db
  annotations:
    helm.sh/hook: post-install
{extra}spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: init
          image: postgres:16
          command: ["psql", "-c", "CREATE TABLE users (id int)"]
"""


def _check(tmp_path: Path, deployer: str, code: str, extra: str = ""):
    (tmp_path / "templates").mkdir(exist_ok=True)
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    job = tmp_path / "templates" / "job.yaml"
    job.write_text(INIT_JOB.format(extra=extra))
    rules = {c: "off" for c in REGISTRY if c != code}
    return Project(AnalysisConfig(deployer=deployer, rules=rules, strict=True)).check(str(job)).violations


def test_install_hook_script_reruns_on_every_sync(tmp_path: Path):
    (helm,) = _check(tmp_path, "helm", "HK350")
    assert helm.severity == "information" and "re-install" in helm.message
    (argo,) = _check(tmp_path, "argocd", "HK350")
    assert argo.severity == "warning" and "every Argo CD sync (PostSync)" in argo.message


def test_leftover_hook_consequence_follows_the_deployer(tmp_path: Path):
    policy = "    helm.sh/hook-delete-policy: hook-succeeded\n"
    (helm,) = _check(tmp_path, "helm", "HK201", policy)
    assert "where Helm 4 applies hooks server-side" in helm.message
    (argo,) = _check(tmp_path, "argocd", "HK201", policy)
    assert "Argo CD then applies the hook over the leftover object" in argo.message
    both = policy + "    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation\n"
    assert _check(tmp_path, "argocd", "HK201", both) == []
    assert len(_check(tmp_path, "helm", "HK201", both)) == 1


def test_unknown_delete_policy_keeps_argocds_default(tmp_path: Path):
    typo = "    helm.sh/hook-delete-policy: hook-succeded\n"
    (helm,) = _check(tmp_path, "helm", "HK111", typo)
    assert "Helm ignores it, and since a policy is given the default" in helm.message
    (argo,) = _check(tmp_path, "argocd", "HK111", typo)
    assert argo.message.startswith("`hook-succeded` is not a hook delete policy: Argo CD ignores it;")
    assert "no longer applies" not in argo.message


def test_unbounded_job_under_argocd_has_no_timeout(tmp_path: Path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    job = tmp_path / "templates" / "job.yaml"
    job.write_text(INIT_JOB.format(extra="").replace("  backoffLimit: 0\n", ""))
    rules = {c: "off" for c in REGISTRY if c != "HK209"}
    (helm,) = Project(AnalysisConfig(rules=rules, strict=True)).check(str(job)).violations
    assert "5-minute timeout" in helm.message
    (argo,) = Project(AnalysisConfig(deployer="argocd", rules=rules, strict=True)).check(str(job)).violations
    assert "without a timeout" in argo.message and "5-minute" not in argo.message


PLAIN_JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
{extra}spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: run
          image: busybox
"""


def test_fixed_name_plain_job_under_argocd(tmp_path: Path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    job = tmp_path / "templates" / "job.yaml"
    rules = {c: "off" for c in REGISTRY if c != "HK211"}

    def check(deployer, name, extra=""):
        job.write_text(PLAIN_JOB.format(name=name, extra=extra))
        return Project(AnalysisConfig(deployer=deployer, rules=rules, strict=True)).check(str(job)).violations

    (helm,) = check("helm", "migrate")
    assert helm.fixes and "Release.Revision" in helm.fixes[0].title
    (argo,) = check("argocd", "migrate")
    assert not argo.fixes and "always 1 under Argo CD" in argo.message
    # The revision in the name helps Helm, not Argo CD (helm template renders it as 1).
    assert check("helm", "migrate-{{ .Release.Revision }}") == []
    assert len(check("argocd", "migrate-{{ .Release.Revision }}")) == 1
    # An Argo CD hook is re-created by Argo CD.
    assert check("argocd", "migrate", "  annotations:\n    argocd.argoproj.io/hook: Sync\n") == []
    assert len(check("helm", "migrate", "  annotations:\n    argocd.argoproj.io/hook: Sync\n")) == 1
