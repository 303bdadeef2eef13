"""Long-running kinds used as hooks: what happens to them, in words, per deployer.

Helm waits only for Job and Pod hooks; every other kind is "ready" as soon as the API server
accepts it (H3 `pkg/kube/wait.go:watchUntilReady` default branch, H4 `pkg/kube/statuswait.go`
`alwaysReady`). Hook objects are stored in `release.Hooks`, not in the release manifest
(`pkg/action/install.go`, `upgrade.go`: `rel.Hooks` vs `rel.Manifest`), so an upgrade never
patches them and `helm uninstall` deletes only the manifest's resources (`pkg/action/uninstall.go`
`deleteRelease` reads `rel.Manifest`). `before-hook-creation` deletes and re-creates the object
each time the hook runs (`pkg/action/hooks.go:execHook` -> `deleteHookByPolicy`).

Wording is data keyed by deployer (``"helm"``, the CLI) so that another deployer profile can
supply its own sentences without touching the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Kinds that are meant to keep running or serving; as hooks they are a design mistake unless a
#: delete policy removes them once their event is over. The value says what they do.
LONG_LIVED_KINDS: dict[str, str] = {
    "Deployment": "pods",
    "StatefulSet": "pods",
    "DaemonSet": "pods",
    "ReplicaSet": "pods",
    "ReplicationController": "pods",
    "CronJob": "schedule",
    "Service": "serving",
    "Ingress": "serving",
}


@dataclass(frozen=True)
class WorkloadHookText:
    """Sentences for one deployer; ``{kind}`` is filled in."""

    #: Why a hook of a pod-running kind does not do what a hook is for.
    unwaited: str
    #: Why a CronJob hook does not do what a hook is for.
    scheduled: str
    #: Why a serving object (Service, Ingress) does not belong in a hook.
    serving: str
    #: The object is re-created on each upgrade (`before-hook-creation` with an upgrade event).
    recreated: str
    #: The object is never updated by upgrades (no upgrade event).
    never_updated: str
    #: An upgrade event without `before-hook-creation`: Helm 4 applies it over the old object.
    reapplied: str
    #: The same under Helm 3, which creates it again and fails.
    reapplied_helm3: str
    #: What uninstall does with it.
    uninstall: str
    #: The usual remedy, for the message and the hover.
    remedy: str


TEXTS: dict[str, WorkloadHookText] = {
    "helm": WorkloadHookText(
        unwaited="Helm waits only for Job and Pod hooks, so this {kind} counts as ready as soon as it is "
        "created and the next step starts before its pods exist",
        scheduled="Helm does not wait for a CronJob hook, and its runs are on the schedule, not at the event",
        serving="a {kind} is meant to serve the release for its whole life, but as a hook it lives outside "
        "the release",
        recreated="every upgrade deletes it and creates it again (`before-hook-creation`), with a gap in "
        "between",
        never_updated="upgrades never update it (hooks are not part of the release's manifest)",
        reapplied="each upgrade applies it again over the old object outside the release (server-side "
        "apply; with client-side apply the upgrade fails with `already exists`)",
        reapplied_helm3="the next upgrade fails to create it again (`already exists`)",
        uninstall="`helm uninstall` never removes it",
        remedy="make it a normal resource of the chart (drop the `helm.sh/hook*` annotations); run one-off "
        "work as a Job hook",
    ),
}

_UPGRADE_EVENTS = ("pre-upgrade", "post-upgrade", "pre-rollback", "post-rollback")


def workload_hook_message(
    kind: str, events: list[str], policies: list[str], deployer: str = "helm", helm3: bool = False
) -> str:
    """The finding for a ``kind`` hook of ``events`` with effective delete ``policies``."""
    text = TEXTS.get(deployer, TEXTS["helm"])
    what = LONG_LIVED_KINDS.get(kind, "serving")
    first = {"pods": text.unwaited, "schedule": text.scheduled, "serving": text.serving}[what].format(kind=kind)
    if not any(e in _UPGRADE_EVENTS for e in events):
        life = text.never_updated
    elif "before-hook-creation" in policies:
        life = text.recreated
    else:
        life = text.reapplied_helm3 if helm3 else text.reapplied
    return f"{first}; {life}, and {text.uninstall}: {text.remedy}"


def workload_hook_fact_text(kind: str, deployer: str = "helm") -> str:
    """One sentence for the hover on the `kind:` of such a hook."""
    text = TEXTS.get(deployer, TEXTS["helm"])
    return (
        f"A {kind} hook is not part of the release: {text.never_updated.split(' (')[0]} unless "
        f"`before-hook-creation` re-creates it, and {text.uninstall}; {text.remedy}."
    )
