"""The real-world corpus: every template parses, every literal hook of MANIFEST.tsv is found,
and `hook-lsp check` runs over all of it without an exception."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hook_lsp.analysis.hook_model import analyse_template

from tests.outside_data import CORPUS, corpus_manifest, corpus_params, needs_corpus

#: Rows whose `literal` hook is not a hook for Helm, with the reason (checked in the test).
NOT_HOOKS = {
    # The whole file is one Go-template comment `{{/* ... */}}`: Helm renders nothing.
    "charts/prometheus-modbus-exporter/templates/tests/test-connection.yaml": "commented out",
}

pytestmark = needs_corpus


def corpus_file(row: dict) -> Path:
    return CORPUS / row["repo"].replace("/", "__") / row["path"]


def templates() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and "templates" in p.parts and p.suffix in (".yaml", ".yml", ".tpl"))


def test_every_template_parses():
    """Only one document in the corpus fails to parse, and that one is a real chart bug."""
    problems = []
    for path in templates():
        analysis = analyse_template(path.read_text(encoding="utf-8"), str(path))
        for doc in analysis.documents:
            if doc.problem is not None:
                line = analysis.index.position(doc.problem.span.start)[0] + 1
                problems.append(f"{path.relative_to(CORPUS)}:{line}")
    # envoy-gateway's certgen Job puts `volumes:` at the indentation of the container list
    # items, inside `{{ if .Values.certgen.extraVolumes }}`: broken YAML whenever it renders.
    assert problems == ["bitnami__charts/bitnami/envoy-gateway/templates/certgen/job.yaml:153"]


@pytest.mark.parametrize(
    "row", corpus_params([r for r in corpus_manifest() if r["hook_source"] == "literal"], ids=lambda r: r["path"])
)
def test_literal_hooks_are_found_with_their_events(row):
    path = corpus_file(row)
    analysis = analyse_template(path.read_text(encoding="utf-8"), str(path))
    found = {tok.value for res in analysis.hooks for tok in res.hook.event_tokens}
    if row["path"] in NOT_HOOKS:
        assert found == set(), "a file listed as not a hook yields hooks"
        return
    expected = {e.strip() for e in row["events"].split(",") if "via values" not in e}
    if not expected:
        # `"helm.sh/hook": {{ .Values.x }}`: a hook whose events only values can tell.
        assert analysis.hooks and all(not res.hook.known for res in analysis.hooks)
    assert expected <= found
    kinds = {res.kind for res in analysis.hooks}
    assert set(row["kinds"].split(",")) <= kinds


def test_check_runs_over_whole_corpus_as_json():
    proc = subprocess.run(
        [sys.executable, "-m", "hook_lsp", "check", str(CORPUS), "--format", "json", "--fail-on", "never"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # One source chart keeps a build-time placeholder (`tag: %TAG%`) in values.yaml: Helm refuses
    # that file, so its values are unknown and `check` says the analysis is incomplete (exit 2).
    unread = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(unread) == 1, proc.stderr
    assert "rancher-backup/values.yaml: not valid YAML (line 3" in unread[0]
    assert "Traceback" not in proc.stderr
    findings = json.loads(proc.stdout)
    assert isinstance(findings, list)
    for f in findings:
        assert {"file", "line", "column", "endLine", "endColumn", "severity", "code", "message"} <= set(f)
        assert f["severity"] in ("error", "warning", "information", "hint")
