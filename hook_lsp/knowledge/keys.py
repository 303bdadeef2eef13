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
                Fact(
                    "With `--post-renderer`, Helm 4 passes hook manifests through it too: what runs may differ "
                    "from this template.",
                    "#post-renderers",
                    helm3="Helm 3's `--post-renderer` never sees hook manifests: hooks run as rendered here.",
                    helm3_note="post-renderers never see hooks",
                ),
                Fact(
                    "A helm process killed while hooks run leaves the release `pending-install`, "
                    "`pending-upgrade` or `pending-rollback`; the next upgrade refuses until it is rolled back "
                    "or uninstalled.",
                    "#interrupted",
                ),
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
                    "when it succeeds (after every hook of the event succeeded) or fails.",
                    "#output-logs",
                    since=A.OUTPUT_LOG_POLICY_SINCE,
                    before="Helm before 3.18 does not read this annotation: it is ignored.",
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
