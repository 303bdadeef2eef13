"""The `helm.sh/hook*` annotations and their accepted values."""

from __future__ import annotations

from dataclasses import dataclass

HOOK = "helm.sh/hook"
WEIGHT = "helm.sh/hook-weight"
DELETE_POLICY = "helm.sh/hook-delete-policy"
OUTPUT_LOG_POLICY = "helm.sh/hook-output-log-policy"
RESOURCE_POLICY = "helm.sh/resource-policy"

#: Every annotation key Helm reads on a hook, in the order completion offers them.
HOOK_ANNOTATION_KEYS: tuple[str, ...] = (HOOK, WEIGHT, DELETE_POLICY, OUTPUT_LOG_POLICY)
#: Keys that the hook code reads at all (resource-policy is read only for plain resources, #lifecycle).
KNOWN_HELM_KEYS: tuple[str, ...] = HOOK_ANNOTATION_KEYS + (RESOURCE_POLICY,)


@dataclass(frozen=True)
class Event:
    name: str
    #: The operation that runs it (install, upgrade, rollback, uninstall, test).
    operation: str
    #: "pre", "post" or "" for test.
    phase: str


#: The nine events of `manifest_sorter.go` var `events` (#parsing), in lifecycle order.
EVENTS: tuple[Event, ...] = (
    Event("pre-install", "install", "pre"),
    Event("post-install", "install", "post"),
    Event("pre-upgrade", "upgrade", "pre"),
    Event("post-upgrade", "upgrade", "post"),
    Event("pre-rollback", "rollback", "pre"),
    Event("post-rollback", "rollback", "post"),
    Event("pre-delete", "uninstall", "pre"),
    Event("post-delete", "uninstall", "post"),
    Event("test", "test", ""),
)
EVENT_NAMES: tuple[str, ...] = tuple(e.name for e in EVENTS)
EVENTS_BY_NAME: dict[str, Event] = {e.name: e for e in EVENTS}

#: "Support test-success for backward compatibility with Helm 2 tests" (#parsing).
EVENT_ALIASES: dict[str, str] = {"test-success": "test"}

#: Values that were hook events once and are now unknown, so the resource is skipped (#parsing).
REMOVED_EVENTS: dict[str, str] = {
    "crd-install": "a Helm 2 event; Helm 3 and 4 do not know it. CRDs belong in the chart's crds/ directory",
    "test-failure": "removed in Helm 3 (commit 72127c391, 2019)",
}

#: `hook.go` constants (#delete-policies).
DELETE_POLICIES: tuple[str, ...] = ("before-hook-creation", "hook-succeeded", "hook-failed")
#: Applied only when no delete policy is given at all (#delete-policies).
DEFAULT_DELETE_POLICY = "before-hook-creation"

#: `HookOutputOnSucceeded` / `HookOutputOnFailed`, Helm >= 3.18 (#output-logs); only Job and Pod.
OUTPUT_LOG_POLICIES: tuple[str, ...] = ("hook-succeeded", "hook-failed")
OUTPUT_LOG_KINDS: frozenset[str] = frozenset({"Job", "Pod"})
#: The first Helm release that reads `helm.sh/hook-output-log-policy` (v3.18.0 hooks.go).
OUTPUT_LOG_POLICY_SINCE = "3.18"


def canonical_event(token: str) -> str | None:
    """The event Helm records for an already lower-cased, trimmed token, or None if unknown."""
    if token in EVENTS_BY_NAME:
        return token
    return EVENT_ALIASES.get(token)
