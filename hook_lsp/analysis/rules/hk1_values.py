"""HK108-HK110: hook weights and annotation value types."""

from __future__ import annotations

import re
from typing import Iterator

from ...knowledge import annotations as A
from .. import gotemplate
from ..hook_model import Resource
from ..source import Span
from ..yaml_types import go_atoi, helm_string
from .annotation_support import events_phrase, literal_annotations
from .registry import Fix, FixAvailability, RuleContext, Severity, Violation, rule


@rule("HK108", "invalid-hook-weight", Severity.WARNING, FixAvailability.SOMETIMES)
def invalid_hook_weight(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a literal `helm.sh/hook-weight` that Go's `strconv.Atoi` cannot read: a decimal
    number, a word, spaces around the digits, or a number beyond the 64-bit range.

    ## Why is this bad?
    Helm parses the weight with `strconv.Atoi` and silently uses **0** when that fails
    ([Hook weights](helm-hooks.md#weights)). Unlike the event and policy values, the weight is **not trimmed**:
    `" 5"` is 0. The hook then runs in a different place than intended, with no warning.
    A sign and leading zeros are fine (`"+5"`, `"-05"`).

    ## Example
    ```yaml
    annotations:
      helm.sh/hook: pre-install
      helm.sh/hook-weight: " 5"
    ```

    ## Fix
    Write a plain integer in quotes. The quick fix trims surrounding spaces:
    ```yaml
    annotations:
      helm.sh/hook: pre-install
      helm.sh/hook-weight: "5"
    ```
    """
    if res.hook is None:
        return
    for ann in literal_annotations(res, A.WEIGHT):
        value = ann.helm_value
        if value == "" or go_atoi(value) is not None:
            continue  # an empty weight is the default 0 anyway
        trimmed = value.strip()
        fixes = []
        if go_atoi(trimmed) is not None:
            why = "has spaces around it (Helm does not trim the weight)"
            if ann.origin == "dict":
                exact = "\\" not in ann.source_text
            else:
                exact = ann.style in ('"', "'") and ann.source_text_inside == value
            if exact:
                fixes.append(Fix.replace(ann.content_span, trimmed, "Remove the spaces"))
        elif re.fullmatch(r"[+-]?[0-9]+", trimmed):
            why = "is outside the 64-bit integer range"
        else:
            why = "is not an integer"
        yield ctx.violation(
            ann.content_span,
            f"`helm.sh/hook-weight` {_show(value)} {why}: Helm's `strconv.Atoi` fails and the weight "
            "silently becomes 0",
            fixes,
        )


def _show(value: str) -> str:
    return f'"{value}"' if value.strip() != value or not value else f"`{value}`"



@rule("HK109", "unquoted-hook-annotation-value", Severity.ERROR, FixAvailability.ALWAYS)
def unquoted_hook_annotation_value(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags an annotation of a hook whose value is an unquoted YAML number or boolean
    (`helm.sh/hook-weight: 5`, `example.com/enabled: true`).

    ## Why is this bad?
    Annotation values must be strings. Helm's own sorter converts the number to a string, so
    `helm template`, `helm lint` and `--dry-run` all pass ([Hook weights](helm-hooks.md#weights)). But the hook's
    manifest is stored as written, and when the hook runs, the first time Helm builds the
    object Kubernetes' decoder rejects it. With `before-hook-creation` (the default) that first
    build is the deletion of the previous object: `unable to build kubernetes object for
    deleting hook <path>: ... json: cannot unmarshal number into Go struct field
    ObjectMeta.metadata.annotations of type string`; without it, the hook itself: `unable to
    build kubernetes object for pre-install hook <path>: ...`. The failure appears **only when
    that hook event runs** — for a `pre-delete` hook, at uninstall time, which it then blocks
    ([How Helm reads `helm.sh/hook`](helm-hooks.md#parsing)).

    Note that YAML 1.1 reads some numbers differently: Helm reads an unquoted `010` as 8.

    ## Example
    ```yaml
    annotations:
      helm.sh/hook: post-install
      helm.sh/hook-weight: 5
    ```

    ## Fix
    Quote the value. The quick fix quotes the text as written; for a weight that YAML reads
    differently it quotes the weight Helm sorts by today (`010` becomes `"8"`, so the hook order
    does not change), and a second, unsafe fix quotes the text as written:
    ```yaml
    annotations:
      helm.sh/hook: post-install
      helm.sh/hook-weight: "5"
    ```
    """
    if res.hook is None:
        return
    for ann in res.annotations:
        if ann.origin != "yaml" or ann.style is not None or not ann.known:
            continue
        if ann.yaml_type not in ("int", "float", "bool") or ann.text is None:
            continue
        written = ann.text
        helm = helm_string(written, None)
        literal_quote = Fix.replace(ann.value_span, f'"{written}"', f'Quote as "{written}"')
        if helm == written or ann.key != A.WEIGHT:
            # Only the weight is read by Helm before Kubernetes rejects the hook: elsewhere the
            # text as written is the value the author meant.
            fixes = [literal_quote]
        elif re.search(r"inf|nan", helm, re.IGNORECASE):
            fixes = [Fix(literal_quote.title, literal_quote.edits, safe=False)]
        else:
            # Keep the weight Helm sorts by today (`010` is 8, #weights); quoting `010` would make it 10.
            title = f'Quote as "{helm}" (the weight Helm reads from {written})'
            fixes = [Fix.replace(ann.value_span, f'"{helm}"', title), Fix(literal_quote.title, literal_quote.edits, safe=False)]
        kind = {"int": "an integer", "float": "a number", "bool": "a boolean"}[ann.yaml_type]
        read = f" (Helm sorts it as weight {helm})" if helm != written and ann.key == A.WEIGHT else ""
        yield ctx.violation(
            ann.value_span,
            f"unquoted `{written}` is {kind} in YAML, but annotation values must be strings{read}: "
            f"`helm template` passes, and {events_phrase(res)} fails only when it runs, with "
            f"`unable to build kubernetes object for {_first_build(res)} hook …: … cannot unmarshal "
            f"{'bool' if ann.yaml_type == 'bool' else 'number'} into Go struct field "
            "ObjectMeta.metadata.annotations of type string`",
            fixes,
        )


def _first_build(res: Resource) -> str:
    """What Helm builds first when the hook runs: the deletion of the previous object when
    `before-hook-creation` applies, else the hook itself (its first event)."""
    policies = res.hook.effective_delete_policies if res.hook else None
    if policies is None:
        return "deleting / <event>"
    if "before-hook-creation" in policies and res.kind != "CustomResourceDefinition":
        return "deleting"
    events = res.hook.events if res.hook else []
    return events[0] if events else "<event>"


#: Functions whose output is quoted, or unknown (a helper may print the quotes itself).
_QUOTING = frozenset({"quote", "squote", "toJson", "toRawJson", "toPrettyJson", "include", "template", "tpl"})


@rule("HK110", "unquoted-templated-hook-weight", Severity.WARNING, FixAvailability.ALWAYS)
def unquoted_templated_hook_weight(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `helm.sh/hook-weight` whose value is a template action that prints a number
    without quotes: `helm.sh/hook-weight: {{ .Values.migration.weight }}`.

    ## Why is this bad?
    The action prints `5` and YAML reads an unquoted `5` as an integer, whatever type the
    value had in `values.yaml` (`toString` does not help: it still prints `5`). Annotation
    values must be strings, so Kubernetes rejects the hook **when it runs**, while `helm
    template`, `helm lint` and `--dry-run` all pass ([Hook weights](helm-hooks.md#weights)).

    Actions that quote (`quote`, `squote`, `toJson`) or whose output hook-lsp cannot see
    (`include`, `tpl`) are not reported.

    ## Example
    ```yaml
    annotations:
      helm.sh/hook: pre-upgrade
      helm.sh/hook-weight: {{ .Values.migration.weight }}
    ```

    ## Fix
    Quote the rendered value. The quick fix pipes the action through `quote`:
    ```yaml
    annotations:
      helm.sh/hook: pre-upgrade
      helm.sh/hook-weight: {{ .Values.migration.weight | quote }}
    ```
    """
    if res.hook is None:
        return
    masked = ctx.template.masked
    text = ctx.template.text
    for ann in res.annotations_named(A.WEIGHT):
        # A templated YAML value; the chart's values may have resolved it (origin "resolved").
        if ann.origin not in ("yaml", "resolved") or ann.key_templated:
            continue
        actions = masked.actions_in(ann.value_span)
        if len(actions) != 1 or actions[0].kind != "output":
            continue
        action = actions[0]
        key_end = ann.key_span.end
        if text[ann.key_span.start : key_end].strip("\"'") != A.WEIGHT:
            continue  # the key itself comes from a helper
        before = text[key_end : action.span.start]
        line_end = text.find("\n", action.span.end)
        after = text[action.span.end : len(text) if line_end == -1 else line_end]
        if not re.fullmatch(r"[\"']?[ \t]*:[ \t]*", before) or (after.strip() and not after.strip().startswith("#")):
            continue  # quoted (`"{{ .x }}"`) or text around the action: not printed as a bare number
        tokens = gotemplate.tokenize(action.body, action.body_start)
        if any(t.kind == "ident" and t.text in _QUOTING for t in tokens):
            continue
        if any(t.kind == "string" and "%q" in t.text for t in tokens):
            continue
        end = action.body_start + len(action.body)
        yield ctx.violation(
            action.span,
            "the hook weight is printed without quotes: a number like `5` becomes a YAML integer, "
            f"and Kubernetes rejects {events_phrase(res)} when it runs (`helm template` passes); pipe it through `quote`",
            [Fix.replace(Span(end, end), " | quote", "Pipe through `quote`")],
        )
