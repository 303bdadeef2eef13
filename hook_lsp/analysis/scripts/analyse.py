"""Every script a hook runs, parsed: the entry point the HK3xx rules use.

`hook_units(resource, template, chart)` returns, for one hook resource, each script its
containers run — the shell script of ``sh -c``, SQL fed to ``psql``/``mysql`` by heredoc or
``-c``/``-e``, and shell or SQL files taken from a ConfigMap of the chart that the pod mounts —
each already parsed. `configmap_units` gives the scripts whose text lives in one ConfigMap
resource, so findings are reported where the text is written. Results are cached per resource
and chart state: several rules read them for one check.
"""

from __future__ import annotations

import posixpath
import re
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from ..hook_model import Resource, TemplateAnalysis
from ..pods import Container
from .extract import (
    SQL_CLIENTS,
    Script,
    configmap_data,
    container_argvs,
    mounted_file,
    shell_invocation,
)
from .mapped import MappedText
from .shell import Command, ShellScript, parse_shell
from .sql import SqlFinding, analyse_sql

_EXPANSION = re.compile(r"\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_0-9@*#?$!-]+|`[^`]*`")
_SQL_OPTIONS = {"psql": (("-c",), ("--command",)), "mysql": (("-e",), ("--execute",)), "mariadb": (("-e",), ("--execute",))}
_FILE_OPTIONS = {"psql": (("-f",), ("--file",))}


@dataclass
class ScriptUnit:
    script: Script
    #: For shell scripts: the parsed script (``ok`` False when it did not parse).
    shell: ShellScript | None = None
    #: For SQL: findings and whether the script sets ON_ERROR_STOP itself; None if unparsable.
    sql: tuple[list[SqlFinding], bool] | None = None
    #: For SQL: the shell command that runs it (None when it is the container's command).
    client_command: Command | None = None


@dataclass
class _Ctx:
    res: Resource
    template: TemplateAnalysis
    chart: object
    container: Container
    units: list[ScriptUnit] = field(default_factory=list)
    seen: set = field(default_factory=set)


def _add_shell(ctx: _Ctx, script: Script, depth: int) -> None:
    key = (id(script.template), script.text.offset(0), "shell")
    if key in ctx.seen or not script.text.text.strip():
        return
    ctx.seen.add(key)
    parsed = parse_shell(script.text, script.errexit, script.template.masked)
    if not parsed.ok:
        first = _first_branches(script)
        if first is not None:
            script = replace(script, text=first)
            parsed = parse_shell(first, script.errexit, script.template.masked)
    ctx.units.append(ScriptUnit(script, shell=parsed))
    if parsed.ok and depth < 2:
        for cmd in parsed.commands:
            _nested(ctx, script, cmd, depth)


def _first_branches(script: Script) -> MappedText | None:
    """The script as rendered when every template ``if`` takes its first branch.

    Both branches of an ``if``/``else`` are in the extracted text, and two alternative loop
    headers (``while ...; do`` twice, one ``done``) do not parse together. Blanking the text of
    every later branch keeps one consistent rendering with the same character map.
    """
    text = script.text
    masked = script.template.masked
    if not text.offsets:
        return None
    # Only `if` blocks that open inside the script: the script itself may sit in an `else`.
    outer = set(masked.branch_path(text.offsets[0]))
    ranges = []
    start = None
    for k, off in enumerate(text.offsets):
        later = any(branch > 0 and (block, branch) not in outer for block, branch in masked.branch_path(off))
        if later and start is None:
            start = k
        elif not later and start is not None:
            ranges.append((start, k, " "))
            start = None
    if start is not None:
        ranges.append((start, len(text.offsets), " "))
    if not ranges:
        return None
    blanked = text.replace_ranges([(a, b, "".join(c if c == "\n" else " " for c in text.text[a:b])) for a, b, _ in ranges])
    return blanked


def _add_sql(ctx: _Ctx, script: Script, cmd: Command | None) -> None:
    key = (id(script.template), script.text.offset(0), "sql")
    if key in ctx.seen or not script.text.text.strip():
        return
    ctx.seen.add(key)
    ctx.units.append(ScriptUnit(script, sql=analyse_sql(script.text, script.dialect), client_command=cmd))


def _configmap_script(ctx: _Ctx, path: str, kind: str, dialect: str, base: Script, depth: int, cmd: Command | None = None) -> None:
    if not path.startswith("/"):
        return
    mf = mounted_file(path, ctx.res, ctx.container, ctx.template)
    if mf is None:
        return
    found = configmap_data(mf, ctx.chart, ctx.template)
    if found is None:
        return
    template, _cm, text = found
    executed = kind == "shell" and dialect == "auto"  # `/scripts/run.sh` started as a program
    if kind == "shell" and dialect == "auto":
        first = text.text.lstrip().split("\n", 1)[0]
        dialect = "bash" if first.startswith("#!") and "bash" in first else "sh"
    script = Script(
        kind, dialect, text, template, ctx.res, ctx.container,
        errexit=base.errexit if kind == "shell" and cmd is not None and cmd.name in (".", "source") else False,
        interpreter=base.interpreter,
        origin=f"ConfigMap `{mf.configmap}`, key `{mf.key}`",
        client=cmd.name if cmd is not None and kind == "sql" else "",
        tolerated=bool(cmd is not None and cmd.tolerated),
        hook_template=ctx.template,
        executed=executed,
    )
    if kind == "shell":
        _add_shell(ctx, script, depth + 1)
    else:
        _add_sql(ctx, script, cmd)


def _sql_text(text: MappedText, start: int, end: int, expansions: list[tuple[int, int]]) -> MappedText:
    part = text.slice(start, end)
    ranges = [(a - start, b - start, "x") for a, b in expansions if start <= a and b <= end]
    placeholders = part.placeholders + [(a, b) for a, b, _ in ranges]
    masked = part.replace_ranges(ranges)
    masked.placeholders = placeholders
    return masked


def _heredoc_escapes(text: str) -> set[int]:
    """Backslashes an unquoted heredoc removes: before `$`, backquote, backslash, newline."""
    out: set[int] = set()
    k = 0
    while k < len(text) - 1:
        if text[k] == "\\" and text[k + 1] in "$`\\\n":
            out.add(k)
            if text[k + 1] == "\n":
                out.add(k + 1)
            k += 2
            continue
        k += 1
    return out


def _word_sql(text: MappedText, word) -> MappedText | None:
    """The SQL of a ``-c``/``-e`` argument (quotes removed, shell expansions as placeholders)."""
    if word.node_type == "raw_string":
        return text.slice(word.start + 1, word.end - 1)
    if word.node_type == "string":
        inner_start, inner_end = word.start + 1, word.end - 1
        inner = text.text[inner_start:inner_end]
        if "\\" in inner:
            return None  # escapes shift characters; not worth an approximate map
        exps = [(inner_start + m.start(), inner_start + m.end()) for m in _EXPANSION.finditer(inner)]
        return _sql_text(text, inner_start, inner_end, exps)
    if word.node_type == "word" and word.value is not None:
        return text.slice(word.start, word.end)
    return None


def _nested(ctx: _Ctx, script: Script, cmd: Command, depth: int) -> None:
    text = script.text
    name = cmd.name
    if name in SQL_CLIENTS:
        dialect = SQL_CLIENTS[name]
        base = {"client": name, "tolerated": cmd.tolerated, "interpreter": script.interpreter, "origin": script.origin}
        if cmd.heredoc is not None:
            h = cmd.heredoc
            sql = _sql_text(text, h.start, h.end, h.expansions)
            if not h.quoted:
                sql = sql.without(_heredoc_escapes(sql.text))
            _add_sql(ctx, Script("sql", dialect, sql, script.template, ctx.res, ctx.container, **base), cmd)
        short, long = _SQL_OPTIONS[name]
        words = cmd.words
        for i, w in enumerate(words):
            v = w.value
            target = None
            if v in short or v in long:
                target = words[i + 1] if i + 1 < len(words) else None
            elif v is None and (w.raw.startswith(long[0] + "=") or w.raw.startswith(short[0]) and len(w.raw) > 2 and w.raw[2] in "\"'"):
                target = None  # attached forms with expansions: skip
            if target is not None:
                sql = _word_sql(text, target)
                if sql is not None:
                    _add_sql(ctx, Script("sql", dialect, sql, script.template, ctx.res, ctx.container, **base), cmd)
        fshort, flong = _FILE_OPTIONS.get(name, ((), ()))
        for i, w in enumerate(words):
            if w.value in fshort + flong and i + 1 < len(words) and words[i + 1].value:
                _configmap_script(ctx, words[i + 1].value, "sql", dialect, script, depth, cmd)
            elif w.value and w.value.startswith("--file="):
                _configmap_script(ctx, w.value.split("=", 1)[1], "sql", dialect, script, depth, cmd)
        for path in cmd.stdin_files:
            _configmap_script(ctx, path, "sql", dialect, script, depth, cmd)
        return
    if name in ("sh", "bash", ".", "source"):
        first = next((w.value for w in cmd.words if w.value is None or not w.value.startswith("-")), None)
        if first:
            dialect = "bash" if name == "bash" else ("sh" if name == "sh" else script.dialect)
            _configmap_script(ctx, first, "shell", dialect, script, depth, cmd)
        return
    if cmd.name_raw.startswith("/") and cmd.name_raw == posixpath.normpath(cmd.name_raw):
        _configmap_script(ctx, cmd.name_raw, "shell", "auto", script, depth, cmd)


def _container_units(ctx: _Ctx) -> None:
    for argv in container_argvs(ctx.container, ctx.template):
        inv = shell_invocation(argv)
        if inv is not None:
            base = Script(
                "shell", inv.dialect, inv.script or MappedText("", [], 0), ctx.template, ctx.res, ctx.container,
                errexit=inv.errexit, interpreter=inv.interpreter,
            )
            if inv.script is not None:
                _add_shell(ctx, base, 0)
            elif inv.file:
                _configmap_script(ctx, inv.file, "shell", inv.dialect, base, 0)
            continue
        first = argv.items[0]
        if first is None:
            continue
        name = posixpath.basename(first.text.strip())
        if name not in SQL_CLIENTS:
            continue
        dialect = SQL_CLIENTS[name]
        short, long = _SQL_OPTIONS[name]
        items = argv.items
        fshort, flong = _FILE_OPTIONS.get(name, ((), ()))
        for i in range(1, len(items) - 1):
            if items[i] is not None and items[i].text in short + long and items[i + 1] is not None:
                script = Script("sql", dialect, items[i + 1], ctx.template, ctx.res, ctx.container, client=name, origin="command")
                _add_sql(ctx, script, None)
            elif items[i] is not None and items[i].text in fshort + flong and items[i + 1] is not None:
                # `command: ["psql", "-f", "/sql/schema.sql"]`: a file of a mounted ConfigMap.
                base = Script("sql", dialect, items[i + 1], ctx.template, ctx.res, ctx.container, client=name)
                _configmap_script(ctx, items[i + 1].text.strip(), "sql", dialect, base, 0)


#: Units of hooks analysed without a chart, by resource (least recently used first).
_CACHE: OrderedDict[tuple, tuple[weakref.ref, list[ScriptUnit]]] = OrderedDict()
_CACHE_SIZE = 512


@dataclass
class _ChartScripts:
    """The script units of one chart revision: per hook, computed on demand, and per template
    of the ConfigMap-held ones, computed once (each ConfigMap asks about every hook)."""

    revision: int
    by_hook: dict[int, tuple[weakref.ref, list[ScriptUnit]]] = field(default_factory=dict)
    by_template: dict[int, list[ScriptUnit]] | None = None


#: id(chart) -> (weak reference to the chart, its script units).
_CHARTS: dict[int, tuple[weakref.ref, _ChartScripts]] = {}


def _chart_scripts(chart) -> _ChartScripts:
    hit = _CHARTS.get(id(chart))
    if hit is not None and hit[0]() is chart:
        if hit[1].revision == chart.revision:
            return hit[1]
    else:
        weakref.finalize(chart, _CHARTS.pop, id(chart), None)
    entry = _ChartScripts(chart.revision)
    _CHARTS[id(chart)] = (weakref.ref(chart), entry)
    return entry


def _compute(res: Resource, template: TemplateAnalysis, chart) -> list[ScriptUnit]:
    units: list[ScriptUnit] = []
    for container in res.workload.containers:
        ctx = _Ctx(res, template, chart, container)
        _container_units(ctx)
        units.extend(ctx.units)
    return units


def hook_units(res: Resource, template: TemplateAnalysis, chart) -> list[ScriptUnit]:
    """The parsed scripts of hook ``res`` (empty for anything that is not a Job/Pod hook).

    Cached per chart revision (a hook may run scripts from ConfigMaps of other templates).
    """
    if res.hook is None or res.workload is None or res.hook.skipped:
        return []
    if chart is not None:
        by_hook = _chart_scripts(chart).by_hook
        hit = by_hook.get(id(res))
        if hit is not None and hit[0]() is res:
            return hit[1]
        units = _compute(res, template, chart)
        by_hook[id(res)] = (weakref.ref(res), units)
        return units
    key = (id(res), id(template))
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is res:
        return hit[1]
    units = _compute(res, template, chart)
    _CACHE[key] = (weakref.ref(res), units)
    while len(_CACHE) > _CACHE_SIZE:
        try:
            _CACHE.popitem(last=False)  # oldest first: edits replace resources, old ones go
        except KeyError:  # pragma: no cover - emptied concurrently
            break
    return units


def own_units(res: Resource, template: TemplateAnalysis, chart) -> list[ScriptUnit]:
    """Scripts of hook ``res`` whose text is written in ``res`` itself (a ConfigMap's scripts
    belong to the ConfigMap, see `configmap_units`, even when it shares the hook's file)."""
    return [
        u
        for u in hook_units(res, template, chart)
        if u.script.template is template and res.span.start <= u.script.text.offset(0) < res.span.end
    ]


def configmap_units(cm: Resource, template: TemplateAnalysis, chart) -> list[ScriptUnit]:
    """Scripts run by any hook of the chart whose text lives in ConfigMap ``cm``."""
    if cm.kind != "ConfigMap":
        return []
    if chart is not None:
        scripts = _chart_scripts(chart)
        if scripts.by_template is None:
            # Once per chart revision: every hook's units, grouped by the file holding the text.
            by_template: dict[int, list[ScriptUnit]] = {}
            for t, r in chart.hooks():
                for u in hook_units(r, t, chart):
                    by_template.setdefault(id(u.script.template), []).append(u)
            scripts.by_template = by_template
        candidates = scripts.by_template.get(id(template), [])
    else:
        candidates = [u for r in template.hooks for u in hook_units(r, template, chart)]
    out = []
    seen = set()
    for u in candidates:
        if u.script.template is not template:
            continue
        start = u.script.text.offset(0)
        if not (cm.span.start <= start < cm.span.end) or (start, u.script.kind) in seen:
            continue
        seen.add((start, u.script.kind))
        out.append(u)
    return out


def units_for(res: Resource, template: TemplateAnalysis, chart) -> list[ScriptUnit]:
    """The scripts whose text is in ``res`` (a hook, or a ConfigMap a hook runs scripts from)."""
    if res.kind == "ConfigMap":
        return configmap_units(res, template, chart)
    return own_units(res, template, chart)


def script_at(template: TemplateAnalysis, chart, offset: int) -> ScriptUnit | None:
    """The script whose text covers template ``offset`` (for hover: its hook and re-run reasons).

    Looks in the resource at ``offset`` (a hook, or a ConfigMap holding a hook's script).
    """
    res = template.resource_at(offset)
    if res is None:
        return None
    best = None
    for unit in units_for(res, template, chart):
        offs = unit.script.text.offsets
        if offs and offs[0] <= offset <= unit.script.text.end:
            # SQL inside a shell script is the more specific answer.
            if best is None or offs[0] >= best.script.text.offsets[0]:
                best = unit
    return best
