"""SQL statements that fail, or do their work twice, when a hook runs again.

PostgreSQL scripts (``psql``) are read with pglast, the PostgreSQL server's own parser; MySQL and
MariaDB scripts with sqlglot. A script that does not parse — typically a fragment completed by
template actions — is skipped: a finding needs a statement the parser understood. Statements
inside ``DO $$ ... $$`` blocks and functions are not looked at, so the usual guarded form
(``DO $$ BEGIN IF NOT EXISTS (...) THEN CREATE ROLE ...``) is silent.

Fixes are checked before they are offered: for PostgreSQL the statement is parsed again with the
inserted words and must carry the guard (``if_not_exists``, ``missing_ok``, ``replace``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from .mapped import MappedText

logging.getLogger("sqlglot").setLevel(logging.ERROR)


@dataclass
class SqlFinding:
    #: ``create`` (IF NOT EXISTS), ``replace`` (OR REPLACE), ``add-column``, ``drop``, ``role``,
    #: ``insert``.
    kind: str
    #: Extracted range of the statement's head (``CREATE TABLE users``).
    start: int
    end: int
    #: The head as written, normalised to single spaces.
    head: str
    #: Where to insert the guard, and what (None when the dialect has no such guard).
    insert_at: int | None = None
    insert_text: str = ""
    #: A hint for when no insertion fixes it.
    hint: str = ""


# -- psql preparation -------------------------------------------------------------------------

_META = re.compile(r"(?<![\w'\"\\])\\([a-zA-Z!?]+)[^\n]*")
_PSQL_VAR = re.compile(r"(?<![:\w]):(?:'[A-Za-z_]\w*'|\"[A-Za-z_]\w*\"|[A-Za-z_]\w*)")


def prepare_psql(text: str) -> tuple[str, bool]:
    """Blank psql meta-commands (``\\c db``; ``\\gexec`` ends a statement) and ``:var``s.

    Returns the text (same length) and whether ``\\set ON_ERROR_STOP`` turns error stopping on.
    """
    on_error_stop = False

    def meta(m: re.Match) -> str:
        nonlocal on_error_stop
        cmd = m.group(1)
        body = m.group(0)
        if cmd == "set" and "ON_ERROR_STOP" in body and not re.search(r"ON_ERROR_STOP\s+(off|0|false)", body, re.IGNORECASE):
            on_error_stop = True
        if cmd in ("g", "gexec", "gset", "gx"):
            return ";" + " " * (len(body) - 1)
        return " " * len(body)

    out = _META.sub(meta, text)
    out = _PSQL_VAR.sub(lambda m: "x" * len(m.group(0)), out)
    return out, on_error_stop


# -- PostgreSQL ----------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _pg_parse(text: str):
    try:  # ImportError too: without pglast PostgreSQL scripts are left unread (see analysis.parts)
        from pglast import parser

        return parser.parse_sql(text), parser.scan(text)
    except Exception:  # pglast.parser.ParseError, or anything odd in a fragment
        return None


def _pg_stmt(text: str):
    try:  # ImportError too: without pglast PostgreSQL scripts are left unread (see analysis.parts)
        from pglast import parser

        stmts = parser.parse_sql(text)
    except Exception:
        return None
    return stmts[0].stmt if len(stmts) == 1 else None


def _names(items) -> list[str]:
    out = []
    for it in items or ():
        sval = getattr(it, "sval", None)
        if sval is not None:
            out.append(sval.lower())
            continue
        if isinstance(it, tuple):
            out.extend(_names(it[-1:]))
            continue
        objname = getattr(it, "objname", None)
        if objname:
            out.extend(_names(objname[-1:]))
            continue
        rolename = getattr(it, "rolename", None)
        if rolename:
            out.append(rolename.lower())
    return out


def _pg_created_name(node) -> str | None:
    t = type(node).__name__
    if t == "CreateStmt":
        return node.relation.relname.lower()
    if t == "CreateTableAsStmt":
        return node.into.rel.relname.lower()
    if t == "ViewStmt":
        return node.view.relname.lower()
    if t == "IndexStmt":
        return (node.idxname or "").lower() or None
    if t == "CreateSeqStmt":
        return node.sequence.relname.lower()
    if t == "CreateSchemaStmt":
        return (node.schemaname or "").lower() or None
    if t in ("CreateEnumStmt", "CreateRangeStmt"):
        return _names(node.typeName[-1:])[0] if node.typeName else None
    if t == "CompositeTypeStmt":
        return node.typevar.relname.lower()
    if t in ("CreateFunctionStmt",):
        return _names(node.funcname[-1:])[0] if node.funcname else None
    if t == "CreateRoleStmt":
        return node.role.lower()
    if t == "CreatedbStmt":
        return node.dbname.lower()
    if t == "CreateExtensionStmt":
        return node.extname.lower()
    return None


def _pg_dropped_names(node) -> list[str]:
    t = type(node).__name__
    if t == "DropStmt":
        return _names(node.objects)
    if t == "DropRoleStmt":
        return _names(node.roles)
    if t == "DropdbStmt":
        return [node.dbname.lower()]
    return []


_PG_CREATE = {
    "CreateStmt": "TABLE",
    "IndexStmt": "INDEX",
    "CreateSchemaStmt": "SCHEMA",
    "CreateSeqStmt": "SEQUENCE",
    "CreateExtensionStmt": "EXTENSION",
}
_PG_NO_GUARD = {
    "CreateEnumStmt": ("TYPE", "PostgreSQL has no `CREATE TYPE IF NOT EXISTS`: create it in a `DO` block that checks `pg_type` first"),
    "CompositeTypeStmt": ("TYPE", "PostgreSQL has no `CREATE TYPE IF NOT EXISTS`: create it in a `DO` block that checks `pg_type` first"),
    "CreateRangeStmt": ("TYPE", "PostgreSQL has no `CREATE TYPE IF NOT EXISTS`: create it in a `DO` block that checks `pg_type` first"),
    "CreateDomainStmt": ("DOMAIN", "PostgreSQL has no `CREATE DOMAIN IF NOT EXISTS`: create it in a `DO` block that checks `pg_type` first"),
    "CreatedbStmt": ("DATABASE", "PostgreSQL has no `CREATE DATABASE IF NOT EXISTS`: use `SELECT 'CREATE DATABASE ...' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '...')\\gexec`"),
}
_ROLE_HINT = "PostgreSQL has no `CREATE ROLE IF NOT EXISTS`: create it in a `DO` block that checks `pg_roles` first"


def _tok_end(tok) -> int:
    return tok.end + 1  # pglast token ends are inclusive


def _head(tokens, stop_after_ident: bool = True, limit: int = 6) -> tuple[int, int]:
    """Range of a statement's first tokens, through the first identifier."""
    start = tokens[0].start
    end = _tok_end(tokens[0])
    for k, tok in enumerate(tokens[1:limit], 1):
        end = _tok_end(tok)
        if stop_after_ident and tok.name in ("IDENT", "SCONST"):
            # A qualified name: schema.table
            while k + 2 < len(tokens) and tokens[k + 1].name == "ASCII_46" and tokens[k + 2].name == "IDENT":
                k += 2
                end = _tok_end(tokens[k])
            break
        if tok.name.startswith("ASCII_"):
            end = tokens[k - 1].end + 1
            break
    return start, end


def _pg_guard_position(stmt_text: str, tokens, offset: int, words: str, check) -> int | None:
    """The first token position where inserting ``words`` makes ``check(stmt)`` true."""
    for tok in tokens[1:8]:
        at = tok.start - offset
        candidate = stmt_text[:at] + words + stmt_text[at:]
        node = _pg_stmt(candidate)
        if node is not None and check(node):
            return tok.start
    return None


def analyse_postgres(text: MappedText) -> tuple[list[SqlFinding], bool] | None:
    """Findings of a PostgreSQL script, and whether it sets ON_ERROR_STOP; None if unparsable."""
    prepared, on_error_stop = prepare_psql(text.text)
    parsed = _pg_parse(prepared)
    if parsed is None:
        return None
    from pglast.enums import AlterTableType

    stmts, all_tokens = parsed
    findings: list[SqlFinding] = []
    dropped: set[str] = set()
    for raw in stmts:
        node = raw.stmt
        t = type(node).__name__
        loc = raw.stmt_location
        length = raw.stmt_len or (len(prepared) - loc)
        tokens = [tok for tok in all_tokens if loc <= tok.start < loc + length]
        if not tokens:
            continue
        stmt_text = prepared[loc : loc + length]

        def head(stop=True, tokens=tokens):
            a, b = _head(tokens, stop)
            return a, b, " ".join(prepared[a:b].split())

        if t in ("DropStmt", "DropRoleStmt", "DropdbStmt"):
            if getattr(node, "missing_ok", True):
                dropped.update(_pg_dropped_names(node))
                continue
            a, b, h = head()
            at = _pg_guard_position(stmt_text, tokens, loc, "IF EXISTS ", lambda n: getattr(n, "missing_ok", False))
            findings.append(SqlFinding("drop", a, b, h, at, "IF EXISTS "))
            continue
        name = _pg_created_name(node)
        if name is not None and name in dropped:
            continue  # dropped with IF EXISTS earlier in the script: re-created from scratch
        if t in _PG_CREATE or (t == "CreateTableAsStmt"):
            if node.if_not_exists:
                continue
            a, b, h = head()
            at = None
            if t != "IndexStmt" or node.idxname:
                at = _pg_guard_position(stmt_text, tokens, loc, "IF NOT EXISTS ", lambda n: getattr(n, "if_not_exists", False))
            findings.append(SqlFinding("create", a, b, h, at, "IF NOT EXISTS "))
        elif t in _PG_NO_GUARD:
            a, b, h = head()
            findings.append(SqlFinding("create", a, b, h, hint=_PG_NO_GUARD[t][1]))
        elif t in ("ViewStmt", "CreateFunctionStmt", "CreateTrigStmt"):
            if node.replace:
                continue
            a, b, h = head()
            at = _pg_guard_position(stmt_text, tokens, loc, "OR REPLACE ", lambda n: getattr(n, "replace", False))
            findings.append(SqlFinding("replace", a, b, h, at, "OR REPLACE "))
        elif t == "CreateRoleStmt":
            a, b, h = head()
            findings.append(SqlFinding("role", a, b, h, hint=_ROLE_HINT))
        elif t == "InsertStmt":
            if node.onConflictClause is not None or "NOT EXISTS" in " ".join(stmt_text.upper().split()):
                continue
            a, b, h = head()
            findings.append(SqlFinding("insert", a, b, h, hint="add `ON CONFLICT ... DO NOTHING` (or `DO UPDATE`), or insert with `WHERE NOT EXISTS (...)`"))
        elif t == "AlterTableStmt":
            findings.extend(_pg_add_columns(node, tokens, stmt_text, loc, prepared, AlterTableType))
    return findings, on_error_stop


def _pg_add_columns(node, tokens, stmt_text, loc, prepared, AlterTableType) -> list[SqlFinding]:
    # Commands are separated by commas at parenthesis depth 0, in order.
    segments: list[list] = [[]]
    depth = 0
    for tok in tokens:
        if tok.name == "ASCII_40":
            depth += 1
        elif tok.name == "ASCII_41":
            depth -= 1
        elif tok.name == "ASCII_44" and depth == 0:
            segments.append([])
            continue
        segments[-1].append(tok)
    out = []
    cmds = list(node.cmds or ())
    if len(segments) != len(cmds):
        return out
    for i, (cmd, seg) in enumerate(zip(cmds, segments)):
        if cmd.subtype != AlterTableType.AT_AddColumn or cmd.missing_ok:
            continue
        add = next((k for k, tok in enumerate(seg) if tok.name == "ADD_P"), None)
        if add is None:
            continue
        rest = seg[add:]
        a, b = _head(rest, True, 4)
        head = " ".join(prepared[a:b].split())
        # Insert after ADD [COLUMN]; check by parsing the statement again.
        after = rest[1] if len(rest) > 1 and rest[1].name == "COLUMN" else rest[0]
        nxt = seg[seg.index(after) + 1] if seg.index(after) + 1 < len(seg) else None
        at = None
        if nxt is not None:
            pos = nxt.start - loc
            candidate = stmt_text[:pos] + "IF NOT EXISTS " + stmt_text[pos:]
            fixed = _pg_stmt(candidate)
            if fixed is not None and len(fixed.cmds) > i and fixed.cmds[i].missing_ok:
                at = nxt.start
        out.append(SqlFinding("add-column", a, b, head, at, "IF NOT EXISTS "))
    return out


# -- MySQL / MariaDB (sqlglot) -----------------------------------------------------------------


def analyse_mysql(text: MappedText) -> tuple[list[SqlFinding], bool] | None:
    from sqlglot import exp
    from sqlglot.dialects import Dialect
    from sqlglot.tokens import TokenType

    dialect = Dialect.get_or_raise("mysql")
    sql = text.text
    try:
        tokens = dialect.tokenize(sql)
    except Exception:
        return None
    statements: list[list] = [[]]
    for tok in tokens:
        if tok.token_type == TokenType.SEMICOLON:
            statements.append([])
        else:
            statements[-1].append(tok)
    findings: list[SqlFinding] = []
    for toks in statements:
        if not toks:
            continue
        try:
            expr = dialect.parser().parse(toks, sql)[0]
        except Exception:
            continue
        words = [t.text.upper() for t in toks[:6]]
        a = toks[0].start

        def head(n=3, toks=toks, a=a):
            b = toks[min(n, len(toks)) - 1].end + 1
            return a, b, " ".join(sql[a:b].split())

        if isinstance(expr, exp.Create):
            kind = (expr.args.get("kind") or "").upper()
            if kind in ("TABLE", "DATABASE", "SCHEMA") and not expr.args.get("exists"):
                k = next((i for i, t in enumerate(toks) if t.text.upper() == kind), None)
                at = toks[k + 1].start if k is not None and k + 1 < len(toks) else None
                findings.append(SqlFinding("create", *head(k + 2 if k is not None else 3), at, "IF NOT EXISTS "))
            elif kind == "VIEW" and not expr.args.get("replace"):
                findings.append(SqlFinding("replace", *head(3), toks[1].start, "OR REPLACE "))
        elif isinstance(expr, exp.Drop):
            kind = (expr.args.get("kind") or "").upper()
            if kind in ("TABLE", "DATABASE", "SCHEMA", "VIEW") and not expr.args.get("exists"):
                k = next((i for i, t in enumerate(toks) if t.text.upper() == kind), None)
                at = toks[k + 1].start if k is not None and k + 1 < len(toks) else None
                findings.append(SqlFinding("drop", *head(k + 2 if k is not None else 3), at, "IF EXISTS "))
        elif isinstance(expr, exp.Insert):
            if expr.args.get("ignore") or expr.args.get("conflict") or "NOT EXISTS" in " ".join(words):
                continue
            if "NOT EXISTS" in " ".join(sql[a : toks[-1].end + 1].upper().split()):
                continue
            findings.append(SqlFinding("insert", *head(3), hint="use `INSERT IGNORE`, `ON DUPLICATE KEY UPDATE` or `REPLACE INTO`"))
        elif words[:2] == ["CREATE", "USER"] and (len(words) < 3 or words[2] != "IF"):
            findings.append(SqlFinding("role", *head(3), toks[2].start if len(toks) > 2 else None, "IF NOT EXISTS "))
    return findings, False


def analyse_sql(text: MappedText, dialect: str) -> tuple[list[SqlFinding], bool] | None:
    """Findings of ``text`` read as ``dialect``; None when it does not parse."""
    if dialect == "postgres":
        return analyse_postgres(text)
    if dialect == "mysql":
        return analyse_mysql(text)
    return None
