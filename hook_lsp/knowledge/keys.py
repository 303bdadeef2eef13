"""What each `helm.sh/*` annotation key read on hooks does."""

from __future__ import annotations

from dataclasses import dataclass

from . import annotations as A
from .events import UNKNOWN_EVENT
from .facts import Fact
from .kinds_text import TIMEOUT
from .policies import DEFAULT_SWITCHED_OFF, OUTPUT_LOG_SCOPE
from .weights import ATOI, ORDER, UNQUOTED


@dataclass(frozen=True)
class KeyDoc:
    key: str
    #: One line for completion lists.
    summary: str
    facts: tuple[Fact, ...]


KEY_DOCS: dict[str, KeyDoc] = {
    doc.key: doc
    for doc in (
        KeyDoc(
            A.HOOK,
            "run this resource at lifecycle events instead of installing it",
            (
                Fact(
                    "Makes the resource a hook: it is not installed with the release but created at each listed "
                    "event (comma-separated, case-insensitive), one hook at a time.",
                    "#parsing, #running",
                ),
                UNKNOWN_EVENT,
                Fact(
                    "Hook objects are not part of the release: `helm uninstall` never deletes them; only delete "
                    "policies (or a Job's TTL) do.",
                    "#lifecycle",
                ),
                TIMEOUT,
            ),
        ),
        KeyDoc(A.WEIGHT, "order among the hooks of the same event (a quoted integer)", (ORDER, ATOI, UNQUOTED)),
        KeyDoc(
            A.DELETE_POLICY,
            "when Helm deletes the hook object",
            (
                Fact(
                    "Comma-separated: `before-hook-creation`, `hook-succeeded`, `hook-failed`. Unknown values are "
                    "ignored without an error.",
                    "#delete-policies",
                ),
                DEFAULT_SWITCHED_OFF,
            ),
        ),
        KeyDoc(
            A.OUTPUT_LOG_POLICY,
            "print the hook's logs on success or failure (Job and Pod)",
            (
                Fact(
                    "Comma-separated `hook-succeeded`, `hook-failed`: print the hook's container logs to stderr "
                    "when it succeeds or fails. Read by Helm 4 and by Helm 3 from 3.18 on.",
                    "#output-logs",
                    helm3="Comma-separated `hook-succeeded`, `hook-failed`: print the hook's container logs to "
                    "stderr when it succeeds or fails. Helm 3.18 and later only; older versions ignore it.",
                    helm3_note="only from 3.18 on",
                ),
                OUTPUT_LOG_SCOPE,
            ),
        ),
        KeyDoc(
            A.RESOURCE_POLICY,
            "`keep`: leave a regular resource in place (no effect on hooks)",
            (
                Fact(
                    "`keep` makes Helm leave a regular resource in place on uninstall and when an upgrade drops "
                    "it. No hook code reads it: on a hook it has no effect.",
                    "#lifecycle",
                ),
            ),
        ),
    )
}
