"""Render mode (``--render``): Helm's engine renders the chart with the user's values, and the
chart model takes names, namespaces and weights from that render.

`render_chart` runs the engine once per chart and returns a `Resolver` carrying Helm's hook
documents (`RenderedDocument`, per Helm template path) and the same values (``-f``, ``--set``)
for the static view, so rules still report on the template lines the hooks come from, and the
order is Helm's. A hook Helm does not render with these values drops out of the order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..analysis.resolve import RenderedDocument, Resolver
from . import Engine, RenderError, RenderRequest, read_hooks
from .setvalues import parse_set


@dataclass
class RenderOptions:
    values_files: list[Path] = field(default_factory=list)
    set_values: list[str] = field(default_factory=list)
    release_name: str | None = None
    namespace: str | None = None
    upgrade: bool = False
    helm_version: str = "4"


def render_chart(eng: Engine, root: Path, opts: RenderOptions) -> Resolver:
    """A resolver for ``root`` backed by Helm's render; raises `RenderError` with Helm's message."""
    files = eng.render(
        RenderRequest(
            root,
            values_files=list(opts.values_files),
            set_values=list(opts.set_values),
            release_name=opts.release_name or "release-name",
            namespace=opts.namespace or "default",
            upgrade=opts.upgrade,
        )
    )
    try:
        hooks = read_hooks(files, opts.helm_version).hooks
    except Exception as exc:  # noqa: BLE001 - a render Helm's sorter would refuse
        raise RenderError(f"cannot read the rendered hooks: {exc}") from exc
    rendered: dict[str, list[RenderedDocument]] = {}
    for h in hooks:
        rendered.setdefault(h.path, []).append(RenderedDocument(h.kind, h.name, h.namespace, h.weight))
    extra: dict = {}
    for expr in opts.set_values:
        extra = _merge(extra, parse_set(expr))
    return Resolver(
        [str(p) for p in opts.values_files],
        release_name=opts.release_name,
        namespace=opts.namespace,
        extra_values=extra,
        rendered=rendered,
    )


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out
