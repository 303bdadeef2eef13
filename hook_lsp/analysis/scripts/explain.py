"""Why a hook's script runs more than once: its events and its retries, in words.

`rerun_reasons(resource)` lists the reasons for one hook resource; `rerun_profile` also says
whether a second run is *certain* to happen in normal use (an upgrade, rollback or test event,
several events, Job retries) or only *possible* (a re-install over surviving data, Argo CD).
Rules put these reasons into their messages and hover shows them. The sentences and the facts
behind them, with their guide sections, are data in `knowledge.reruns`: this module only
decides which of them apply to a resource.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...knowledge import reruns as R
from typing import TYPE_CHECKING

from ..hook_model import Resource
from ..yaml_types import go_atoi

_UPGRADE = ("pre-upgrade", "post-upgrade")
_ROLLBACK = ("pre-rollback", "post-rollback")
_DELETE = ("pre-delete", "post-delete")
#: Kubernetes' default `spec.backoffLimit` of a Job (see `knowledge.reruns`).
DEFAULT_BACKOFF_LIMIT = R.DEFAULT_BACKOFF_LIMIT

if TYPE_CHECKING:  # pragma: no cover
    from ..profile import Profile


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
            return R.RETRY_DEFAULT.format(limit=DEFAULT_BACKOFF_LIMIT), True
        value = go_atoi(node.value) if node.plain else None
        if value is None:
            return None, False  # templated or unreadable: unknown
        if value > 0:
            times = R.RETRY_ONCE if value == 1 else R.RETRY_TIMES.format(limit=value)
            return R.RETRY.format(times=times, limit=value), True
        if restart == "OnFailure":
            return R.RESTART_IN_PLACE.format(), True
        return None, False
    if res.kind == "Pod" and restart in (None, "Always", "OnFailure"):
        return R.POD_RESTART.format(policy=restart or R.POD_DEFAULT_POLICY), True
    return None, False


def rerun_profile(res: Resource, lifecycle: "Profile | None" = None) -> RerunProfile:
    """Why ``res`` (a hook) may run its scripts again under ``lifecycle`` (the helm CLI by default)."""
    reasons: list[str] = []
    certain = False
    if lifecycle is not None:
        every_sync = lifecycle.rerun_every_deploy(res)
        if every_sync:
            reasons.append(every_sync)
            certain = True
    hook = res.hook
    events = list(dict.fromkeys(hook.events)) if hook is not None and hook.known else []
    if any(e in _UPGRADE for e in events):
        reasons.append(R.UPGRADE.format(events=R.EVENTS_SEPARATOR.join(e for e in events if e in _UPGRADE)))
        certain = True
    if any(e in _ROLLBACK for e in events):
        reasons.append(R.ROLLBACK.format())
        certain = True
    if "test" in events:
        reasons.append(R.TEST.format())
        certain = True
    per_op = {}
    for e in events:
        per_op.setdefault(e.split("-", 1)[-1], []).append(e)
    for op, evs in per_op.items():
        if len(evs) > 1:
            reasons.append(
                R.PER_OPERATION.format(count=len(evs), operation=op, events=R.PER_OPERATION_SEPARATOR.join(evs))
            )
            certain = True
    retry, sure = _retries(res)
    if retry:
        reasons.append(retry)
        certain = certain or sure
    if not certain:
        if any(e in _DELETE for e in events):
            reasons.append(R.DELETE_RETRY.format())
        if any(e in ("pre-install", "post-install") for e in events):
            reasons.append(R.REINSTALL.format())
    return RerunProfile(certain, tuple(reasons))


def rerun_reasons(res: Resource, lifecycle: "Profile | None" = None) -> list[str]:
    """The reasons ``res`` may run again, as sentences for hover and messages."""
    return list(rerun_profile(res, lifecycle).reasons)
