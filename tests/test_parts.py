"""A part of the analysis that cannot load is reported, never silent: `doctor`, `check` (stderr
warning; exit 2 under ``--strict``) and the server (one message, a ``hookLsp/parts`` status).

A missing compiled dependency is simulated the way a platform without its wheel looks to Python:
the module is made unimportable (``sys.modules[name] = None``) before hook-lsp starts. ShellCheck
is made absent by having hook-lsp find no executable.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from hook_lsp.analysis.parts import parts
from hook_lsp.analysis.rules.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "rules" / "fixtures"
SHELL_CHART = FIXTURES / "HK301"
SQL_CHART = FIXTURES / "HK350"
SCRIPT_RULES = {f"HK30{i}" for i in range(1, 7)} | {f"HK35{i}" for i in range(6)}

#: Python statements run before hook-lsp, per simulated absence.
WITHOUT = {
    "tree-sitter": "import sys; sys.modules['tree_sitter'] = None",
    "pglast": "import sys; sys.modules['pglast'] = None",
    "libyaml": "import sys; sys.modules['_ruamel_yaml'] = None",
    "shellcheck": "import hook_lsp.analysis.scripts.shellcheck as s; s.binary = lambda: None",
    "nothing": "pass",
}


def run(without: str, *args: str) -> subprocess.CompletedProcess:
    code = f"{WITHOUT[without]}\nimport sys\nfrom hook_lsp.cli import main\nsys.exit(main({list(args)!r}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)


def codes_in(text_output: str) -> set[str]:
    return {w for w in text_output.split() if w.startswith("HK") and w[2:].isdigit()}


def test_everything_is_active_in_the_test_environment():
    """The suite's own environment installs every part (pyproject), with a version for each."""
    found = {p.key: p for p in parts()}
    assert set(found) == {"shell-parser", "postgres-parser", "shellcheck", "libyaml"}
    assert all(p.active and p.version for p in found.values()), found
    assert set(found["shell-parser"].rules) >= SCRIPT_RULES
    assert found["shellcheck"].rules == ("HK306",)
    proc = run("nothing", "doctor", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["rulesLost"] == [] and set(data["rulesActive"]) == set(REGISTRY)
    assert {p["name"] for p in data["parts"] if p["active"]} == set(found)


def test_check_without_tree_sitter_warns_once_and_strict_exits_2():
    normal = run("nothing", "check", str(SHELL_CHART))
    assert "HK301" in codes_in(normal.stdout) and normal.stderr == ""
    proc = run("tree-sitter", "check", str(SHELL_CHART))
    assert "Traceback" not in proc.stderr
    assert not codes_in(proc.stdout) & SCRIPT_RULES
    warnings = [ln for ln in proc.stderr.splitlines() if ln.startswith("hook-lsp: warning:")]
    assert len(warnings) == 1, proc.stderr
    assert "shell parser (tree-sitter-bash) is not available" in warnings[0]
    assert "HK301" in warnings[0] and "HK355" in warnings[0] and "install hook-lsp" in warnings[0]
    strict = run("tree-sitter", "check", "--strict", str(SHELL_CHART))
    assert strict.returncode == 2
    assert run("nothing", "check", "--strict", "--fail-on", "never", str(SHELL_CHART)).returncode == 0


def test_doctor_lists_the_missing_part_with_the_reason():
    proc = run("tree-sitter", "doctor")
    assert proc.returncode == 1
    (line,) = [ln for ln in proc.stdout.splitlines() if "shell parser" in ln and "MISSING" in ln]
    assert "tree_sitter" in line
    assert [ln for ln in proc.stdout.splitlines() if "PostgreSQL parser" in ln and "active" in ln]
    lost = len({c for c in REGISTRY if c in SCRIPT_RULES})
    assert f"rules: {len(REGISTRY) - lost} of {len(REGISTRY)} can run" in proc.stdout


def test_check_without_pglast_keeps_mysql_and_warns():
    normal = run("nothing", "check", "--select", "HK350", str(SQL_CHART))
    proc = run("pglast", "check", "--select", "HK350", str(SQL_CHART))
    assert "PostgreSQL parser (pglast) is not available" in proc.stderr and "Traceback" not in proc.stderr
    # MySQL is read by sqlglot (pure Python): its finding stays; the PostgreSQL ones go.
    assert "fire-mysql.yaml" in proc.stdout
    assert "fire-psql-heredoc.yaml" in normal.stdout and "fire-psql-heredoc.yaml" not in proc.stdout
    assert run("pglast", "check", "--strict", "--select", "HK350", str(SQL_CHART)).returncode == 2


def test_shellcheck_absent_is_reported_unless_its_rule_is_off():
    proc = run("shellcheck", "check", str(FIXTURES / "HK306"))
    assert "ShellCheck is not available" in proc.stderr and "HK306" not in codes_in(proc.stdout)
    quiet = run("shellcheck", "check", "--strict", "--ignore", "HK306", str(FIXTURES / "HK306"))
    assert quiet.stderr == "" and quiet.returncode != 2


def test_libyaml_absent_costs_speed_only():
    proc = run("libyaml", "doctor")
    assert proc.returncode == 0
    assert [ln for ln in proc.stdout.splitlines() if "fast YAML reader" in ln and "MISSING" in ln]
    check = run("libyaml", "check", "--strict", str(SHELL_CHART))
    assert check.stderr == "" and check.returncode == 1  # findings, not a missing-part failure


async def test_server_without_tree_sitter_says_so_once_and_keeps_serving(tmp_path):
    """One warning message and a hookLsp/parts status at start; edits bring no more messages
    and no tracebacks, and the rules that need no script parser still fire."""
    client = LanguageClient("parts-test", "1")
    messages: list[types.ShowMessageParams] = []
    statuses: list = []
    diagnostics: asyncio.Queue = asyncio.Queue()
    client.feature(types.WINDOW_SHOW_MESSAGE)(lambda params: messages.append(params))
    reported = asyncio.Event()

    @client.feature("hookLsp/parts")
    def on_parts(params) -> None:
        statuses.append(params)
        reported.set()

    client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(lambda params: diagnostics.put_nowait(params))
    log = tmp_path / "server.log"
    code = f"{WITHOUT['tree-sitter']}\nfrom hook_lsp.cli import main\nsys.exit(main(['serve', '--log-file', {str(log)!r}]))"
    await client.start_io(sys.executable, "-c", code, cwd=str(ROOT))
    try:
        await asyncio.wait_for(client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=SHELL_CHART.as_uri())), 30)
        client.initialized(types.InitializedParams())
        path = SHELL_CHART / "templates" / "fire-mkdir-on-volume.yaml"
        text = path.read_text()
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=path.as_uri(), language_id="helm", version=1, text=text)))
        for version in range(2, 7):  # five keystrokes
            text += " "
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
                [types.TextDocumentContentChangeWholeDocument(text=text)]))
        while True:
            params = await asyncio.wait_for(diagnostics.get(), 30)
            if params.uri == path.as_uri() and params.version == 6:
                break
        found = {d.code for d in params.diagnostics}
        assert found and not found & SCRIPT_RULES
        await asyncio.wait_for(reported.wait(), 30)  # the status follows the warning message
    finally:
        await asyncio.wait_for(client.shutdown_async(None), 10)
        client.exit(None)
        try:
            await asyncio.wait_for(client.stop(), 15)
        except asyncio.TimeoutError:
            client._server.kill()
            raise AssertionError("the server did not exit after shutdown/exit") from None
    warnings = [m for m in messages if m.type == types.MessageType.Warning]
    assert len(warnings) == 1 and "shell parser (tree-sitter-bash) is not available" in warnings[0].message
    (status,) = statuses
    # pygls hands an unregistered notification's params over as a named tuple.
    missing, lost = (status["missing"], status["rulesLost"]) if isinstance(status, dict) else (status.missing, status.rulesLost)
    assert list(missing) == ["shell-parser"] and "HK301" in lost
    assert "Traceback" not in log.read_text()
