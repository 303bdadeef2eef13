"""Suggesting a profile from the repository around a chart (never switching to it)."""

from __future__ import annotations

from pathlib import Path

from hook_lsp.analysis.deployer_detect import MAX_FILES, suggest
from hook_lsp.cli import main

APPLICATION = """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
spec:
  source:
    repoURL: https://example.com/repo.git
    path: {path}
"""
HELMRELEASE = """apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: shop
spec:
  chart:
    spec:
      chart: {chart}
"""


def _repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    chart = tmp_path / "charts" / "shop"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: shop\nversion: 1.0.0\n")
    (chart / "templates" / "t.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n"
    )
    (tmp_path / "apps").mkdir()
    return chart


def test_argocd_application_pointing_at_the_chart(tmp_path: Path):
    chart = _repo(tmp_path)
    assert suggest(chart, "shop") is None
    (tmp_path / "apps" / "other.yaml").write_text(APPLICATION.format(path="charts/other"))
    assert suggest(chart, "shop") is None
    (tmp_path / "apps" / "shop.yaml").write_text("---\n" + APPLICATION.format(path="./charts/shop/"))
    found = suggest(chart, "shop")
    assert found.deployer == "argocd" and found.what == "Application shop"
    assert 'deployer = "argocd"' in found.message("apps/shop.yaml")


def test_flux_helmrelease_and_fleet_bundle(tmp_path: Path):
    chart = _repo(tmp_path)
    (tmp_path / "apps" / "release.yaml").write_text(HELMRELEASE.format(chart="./charts/shop"))
    assert suggest(chart, "shop").deployer == "flux"
    (chart / "fleet.yaml").write_text("defaultNamespace: shop\n")
    assert suggest(chart, "shop").deployer == "fleet"


def test_bad_and_huge_trees_do_not_break_the_search(tmp_path: Path):
    chart = _repo(tmp_path)
    (tmp_path / "apps" / "broken.yaml").write_text("kind: Application\n  : [\n")
    (tmp_path / "apps" / "a.yaml").write_bytes(b"\xff\xfe Application")
    for i in range(MAX_FILES + 5):
        (tmp_path / "apps" / f"z{i:04d}.yaml").write_text("kind: ConfigMap\n")
    (tmp_path / "apps" / "zzzz-late.yaml").write_text(APPLICATION.format(path="charts/shop"))
    assert suggest(chart, "shop") is None  # beyond the bound: not read


def test_cli_notes_the_suggestion_and_keeps_the_helm_profile(tmp_path: Path, capsys):
    chart = _repo(tmp_path)
    (tmp_path / "apps" / "shop.yaml").write_text(APPLICATION.format(path="charts/shop"))
    assert main(["check", str(chart)]) == 0  # still checked as the helm CLI runs it
    err = capsys.readouterr().err
    assert "Argo CD" in err and 'deployer = "argocd"' in err
    assert main(["check", str(chart), "--deployer", "argocd"]) == 1
    assert "note:" not in capsys.readouterr().err
