"""The static evaluator: Go template semantics for the functions charts use around annotations."""

from __future__ import annotations

from hook_lsp.analysis.resolve.evaluate import MARK, UNKNOWN, Evaluator, to_yaml
from hook_lsp.analysis.resolve.parse import parse


def render(text: str, values: dict | None = None, helpers: str = "") -> str:
    defines = parse(helpers).defines if helpers else {}
    parsed = parse(text)
    return Evaluator({**defines, **parsed.defines}).render(parsed.nodes, {"Values": values or {}, "Release": {"Name": UNKNOWN, "IsInstall": UNKNOWN}})


def test_quote_squote_to_string_default():
    out = render(
        '{{ .Values.a | quote }} {{ squote .Values.b }} {{ toString .Values.n }} {{ .Values.none | default "x" }}',
        {"a": "pre-install", "b": "hi", "n": 5},
    )
    assert out == "\"pre-install\" 'hi' 5 x"


def test_ternary_and_if_else_on_values():
    tpl = '{{ ternary "pre-install" "post-install" .Values.early }}|{{ if .Values.early }}A{{ else if .Values.x }}B{{ else }}C{{ end }}'
    assert render(tpl, {"early": True}) == "pre-install|A"
    assert render(tpl, {"early": False, "x": 1}) == "post-install|B"
    assert render(tpl, {"early": False}) == "post-install|C"


def test_unknown_stays_unknown():
    out = render('{{ .Release.Name }}-job {{ lookup "v1" "Secret" "ns" "x" | quote }} {{ ternary "a" "b" .Release.IsInstall }}')
    assert out == f'{MARK}-job "{MARK}" {MARK}'


def test_include_dict_nindent_and_trim_markers():
    helpers = '{{- define "h.ann" -}}\nhelm.sh/hook: {{ .events }}\nhelm.sh/hook-weight: {{ .weight | quote }}\n{{- end }}'
    out = render('annotations: {{- include "h.ann" (dict "events" "pre-upgrade" "weight" -5) | nindent 2 }}', helpers=helpers)
    assert out == 'annotations:\n  helm.sh/hook: pre-upgrade\n  helm.sh/hook-weight: "-5"'


def test_to_yaml_sorts_keys_and_quotes_like_helm():
    assert to_yaml({"b": "10", "a": {"x": ["p", "q"]}, "c": True}) == 'a:\n  x:\n  - p\n  - q\nb: "10"\nc: true'


def test_with_range_variables_and_tpl():
    out = render(
        '{{ with .Values.ann }}{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}{{ end }}{{ tpl .Values.t . }}',
        {"ann": {"b": 2, "a": 1}, "t": "{{ .Values.ann.a }}"},
    )
    assert out == "a=1;b=2;1"


def test_bad_input_never_raises():
    for text in ("{{ if }}", "{{ include }}", "{{ (", "{{ end }}{{ else }}", "{{ range .Values }}{{ break }}{{ end }}"):
        render(text, {"x": 1})


def test_merge_fills_empty_values_as_mergo_does():
    # What Helm's engine renders: `merge` treats nil, "", 0, false and empty maps and lists in
    # its destination as missing; `mergeOverwrite` lets even empty sources win.
    tpl = (
        '{{ merge (dict "n" nil "l" list "m" dict "s" " " "z" 0 "f" false "e" "") '
        '(dict "n" "x" "l" (list 1) "m" (dict "k" 1) "s" "y" "z" 5 "f" true "e" "E") | toJson }}|'
        '{{ mergeOverwrite (dict "a" "x" "b" 5) (dict "a" "" "b" 0) | toJson }}|'
        '{{ (merge (dict "u" .Release.Name) (dict "u" "x")).u }}'
    )
    filled, overwritten, unknown_kept = render(tpl).split("|")
    assert filled == '{"e":"E","f":true,"l":[1],"m":{"k":1},"n":"x","s":" ","z":5}'
    assert overwritten == '{"a":"","b":0}'
    assert MARK in unknown_kept  # not known to be empty: stays unknown
