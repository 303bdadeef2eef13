"""Existence probes in shell: which commands run only when the object is not there yet.

Hook scripts that create databases, roles or Kubernetes objects are often written to be
re-runnable by looking first: ``if psql -lqt | cut -d'|' -f1 | grep -qw app; then exit 0; fi``,
``kubectl get secret token || kubectl create secret ...``, ``probe; rc=$?; if [ $rc -eq 0 ];
then exit 0; fi``. A *probe* is a command that only reads: a database client whose SQL does
not change anything (a catalog query, ``SHOW DATABASES``, ``\\l``, a bare connection with
``\\q``), ``psql -l``, or ``kubectl get``/``describe``. These helpers answer, for a tree-sitter
node of the script, whether it tests a probe's outcome and whether it leaves the script
(``exit 0``); `shell._Walker` uses them to mark the commands that run only after a probe said
"not there yet" (`Command.exists_guarded`). The rules then do not judge those commands: the
author thought about the second run.
"""

from __future__ import annotations

import re

_SQL_CLIENT = re.compile(r"(?<![\w-])(psql|mysql|mariadb|mysqlshow|sqlcmd|clickhouse-client|cockroach)(?![\w-])")
#: SQL that changes something: a client command containing it is work, not a probe.
_SQL_WRITE = re.compile(
    r"\b(create|drop|alter|insert|update|delete|grant|revoke|truncate|rename|comment\s+on)\b", re.IGNORECASE
)
_KUBECTL_READ = re.compile(r"(?<![\w-])kubectl(\s+-{1,2}[\w-]+(=\S+)?(\s+[^-\s]\S*)?)*?\s+(get|describe)\b")
_STATUS = re.compile(r"\$\{?\?")
_VAR_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z_0-9]*)")


def is_probe_text(text: str) -> bool:
    """True when ``text`` (a condition, a pipeline, an assignment's value) runs a read-only probe."""
    if _KUBECTL_READ.search(text):
        return True
    if _SQL_CLIENT.search(text) and not _SQL_WRITE.search(text):
        return True
    return False


#: What an existence probe reads: the catalog, a listing, or the cluster.
_CATALOG = re.compile(
    r"pg_database|pg_roles|pg_user|pg_namespace|pg_tables|pg_class|pg_type|pg_extension|pg_catalog|"
    r"information_schema|show\s+(databases|schemas|tables|grants)|\\(l|du|dt|dn)\b|(?<![\w-])(-l\w*|--list)\b",
    re.IGNORECASE,
)


def tests_existence(text: str, probe_vars: set[str]) -> bool:
    """True when a condition asks whether an object exists (not merely whether a server answers):
    a catalog query or listing, `kubectl get`, a negated probe, or a variable holding a probe's
    result. A bare `if psql -c 'SELECT 1'; then` is a readiness check: its body is not guarded."""
    if _KUBECTL_READ.search(text) or any(name in probe_vars for name in _VAR_REF.findall(text)):
        return True
    if not is_probe_text(text):
        return False
    return bool(_CATALOG.search(text)) or text.lstrip().startswith("!")


def tests_probe(text: str, probe_vars: set[str]) -> bool:
    """True when a condition runs a probe, or tests a variable that holds a probe's outcome."""
    if is_probe_text(text):
        return True
    return any(name in probe_vars for name in _VAR_REF.findall(text))


def tests_status(text: str) -> bool:
    """True when a condition reads ``$?`` (the status of the command just before)."""
    return bool(_STATUS.search(text))


def leaves_when_done(node, raw) -> bool:
    """True when ``node`` (a branch body or the right side of ``&&``) ends the script successfully:
    an ``exit`` with no status or status 0 (what a probe-then-exit guard does)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "command":
            name = n.child_by_field_name("name")
            if name is not None and raw(name) == "exit":
                args = n.children_by_field_name("argument")
                if not args or raw(args[0]) in ("0", '"0"', "'0'"):
                    return True
            continue
        if n.type in ("command_substitution", "subshell", "function_definition"):
            continue  # an `exit` there leaves only the subshell or the function
        stack.extend(n.children)
    return False


def assigned_name(node, raw) -> str | None:
    """The variable a ``variable_assignment`` (or ``local``/``export`` of one) sets."""
    if node.type == "variable_assignment":
        name = node.child_by_field_name("name")
        return raw(name) if name is not None else None
    if node.type == "declaration_command":
        for c in node.children:
            if c.type == "variable_assignment":
                return assigned_name(c, raw)
    return None
