"""Why a hook runs again: events, several events, Job and Pod retries."""

from __future__ import annotations

import pytest

from hook_lsp.analysis.hook_model import analyse_template
from hook_lsp.analysis.scripts.explain import rerun_profile, rerun_reasons


def _hook(events: str, kind: str = "Job", spec: str = "", pod: str = "restartPolicy: Never"):
    text = f"""apiVersion: v1
kind: {kind}
metadata:
  name: h
  annotations:
    helm.sh/hook: {events}
spec:
{spec}  template:
    spec:
      {pod}
      containers:
        - name: c
          image: busybox
"""
    if kind == "Pod":
        text = f"""apiVersion: v1
kind: Pod
metadata:
  name: h
  annotations:
    helm.sh/hook: {events}
spec:
  {pod}
  containers:
    - name: c
      image: busybox
"""
    return analyse_template(text, "t.yaml").resources[0]


def test_upgrade_event_and_default_backoff() -> None:
    reasons = rerun_reasons(_hook("pre-upgrade"))
    assert reasons == [
        "it runs on every `helm upgrade` (pre-upgrade)",
        "a failed attempt is retried up to 6 times (`backoffLimit` is unset; Kubernetes' default is 6)",
    ]
    assert rerun_profile(_hook("pre-upgrade")).certain


def test_several_events_of_one_operation() -> None:
    reasons = rerun_reasons(_hook("pre-install,post-install", spec="  backoffLimit: 0\n"))
    assert reasons == ["it runs 2 times per install (pre-install and post-install)"]


@pytest.mark.parametrize(
    ("spec", "certain", "phrase"),
    [
        ("  backoffLimit: 0\n", False, "Argo CD"),
        ("  backoffLimit: 1\n", True, "retried once"),
        ("  backoffLimit: {{ .Values.retries }}\n", False, "re-install"),
    ],
)
def test_install_only_hooks(spec: str, certain: bool, phrase: str) -> None:
    profile = rerun_profile(_hook("pre-install", spec=spec))
    assert profile.certain is certain
    assert phrase in profile.summary


def test_pod_restart_policies() -> None:
    assert "restartPolicy: Always, the default" in rerun_profile(_hook("test", kind="Pod", pod="")).summary
    never = rerun_profile(_hook("post-install", kind="Pod", pod="restartPolicy: Never"))
    assert not never.certain
    assert rerun_reasons(_hook("test", kind="Pod", pod="restartPolicy: Never")) == ["it runs on every `helm test`"]


def test_script_at_finds_the_hook_of_a_statement() -> None:
    from hook_lsp.analysis.scripts.analyse import script_at

    text = """apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations:
    helm.sh/hook: pre-upgrade
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: c
          image: postgres
          command: ["sh", "-ec", "psql -c 'CREATE TABLE t (id int)'"]
"""
    analysis = analyse_template(text, "t.yaml")
    unit = script_at(analysis, None, text.index("CREATE TABLE") + 3)
    assert unit.script.kind == "sql"
    assert rerun_reasons(unit.script.resource)[0] == "it runs on every `helm upgrade` (pre-upgrade)"
    assert script_at(analysis, None, text.index("apiVersion")) is None
