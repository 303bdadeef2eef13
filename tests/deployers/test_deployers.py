"""Deployer profiles: the same chart (`chart/`) checked and laid out under helm, argocd, flux and fleet.

The chart has two `pre-upgrade` Jobs of the same weight (Helm runs them in name order, Argo CD
together), a `pre-install` PersistentVolumeClaim hook (Helm creates it once, Argo CD on every
sync), a Pod hook left with `restartPolicy: Always`, a test Pod, a Job with
`ttlSecondsAfterFinished: 0` and a ConfigMap that branches on `.Release.IsUpgrade`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hook_lsp.analysis.config import AnalysisConfig, ConfigError, config_for
from hook_lsp.analysis.profile import Profile, parse_deployer, DeployerError
from hook_lsp.analysis.project import Project
from hook_lsp.analysis.timeline import hook_positions, timeline
from hook_lsp.cli import main
from hook_lsp.reporting import timeline_format
from hook_lsp.settings import Settings

CHART = Path(__file__).parent / "chart"


def _codes(deployer: str) -> set[tuple[str, str]]:
    project = Project(AnalysisConfig(deployer=deployer, strict=True))
    out = set()
    for path in sorted((CHART / "templates").rglob("*.yaml")):
        for v in project.check(str(path)).violations:
            out.add((path.name, v.code))
    return out


def _timeline(deployer: str, operation: str = "upgrade"):
    chart = Project(AnalysisConfig(deployer=deployer)).chart_for(CHART / "templates" / "_.yaml")
    return timeline(chart, operation)


# -- configuration -------------------------------------------------------------------------


def test_deployer_spellings():
    assert parse_deployer("argocd") == "argocd"
    assert parse_deployer(" ArgoCD@v3.5 ") == "argocd@3.5"
    assert parse_deployer("flux@1.6.3") == "flux@1.6.3"
    for bad in ("kubectl", "argocd@", "helm@4", ""):
        with pytest.raises(DeployerError):
            parse_deployer(bad)


def test_profile_carries_the_embedded_helm():
    assert Profile.of("helm", "3") == Profile("helm", "", "3")
    argo = Profile.of("argocd")
    assert (argo.version, argo.helm_version, argo.helm_major, argo.label) == ("3.5", "4.2", "4", "Argo CD 3.5")
    assert Profile.of("argocd@3.4").version == "3.4"
    # Under a deployer the embedded Helm wins over the helmVersion setting.
    assert Profile.of("flux", "3").helm_version == "4.2"


def test_project_file_and_settings_select_the_profile(tmp_path: Path):
    (tmp_path / ".hook-lsp.toml").write_text('deployer = "fleet"\n')
    assert config_for(tmp_path).profile.deployer == "fleet"
    (tmp_path / ".hook-lsp.toml").write_text('deployer = "kubectl"\n')
    with pytest.raises(ConfigError):
        config_for(tmp_path)
    settings, errors = Settings.from_json({"hookLsp": {"deployer": "argocd@3.5"}})
    assert errors == [] and settings.analysis_config().profile.spec == "argocd@3.5"


def test_command_line_deployer_wins_over_the_project_file(tmp_path: Path, capsys):
    chart = tmp_path / "c"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    (chart / ".hook-lsp.toml").write_text('deployer = "flux"\n')
    (chart / "templates" / "t.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n"
    )
    assert main(["check", str(chart), "--deployer", "argocd"]) == 1
    assert "HK401" in capsys.readouterr().out
    assert main(["check", str(chart)]) == 0
    with pytest.raises(SystemExit):
        main(["check", str(chart), "--deployer", "kubectl"])


# -- findings ------------------------------------------------------------------------------


def test_same_chart_different_findings():
    helm = _codes("helm")
    argo = _codes("argocd")
    flux = _codes("flux")
    assert helm == {("seed.yaml", "HK208"), ("warmup-pod.yaml", "HK206")}
    # Argo CD: the Pod hook succeeds once Ready, its finalizer keeps the Job, but test hooks never
    # run, the same-weight Jobs start together, the pre-install claim is re-created every sync
    # and the upgrade branch is never taken.
    assert argo == {
        ("smoke-test.yaml", "HK401"),
        ("seed.yaml", "HK402"),
        ("cache-pvc.yaml", "HK213"),
        ("mode.yaml", "HK404"),
    }
    # Flux counts a Job its TTL removed as succeeded, and runs tests only when asked to.
    assert flux == {("warmup-pod.yaml", "HK206"), ("smoke-test.yaml", "HK406")}
    assert _codes("fleet") == helm


def test_helm_profile_keeps_helm_advice():
    # HK213 is silent for a pre-install claim under Helm (created once), and speaks of syncs under Argo CD.
    project = Project(AnalysisConfig(deployer="argocd", strict=True))
    (v,) = [v for v in project.check(str(CHART / "templates" / "cache-pvc.yaml")).violations if v.code == "HK213"]
    assert "every sync deletes the claim" in v.message and "Argo CD's default" in v.message


# -- timelines -----------------------------------------------------------------------------


def test_argocd_timeline_phases_and_waves():
    t = _timeline("argocd")
    assert t.deployer == "argocd@3.5"
    titles = [s.title for s in t.steps]
    assert titles == [
        "PreSync wave 0 (3 together)",
        "Sync wave 0 (2 together)",
        "Sync wave 1 (1 resource)",
        "PostSync wave 5 (1 resource)",
        "after the sync succeeded: delete the HookSucceeded hooks",
    ]
    presync = t.steps[0]
    # The pre-install-only claim runs on every sync; kind order (PVC before Job), then name.
    assert [(h.kind, h.name) for h in presync.hooks] == [
        ("PersistentVolumeClaim", "cache"),
        ("Job", "db-migrate"),
        ("Job", "seed"),
    ]
    assert presync.hooks[1].delete_policies == ["BeforeHookCreation", "HookSucceeded"]
    assert any("smoke-test" in n and "never applied" in n for n in t.notes)
    assert "skipped when the sync fails" in t.steps[-1].notes[0]


def test_helm_and_flux_timelines_follow_helm_events():
    helm = _timeline("helm")
    assert [s.title for s in helm.steps][:1] == ["pre-upgrade hooks (2), one at a time"]
    assert [h.name for h in helm.steps[0].hooks] == ["db-migrate", "seed"]
    assert not any(h.name == "cache" for h in helm.hooks)  # pre-install only
    flux = _timeline("flux")
    assert [h.name for h in flux.steps[0].hooks] == ["db-migrate", "seed"]
    assert "spec.timeout" in flux.steps[0].waits and "spec.timeout" in flux.steps[0].hooks[0].waits_for
    resources = next(s for s in flux.steps if s.kind == "resources")
    assert "waits by default" in resources.waits
    assert any("rolls back by default (running the rollback hooks unless" in n for n in flux.notes)
    assert any("uninstalls (running the delete hooks unless" in n for n in _timeline("flux", "install").notes)
    assert any("spec.test.enable" in n for n in _timeline("flux", "test").notes)
    fleet = _timeline("fleet", "rollback")
    assert any("drift correction" in n for n in fleet.notes)
    assert "30 seconds" in next(s for s in _timeline("fleet").steps if s.hooks).waits


def test_argocd_uninstall_and_test():
    assert [s.title for s in _timeline("argocd", "uninstall").steps] == [
        "PreDelete hooks: none",
        "delete the Application's resources",
        "PostDelete hooks: none",
    ]
    t = _timeline("argocd", "test")
    assert t.steps == [] and "Argo CD never runs test hooks" in t.notes


def test_timeline_formats_per_deployer(capsys):
    text = timeline_format.text(_timeline("argocd"))
    assert text.startswith("argocd sync shop  (Argo CD 3.5")
    assert "‖ wave 0  Job seed" in text
    mermaid = timeline_format.mermaid(_timeline("argocd"))
    # A wave's resources are not chained: no arrow between db-migrate and seed.
    assert "s1h2 --> s1h3" not in mermaid and 'start(["argocd sync shop"])' in mermaid
    assert "s1h1 --> s1h2" in timeline_format.mermaid(_timeline("helm"))
    assert main(["timeline", str(CHART), "--deployer", "flux", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["deployer"] == "flux@1.6" and data["helm_version"] == "4.2"


def test_code_lens_placement_under_argocd():
    project = Project(AnalysisConfig(deployer="argocd"))
    path = CHART / "templates" / "seed.yaml"
    chart = project.chart_for(path)
    template = chart.templates[str(path)]
    (res,) = template.hooks
    assert [p.label for p in hook_positions(chart, template, res)] == ["PreSync wave 0 · applied with 2 others"]
    helm = Project(AnalysisConfig()).chart_for(path)
    (res,) = helm.templates[str(path)].hooks
    assert [p.label for p in hook_positions(helm, helm.templates[str(path)], res)] == [
        "pre-install 3/3 · weight 0 · after db-migrate",
        "pre-upgrade 2/2 · weight 0 · after db-migrate",
    ]


def test_argocd_only_hook_gets_a_lens_and_counts_follow_edits(tmp_path: Path):
    shutil.copytree(CHART, tmp_path / "shop")
    extra = tmp_path / "shop" / "templates" / "notify.yaml"
    text = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: notify\n  annotations:\n    argocd.argoproj.io/hook: PreSync\n"
    extra.write_text(text)
    project = Project(AnalysisConfig(deployer="argocd"))
    chart = project.chart_for(extra)
    res = chart.templates[str(extra)].resources[0]
    assert res.hook is None  # not a Helm hook at all
    assert [p.label for p in hook_positions(chart, chart.templates[str(extra)], res)] == [
        "PreSync wave 0 · applied with 3 others"
    ]
    project.check(str(extra), text.replace("PreSync", "PostSync"))
    res = chart.templates[str(extra)].resources[0]
    assert [p.label for p in hook_positions(chart, chart.templates[str(extra)], res)] == [
        "PostSync wave 0 · alone in its wave"
    ]
