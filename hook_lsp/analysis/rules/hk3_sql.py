"""HK350-HK399: SQL run by hooks that fails, or does its work twice, when the hook runs again.

The SQL comes from `scripts.analyse`: heredocs and ``-c``/``-e`` arguments of ``psql``,
``mysql`` and ``mariadb``, and ``.sql`` files a hook mounts from a ConfigMap of the chart. It
is read with pglast (PostgreSQL) or sqlglot (MySQL/MariaDB); a script that does not parse is
skipped. SQL whose client failure the shell tolerates on purpose (``psql -c ... || true``) is
not judged, nor SQL run only after the script probed for the object (``if psql -lqt | grep -qw
app; then exit 0; fi``, ``probe || psql -c ...``; see `scripts.guards`). Each message says why this hook runs again (`scripts.explain`); when a second run
is only possible rather than part of normal use, the finding is information, not a warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..hook_model import Resource
from ..scripts.analyse import ScriptUnit, units_for
from ..scripts.explain import rerun_profile
from ..scripts.sql import SqlFinding
from ..source import Span
from .registry import (
    Edit,
    Fix,
    FixAvailability,
    Related,
    RuleContext,
    Severity,
    Violation,
    rule,
)


def _findings(res: Resource, ctx: RuleContext, kind: str) -> Iterator[tuple[ScriptUnit, SqlFinding]]:
    for unit in units_for(res, ctx.template, ctx.chart):
        if unit.sql is None or unit.script.tolerated:
            continue
        if unit.client_command is not None and unit.client_command.exists_guarded:
            continue  # runs only after the script probed that the object is not there yet
        for finding in unit.sql[0]:
            if finding.kind == kind and not _guard_may_be_templated(unit, finding):
                yield unit, finding


def _guard_may_be_templated(unit: ScriptUnit, f: SqlFinding) -> bool:
    """True when a template action in the statement's head may render the guard itself.

    A templated name (`CREATE DATABASE {{ .Values.db }}`) is still a name; an action or shell
    variable that mentions existence (`{{ .Values.ifNotExists }}`) may render the guard.
    """
    text = unit.script.text
    masked = unit.script.template.masked
    end = max(f.end, (f.insert_at or 0) + 1)
    for a, b in text.placeholders:
        if a >= end or b <= f.start:
            continue
        action = masked.action_at(text.offset(a))
        # A template action, or a shell expansion (`$IF_NOT_EXISTS`) in the script text.
        words = action.body if action is not None else unit.script.template.text[text.offset(a) : text.offset(b - 1) + 1]
        if "exist" in words.lower() or "replace" in words.lower():
            return True
    return False


def _violations(res: Resource, ctx: RuleContext, kind: str, problem: str, title: str) -> Iterator[Violation]:
    for unit, f in _findings(res, ctx, kind):
        text = unit.script.text
        hook = unit.script.resource
        profile = rerun_profile(hook, ctx.profile)
        fixes = []
        if f.insert_at is not None:
            offset = text.insertion_offset(f.insert_at)
            if offset is not None:
                fixes.append(Fix(title.format(words=f.insert_text.strip()), (Edit(Span(offset, offset), f.insert_text),)))
        where, related = "", []
        if unit.script.hook_template is not None:
            where = f" (run by hook `{hook.name or hook.name_raw or hook.kind}`)"
            related = [Related(unit.script.hook_template.path, hook.anchor, "the hook that runs this script")]
        hint = f"; {f.hint}" if f.hint and not fixes else ""
        span = text.span(f.start, f.end)
        head = " ".join(unit.script.template.text[span.start : span.end].split()) or f.head
        yield ctx.violation(
            span,
            f"`{head}` {problem} when this hook runs again: {profile.summary or 'it may run again'}{where}{hint}",
            fixes,
            own_severity=Severity.WARNING if profile.certain else Severity.INFORMATION,
            related=related,
        )


@rule("HK350", "create-without-if-not-exists", Severity.WARNING, FixAvailability.SOMETIMES)
def create_without_if_not_exists(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `CREATE TABLE`, `INDEX`, `SCHEMA`, `SEQUENCE`, `EXTENSION`, `TYPE`, `DOMAIN` and
    `DATABASE` statements in SQL a hook runs, when they lack `IF NOT EXISTS` (or, where the
    database has no such clause, a guard) and the object was not dropped earlier in the script.

    ## Why is this bad?
    Hooks run more than once: every upgrade for upgrade hooks, once per event for a hook with
    several events, and again on each Job retry after a failed attempt (`backoffLimit`, 6 by
    default). The second run stops at `relation "..." already exists`, so the hook fails and the
    upgrade with it — typically long after the chart was first tested. The message lists the
    reasons this particular hook re-runs. Statements inside `DO $$ ... $$` blocks are not
    checked, so a `DO` block that tests the catalog first is the guarded form.

    ## Example
    ```sql
    CREATE TABLE users (id bigint PRIMARY KEY);
    ```

    ## Fix
    ```sql
    CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);
    ```
    PostgreSQL has no `IF NOT EXISTS` for types, domains and databases: check `pg_type` or
    `pg_database` first (`SELECT 'CREATE DATABASE app' WHERE NOT EXISTS (...)\\gexec`).
    """
    yield from _violations(res, ctx, "create", "fails with \"already exists\"", "Insert `{words}`")


@rule("HK351", "create-without-or-replace", Severity.WARNING, FixAvailability.ALWAYS)
def create_without_or_replace(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `CREATE VIEW`, `CREATE FUNCTION`, `CREATE PROCEDURE` and `CREATE TRIGGER` statements
    without `OR REPLACE` in SQL a hook runs.

    ## Why is this bad?
    On the hook's next run (upgrade, second event, Job retry) the statement fails with
    `already exists`. `OR REPLACE` also ships the new definition on upgrade, which is
    usually why the statement is in an upgrade hook at all. (`CREATE OR REPLACE TRIGGER` needs
    PostgreSQL 14.)

    ## Example
    ```sql
    CREATE VIEW active_users AS SELECT * FROM users WHERE active;
    ```

    ## Fix
    ```sql
    CREATE OR REPLACE VIEW active_users AS SELECT * FROM users WHERE active;
    ```
    """
    yield from _violations(res, ctx, "replace", "fails with \"already exists\"", "Insert `{words}`")


@rule("HK352", "column-added-without-if-not-exists", Severity.WARNING, FixAvailability.ALWAYS)
def column_added_without_if_not_exists(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `ALTER TABLE ... ADD COLUMN` without `IF NOT EXISTS` in PostgreSQL run by a hook.

    ## Why is this bad?
    A migration hook that adds a column fails on its next run with
    `column "..." of relation "..." already exists`: after a retry of a half-applied attempt,
    or on the next upgrade when the hook runs all its migrations again.

    ## Example
    ```sql
    ALTER TABLE users ADD COLUMN email text;
    ```

    ## Fix
    ```sql
    ALTER TABLE users ADD COLUMN IF NOT EXISTS email text;
    ```
    """
    yield from _violations(res, ctx, "add-column", "fails with \"already exists\"", "Insert `{words}`")


@rule("HK353", "drop-without-if-exists", Severity.WARNING, FixAvailability.SOMETIMES)
def drop_without_if_exists(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `DROP TABLE`/`INDEX`/`VIEW`/`FUNCTION`/`ROLE`/`DATABASE`... without `IF EXISTS` in
    SQL a hook runs.

    ## Why is this bad?
    The first run drops the object; the next run (upgrade, second event, Job retry) fails with
    `does not exist` and takes the release down with it.

    ## Example
    ```sql
    DROP TABLE legacy_tokens;
    ```

    ## Fix
    ```sql
    DROP TABLE IF EXISTS legacy_tokens;
    ```
    """
    yield from _violations(res, ctx, "drop", "fails with \"does not exist\"", "Insert `{words}`")


@rule("HK354", "create-role-without-guard", Severity.WARNING, FixAvailability.SOMETIMES)
def create_role_without_guard(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `CREATE USER` and `CREATE ROLE` in SQL a hook runs, outside a `DO` block that checks
    whether the role exists (PostgreSQL), or without `IF NOT EXISTS` (MySQL/MariaDB).

    ## Why is this bad?
    Roles outlive the release and the hook: the next run fails with `role "..." already
    exists`. Database bootstrap hooks often list both `pre-install` and `pre-upgrade`, so the
    first upgrade already breaks.

    ## Example
    ```sql
    CREATE USER app WITH PASSWORD 'secret';
    ```

    ## Fix
    PostgreSQL:
    ```sql
    DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app') THEN
        CREATE USER app WITH PASSWORD 'secret';
      END IF;
    END $$;
    ```
    MySQL: `CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'secret';` (the quick fix).
    """
    yield from _violations(res, ctx, "role", "fails with \"already exists\"", "Insert `{words}`")


@rule("HK355", "insert-without-conflict-guard", Severity.WARNING, FixAvailability.NONE)
def insert_without_conflict_guard(res: Resource, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Flags `INSERT` statements in SQL a hook runs that have no conflict handling:
    `ON CONFLICT` (PostgreSQL), `INSERT IGNORE` or `ON DUPLICATE KEY UPDATE` (MySQL), or a
    `WHERE NOT EXISTS (...)` guard.

    ## Why is this bad?
    Seed data inserted by a hook is inserted again on each re-run: with a unique key the hook
    fails with a duplicate-key error, without one the table silently gets duplicate rows.

    ## Example
    ```sql
    INSERT INTO settings (key, value) VALUES ('theme', 'dark');
    ```

    ## Fix
    ```sql
    INSERT INTO settings (key, value) VALUES ('theme', 'dark')
    ON CONFLICT (key) DO NOTHING;
    ```
    """
    yield from _violations(res, ctx, "insert", "inserts its rows again (or fails on a duplicate key)", "")
