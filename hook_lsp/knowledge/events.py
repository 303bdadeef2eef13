"""What each hook event means: when it runs, what exists then, what a failure does.

One `EventDoc` per event of `annotations.EVENTS`, plus the `test-success` alias and the removed
events. Helm 3 and Helm 4 differ in the name of the flag that cleans up after a failed install or
upgrade: Helm 4 `--rollback-on-failure` (with `--atomic` as a deprecated alias), Helm 3 `--atomic`
(#failures, last paragraph).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import versions
from .facts import DOCS_HOOKS, DOCS_TESTS, Fact


@dataclass(frozen=True)
class EventDoc:
    name: str
    #: One line for completion lists.
    summary: str
    runs: Fact
    exists: Fact
    failure: Fact
    docs_url: str = DOCS_HOOKS
    #: What a helm process killed while this event's hooks run leaves behind (install, upgrade, rollback).
    interrupted: Fact | None = None

    def facts(self) -> tuple[Fact, ...]:
        return (self.runs, self.exists, self.failure) + ((self.interrupted,) if self.interrupted else ())


_NO_WAIT = "pods are not necessarily ready unless `--wait` was given"


def _recovery(what: str, then: str = "") -> Fact:
    """The `--atomic` / `--rollback-on-failure` sentence of install and upgrade failures (#failures)."""
    return Fact(
        f"{what} unless `--rollback-on-failure` (deprecated alias `--atomic`) was given{then}.",
        "#failures",
        helm3=f"{what} unless `--atomic` was given{then}.",
        helm3_note="the flag is `--atomic`",
    )


_UNINSTALLS = ", which uninstalls the release and runs its pre- and post-delete hooks (unless `--no-hooks`)"


def _killed(status: str, next_step: str) -> Fact:
    """A helm process killed while hooks run leaves a pending status (#interrupted)."""
    return Fact(
        f"The release stays `{status}` and the next `helm upgrade` refuses (\"another operation "
        f"(install/upgrade/rollback) is in progress\") until it is {next_step}; the hook keeps running.",
        "#interrupted",
    )


#: The first Helm release whose `helm test` deletes hooks only after `--logs` read them (v4.1.0).
TEST_LOGS_BEFORE_CLEANUP_SINCE = "4.1"

#: `helm rollback` handles no signal: any interruption leaves the pending status (#interrupted).
_ROLLBACK_INTERRUPTED = Fact(
    "`helm rollback` interrupted in any way (Ctrl-C included) leaves the new revision `pending-rollback`; the "
    "next `helm upgrade` refuses until another rollback succeeds.",
    "#interrupted",
)

EVENT_DOCS: dict[str, EventDoc] = {
    doc.name: doc
    for doc in (
        EventDoc(
            "pre-install",
            "install: before any chart resource is created",
            Fact(
                "On `helm install` (with `--replace` also over a failed or uninstalled release of that name), "
                "and on `helm upgrade --install` when the release does not exist or its last revision is "
                "uninstalled: after `crds/` and rendering, before any chart resource is created.",
                "#lifecycle, #subcharts-and-crds",
            ),
            Fact(
                "No chart resource exists yet, not even the ServiceAccounts, Secrets and ConfigMaps in "
                "`templates/`. Whatever this hook uses must itself be a pre-install hook that runs earlier.",
                "#order",
            ),
            _recovery(
                "Revision 1 is marked `failed` and no chart resource is created. Nothing is cleaned up", _UNINSTALLS
            ),
            interrupted=_killed("pending-install", "uninstalled"),
        ),
        EventDoc(
            "post-install",
            "install: after resources are created (not necessarily ready)",
            Fact(
                "On `helm install`, after the chart's resources are created; without `--wait` it starts as soon "
                "as the API calls return.",
                "#lifecycle",
            ),
            Fact(f"Every chart resource exists, but {_NO_WAIT}.", "#lifecycle"),
            _recovery(
                "Revision 1 is marked `failed` and the command exits with an error; the chart's resources stay "
                "in place. Nothing is cleaned up",
                _UNINSTALLS,
            ),
            interrupted=_killed("pending-install", "uninstalled"),
        ),
        EventDoc(
            "pre-upgrade",
            "upgrade: before resources are updated",
            Fact(
                "On `helm upgrade` (also `helm upgrade --install` on an existing release, even after a failed "
                "first install), after the new chart is rendered, before any resource is updated.",
                "#lifecycle",
            ),
            Fact(
                "The previous revision's resources, not yet updated; resources new in this version do not "
                "exist yet.",
                "#failures",
            ),
            _recovery(
                "The new revision is marked `failed`; the previous one stays `deployed` and its resources are "
                "not updated. Hook objects already created stay unless their delete policy removes them. "
                "Nothing is rolled back"
            ),
            interrupted=_killed("pending-upgrade", "rolled back"),
        ),
        EventDoc(
            "post-upgrade",
            "upgrade: after resources are updated (not necessarily ready)",
            Fact(
                "On `helm upgrade`, after the resources are updated; without `--wait` it starts before the new "
                "pods are ready.",
                "#lifecycle",
            ),
            Fact(f"Resources are updated to the new revision, but {_NO_WAIT}.", "#lifecycle"),
            _recovery(
                "The new revision is marked `failed` and the command exits with an error, but the resources "
                "are already updated (`--cleanup-on-fail` deletes only what this upgrade created). "
                "Nothing is rolled back"
            ),
            interrupted=_killed("pending-upgrade", "rolled back"),
        ),
        EventDoc(
            "pre-rollback",
            "rollback: before resources are rolled back",
            Fact(
                "On `helm rollback`, and when `--rollback-on-failure` undoes a failed upgrade: before the "
                "resources are rolled back. The hooks come from the target revision, as rendered back then.",
                "#failures, #lifecycle",
                helm3="On `helm rollback`, and when `--atomic` undoes a failed upgrade: before the resources are "
                "rolled back. The hooks come from the target revision, as rendered back then.",
                helm3_note="the flag is `--atomic`",
            ),
            Fact("The current revision's resources, not yet rolled back.", "#failures"),
            Fact(
                "The new revision is left `pending-rollback` and no resource is touched; a later `helm upgrade` "
                "then fails with \"another operation (install/upgrade/rollback) is in progress\". "
                "Rollback has no automatic recovery.",
                "#failures",
            ),
            interrupted=_ROLLBACK_INTERRUPTED,
        ),
        EventDoc(
            "post-rollback",
            "rollback: after resources are rolled back",
            Fact(
                "On `helm rollback`, after the resources are rolled back. The hooks come from the target "
                "revision, as rendered back then.",
                "#failures, #lifecycle",
            ),
            Fact(f"Resources are back at the target revision, but {_NO_WAIT}.", "#lifecycle"),
            Fact(
                "The new revision is left `pending-rollback` although the resources are already rolled back; "
                "a later `helm upgrade` then fails with \"another operation (install/upgrade/rollback) is in "
                "progress\".",
                "#failures",
            ),
            interrupted=_ROLLBACK_INTERRUPTED,
        ),
        EventDoc(
            "pre-delete",
            "uninstall: before any resource is deleted",
            Fact(
                "On `helm uninstall`, and when `--rollback-on-failure` undoes a failed install (unless "
                "`--no-hooks`): before any resource is deleted. The hooks come from the last revision, which "
                "may be a failed one.",
                "#lifecycle, #failures",
                helm3="On `helm uninstall`, and when `--atomic` undoes a failed install (unless `--no-hooks`): "
                "before any resource is deleted. The hooks come from the last revision, which may be a failed one.",
                helm3_note="the flag is `--atomic`",
            ),
            Fact("Every resource of the release still exists.", "#failures"),
            Fact(
                "Nothing is deleted, but the release is left in status `uninstalling`, which blocks later "
                "upgrades. Run `helm uninstall` again (the hooks run again) or use `--no-hooks`.",
                "#failures",
            ),
        ),
        EventDoc(
            "post-delete",
            "uninstall: after the resources are deleted",
            Fact(
                "On `helm uninstall`, and when `--rollback-on-failure` undoes a failed install (unless "
                "`--no-hooks`): right after the delete calls; unless `--wait` (or `--rollback-on-failure`) is "
                "in effect it does not wait for the deleted objects to be gone.",
                "#lifecycle, #failures",
                helm3="On `helm uninstall`, and when `--atomic` undoes a failed install (unless `--no-hooks`): right "
                "after the delete calls; unless `--wait` is given it does not wait for the deleted objects to be "
                "gone.",
                helm3_note="the flag is `--atomic`, and that uninstall does not wait for deletions",
            ),
            Fact(
                "The release's resources are deleted or terminating, the ServiceAccounts and RBAC in "
                "`templates/` included: this hook needs hook-annotated ones of its own.",
                "#lifecycle",
            ),
            Fact(
                "The release is already uninstalled (its record purged unless `--keep-history`); the command "
                "reports `uninstallation completed with 1 error(s)`.",
                "#failures",
            ),
        ),
        EventDoc(
            "test",
            "helm test only; never on install or upgrade",
            Fact(
                "Only on `helm test`, never on install or upgrade; `--filter name=...` selects tests by "
                "`metadata.name`. The hooks come from the last revision.",
                "#failures, #lifecycle",
            ),
            Fact("The release as its last revision deployed it.", "#lifecycle"),
            Fact(
                "`helm test` exits non-zero and the hook is recorded as `Failed`; the release status does not "
                "change. Delete policies apply as to any hook (by default `before-hook-creation`).",
                "#failures",
            ),
            DOCS_TESTS,
        ),
    )
}

#: `test-success` (#parsing).
ALIAS_FACTS: dict[str, Fact] = {
    "test-success": Fact(
        "Old Helm 2 name of `test`, still accepted. Listing both `test` and `test-success` runs the hook twice.",
        "#parsing",
    ),
}

#: Removed events: Helm treats them as unknown, so the whole resource is skipped (#parsing).
REMOVED_FACTS: dict[str, Fact] = {
    "crd-install": Fact(
        "A Helm 2 event that Helm 3 and 4 do not know: the whole resource is skipped and never installed. "
        "Put CRDs in the chart's `crds/` directory.",
        "#parsing",
    ),
    "test-failure": Fact(
        "Removed in Helm 3: it is now an unknown event, so the whole resource is skipped and never run.",
        "#parsing",
    ),
}

#: Any other value (#parsing).
UNKNOWN_EVENT = Fact(
    "Not a hook event: Helm skips the whole resource (neither run as a hook nor installed), with only an "
    "info line on stderr (`level=INFO msg=\"skipping unknown hooks\"`).",
    "#parsing",
    helm3="Not a hook event: Helm skips the whole resource (neither run as a hook nor installed), with only an "
    "`info: skipping unknown hook` line on stderr.",
    helm3_note="the stderr line is `info: skipping unknown hook`",
)


def skip_log_line(value: str, helm_version: str) -> str:
    """The stderr line Helm prints when it skips a resource whose `helm.sh/hook` value
    (``value``, as Helm read it) has an unknown part (#parsing): Helm 3 `log.Printf` with the
    `Lshortfile` prefix, Helm 4 `slog` text without a timestamp."""
    if versions.is_helm3(helm_version):
        return f"manifest_sorter.go:199: info: skipping unknown hook: {_go_quote(value)}"
    # slog's text handler quotes a value that is empty or has a space, `"`, `=` or an unprintable rune.
    needs_quotes = not value or any(c.isspace() or c in '"=' or not c.isprintable() for c in value)
    shown = _go_quote(value) if needs_quotes else value
    return f'level=INFO msg="skipping unknown hooks" hookTypes={shown}'


def _go_quote(value: str) -> str:
    """Go's %q for the plain strings an annotation holds."""
    out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'
