"""How Argo CD reads hook annotations, as data (Argo CD v3.5.1; see `knowledge.deployers`).

Argo CD renders a chart with ``helm template`` and runs the hooks itself, in sync phases and waves.
It maps four of Helm's events to phases (``gitops-engine/pkg/sync/hook/helm/type.go``), two more
for deletion (``controller/hook.go``), compares every value exactly as written (no lower-casing),
and has its own annotations, which win over Helm's when both are present
(``gitops-engine/pkg/sync/hook/hook.go``: "we ignore Helm hooks if we have Argo hook").
"""

from __future__ import annotations

HOOK = "argocd.argoproj.io/hook"
DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy"
SYNC_WAVE = "argocd.argoproj.io/sync-wave"
KEYS = (HOOK, DELETE_POLICY, SYNC_WAVE)

#: Argo CD's phases in the order a sync runs them (``syncPhaseOrder``); the deletion phases
#: belong to deleting the Application.
SYNC_PHASES = ("PreSync", "Sync", "PostSync")
FAILURE_PHASE = "SyncFail"
DELETE_PHASES = ("PreDelete", "PostDelete")
#: Valid values of ``argocd.argoproj.io/hook`` (``common.NewHookType`` + ``controller/hook.go``).
HOOK_VALUES = ("PreSync", "Sync", "PostSync", "SyncFail", "PreDelete", "PostDelete", "Skip")
DELETE_POLICY_VALUES = ("HookSucceeded", "HookFailed", "BeforeHookCreation")
DEFAULT_DELETE_POLICY = "BeforeHookCreation"

#: ``helm.sh/hook`` values Argo CD maps, compared exactly as written.
HELM_EVENT_PHASES = {
    "pre-install": "PreSync",
    "pre-upgrade": "PreSync",
    "post-install": "PostSync",
    "post-upgrade": "PostSync",
    "pre-delete": "PreDelete",
    "post-delete": "PostDelete",
}
#: Argo CD version since which a ``helm.sh/hook`` event is mapped (release notes of 2.10 and 3.3).
HELM_EVENT_SINCE = {"post-delete": (2, 10), "pre-delete": (3, 3)}


def helm_event_phases(version: str = "") -> dict[str, str]:
    """The mapping of ``helm.sh/hook`` values for Argo CD ``version`` ("" = the newest known)."""
    try:
        have = tuple(int(p) for p in version.split(".")[:2]) if version else None
    except ValueError:
        have = None
    if have is None:
        return HELM_EVENT_PHASES
    return {e: p for e, p in HELM_EVENT_PHASES.items() if have >= HELM_EVENT_SINCE.get(e, (0, 0))}


#: ``helm.sh/hook-delete-policy`` values Argo CD maps.
HELM_POLICY_NAMES = {
    "before-hook-creation": "BeforeHookCreation",
    "hook-succeeded": "HookSucceeded",
    "hook-failed": "HookFailed",
}

#: What follows when a hook object outlives its run (no BeforeHookCreation): gitops-engine looks
#: the live object up by name and applies the hook over it (``sync_context.go``: "enrich task
#: with live obj"). `{kind}` is the hook's kind.
LEFTOVER_HOOK = (
    "Argo CD then applies the hook over the leftover object on the next sync: an unchanged {kind} "
    "is not run again and its old status counts, a changed one fails on immutable fields (inferred)"
)

#: A Job hook with no limits (HK209): Argo CD waits for hooks without a timeout
#: (gitops-engine has none; a sync runs until the hook ends or the operation is terminated).
UNBOUNDED_JOB = (
    "this Job hook sets neither `activeDeadlineSeconds` nor `backoffLimit`, and Argo CD waits for hooks "
    "without a timeout: a hanging pod holds the sync until someone terminates the operation, and a failing "
    "one is retried 6 times with back-off first"
)

#: A plain Job with a fixed name (HK211) under Argo CD: ``helm template`` renders
#: ``.Release.Revision`` as 1 every time, so Helm's usual fix (the revision in the name) does not help.
FIXED_NAME_JOB = (
    "this Job is a normal resource with the same name on every sync: its `spec.template` is immutable, so a "
    "sync that changes the pod template fails (`field is immutable`), and it never runs again; make it a hook "
    "(`argocd.argoproj.io/hook: Sync` re-creates it each sync) — `.Release.Revision` is always 1 under Argo CD"
)

#: Why a hook's script runs again under Argo CD (`scripts.explain`); `{phases}` joined by ", ".
RERUN_EVERY_SYNC = "it runs on every Argo CD sync ({phases}), not once per install or upgrade"

#: What each phase means, for hover and completion.
PHASE_DOCS = {
    "PreSync": "runs before the manifests are applied, on every sync (Helm's pre-install and pre-upgrade)",
    "Sync": "runs with the manifests, in their wave",
    "PostSync": "runs after every manifest of the sync is applied and healthy (Helm's post-install and post-upgrade)",
    "SyncFail": "runs only when the sync fails",
    "PreDelete": "runs when the Application is deleted, before its resources are deleted (Argo CD 3.3 and later)",
    "PostDelete": "runs when the Application is deleted, after its resources are gone (Argo CD 2.10 and later)",
    "Skip": "Argo CD does not apply this resource at all",
}
DELETE_POLICY_DOCS = {
    "HookSucceeded": "deleted after the hook succeeded; skipped when the sync fails",
    "HookFailed": "deleted after the hook failed",
    "BeforeHookCreation": "the previous object is deleted before the hook is created again (the default when no valid policy is given)",
}
KEY_DOCS = {
    HOOK: (
        "Argo CD's hook annotation: the sync phase this resource runs in (`PreSync`, `Sync`, `PostSync`, "
        "`SyncFail`, `PreDelete`, `PostDelete`, or `Skip`). When present, Argo CD ignores `helm.sh/hook`."
    ),
    DELETE_POLICY: (
        "When Argo CD deletes this hook (`HookSucceeded`, `HookFailed`, `BeforeHookCreation`). Argo CD adds "
        "the policies of `helm.sh/hook-delete-policy`; with none valid it uses `BeforeHookCreation`."
    ),
    SYNC_WAVE: (
        "The wave this resource (hook or not) is applied in; lower waves first, and resources of one "
        "phase and wave are applied together. When absent, Argo CD uses `helm.sh/hook-weight`."
    ),
}
