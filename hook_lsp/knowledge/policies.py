"""What each delete policy and output-log policy does, and when.

Sentences for `helm.sh/hook-delete-policy` and `helm.sh/hook-output-log-policy` values. Helm 3
waits for a `before-hook-creation` deletion to finish; Helm 4 only in `helm test` and with a wait
strategy other than its default (#deletion-wait). Behaviour added in a minor version carries
`since` (output logs 3.18, cleanup of succeeded hooks on failure 3.19).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import annotations as A
from .facts import Fact


#: The first Helm release that deletes the `hook-succeeded` hooks already run when a later hook of
#: the event fails (v3.19.0 hooks.go).
SUCCEEDED_CLEANUP_ON_FAILURE_SINCE = "3.19"


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
                    "Just before this hook is created, Helm deletes the object with the same kind, namespace and "
                    "name, whichever release created it. Helm 4 waits for it to be gone only in `helm test` and "
                    "with `--wait`, `--wait=legacy` or `--rollback-on-failure`; otherwise the new hook may meet "
                    "the old object still terminating.",
                    "#deletion, #deletion-wait, #shared-names",
                    helm3="Just before this hook is created, Helm deletes the object with the same kind, namespace "
                    "and name, whichever release created it, and waits until it is gone, up to `--timeout`.",
                    helm3_note="it always waits until the old object is gone, up to `--timeout`",
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
                    "this one: a ServiceAccount or Role used by a later hook of the same event stays until then.",
                    "#deletion",
                ),
                Fact(
                    "It is also deleted when a later hook of the event fails.",
                    "#deletion, #versions",
                    since=SUCCEEDED_CLEANUP_ON_FAILURE_SINCE,
                    before="When a later hook of the event fails, it stays (Helm 3.19 and later delete it then).",
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
                    "Deleted after this hook fails while Helm waits for it, a timeout included; Helm does not stop "
                    "a failed or hung Job in any other way. Not when creating the object fails (for example "
                    "`already exists`): then Helm stops at once and deletes nothing.",
                    "#timeout, #deletion, #running",
                ),
                Fact(
                    "Its pod logs go with it: `helm.sh/hook-output-log-policy: hook-failed` prints them first.",
                    "#output-logs",
                    since=A.OUTPUT_LOG_POLICY_SINCE,
                    before="Its pod logs go with it.",
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
                    "Helm prints the logs of the hook's containers (not init containers) to stderr only once *every* "
                    "hook of this event has succeeded, in reverse order, each just before its `hook-succeeded` "
                    "deletion; when a later hook of the event fails, they are never printed.",
                    "#output-logs",
                    since=A.OUTPUT_LOG_POLICY_SINCE,
                    before="Helm before 3.18 does not read this annotation: nothing is printed.",
                ),
            ),
        ),
        PolicyDoc(
            "hook-failed",
            "print the hook's container logs to stderr when it fails",
            (
                Fact(
                    "Right after the hook fails while Helm waits for it (a timeout included), Helm prints the logs "
                    "of the hook's containers (not init containers) to stderr, before any `hook-failed` deletion; not "
                    "when creating the object failed.",
                    "#output-logs",
                    since=A.OUTPUT_LOG_POLICY_SINCE,
                    before="Helm before 3.18 does not read this annotation: nothing is printed.",
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
