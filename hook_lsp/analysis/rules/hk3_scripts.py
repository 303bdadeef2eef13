"""HK301-HK302: shell steps in hooks that break on a re-run, or fail without failing the hook.

A hook's script runs again on upgrades, rollbacks, several events and Job retries (see
`scripts.explain`), and Helm only sees its exit status: a step that fails the second time, or a
failure the script swallows, turns into a broken release or a "deployed" release with half its
work done. Scripts come from `scripts.analyse` with a map to the template, so findings land on
the exact characters, inside block scalars and ConfigMap files alike.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..hook_model import Resource
from ..pods import Container
from ..scripts.explain import rerun_profile
from ..scripts.shell import Command
from ..source import Span
from ..yaml_tree import YMap, YSeq
from .registry import Edit, Fix, FixAvailability, RuleContext, Severity, Violation, rule
from .script_findings import (
    ScriptUnit,
    insert_fix,
    only_template,
    related,
    script_units,
    span_of,
    templated_args,
    where,
)

#: Commands whose failure means the hook did not do its job (database and cluster clients,
#: HTTP clients, migration tools). Anything else (echo, sleep, logging functions...) is not judged.
WORK_COMMANDS = frozenset(
    "psql mysql mariadb mongo mongosh redis-cli valkey-cli cqlsh clickhouse-client sqlite3 influx "
    "etcdctl kubectl helm curl wget aws gsutil gcloud az mc vault consul alembic flyway liquibase "
    "goose dbmate atlas sqitch migrate".split()
)


def _rerun_severity(res: Resource, ctx: RuleContext) -> tuple[str, str]:
    profile = rerun_profile(res, ctx.profile)
    severity = Severity.WARNING if profile.certain else Severity.INFORMATION
    return severity, profile.summary or "it may run again"


# -- volumes that outlive a pod ------------------------------------------------------------------


def _persistent_mount(path: str, res: Resource, container: Container) -> str | None:
    """Why files under ``path`` survive into the next run, or None (a fresh container sees none)."""
    wl = res.workload
    if wl is None or not path.startswith("/"):
        return None
    mounts, volumes = container.node.get("volumeMounts"), wl.pod_spec.get("volumes")
    if not isinstance(mounts, YSeq) or not isinstance(volumes, YSeq):
        return None
    path = posixpath.normpath(path)
    restart = wl.restart_policy.value if wl.restart_policy is not None else None
    for mount in mounts.items:
        if not isinstance(mount, YMap):
            continue
        mp, name = mount.get("mountPath"), mount.get("name")
        mp_v = getattr(mp, "value", None)
        if not mp_v or not (path == mp_v.rstrip("/") or path.startswith(mp_v.rstrip("/") + "/")):
            continue
        for vol in volumes.items:
            if not isinstance(vol, YMap) or getattr(vol.get("name"), "value", None) != getattr(name, "value", None):
                continue
            if vol.get("persistentVolumeClaim") is not None:
                return f"`{mp_v}` is a PersistentVolumeClaim"
            if vol.get("hostPath") is not None:
                return f"`{mp_v}` is a hostPath volume"
            if vol.get("emptyDir") is not None and restart == "OnFailure":
                return f"`{mp_v}` is an emptyDir kept across in-place restarts (`restartPolicy: OnFailure`)"
    return None


def _fatal(cmd: Command) -> bool:
    """A failure of ``cmd`` fails the script (errexit, last command) or skips the rest (`&&`)."""
    if cmd.tolerated or cmd.nested or cmd.piped_out:
        return False
    return cmd.errexit is True or cmd.tail or cmd.and_left


def _kubectl_verb(cmd: Command) -> tuple[str | None, int]:
    args = cmd.static_args
    i = 0
    while i < len(args):
        v = args[i]
        if v is None:
            if cmd.words[i].raw.startswith("--") and "=" in cmd.words[i].raw:
                i += 1  # `--namespace={{ .Release.Namespace }}`: an option, whatever its value
                continue
            return None, i
        if v.startswith("-"):
            if "=" not in v and v in ("-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server", "--token"):
                i += 2
            else:
                i += 1
            continue
        return v, i
    return None, i


@rule("HK301", "command-fails-on-rerun", Severity.WARNING, FixAvailability.SOMETIMES)
def command_fails_on_rerun(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags shell commands in a hook that fail when the hook runs a second time and whose
    failure stops the script (`set -e`, the last command, or the left side of `&&`):
    `kubectl create` (the object already exists), and `mkdir` without `-p` or `ln -s` without
    `-f` on a path in a volume that outlives the pod (a PersistentVolumeClaim or hostPath).
    Not flagged: a `kubectl create` after the script deletes the object, or tests whether one
    of that type exists (`if kubectl get secret x; then exit 0; fi`).

    ## Why is this bad?
    Hooks run again: on every upgrade or rollback for those events, once per event when a hook
    lists several, and on each Job retry (`backoffLimit`, 6 by default). The second run then
    fails on what the first one left, and the upgrade fails with it. Files in the container's
    own filesystem are fresh on every run, so only volumes that persist are considered.

    ## Example
    ```yaml
    command: ["/bin/sh", "-ec"]
    args:
      - |
        kubectl create secret generic token --from-literal=token="$TOKEN"
        mkdir /data/uploads
    ```

    ## Fix
    Use forms that succeed when the work is already done: `kubectl create ... --dry-run=client
    -o yaml | kubectl apply -f -` (or `kubectl apply`), `mkdir -p`, `ln -sf`. The quick fix
    inserts `-p` or `-f`.
    """
    for unit in script_units(res, ctx):
        hook = unit.script.resource
        commands = unit.shell.commands
        for i, cmd in enumerate(commands):
            if not _fatal(cmd) or cmd.guarded or cmd.exists_guarded:
                continue  # a command run under a condition (or after a probe) was thought about
            message = fixes = None
            if cmd.name == "kubectl":
                verb, at = _kubectl_verb(cmd)
                args = cmd.static_args
                if verb != "create" or any(a and a.startswith("--dry-run") for a in args):
                    continue
                if any(only_template(unit, w.start, w.end) for w in cmd.words[at:]):
                    continue  # a word rendered by an action may be an option (`--dry-run`...)
                if any(c.name == "kubectl" and _kubectl_verb(c)[0] == "delete" for c in commands[:i]):
                    continue  # deleted first: re-created on purpose
                if any(_checks_existence(c, _kubectl_type(cmd, at)) for c in commands[:i]):
                    continue  # `if kubectl get secret x; then exit 0; fi`: the script looks first
                fixes = []
                w = cmd.words[at]
                if any(a in ("-f", "--filename") or (a or "").startswith("--filename=") for a in args[at + 1 :]):
                    if unit.script.text.contiguous(w.start, w.end):
                        s = unit.script.text.span(w.start, w.end)
                        fixes = [Fix("Use `kubectl apply`", (Edit(s, "apply"),), safe=False)]
                message = (
                    "`kubectl create` fails with AlreadyExists when this hook runs again (objects it creates "
                    "are not part of the release: `helm uninstall` leaves them); use `kubectl apply` "
                    "(or `create --dry-run=client -o yaml | kubectl apply -f -`)"
                )
                span = span_of(unit, cmd.name_start, w.end)
            elif cmd.name in ("mkdir", "ln"):
                if templated_args(unit, cmd):
                    continue
                args = [a for a in cmd.static_args]
                if any(a is None for a in args):
                    continue
                if cmd.name == "mkdir":
                    if cmd.has_option("p", ("--parents",), takes_arg="m"):
                        continue
                    targets = [a for a in args if not a.startswith("-")]
                else:
                    if not cmd.has_option("s", ("--symbolic",)) or cmd.has_option("f", ("--force",)):
                        continue
                    targets = [a for a in args if not a.startswith("-")][-1:]
                why = next((w for w in (_persistent_mount(t, hook, unit.script.container) for t in targets) if w), None)
                if why is None:
                    continue
                if cmd.name == "mkdir":
                    message = f"`mkdir` without `-p` fails when the directory exists, and {why}, so it exists when this hook runs again"
                    fixes = insert_fix(unit, cmd.words[0].start if cmd.words else cmd.name_end, "-p " if cmd.words else " -p", "Add `-p`")
                else:
                    message = f"`ln -s` without `-f` fails when the link exists, and {why}, so it exists when this hook runs again"
                    opt = next(w for w in cmd.words if w.value and w.value.startswith("-") and "s" in w.value and not w.value.startswith("--"))
                    fixes = insert_fix(unit, opt.end, "f", "Add `-f`")
                span = span_of(unit, cmd.name_start, cmd.end)
            else:
                continue
            severity, why_rerun = _rerun_severity(hook, ctx)
            yield ctx.violation(span, f"{message}: {why_rerun}{where(unit)}", fixes, own_severity=severity, related=related(unit))


#: Runtimes whose migration subcommands (`python manage.py migrate`, `rake db:migrate`) count as work.
_RUNTIMES = frozenset("python python3 node ruby bundle rake php java npm npx yarn flask django-admin".split())


def _kubectl_type(cmd: Command, at: int) -> str | None:
    """The resource type after the verb (`secret` in `kubectl create secret generic x`), singular."""
    words = cmd.words[at + 1 :]
    value = next((w.value for w in words if w.value is None or not w.value.startswith("-")), None)
    if not value:
        return None
    kind = value.split("/", 1)[0].split(".", 1)[0].lower()
    return _KUBECTL_SHORT.get(kind, kind).removesuffix("s")


_KUBECTL_SHORT = {"cm": "configmap", "sa": "serviceaccount", "ns": "namespace"}


def _checks_existence(cmd: Command, kind: str | None) -> bool:
    """A `kubectl get` of that type whose status the script tests (condition, `||`, `!`)."""
    if cmd.name != "kubectl" or not (cmd.tolerated or cmd.and_left):
        return False  # (`nested`: `$(kubectl get ...)` in a test or an assignment counts too)
    verb, at = _kubectl_verb(cmd)
    if verb not in ("get", "describe"):
        return False
    other = _kubectl_type(cmd, at)
    return kind is None or other is None or other == kind


#: Commands that pass their input through (logging it): their status says nothing about the
#: command that feeds them. Filters that test their input (`grep -q`) are checks, not listed.
_PASS_THROUGH = frozenset({"tee", "cat", "logger", "ts"})


def _piped_into_pass_through(unit: ScriptUnit) -> tuple[Command, Command] | None:
    """A work command piped into `tee`/`cat`... that ends the pipeline, without pipefail."""
    commands = unit.shell.commands
    script = unit.script.text.text
    if "pipefail" in script or unit.script.template.text.count("pipefail"):
        return None
    for i, cmd in enumerate(commands):
        if not cmd.piped_out or cmd.nested or cmd.tolerated or not _is_work(cmd):
            continue
        j = i + 1
        while j < len(commands) and commands[j].piped_in and commands[j].piped_out:
            j += 1
        if j >= len(commands) or not commands[j].piped_in:
            continue
        sink = commands[j]
        if sink.name not in _PASS_THROUGH or sink.tolerated or sink.and_left:
            continue
        if sink.tail or sink.errexit is True:
            return cmd, sink
    return None


#: kubectl verbs that only read or print: a diagnostic step (`kubectl logs` after a failed
#: install), not work whose failure means the hook failed.
_KUBECTL_READ_VERBS = frozenset("logs get describe top events version cluster-info explain api-resources".split())


def _is_work(cmd: Command) -> bool:
    if cmd.name == "kubectl" and _kubectl_verb(cmd)[0] == "delete":
        return False  # cleanup: usually meant to go on when the object is already gone
    if cmd.name == "kubectl" and _kubectl_verb(cmd)[0] in _KUBECTL_READ_VERBS:
        return False
    if cmd.name in WORK_COMMANDS or "migrat" in cmd.name:
        return True
    return cmd.name in _RUNTIMES and any("migrat" in (a or "") for a in cmd.static_args[:3])


def _first_content(text: str) -> int:
    """Position of the first line that is not blank or a comment (a shebang stays first)."""
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return pos + len(line) - len(line.lstrip())
        pos += len(line) + 1
    return 0


def _set_e_fix(unit: ScriptUnit) -> list[Fix]:
    mt = unit.script.text
    template = unit.script.template
    at = _first_content(mt.text)
    offset = mt.insertion_offset(at)
    if offset is None and 0 < at < len(mt) and mt.text[at - 1] == "\n" and not mt.templated(at, at + 1):
        # A block scalar line: between the line break and the text there is only indentation.
        prev, here = mt.offsets[at - 1], mt.offsets[at]
        if template.text[prev] == "\n" and not template.text[prev + 1 : here].strip(" "):
            offset = here
    if offset is None:
        return []
    line_start = template.index.line_start(template.index.position(offset)[0])
    indent = template.text[line_start:offset]
    if indent.strip() == "" and (at == 0 or mt.text[at - 1] == "\n"):
        new = f"set -e\n{indent}"
    else:
        new = "set -e; "
    return [Fix("Add `set -e` at the start of the script", (Edit(Span(offset, offset), new),), safe=False)]


@rule("HK302", "shell-failure-masked", Severity.WARNING, FixAvailability.SOMETIMES)
def shell_failure_masked(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags a hook script without `set -e` in which a command that does the hook's work
    (a database or cluster client, `curl`, a migration tool) can fail while a later command
    decides the script's exit status. `kubectl delete` is not counted: cleanup scripts usually
    mean to go on when an object is already gone; nor are `kubectl logs`, `get`, `describe`
    and other verbs that only read (a diagnostic step). Also flagged: such a command piped
    into `tee`, `cat` or `logger` at the end of the script or under `set -e`, without
    `set -o pipefail` (the pipeline's status is that of `tee`).

    ## Why is this bad?
    A shell script exits with the status of its last command. Without `set -e` (or
    `sh -ec`, `set -o errexit`), a failed `psql`, `kubectl` or `redis-cli` in the middle is
    printed and forgotten; the final `echo done` exits 0, the Job succeeds, and Helm marks the
    release deployed although the hook did not do its work.

    ## Example
    ```yaml
    command: ["/bin/sh", "-c"]
    args:
      - |
        redis-cli -h redis FLUSHALL
        echo "cache flushed"
    ```

    ## Fix
    Start the script with `set -e` (or run it with `sh -ec`), or check the command
    (`redis-cli ... || exit 1`). Failures that are meant to be ignored read best as `cmd || true`.
    The quick fix inserts `set -e`; it changes what the script does when anything else fails, so
    it is not applied by "fix all".
    """
    for unit in script_units(res, ctx):
        commands = unit.shell.commands
        masked = unit.script.template.masked
        text = unit.script.text
        piped = _piped_into_pass_through(unit)
        if piped is not None:
            cmd, sink = piped
            yield ctx.violation(
                span_of(unit, cmd.name_start, cmd.name_end),
                f"A failure of `{cmd.name}` does not fail this hook: it is piped into `{sink.name}`, and a "
                f"pipeline's status is that of its last command (no `set -o pipefail`){where(unit)}",
                related=related(unit),
            )
            continue
        for i, cmd in enumerate(commands):
            if cmd.errexit is not False or cmd.nested or cmd.tolerated or cmd.and_left or cmd.piped_out or cmd.tail:
                continue
            if not _is_work(cmd):
                continue
            later = [
                c for c in commands[i + 1 :]
                if not c.nested and not masked.exclusive(text.offset(cmd.start), text.offset(c.start))
            ]
            if not later or "$?" in text.text[cmd.end : later[0].end]:
                continue  # the status is read right after (`rc=$?`, `[ $? -eq 0 ]`)
            if any(cmd.end <= p for p in text.injections):
                continue  # template-rendered lines after it may check the status
            decider = next((c for c in reversed(later) if c.tail), later[-1])
            decider_span = span_of(unit, decider.start, decider.end)
            label = unit.script.template.text[decider_span.start : decider_span.end].split("\n")[0].strip()
            label = label if len(label) <= 40 else label[:39] + "…"
            yield ctx.violation(
                span_of(unit, cmd.name_start, cmd.name_end),
                f"A failure of `{cmd.name}` does not fail this hook: the script has no `set -e`, so its exit "
                f"status is that of the later `{label}`{where(unit)}",
                _set_e_fix(unit),
                related=related(unit),
            )
            break
