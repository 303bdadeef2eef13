"""Template evaluator bombs: every one ends quickly with an unknown value, never gigabytes.

Each case renders in a capped subprocess (`run_python`): before the size budgets, doubling a
string 34 times reached 8 GB.
"""

from __future__ import annotations

import json

import pytest

from hook_lsp.analysis.template_mask import mask

from .conftest import run_python

RENDER = """
import json, sys
from hook_lsp.analysis.resolve.evaluate import MARK, Budget, Evaluator
from hook_lsp.analysis.resolve.parse import parse
src = sys.stdin.read()
parsed = parse(src)
try:
    out = Evaluator(parsed.defines).render(parsed.nodes, {"Values": {"n": 1000000000, "s": "ab"}})
    print(json.dumps({"budget": None, "size": len(out), "unknown": MARK in out}))
except Budget as exc:
    print(json.dumps({"budget": str(exc)}))
"""


def render(src: str) -> dict:
    return json.loads(run_python(RENDER, stdin=src))


BOMBS = {
    "printf doubling": '{{- $s := "ab" }}' + '{{- $s = printf "%s%s" $s $s }}' * 40 + "{{ $s }}",
    "indent huge": '{{ "a" | indent 1000000000 }}',
    "nindent from values": "{{ .Values.s | nindent .Values.n }}",
    "replace amplifies": '{{- $s := "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }}'
    + '{{- $s = replace "a" "aaaaaaaaaaaaaaaa" $s }}' * 12 + "{{ $s }}",
    "list of big strings serialised": '{{- $s := "ab" }}' + '{{- $s = print $s $s }}' * 19
    + '{{- $l := list }}{{- range until 1000 }}{{ $l = append $l $s }}{{ end }}{{ toYaml $l }}{{ join "," $l }}',
    "range output": '{{- range $i := 1000 }}{{ range $j := 1000 }}' + "x" * 200 + "{{ end }}{{ end }}",
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_evaluator_bomb_is_bounded(name):
    result = render(BOMBS[name])
    if result["budget"] is None:
        assert result["size"] <= 8 * 1024 * 1024 + 1024
    else:
        assert result["budget"] in ("output size", "step budget", "nesting")


def test_deeply_nested_ifs_are_cut_at_the_nesting_limit():
    result = render("{{ if .Values.s }}" * 5000 + "x" + "{{ end }}" * 5000)
    assert result["budget"] == "nesting"


def test_masking_thousands_of_nested_blocks_stays_linear():
    src = "{{ if .a }}\n" * 5000 + "k: v\n" + "{{ end }}\n" * 5000
    masked = mask(src)
    inner = src.index("k: v")
    assert masked.conditional(inner)
    assert len(masked.branch_path(inner)) <= 64
