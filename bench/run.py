"""Latency benchmark: hook-lsp next to yaml-language-server on real chart templates.

    python bench/run.py [--quick] [--edits N] [--requests N] [--servers hook-lsp,yaml-ls]

Measures, for hook-lsp (`python -m hook_lsp serve`) and yaml-language-server (bench/node_modules,
run offline with the Kubernetes `all.json` schema of the `kubernetes-validate` package):

- didOpen -> publishDiagnostics, per template (the very first open of a process separately);
- didChange -> publishDiagnostics p50/p95 over incremental edits that type, then erase, a hook
  event at the end of the `helm.sh/hook` value and an argument at the end of a script line;
- hover and completion p50/p95 at the hook annotation and `kind:` (n/a when the server lacks
  the feature);
- `hook-lsp check` over the whole corpus: wall time and files/s.

Every wait is bounded; both servers talk over stdio only; nothing is downloaded. Results are
printed as tables and written to bench/.work/results.json. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".work"
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
YAMLLS = BENCH / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
K8S_SCHEMA_VERSION = "v1.36.0-local-strict"
# yaml-language-server waits this long after an open or edit before validating (validationDelayMs,
# fixed in its source; not a setting).
YAMLLS_DEBOUNCE_MS = 200

sys.path.insert(0, str(BENCH))
from lsp_client import TimingClient

#: Servers run in bench/.work: make them import this checkout's hook_lsp, not an installed one.
#: They run as an installed server does: with bytecode caches (`installed_like`; an environment
#: that turns them off, PYTHONDONTWRITEBYTECODE, would time compiling hook-lsp's sources at every
#: start) and with a cache folder of the bench's own.
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    "HOOK_LSP_CACHE_DIR": str(WORK / "cache"),
}


def installed_like() -> None:
    """Compile this checkout's modules to bytecode, as installing the package does."""
    import compileall

    compileall.compile_dir(str(ROOT / "hook_lsp"), quiet=1)
DOCS = ROOT / "docs" / "performance.md"


def write_docs_block(name: str, text: str) -> None:
    """Replace the generated block ``<!-- NAME:begin -->`` ... ``<!-- NAME:end -->`` of the docs."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    doc = DOCS.read_text(encoding="utf-8")
    if begin not in doc or end not in doc:
        raise SystemExit(f"{DOCS}: markers {begin} / {end} not found")
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    DOCS.write_text(f"{head}{begin}\n{text}\n{end}{tail}", encoding="utf-8")

#: Typical hook templates from the corpus, smallest to largest: test pods, RBAC and
#: NetworkPolicy hooks, multi-document CRD hooks, migration and provisioning Jobs with scripts.
TEMPLATES = [
    "Kong__charts/charts/ingress/templates/tests/test-jobs.yaml",
    "jupyterhub__zero-to-jupyterhub-k8s/jupyterhub/templates/image-puller/serviceaccount.yaml",
    "kubernetes__ingress-nginx/charts/ingress-nginx/templates/admission-webhooks/job-patch/networkpolicy.yaml",
    "rancher__fleet/charts/fleet/templates/job_cleanup_clusterregistrations.yaml",
    "VictoriaMetrics__helm-charts/charts/victoria-metrics-operator/charts/crds/templates/role.yaml",
    "hashicorp__vault-helm/templates/tests/server-test.yaml",
    "longhorn__charts/charts/longhorn/templates/preupgrade-job.yaml",
    "kubernetes-sigs__secrets-store-csi-driver/charts/secrets-store-csi-driver/templates/crds-upgrade-hook.yaml",
    "prometheus-community__helm-charts/charts/kube-prometheus-stack/templates/prometheus-operator/admission-webhooks/job-patch/job-createSecret.yaml",
    "airflow-helm__charts/charts/airflow/templates/sync/sync-variables-job.yaml",
    "DataDog__helm-charts/charts/datadog/templates/migration-job.yaml",
    "bitnami__charts/bitnami/kafka/templates/provisioning/job.yaml",
]
QUICK_TEMPLATES = [TEMPLATES[i] for i in (0, 3, 8, 11)]

#: What is typed (one character per didChange) and then erased with backspaces.
TYPED_EVENT = ",post-delete"
TYPED_ARG = " --verbose"


# -- where to edit ---------------------------------------------------------------------------


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@dataclass
class Site:
    """A place in a template: line and UTF-16 column, and what is typed there."""

    what: str
    line: int
    col: int
    typed: str = ""


@dataclass
class Template:
    rel: str
    path: Path
    text: str
    hook_key: Site
    hook_value: Site
    hook_value_end: Site
    script: Site
    kind_key: Site

    @property
    def uri(self) -> str:
        return self.path.as_uri()


def _value_end(line: str) -> int:
    """Column where typing appends to a line's value (before a closing quote or a comment)."""
    body = line.rstrip()
    hash_at = body.find(" #")
    if hash_at > 0:
        body = body[:hash_at].rstrip()
    if body.endswith(('"', "'")) and len(body) > 1:
        body = body[:-1]
    body = body.removesuffix(" \\")  # a shell line continuation: type before it
    return utf16_len(body)


def find_sites(rel: str, base: Path = CORPUS) -> Template:
    path = base / rel
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    hook = None
    for i, line in enumerate(lines):
        stripped = line.strip().replace('"', "").replace("'", "")
        if stripped.startswith("helm.sh/hook:") and "{{" not in line:
            hook = i
            break
    if hook is None:
        raise SystemExit(f"{rel}: no literal helm.sh/hook annotation to edit")
    hline = lines[hook]
    key_col = utf16_len(hline[: len(hline) - len(hline.lstrip())])
    value_col = utf16_len(hline[: hline.index(":", hline.index("helm.sh/hook")) + 1]) + 1
    if hline[value_col : value_col + 1] in ('"', "'"):
        value_col += 1
    end = _value_end(hline)
    return Template(
        rel,
        path,
        text,
        hook_key=Site("hook key", hook, key_col + 2),
        hook_value=Site("hook value", hook, value_col + 1),
        hook_value_end=Site("hook value end", hook, end, TYPED_EVENT),
        script=_script_site(lines, hook),
        kind_key=_kind_site(lines, hook),
    )


def _kind_site(lines: list[str], hook: int) -> Site:
    """The ``kind:`` key of the hook's document (where a schema-driven server has most to say)."""
    candidates = [i for i, line in enumerate(lines) if line.startswith("kind:")]
    before = [i for i in candidates if i < hook]
    i = before[-1] if before else (candidates[0] if candidates else hook)
    return Site("kind key", i, 1)


def _script_site(lines: list[str], hook: int) -> Site:
    """A literal line of a container's command/args: preferably a line of a block-scalar script
    (``- |``), else a literal list item; for hooks that run nothing (RBAC, ServiceAccount, ...),
    the literal line after the hook annotation."""
    region_indent = None
    block_indent = None
    first_item = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if not stripped:
            continue
        if block_indent is not None and indent > block_indent:
            if "{{" not in line and not stripped.startswith("#") and len(stripped) > 3:
                return Site("script line", i, _value_end(line), TYPED_ARG)
            continue
        block_indent = None
        if stripped.startswith(("command:", "args:")):
            region_indent = indent
            if stripped.endswith(("|", "|-", ">", ">-")):
                block_indent = indent
            continue
        if region_indent is None:
            continue
        if indent < region_indent or (indent == region_indent and not stripped.startswith("- ")):
            region_indent = None
            continue
        if stripped.endswith(("|", "|-", ">", ">-")):
            block_indent = indent
            continue
        if first_item is None and "{{" not in line and not stripped.startswith("#") and not stripped.endswith(":"):
            first_item = Site("command item", i, _value_end(line), TYPED_ARG)
    if first_item is not None:
        return first_item
    for i in range(hook + 1, len(lines)):
        if lines[i].strip() and "{{" not in lines[i] and ":" in lines[i]:
            return Site("next annotation", i, _value_end(lines[i]), TYPED_ARG)
    return Site("hook value end", hook, _value_end(lines[hook]), TYPED_ARG)


def edit_plan(t: Template, count: int) -> list[tuple[int, int, str | None, str]]:
    """``count`` single-character edits: type at a site then erase, alternating between sites.
    Each item is (line, column, character, site) for an insertion or (line, column, None, site)
    for a backspace that removes the character before ``column``; site is "hook" or "script"."""
    plan: list[tuple[int, int, str | None, str]] = []
    sites = [t.hook_value_end, t.script]
    cycle = 0
    while len(plan) < count:
        site = sites[cycle % 2]
        if site.line == t.hook_value_end.line and site is t.script:
            site = t.hook_value_end  # no separate script line: keep typing into the hook value
        label = "hook" if site is t.hook_value_end else "script"
        for k, ch in enumerate(site.typed):
            plan.append((site.line, site.col + k, ch, label))
        for k in range(len(site.typed), 0, -1):
            plan.append((site.line, site.col + k, None, label))
        cycle += 1
    return plan[:count]


# -- statistics ------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def fmt(ms: float | None) -> str:
    if ms is None:
        return "n/a"
    return f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"


# -- one server ------------------------------------------------------------------------------


@dataclass
class ServerRun:
    name: str
    cold_open: float | None = None
    opens: list[float] = field(default_factory=list)
    changes: list[float] = field(default_factory=list)
    #: Server CPU time (user+system) spent per didChange, averaged per template.
    change_cpu: list[float] = field(default_factory=list)
    per_template: dict[str, dict] = field(default_factory=dict)
    hover: list[float] | None = None
    completion: list[float] | None = None
    hover_nonempty: int = 0
    completion_nonempty: int = 0
    timeouts: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class ServerSpec:
    name: str
    cmd: list[str]
    language_id: str
    init_options: object = None
    configuration: object = None
    # How long a first open may take (yaml-language-server compiles a 1.6 MB schema then).
    cold_timeout: float = 120.0


async def run_server(spec: ServerSpec, templates: list[Template], edits: int, requests: int) -> ServerRun:
    run = ServerRun(spec.name)
    client = TimingClient(spec.configuration)
    stderr_log = WORK / f"{spec.name}.stderr.log"
    await client.start(spec.cmd, str(stderr_log), cwd=str(WORK), env=ENV)
    try:
        await client.initialize_session(CORPUS.as_uri(), spec.init_options)
        await asyncio.sleep(0.3)  # let the server pull its configuration before the first open
        # First open of the process: imports, caches, schema compilation.
        first = templates[0]
        run.cold_open = await _open(client, first, spec, spec.cold_timeout)
        await _close(client, first)
        has_hover = client.supports("hover_provider")
        has_completion = client.supports("completion_provider")
        run.hover = [] if has_hover else None
        run.completion = [] if has_completion else None
        for t in templates:
            per: dict = {"bytes": len(t.text.encode()), "script_site": t.script.what}
            opened = await _open(client, t, spec, 60)
            if opened is None:
                run.timeouts += 1
            else:
                run.opens.append(opened)
                per["open"] = opened
            if has_hover:
                for _ in range(requests):
                    for site in (t.hook_key, t.hook_value, t.kind_key):
                        ms, ok = await _request(client, "hover", t, site)
                        run.hover.append(ms)
                        run.hover_nonempty += ok
            if has_completion:
                for _ in range(requests):
                    for site in (t.hook_value_end, t.hook_key):
                        ms, ok = await _request(client, "completion", t, site)
                        run.completion.append(ms)
                        run.completion_nonempty += ok
            cpu0 = _cpu_seconds(client)
            timed = await _edits(client, t, edits, run)
            cpu1 = _cpu_seconds(client)
            samples = [ms for ms, _ in timed]
            run.changes.extend(samples)
            if cpu0 is not None and cpu1 is not None and samples:
                per["change_cpu_ms"] = (cpu1 - cpu0) * 1000 / len(samples)
                run.change_cpu.append(per["change_cpu_ms"])
            per["change_p50"] = pct(samples, 0.5)
            per["change_p95"] = pct(samples, 0.95)
            for label in ("hook", "script"):
                at_site = [ms for ms, where in timed if where == label]
                per[f"change_{label}_p50"] = pct(at_site, 0.5)
                per[f"change_{label}_p95"] = pct(at_site, 0.95)
            per["diagnostics"] = client.published[-1].count if client.published else None
            run.per_template[t.rel] = per
            await _close(client, t)
        if any("bench-offline: blocked" in line for line in _read(stderr_log).splitlines()):
            run.notes.append("tried to reach the network (blocked): see " + str(stderr_log))
        schema_errors = [
            m
            for p in client.published
            for m in p.messages
            if "Unable to load schema" in m or "Problems loading reference" in m
        ]
        if schema_errors:
            run.notes.append(f"schema not loaded: {schema_errors[0]}")
    finally:
        await client.shutdown_session()
    return run


def _cpu_seconds(client: TimingClient) -> float | None:
    """User+system CPU time of the server process and its finished child processes (a linter it
    runs, say) so far, from Linux /proc: the work a server does, apart from time spent waiting
    for a shared CPU."""
    if client.server_pid is None:
        return None
    try:
        fields = Path(f"/proc/{client.server_pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


async def _open(client: TimingClient, t: Template, spec: ServerSpec, timeout: float) -> float | None:
    fut = client.expect_diagnostics(t.uri, 1)
    t0 = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=t.uri, language_id=spec.language_id, version=1, text=t.text)
        )
    )
    try:
        item = await asyncio.wait_for(fut, timeout)
    except asyncio.TimeoutError:
        return None
    return (item.at - t0) * 1000


async def _close(client: TimingClient, t: Template) -> None:
    fut = client.expect_diagnostics(t.uri)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=t.uri))
    )
    try:
        await asyncio.wait_for(fut, 5)
    except asyncio.TimeoutError:
        pass
    await asyncio.sleep(0.05)


async def _edits(client: TimingClient, t: Template, count: int, run: ServerRun) -> list[tuple[float, str]]:
    """(milliseconds, site) per edit whose diagnostics arrived in time."""
    samples = []
    version = 1
    for line, col, ch, label in edit_plan(t, count):
        version += 1
        if ch is None:
            change = types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line, col - 1), end=types.Position(line, col)), text=""
            )
        else:
            change = types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line, col), end=types.Position(line, col)), text=ch
            )
        fut = client.expect_diagnostics(t.uri, version)
        t0 = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=t.uri, version=version),
                content_changes=[change],
            )
        )
        try:
            item = await asyncio.wait_for(fut, 30)
        except asyncio.TimeoutError:
            run.timeouts += 1
            continue
        samples.append(((item.at - t0) * 1000, label))
    return samples


async def _request(client: TimingClient, kind: str, t: Template, site: Site) -> tuple[float, bool]:
    doc = types.TextDocumentIdentifier(uri=t.uri)
    pos = types.Position(line=site.line, character=site.col)
    t0 = time.perf_counter()
    try:
        if kind == "hover":
            result = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(doc, pos)), 30)
            ok = result is not None and bool(_hover_text(result))
        else:
            result = await asyncio.wait_for(client.text_document_completion_async(types.CompletionParams(doc, pos)), 30)
            items = result.items if isinstance(result, types.CompletionList) else result
            ok = bool(items)
    except Exception as exc:  # noqa: BLE001 - an error answer or a timeout counts as empty
        client.log_messages.append(f"{kind} at {site.what} failed: {exc!r}")
        ok = False
    return (time.perf_counter() - t0) * 1000, ok


def _hover_text(hover: types.Hover) -> str:
    c = hover.contents
    if isinstance(c, types.MarkupContent):
        return c.value.strip()
    if isinstance(c, list):
        return "".join(x if isinstance(x, str) else x.value for x in c).strip()
    return (c if isinstance(c, str) else c.value).strip()


# -- server specs ----------------------------------------------------------------------------


def hook_lsp_spec(cmd: str | None = None, settings: dict | None = None) -> ServerSpec:
    settings = settings or {}
    return ServerSpec(
        "hook-lsp",
        shlex.split(cmd) if cmd else [sys.executable, "-m", "hook_lsp", "serve", "--stdio"],
        "helm",
        init_options=settings,
        configuration=lambda section: settings if section == "hookLsp" else None,
    )


def k8s_schema() -> Path:
    """The `all.json` of kubernetes-validate, made loadable offline.

    Its entries point at ``/api/_definitions.json#...``, which a client resolves against the
    schema's own location (``file:///api/_definitions.json``: missing), so every Kubernetes
    definition would fail to load. The copy in bench/.work points them at the package's own
    ``_definitions.json`` file instead; nothing else changes.
    """
    import kubernetes_validate

    folder = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / K8S_SCHEMA_VERSION
    text = (folder / "all.json").read_text(encoding="utf-8")
    fixed = text.replace('"/api/_definitions.json#', '"' + (folder / "_definitions.json").as_uri() + "#")
    out = WORK / "k8s-schema" / "all.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(fixed, encoding="utf-8")
    return out


def yamlls_spec(schema: Path) -> ServerSpec:
    yaml_settings = {
        "schemas": {schema.as_uri(): ["*.yaml", "*.yml"]},
        "schemaStore": {"enable": False},
        "kubernetesCRDStore": {"enable": False},
        "validate": True,
        "hover": True,
        "completion": True,
        "format": {"enable": False},
    }

    def configuration(section):
        if section == "yaml":
            return yaml_settings
        if section in ("http", "[yaml]", "editor"):
            return {}
        return None

    return ServerSpec(
        "yaml-ls",
        ["node", "--require", str(BENCH / "offline.cjs"), str(YAMLLS), "--stdio"],
        "yaml",
        configuration=configuration,
    )


# -- check over the corpus -------------------------------------------------------------------


def bench_check(repeats: int) -> dict:
    from hook_lsp.cli import collect

    files = collect([str(CORPUS)])
    size = sum(f.stat().st_size for f in files)
    cmd = [sys.executable, "-m", "hook_lsp", "check", str(CORPUS), "--format", "json", "--no-cache"]
    walls = []
    findings = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=600, cwd=ROOT, env=ENV)
        walls.append(time.perf_counter() - t0)
        # Exit 2 with a report: some file was not fully read (the corpus has a values file Helm
        # refuses); the run is complete and is timed like any other.
        if proc.returncode not in (0, 1, 2) or not proc.stdout.strip():
            return {"error": f"exit {proc.returncode}: {proc.stderr.strip()[:200]}"}
        findings = len(json.loads(proc.stdout or "[]"))
    starts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "hook_lsp", "--version"], check=False, capture_output=True, timeout=60, cwd=ROOT, env=ENV)
        starts.append(time.perf_counter() - t0)
    wall = statistics.median(walls)
    return {
        "files": len(files),
        "bytes": size,
        "wall_s": wall,
        "files_per_s": len(files) / wall,
        "startup_s": statistics.median(starts),
        "findings": findings,
        "runs": repeats,
    }


# -- report ----------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    node = (
        subprocess.run(["node", "--version"], check=False, capture_output=True, text=True).stdout.strip()
        if _has_node()
        else None
    )

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", "-C", str(ROOT), *args], check=False, capture_output=True, text=True, timeout=10
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return ""

    dirty = len([line for line in git("status", "--porcelain", "--untracked-files=no").splitlines() if line])
    return {
        "revision": git("rev-parse", "--short", "HEAD").strip() + (f" (+{dirty} modified files)" if dirty else ""),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "node": node,
        "load_before": os.getloadavg(),
        "reference_loop_ms": reference_loop_ms(),
    }


def reference_loop_ms() -> float:
    """Milliseconds this Python takes for ten million additions in a loop (median of 3): how
    fast the machine runs pure Python, to compare figures measured on different machines."""
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _has_node() -> bool:
    from shutil import which

    return which("node") is not None


def _stat_row(name: str, a: list[float] | None, b: list[float] | None, q: float) -> tuple:
    pa = pct(a, q) if a else None
    pb = pct(b, q) if b else None
    ratio = f"{pa / pb:.3f}" if pa and pb else "n/a"
    return (name, fmt(pa), fmt(pb), ratio)


def report(runs: dict[str, ServerRun], check: dict | None, info: dict) -> str:
    h = runs.get("hook-lsp")
    y = runs.get("yaml-ls")
    out = []
    out.append(
        f"hook-lsp {info['revision']}; machine: {info['cpu']}, {info['cores']} cores "
        f"(reference loop {info['reference_loop_ms']:.0f} ms, see bench/README.md); Python {info['python']}, "
        f"Node {info['node']}; load average before {info['load_before'][0]:.2f}, after {info['load_after'][0]:.2f}"
    )
    out.append("")
    rows = [("latency (ms)", "hook-lsp", "yaml-language-server", "ratio hook/yaml")]
    rows.append(
        (
            "first didOpen -> diagnostics (cold process)",
            fmt(h.cold_open if h else None),
            fmt(y.cold_open if y else None),
            f"{h.cold_open / y.cold_open:.3f}" if h and y and h.cold_open and y.cold_open else "n/a",
        )
    )
    for label, attr in (
        ("didOpen -> diagnostics", "opens"),
        ("didChange -> diagnostics", "changes"),
        ("hover", "hover"),
        ("completion", "completion"),
    ):
        a = getattr(h, attr) if h else None
        b = getattr(y, attr) if y else None
        for q, qn in ((0.5, "p50"), (0.95, "p95")):
            rows.append(_stat_row(f"{label} {qn}", a, b, q))
    cpu_h = statistics.mean(h.change_cpu) if h and h.change_cpu else None
    cpu_y = statistics.mean(y.change_cpu) if y and y.change_cpu else None
    rows.append(
        (
            "server CPU per didChange (mean)",
            fmt(cpu_h),
            fmt(cpu_y),
            f"{cpu_h / cpu_y:.3f}" if cpu_h and cpu_y else "n/a",
        )
    )
    out.append(_table(rows))
    counts = []
    for r in runs.values():
        counts.append(
            f"{r.name}: {len(r.opens)} opens, {len(r.changes)} edits"
            + (f", {len(r.hover)} hovers ({r.hover_nonempty} non-empty)" if r.hover is not None else ", hover n/a")
            + (
                f", {len(r.completion)} completions ({r.completion_nonempty} non-empty)"
                if r.completion is not None
                else ", completion n/a"
            )
            + (f", {r.timeouts} timeouts" if r.timeouts else "")
        )
        counts.extend(f"{r.name}: NOTE {n}" for n in r.notes)
    out.append("samples: " + "; ".join(counts))
    if y:
        out.append(
            f"(yaml-language-server waits a fixed {YAMLLS_DEBOUNCE_MS} ms after each open/edit before validating.)"
        )
    out.append("")
    rows = [
        (
            "template",
            "bytes",
            "edit site",
            "hook open",
            "hook p50",
            "hook p95",
            "hook cpu",
            "yaml open",
            "yaml p50",
            "yaml p95",
            "yaml cpu",
        )
    ]
    names = list((h or y).per_template) if (h or y) else []
    for rel in names:
        ph = h.per_template.get(rel, {}) if h else {}
        py = y.per_template.get(rel, {}) if y else {}
        base = ph or py
        rows.append(
            (
                _short(rel),
                str(base.get("bytes", "")),
                base.get("script_site", ""),
                fmt(ph.get("open")),
                fmt(ph.get("change_p50")),
                fmt(ph.get("change_p95")),
                fmt(ph.get("change_cpu_ms")),
                fmt(py.get("open")),
                fmt(py.get("change_p50")),
                fmt(py.get("change_p95")),
                fmt(py.get("change_cpu_ms")),
            )
        )
    out.append(_table(rows))
    if h:
        out.append("")
        out.append("hook-lsp didChange by edit site (ms):")
        rows = [("template", "hook value p50", "hook value p95", "other site", "p50", "p95")]
        for rel, per in h.per_template.items():
            rows.append(
                (
                    _short(rel),
                    fmt(per.get("change_hook_p50")),
                    fmt(per.get("change_hook_p95")),
                    per.get("script_site", ""),
                    fmt(per.get("change_script_p50")),
                    fmt(per.get("change_script_p95")),
                )
            )
        out.append(_table(rows))
    if check:
        out.append("")
        if "error" in check:
            out.append(f"hook-lsp check corpus: {check['error']}")
        else:
            out.append(
                f"hook-lsp check over the corpus: {check['files']} template files ({check['bytes'] / 1024:.0f} KiB), "
                f"wall {check['wall_s']:.2f} s (median of {check['runs']}), {check['files_per_s']:.0f} files/s, "
                f"{check['findings']} findings; process start alone {check['startup_s']:.2f} s"
            )
    return "\n".join(out)


def _short(rel: str) -> str:
    owner, _, rest = rel.partition("/")
    parts = rest.split("/")
    return f"{owner.split('__')[-1]}/{'/'.join(parts[-2:])}"


def _table(rows: list[tuple]) -> str:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# -- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="4 templates, few samples (about a minute)")
    ap.add_argument("--edits", type=int, help="didChange samples per template (default 40; quick 10)")
    ap.add_argument("--requests", type=int, help="hover/completion rounds per template (default 5; quick 2)")
    ap.add_argument("--servers", default="hook-lsp,yaml-ls", help="comma-separated: hook-lsp, yaml-ls")
    ap.add_argument(
        "--hook-lsp-cmd",
        help="command that starts hook-lsp on stdio, run in bench/.work (to compare variants or profile it); "
        "default: the current Python's `-m hook_lsp serve --stdio`",
    )
    ap.add_argument(
        "--hook-lsp-settings",
        type=json.loads,
        help="hookLsp settings as JSON for A/B runs, e.g. '{\"shellcheck\": false}' (default: none)",
    )
    ap.add_argument("--only", help="only templates whose path contains this text (e.g. kafka)")
    ap.add_argument("--no-check", action="store_true", help="skip `hook-lsp check` over the corpus")
    ap.add_argument("--timeout", type=float, default=1800, help="give up after this many seconds in all")
    ap.add_argument("--write-docs", action="store_true", help="rewrite the generated latency block of docs/performance.md")
    args = ap.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    WORK.mkdir(exist_ok=True)
    installed_like()
    edits = args.edits or (10 if args.quick else 40)
    requests = args.requests or (2 if args.quick else 5)
    chosen = QUICK_TEMPLATES if args.quick else TEMPLATES
    if args.only:
        chosen = [rel for rel in TEMPLATES if args.only in rel]
        if not chosen:
            print(f"no benchmark template matches {args.only!r}", file=sys.stderr)
            return 2
    templates = [find_sites(rel) for rel in chosen]
    wanted = [s.strip() for s in args.servers.split(",") if s.strip()]
    info = machine()

    specs = []
    if "hook-lsp" in wanted:
        specs.append(hook_lsp_spec(args.hook_lsp_cmd, args.hook_lsp_settings))
    if "yaml-ls" in wanted:
        if not YAMLLS.exists() or not _has_node():
            print("yaml-language-server not installed: run `npm ci --prefix bench` (skipping it)", file=sys.stderr)
        else:
            try:
                specs.append(yamlls_spec(k8s_schema()))
            except ImportError:
                print(
                    "kubernetes-validate not installed: `pip install kubernetes-validate` (skipping yaml-ls)",
                    file=sys.stderr,
                )

    async def all_servers() -> dict[str, ServerRun]:
        out = {}
        for spec in specs:
            print(f"running {spec.name} on {len(templates)} templates ...", file=sys.stderr, flush=True)
            out[spec.name] = await run_server(spec, templates, edits, requests)
        return out

    async def bounded():
        return await asyncio.wait_for(all_servers(), args.timeout)

    runs = asyncio.run(bounded())
    check = None
    if not args.no_check:
        print("running hook-lsp check over the corpus ...", file=sys.stderr, flush=True)
        check = bench_check(1 if args.quick else 3)
    info["load_after"] = os.getloadavg()
    text = report(runs, check, info)
    print(text)
    if args.write_docs:
        cmd = "python bench/run.py" + (" --quick" if args.quick else "") + " --write-docs"
        write_docs_block("latency", f"Generated by `{cmd}` on {time.strftime('%Y-%m-%d')}.\n\n```text\n{text}\n```")
    results = {
        "machine": info,
        "edits_per_template": edits,
        "requests_per_template": requests,
        "templates": [t.rel for t in templates],
        "servers": {
            name: {
                "cold_open_ms": r.cold_open,
                "open_ms": r.opens,
                "change_ms": r.changes,
                "change_cpu_ms_per_template": r.change_cpu,
                "hover_ms": r.hover,
                "completion_ms": r.completion,
                "per_template": r.per_template,
                "timeouts": r.timeouts,
                "notes": r.notes,
            }
            for name, r in runs.items()
        },
        "check": check,
    }
    (WORK / "results.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
