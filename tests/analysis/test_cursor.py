"""Cursor contexts for completion and hover, on whole and half-typed templates.

Each table row is a template with one ``|`` marking the cursor, and what `cursor` must report
there. ``HEAD`` is the start of a Job up to its (block) ``annotations:``.
"""

from __future__ import annotations

import pytest

from hook_lsp.analysis.cursor import (
    KeyContext,
    KeyTarget,
    KindTarget,
    ScaffoldContext,
    TokenTarget,
    ValueContext,
    WeightTarget,
    completion_context,
    hover_target,
    parse_key_line,
)
from hook_lsp.analysis.hook_model import analyse_template

HEAD = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n  annotations:\n"
FLOW = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n  annotations: "


def at(marked: str):
    """(analysis, cursor offset, text) of a template marked with ``|`` (``‸`` where it has pipes)."""
    offset = marked.index("‸" if "‸" in marked else "|")
    text = marked[:offset] + marked[offset + 1 :]
    return analyse_template(text, "t.yaml"), offset, text


def ctx(marked: str):
    analysis, offset, _ = at(marked)
    return completion_context(analysis, offset)


def span_text(marked: str, span) -> str:
    _, _, text = at(marked)
    return text[span.start : span.end]


# (template, key, prefix, text the completion replaces, present tokens, quote)
VALUE_CASES = [
    (HEAD + '    "helm.sh/hook": pre-install,po|\n', "helm.sh/hook", "po", "po", ("pre-install",), ""),
    (HEAD + '    "helm.sh/hook": pre-install, |\n', "helm.sh/hook", "", "", ("pre-install",), ""),
    (HEAD + '    "helm.sh/hook": pre-install, po|st-upgrade\n', "helm.sh/hook", "po", "post-upgrade", ("pre-install",), ""),
    (HEAD + '    "helm.sh/hook": "pre-install, post-in|"\n', "helm.sh/hook", "post-in", "post-in", ("pre-install",), '"'),
    (HEAD + "    'helm.sh/hook': 'pre-install,|'\n", "helm.sh/hook", "", "", ("pre-install",), "'"),
    (HEAD + '    helm.sh/hook: |\n', "helm.sh/hook", "", "", (), ""),
    # A half-typed quoted value (no closing quote yet): the YAML does not parse.
    (HEAD + '    "helm.sh/hook": "pre-|\nspec: {}\n', "helm.sh/hook", "pre-", "pre-", (), '"'),
    # A template action elsewhere on the line: its rendered part is not "present".
    (HEAD + '    "helm.sh/hook": {{ .Values.event }},pre-|\n', "helm.sh/hook", "pre-", "pre-", (), ""),
    (HEAD + '    "helm.sh/hook-delete-policy": before-hook-creation,|\n', "helm.sh/hook-delete-policy", "", "",
     ("before-hook-creation",), ""),
    (HEAD + '    "helm.sh/hook-output-log-policy": hook-f|\n', "helm.sh/hook-output-log-policy", "hook-f", "hook-f", (), ""),
    (HEAD + '    "helm.sh/hook-weight": "|"\n', "helm.sh/hook-weight", "", "", (), '"'),
    (HEAD + '    "helm.sh/hook-weight": -|\n', "helm.sh/hook-weight", "-", "-", (), ""),
    # Flow maps: a quoted value is a list; the key's quote style is kept.
    (FLOW + '{"helm.sh/hook": "pre-install,|"}\n', "helm.sh/hook", "", "", ("pre-install",), '"'),
    (FLOW + '{"helm.sh/hook": pre-i|}\n', "helm.sh/hook", "pre-i", "pre-i", (), ""),
    # CRLF line ends.
    (HEAD.replace("\n", "\r\n") + '    "helm.sh/hook": pre-install,|\r\n', "helm.sh/hook", "", "", ("pre-install",), ""),
]


@pytest.mark.parametrize("marked, key, prefix, replaced, present, quote", VALUE_CASES)
def test_value_context(marked, key, prefix, replaced, present, quote):
    c = ctx(marked)
    assert isinstance(c, ValueContext), c
    assert (c.key, c.prefix, c.present, c.quote) == (key, prefix, present, quote)
    assert span_text(marked, c.span) == replaced


def test_value_right_after_colon_needs_a_space():
    c = ctx(HEAD + '    "helm.sh/hook":|\n')
    assert isinstance(c, ValueContext) and c.space_before


# (template, prefix, text replaced, quote to insert, keys present, line already has a colon)
KEY_CASES = [
    (HEAD + '    "helm.sh/hook": pre-install\n    "helm.sh/ho|\n', "helm.sh/ho", '"helm.sh/ho', '"', {"helm.sh/hook"}, False),
    (HEAD + "    helm.sh/hook: pre-install\n    |\nspec: {}\n", "", "", "", {"helm.sh/hook"}, False),
    (HEAD + "    'helm.sh/hook': pre-install\n    |\n", "", "", "'", {"helm.sh/hook"}, False),
    (HEAD + '    "helm.sh/hook": pre-install\n    hel|\n', "hel", "hel", '"', {"helm.sh/hook"}, False),
    # No sibling yet: the file's other annotation keys decide (here plain).
    ("kind: Job\nmetadata:\n  annotations:\n    a/b: c\n---\nkind: Job\nmetadata:\n  annotations:\n    helm|\n",
     "helm", "helm", "", set(), False),
    # After the closing quote of a complete key with no colon yet: the quote is not part of the prefix.
    (HEAD + '    "helm.sh/hook"|\n', "helm.sh/hook", '"helm.sh/hook"', '"', set(), False),
    (HEAD + '    "helm.sh/hook-delete-po|licy": x\n', "helm.sh/hook-delete-po", '"helm.sh/hook-delete-policy"', '"', set(), True),
    (FLOW + '{"helm.sh/hook": "pre-install", |}\n', "", "", '"', {"helm.sh/hook"}, False),
    # A `{{ }}` elsewhere in the block and a non-ASCII name do not matter.
    ("kind: Job\nmetadata:\n  name: jöb-{{ .Release.Name }}\n  annotations:\n    a: {{ .Values.a | quote }}\n    ‸\n",
     "", "", "", {"a"}, False),
]


@pytest.mark.parametrize("marked, prefix, replaced, quote, present, has_colon", KEY_CASES)
def test_key_context(marked, prefix, replaced, quote, present, has_colon):
    c = ctx(marked)
    assert isinstance(c, KeyContext), c
    assert (c.prefix, c.quote, set(c.present), c.has_colon) == (prefix, quote, present, has_colon)
    assert span_text(marked, c.span) == replaced


NOTHING_CASES = [
    # Inside a template action.
    HEAD + '    "helm.sh/hook": {{ .Values.|x }},pre-\n',
    HEAD + '    "helm.sh/hook": {{ .Val|\n',
    # Annotations of the pod template: Helm never reads hook keys there (#parsing).
    "kind: Job\nmetadata:\n  name: x\nspec:\n  template:\n    metadata:\n      annotations:\n        |\n",
    # Labels, not annotations.
    "kind: Job\nmetadata:\n  labels:\n    |\n  name: x\n",
    # A block scalar that mentions a hook key.
    HEAD + '    "helm.sh/hook": pre-install\nspec:\n  args: |\n    helm.sh/hook: |\n',
    # In a comment, and after a complete plain value.
    HEAD + '    "helm.sh/hook": pre-install #| comment\n',
    HEAD + '    "helm.sh/hook": pre-install |\n',
    # After the closing quote.
    HEAD + '    "helm.sh/hook": "pre-install"|\n',
    # A value of a key that is not a hook key.
    HEAD + "    example.com/x: |\n",
    # A line of template actions only.
    HEAD + "    {{- with .Values.annotations }}|\n",
]


@pytest.mark.parametrize("marked", NOTHING_CASES)
def test_no_context(marked):
    assert ctx(marked) is None


SCAFFOLD_CASES = [
    ("|", "document", 0, ""),
    ("---\njo|\n", "document", 0, "jo"),
    ("# a comment\n{{- if .Values.x }}\n|\n{{- end }}\n", "document", 0, ""),
    (HEAD + "    |\nspec: {}\n", "annotations", 4, ""),
]


@pytest.mark.parametrize("marked, where, indent, replaced", SCAFFOLD_CASES)
def test_scaffold_context(marked, where, indent, replaced):
    c = ctx(marked)
    assert isinstance(c, ScaffoldContext), c
    assert (c.where, c.indent) == (where, indent)
    assert span_text(marked, c.span) == replaced


def test_no_document_scaffold_where_an_action_renders_the_document():
    assert ctx('{{ include "chart.job" . }}\n|\n') is None


def test_annotations_filled_by_an_action_are_not_empty():
    c = ctx(HEAD + "    {{- toYaml .Values.annotations | nindent 4 }}\n    ‸\n")
    assert isinstance(c, KeyContext)


# Hover: (template, target type, key or kind, token, text of the span)
HOVER_CASES = [
    (HEAD + '    "helm.sh/ho|ok": pre-install\n', KeyTarget, "helm.sh/hook", None, '"helm.sh/hook"'),
    (HEAD + '    "helm.sh/hook": pre-install, Post-Up|grade\n', TokenTarget, "helm.sh/hook", "post-upgrade", "Post-Upgrade"),
    (HEAD + '    "helm.sh/hook-delete-policy": "hook-su|cceeded"\n', TokenTarget, "helm.sh/hook-delete-policy",
     "hook-succeeded", "hook-succeeded"),
    (HEAD + '    "helm.sh/hook-weight": "-|5"\n', WeightTarget, None, None, '"-5"'),
    ("apiVersion: batch/v1\nkind: J|ob\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: test\n", KindTarget,
     "Job", None, "Job"),
    # A dict literal inside an action: the model knows its exact spans.
    ('kind: Job\nmetadata:\n  name: x\n  annotations: {{ dict "helm.sh/hook" "pre-up|grade" | toYaml | nindent 4 }}\n',
     TokenTarget, "helm.sh/hook", "pre-upgrade", "pre-upgrade"),
    # Broken YAML below: the line reading still finds the token.
    (HEAD + '    "helm.sh/hook": pre-ins|tall\n    "unterminated\n', TokenTarget, "helm.sh/hook", "pre-install",
     "pre-install"),
    (FLOW + '{"helm.sh/hook": "test,pre-ins|tall"}\n', TokenTarget, "helm.sh/hook", "pre-install", "pre-install"),
]


@pytest.mark.parametrize("marked, kind, name, token, shown", HOVER_CASES)
def test_hover_target(marked, kind, name, token, shown):
    analysis, offset, text = at(marked)
    t = hover_target(analysis, offset)
    assert isinstance(t, kind), t
    if isinstance(t, (KeyTarget, TokenTarget)):
        assert t.key == name
    if isinstance(t, TokenTarget):
        assert t.token == token
    if isinstance(t, KindTarget):
        assert t.kind == name
    assert text[t.span.start : t.span.end] == shown


def test_kind_of_a_plain_resource_has_no_hover():
    analysis, offset, _ = at("apiVersion: v1\nkind: Config|Map\nmetadata:\n  name: x\n")
    assert hover_target(analysis, offset) is None


@pytest.mark.parametrize(
    "line, key, quote, colon",
    [
        ('    "helm.sh/hook": x', "helm.sh/hook", '"', 18),
        ("    helm.sh/hook: x", "helm.sh/hook", "", 16),
        ("    'a''b': x", "a''b", "'", 10),
        ("    http://x: y", "http://x", "", 12),
        ('    "helm.sh/ho', "helm.sh/ho", '"', None),
        ("    # comment", None, "", None),
    ],
)
def test_parse_key_line(line, key, quote, colon):
    kl = parse_key_line(line)
    assert (kl.key, kl.quote, kl.colon) == (key, quote, colon)


def test_never_raises_on_any_offset():
    text = HEAD + '    "helm.sh/hook": "pre-install,{{ .Values.x }}\n  {"a": [\n\x00\ufeff---\n{{'
    analysis = analyse_template(text, "t.yaml")
    for offset in range(len(text) + 1):
        completion_context(analysis, offset)
        hover_target(analysis, offset)
