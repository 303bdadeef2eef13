"""Template masking: same length, same newlines, and the right filler for each kind of action.

Table format for `CASES`: (template, expected masked text). ``x`` is the scalar filler, spaces
are blanked actions; every other character must be unchanged.
"""

from __future__ import annotations


import pytest

from hook_lsp.analysis.source import Span
from hook_lsp.analysis.template_mask import FILL, find_actions, mask

from tests.outside_data import CORPUS, needs_corpus

def _sp(text: str) -> str:
    """``text`` blanked: what a blanked action looks like."""
    return "".join(c if c in "\r\n" else " " for c in text)


CASES = [
    # A scalar action keeps a (filler) scalar value in place.
    ("name: {{ .Release.Name }}-job\n", "name: xxxxxxxxxxxxxxxxxxx-job\n"),
    # Inside quotes too.
    ('image: "{{ .Values.image }}:{{ .Values.tag }}"\n', 'image: "xxxxxxxxxxxxxxxxxxx:xxxxxxxxxxxxxxxxx"\n'),
    # Control flow on its own line disappears.
    ("{{- if .Values.enabled }}\na: 1\n{{- end }}\n", _sp("{{- if .Values.enabled }}") + "\na: 1\n" + _sp("{{- end }}") + "\n"),
    # A block-emitting action after a key leaves the key with a nested block.
    ('labels: {{- include "l" . | nindent 4 }}\n', "labels: " + _sp('{{- include "l" . | nindent 4 }}') + "\n"),
    # Comments, including multi-line ones, are blanked with their newlines kept.
    ("{{/* a\nb */}}\nk: v\n", _sp("{{/* a\nb */}}") + "\nk: v\n"),
    # Assignments render nothing.
    ('{{- $x := dict "a" 1 }}\n', _sp('{{- $x := dict "a" 1 }}') + "\n"),
    # `}}` inside a string literal of the action does not end it.
    ('k: {{ "}}" | quote }}\n', "k: " + FILL * len('{{ "}}" | quote }}') + "\n"),
    # A half-typed action runs to the end of its line and no further.
    ("k: {{ .Values.\nnext: 1\n", "k: xxxxxxxxxxx\nnext: 1\n"),
    # Inside a block scalar every action is script text, control flow included.
    ("run: |\n  {{- if .a }}\n  echo\n", "run: |\n  " + FILL * len("{{- if .a }}") + "\n  echo\n"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_mask_table(source: str, expected: str):
    masked = mask(source)
    assert masked.text == expected
    assert len(masked.text) == len(source)


def test_define_body_is_blanked():
    src = '{{- define "x" }}\nkind: Job\n{{- end }}\nkind: Pod\n'
    masked = mask(src)
    assert "kind: Job" not in masked.text
    assert masked.text.endswith("kind: Pod\n")
    assert masked.in_define(src.index("kind: Job"))


def test_nested_define_bodies_are_blanked_once_each_character():
    # A define inside a define (Go refuses it, an editor buffer may hold it): both bodies are
    # recorded, overlapping; every character of either is blank and line breaks stay.
    src = '{{ define "a" }}\nx: {{ .y }}\r\n{{ define "b" }}\nz: 1\n{{ end }}\nw: 2\n{{ end }}\nkind: Pod\n'
    masked = mask(src)
    assert len(masked.define_bodies) == 2
    inside = lambda i: any(b.start <= i < b.end for b in masked.define_bodies)  # noqa: E731
    for i, (c, m) in enumerate(zip(src, masked.text)):
        if inside(i):
            assert m == (c if c in "\r\n" else " "), i
    assert masked.text.endswith("{{ end }}\nkind: Pod\n".replace("{{ end }}", " " * 9))
    assert masked.text.count("\n") == src.count("\n") and masked.text.count("\r") == src.count("\r")


def test_branches_are_exclusive_but_nesting_is_not():
    src = "{{ if .a }}\nA\n{{ else }}\nB\n{{ end }}\nC\n"
    masked = mask(src)
    a, b, c = src.index("A"), src.index("B"), src.index("C")
    assert masked.exclusive(a, b)
    assert not masked.exclusive(a, a + 1)
    assert masked.conditional(a) and masked.conditional(b)
    assert not masked.conditional(c)


def test_actions_in_and_is_templated():
    src = "a: {{ .x }}\nb: plain\n"
    masked = mask(src)
    assert masked.is_templated(Span(3, 11))
    assert not masked.is_templated(Span(src.index("plain"), src.index("plain") + 5))
    assert masked.action_at(5) is not None and masked.action_at(0) is None


def test_action_kinds():
    kinds = [(a.kind, a.keyword) for a in find_actions('{{/* c */}}{{- if .a -}}{{ $v := 1 }}{{ include "x" . }}{{ end }}')]
    assert kinds == [("comment", ""), ("control", "if"), ("assign", ""), ("output", "include"), ("control", "end")]


def test_crlf_and_non_ascii_keep_offsets():
    src = "name: \u00e9{{ .x }}\r\nk: v\r\n"
    masked = mask(src)
    assert len(masked.text) == len(src)
    assert [i for i, c in enumerate(masked.text) if c in "\r\n"] == [i for i, c in enumerate(src) if c in "\r\n"]


def _corpus_templates():
    return sorted(p for p in CORPUS.rglob("templates/**/*") if p.is_file() and p.suffix in (".yaml", ".yml", ".tpl"))


@needs_corpus
def test_corpus_invariants():
    """Every corpus template masks to the same length with newlines in place."""
    files = _corpus_templates()
    assert len(files) > 200
    for path in files:
        src = path.read_text(encoding="utf-8")
        masked = mask(src).text
        assert len(masked) == len(src), path
        newlines = [i for i, c in enumerate(src) if c == "\n"]
        assert [i for i in newlines if masked[i] != "\n"] == [], path
        # Only template actions change: outside them the text is untouched.
        actions = find_actions(src)
        outside = set(range(len(src))) - {i for a in actions for i in range(a.span.start, a.span.end)}
        mask_bodies = mask(src)
        for body in mask_bodies.define_bodies:
            outside -= set(range(body.start, body.end))
        assert all(masked[i] == src[i] for i in outside), path
        assert set(masked) - set(src) <= {FILL, " "}, path


#: Actions whose end is not plain: strings and raw strings holding `}}`,
#: escapes, comments, trim markers, braces, a `{{` inside, strings cut by a line end.
_TRICKY_ACTIONS = [
    '{{ "}}" }}', '{{ "a\\"}}" }}', "{{ `}}` }}", "{{ `a\n}}` }}", "{{/* }} */}}", "{{- /* c */ -}}",
    "{{-/* x */}}", "{{ /* c */ x }}", "{{ x }}}", "{{ { } }}", "{{ a {{ b }}", '{{ "a\nb" }}',
    '{{ "\\\n" }}', "{{ `open", '{{ "open', "{{ x", "{{-\n/* c */\n-}}", '{{ printf "%s}}" .x | quote }}',
    '{{ "\\\\" }}}}', "{{ '}' }}", "{{ `a` `b` }}", '{{ "" }}',
]


def _scanned(source: str) -> list[tuple[int, int, bool]]:
    """Where each action ends by the character scanner alone (no one-step match)."""
    from hook_lsp.analysis import template_mask

    out, pos = [], source.find("{{")
    while pos != -1:
        end, terminated = template_mask._scan_action_end(source, pos)
        out.append((pos, end, terminated))
        pos = source.find("{{", max(end, pos + 2))
    return out


@pytest.mark.parametrize("action", _TRICKY_ACTIONS)
def test_actions_matched_in_one_step_end_where_the_scanner_ends_them(action):
    source = f"a: {action}\nb: {{{{ .y }}}} {action}\n"
    assert [(a.span.start, a.span.end, not a.unterminated) for a in find_actions(source)] == _scanned(source)


@needs_corpus
def test_corpus_actions_end_where_the_scanner_ends_them():
    for path in _corpus_templates():
        src = path.read_text(encoding="utf-8")
        assert [(a.span.start, a.span.end, not a.unterminated) for a in find_actions(src)] == _scanned(src), path


def test_only_short_action_texts_are_kept_between_files():
    from hook_lsp.analysis import template_mask

    long_body = " .Values." + "a" * template_mask.INSIDE_CHARS_KEPT + " "
    short_body = " .Values.kept "
    for _ in range(2):  # the second read of each comes from the cache, or is read again
        actions = template_mask.find_actions("{{" + long_body + "}}{{" + short_body + "}}")
        assert [a.body for a in actions] == [long_body.strip(), short_body.strip()]
    assert short_body in template_mask._INSIDES and long_body not in template_mask._INSIDES
