"""Rendering a chart with Helm's own engine (optional), behind one interface.

`engine(name)` returns an `Engine`: ``sdk`` is Helm 4 in-process (the ``helm-python-sdk``
wheel, installed by ``pip install 'hook-lsp[helm]'``), ``helm-cli`` runs a ``helm`` binary
found on PATH (``helm template``). Both take the same `RenderRequest` and return
``{template path: rendered text}`` (Helm's paths: ``<chart>/templates/x.yaml``); a chart Helm
refuses (``required``, ``fail``, a schema, a broken template) raises `RenderError` with Helm's
message. `EngineMissing` says how to install the engine. Nothing here is used by the language
server on the keystroke path; `hooks` reads the render as Helm's hook code does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .hooks import RenderedChart, RenderedHook, helm_order, read_hooks

__all__ = [
    "ENGINES",
    "Engine",
    "EngineMissing",
    "RenderError",
    "RenderRequest",
    "RenderedChart",
    "RenderedHook",
    "engine",
    "helm_order",
    "read_hooks",
]

ENGINES = ("sdk", "helm-cli")
INSTALL_HINT = "Helm's engine is not installed: run `pip install 'hook-lsp[helm]'` (or put `helm` on PATH and pass --engine helm-cli)"


class EngineMissing(Exception):
    """The requested engine is not available on this machine."""


class RenderError(Exception):
    """Helm refused to render the chart; the message is Helm's."""


@dataclass
class RenderRequest:
    chart: Path
    values_files: list[Path] = field(default_factory=list)
    #: ``--set`` expressions, in order.
    set_values: list[str] = field(default_factory=list)
    release_name: str = "release-name"
    namespace: str = "default"
    upgrade: bool = False


class Engine:
    name = ""

    def render(self, request: RenderRequest) -> dict[str, str]:  # pragma: no cover - interface
        raise NotImplementedError


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


class SdkEngine(Engine):
    """Helm 4 in-process, through ``helm_python``."""

    name = "sdk"

    def __init__(self) -> None:
        try:
            import helm_python
        except ImportError as exc:  # also raised when the native library fails to load
            raise EngineMissing(INSTALL_HINT) from exc
        self._helm = helm_python

    def render(self, request: RenderRequest) -> dict[str, str]:
        helm = self._helm
        values: dict = {}
        try:
            for f in request.values_files:
                values = _merge(values, helm.values_from_yaml(Path(f).read_text(encoding="utf-8")) or {})
            for expr in request.set_values:
                values = _merge(values, helm.parse_set_string(expr))
            with helm.Chart.load(request.chart) as chart:
                return chart.render(
                    values or None,
                    name=request.release_name,
                    namespace=request.namespace,
                    is_install=not request.upgrade,
                    is_upgrade=request.upgrade,
                )
        except OSError as exc:
            raise RenderError(str(exc)) from exc
        except helm.HelmError as exc:
            raise RenderError(str(exc).strip()) from exc


class HelmCliEngine(Engine):
    """A ``helm`` binary on PATH (``helm template``; its ``--debug`` is not used)."""

    name = "helm-cli"

    def __init__(self) -> None:
        self._helm = shutil.which("helm")
        if self._helm is None:
            raise EngineMissing("no `helm` on PATH: install Helm, or run `pip install 'hook-lsp[helm]'` and use --engine sdk")

    def render(self, request: RenderRequest) -> dict[str, str]:
        with tempfile.TemporaryDirectory(prefix="hook-lsp-") as out:
            cmd = [self._helm, "template", request.release_name, str(request.chart), "--namespace", request.namespace,
                   "--output-dir", out]
            for f in request.values_files:
                cmd += ["-f", str(f)]
            for expr in request.set_values:
                cmd += ["--set", expr]
            if request.upgrade:
                cmd.append("--is-upgrade")
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise RenderError(str(exc)) from exc
            if proc.returncode != 0:
                raise RenderError(proc.stderr.strip() or f"helm exited with {proc.returncode}")
            files: dict[str, str] = {}
            for dirpath, _dirs, names in os.walk(out):
                for n in names:
                    p = Path(dirpath) / n
                    files[p.relative_to(out).as_posix()] = p.read_text(encoding="utf-8", errors="replace")
            # `--output-dir` writes the hooks after the manifests of a file, separated by `---`
            # and a `# Source:` comment; both are harmless to Helm's splitter.
            return files


def engine(name: str = "sdk") -> Engine:
    """The engine called ``name``; raises `EngineMissing` when it is not installed."""
    if name == "helm-cli":
        return HelmCliEngine()
    if name == "sdk":
        return SdkEngine()
    raise EngineMissing(f"unknown engine {name!r} (choose from {', '.join(ENGINES)})")


