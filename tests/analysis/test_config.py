"""Project files and rule levels shared by the CLI and the server."""

from __future__ import annotations

import pytest

from hook_lsp.analysis.config import AnalysisConfig, ConfigError, config_for
from hook_lsp.analysis.project import Project
from hook_lsp.settings import Settings


def test_project_file_applies_to_chart_below(tmp_path):
    (tmp_path / ".hook-lsp.toml").write_text('helm-version = "3"\n[rules]\nHK101 = "warning"\nunknown-hook-event = "off"\n')
    chart = tmp_path / "charts" / "x"
    chart.mkdir(parents=True)
    config = config_for(chart)
    assert config.helm_version == "3"
    assert config.level_for("HK101", "unknown-hook-event", "error") == "warning"  # code wins over name


def test_pyproject_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.hook-lsp]\nhelm-version = "3"\n')
    assert config_for(tmp_path).helm_version == "3"


def test_bad_project_file_is_reported_once_and_defaults_apply(tmp_path):
    (tmp_path / ".hook-lsp.toml").write_text("helm-version = [\n")
    project = Project()
    assert project.config_for(tmp_path) == AnalysisConfig()
    assert project.config_for(tmp_path / "sub") == AnalysisConfig()
    assert len(project.config_errors) == 1 and "invalid TOML" in project.config_errors[0]


@pytest.mark.parametrize("level", ["loud", 3])
def test_invalid_levels_are_errors(level):
    with pytest.raises(ConfigError):
        AnalysisConfig().merged({"rules": {"HK101": level}})


def test_settings_from_json_validates_each_field():
    settings, errors = Settings.from_json({"helmVersion": "v3.14.2", "rules": {"HK101": "info"}, "codeLens": "yes"})
    assert settings.helmVersion == "3.14"
    assert settings.rules == {"HK101": "information"}
    assert settings.codeLens is True and errors == ["hookLsp.codeLens must be true or false"]


@pytest.mark.parametrize("given, stored", [("3", "3"), ("4", "4"), ("3.17", "3.17"), ("4.1", "4.1"), ("v4.2.4", "4.2"), (3, "3")])
def test_helm_version_accepts_majors_and_minor_versions(given, stored, tmp_path):
    assert AnalysisConfig().merged({"helmVersion": given}).helm_version == stored
    (tmp_path / ".hook-lsp.toml").write_text(f'helm-version = "{given}"\n')
    assert config_for(tmp_path).helm_version == stored


@pytest.mark.parametrize("bad", ["2", "5.0", "3.x", "latest", "", "3.18.0.1"])
def test_helm_version_rejects_what_is_not_a_helm_3_or_4_version(bad):
    with pytest.raises(ConfigError):
        AnalysisConfig().merged({"helmVersion": bad})
    settings, errors = Settings.from_json({"helmVersion": bad})
    assert settings.helmVersion == "4" and errors and "helmVersion" in errors[0]


def test_docs_base_url_is_validated():
    settings, errors = Settings.from_json({"docsBaseUrl": "https://example.org/hook-lsp/docs"})
    assert errors == [] and settings.docsBaseUrl == "https://example.org/hook-lsp/docs"
    settings, errors = Settings.from_json({"docsBaseUrl": "not a url"})
    assert errors and settings.docsBaseUrl.startswith("https://")
