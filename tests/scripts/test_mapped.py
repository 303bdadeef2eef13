"""Character maps of YAML scalars: every extracted character points at its template source."""

from __future__ import annotations

import pytest

from hook_lsp.analysis.hook_model import analyse_template
from hook_lsp.analysis.scripts.mapped import decode_scalar

JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: demo
  annotations:
    helm.sh/hook: pre-upgrade
spec:
  template:
    spec:
      containers:
        - name: c
          image: busybox
          args:
{items}
"""


def _args(items: str):
    text = JOB.format(items=items)
    analysis = analyse_template(text, "t.yaml")
    args = analysis.resources[0].workload.containers[0].args
    return text, analysis, args.items


def _decoded(items: str):
    text, analysis, nodes = _args(items)
    return text, [decode_scalar(n, analysis.masked) for n in nodes]


def _assert_round_trip(text: str, mapped) -> None:
    """Each character maps to the same character in the template, except folds and escapes."""
    for i, ch in enumerate(mapped.text):
        src = text[mapped.offsets[i]]
        if mapped.templated(i, i + 1):
            continue
        if ch in " \n" and src == "\n":
            continue  # a line break (kept, or folded into a space)
        assert src == ch, f"char {i} {ch!r} maps to {src!r}"


def test_literal_block_strips_indentation_and_keeps_more_indented_lines() -> None:
    text, (m,) = _decoded("            - |\n              echo a\n                more\n\n              last\n")
    assert m.text == "echo a\n  more\n\nlast\n"
    _assert_round_trip(text, m)
    assert text[m.offsets[m.text.index("more")] - 2 : m.offsets[m.text.index("more")]] == "  "


def test_folded_block_joins_lines_and_keeps_paragraphs() -> None:
    text, (m,) = _decoded("            - >-\n              a\n              b\n\n                c\n              d\n")
    assert m.text == "a b\n\n  c\nd"
    _assert_round_trip(text, m)
    # The space joining `a` and `b` is the line break after `a`.
    assert text[m.offsets[1]] == "\n"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("|", "x\n"), ("|-", "x"), ("|+", "x\n\n")],
)
def test_block_chomping(header: str, expected: str) -> None:
    _text, (m, _y) = _decoded(f"            - {header}\n              x\n\n            - y\n")
    assert m.text == expected


def test_double_quoted_escapes_and_folding_map_to_the_escape() -> None:
    text, (m,) = _decoded('            - "a\\tb \\"q\\" \\u00e9\n              c \\\n              d"\n')
    assert m.text == 'a\tb "q" é c d'
    tab = m.text.index("\t")
    assert text[m.offsets[tab] : m.offsets[tab] + 2] == "\\t"
    e = m.text.index("é")
    assert text[m.offsets[e] : m.offsets[e] + 6] == "\\u00e9"
    assert not m.contiguous(0, 3)  # `a\tb` is not written verbatim
    assert m.contiguous(m.text.index("c"), m.text.index("c") + 1)


def test_single_quoted_and_plain_multiline() -> None:
    text, (single, plain) = _decoded("            - 'it''s\n              here'\n            - plain\n              words\n")
    assert single.text == "it's here"
    assert plain.text == "plain words"
    _assert_round_trip(text, plain)
    assert text[single.offsets[2]] == "'"


def test_actions_whole_line_dropped_inline_placeholder_and_trim() -> None:
    items = (
        "            - |\n"
        "              {{- if .Values.tls }}\n"
        "              curl --cacert /ca.pem {{ .Values.url }}\n"
        "              {{- end }}\n"
        "              echo {{- .Values.x }} done\n"
        "              {{- include \"extra\" . | nindent 14 }}\n"
    )
    text, (m,) = _decoded(items)
    lines = m.text.split("\n")
    assert lines[0] == ""  # the `if` line renders nothing
    assert lines[1].startswith("curl --cacert /ca.pem ")
    url = lines[1][len("curl --cacert /ca.pem ") :]
    start = m.text.index(url)
    assert m.templated(start, start + len(url)) and set(url) == {"x"}
    assert text[m.offsets[start] : m.offsets[start] + 2] == "{{"
    # `{{-` trims the space before it: the word is `echoxxx`.
    assert any(line.startswith("echox") for line in lines)
    # The include line may inject unknown lines: recorded as an injection point.
    assert len(m.injections) == 1


def test_insertion_offsets() -> None:
    text, (m,) = _decoded("            - |\n              mkdir {{ .Values.dir }}\n")
    word = m.text.index("x")
    # Before the placeholder: between the space and `{{` in the template.
    at = m.insertion_offset(word)
    assert text[at - 1 : at + 2] == " {{"
    # Inside the action: refused.
    assert m.insertion_offset(word + 2) is None
    # After the line's indentation at the start of a block line: not contiguous, refused.
    assert m.insertion_offset(0) == m.offsets[0]


def test_mismatch_with_the_yaml_value_is_refused() -> None:
    # An explicit indentation indicator is not mapped: the scalar is skipped, not guessed.
    _text, (m,) = _decoded("            - |2\n                 x\n")
    assert m is None


@pytest.mark.parametrize(
    "offs",
    [
        [],
        [3, 4, 5, 9, 10],
        [3, 4, 4, 4, 5, 7, 7, 8],  # an offset at several positions: its last one counts
        [5, 6, 2, 3, 9, 9, 1],  # out of order (folds): the map of every offset is used
    ],
)
def test_positions_of_an_action_are_the_last_position_of_each_offset_it_spans(offs):
    from hook_lsp.analysis.scripts.mapped import _positions

    within = _positions(offs)
    last = {o: k for k, o in enumerate(offs)}
    for start in range(0, 12):
        for end in range(start, 13):
            assert within(start, end) == [last[o] for o in range(start, end) if o in last]
