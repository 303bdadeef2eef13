"""HK1xx: the `helm.sh/hook*` annotations themselves (reference §1, §2, §4)."""

from __future__ import annotations

import difflib
from typing import Iterator

from ...knowledge import annotations as A
from ..hook_model import Resource
from .registry import Fix, FixAvailability, RuleContext, Severity, Violation, rule

_ALL_EVENT_TOKENS = A.EVENT_NAMES + tuple(A.EVENT_ALIASES)


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str | None:
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return match[0] if match else None


@rule("HK101", "unknown-hook-event", Severity.ERROR, FixAvailability.SOMETIMES)
def unknown_hook_event(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a part of a `helm.sh/hook` value that is not one of Helm's hook events:
    `pre-install`, `post-install`, `pre-upgrade`, `post-upgrade`, `pre-rollback`,
    `post-rollback`, `pre-delete`, `post-delete`, `test` (and its old alias `test-success`).

    ## Why is this bad?
    When any part of the value is unknown, Helm skips the **whole resource**: it is neither run
    as a hook nor installed as a normal resource, and it vanishes from `helm template` output
    too. The only trace is an `info: skipping unknown hook` line on stderr; the command still
    succeeds (`manifest_sorter.go`, reference §1.2 step 5). Event names are compared after
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
    if res.hook is None:
        return
    for ann in res.hook.alternatives:
        for tok in ann.tokens:
            value = tok.value
            if not value or A.canonical_event(value) is not None or value in A.REMOVED_EVENTS:
                continue  # empty parts and removed events have their own rules
            if any(sep in value for sep in (";", " ", "\t", "\n")):
                continue  # wrong separators have their own rule
            guess = _did_you_mean(value, _ALL_EVENT_TOKENS)
            hint = f"; did you mean `{guess}`?" if guess else ""
            fixes = [Fix.replace(tok.span, guess, f"Replace with `{guess}`")] if guess and tok.exact else []
            yield ctx.violation(
                tok.span,
                f"`{tok.raw.strip()}` is not a Helm hook event: Helm silently skips this whole "
                f"{res.kind or 'resource'} (it is neither run as a hook nor installed){hint}",
                fixes,
            )
