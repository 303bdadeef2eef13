"""Why a hook's script runs more than once, as sentence templates with their sources.

`scripts.explain` fills these templates for one hook resource; the HK3xx rule messages and the
hover on a hook script show the result. Each `Reason` names the guide section (docs/helm-hooks.md)
it rests on. Job retries and container restarts are Kubernetes behaviour, not Helm's: Helm only
waits for the Job or Pod to end, and the retry count is the Job's
`spec.backoffLimit`, which Kubernetes defaults to 6 when unset.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    """One re-run sentence; ``template`` is a `str.format` template (lower-case: it is joined into
    rule messages after a colon, and shown as a bullet)."""

    template: str
    #: Where the statement comes from ("#lifecycle"); Kubernetes facts say so.
    section: str

    def format(self, **fields: object) -> str:
        return self.template.format(**fields)


#: Kubernetes' default `spec.backoffLimit` of a Job (a Kubernetes API default, not Helm's).
DEFAULT_BACKOFF_LIMIT = 6

# Events. Upgrade renders and runs the new chart's hooks each time; rollback runs the hooks stored
# in the target revision; `helm test` runs the last revision's test hooks (#lifecycle, #failures).
#: `{events}`: the upgrade events the hook lists, joined by `EVENTS_SEPARATOR`.
UPGRADE = Reason("it runs on every `helm upgrade` ({events})", "#lifecycle")
ROLLBACK = Reason("it runs on every `helm rollback`", "#lifecycle")
TEST = Reason("it runs on every `helm test`", "#failures, #lifecycle")
#: One resource listing several events of one operation runs once per event (#parsing, #running).
#: `{count}` events of `{operation}` ("install", "upgrade", ...); `{events}` joined by `PER_OPERATION_SEPARATOR`.
PER_OPERATION = Reason("it runs {count} times per {operation} ({events})", "#parsing, #running")
EVENTS_SEPARATOR = ", "
PER_OPERATION_SEPARATOR = " and "

# Retries inside one hook run: Helm waits until the Job is Complete or Failed, or the Pod Succeeded
# or Failed (#waiting); Kubernetes retries in between.
#: `{limit}` is `DEFAULT_BACKOFF_LIMIT`.
RETRY_DEFAULT = Reason(
    "a failed attempt is retried up to {limit} times (`backoffLimit` is unset; Kubernetes' default is {limit})",
    "#waiting, #kubernetes; the default of 6 is Kubernetes' Job `spec.backoffLimit` default, not Helm's",
)
#: `{times}` is `RETRY_ONCE` or `RETRY_TIMES`; `{limit}` the Job's `backoffLimit`.
RETRY = Reason("a failed attempt is retried {times} (`backoffLimit: {limit}`)", "#waiting, #kubernetes; Kubernetes Job retries")
RETRY_ONCE = "once"
RETRY_TIMES = "up to {limit} times"
RESTART_IN_PLACE = Reason(
    "the container is restarted in place after a failure (`restartPolicy: OnFailure`)",
    "#waiting, #kubernetes; Kubernetes container restarts",
)
#: `{policy}` is the Pod's `restartPolicy`, or `POD_DEFAULT_POLICY` when unset.
POD_RESTART = Reason(
    "the kubelet restarts the container after a failure (`restartPolicy: {policy}`)",
    "#waiting, #kubernetes; Kubernetes container restarts",
)
POD_DEFAULT_POLICY = "Always, the default"

# Runs that happen only after an unusual sequence of commands.
#: A failed pre-delete hook is recovered by running `helm uninstall` again, which runs the delete
#: hooks again (#failures, uninstall row).
DELETE_RETRY = Reason("it runs again when a failed `helm uninstall` is retried", "#failures")
#: `helm uninstall` leaves hook objects and whatever the scripts wrote; a later install runs the
#: install hooks over it (#lifecycle). Argo CD maps pre-install and pre-upgrade to PreSync, run on every
#: sync (landscape C-17, not Helm behaviour).
REINSTALL = Reason(
    "it runs again on a re-install over data that outlived the release, and Argo CD runs install hooks "
    "on every sync",
    "#lifecycle; Argo CD: gitops-engine hook mapping",
)

#: Every reason, for checks over all shown text.
REASONS = (
    UPGRADE, ROLLBACK, TEST, PER_OPERATION, RETRY_DEFAULT, RETRY, RESTART_IN_PLACE, POD_RESTART,
    DELETE_RETRY, REINSTALL,
)
