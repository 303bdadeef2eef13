"""HK001 on files Helm never reads as manifests: partials whose name starts with `_`."""

from __future__ import annotations

from pathlib import Path

from hook_lsp.analysis.project import Project

from .golden import only

# A script kept in a partial and pulled into a ConfigMap with `include`: not YAML at all.
SCRIPT = """{{/* Drops the service's database user. */}}

#!/usr/bin/python
import os
try:
    conn = {"host": os.environ["DB_HOST"]}
except KeyError:
    pass
"""


def _check(tmp_path: Path, name: str) -> list[str]:
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 0.1.0\n")
    path = tmp_path / "templates" / "bin" / name
    path.parent.mkdir(parents=True)
    path.write_text(SCRIPT)
    return [f"{v.code} {v.message}" for v in Project(only("HK001")).check(str(path)).violations]


def test_partial_holding_a_script_is_not_a_yaml_error(tmp_path: Path) -> None:
    assert _check(tmp_path, "_db-drop.py.tpl") == []


def test_the_same_text_in_a_manifest_template_is_reported(tmp_path: Path) -> None:
    (found,) = _check(tmp_path, "db-drop.yaml")
    assert found.startswith("HK001 YAML syntax error: mapping values are not allowed")
