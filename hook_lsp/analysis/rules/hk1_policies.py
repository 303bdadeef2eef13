"""HK111-HK114: delete, output-log and resource policies on hooks."""

from __future__ import annotations

from typing import Iterator

from ...knowledge import annotations as A
from ..hook_model import Resource
from .annotation_support import LITERAL_ORIGINS, did_you_mean, literal_annotations, removal_fix, split_on_separators
from .registry import Fix, FixAvailability, RuleContext, Severity, Violation, rule


def _policy_violations(
    res: Resource, ctx: RuleContext, key: str, valid: tuple[str, ...], what: str, default_note: str
) -> Iterator[Violation]:
    """Unknown parts of a comma-separated policy annotation (delete or output-log policy)."""
    for ann in literal_annotations(res, key):
        tokens = ann.tokens
        if ann.helm_value.strip() == "":
            if default_note:
                yield ctx.violation(
                    ann.value_span if len(ann.value_span) else ann.key_span,
                    f"empty `{key}`: Helm stores it as one unknown policy, so {default_note}",
                )
            continue
        unknown = [t for t in tokens if t.value and t.value not in valid]
        all_unknown = len(unknown) == len([t for t in tokens if t.value])
        for tok in unknown:
            parts = split_on_separators(tok.value)
            fixes: list[Fix] = []
            if len(parts) > 1 and all(p in valid for p in parts):
                hint = f"; separate policies with commas: `{','.join(parts)}`"
                if tok.exact:
                    fixes.append(Fix.replace(tok.span, ",".join(parts), "Separate the policies with commas"))
            else:
                guess = did_you_mean(tok.value, valid)
                hint = f"; did you mean `{guess}`?" if guess else f" (valid: {', '.join(valid)})"
                if guess and tok.exact and guess not in [t.value for t in tokens]:
                    fixes.append(Fix.replace(tok.span, guess, f"Replace with `{guess}`"))
            tail = f", and since a policy is given {default_note}" if default_note and all_unknown else ""
            yield ctx.violation(
                tok.span, f"`{tok.raw.strip()}` is not {what}: {ctx.profile.hook_runner} ignores it{tail}{hint}", fixes
            )


@rule("HK111", "unknown-delete-policy", Severity.WARNING, FixAvailability.SOMETIMES)
def unknown_delete_policy(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a part of `helm.sh/hook-delete-policy` that is not `before-hook-creation`,
    `hook-succeeded` or `hook-failed` (compared after trimming and lower-casing).

    ## Why is this bad?
    Helm stores every part without checking it, and an unknown part never matches, so it is
    silently ignored ([Delete policies](helm-hooks.md#delete-policies)). Worse, the default `before-hook-creation` applies only
    when **no** policy is given: a lone typo such as `hook-succeded` switches the default off,
    the hook object is never deleted, and the next install or upgrade fails with
    `... already exists` on Helm 3 ([Delete policies](helm-hooks.md#delete-policies)). An empty value does the same.

    ## Example
    ```yaml
    annotations:
      helm.sh/hook: pre-upgrade
      helm.sh/hook-delete-policy: before-hook-creation,hook-succeded
    ```

    ## Fix
    Use the policy names Helm knows. The quick fix replaces a misspelt policy with the closest
    one, or puts commas between policies separated by `;` or spaces:
    ```yaml
    annotations:
      helm.sh/hook: pre-upgrade
      helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
    ```
    """
    if res.hook is None:
        return
    yield from _policy_violations(
        res, ctx, A.DELETE_POLICY, A.DELETE_POLICIES, "a hook delete policy",
        "" if ctx.profile.default_policy_despite_unknown else "the default `before-hook-creation` no longer applies",
    )


@rule("HK112", "unknown-output-log-policy", Severity.WARNING, FixAvailability.SOMETIMES)
def unknown_output_log_policy(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a part of `helm.sh/hook-output-log-policy` that is not `hook-succeeded` or
    `hook-failed` (compared after trimming and lower-casing).

    ## Why is this bad?
    Since Helm 3.18, this annotation prints the logs of a Job or Pod hook to Helm's stderr
    when the hook succeeds or fails. Helm parses it like the delete policy and silently
    ignores parts it does not know, so a typo means the logs you asked for never appear —
    typically exactly when a hook fails in CI ([Output logs](helm-hooks.md#output-logs)).

    ## Example
    ```yaml
    annotations:
      helm.sh/hook: pre-install
      helm.sh/hook-output-log-policy: hook-failure
    ```

    ## Fix
    Use `hook-succeeded` and/or `hook-failed`. The quick fix replaces a misspelt policy with
    the closest one:
    ```yaml
    annotations:
      helm.sh/hook: pre-install
      helm.sh/hook-output-log-policy: hook-failed
    ```
    """
    if res.hook is None:
        return
    yield from _policy_violations(
        res, ctx, A.OUTPUT_LOG_POLICY, A.OUTPUT_LOG_POLICIES, "an output log policy (Helm >= 3.18)", ""
    )


@rule("HK113", "ineffective-output-log-policy", Severity.WARNING, FixAvailability.SOMETIMES)
def ineffective_output_log_policy(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `helm.sh/hook-output-log-policy` on a hook whose kind is neither `Job` nor `Pod`.

    ## Why is this bad?
    Helm (3.18 and later) prints hook logs only for Job hooks (the pods labelled
    `job-name=<name>`) and Pod hooks; for every other kind the annotation does nothing
    ([Output logs](helm-hooks.md#output-logs)). On a Deployment or a ConfigMap hook it suggests logs that never come.
    Helm before 3.18 ignores the annotation altogether.

    ## Example
    ```yaml
    kind: Deployment
    metadata:
      annotations:
        helm.sh/hook: post-install
        helm.sh/hook-output-log-policy: hook-failed
    ```

    ## Fix
    Remove the annotation (the quick fix does), or run the work in a Job hook whose logs Helm
    can print:
    ```yaml
    kind: Deployment
    metadata:
      annotations:
        helm.sh/hook: post-install
    ```
    """
    if res.hook is None or res.kind is None or res.kind in A.OUTPUT_LOG_KINDS:
        return
    for ann in res.annotations_named(A.OUTPUT_LOG_POLICY):
        if ann.key_templated or ann.origin not in LITERAL_ORIGINS:
            continue
        fix = removal_fix(ann, ctx.template.text, "Remove the annotation")
        yield ctx.violation(
            ann.key_span,
            f"`{A.OUTPUT_LOG_POLICY}` has no effect on a {res.kind}: Helm (>= 3.18) prints the logs "
            "of Job and Pod hooks only",
            [fix] if fix else [],
            tags=("unnecessary",),
        )


@rule("HK114", "resource-policy-on-hook", Severity.INFORMATION, FixAvailability.SOMETIMES)
def resource_policy_on_hook(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Points out `helm.sh/resource-policy` on a hook.

    ## Why is this bad?
    Helm reads `helm.sh/resource-policy: keep` only for the chart's plain resources, when
    uninstall or upgrade would delete them. No hook code consults it ([Hook objects and the release](helm-hooks.md#lifecycle)): hook
    objects are never deleted by `helm uninstall` anyway, and their delete policy removes them
    whether or not `keep` is set. The annotation suggests a protection that does not exist.
    (Helm's documentation mentions it only in case hook garbage collection is added later.)

    When the `helm.sh/hook` annotation itself is conditional, the resource may be a plain
    resource where `keep` matters, and nothing is reported.

    ## Example
    ```yaml
    annotations:
      helm.sh/hook: pre-install
      helm.sh/hook-delete-policy: before-hook-creation
      helm.sh/resource-policy: keep
    ```

    ## Fix
    Remove the annotation, or make the object a plain resource if it must survive uninstall
    with `keep`. The quick fix (not applied by "fix all") removes it:
    ```yaml
    annotations:
      helm.sh/hook: pre-install
      helm.sh/hook-delete-policy: before-hook-creation
    ```
    """
    if res.hook is None:
        return
    masked = ctx.template.masked
    for ann in res.annotations_named(A.RESOURCE_POLICY):
        if ann.key_templated or ann.origin not in LITERAL_ORIGINS:
            continue
        # A conditional hook annotation may leave a plain resource, where `keep` works (#lifecycle).
        # Only a YAML hook key in the same `if` branch as `keep` proves both are rendered together.
        if any(
            h.conditional
            and not (
                h.origin == ann.origin == "yaml"
                and masked.branch_path(h.key_span.start) == masked.branch_path(ann.key_span.start)
            )
            for h in res.hook.alternatives
        ):
            continue
        fix = removal_fix(ann, ctx.template.text, "Remove `helm.sh/resource-policy`", safe=False)
        yield ctx.violation(
            ann.key_span,
            "`helm.sh/resource-policy` has no effect on a hook: Helm reads it only for plain "
            "resources, and `helm uninstall` never deletes hook objects anyway",
            [fix] if fix else [],
            tags=("unnecessary",),
        )
