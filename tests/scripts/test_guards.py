"""Existence probes: commands that run only after the script looked whether the object exists."""

from __future__ import annotations

import pytest

from hook_lsp.analysis.scripts.mapped import MappedText
from hook_lsp.analysis.scripts.shell import parse_shell


def _guarded(text: str) -> dict[str, bool]:
    """``{first word of the command's SQL or args: exists_guarded}`` for every writing command."""
    script = parse_shell(MappedText(text, list(range(len(text))), len(text)))
    assert script.ok
    out = {}
    for c in script.commands:
        joined = " ".join(w.raw for w in c.words)
        if "CREATE" in joined or (c.name == "kubectl" and "create" in joined):
            out[c.name] = c.exists_guarded
    return out


GUARDED = {
    "if-probe-exit": 'if psql -lqt | cut -d "|" -f 1 | grep -qw app; then exit 0; fi\npsql -c "CREATE DATABASE app"\n',
    "probe-and-exit": "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='app'\" | grep -q 1 && exit 0\n"
    'psql -c "CREATE DATABASE app"\n',
    "probe-or-create": "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='app'\" | grep -q 1 || "
    "psql -c \"CREATE ROLE app\"\n",
    "status-variable": 'psql "$URL/app" -c "\\q" 2>/dev/null\nrc=$?\nif [ $rc -eq 0 ]; then\n  echo ok\n  exit 0\nfi\n'
    'psql -c "CREATE DATABASE app;"\n',
    "substitution": 'found=$(mysql -N -e "SHOW DATABASES LIKE \'app\'")\nif [ -n "$found" ]; then exit 0; fi\n'
    'mysql -e "CREATE DATABASE app"\n',
    "connect-or-else": 'if psql -d app -c "\\q"; then\n  echo exists\nelse\n  psql -c "CREATE DATABASE app"\nfi\n',
    "not-probe-then": 'if ! kubectl get secret token >/dev/null 2>&1; then\n  kubectl create secret generic token\nfi\n',
    "test-of-substitution": '[ -n "$(kubectl get secret token --ignore-not-found -o name)" ] && exit 0\n'
    "kubectl create secret generic token\n",
    "information-schema": "if [ \"$(mysql -N -e \"SELECT COUNT(*) FROM information_schema.schemata WHERE "
    "schema_name='app'\")\" = 1 ]; then\n  echo exists\nelse\n  mysql -e 'CREATE DATABASE app'\nfi\n",
}

UNGUARDED = {
    "no-probe": 'psql -c "CREATE DATABASE app"\n',
    "exit-1-after-probe": "if ! psql -lqt | grep -qw app; then exit 1; fi\npsql -c \"CREATE DATABASE app\"\n",
    "condition-writes": 'if psql -c "CREATE DATABASE app"; then echo created; fi\nkubectl create secret generic x\n',
    "unrelated-if": 'if [ -n "$DEBUG" ]; then set -x; fi\npsql -c "CREATE DATABASE app"\n',
    "readiness-check": 'if psql -c "SELECT 1"; then\n  psql -c "CREATE TABLE t (id int)"\nfi\n',
    "exit-in-subshell": "( psql -lqt | grep -qw app && exit 0 )\npsql -c \"CREATE DATABASE app\"\n",
}


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_probe_guards_the_create(name: str) -> None:
    found = _guarded(GUARDED[name])
    assert found and all(found.values()), found


@pytest.mark.parametrize("name", sorted(UNGUARDED))
def test_no_probe_no_guard(name: str) -> None:
    found = _guarded(UNGUARDED[name])
    assert found and not any(found.values()), found
