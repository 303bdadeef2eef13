"""The precision harness in CI: triaged verdicts, per-rule precision, trap recall, docs figures.

Every warning and error `hook-lsp check` reports on the real-world corpus (../shared/corpus) and
on the pinned public repositories (tests/accuracy/repos.tsv, when materialized at the path in
HOOK_LSP_ACCURACY_REPOS) must have a row in verdicts.tsv, and every row must still be reported:
a rule change that adds, drops or moves a finding fails here until it is triaged.
"""

from __future__ import annotations

import pytest

from . import harness


def _diff(found: list[harness.Finding], rows: list[dict]) -> str:
    have = {f.key: f for f in found}
    want = {harness.verdict_key(r): r for r in rows}
    new = [f"+ {f.file}:{f.line}:{f.column} {f.severity} {f.code} {f.message}" for k, f in have.items() if k not in want]
    gone = [f"- {r['file']}:{r['line']}:{r['column']} {r['code']} ({r['verdict']}: {r['reason']})" for k, r in want.items() if k not in have]
    changed = [
        f"~ {f.file}:{f.line}:{f.column} {f.code} is now {f.severity}, triaged as {want[k]['severity']}"
        for k, f in have.items()
        if k in want and want[k]["severity"] != f.severity
    ]
    return "\n".join(new + gone + changed)


HINT = "triage the change in tests/accuracy/verdicts.tsv (python3 -m tests.accuracy.harness untriaged) and rerun `report`"


def test_corpus_findings_match_the_verdict_table() -> None:
    found = harness.corpus_findings()
    if found is None:
        pytest.skip(f"corpus not found at {harness.CORPUS}")
    rows = [r for r in harness.read_verdicts() if r["source"] == "corpus"]
    diff = _diff(found, rows)
    assert not diff, f"{HINT}:\n{diff}"


def test_public_repositories_match_the_verdict_table() -> None:
    root = harness.repos_root()
    if root is None:
        pytest.skip(f"public chart repositories not materialized; set {harness.REPOS_ENV} (see tests/accuracy/README.md)")
    missing = harness.missing_repos(root)
    if missing:
        pytest.skip(f"{len(missing)} pinned repositories absent under {root}: {', '.join(missing[:3])}...")
    rows = [r for r in harness.read_verdicts() if r["source"] == "repos"]
    diff = _diff(harness.repos_findings(root), rows)
    assert not diff, f"{HINT}:\n{diff}"


def test_verdict_table_is_well_formed() -> None:
    rows = harness.read_verdicts()
    assert rows
    keys = [harness.verdict_key(r) for r in rows]
    assert len(keys) == len(set(keys)), "duplicate verdict rows"
    for r in rows:
        assert r["source"] in ("corpus", "repos")
        assert r["verdict"] in ("true", "false"), r
        assert r["severity"] in harness.TRIAGED, r
        assert len(r["reason"]) > 20, f"a one-line reason is required: {r}"


def test_precision_targets() -> None:
    table = harness.precision_table(harness.read_verdicts())
    true = sum(t for t, _ in table.values())
    total = sum(n for _, n in table.values())
    assert true / total >= harness.PRECISION_TARGET
    low = {code: f"{t}/{n}" for code, (t, n) in table.items() if t / n < harness.RULE_FLOOR}
    assert not low, f"rules below {harness.RULE_FLOOR:.0%}: lower them to information or make them stricter: {low}"


def test_trap_recall() -> None:
    traps = harness.traps()
    assert len(traps) >= 30
    caught = sum(t.caught for t in traps)
    missed = [f"{t.file} ({t.code})" for t in traps if not t.caught]
    assert caught / len(traps) >= harness.RECALL_TARGET, f"missed: {missed}"


def test_docs_figures_are_current() -> None:
    text = harness.DOC.read_text(encoding="utf-8")
    block = text.split(harness.BEGIN, 1)[1].split(harness.END, 1)[0]
    assert harness.BEGIN + block + harness.END == harness.report_block(), (
        "docs/accuracy.md is stale: run `python3 -m tests.accuracy.harness report`"
    )
