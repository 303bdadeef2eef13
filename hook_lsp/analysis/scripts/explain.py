"""Why a hook's script runs more than once: its events and its retries, in words.

`rerun_reasons(resource)` lists the reasons for one hook resource; `rerun_profile` also says
whether a second run is *certain* to happen in normal use (an upgrade, rollback or test event,
several events, Job retries) or only *possible* (a re-install over surviving data, Argo CD).
Rules put these reasons into their messages and hover shows them. Facts: one resource listing
several events runs once per event (reference §1.2 item 8, §9.3); rollback runs the hooks stored
in the target revision (§6); a failed uninstall is retried by running `helm uninstall` again,
which runs the delete hooks again (§5); Argo CD maps pre-install and pre-upgrade to PreSync, run
on every sync. Job retries are Kubernetes': `backoffLimit` defaults to 6.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..hook_model import Resource
from ..yaml_types import go_atoi

_UPGRADE = ("pre-upgrade", "post-upgrade")
_ROLLBACK = ("pre-rollback", "post-rollback")
_DELETE = ("pre-delete", "post-delete")
#: Kubernetes' default `spec.backoffLimit` of a Job.
DEFAULT_BACKOFF_LIMIT = 6


@dataclass(frozen=True)
class RerunProfile:
    #: A second run happens in normal use (not only after an unusual sequence of commands).
    certain: bool
    reasons: tuple[str, ...]

    @property
    def summary(self) -> str:
        return "; ".join(self.reasons)


def _retries(res: Resource) -> tuple[str | None, bool]:
    """A sentence about retries, and whether they certainly can happen."""
    wl = res.workload
    if wl is None:
        return None, False
    restart = wl.restart_policy.value if wl.restart_policy is not None and wl.restart_policy.plain else None
    if res.kind == "Job":
        node = wl.backoff_limit
        if node is None:
            return (
                (f"a failed attempt is retried up to {DEFAULT_BACKOFF_LIMIT} times (`backoffLimit` is unset; "
                f"Kubernetes' default is {DEFAULT_BACKOFF_LIMIT})"),
                True,
            )
        value = go_atoi(node.value) if node.plain else None
        if value is None:
            return None, False  # templated or unreadable: unknown
        if value > 0:
            times = "once" if value == 1 else f"up to {value} times"
            return f"a failed attempt is retried {times} (`backoffLimit: {value}`)", True
        if restart == "OnFailure":
            return "the container is restarted in place after a failure (`restartPolicy: OnFailure`)", True
        return None, False
    if res.kind == "Pod":
        if restart in (None, "Always", "OnFailure"):
            policy = restart or "Always, the default"
            return f"the kubelet restarts the container after a failure (`restartPolicy: {policy}`)", True
    return None, False


def rerun_profile(res: Resource) -> RerunProfile:
    """Why ``res`` (a hook) may run its scripts again."""
    reasons: list[str] = []
    certain = False
    hook = res.hook
    events = list(dict.fromkeys(hook.events)) if hook is not None and hook.known else []
    if any(e in _UPGRADE for e in events):
        reasons.append(f"it runs on every `helm upgrade` ({', '.join(e for e in events if e in _UPGRADE)})")
        certain = True
    if any(e in _ROLLBACK for e in events):
        reasons.append("it runs on every `helm rollback`")
        certain = True
    if "test" in events:
        reasons.append("it runs on every `helm test`")
        certain = True
    per_op = {}
    for e in events:
        per_op.setdefault(e.split("-", 1)[-1], []).append(e)
    for op, evs in per_op.items():
        if len(evs) > 1:
            reasons.append(f"it runs {len(evs)} times per {op} ({' and '.join(evs)})")
            certain = True
    retry, sure = _retries(res)
    if retry:
        reasons.append(retry)
        certain = certain or sure
    if not certain:
        if any(e in _DELETE for e in events):
            reasons.append("it runs again when a failed `helm uninstall` is retried")
        if any(e in ("pre-install", "post-install") for e in events):
            reasons.append(
                "it runs again on a re-install over data that outlived the release, and Argo CD runs "
                "install hooks on every sync"
            )
    return RerunProfile(certain, tuple(reasons))


def rerun_reasons(res: Resource) -> list[str]:
    """The reasons ``res`` may run again, as sentences for hover and messages."""
    return list(rerun_profile(res).reasons)
