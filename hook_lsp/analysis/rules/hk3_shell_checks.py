"""HK303-HK306: hook scripts whose failures go unseen, or that are read by the wrong shell.

`psql` without ON_ERROR_STOP and `curl` without `--fail` exit 0 when their work failed; bash
syntax under `/bin/sh` silently does something else; ShellCheck's findings are reported with
its own codes. Read with tree-sitter-bash and the bundled ShellCheck binary (`scripts.*`).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..hook_model import Resource
from ..scripts.analyse import units_for
from ..scripts.shell import Command
from ..scripts.shellcheck import request, shellcheck
from .registry import FixAvailability, RuleContext, Severity, Violation, rule
from .script_findings import (
    ScriptUnit,
    free_template_word,
    insert_fix,
    related,
    script_units,
    span_of,
    where,
)

_PSQL_VALUE_OPTIONS = frozenset(
    "-h -p -U -d -f -c -P -o -L -T -F -R --host --port --username --dbname --file --command".split()
)
_CURL_VALUE_OPTIONS = frozenset(
    "-H -d -X -o -u -A -e -T -F -b -c -m -x --header --data --data-raw --data-binary --request --output "
    "--user --user-agent --max-time --connect-timeout --cacert --cert --key --retry".split()
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
    for unit in script_units(res, ctx):
        sql_by_cmd = {id(u.client_command): u for u in units_for(res, ctx.template, ctx.chart) if u.client_command is not None}
        for cmd in unit.shell.commands:
            if cmd.name != "psql" or cmd.tolerated or not _psql_reads_script(cmd):
                continue
            if free_template_word(unit, cmd, _PSQL_VALUE_OPTIONS):
                continue  # templated options may set it
            if any("ON_ERROR_STOP" in (w.raw or "") for w in cmd.words):
                continue
            sql = sql_by_cmd.get(id(cmd))
            if sql is not None and sql.sql is not None and sql.sql[1]:
                continue
            fixes = insert_fix(unit, cmd.name_end, " -v ON_ERROR_STOP=1", "Add `-v ON_ERROR_STOP=1`")
            yield ctx.violation(
                span_of(unit, cmd.name_start, cmd.name_end),
                "`psql` exits 0 after a failed statement unless `ON_ERROR_STOP` is set, so a failing "
                f"migration still lets this hook succeed{where(unit)}",
                fixes,
                related=related(unit),
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
    (`-w '%{http_code}'`), checks inside `if`/`until` conditions, and `-X DELETE` requests
    (cleanup, where a `404` for an object already gone is meant to pass) are not flagged.

    ## Example
    ```yaml
    command: ["sh", "-c", "curl -sS -X POST http://api:8080/admin/reindex"]
    ```

    ## Fix
    ```yaml
    command: ["sh", "-c", "curl --fail -sS -X POST http://api:8080/admin/reindex"]
    ```
    """
    for unit in script_units(res, ctx):
        for cmd in unit.shell.commands:
            if cmd.name != "curl" or cmd.nested or cmd.tolerated or cmd.piped_out:
                continue
            if not (cmd.tail or cmd.and_left or cmd.errexit is True):
                continue
            if free_template_word(unit, cmd, _CURL_VALUE_OPTIONS):
                continue  # templated options may include `--fail`
            if cmd.has_option("f", ("--fail", "--fail-with-body"), takes_arg="odHXuwAeTFbcKmrxyYzECDPQtU"):
                continue
            if cmd.has_option("w", ("--write-out",), takes_arg="odHXuAeTFbcKmrxyYzECDPQtU"):
                continue
            if _deletes(cmd):
                continue  # cleanup: a 404 for an object already gone is meant to pass
            yield ctx.violation(
                span_of(unit, cmd.name_start, cmd.name_end),
                "`curl` exits 0 on HTTP errors (404, 500...) without `--fail`, so this hook succeeds even "
                f"when the request failed{where(unit)}",
                insert_fix(unit, cmd.name_end, " --fail", "Add `--fail`"),
                related=related(unit),
            )


def _deletes(cmd) -> bool:
    """`curl -X DELETE ...` (also `-XDELETE`, `--request DELETE`, `--request=DELETE`)."""
    args = cmd.static_args
    for i, v in enumerate(args):
        if v in ("-X", "--request") and i + 1 < len(args) and (args[i + 1] or "").upper() == "DELETE":
            return True
        if v is not None and v.upper() in ("-XDELETE", "--REQUEST=DELETE"):
            return True
    return False


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
    for unit in script_units(res, ctx):
        if unit.script.dialect != "sh":
            continue
        busybox = _image_is_busybox(unit)
        found = list(unit.shell.bashisms) + [("source", c.name_start, c.name_end) for c in unit.shell.commands if c.name == "source"]
        for kind, start, end in sorted(found, key=lambda f: f[1]):
            if busybox and kind in _ASH_ACCEPTS or unit.script.text.templated(start, start + 1):
                continue
            yield ctx.violation(
                span_of(unit, start, end),
                f"{_BASHISM_TEXT[kind]}, but this script runs with `{unit.script.interpreter or 'sh'}` "
                f"(dash on Debian-based images){where(unit)}",
                related=related(unit),
            )


_SHELLCHECK_SEVERITY = {"error": Severity.INFORMATION, "warning": Severity.INFORMATION}


def _shellcheck_severity(code: str, level: str) -> str:
    """Syntax errors (SC1xxx) stop the script: errors. Other findings stay quiet (advice)."""
    if level == "error" and code.startswith("SC1"):
        return Severity.ERROR
    return _SHELLCHECK_SEVERITY.get(level, Severity.HINT)


@rule("HK306", "shellcheck-finding", Severity.INFORMATION, FixAvailability.NONE)
def shellcheck_finding(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Reports ShellCheck's findings on hook scripts, with ShellCheck's code (`SC2086`...) at the
    start of the message and its level at the end. Shell syntax errors (`SC1xxx`) are errors;
    ShellCheck's other errors and its warnings are shown as information, its info and style
    notes as hints, so that advice stays quieter than hook-lsp's own findings (set a level for
    `HK306` to raise them all). Runs the ShellCheck binary bundled with hook-lsp on
    the script text only (`hookLsp.shellcheck: false` turns it off); findings about text that a
    template action renders are dropped, as are `SC2154` (variables come from the pod's `env`),
    `SC1090`/`SC1091` (sourced files live in the image), the `SC3xxx` portability notes
    (see HK305) and advice on the `#!` line of a script given to a shell (`sh -c`,
    `sh file`), where that line is only a comment.

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
    for unit in _shellchecked(res, ctx):
        for f in shellcheck(unit.script.text, unit.script.dialect, unit.script.errexit, unit.script.executed):
            yield ctx.violation(
                span_of(unit, f.start, f.end),
                f"{f.code}: {f.message} (ShellCheck {f.level}){where(unit)}",
                own_severity=_shellcheck_severity(f.code, f.level),
                related=related(unit),
            )


def _shellchecked(res: Resource, ctx: RuleContext) -> list:
    """The scripts of ``res`` that HK306 gives ShellCheck."""
    return script_units(res, ctx) if ctx.config.shellcheck else []


def shellcheck_requests(res: Resource, ctx: RuleContext) -> list[tuple[str, str]]:
    """What HK306 will ask ShellCheck about ``res`` (`scripts.shellcheck.prefetch`)."""
    return [request(u.script.text, u.script.dialect, u.script.errexit) for u in _shellchecked(res, ctx)]
