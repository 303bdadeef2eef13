"""The reviewed `hook-lsp check` report over the real-world corpus (../shared/corpus).

`report.txt` is the committed, reviewed output of ``hook-lsp check .`` run in the corpus root
(so paths are relative and the report is machine independent). Any change in what the rules
report on real charts shows up as a diff here and must be reviewed; ``--update-goldens``
rewrites the file. The same run also checks that annotation findings never point into a
template action (no rule fires on a value it cannot see).
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from hook_lsp import cli
from hook_lsp.analysis import gotemplate
from hook_lsp.analysis.project import FileResult, Project
from tests.outside_data import CORPUS, needs_corpus

REPO = Path(__file__).resolve().parents[2]
REPORT = Path(__file__).parent / "report.txt"
UPDATE = "review `hook-lsp check ../shared/corpus` and run `python -m pytest tests/corpus --update-goldens`"
#: Rules whose finding is *about* a template action (an unquoted `{{ ... }}` weight).
ABOUT_ACTIONS = {"HK110"}

pytestmark = needs_corpus


@dataclass
class CorpusRun:
    exit_code: int
    out: str
    err: str
    results: list[FileResult]


@pytest.fixture(scope="module")
def corpus_run() -> CorpusRun:
    """One in-process `hook-lsp check .` in the corpus root, keeping every file's result."""
    results: list[FileResult] = []
    original = Project.check

    def recording(self, path, text=None):
        result = original(self, path, text)
        results.append(result)
        return result

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Project, "check", recording)
        mp.chdir(CORPUS)
        with redirect_stdout(out), redirect_stderr(err):
            # One process: the results are recorded from this process's `Project.check`.
            code = cli.main(["check", ".", "--fail-on", "never", "--no-cache", "--jobs", "1"])
    return CorpusRun(code, out.getvalue(), err.getvalue(), results)


def test_corpus_report_matches_reviewed_report(corpus_run: CorpusRun, request) -> None:
    # The one values file Helm refuses (a build-time `%TAG%` placeholder) is reported, exit 2.
    unread = corpus_run.err.splitlines()
    assert corpus_run.exit_code == 2 and len(unread) == 1, corpus_run.err
    assert unread[0].startswith("hook-lsp: rancher__backup-restore-operator/charts/rancher-backup/values.yaml: not valid YAML")
    actual = corpus_run.out
    lines = actual.splitlines()
    assert lines[-1].split(" ")[1:3] == ["files", "checked:"], lines[-1]
    for line in lines[:-1]:
        # Paths are relative to the corpus root, so the report is the same on every machine.
        assert (CORPUS / line.split(":", 1)[0]).is_file(), line
    if request.config.getoption("--update-goldens"):
        REPORT.write_text(actual, encoding="utf-8")
        return
    assert REPORT.is_file(), f"no tests/corpus/report.txt; {UPDATE}"
    assert actual == REPORT.read_text(encoding="utf-8"), f"the corpus report changed: {UPDATE}"


def in_string_literal(masked, span) -> bool:
    """True when ``span`` lies inside one string literal of an action (``dict "helm.sh/hook" "..."``)."""
    action = masked.action_at(span.start)
    if action is None:
        return False
    return any(
        t.is_string and t.start < span.start and span.end < t.end
        for t in gotemplate.tokenize(action.body, action.body_start)
    )


def test_annotation_findings_never_point_into_a_template_action(corpus_run: CorpusRun) -> None:
    checked = 0
    for result in corpus_run.results:
        masked, text = result.analysis.masked, result.analysis.text
        for v in result.violations:
            if v.code[:3] not in ("HK0", "HK1") or v.code in ABOUT_ACTIONS:
                continue
            checked += 1
            assert not masked.is_templated(v.span) or in_string_literal(masked, v.span), f"{result.path}: {v}"
            for fix in v.fixes:
                for edit in fix.edits:
                    assert 0 <= edit.span.start <= edit.span.end <= len(text)
    assert checked, "no annotation finding in the corpus: this test would check nothing"
