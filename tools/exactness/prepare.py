"""Make a corpus chart renderable by Helm, in a scratch copy.

The corpus keeps only the templates that carry hooks, their helpers and the chart's values. Helm
refuses a chart whose declared dependencies are missing, so `prepare_chart` copies the chart to a
scratch folder, puts every dependency that the corpus (or a fetched repository) holds next to it
into ``charts/<name>`` (bitnami's ``common`` library, sibling charts, ``file://`` paths) and drops
the dependencies it cannot find from ``Chart.yaml`` (``requirements.yaml`` for apiVersion v1)
and the lock files. `chart_roots` lists the charts of a tree that Helm can install (not library
charts, not charts that are another chart's ``charts/<sub>``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ruamel.yaml import YAML


def _yaml() -> YAML:
    y = YAML(typ="safe", pure=True)
    y.default_flow_style = False
    return y


def _read(path: Path) -> dict:
    try:
        data = _yaml().load(path.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - a chart we cannot read is simply not prepared
        return {}
    return data if isinstance(data, dict) else {}


def chart_roots(tree: Path) -> list[Path]:
    """Installable charts under ``tree``, sorted."""
    out = []
    for chart_yaml in sorted(tree.rglob("Chart.yaml")):
        chart = chart_yaml.parent
        if chart.parent.name == "charts" and (chart.parent.parent / "Chart.yaml").is_file():
            continue
        if _read(chart_yaml).get("type") == "library":
            continue
        out.append(chart)
    return out


def _find_dependency(chart: Path, dep: dict) -> Path | None:
    name = dep.get("name")
    if not isinstance(name, str):
        return None
    repo = dep.get("repository")
    candidates = []
    if isinstance(repo, str) and repo.startswith("file://"):
        candidates.append((chart / repo[len("file://"):]).resolve())
    candidates += [chart / "charts" / name, chart.parent / name]
    for cand in candidates:
        if (cand / "Chart.yaml").is_file() and _read(cand / "Chart.yaml").get("name") == name:
            return cand
    return None


def prepare_chart(chart: Path, dest: Path) -> Path:
    """A renderable copy of ``chart`` under ``dest``; returns the copy's folder."""
    out = dest / chart.name
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(chart, out, symlinks=False)
    _fix_dependencies(chart, out)
    return out


def _fix_dependencies(source: Path, out: Path) -> None:
    meta_path = out / "Chart.yaml"
    meta = _read(meta_path)
    holder, holder_path = meta, meta_path
    if meta.get("apiVersion") == "v1" and (out / "requirements.yaml").is_file():
        holder_path = out / "requirements.yaml"
        holder = _read(holder_path)
    deps = holder.get("dependencies")
    for lock in ("Chart.lock", "requirements.lock"):
        (out / lock).unlink(missing_ok=True)
    if not isinstance(deps, list):
        return
    kept = []
    for dep in deps:
        if not isinstance(dep, dict):
            continue
        found = _find_dependency(source, dep)
        if found is None:
            continue
        target = out / "charts" / dep["name"]
        if not target.exists():
            target.parent.mkdir(exist_ok=True)
            shutil.copytree(found, target)
            _fix_dependencies(found, target)
        if isinstance(dep.get("repository"), str) and dep["repository"].startswith("file://"):
            dep = {**dep, "repository": f"file://charts/{dep['name']}"}
        kept.append(dep)
    holder["dependencies"] = kept
    with holder_path.open("w", encoding="utf-8") as fh:
        _yaml().dump(holder, fh)
