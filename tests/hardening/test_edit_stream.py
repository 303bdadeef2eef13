"""Random incremental edits: the document, and its diagnostics, equal a fresh open of the result.

Text mixes every line break LSP knows (\\r\\n, \\r, \\n) with characters that other line
splitters also break at (U+2028, U+2029, U+0085, form feed) and characters outside the BMP (two
UTF-16 code units each), and edits are addressed in UTF-16 positions, as editors send them.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from hook_lsp.analysis.project import Project
from hook_lsp.analysis.source import LineIndex
from hook_lsp.lsp_protocol import LspTextDocument

from .conftest import job
from .rawlsp import RawServer

PIECES = ["a", "z", " ", ":", "-", "#", '"', "\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0c", "é", "😀",
          "{{ .Values.x }}", "helm.sh/hook: ", "pre-install", "\n  annotations:\n"]
SNIPPET = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
TEXT = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def reference_lines(text: str) -> list[tuple[int, str]]:
    """(start offset, content) of each LSP line, split independently of the code under test."""
    out, pos = [], 0
    parts = re.split(r"(\r\n|\r|\n)", text)
    for i in range(0, len(parts), 2):
        out.append((pos, parts[i]))
        pos += len(parts[i]) + (len(parts[i + 1]) if i + 1 < len(parts) else 0)
    return out


def reference_offset(text: str, line: int, character: int) -> int:
    lines = reference_lines(text)
    if line >= len(lines):
        return len(text)
    start, content = lines[line]
    units = 0
    for i, ch in enumerate(content):
        if units >= character:
            return start + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return start + len(content)


@st.composite
def edit_streams(draw):
    text = draw(TEXT)
    edits = []
    model = text
    for _ in range(draw(st.integers(0, 8))):
        n = len(reference_lines(model))
        a = (draw(st.integers(0, n)), draw(st.integers(0, 12)))
        b = (draw(st.integers(0, n)), draw(st.integers(0, 12)))
        oa, ob = reference_offset(model, *a), reference_offset(model, *b)
        if ob < oa:
            a, b, oa, ob = b, a, ob, oa
        new = draw(SNIPPET)
        edits.append((a, b, new))
        model = model[:oa] + new + model[ob:]
    return text, edits, model


def _apply(doc: LspTextDocument, a, b, new: str) -> None:
    doc.apply_change(
        types.TextDocumentContentChangePartial(range=types.Range(types.Position(*a), types.Position(*b)), text=new)
    )


@settings(max_examples=150, deadline=None)
@given(edit_streams())
def test_document_store_matches_the_lsp_model(stream):
    text, edits, expected = stream
    doc = LspTextDocument("file:///chart/templates/t.yaml", text)
    for a, b, new in edits:
        _apply(doc, a, b, new)
    assert doc.source == expected
    parts = re.split(r"(\r\n|\r|\n)", expected) + [""]
    with_breaks = [parts[i] + parts[i + 1] for i in range(0, len(parts) - 1, 2)]
    assert list(doc.lines) == [line for line in with_breaks if line]


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_line_index_matches_the_lsp_model(text):
    index = LineIndex(text)
    lines = reference_lines(text)
    assert index.line_count == len(lines)
    for number, (start, content) in enumerate(lines):
        assert index.line_start(number) == start
        assert index.line_text(number) == content


_CHART = Path(tempfile.mkdtemp(prefix="hook-lsp-edits-"))
atexit.register(shutil.rmtree, _CHART, ignore_errors=True)
(_CHART / "templates").mkdir()
(_CHART / "Chart.yaml").write_text("apiVersion: v2\nname: edits\nversion: 0.1.0\n")
(_CHART / "values.yaml").write_text("x: pre-upgrade\n")
(_CHART / "templates" / "other.yaml").write_text(job(name="other"))
_PATH = str(_CHART / "templates" / "t.yaml")


def _diagnostics(project: Project, text: str) -> list[tuple]:
    result = project.check(_PATH, text, quick=True)
    return [(v.code, v.span.start, v.span.end, v.message) for v in result.violations]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_incremental_analysis_equals_a_fresh_open(data):
    text = job(name="t") + data.draw(TEXT)
    _text, edits, expected = data.draw(edit_streams_from(text))
    project = Project()
    project.open(_PATH, text)
    doc = LspTextDocument("file://" + _PATH, text)
    for a, b, new in edits:
        _apply(doc, a, b, new)
        project.buffers[_PATH] = doc.source
        _diagnostics(project, doc.source)
    assert doc.source == expected
    fresh = Project()
    fresh.open(_PATH, expected)
    assert _diagnostics(project, doc.source) == _diagnostics(fresh, expected)


def edit_streams_from(text: str):
    @st.composite
    def streams(draw):
        edits, model = [], text
        for _ in range(draw(st.integers(1, 6))):
            n = len(reference_lines(model))
            a = (draw(st.integers(0, n)), draw(st.integers(0, 30)))
            b = (a[0] + draw(st.integers(0, 2)), draw(st.integers(0, 30)))
            oa, ob = reference_offset(model, *a), reference_offset(model, *b)
            if ob < oa:
                a, b, oa, ob = b, a, ob, oa
            new = draw(SNIPPET)
            edits.append((a, b, new))
            model = model[:oa] + new + model[ob:]
        return text, edits, model

    return streams()


def test_server_after_edits_publishes_what_a_fresh_open_does(tmp_path):
    """The real server over stdio: edits after U+2028 and a lone CR, then the same final text
    opened in a new server give the same diagnostics."""
    root = tmp_path / "app"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: app\nversion: 0.1.0\n")
    uri = (root / "templates" / "job.yaml").as_uri()
    text = (
        'apiVersion: batch/v1\rkind: Job\r\nmetadata:\n  name: j\n  labels:\n    note: "a\u2028b"\n'
        '  annotations:\n    "helm.sh/hook": pre-install\nspec:\n  template:\n    spec:\n'
        "      restartPolicy: Never\n      containers:\n        - name: c\n          image: busybox\n"
    )
    # Line 5 holds U+2028 (inside a quoted string: no line break for LSP); line 0 ends in a lone CR.
    edits = [((7, 20), (7, 31), "pre-instal"), ((5, 12), (5, 12), "😀"), ((7, 20), (7, 20), "x")]
    model = text
    for a, b, new in edits:
        oa, ob = reference_offset(model, *a), reference_offset(model, *b)
        model = model[:oa] + new + model[ob:]

    def final_diagnostics(server: RawServer, version: int) -> list:
        assert server.wait_for(
            lambda msgs: any(m.get("method") == "textDocument/publishDiagnostics"
                             and m["params"].get("version") == version for m in msgs)
        ), "no diagnostics published"
        last = [m for m in server.notifications("textDocument/publishDiagnostics") if m["params"].get("version") == version][-1]
        return sorted((d.get("code"), d["range"]["start"]["line"], d["range"]["start"]["character"], d["message"])
                      for d in last["params"]["diagnostics"])

    edited = RawServer(cwd=tmp_path)
    try:
        edited.initialize()
        edited.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "helm", "version": 1, "text": text}}})
        for i, (a, b, new) in enumerate(edits, start=2):
            edited.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": i},
                "contentChanges": [{"range": {"start": {"line": a[0], "character": a[1]},
                                              "end": {"line": b[0], "character": b[1]}}, "text": new}]}})
        after_edits = final_diagnostics(edited, len(edits) + 1)
    finally:
        edited.close()
    fresh = RawServer(cwd=tmp_path)
    try:
        fresh.initialize()
        fresh.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "helm", "version": 1, "text": model}}})
        assert after_edits == final_diagnostics(fresh, 1)
    finally:
        fresh.close()
    assert [(code, line, char) for code, line, char, _m in after_edits] == [("HK101", 7, 20)], after_edits
