"""HK2xx jobs and pods: whether Helm's wait for a hook can end, and plain Jobs on upgrade.

Helm waits for a Job hook until it completes and for a Pod hook until it succeeds, one hook at
a time, up to `--timeout` each. These rules look at the pod and Job
fields that decide whether that wait can end: `restartPolicy`, `ttlSecondsAfterFinished`,
`activeDeadlineSeconds` and `backoffLimit`; and at plain Jobs, which upgrades cannot change.

A key that is absent proves nothing when a template action could emit it, so every "missing
key" check first asks `_keys_may_be_injected`.
"""

from __future__ import annotations

import re
from typing import Iterator

from ...knowledge.kinds_text import JOB_DEADLINE_SECONDS
from ..gotemplate import tokenize
from ..hook_model import Resource, TemplateAnalysis
from ..source import Span
from ..yaml_tree import YMap, YScalar, path_get
from ..yaml_types import go_atoi
from .registry import Edit, Fix, FixAvailability, RuleContext, Severity, Violation, rule

_JOB_RESTART_POLICIES = ("Never", "OnFailure")
#: A TTL this short can delete the Job before Helm 4's watcher has seen it complete (#waiting).
SHORT_TTL_SECONDS = 10


def _keys_may_be_injected(res: Resource, template: TemplateAnalysis, node: YMap) -> bool:
    """Could a template action add keys to ``node`` that the YAML does not show?

    True when the document did not parse to the end (keys after the error are unseen), or when
    an action that renders a block (masked to blanks) sits at or left of the mapping's key
    column anywhere from the mapping's start to the next less-indented line.
    """
    if res.document.problem is not None or res.document.partial:
        return True
    keys = [k for k, _ in node.items()]
    if not keys:
        return True
    index = template.index
    col = min(index.position(k.span.start)[1] for k in keys)
    masked = template.masked
    # Include the action-only lines just above the first key (`{{- include ... | nindent 6 }}`).
    line = index.position(node.span.start)[0]
    begin = index.line_start(line)
    while line > 0 and not masked.text[index.line_start(line - 1) : index.line_end(line - 1)].strip():
        line -= 1
        begin = index.line_start(line)
    line = index.position(node.span.end)[0]
    end = node.span.end
    # Extend past the last value: actions on the following lines may still add keys here.
    while line + 1 < index.line_count:
        line += 1
        start = index.line_start(line)
        text = masked.text[start : index.line_end(line)]
        if text.strip() and len(text) - len(text.lstrip()) < col:
            break
        end = index.line_end(line)
    for action in masked.actions_in(Span(begin, end)):
        if action.kind != "output" or masked.text[action.span.start] != " ":
            continue
        if index.position(action.span.start)[1] <= col:
            return True
    return False


def _insert_key_fix(res: Resource, template: TemplateAnalysis, node: YMap, line: str, title: str) -> Fix | None:
    """Insert ``line`` as the first key of the block mapping ``node``, if that is clean."""
    first = next(iter(node.items()), None)
    if first is None:
        return None
    key = first[0]
    index = template.index
    start = index.line_start(index.position(key.span.start)[0])
    indent = template.text[start : key.span.start]
    if indent.strip() or template.masked.branch_path(key.span.start) != template.masked.branch_path(res.anchor.start):
        return None
    return Fix(title, (Edit(Span(start, start), f"{indent}{line}\n"),))


def _restart_fixes(res: Resource, template: TemplateAnalysis, current: YScalar | None, pod: YMap) -> list[Fix]:
    fixes = []
    for value, safe in (("Never", True), ("OnFailure", False)):
        title = f"Set `restartPolicy: {value}`"
        if current is not None:
            fix = Fix.replace(current.span, value, title, safe) if current.style is None else None
        else:
            fix = _insert_key_fix(res, template, pod, f"restartPolicy: {value}", title)
            fix = Fix(fix.title, fix.edits, safe) if fix else None
        if fix is not None:
            fixes.append(fix)
    return fixes


def _hook_ready(res: Resource) -> bool:
    return res.hook is not None and res.hook.known and not res.hook.skipped and bool(res.hook.events)


@rule("HK206", "pod-hook-never-succeeds", Severity.ERROR, FixAvailability.SOMETIMES)
def pod_hook_never_succeeds(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `Pod` hook whose `restartPolicy` is `Always`, written out or left to the
    Kubernetes default (which is `Always` for a bare Pod).

    ## Why is this bad?
    Helm waits for a Pod hook until its phase is `Succeeded` ([What Helm waits for](helm-hooks.md#waiting)). With
    `restartPolicy: Always` the kubelet restarts the container every time it exits, even with
    status 0, so the Pod never reaches `Succeeded`. Helm waits until `--timeout` (5 minutes by
    default, [Timeout](helm-hooks.md#timeout)) and then fails the install, upgrade or test, although the
    container did its work.

    ## Example
    ```yaml
    kind: Pod
    metadata:
      annotations:
        helm.sh/hook: test
    spec:
      containers:
        - name: check
          image: busybox
    ```

    ## Fix
    Set `restartPolicy: Never` (the quick fix), or `OnFailure` to retry a failing container
    in place.
    """
    if res.kind != "Pod" or not _hook_ready(res) or res.workload is None:
        return
    pod = res.workload.pod_spec
    current = res.workload.restart_policy
    template = ctx.template
    if current is not None:
        if template.masked.is_templated(current.span) or current.value != "Always":
            return
        span, what = current.span, "`restartPolicy: Always`"
    else:
        if pod.get("restartPolicy") is not None or _keys_may_be_injected(res, template, pod):
            return
        span, what = res.anchor, "no `restartPolicy` (the default for a Pod is `Always`)"
    yield ctx.violation(
        span,
        f"this Pod hook has {what}: its container is restarted after every exit, so the Pod never "
        "reaches `Succeeded` and Helm waits until `--timeout`, then fails",
        _restart_fixes(res, template, current, pod),
    )


@rule("HK207", "hook-job-restart-policy-invalid", Severity.ERROR, FixAvailability.SOMETIMES)
def hook_job_restart_policy_invalid(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `Job` hook whose pod template has a `restartPolicy` other than `Never` or
    `OnFailure`, or none at all.

    ## Why is this bad?
    The API server rejects such a Job (`spec.template.spec.restartPolicy: Unsupported value:
    "Always"`; an absent value defaults to `Always`). `helm template` and `helm lint` pass, and
    the error shows up only when the hook runs: Helm stops with `warning: Hook <event> <file>
    failed: Job.batch "<name>" is invalid` and the operation fails ([What a failure leaves behind](helm-hooks.md#failures)).

    ## Example
    ```yaml
    kind: Job
    metadata:
      annotations:
        helm.sh/hook: pre-install
    spec:
      template:
        spec:
          restartPolicy: Always
    ```

    ## Fix
    Use `restartPolicy: Never` (a failed pod is replaced by a new one, up to `backoffLimit`)
    or `OnFailure` (the container is restarted in place). The quick fix sets `Never`.
    """
    if res.kind != "Job" or not _hook_ready(res) or res.workload is None:
        return
    pod = res.workload.pod_spec
    current = res.workload.restart_policy
    template = ctx.template
    if current is not None:
        if template.masked.is_templated(current.span) or current.value in _JOB_RESTART_POLICIES:
            return
        span, what = current.span, f"`restartPolicy: {current.value}`"
    else:
        if pod.get("restartPolicy") is not None or _keys_may_be_injected(res, template, pod):
            return
        span, what = res.anchor, "no `restartPolicy` in its pod template (the default is `Always`)"
    yield ctx.violation(
        span,
        f"this Job hook has {what}: the API server rejects a Job unless it is `Never` or `OnFailure`, "
        "and the error surfaces only when the hook runs (`Job.batch ... is invalid`)",
        _restart_fixes(res, template, current, pod),
    )


def _job_spec(res: Resource) -> YMap | None:
    spec = path_get(res.document.root, "spec")
    return spec if isinstance(spec, YMap) else None


@rule("HK208", "hook-job-ttl-race", Severity.WARNING, FixAvailability.SOMETIMES)
def hook_job_ttl_race(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    With Helm 4 (the default `helmVersion`), flags a `Job` hook whose
    `ttlSecondsAfterFinished` is a literal of at most 10 seconds.

    ## Why is this bad?
    The TTL controller deletes the Job that many seconds after it finishes. Helm 4's hook
    watcher (kstatus) never counts a Job that has disappeared as done: it reports `NotFound`
    and waits until `--timeout`, then fails with `status: NotFound, message: Resource not found`
    and `context deadline exceeded` ([What Helm waits for](helm-hooks.md#waiting)).

    It is a race, not a certainty. When the watcher has seen the Job `Complete` before the TTL
    controller deletes it, the hook succeeds and nothing is wrong. When the deletion comes
    first, the hook times out: likely with a TTL of 0, possible with a few seconds (a slow API
    server, a busy controller, or a Job that finishes before Helm's watch has started). Helm 3,
    and Helm 4 with `--wait=legacy`, count a deleted hook as done; fixes for Helm 4's watcher
    are still open (helm/helm#31851, #32586).

    Longer TTLs leave the watcher ample time and are not flagged.

    ## Example
    ```yaml
    kind: Job
    metadata:
      annotations:
        helm.sh/hook: pre-install,pre-upgrade
    spec:
      ttlSecondsAfterFinished: 0
    ```

    ## Fix
    Remove `ttlSecondsAfterFinished` and let the delete policy clean up
    (`before-hook-creation,hook-succeeded`), or use a TTL of a minute or more.
    """
    if ctx.helm3 or res.kind != "Job" or not _hook_ready(res) or res.workload is None:
        return
    ttl = res.workload.ttl_seconds_after_finished
    if ttl is None or ttl.style is not None or ctx.template.masked.is_templated(ttl.span):
        return
    seconds = go_atoi(ttl.value)
    if seconds is None or seconds > SHORT_TTL_SECONDS:
        return
    fixes = []
    text, index = ctx.template.text, ctx.template.index
    line = index.position(ttl.span.start)[0]
    start, end = index.line_start(line), index.line_end(line)
    if text[start:end].strip() == f"ttlSecondsAfterFinished: {ttl.value}" and end < len(text):
        fixes.append(
            Fix(
                "Remove `ttlSecondsAfterFinished` (let the delete policy clean up)",
                (Edit(Span(start, end + 1), ""),),
                safe=False,
            )
        )
    yield ctx.violation(
        ttl.span,
        f"`ttlSecondsAfterFinished: {ttl.value}` lets the TTL controller delete this Job as soon as it "
        "finishes: if that happens before Helm 4's watcher has seen it `Complete`, the watcher sees "
        "`NotFound` and waits until `--timeout` (a race; `--wait=legacy` and Helm 3 count the deletion "
        "as success)",
        fixes,
    )


@rule("HK209", "unbounded-hook-job", Severity.INFORMATION)
def unbounded_hook_job(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `Job` hook that sets neither `activeDeadlineSeconds` nor `backoffLimit`.

    ## Why is this bad?
    Helm waits for each hook up to `--timeout` (5 minutes by default) and then fails, but it
    does not stop the Job ([Timeout](helm-hooks.md#timeout)): the Job keeps running or retrying in the cluster.
    hook-lsp recommends `activeDeadlineSeconds` below `--timeout` (240 s for the default 5
    minutes; its Job scaffolds use the same), so the Job fails with its own reason first.
    Kubernetes ends a Job only through `activeDeadlineSeconds` or by exhausting `backoffLimit`;
    the default `backoffLimit` of 6 with exponential back-off (10 s, 20 s, 40 s ... per retry)
    outlasts the default timeout, so a failing hook ends as an opaque timeout (Helm 3:
    `timed out waiting for the condition`, Helm 4: `context deadline exceeded`) instead of
    `BackoffLimitExceeded`, and a hanging
    pod is never killed. (With `hook-failed` Helm deletes the Job when it gives up, so only
    the masked error remains.) This is information, not a bug: set the limits you mean.

    ## Example
    ```yaml
    kind: Job
    metadata:
      annotations:
        helm.sh/hook: pre-upgrade
    spec:
      template:
        spec:
          restartPolicy: Never
    ```

    ## Fix
    Bound the Job below Helm's timeout, for example:
    ```yaml
    spec:
      backoffLimit: 2
      activeDeadlineSeconds: 240
    ```
    """
    if res.kind != "Job" or not _hook_ready(res):
        return
    spec = _job_spec(res)
    if spec is None or spec.get("activeDeadlineSeconds") is not None or spec.get("backoffLimit") is not None:
        return
    if _keys_may_be_injected(res, ctx.template, spec):
        return
    if ctx.profile.unbounded_job_message():
        yield ctx.violation(res.anchor, ctx.profile.unbounded_job_message())
        return
    policies = res.hook.effective_delete_policies or []
    # `hook-failed` deletes the Job when Helm gives up, so only the masked error remains (#timeout).
    runaway = "" if "hook-failed" in policies else "Helm gives up at `--timeout` but the Job keeps running, and "
    yield ctx.violation(
        res.anchor,
        f"this Job hook sets neither `activeDeadlineSeconds` nor `backoffLimit`: {runaway}with the "
        "default 6 retries and their back-off a failing hook outlasts the default 5-minute timeout "
        f"and shows up as a timeout rather than its own error; bound it below `--timeout` "
        f"(`activeDeadlineSeconds: {JOB_DEADLINE_SECONDS}` for the default)",
    )


#: Parts of a Job name that render the same on every upgrade.
_STATIC_FIELDS = frozenset({".Release.Name", ".Chart.Name", ".", "$"})
_STATIC_FUNCS = frozenset({"include", "template", "printf", "trunc", "trimSuffix", "quote", "lower", "print"})
_NAME_HELPER = re.compile(r"(fullname|\.name|\.names\.name)$", re.IGNORECASE)


def _name_is_stable(res: Resource, template: TemplateAnalysis, constant: frozenset[str] = frozenset()) -> bool:
    """True when the Job name renders the same on every upgrade (release name/fullname at most,
    and the ``constant`` fields the deployer renders the same each time)."""
    node = res.name_node
    if node is None:
        return False
    for action in template.masked.actions_in(node.span):
        tokens = tokenize(action.body, action.body_start)
        for i, tok in enumerate(tokens):
            if tok.kind == "field" and tok.text not in _STATIC_FIELDS and tok.text not in constant:
                return False
            if tok.kind == "ident" and tok.text not in _STATIC_FUNCS:
                return False
            helper = tok.is_string and i > 0 and tokens[i - 1].text in ("include", "template")
            if helper and not _NAME_HELPER.search(tok.string_value()):
                return False
            if tok.kind in ("other", "declare", "char", "raw"):
                return False
    return True


def _only_on_install(res: Resource, template: TemplateAnalysis) -> bool:
    """True when an enclosing ``if`` mentions ``.Release.IsInstall`` (the Job is not re-applied)."""
    masked = template.masked
    opens = [a for a in masked.actions if a.kind == "control" and a.keyword in ("if", "range", "with", "define", "block")]
    for block_id, _branch in masked.branch_path(res.anchor.start):
        if 0 < block_id <= len(opens) and "IsInstall" in opens[block_id - 1].body:
            return True
    return False


@rule("HK211", "fixed-name-plain-job", Severity.WARNING, FixAvailability.SOMETIMES)
def fixed_name_plain_job(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a `Job` that is a normal resource of the release (not a hook) and whose name is the
    same on every upgrade: a literal, or built only from the release name, the chart name and
    `fullname`/`name` helpers.

    Not flagged: names that include `.Release.Revision`, values, random or time functions,
    Jobs with `ttlSecondsAfterFinished` (the finished Job is gone before the next upgrade, which
    then creates it again), Jobs rendered only under `.Release.IsInstall`, Jobs whose
    annotations may come from values (they may be hooks), and Jobs whose hook annotation is
    misspelt or misplaced (the author meant a hook: that mistake is reported on its own). Under
    the `argocd` profile, `.Release.Revision` (always 1) and `.Release.IsInstall` (always true)
    exempt nothing, and Jobs with Argo CD's hook annotation are hooks.

    ## Why is this bad?
    A Job's `spec.template` is immutable. On `helm upgrade` Helm patches the existing Job, and
    any change to its pod template (a new image tag, a changed label or value) fails the
    upgrade with `Job.batch "<name>" is invalid: spec.template: ... field is immutable`. The
    Job also never runs again on upgrade, which is rarely what a migration or setup Job wants.

    ## Example
    ```yaml
    kind: Job
    metadata:
      name: {{ include "app.fullname" . }}-migrate
    ```

    ## Fix
    Make it a hook (`helm.sh/hook: pre-upgrade,pre-install` with the default
    `before-hook-creation`), so each run creates a fresh Job; or add `{{ .Release.Revision }}`
    to its name (the quick fix, marked unsafe because it renames the Job), so every upgrade
    creates a new Job and Helm deletes the previous one.
    """
    if res.kind != "Job" or res.meant_as_hook or res.annotations_dynamic or res.name_node is None:
        return  # (a misspelt or misplaced hook annotation is its own finding: the author meant a hook)
    if res.annotation("helm.sh/hook") is not None or res.generate_name is not None:
        return
    if ctx.profile.is_own_hook(res):
        return  # a hook of the deployer itself (Argo CD's annotation)
    template = ctx.template
    spec = _job_spec(res)
    if spec is None or spec.get("ttlSecondsAfterFinished") is not None or _keys_may_be_injected(res, template, spec):
        return
    rendered = ctx.profile.template_constants()
    if not _name_is_stable(res, template, rendered.fields):
        return
    if not rendered.always_install and _only_on_install(res, template):
        return
    node = res.name_node
    fixes = []
    if rendered.message:
        yield ctx.violation(node.span, rendered.message)
        return
    if node.style in (None, '"') and not res.name_raw.endswith("-"):
        at = node.span.end - (1 if node.style == '"' else 0)
        suffix = "-{{ .Release.Revision }}"
        fixes.append(Fix(f"Add `{suffix[1:]}` to the name", (Edit(Span(at, at), suffix),), safe=False))
    yield ctx.violation(
        node.span,
        "this Job is a normal resource with the same name on every upgrade: its `spec.template` is "
        "immutable, so an upgrade that changes the pod template fails (`field is immutable`), and it "
        "never runs again; make it a hook or put `.Release.Revision` in the name",
        fixes,
    )
