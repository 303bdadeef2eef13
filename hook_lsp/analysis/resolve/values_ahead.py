"""Values files of a large chart, read ahead by a helper process while the server reads templates.

An umbrella chart's values files add up to megabytes of YAML (14 MB in the bench's umbrella of
243 subcharts): reading them is about a third of indexing such a chart, and nothing needs a
subchart's values before its first template is rendered. When the server meets a large chart
(before it answers the opened document; it indexes the rest after), `start` runs this module in
a second process (the server's own interpreter, isolated, importing the server's own hook_lsp)
and sends it the chart's values files in the order indexing reaches them. The helper reads each
with `values.read_values_file`, the function the server itself uses, and streams the result
back (pickled: maps, lists, strings, numbers); `values._load_file` takes a file from it when
the file's modification time and size still match, and reads the file itself otherwise. So the
second core reads values while the first reads templates, and the data is the same either way.

Nothing waits on the helper: a file it has not sent yet is read in-process, and a helper that
cannot start, fails or is slow costs nothing but its own work. It reads files only (no
template of the chart runs), writes nothing, and ends when its list is done or the server goes.
"""

from __future__ import annotations

import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)

#: A chart's values files are read ahead when there are at least this many, of this many bytes.
MIN_FILES = 4
MIN_BYTES = 1 << 20
_HEADER = struct.Struct("<Q")
#: Path -> ((mtime_ns, size), pickled (data, problem)), as the helpers send them.
_received: dict[str, tuple[tuple[int, int], bytes]] = {}
_lock = threading.Lock()

#: The helper runs without the cyclic garbage collector: reading values leaves no cycles
#: (`yaml_tree.make_composer`), each file's data is dropped once sent, and the process ends
#: with its list; the collector's passes over the parsed trees were an eighth of its work.
_CHILD = (
    "import gc, sys\n"
    "gc.disable()\n"
    "sys.path[:0] = [p for p in sys.argv[1:] if p]\n"
    "from hook_lsp.analysis.resolve.values_ahead import serve\n"
    "serve()\n"
)


def worth_it(paths: list[Path]) -> bool:
    """Whether reading ``paths`` ahead pays for a process (an umbrella's values, not a chart's)."""
    total = 0
    for p in paths:
        try:
            total += p.stat().st_size
        except OSError:
            continue
    return len(paths) >= MIN_FILES and total >= MIN_BYTES


def start(paths: list[Path]) -> subprocess.Popen | None:
    """Start a helper reading ``paths`` (in that order); None when it cannot start."""
    try:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _CHILD, *_import_path()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            # The helper must not take the server's console signals (Ctrl-C in a terminal).
            start_new_session=os.name == "posix",
        )
    except OSError as exc:
        log.info("values are read in-process: %s", exc)
        return None
    threading.Thread(target=_send, args=(proc, [str(p) for p in paths]), daemon=True).start()
    threading.Thread(target=_receive, args=(proc,), daemon=True).start()
    return proc


def _import_path() -> list[str]:
    """Where the helper imports from: the folder of this very hook_lsp first, then the server's
    other absolute import paths. Never the working folder (an editor starts the server in the
    workspace, and ``-I`` keeps it and the environment's ``PYTHONPATH`` out of the helper's path),
    so the helper runs the server's own code and nothing of the workspace."""
    import hook_lsp

    own = os.path.dirname(os.path.dirname(os.path.abspath(hook_lsp.__file__)))
    return [own, *(p for p in sys.path if isinstance(p, str) and p and os.path.isabs(p) and p != own)]


def take(path: str, stamp: tuple[int, int]) -> tuple[object, str | None] | None:
    """The helper's (data, problem) for ``path`` if it read the file as it is now, else None."""
    with _lock:
        got = _received.pop(path, None)
    if got is None or got[0] != stamp:
        return None
    try:
        return pickle.loads(got[1])
    except Exception:  # noqa: BLE001 - a damaged record: read the file in-process
        return None


def clear() -> None:
    """Drop what was read but not taken (the chart is indexed)."""
    with _lock:
        _received.clear()


def _send(proc: subprocess.Popen, paths: list[str]) -> None:
    try:
        with proc.stdin:
            proc.stdin.write("\n".join(paths).encode("utf-8", "surrogateescape") + b"\n")
    except OSError:
        pass  # the helper is gone: everything is read in-process


def _receive(proc: subprocess.Popen) -> None:
    out = proc.stdout
    try:
        while True:
            header = out.read(_HEADER.size)
            if len(header) < _HEADER.size:
                break
            record = out.read(_HEADER.unpack(header)[0])
            path, mtime_ns, size, blob = pickle.loads(record)
            with _lock:
                _received[path] = ((mtime_ns, size), blob)
    except Exception:  # noqa: BLE001 - a broken stream ends the read-ahead, nothing else
        log.debug("values read-ahead stopped", exc_info=True)
    finally:
        out.close()
        proc.wait()


# -- the helper process --------------------------------------------------------------------


def serve() -> None:
    """Read every path on stdin and write ``(path, mtime_ns, size, pickled (data, problem))``
    records to stdout, each preceded by its length."""
    from .values import read_values_file

    out = sys.stdout.buffer
    for line in sys.stdin.buffer.read().decode("utf-8", "surrogateescape").splitlines():
        if not line:
            continue
        path = Path(line)
        try:
            st = path.stat()
            result = read_values_file(path, st.st_size)
            record = pickle.dumps((line, st.st_mtime_ns, st.st_size, pickle.dumps(result, 5)), 5)
        except Exception:  # noqa: BLE001 - that file is read in-process
            continue
        try:
            out.write(_HEADER.pack(len(record)) + record)
            out.flush()
        except OSError:  # the server is gone
            return
