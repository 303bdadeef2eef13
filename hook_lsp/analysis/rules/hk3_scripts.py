"""HK301-HK349: shell scripts inside hook containers (read with tree-sitter-bash and ShellCheck).

A hook's script runs again on upgrades, rollbacks, several events and Job retries (see
`scripts.explain`), and Helm only sees its exit status: a step that fails the second time, or a
failure the script swallows, turns into a broken release or a "deployed" release with half its
work done. Scripts come from `scripts.analyse` with a map to the template, so findings land on
the exact characters, inside block scalars and ConfigMap files alike. Text rendered by a template
action is unknown: a command whose options are templated is left alone.
"""

from __future__ import annotations

import posixpath
from typing import Iterator

from ..hook_model import Container, Resource
from ..scripts.analyse import ScriptUnit, units_for
from ..scripts.explain import rerun_profile
from ..scripts.shell import Command
from ..scripts.shellcheck import shellcheck
from ..source import Span
from ..yaml_tree import YMap, YSeq
from .registry import Edit, Fix, FixAvailability, RuleContext, Severity, Violation, rule

#: Commands whose failure means the hook did not do its job (database and cluster clients,
#: HTTP clients, migration tools). Anything else (echo, sleep, log helpers...) is not judged.
WORK_COMMANDS = frozenset(
    "psql mysql mariadb mongo mongosh redis-cli valkey-cli cqlsh clickhouse-client sqlite3 influx "
    "etcdctl kubectl helm curl wget aws gsutil gcloud az mc vault consul alembic flyway liquibase "
    "goose dbmate atlas sqitch migrate".split()
)
#: Constructs busybox ash (Alpine's /bin/sh) accepts although POSIX sh and dash do not.
_ASH_ACCEPTS = frozenset({"[[", "<<<", "function", "&>", "source"})
_BASHISM_TEXT = {
    "[[": "`[[ ... ]]` is a bash test",
    "{a..b}": "brace ranges like `{1..10}` are bash",
    "array": "arrays are bash",
    "<(...)": "process substitution `<(...)` is bash",
    "<<<": "here-strings `<<<` are bash",
    "function": "the `function` keyword is bash",
    "&>": "`&>` redirection is bash (dash runs the command in the background)",
    "declare": "`declare`/`typeset` are bash",
    "source": "`source` is bash (POSIX sh has `.`)",
}


def _script_units(res: Resource, ctx: RuleContext) -> list[ScriptUnit]:
    return [u for u in units_for(res, ctx.template, ctx.chart) if u.shell is not None and u.shell.ok]


def _span(unit: ScriptUnit, start: int, end: int) -> Span:
    return unit.script.text.span(start, end)


def _insert(unit: ScriptUnit, at: int, text: str, title: str, safe: bool = True) -> list[Fix]:
    offset = unit.script.text.insertion_offset(at)
    if offset is None:
        return []
    return [Fix(title, (Edit(Span(offset, offset), text),), safe)]


def _only_template(unit: ScriptUnit, start: int, end: int) -> bool:
    """True when a word consists of template output only (quotes aside): it may be anything."""
    text = unit.script.text
    return all(text.templated(k, k + 1) or text.text[k] in "\"'" for k in range(start, end))


def _free_template_word(unit: ScriptUnit, cmd: Command, value_options: frozenset[str]) -> bool:
    """True when a word made only of template output is not the value of a known option.

    ``psql -h {{ .Values.host }}`` renders a host name; ``psql {{ .Values.flags }}`` may render
    any option, so what the command does is unknown.
    """
    for i, w in enumerate(cmd.words):
        if _only_template(unit, w.start, w.end):
            prev = cmd.words[i - 1].value if i > 0 else None
            if prev not in value_options:
                return True
    return False


_PSQL_VALUE_OPTIONS = frozenset("-h -p -U -d -f -c -P -o -L -T -F -R --host --port --username --dbname --file --command".split())
_CURL_VALUE_OPTIONS = frozenset("-H -d -X -o -u -A -e -T -F -b -c -m -x --header --data --data-raw --data-binary --request --output --user --user-agent --max-time --connect-timeout --cacert --cert --key --retry".split())


def _templated_args(unit: ScriptUnit, cmd: Command) -> bool:
    return unit.script.text.templated(cmd.start, cmd.end)


def _where(unit: ScriptUnit) -> str:
    s = unit.script
    return f" (in {s.origin}, run by hook `{s.resource.name or s.resource.name_raw or s.resource.kind}`)" if s.origin.startswith("ConfigMap") else ""


def _rerun_severity(res: Resource) -> tuple[str, str]:
    profile = rerun_profile(res)
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
    for unit in _script_units(res, ctx):
        hook = unit.script.resource
        commands = unit.shell.commands
        for i, cmd in enumerate(commands):
            if not _fatal(cmd) or cmd.guarded:
                continue  # a command run under a condition was thought about: not judged
            message = fixes = None
            if cmd.name == "kubectl":
                verb, at = _kubectl_verb(cmd)
                args = cmd.static_args
                if verb != "create" or any(a and a.startswith("--dry-run") for a in args):
                    continue
                if any(_only_template(unit, w.start, w.end) for w in cmd.words[at:]):
                    continue  # a word rendered by an action may be an option (`--dry-run`...)
                if any(c.name == "kubectl" and _kubectl_verb(c)[0] == "delete" for c in commands[:i]):
                    continue  # deleted first: re-created on purpose
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
                span = _span(unit, cmd.name_start, w.end)
            elif cmd.name in ("mkdir", "ln"):
                if _templated_args(unit, cmd):
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
                    fixes = _insert(unit, cmd.words[0].start if cmd.words else cmd.name_end, "-p " if cmd.words else " -p", "Add `-p`")
                else:
                    message = f"`ln -s` without `-f` fails when the link exists, and {why}, so it exists when this hook runs again"
                    opt = next(w for w in cmd.words if w.value and w.value.startswith("-") and "s" in w.value and not w.value.startswith("--"))
                    fixes = _insert(unit, opt.end, "f", "Add `-f`")
                span = _span(unit, cmd.name_start, cmd.end)
            else:
                continue
            severity, why_rerun = _rerun_severity(hook)
            yield ctx.violation(span, f"{message}: {why_rerun}{_where(unit)}", fixes, own_severity=severity)


#: Runtimes whose migration subcommands (`python manage.py migrate`, `rake db:migrate`) count as work.
_RUNTIMES = frozenset("python python3 node ruby bundle rake php java npm npx yarn flask django-admin".split())


def _is_work(cmd: Command) -> bool:
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
    decides the script's exit status.

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
    for unit in _script_units(res, ctx):
        commands = unit.shell.commands
        masked = unit.script.template.masked
        text = unit.script.text
        for i, cmd in enumerate(commands):
            if cmd.errexit is not False or cmd.nested or cmd.tolerated or cmd.and_left or cmd.piped_out or cmd.tail:
                continue
            if not _is_work(cmd) or _templated_args(unit, cmd) and cmd.name_raw != cmd.name:
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
            label = text.text[decider.start : min(decider.end, decider.start + 40)].split("\n")[0]
            yield ctx.violation(
                _span(unit, cmd.name_start, cmd.name_end),
                f"A failure of `{cmd.name}` does not fail this hook: the script has no `set -e`, so its exit "
                f"status is that of the later `{label}`{_where(unit)}",
                _set_e_fix(unit),
            )
            break


def _psql_reads_script(cmd: Command) -> bool:
    return bool(
        cmd.heredoc is not None or cmd.stdin_files or cmd.piped_in or cmd.herestring
        or cmd.has_option("f", ("--file",), takes_arg="cdhpUvPFRTL")
    )


@rule("HK303", "psql-errors-ignored", Severity.WARNING, FixAvailability.ALWAYS)
def psql_errors_ignored(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `psql` reading SQL from a heredoc, a pipe or a file (`-f`) without
    `-v ON_ERROR_STOP=1` (and without `\\set ON_ERROR_STOP on` in the script).

    ## Why is this bad?
    psql runs a script to the end and exits 0 even when statements failed: only with
    `ON_ERROR_STOP` does it stop at the first error and exit 3. A migration hook with a failing
    statement therefore succeeds, the release is marked deployed, and the schema is half
    migrated. (`psql -c` alone is not affected: it exits 1 when its command fails.)

    ## Example
    ```yaml
    args:
      - |
        psql "$DATABASE_URL" <<'EOF'
        ALTER TABLE users ADD COLUMN email text;
        EOF
    ```

    ## Fix
    ```yaml
        psql -v ON_ERROR_STOP=1 "$DATABASE_URL" <<'EOF'
    ```
    """
    for unit in _script_units(res, ctx):
        sql_by_cmd = {id(u.client_command): u for u in units_for(res, ctx.template, ctx.chart) if u.client_command is not None}
        for cmd in unit.shell.commands:
            if cmd.name != "psql" or cmd.tolerated or not _psql_reads_script(cmd):
                continue
            if _free_template_word(unit, cmd, _PSQL_VALUE_OPTIONS):
                continue  # templated options may set it
            if any("ON_ERROR_STOP" in (w.raw or "") for w in cmd.words):
                continue
            sql = sql_by_cmd.get(id(cmd))
            if sql is not None and sql.sql is not None and sql.sql[1]:
                continue
            fixes = _insert(unit, cmd.name_end, " -v ON_ERROR_STOP=1", "Add `-v ON_ERROR_STOP=1`")
            yield ctx.violation(
                _span(unit, cmd.name_start, cmd.name_end),
                "`psql` exits 0 after a failed statement unless `ON_ERROR_STOP` is set, so a failing "
                f"migration still lets this hook succeed{_where(unit)}",
                fixes,
            )


@rule("HK304", "curl-http-errors-ignored", Severity.WARNING, FixAvailability.ALWAYS)
def curl_http_errors_ignored(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `curl` without `-f`/`--fail` where its exit status decides whether the hook
    succeeds: the last command of the script, a command under `set -e`, or the left side
    of `&&`.

    ## Why is this bad?
    curl exits 0 for any HTTP response, including `404` and `500`. A hook that registers,
    migrates or triggers something over HTTP succeeds even when the server refused, and Helm
    carries on as if it had worked. Commands that read the status themselves
    (`-w '%{http_code}'`) and checks inside `if`/`until` conditions are not flagged.

    ## Example
    ```yaml
    command: ["sh", "-c", "curl -sS -X POST http://api:8080/admin/reindex"]
    ```

    ## Fix
    ```yaml
    command: ["sh", "-c", "curl --fail -sS -X POST http://api:8080/admin/reindex"]
    ```
    """
    for unit in _script_units(res, ctx):
        for cmd in unit.shell.commands:
            if cmd.name != "curl" or cmd.nested or cmd.tolerated or cmd.piped_out:
                continue
            if not (cmd.tail or cmd.and_left or cmd.errexit is True):
                continue
            if _free_template_word(unit, cmd, _CURL_VALUE_OPTIONS):
                continue  # templated options may include `--fail`
            if cmd.has_option("f", ("--fail", "--fail-with-body"), takes_arg="odHXuwAeTFbcKmrxyYzECDPQtU"):
                continue
            if cmd.has_option("w", ("--write-out",), takes_arg="odHXuAeTFbcKmrxyYzECDPQtU"):
                continue
            yield ctx.violation(
                _span(unit, cmd.name_start, cmd.name_end),
                "`curl` exits 0 on HTTP errors (404, 500...) without `--fail`, so this hook succeeds even "
                f"when the request failed{_where(unit)}",
                _insert(unit, cmd.name_end, " --fail", "Add `--fail`"),
            )


def _image_is_busybox(unit: ScriptUnit) -> bool:
    image = unit.script.container.image
    value = image.value.lower() if image is not None else ""
    return "busybox" in value or "alpine" in value


@rule("HK305", "bash-syntax-under-sh", Severity.WARNING, FixAvailability.NONE)
def bash_syntax_under_sh(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags bash-only syntax (`[[ ]]`, `{1..10}`, arrays, `<(...)`, `<<<`, `function f`, `&>`,
    `source`) in a script that a hook runs with `sh`.

    ## Why is this bad?
    `/bin/sh` is dash on Debian and Ubuntu based images: `[[` is "not found" (so an `if [[ ... ]]`
    is simply false), `{1..3}` stays a literal word, and `cmd &> file` runs `cmd` in the
    background. The hook then does something else than intended, often without failing. Busybox
    ash (Alpine) accepts some of these; on images known to be busybox or Alpine only what ash
    rejects too is reported.

    ## Example
    ```yaml
    command: ["/bin/sh", "-c"]
    args:
      - |
        for i in {1..30}; do nc -z db 5432 && break; sleep 2; done
    ```

    ## Fix
    Run the script with `bash` when the image has it, or use POSIX forms:
    `i=0; while [ "$i" -lt 30 ]; do ...; i=$((i+1)); done`, `[ ... ]`, `. file`.
    """
    for unit in _script_units(res, ctx):
        if unit.script.dialect != "sh":
            continue
        busybox = _image_is_busybox(unit)
        found = list(unit.shell.bashisms) + [("source", c.name_start, c.name_end) for c in unit.shell.commands if c.name == "source"]
        for kind, start, end in sorted(found, key=lambda f: f[1]):
            if busybox and kind in _ASH_ACCEPTS or unit.script.text.templated(start, start + 1):
                continue
            yield ctx.violation(
                _span(unit, start, end),
                f"{_BASHISM_TEXT[kind]}, but this script runs with `{unit.script.interpreter or 'sh'}` "
                f"(dash on Debian-based images){_where(unit)}",
            )


_SHELLCHECK_SEVERITY = {"error": Severity.ERROR, "warning": Severity.INFORMATION}


@rule("HK306", "shellcheck-finding", Severity.INFORMATION, FixAvailability.NONE)
def shellcheck_finding(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Reports ShellCheck's findings on hook scripts, with ShellCheck's code (`SC2086`...) at the
    start of the message. ShellCheck errors are errors; its warnings are shown as information
    and its info and style notes as hints. Runs the ShellCheck binary bundled with hook-lsp on
    the script text only (`hookLsp.shellcheck: false` turns it off); findings about text that a
    template action renders are dropped, as are `SC2154` (variables come from the pod's `env`),
    `SC1090`/`SC1091` (sourced files live in the image) and the `SC3xxx` portability notes
    (see HK305).

    ## Why is this bad?
    Quoting, word splitting and test mistakes in a hook script surface only when the hook runs,
    during an install or upgrade, where they cost a failed release.

    ## Example
    ```yaml
    args:
      - |
        if [ $MODE = "migrate" ]; then ./migrate; fi
    ```

    ## Fix
    Follow ShellCheck's advice (`https://www.shellcheck.net/wiki/SC2086`):
    ```yaml
        if [ "$MODE" = "migrate" ]; then ./migrate; fi
    ```
    """
    if not ctx.config.shellcheck:
        return
    for unit in _script_units(res, ctx):
        for f in shellcheck(unit.script.text, unit.script.dialect, unit.script.errexit):
            yield ctx.violation(
                _span(unit, f.start, f.end),
                f"{f.code}: {f.message} (ShellCheck {f.level}){_where(unit)}",
                own_severity=_SHELLCHECK_SEVERITY.get(f.level, Severity.HINT),
            )
