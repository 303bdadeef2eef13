"""Helm's render for the editor (``hookLsp.helmRender``): re-rendered only when the chart's files
on disk change, so names and order follow Helm's engine without rendering on every keystroke.

`LiveRender.current()` returns the hook documents per Helm template path, or None when Helm
refuses the chart (then the static view stands, and `error` says why). Files are stamped at
most every `RESCAN_SECONDS`; a template whose editor buffer differs from the disk text it was
rendered from keeps its static names (`matches`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..analysis.resolve import RenderedDocument
from . import Engine, RenderError, RenderRequest, read_hooks


class LiveRender:
    RESCAN_SECONDS = 2.0

    def __init__(self, eng: Engine, request: RenderRequest, helm_version: str = "4") -> None:
        self.engine = eng
        self.request = request
        self.helm_version = helm_version
        self.error: str | None = None
        self._stamp: tuple | None = None
        self._checked = -1e9
        self._rendered: dict[str, list[RenderedDocument]] | None = None
        self._disk: dict[str, str] = {}

    def _files(self) -> list[Path]:
        root = self.request.chart
        out = [root / "Chart.yaml", root / "values.yaml", *self.request.values_files]
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            out += [Path(dirpath) / f for f in sorted(filenames) if f.endswith((".yaml", ".yml", ".tpl", ".txt", ".json"))]
        return out

    def current(self) -> dict[str, list[RenderedDocument]] | None:
        now = time.monotonic()
        if now - self._checked < self.RESCAN_SECONDS:
            return self._rendered
        self._checked = now
        files = self._files()
        stamp = tuple((str(f), _mtime(f)) for f in files)
        if stamp == self._stamp:
            return self._rendered
        self._stamp = stamp
        try:
            out = self.engine.render(self.request)
            hooks = read_hooks(out, self.helm_version).hooks
        except RenderError as exc:
            self.error, self._rendered = str(exc), None
            return None
        except Exception as exc:  # noqa: BLE001 - the static view stands
            self.error, self._rendered = f"cannot read Helm's render: {exc}", None
            return None
        self.error = None
        self._disk = {}
        rendered: dict[str, list[RenderedDocument]] = {}
        for h in hooks:
            rendered.setdefault(h.path, []).append(RenderedDocument(h.kind, h.name, h.namespace, h.weight))
        self._rendered = rendered
        return rendered

    def matches(self, path: str, text: str) -> bool:
        """Whether ``text`` (an editor buffer) is what Helm rendered from (the disk text)."""
        disk = self._disk.get(path)
        if disk is None:
            try:
                disk = self._disk[path] = Path(path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                return False
        return disk == text


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


def live_factory(project):
    """A function giving each chart root of ``project`` its `LiveRender` (same values files and
    release as the static view). Raises ImportError with the install hint without the engine."""
    from . import EngineMissing, engine

    try:
        eng = engine("sdk")
    except EngineMissing as exc:
        raise ImportError(str(exc)) from exc

    def make(root: Path) -> LiveRender:
        values = [Path(v) if Path(v).is_absolute() else root / v for v in project.values_files]
        request = RenderRequest(
            root,
            values_files=[v for v in values if v.is_file()],
            release_name=project.release_name or "release-name",
            namespace=project.namespace or "default",
        )
        return LiveRender(eng, request, project.base_config.helm_version)

    return make
