"""SQL re-run hazards with pglast and sqlglot, and fix positions checked by re-parsing."""

from __future__ import annotations

from hook_lsp.analysis.scripts.mapped import MappedText
from hook_lsp.analysis.scripts.sql import analyse_sql, prepare_psql


def _mt(text: str) -> MappedText:
    return MappedText(text, list(range(len(text))), len(text))


def _apply(text: str, f) -> str:
    return text[: f.insert_at] + f.insert_text + text[f.insert_at :]


def test_postgres_findings_and_fixes() -> None:
    sql = (
        "CREATE TABLE app.users (id int);\n"
        "CREATE UNIQUE INDEX CONCURRENTLY users_id ON app.users (id);\n"
        "CREATE VIEW v AS SELECT 1;\n"
        "ALTER TABLE t ADD COLUMN c int, ADD COLUMN IF NOT EXISTS d int;\n"
        "DROP TABLE old;\n"
        "CREATE ROLE r;\n"
        "INSERT INTO t VALUES (1);\n"
        "CREATE TYPE mood AS ENUM ('a');\n"
    )
    findings, on_error_stop = analyse_sql(_mt(sql), "postgres")
    assert not on_error_stop
    got = [(f.kind, f.head) for f in findings]
    assert got == [
        ("create", "CREATE TABLE app.users"),
        ("create", "CREATE UNIQUE INDEX CONCURRENTLY users_id"),
        ("replace", "CREATE VIEW v"),
        ("add-column", "ADD COLUMN c"),
        ("drop", "DROP TABLE old"),
        ("role", "CREATE ROLE r"),
        ("insert", "INSERT INTO t"),
        ("create", "CREATE TYPE mood"),
    ]
    fixed = {f.head: _apply(sql, f) for f in findings if f.insert_at is not None}
    assert "CREATE TABLE IF NOT EXISTS app.users" in fixed["CREATE TABLE app.users"]
    assert "CONCURRENTLY IF NOT EXISTS users_id" in fixed["CREATE UNIQUE INDEX CONCURRENTLY users_id"]
    assert "CREATE OR REPLACE VIEW v" in fixed["CREATE VIEW v"]
    assert "ADD COLUMN IF NOT EXISTS c int" in fixed["ADD COLUMN c"]
    assert "DROP TABLE IF EXISTS old" in fixed["DROP TABLE old"]
    # No PostgreSQL clause guards roles and types: a hint instead of a fix.
    role = next(f for f in findings if f.kind == "role")
    assert role.insert_at is None and "pg_roles" in role.hint


def test_guarded_forms_are_silent() -> None:
    sql = (
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'x') THEN CREATE ROLE x; END IF; END $$;\n"
        "DROP TABLE IF EXISTS s; CREATE TABLE s (id int);\n"
        "INSERT INTO t SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM t);\n"
        "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING;\n"
        "SELECT 'CREATE DATABASE d' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'd')\\gexec\n"
    )
    findings, _ = analyse_sql(_mt(sql), "postgres")
    assert findings == []


def test_psql_meta_commands_and_variables_are_masked() -> None:
    text = "\\c app\n\\set ON_ERROR_STOP on\nGRANT ALL ON DATABASE :\"db\" TO :user;\n"
    prepared, on = prepare_psql(text)
    assert on and len(prepared) == len(text)
    assert "\\" not in prepared and ":" not in prepared
    assert analyse_sql(_mt(text), "postgres") == ([], True)


def test_unparsable_fragment_is_skipped() -> None:
    assert analyse_sql(_mt("CREATE TABLE xxxx (\n"), "postgres") is None


def test_mysql_findings() -> None:
    sql = (
        "CREATE DATABASE app; CREATE TABLE IF NOT EXISTS t (a int); DROP TABLE x;\n"
        "CREATE USER 'u'@'%' IDENTIFIED BY 'p'; INSERT INTO t VALUES (1); INSERT IGNORE INTO t VALUES (2);\n"
        "CREATE VIEW v AS SELECT 1;\n"
    )
    findings, _ = analyse_sql(_mt(sql), "mysql")
    assert [(f.kind, f.head) for f in findings] == [
        ("create", "CREATE DATABASE app"),
        ("drop", "DROP TABLE x"),
        ("role", "CREATE USER 'u'"),
        ("insert", "INSERT INTO t"),
        ("replace", "CREATE VIEW v"),
    ]
    user = findings[2]
    assert _apply(sql, user).count("CREATE USER IF NOT EXISTS 'u'") == 1
