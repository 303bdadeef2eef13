"""The compiled parts the analysis can run without, whether each loaded here, and what is lost.

Most of hook-lsp is pure Python, but reading scripts inside hooks needs native code:
tree-sitter with its Bash grammar (every script rule: shell is read first, SQL is found in it),
pglast — PostgreSQL's own parser — for the SQL rules on PostgreSQL scripts, and a ShellCheck
binary for HK306. ruamel.yaml.clib (libyaml) only makes YAML reading faster. Any of them can be
missing on a platform or Python that has no wheel for it; the analysis then skips what it cannot
read instead of failing, and this module is what makes that visible: `parts()` probes each part
once (imports and ``shellcheck --version``; nothing from the workspace runs) and names the rules
that do not run. The CLI (``check`` warnings, ``doctor``) and the server (one message and a
status) report from it, so a lost rule family is never silent.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata

from .rules.registry import REGISTRY


@dataclass(frozen=True)
class Part:
    """One optional part and its state on this interpreter."""

    key: str
    #: What the part is, for people: "shell parser (tree-sitter-bash)".
    title: str
    active: bool
    #: Versions of what was loaded ("tree-sitter 0.23.2, tree-sitter-bash 0.23.3"), or "".
    version: str
    #: Why it is not active (the import error), or where it was found.
    detail: str
    #: What does not run without it, for people.
    lost: str
    #: Rule codes that cannot fire without it (empty for a part that only costs speed).
    rules: tuple[str, ...]


def _dist_version(*names: str) -> str:
    out = []
    for name in names:
        try:
            out.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name} (version unknown)")
    return ", ".join(out)


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip().rstrip(":")


def _codes(modules: tuple[str, ...], names: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Registered rules defined in ``modules`` (module basenames), optionally only ``names``."""
    return tuple(
        sorted(
            code
            for code, r in REGISTRY.items()
            if r.check.__module__.rsplit(".", 1)[-1] in modules and (not names or r.name in names)
        )
    )


def _script_rules() -> tuple[str, ...]:
    return _codes(tuple(m for m in {r.check.__module__.rsplit(".", 1)[-1] for r in REGISTRY.values()} if m.startswith("hk3_")))


def _shell_parser() -> Part:
    title = "shell parser (tree-sitter-bash)"
    rules = _script_rules()
    lost = "the script rules (shell and SQL inside hooks)"
    try:
        import tree_sitter_bash
        from tree_sitter import Language, Parser

        Parser(Language(tree_sitter_bash.language()))
    except Exception as exc:  # ImportError, or a wheel built for another ABI / grammar version
        return Part("shell-parser", title, False, "", _error(exc), lost, rules)
    return Part("shell-parser", title, True, _dist_version("tree-sitter", "tree-sitter-bash"), "", lost, rules)


def _postgres_parser() -> Part:
    title = "PostgreSQL parser (pglast)"
    rules = _codes(("hk3_sql",))
    lost = "the SQL rules on PostgreSQL scripts (MySQL scripts are still read)"
    try:
        from pglast import parser

        parser.parse_sql("SELECT 1")
    except Exception as exc:
        return Part("postgres-parser", title, False, "", _error(exc), lost, rules)
    return Part("postgres-parser", title, True, _dist_version("pglast"), "", lost, rules)


def _shellcheck() -> Part:
    from .scripts.shellcheck import binary

    return probe_shellcheck(binary())


@lru_cache(maxsize=4)
def probe_shellcheck(exe: str | None) -> Part:
    """The ShellCheck part for the executable `scripts.shellcheck.binary` found, probed once.

    It only runs ``shellcheck --version`` (no imports), so the server runs it off its event loop.
    """
    title = "ShellCheck"
    rules = _codes(("hk3_shell_checks",), ("shellcheck-finding",))
    lost = "ShellCheck's findings on hook scripts"
    if exe is None:
        return Part("shellcheck", title, False, "", "no shellcheck executable next to this Python or on PATH", lost, rules)
    try:
        # stdin from /dev/null: in the server, this process's stdin is the protocol stream.
        proc = subprocess.run(
            [exe, "--version"], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return Part("shellcheck", title, False, "", f"{exe} does not run here ({_error(exc)})", lost, rules)
    version = next((ln.split(":", 1)[1].strip() for ln in proc.stdout.splitlines() if ln.startswith("version:")), "")
    if proc.returncode != 0 or not version:
        return Part("shellcheck", title, False, "", f"{exe} does not run here (exit {proc.returncode})", lost, rules)
    return Part("shellcheck", title, True, f"ShellCheck {version}", exe, lost, rules)


def _libyaml() -> Part:
    title = "fast YAML reader (ruamel.yaml.clib)"
    lost = "nothing: YAML is read by the pure-Python reader, about ten times slower"
    try:
        import _ruamel_yaml  # noqa: F401  (ruamel.yaml itself hides its absence)
    except Exception as exc:
        return Part("libyaml", title, False, "", _error(exc), lost, ())
    return Part("libyaml", title, True, _dist_version("ruamel.yaml.clib"), "", lost, ())


#: The modules the parser parts load (`check`'s cache keys on their files without loading them).
MODULES = ("tree_sitter", "tree_sitter_bash", "pglast", "_ruamel_yaml")


@lru_cache(maxsize=1)
def parts() -> tuple[Part, ...]:
    """Every optional part, probed once per process."""
    return (_shell_parser(), _postgres_parser(), _shellcheck(), _libyaml())


def missing(shellcheck: bool = True) -> list[Part]:
    """Parts that are not active and cost rules (``shellcheck=False``: the user turned it off)."""
    return [p for p in parts() if not p.active and p.rules and (shellcheck or p.key != "shellcheck")]


def warning(part: Part) -> str:
    """One line for a person: what is off, why, what is lost, and how to get it back."""
    codes = ", ".join(part.rules)
    return (
        f"{part.title} is not available here ({part.detail}), so {part.lost} do not run ({codes}). "
        "To get them: install hook-lsp with pip into this Python (CPython 3.10-3.13 on Linux, macOS "
        "or Windows, x86-64 or arm64, has wheels for every part), or run hook-lsp with another Python."
    )
