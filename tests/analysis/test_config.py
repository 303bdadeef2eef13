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
    settings, errors = Settings.from_json({"helmVersion": "v3.14", "rules": {"HK101": "info"}, "codeLens": "yes"})
    assert settings.helmVersion == "3"
    assert settings.rules == {"HK101": "information"}
    assert settings.codeLens is True and errors == ["hookLsp.codeLens must be true or false"]
