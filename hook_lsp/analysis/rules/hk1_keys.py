"""HK106, HK107, HK115: annotation keys Helm does not read, and values that are not strings
(guide #parsing)."""

from __future__ import annotations

from typing import Iterator

from ...knowledge import annotations as A
from ..annotation_keys import key_guess as _key_guess
from ..hook_model import METADATA_PLACES as _METADATA_PLACES
from ..hook_model import Resource
from ..yaml_tree import YSeq
from .annotation_support import LITERAL_ORIGINS, kind_of, quoted_inside
from .registry import Fix, FixAvailability, RuleContext, Severity, Violation, rule


@rule("HK106", "misspelled-hook-annotation-key", Severity.WARNING, FixAvailability.SOMETIMES)
def misspelled_hook_annotation_key(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags an annotation key that looks like one of Helm's hook keys (`helm.sh/hook`,
    `helm.sh/hook-weight`, `helm.sh/hook-delete-policy`, `helm.sh/hook-output-log-policy`,
    `helm.sh/resource-policy`) but is not spelled exactly like it.

    ## Why is this bad?
    Helm looks these keys up in a Go map: the lookup is exact and case-sensitive (
    [How Helm reads `helm.sh/hook`](helm-hooks.md#parsing)). `Helm.sh/hook` or `helm.sh/hooks` is just another annotation, so the
    resource is installed as a **plain resource** instead of running as a hook; a misspelled
    weight or delete policy is ignored (weight 0, default `before-hook-creation`). Nothing
    warns about it.

    ## Example
    ```yaml
    annotations:
      Helm.sh/hook: pre-install
      helm.sh/hook-weights: "-5"
    ```

    ## Fix
    Spell the key exactly as Helm does. The quick fix renames it:
    ```yaml
    annotations:
      helm.sh/hook: pre-install
      helm.sh/hook-weight: "-5"
    ```
    """
    text = ctx.template.text
    present = {a.key for a in res.annotations if not a.key_templated}
    for ann in res.annotations:
        if ann.key_templated or ann.origin not in LITERAL_ORIGINS:
            continue
        guess = _key_guess(ann.key)
        if guess is None:
            continue
        if not guess:
            yield ctx.violation(
                ann.key_span,
                f"`{ann.key}` is not an annotation Helm reads: it has no effect on the hook "
                f"(Helm's keys are {', '.join(f'`{k}`' for k in A.KNOWN_HELM_KEYS)})",
            )
            continue
        effect = {
            A.HOOK: f"Helm installs this {kind_of(res)} as a plain resource, not as a hook",
            A.WEIGHT: "Helm ignores it and uses weight 0",
            A.DELETE_POLICY: "Helm ignores it and applies the default `before-hook-creation`",
            A.OUTPUT_LOG_POLICY: "Helm ignores it and prints no hook logs",
            A.RESOURCE_POLICY: "Helm ignores it",
        }[guess]
        if guess == A.HOOK and A.HOOK in present:
            effect = "Helm ignores it (the resource has a `helm.sh/hook` key too)"
        fixes = []
        if guess not in present:
            span = ann.key_span if ann.origin == "dict" else quoted_inside(text, ann.key_span)
            fixes.append(Fix.replace(span, guess, f"Rename to `{guess}`"))
        yield ctx.violation(
            ann.key_span,
            f"`{ann.key}` is not `{guess}`: Helm's lookup is exact and case-sensitive, so {effect}",
            fixes,
        )




@rule("HK107", "misplaced-hook-annotation", Severity.WARNING, FixAvailability.NONE)
def misplaced_hook_annotation(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `helm.sh/hook*` or `helm.sh/resource-policy` key anywhere but the resource's own
    `metadata.annotations`: in the pod template's metadata, in labels, directly under
    `metadata`, in a Job's `spec`... Several keys in the same wrong place are one finding.

    ## Why is this bad?
    Helm reads only `metadata.annotations` of each rendered document ([How Helm reads `helm.sh/hook`](helm-hooks.md#parsing)
    and 3). Elsewhere the key does nothing: a Job whose hook annotation sits in
    `spec.template.metadata.annotations` is installed as a **plain resource** when the chart
    is installed, instead of running as a hook before or after it.

    ## Example
    ```yaml
    kind: Job
    metadata:
      name: migrate
    spec:
      template:
        metadata:
          annotations:
            helm.sh/hook: pre-upgrade
    ```

    ## Fix
    Move the key to the resource's `metadata.annotations`:
    ```yaml
    kind: Job
    metadata:
      name: migrate
      annotations:
        helm.sh/hook: pre-upgrade
    spec:
      template:
        metadata: {}
    ```
    """
    present = {a.key.lower() for a in res.annotations if not a.key_templated}
    # One finding per place: several keys written in the same wrong map are one mistake.
    places: dict[str, list] = {}
    for where, ann in res.misplaced:
        if ann.key_templated or where.rsplit(".", 1)[-1] not in _METADATA_PLACES:
            continue  # a key in `data:` or a spec field is a value of its own, not a misplaced annotation
        if ann.key.strip().lower() in present:
            continue  # also set where Helm reads it: a harmless copy
        places.setdefault(where, []).append(ann)
    for where, anns in places.items():
        keys = [a.key.strip() for a in anns]
        if any(k.lower() == A.HOOK for k in keys) and res.hook is None and not res.annotations_dynamic:
            consequence = f": this {kind_of(res)} is installed as a plain resource, not run as a hook"
        else:
            consequence = ": it has no effect there" if len(keys) == 1 else ": they have no effect there"
        named = " and ".join(f"`{k}`" for k in dict.fromkeys(keys))
        yield ctx.violation(
            anns[0].key_span,
            f"Helm reads {named} only from the resource's own `metadata.annotations`, "
            f"not from `{where}`{consequence}",
        )


@rule("HK115", "non-scalar-annotation-value", Severity.ERROR, FixAvailability.NONE)
def non_scalar_annotation_value(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags an annotation whose value is a YAML list or mapping, on any resource (hook or not),
    and an `annotations` field that is a list.

    ## Why is this bad?
    Annotation values must be strings. Helm decodes every rendered document's
    `metadata.annotations` into a string map while sorting the manifests, so one list or map
    value fails the **whole render**: `helm install`, `upgrade` and `template` stop with
    `YAML parse error on <chart>/templates/...: ... cannot unmarshal array into Go struct field
    .metadata.annotations of type string`, and nothing is created ([How Helm reads `helm.sh/hook`](helm-hooks.md#parsing)).

    ## Example
    ```yaml
    metadata:
      annotations:
        helm.sh/hook:
          - pre-install
          - pre-upgrade
    ```

    ## Fix
    Write the value as one string (for hook events, comma-separated):
    ```yaml
    metadata:
      annotations:
        helm.sh/hook: pre-install,pre-upgrade
    ```
    """
    node = res.annotations_node
    masked = ctx.template.masked
    if isinstance(node, YSeq) and not masked.is_templated(node.span) and res.metadata is not None:
        pair = res.metadata.get_pair("annotations")
        yield ctx.violation(
            pair[0].span if pair else node.span,
            "`metadata.annotations` is a list, not a mapping: Helm fails the whole render "
            "(`cannot unmarshal array into Go struct field .metadata.annotations`)",
        )
        return
    for ann in res.annotations:
        if ann.origin != "yaml" or ann.templated or ann.key_templated or ann.yaml_type not in ("map", "seq"):
            continue
        shape = "a list" if ann.yaml_type == "seq" else "a mapping"
        go = "array" if ann.yaml_type == "seq" else "object"
        yield ctx.violation(
            ann.key_span,
            f"the value of `{ann.key}` is {shape}, but annotation values must be strings: Helm fails "
            f"the whole render (`cannot unmarshal {go} into Go struct field .metadata.annotations of type string`)",
        )
