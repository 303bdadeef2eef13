"""HK101-HK105: the events of `helm.sh/hook`.

The other HK1xx modules: `hk1_keys` (annotation keys and shapes), `hk1_values` (weights and
value types), `hk1_policies` (delete, output-log and resource policies).
"""

from __future__ import annotations

from typing import Iterator

from ...knowledge.events import skip_log_line
from ...knowledge import annotations as A
from ..hook_model import Resource, Token
from ..source import Span
from .annotation_support import did_you_mean, kind_of, literal_hooks, removal_span, split_on_separators
from .registry import Fix, FixAvailability, RuleContext, Severity, Violation, rule

_ALL_EVENT_TOKENS = A.EVENT_NAMES + tuple(A.EVENT_ALIASES)


@rule("HK101", "unknown-hook-event", Severity.ERROR, FixAvailability.SOMETIMES)
def unknown_hook_event(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a part of a `helm.sh/hook` value that is not one of Helm's hook events:
    `pre-install`, `post-install`, `pre-upgrade`, `post-upgrade`, `pre-rollback`,
    `post-rollback`, `pre-delete`, `post-delete`, `test` (and its old alias `test-success`).

    ## Why is this bad?
    When any part of the value is unknown, Helm skips the **whole resource**: it is neither run
    as a hook nor installed as a normal resource, and it vanishes from `helm template` output
    too. The only trace is a line on stderr — Helm 3: `manifest_sorter.go:199: info: skipping
    unknown hook: "pre-instal"`; Helm 4: `level=INFO msg="skipping unknown hooks"
    hookTypes=pre-instal` — and the command still succeeds (`manifest_sorter.go`, [How Helm reads `helm.sh/hook`](helm-hooks.md#parsing)). Event names are compared after
    lower-casing and trimming, so `Pre-Install` is fine and `pre-instal` is not.

    ## Example
    ```yaml
    annotations:
      helm.sh/hook: pre-instal,pre-upgrade
    ```

    ## Fix
    Use a known event. The quick fix replaces the token with the closest event name:
    ```yaml
    annotations:
      helm.sh/hook: pre-install,pre-upgrade
    ```
    """
    for ann in literal_hooks(res):
        for tok in ann.tokens:
            value = tok.value
            if not value or A.canonical_event(value) is not None or value in A.REMOVED_EVENTS:
                continue  # empty parts and removed events have their own rules
            if any(sep in value for sep in (";", " ", "\t", "\n")):
                continue  # wrong separators have their own rule
            guess = did_you_mean(value, _ALL_EVENT_TOKENS)
            hint = f"; did you mean `{guess}`?" if guess else ""
            fixes = [Fix.replace(tok.span, guess, f"Replace with `{guess}`")] if guess and tok.exact else []
            yield ctx.violation(
                tok.span,
                f"`{tok.raw.strip()}` is not a Helm hook event: Helm skips this whole "
                f"{kind_of(res)} (it is neither run as a hook nor installed), saying only "
                f"`{skip_log_line(ann.helm_value or '', ctx.profile.helm_version)}` on stderr{hint}",
                fixes,
            )


@rule("HK102", "removed-hook-event", Severity.ERROR, FixAvailability.NONE)
def removed_hook_event(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags the Helm 2 hook events `crd-install` and `test-failure` in a `helm.sh/hook` value.

    ## Why is this bad?
    Neither is a hook event in Helm 3 or 4: `crd-install` was never carried over from Helm 2 and
    `test-failure` was removed in Helm 3 ([How Helm reads `helm.sh/hook`](helm-hooks.md#parsing)). Like any unknown event, they make Helm
    skip the **whole resource**: a CRD annotated `crd-install` is not installed at all, and
    nothing but a line on stderr says so (Helm 3 `info: skipping unknown hook: "crd-install"`,
    Helm 4 `level=INFO msg="skipping unknown hooks" hookTypes=crd-install`) ([How Helm reads `helm.sh/hook`](helm-hooks.md#parsing)).
    Helm 4's `helm lint` no longer warns about `crd-install`, and Helm 3's lint misses it when
    the value is quoted or lists other events ([helm lint](helm-hooks.md#helm-lint)).

    ## Example
    ```yaml
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: widgets.example.com
      annotations:
        helm.sh/hook: crd-install
    ```

    ## Fix
    Move CustomResourceDefinitions to the chart's `crds/` folder, which Helm installs before
    rendering the templates (on install only; upgrades never touch `crds/`, [Subcharts and CRDs](helm-hooks.md#subcharts-and-crds)), or manage
    them with a template or a hook of your own. For `test-failure`, write a `test` hook whose
    command succeeds when the expected failure happens.
    """
    for ann in literal_hooks(res):
        for tok in ann.tokens:
            why = A.REMOVED_EVENTS.get(tok.value)
            if why is None:
                continue
            advice = (
                "; CRDs belong in the chart's crds/ folder"
                if tok.value == "crd-install"
                else "; write a `test` hook that succeeds when the expected failure happens"
            )
            yield ctx.violation(
                tok.span,
                f"`{tok.value}` is not a hook event in Helm 3 or 4 ({why.split(';')[0].split('. ')[0]}): "
                f"Helm skips this whole {kind_of(res)}, it is neither run nor installed, saying only "
                f"`{skip_log_line(ann.helm_value or '', ctx.profile.helm_version)}` on stderr{advice}",
            )


@rule("HK103", "test-success-alias", Severity.HINT, FixAvailability.SOMETIMES)
def test_success_alias(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Points out `test-success` in a `helm.sh/hook` value.

    ## Why is this bad?
    `test-success` is the Helm 2 name of the `test` event. Helm 3 and 4 still accept it as an
    alias "for backward compatibility with Helm 2 tests" and record it as `test` (
    [How Helm reads `helm.sh/hook`](helm-hooks.md#parsing)), so it works — but readers (and other tools) may not know it, and next to `test` it
    makes the hook run twice ([How Helm reads `helm.sh/hook`](helm-hooks.md#parsing); `duplicate-hook-event` reports that).

    ## Example
    ```yaml
    annotations:
      helm.sh/hook: test-success
    ```

    ## Fix
    Write the current event name. The quick fix replaces the alias (unless the value already
    lists `test`; then remove the duplicate instead):
    ```yaml
    annotations:
      helm.sh/hook: test
    ```
    """
    for ann in literal_hooks(res):
        tokens = ann.tokens
        for tok in tokens:
            if tok.value != "test-success":
                continue
            has_test = any(t.value == "test" for t in tokens)
            fixes = [] if has_test or not tok.exact else [Fix.replace(tok.span, "test", "Replace with `test`")]
            yield ctx.violation(
                tok.span,
                "`test-success` is the Helm 2 name of the `test` event; Helm 3 and 4 still read it as `test`",
                fixes,
                tags=("deprecated",),
            )


@rule("HK104", "malformed-hook-event-list", Severity.ERROR, FixAvailability.SOMETIMES)
def malformed_hook_event_list(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `helm.sh/hook` value that is empty or null, has an empty part (a leading, trailing
    or doubled comma), or separates events with `;` or spaces instead of commas.

    ## Why is this bad?
    Helm splits the value on `,` only and trims each part ([How Helm reads `helm.sh/hook`](helm-hooks.md#parsing)). An empty
    part, or a part like `pre-install;post-install` or `pre-install post-install`, is an
    unknown event, and one unknown part makes Helm skip the **whole resource** without an
    error: it is neither run as a hook nor installed, and it is missing from `helm template`
    output too ([How Helm reads `helm.sh/hook`](helm-hooks.md#parsing)). An empty value or `helm.sh/hook:` (null) does the same.

    ## Example
    ```yaml
    annotations:
      helm.sh/hook: pre-install;pre-upgrade
      helm.sh/hook-delete-policy: before-hook-creation
    ---
    annotations:
      helm.sh/hook: post-install,
    ```

    ## Fix
    Separate events with commas, and drop empty parts. The quick fixes do both when every
    remaining part is a known event:
    ```yaml
    annotations:
      helm.sh/hook: pre-install,pre-upgrade
    ---
    annotations:
      helm.sh/hook: post-install
    ```
    """
    text = ctx.template.text
    for ann in literal_hooks(res):
        tokens = ann.tokens
        if not any(t.value for t in tokens):
            span = ann.value_span if len(ann.value_span) else ann.key_span
            yield ctx.violation(
                span,
                f"`helm.sh/hook` is empty: Helm silently skips this whole {kind_of(res)}, "
                "it is neither run as a hook nor installed",
            )
            continue
        for i, tok in enumerate(tokens):
            if not tok.value:
                where = "trailing" if i == len(tokens) - 1 else "leading" if i == 0 else "doubled"
                removal = removal_span(tokens, i)
                comma = removal if removal is not None else tok.span
                fixes = [Fix.replace(removal, "", "Remove the empty event")] if removal is not None else []
                if removal is not None:
                    # Point at the stray comma itself.
                    comma = Span(removal.start, removal.start + 1) if i > 0 else Span(removal.end - 1, removal.end)
                yield ctx.violation(
                    comma,
                    f"{where} comma in `helm.sh/hook`: the empty event is unknown, so Helm silently "
                    f"skips this whole {kind_of(res)} (it is neither run as a hook nor installed)",
                    fixes,
                )
                continue
            parts = split_on_separators(tok.value)
            if len(parts) < 2:
                continue
            sep = "`;`" if ";" in tok.value else "spaces"
            fixes = []
            if tok.exact and all(A.canonical_event(p) for p in parts):
                src = text[tok.span.start : tok.span.end]
                fixes.append(Fix.replace(tok.span, ",".join(split_on_separators(src)), "Separate the events with commas"))
            yield ctx.violation(
                tok.span,
                f"hook events separated by {sep}: Helm splits `helm.sh/hook` on commas only, reads "
                f"`{tok.raw.strip()}` as one unknown event and silently skips this whole {kind_of(res)}",
                fixes,
            )


@rule("HK105", "duplicate-hook-event", Severity.WARNING, FixAvailability.SOMETIMES)
def duplicate_hook_event(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags an event listed twice in one `helm.sh/hook` value, including `test` next to its
    alias `test-success`.

    ## Why is this bad?
    Helm keeps duplicates: the hook's event list holds the event twice and Helm adds the hook
    to that event's run list once per entry, so **the hook runs twice** in one operation
    ([How Helm reads `helm.sh/hook`](helm-hooks.md#parsing)). A Job that migrates a database or creates a one-off secret is
    created, awaited and (with `before-hook-creation`) deleted and created again.

    Different `helm.sh/hook` values in the branches of an `if`/`else` are not duplicates.

    ## Example
    ```yaml
    annotations:
      helm.sh/hook: test,test-success
    ```

    ## Fix
    List each event once. The quick fix removes the repeated entry:
    ```yaml
    annotations:
      helm.sh/hook: test
    ```
    """
    for ann in literal_hooks(res):
        tokens = ann.tokens
        seen: dict[str, Token] = {}
        for i, tok in enumerate(tokens):
            event = A.canonical_event(tok.value)
            if event is None:
                continue
            first = seen.get(event)
            if first is None:
                seen[event] = tok
                continue
            removal = removal_span(tokens, i)
            fixes = [Fix.replace(removal, "", f"Remove the repeated `{tok.raw.strip()}`")] if removal else []
            alias = next((t.value for t in (first, tok) if t.value in A.EVENT_ALIASES), None)
            same = f" (`{alias}` is an alias of `{event}`)" if alias else ""
            yield ctx.violation(
                tok.span,
                f"`{event}` is listed twice in `helm.sh/hook`{same}: Helm runs this hook twice on that event",
                fixes,
            )
