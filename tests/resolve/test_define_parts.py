"""A define parsed from its own actions (`helpers.define_in`) is the define the whole file's
parse gives: on every helper text of the corpus, and on the texts where the two could differ
(a ``define`` in a comment or a raw string, ``block``, names defined twice, unclosed blocks)."""

from __future__ import annotations

import pytest

from hook_lsp.analysis.resolve import helpers
from hook_lsp.analysis.resolve.helpers import HelperLibrary, define_in, define_names
from hook_lsp.analysis.resolve.parse import parse
from tests.outside_data import CORPUS, needs_corpus


@pytest.fixture(autouse=True)
def _fresh_caches():
    for cache in (helpers._ONE, helpers._REGIONS, helpers._BY_TEXT):
        cache.clear()
    yield
    for cache in (helpers._ONE, helpers._REGIONS, helpers._BY_TEXT):
        cache.clear()


def _whole_parses(monkeypatch) -> list[str]:
    """Record the names of the files parsed whole from now on."""
    seen: list[str] = []
    real = helpers.parsed_defines

    def spy(text, path):
        seen.append(path)
        return real(text, path)

    monkeypatch.setattr(helpers, "parsed_defines", spy)
    return seen


def _same_as_whole(text: str, names) -> None:
    whole = parse(text, "h.tpl").defines
    for name in names:
        helpers._ONE.clear()
        assert define_in(text, "h.tpl", name) == whole.get(name), name


TRICKY = {
    "commented": '{{/* {{ define "b" }}x{{ end }} */}}\n{{- define "a" -}}A{{- end -}}\n{{ define "b" }}B{{ end }}',
    "trimmed comment": '{{- /* a {{ define "b" }} in prose */ -}}\n{{ define "b" }}B{{ end }}',
    "raw string": '{{ define "a" }}{{ print `{{ define "b" }}` }}{{ end }}\n{{ define "c" }}C{{ end }}',
    "nested block": '{{ define "a" }}<{{ block "b" . }}B{{ end }}>{{ end }}\n{{ define "c" }}C{{ end }}',
    "twice": '{{ define "a" }}1{{ end }}{{ define "a" }}2{{ end }}{{ define "c" }}C{{ end }}',
    "unclosed first": '{{ define "a" }}{{ if .x }}A{{ end }}\n{{ define "b" }}B{{ end }}tail',
    "inside if": '{{ if true }}{{ define "a" }}A{{ end }}{{ end }}{{ define "b" }}{{ range .l }}{{ . }}{{ end }}{{ end }}',
    "nameless": '{{ define }}{{ end }}{{ define "a" }}A{{ end }}',
    "stray end": '{{ end }}{{ define "a" }}{{ with .x }}{{ . }}{{ else }}none{{ end }}{{ end }}',
    "half typed": '{{ define "a" }}A{{ end }}{{ define "b" }}{{ .Values.',
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_texts_give_the_whole_parse(name) -> None:
    text = TRICKY[name]
    _same_as_whole(text, set(define_names(text) or ()) | set(parse(text).defines) | {"a", "b", "c"})


def test_only_the_asked_define_is_parsed(monkeypatch) -> None:
    whole = _whole_parses(monkeypatch)
    text = "".join(f'{{{{- define "d{i}" -}}}}{{{{ .Values.v{i} | quote }}}}{{{{- end -}}}}\n' for i in range(50))
    parsed_actions: list[int] = []
    real_parse = helpers.parse

    def spy(source, path="", actions=None):
        parsed_actions.append(len(actions) if actions is not None else -1)
        return real_parse(source, path, actions)

    monkeypatch.setattr(helpers, "parse", spy)
    found = define_in(text, "lib/_h.tpl", "d7")
    assert found is not None and found.name == "d7" and found.path == "lib/_h.tpl"
    assert parsed_actions == [3] and whole == []  # its define, action and end: nothing else
    # A copy of the file at another path shares the parse, under its own path.
    other = define_in(text, "sub/_h.tpl", "d7")
    assert other.path == "sub/_h.tpl" and other.body is found.body and parsed_actions == [3]


def test_a_define_that_cannot_be_told_apart_parses_the_file(monkeypatch) -> None:
    whole = _whole_parses(monkeypatch)
    text = TRICKY["twice"]
    assert define_in(text, "h.tpl", "a") == parse(text, "h.tpl").defines["a"]
    assert whole == ["h.tpl"]


def test_the_library_parses_named_files_by_define() -> None:
    files = [("a.tpl", '{{ define "x" }}a{{ end }}{{ define "y" }}{{ end }}'), ("b.tpl", '{{ define "x" }}b{{ end }}')]
    parsed: dict = {}
    lib = HelperLibrary(files, [define_names(t) for _, t in files], parsed)
    assert lib.get("x").path == "b.tpl" and lib.get("y").path == "a.tpl"
    assert parsed == {}  # no file was parsed whole


@needs_corpus
def test_every_corpus_define_is_the_whole_parse() -> None:
    checked = 0
    for path in sorted(CORPUS.rglob("*.tpl")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if "define" not in text:
            continue
        names = set(define_names(text) or ()) | set(parse(text).defines)
        _same_as_whole(text, names)
        checked += len(names)
    assert checked > 1000
