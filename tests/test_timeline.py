"""The lifecycle timeline: Helm's order (weight, name, kind, file; across subcharts), the
resources step, waits and deletions — checked against orders worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hook_lsp import cli
from hook_lsp.analysis.chart import Chart
from hook_lsp.analysis.profile import Profile
from hook_lsp.analysis.resolve import Resolver
from hook_lsp.analysis.timeline import (
    OPERATIONS,
    display_name,
    hook_positions,
    timeline,
)
from tests.outside_data import CORPUS, needs_corpus

REPO = Path(__file__).resolve().parents[1]
LIFECYCLE = REPO / "tests" / "e2e" / "workspace" / "lifecycle"


def hook(kind: str, name: str, events: str, weight: str | None = None, policy: str | None = None) -> str:
    lines = ["apiVersion: v1", f"kind: {kind}", "metadata:", f"  name: {name}", "  annotations:", f'    "helm.sh/hook": {events}']
    if weight is not None:
        lines.append(f'    "helm.sh/hook-weight": "{weight}"')
    if policy is not None:
        lines.append(f'    "helm.sh/hook-delete-policy": {policy}')
    return "\n".join(lines) + "\n"


@pytest.fixture
def umbrella(tmp_path) -> Path:
    """A parent chart with a subchart; names and weights literal so the order is exact."""
    root = tmp_path / "app"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 1.0.0\n")
    (root / "crds").mkdir()
    (root / "crds" / "crd.yaml").write_text("kind: CustomResourceDefinition\n")
    (root / "templates" / "jobs.yaml").write_text(
        hook("Job", "migrate", "pre-install,pre-upgrade", "0", "before-hook-creation,hook-succeeded")
        + "---\n"
        + hook("ServiceAccount", "migrate", "pre-install,pre-upgrade", "0", "hook-succeeded")
        + "---\n"
        + hook("Job", "backup", "pre-upgrade", "-10")
    )
    (root / "templates" / "rbac.yaml").write_text(
        hook("Role", "migrate", "pre-install,pre-upgrade", "0", "hook-failed")
        + "---\n"
        + hook("Pod", "smoke", "test")
    )
    sub = root / "charts" / "db"
    (sub / "templates").mkdir(parents=True)
    (sub / "Chart.yaml").write_text("apiVersion: v2\nname: db\nversion: 1.0.0\n")
    (sub / "templates" / "init.yaml").write_text(
        hook("Job", "db-init", "pre-install,pre-upgrade", "0") + "---\n" + hook("Job", "db-cleanup", "pre-delete", "5")
    )
    return root


def test_upgrade_order_ties_and_subcharts(umbrella):
    t = timeline(Chart.load(umbrella), "upgrade")
    pre = t.steps[0]
    assert pre.kind == "hooks" and pre.event == "pre-upgrade"
    # By hand: backup (-10); then weight 0 by name: "db-init" < "migrate" (the subchart's hook
    # sorts with the parent's, #subcharts-and-crds); three hooks named "migrate" tie on weight and name, so kind
    # decides (#order): ServiceAccount, Role, Job in InstallOrder.
    assert [(h.kind, h.name, h.weight) for h in pre.hooks] == [
        ("Job", "backup", -10),
        ("Job", "db-init", 0),
        ("ServiceAccount", "migrate", 0),
        ("Role", "migrate", 0),
        ("Job", "migrate", 0),
    ]
    assert [h.position for h in pre.hooks] == [1, 2, 3, 4, 5]
    assert all(h.total == 5 and h.order_certain for h in pre.hooks)
    assert pre.hooks[1].subchart == "db" and pre.hooks[0].subchart == ""
    # hook-succeeded: after all pre-upgrade hooks, in reverse execution order (#deletion).
    cleanup = t.steps[1]
    assert cleanup.kind == "cleanup"
    assert [(h.kind, h.name) for h in cleanup.hooks] == [("Job", "migrate"), ("ServiceAccount", "migrate")]
    # Upgrade never touches crds/ (#subcharts-and-crds); then the resources, then post-upgrade (none).
    assert [s.kind for s in t.steps[2:]] == ["resources", "hooks"]
    assert t.steps[2].title.startswith("update")
    assert "crds/ is not touched by upgrade" in t.notes


def test_waits_and_deletions(umbrella):
    t = timeline(Chart.load(umbrella), "install")
    assert t.steps[0].kind == "crds"
    pre = t.steps[1]
    by = {(h.kind, h.name): h for h in pre.hooks}
    assert by[("Job", "migrate")].waits_for.startswith("the Job to be Complete")
    assert by[("ServiceAccount", "migrate")].waits_for.startswith("nothing")
    # No policy given: the default before-hook-creation applies (#delete-policies).
    assert by[("Job", "db-init")].delete_policies == ["before-hook-creation"]
    assert by[("Role", "migrate")].deletion == ["hook-failed: deleted right after it fails or times out (not when creating it failed)"]
    # hook-succeeded alone turns the default off.
    assert by[("ServiceAccount", "migrate")].delete_policies == ["hook-succeeded"]
    assert t.steps[2].kind == "cleanup"
    assert t.steps[3].kind == "resources" and "--wait" in t.steps[3].waits


def test_uninstall_and_test(umbrella):
    chart = Chart.load(umbrella)
    u = timeline(chart, "uninstall")
    assert [(s.kind, s.event) for s in u.steps] == [("hooks", "pre-delete"), ("resources", None), ("hooks", "post-delete")]
    assert [h.name for h in u.steps[0].hooks] == ["db-cleanup"]
    assert "hook objects are not part of the release" in u.steps[1].title
    t = timeline(chart, "test")
    assert [(h.kind, h.name, h.waits_for.split(" (")[0]) for h in t.hooks] == [("Pod", "smoke", "the Pod to Succeed")]
    with pytest.raises(ValueError):
        timeline(chart, "deploy")
    assert set(OPERATIONS) == {"install", "upgrade", "rollback", "uninstall", "test"}


def test_positions_for_lens(umbrella):
    chart = Chart.load(umbrella)
    key = str(umbrella / "templates" / "jobs.yaml")
    template = chart.templates[key]
    job = template.resources[0]
    labels = [p.label for p in hook_positions(chart, template, job)]
    assert labels == [
        "pre-install 4/4 · weight 0 · after migrate",
        "pre-upgrade 5/5 · weight 0 · after migrate",
    ]
    backup = template.resources[2]
    assert [p.label for p in hook_positions(chart, template, backup)] == ["pre-upgrade 1/5 · weight -10 · runs first"]


def test_lifecycle_fixture_resolves_helper_and_values_hooks():
    chart = Chart.load(LIFECYCLE, enrich=Resolver())
    pre = timeline(chart, "upgrade").steps[0]
    # db-backup (-10, from values.yaml), then "migrate" (-5, from a helper) before
    # "migrate-sa" (-5): equal weights, so the name decides.
    assert [(h.name, h.weight, h.origin) for h in pre.hooks] == [
        ("db-backup", -10, "resolved"),
        ("migrate", -5, "resolved"),
        ("migrate-sa", -5, "yaml"),
    ]


@needs_corpus
def test_kube_prometheus_stack_with_crds_subchart():
    chart = Chart.load(CORPUS / "prometheus-community__helm-charts/charts/kube-prometheus-stack", enrich=Resolver())
    pre = timeline(chart, "upgrade").steps[0]
    weights = [h.weight for h in pre.hooks]
    assert weights == sorted(weights)
    assert weights == [-5, -5, -5, -4, -3, -2, 0, 0, 0, 0, 0, 0, 5]
    # The CRD upgrade Job of the `crds` subchart runs last (weight 5), its RBAC first (#subcharts-and-crds).
    last = pre.hooks[-1]
    assert (last.kind, last.subchart) == ("Job", "crds") and last.path.endswith("charts/crds/templates/upgrade/job.yaml")
    assert [h.kind for h in pre.hooks if h.subchart == "crds"] == [
        "ClusterRole", "ServiceAccount", "ClusterRoleBinding", "ConfigMap", "Job"
    ]
    # Same name (resolved over values.yaml, the fullname truncated to 26 characters), same
    # weight: kind decides, and an unknown kind (CiliumNetworkPolicy) comes after every
    # InstallOrder kind (#order).
    np_ = [h.kind for h in pre.hooks if h.name == "release-name-kube-promethe-admission-create" and h.weight == -5]
    assert np_ == ["NetworkPolicy", "CiliumNetworkPolicy"]
    # Weight-0 admission hooks share the templated name: InstallOrder, Job last.
    zero = [h.kind for h in pre.hooks if h.weight == 0]
    assert zero == ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Job"]
    # Different names at the same weight, both cut by `trunc` after the release name: another
    # release name can swap them, so the order is reported as uncertain, and why.
    assert pre.hooks[0].name == "release-name-crds-upgrade"
    assert not pre.hooks[0].order_certain and "release name" in pre.hooks[0].uncertain_why


@needs_corpus
def test_secrets_store_csi_driver_ties_by_kind():
    chart = Chart.load(CORPUS / "kubernetes-sigs__secrets-store-csi-driver/charts/secrets-store-csi-driver")
    pre = timeline(chart, "upgrade").steps[0]
    same = [h.kind for h in pre.hooks if h.name == "‹fullname›-upgrade-crds" and h.weight == 1]
    assert same == ["ServiceAccount", "ClusterRole", "ClusterRoleBinding"]
    assert [(h.kind, h.name, h.weight) for h in pre.hooks if h.kind == "Job"] == [
        ("Job", "secrets-store-csi-driver-upgrade-crds", 10),
        ("Job", "secrets-store-csi-driver-keep-crds", 20),
    ]


def test_display_name():
    assert display_name('{{ include "app.fullname" . }}-job') == "‹fullname›-job"
    assert display_name("{{ .Values.job.name }}") == "‹job.name›"
    assert display_name("{{ .Release.Name }}-x") == "‹release›-x"
    assert display_name("plain") == "plain"


def test_cli_formats(umbrella, capsys):
    assert cli.main(["timeline", str(umbrella), "--operation", "upgrade", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["operation"] == "upgrade" and data["steps"][0]["hooks"][0]["name"] == "backup"
    assert cli.main(["timeline", str(umbrella), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "\033[" not in out  # not a TTY: no colour
    assert "pre-upgrade hooks (5)" in out and "weight -10  Job backup" in out
    assert cli.main(["timeline", str(umbrella), "--format", "mermaid"]) == 0
    mm = capsys.readouterr().out
    assert mm.startswith("```mermaid\nflowchart TD\n") and mm.rstrip().endswith("```")
    assert 's1h1["1. Job backup<br/>weight -10' in mm
    assert cli.main(["timeline", str(umbrella / "nope")]) == 2


def test_cli_values_file(tmp_path, capsys):
    import shutil

    chart = tmp_path / "lifecycle"
    shutil.copytree(LIFECYCLE, chart)
    over = tmp_path / "prod.yaml"
    over.write_text('backup:\n  annotations:\n    helm.sh/hook: pre-upgrade\n    helm.sh/hook-weight: "-1"\n')
    assert cli.main(["timeline", str(chart), "--values", str(over), "--format", "json"]) == 0
    hooks = json.loads(capsys.readouterr().out)["steps"][0]["hooks"]
    assert [(h["name"], h["weight"]) for h in hooks] == [("migrate", -5), ("migrate-sa", -5), ("db-backup", -1)]


def test_check_accepts_values_files(tmp_path, capsys):
    over = tmp_path / "prod.yaml"
    over.write_text("backup:\n  enabled: false\n")
    assert cli.main(["check", str(LIFECYCLE), "--values", str(over), "--format", "json", "--fail-on", "never"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), list)
    assert cli.main(["check", str(LIFECYCLE), "--values", str(tmp_path / "missing.yaml")]) == 2
    assert "--values" in capsys.readouterr().err


def _chart(tmp_path, docs: str, version: str) -> Chart:
    root = tmp_path / "c"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (root / "templates" / "hooks.yaml").write_text(docs)
    return Chart.load(root, profile=Profile.of(helm_version=version))


def test_helm4_upgrade_is_not_called_a_three_way_merge(tmp_path):
    job = hook("Job", "migrate", "pre-upgrade")
    step4 = next(s for s in timeline(_chart(tmp_path, job, "4"), "upgrade").steps if s.kind == "resources")
    assert "server-side apply" in step4.title and step4.title.startswith("update (server-side apply when")
    assert "#server-side-apply" in step4.refs
    step3 = next(s for s in timeline(_chart(tmp_path / "3", job, "3"), "upgrade").steps if s.kind == "resources")
    assert step3.title.startswith("update (three-way merge)")


@pytest.mark.parametrize(
    "version, operation, waits",
    [("3", "install", True), ("3", "test", True), ("4", "install", False), ("4", "upgrade", False), ("4", "test", True), ("4.0", "test", True)],
)
def test_before_hook_creation_wait_is_stated_per_action(tmp_path, version, operation, waits):
    event = "test" if operation == "test" else f"pre-{operation}"
    t = timeline(_chart(tmp_path, hook("Job", "j", event), version), operation)
    (sentence,) = t.hooks[0].deletion
    assert ("waits for it to be gone" in sentence) is waits
    assert ("does not wait" in sentence) is (not waits)
    if not waits:
        assert "--rollback-on-failure" in sentence and "--wait=legacy" in sentence
    assert "whichever release made it" in sentence


def test_interrupted_operations_leave_a_pending_status(tmp_path):
    chart = _chart(tmp_path, hook("Job", "j", "pre-install,pre-upgrade,pre-rollback"), "4")
    for operation, status in (("install", "pending-install"), ("upgrade", "pending-upgrade"), ("rollback", "pending-rollback")):
        assert any(f"`{status}`" in n for n in timeline(chart, operation).notes), operation
    assert not any("pending" in n for n in timeline(chart, "test").notes)


@pytest.mark.parametrize(
    "version, note",
    [
        ("3", "deleted too (since Helm 3.19)"),
        ("3.19", "deleted too"),
        ("3.18", "already ran stay (Helm 3.19 deletes them)"),
        ("4", "deleted too"),
    ],
)
def test_minor_versions_select_the_cleanup_sentences(tmp_path, version, note):
    docs = hook("ServiceAccount", "sa", "pre-install", policy="hook-succeeded")
    t = timeline(_chart(tmp_path, docs, version), "install")
    cleanup = next(s for s in t.steps if s.kind == "cleanup")
    assert any(n.endswith(note) for n in cleanup.notes), cleanup.notes
    if version == "4":
        assert not any("since" in n for n in cleanup.notes)


def test_succeeded_output_logs_are_printed_only_after_every_hook_succeeded(tmp_path):
    docs = hook("Job", "j", "pre-install").replace(
        '    "helm.sh/hook": pre-install\n', '    "helm.sh/hook": pre-install\n    "helm.sh/hook-output-log-policy": hook-succeeded\n'
    )
    t = timeline(_chart(tmp_path, docs, "4"), "install")
    cleanup = next(s for s in t.steps if s.kind == "cleanup")
    assert any("never when a later hook fails" in n for n in cleanup.notes)
    assert "#output-logs" in cleanup.refs
    t317 = timeline(_chart(tmp_path / "old", docs, "3.17"), "install")
    assert not any("output logs" in n for s in t317.steps for n in s.notes)  # no such annotation before 3.18


def test_every_step_cites_existing_guide_sections(umbrella):
    from hook_lsp.knowledge import guide

    chart = Chart.load(umbrella)
    for operation in OPERATIONS:
        for step in timeline(chart, operation).steps:
            assert step.refs and all(r.startswith("#") and r[1:] in guide.SECTIONS for r in step.refs), step.title
