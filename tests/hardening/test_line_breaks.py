"""Line breaks: LSP counts only \\r\\n, \\r and \\n; YAML (and Helm) also break at U+0085,
U+2028 and U+2029. Positions must follow LSP in editors and the CLI, and YAML marks must still
land on the right character."""

from __future__ import annotations

from lsprotocol import types

from hook_lsp.analysis.hook_model import analyse_template
from hook_lsp.analysis.source import LineIndex
from hook_lsp.lsp_protocol import LspTextDocument

from .conftest import run_cli, write_chart


def test_line_index_breaks_only_where_lsp_does():
    text = "a\r\nb\rc\nd\u2028e\x85f\u2029g\x0ch"
    index = LineIndex(text)
    assert index.line_count == 4
    assert [index.line_text(i) for i in range(4)] == ["a", "b", "c", "d\u2028e\x85f\u2029g\x0ch"]
    assert index.position(text.index("c")) == (2, 0)
    assert index.offset(1, 99) == text.index("\rc")


def _edit(doc: LspTextDocument, line: int, char: int, end_line: int, end_char: int, new: str) -> None:
    doc.apply_change(
        types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(line, char), types.Position(end_line, end_char)), text=new
        )
    )


def test_edits_after_a_unicode_line_separator_land_on_their_line():
    doc = LspTextDocument("file:///t.yaml", "# note\u2028more\nkind: Job\nname: x\n")
    _edit(doc, 1, 6, 1, 9, "Pod")
    assert doc.source == "# note\u2028more\nkind: Pod\nname: x\n"
    assert len(doc.lines) == 3


def test_lone_carriage_returns_are_line_breaks_for_edits():
    doc = LspTextDocument("file:///t.yaml", "a: 1\rb: 2\rc: 3")
    _edit(doc, 2, 0, 2, 1, "z")
    assert doc.source == "a: 1\rb: 2\rz: 3"


def test_yaml_marks_after_a_line_separator_point_at_the_right_character():
    # YAML ends the comment at U+2028, so " x" is content and the next line is an error: the
    # error must be reported on the line LSP counts, at the character YAML means.
    text = "# c \u2028 x\nkind: Job\n"
    analysis = analyse_template(text, "t.yaml")
    problem = analysis.documents[0].problem
    assert problem is not None and "mapping values" in problem.message
    assert problem.span.start == text.index(": Job")
    assert analysis.index.position(problem.span.start) == (1, 4)


def test_cli_line_numbers_with_lone_carriage_returns(tmp_path):
    text = '# c\rapiVersion: batch/v1\rkind: Job\rmetadata:\r  name: j\r  annotations:\r    "helm.sh/hook": pre-instal\r'
    root = write_chart(tmp_path / "app", {})
    (root / "templates" / "job.yaml").write_bytes(text.encode())
    proc = run_cli("check", str(root / "templates" / "job.yaml"))
    assert "job.yaml:7:21: error HK101" in proc.stdout, proc.stdout


def test_a_syntax_error_below_keeps_the_metadata_with_lone_carriage_returns():
    text = 'apiVersion: batch/v1\rkind: Job\rmetadata:\r  name: j\r  annotations:\r    "helm.sh/hook": pre-install\rspec: [\r  a: b: c\r'
    analysis = analyse_template(text, "t.yaml")
    (doc,) = analysis.documents
    assert doc.problem is not None and doc.partial
    (res,) = analysis.resources
    assert res.hook is not None and res.hook.events == ["pre-install"]
