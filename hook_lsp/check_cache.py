"""A persistent cache of `hook-lsp check` findings, so re-runs skip charts that did not change.

A file's findings depend on its whole chart (hook order across templates, helpers, values), so
the cache works per chart: the key hashes the content of every file the analysis of the chart
can read (templates and helpers of the chart and its subcharts, helper charts it depends on,
``Chart.yaml`` and values files, user ``--values`` files), the effective settings (Helm version,
rule levels, project files already applied), hook-lsp's version, the rule registry, the optional
parts that can run here (parsers, ShellCheck) and the ShellCheck binary. When nothing of that
changed, the chart's files are reported from the cache without being analysed; any change
re-analyses the whole chart. A file outside any chart is keyed by its own content. Runs that use
Helm's own render are not cached.

The cache lives in `cache_location.cache_dir` (``$HOOK_LSP_CACHE_DIR``, else
``$XDG_CACHE_HOME/hook-lsp``, else ``~/.cache/hook-lsp``); `check --no-cache` neither reads
nor writes it. An unreadable or corrupt entry is a miss; a cache that cannot be written is
skipped silently.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from . import __version__
from .analysis.chart import find_chart_root, is_template_file

#: Bump when the entry format changes.
FORMAT = 1


def _registry_signature() -> str:
    from .analysis.rules.registry import REGISTRY

    return ";".join(f"{r.code}:{r.name}:{r.severity}" for r in (REGISTRY[c] for c in sorted(REGISTRY)))


@lru_cache(maxsize=1)
def _parts_signature() -> str:
    """Which optional parsers this Python would load: rules depend on them.

    Where each module's file is, with its size and modification time, and this Python's build,
    rather than loading them (`analysis.parts` imports pglast and runs ShellCheck: about 0.1 s
    in every worker of a run, where most charts are reported from the cache). Installing,
    upgrading or removing one changes its file; the same files on the same Python load the same.
    """
    from importlib.util import find_spec

    from .analysis.parts import MODULES  # ShellCheck: `_shellcheck_signature`

    out = [sys.version]
    for name in MODULES:
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = getattr(spec, "origin", None)
        try:
            st = os.stat(origin) if origin else None
        except OSError:
            st = None
        out.append(f"{name}:{origin}:{st.st_size}:{st.st_mtime_ns}" if st else f"{name}:{origin}")
    return ";".join(out)


def _shellcheck_signature(config) -> str:
    if not config.shellcheck:
        return "off"
    from .analysis.scripts.shellcheck import binary

    path = binary()
    if path is None:
        return "absent"
    try:
        st = os.stat(path)
    except OSError:
        return path
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def _chart_inputs(root: Path) -> list[Path]:
    """Every file the analysis of ``root`` may read (a superset is fine: it only costs hits)."""
    from .analysis.resolve.values import helper_sources

    files: set[Path] = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in filenames:
            p = Path(dirpath) / fn
            if fn == "Chart.yaml" or (fn.startswith("values") and fn.endswith((".yaml", ".yml"))) or is_template_file(p):
                files.add(p)
    files.update(helper_sources(root))  # library charts named in Chart.yaml, outside the tree
    return sorted(files)


def _digest_files(h, files: list[Path]) -> None:
    for p in files:
        h.update(str(p).encode("utf-8", "surrogateescape") + b"\0")
        try:
            h.update(hashlib.blake2b(p.read_bytes(), digest_size=16).digest())
        except OSError as exc:
            h.update(f"unreadable:{exc.errno}".encode())


class CheckCache:
    """Findings per chart key; `lookup` before analysing a file, `store` after."""

    def __init__(self, directory: Path, values_files: list[str]) -> None:
        self.directory = directory / f"v{FORMAT}"
        self.values_files = values_files
        self._keys: dict[Path, str] = {}
        #: key -> {"files": {path: [finding json]}, "errors": [...]}, as read or being written.
        self._entries: dict[str, dict] = {}
        self._dirty: set[str] = set()
        self._base = None

    @staticmethod
    def scope_of(path: Path, roots: dict[Path, Path | None] | None = None) -> Path:
        """The chart root of file ``path`` (or the file itself, outside any chart): what a key
        covers. ``roots`` remembers the chart root per folder, for a caller asking for many files."""
        if roots is None:
            root = find_chart_root(path)
        elif path.parent in roots:
            root = roots[path.parent]
        else:
            root = roots[path.parent] = find_chart_root(path)
        return root if root is not None else path

    def key_for(self, path: Path, config) -> str:
        root = find_chart_root(path)
        where = root if root is not None else path
        key = self._keys.get(where)
        if key is None:
            h = hashlib.blake2b(digest_size=20)
            fixed = [
                __version__, _registry_signature(), _parts_signature(), _shellcheck_signature(config), repr(config),
                str(FORMAT),
            ]
            h.update("\0".join(fixed).encode())
            _digest_files(h, [Path(v) for v in self.values_files])
            _digest_files(h, _chart_inputs(root) if root is not None else [path])
            key = self._keys[where] = h.hexdigest()
        return key

    def _entry(self, key: str) -> dict:
        entry = self._entries.get(key)
        if entry is None:
            entry = {"files": {}, "errors": []}
            try:
                data = json.loads((self.directory / key[:2] / f"{key}.json").read_text(encoding="utf-8"))
                if isinstance(data, dict) and isinstance(data.get("files"), dict):
                    entry = data
            except (OSError, ValueError):
                pass
            self._entries[key] = entry
        return entry

    def lookup(self, key: str, path: str) -> tuple[list[dict], list[str]] | None:
        entry = self._entry(key)
        found = entry["files"].get(path)
        return (found, entry.get("errors", [])) if found is not None else None

    def store(self, key: str, path: str, findings: list[dict], errors: list[str]) -> None:
        entry = self._entry(key)
        entry["files"][path] = findings
        entry["errors"] = sorted(set(entry.get("errors", [])) | set(errors))
        self._dirty.add(key)

    def store_chart(self, key: str, values_problems: list[tuple[str, str]], note: str | None) -> None:
        """What the check reports about the chart as a whole (values files Helm would refuse, a
        note on its deployer), replayed with its files' findings."""
        entry = self._entry(key)
        info = {"values_problems": [list(p) for p in values_problems], "note": note}
        if entry.get("chart") != info:
            entry["chart"] = info
            self._dirty.add(key)

    def chart_info(self, key: str) -> tuple[list[tuple[str, str]], str | None]:
        info = self._entry(key).get("chart") or {}
        return [tuple(p) for p in info.get("values_problems", [])], info.get("note")

    def save(self) -> None:
        for key in self._dirty:
            folder = self.directory / key[:2]
            try:
                folder.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(self._entries[key], out)
                os.replace(tmp, folder / f"{key}.json")
            except OSError:
                continue  # a read-only or full disk: run without the cache
        self._dirty.clear()
