"""What each delete policy and output-log policy does, and when.

Sentences for `helm.sh/hook-delete-policy` and `helm.sh/hook-output-log-policy` values. Helm 3
waits for a `before-hook-creation` deletion to finish; Helm 4 does not under its default wait
strategy (#deletion).
"""

from __future__ import annotations

from dataclasses import dataclass

from .facts import Fact


@dataclass(frozen=True)
class PolicyDoc:
    name: str
    #: One line for completion lists.
    summary: str
    facts: tuple[Fact, ...]


DELETE_POLICY_DOCS: dict[str, PolicyDoc] = {
    doc.name: doc
    for doc in (
        PolicyDoc(
            "before-hook-creation",
            "delete the object of the previous run just before this hook is created (the default)",
            (
                Fact(
                    "Just before this hook is created, Helm deletes the object left by an earlier run (same kind, "
                    "namespace and name). Helm 4 does not wait for it to be gone unless `--wait` is given.",
                    "#deletion",
                    helm3="Just before this hook is created, Helm deletes the object left by an earlier run (same "
                    "kind, namespace and name) and waits until it is gone, up to `--timeout`.",
                    helm3_note="it waits until the old object is gone, up to `--timeout`",
                ),
                Fact(
                    "It is the default only while the annotation is absent: list it explicitly next to any "
                    "other policy.",
                    "#delete-policies",
                ),
            ),
        ),
        PolicyDoc(
            "hook-succeeded",
            "delete after all hooks of this event have succeeded",
            (
                Fact(
                    "Deleted once *all* hooks of this event have succeeded (in reverse order), not right after "
                    "this one: a ServiceAccount or Role used by a later hook of the same event stays until then. "
                    "Since Helm 3.19 it is also deleted when a later hook of the event fails.",
                    "#deletion",
                ),
                Fact(
                    "Without `before-hook-creation` next to it, an object left by a failed run is still there on "
                    "the next run.",
                    "#delete-policies",
                    helm3="Without `before-hook-creation` next to it, an object left by a failed run is still there "
                    "on the next run, which then fails with `already exists`.",
                    helm3_note="the next run fails with `already exists`",
                ),
            ),
        ),
        PolicyDoc(
            "hook-failed",
            "delete right after this hook fails or times out",
            (
                Fact(
                    "Deleted right after this hook fails, a timeout included; Helm does not stop a failed or "
                    "hung Job in any other way. Its pod logs go with it: `helm.sh/hook-output-log-policy: "
                    "hook-failed` prints them first (Helm 3.18 and later).",
                    "#timeout, #deletion, #output-logs",
                ),
            ),
        ),
    )
}

#: A value that is not one of the three (#delete-policies).
UNKNOWN_DELETE_POLICY = Fact(
    "Not a delete policy: Helm ignores it without an error, and because the annotation is set, the default "
    "`before-hook-creation` no longer applies.",
    "#delete-policies",
)

#: Any value switches the default off (#delete-policies).
DEFAULT_SWITCHED_OFF = Fact(
    "Without this annotation Helm uses `before-hook-creation`; any value at all, even a typo or `\"\"`, switches "
    "that default off.",
    "#delete-policies",
)

#: CRDs are never deleted (#deletion).
NEVER_DELETED = Fact("A `CustomResourceDefinition` hook is never deleted, whatever the policy.", "#deletion")

OUTPUT_LOG_POLICY_DOCS: dict[str, PolicyDoc] = {
    doc.name: doc
    for doc in (
        PolicyDoc(
            "hook-succeeded",
            "print the hook's container logs to stderr when it succeeds",
            (
                Fact(
                    "After the hook succeeds, Helm prints the logs of its containers (not init containers) to "
                    "stderr, before any `hook-succeeded` deletion.",
                    "#output-logs",
                ),
            ),
        ),
        PolicyDoc(
            "hook-failed",
            "print the hook's container logs to stderr when it fails",
            (
                Fact(
                    "After the hook fails, Helm prints the logs of its containers (not init containers) to "
                    "stderr, before any `hook-failed` deletion.",
                    "#output-logs",
                ),
            ),
        ),
    )
}

#: Scope of the log policy (#output-logs).
OUTPUT_LOG_SCOPE = Fact(
    "Only Job and Pod hooks; on other kinds it does nothing. Not the same as `helm test --logs`.",
    "#output-logs",
)
UNKNOWN_OUTPUT_LOG_POLICY = Fact("Not an output-log policy: Helm ignores it without an error.", "#output-logs")
