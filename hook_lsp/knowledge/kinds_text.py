"""What Helm waits for, per hook kind, and for how long."""

from __future__ import annotations

from .facts import Fact
from .workload_hooks import LONG_LIVED_KINDS, workload_hook_fact_text

#: Helm's default `--timeout` for every command, in seconds.
DEFAULT_TIMEOUT_SECONDS = 300
#: The `activeDeadlineSeconds` hook-lsp recommends and scaffolds for a Job hook: below the default
#: `--timeout`, so the Job fails with its own reason (`DeadlineExceeded`) before Helm gives up.
JOB_DEADLINE_SECONDS = 240

#: Facts shown on the `kind:` of a hook, by kind; `OTHER_KIND` for every kind not listed.
WAIT_FACTS: dict[str, tuple[Fact, ...]] = {
    "Job": (
        Fact(
            "Helm waits until the Job is `Complete`; the hook fails when the Job is `Failed` (backoff limit or "
            "deadline exceeded). A Job deleted before Helm's watcher has seen it complete (for example by a short "
            "`ttlSecondsAfterFinished`) is never seen complete: the hook times out. With `--wait=legacy` a "
            "deleted Job counts as success.",
            "#waiting",
            helm3="Helm waits until the Job is `Complete`; the hook fails when the Job is `Failed` (backoff limit "
            "or deadline exceeded). A Job deleted while Helm waits counts as success.",
            helm3_note="a Job deleted while Helm waits counts as success",
        ),
        Fact(
            "Helm does not stop a hung Job (only `hook-failed` deletes it after the timeout); Kubernetes ends it "
            "only through `activeDeadlineSeconds`, or `backoffLimit` for failing pods: keep both bounded, the "
            f"deadline below `--timeout` (for the default 5m, {JOB_DEADLINE_SECONDS} s).",
            "#timeout, #failures",
        ),
    ),
    "Pod": (
        Fact(
            "Helm waits until the Pod's phase is `Succeeded`; the hook fails when it is `Failed`. With "
            "`restartPolicy: Always` it never succeeds and ends in a timeout.",
            "#waiting",
        ),
        Fact(
            "Helm does not stop a hung Pod (only `hook-failed` deletes it after the timeout); set "
            "`activeDeadlineSeconds` to bound it.",
            "#timeout, #failures",
        ),
    ),
    "CustomResourceDefinition": (
        Fact("Helm does not wait: the hook is done as soon as the object is created.", "#waiting"),
        Fact("A `CustomResourceDefinition` hook is never deleted, whatever the delete policy.", "#deletion"),
    ),
}

OTHER_KIND = (Fact("Helm does not wait: the hook is done as soon as the object is created.", "#waiting"),)

#: Shown with the facts of waited kinds.
TIMEOUT = Fact(
    "Helm waits up to `--timeout` (default 5m) for each hook separately, then fails the operation; the "
    "object keeps running unless `hook-failed` deletes it.",
    "#timeout",
)
#: What `--timeout 0` means, which changed in Helm 4.1.
TIMEOUT_ZERO = Fact(
    "`--timeout 0` means 30 s (`--wait=legacy`: no limit).",
    "#timeout",
    since="4.1",
    before="`--timeout 0` means no limit for Job and Pod hooks (Helm 3: but a before-hook-creation deletion then "
    "gets no time at all, and an old object still there fails the operation).",
)


#: Long-running kinds as hooks: not waited for, and outside the release (with the usual remedy).
WAIT_FACTS.update(
    {kind: OTHER_KIND + (Fact(workload_hook_fact_text(kind), "#waiting, #lifecycle"),) for kind in LONG_LIVED_KINDS}
)


def wait_facts(kind: str | None) -> tuple[Fact, ...]:
    return WAIT_FACTS.get(kind or "", OTHER_KIND)
