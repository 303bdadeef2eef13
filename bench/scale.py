"""How hook-lsp scales with chart size: umbrella charts built from the corpus, timed over stdio.

    python bench/scale.py                       # the default series, both servers (~10 minutes)
    python bench/scale.py --quick               # two sizes, hook-lsp only
    python bench/scale.py --write-docs          # also rewrite the generated block of docs/performance.md

For each size of the series (subcharts copied from the corpus, see `umbrella.py`; built in a
temporary folder, removed afterwards) and each server, a fresh process is started (``--repeats``
times, 3 by default, the servers taking turns; each figure is the median of those runs) and:

- **first diagnostics**: didOpen of bitnami kafka's `provisioning/job.yaml` (a 19.6 KB hook Job
  in one of the subcharts) → its first publishDiagnostics;
- **chart indexed**: didOpen → the end of hook-lsp's `$/progress` for the chart (its chart-wide
  findings are published then); the first answer above does not wait for it;
- **indexing CPU**: user+system CPU of the server and of the processes it started (the helper
  that reads an umbrella's values files) over that same stretch: the work that the cores share,
  so the time to index is at least this divided by the number of cores;
- **didChange p50 / p95**: one character per edit at the end of the `helm.sh/hook` value and of
  a script line, after the chart is indexed, each edit sent once the previous one is answered;
- **CPU per edit**: user+system CPU of the server over the edits, divided by their number;
- **peak RSS**: the server's `VmHWM` at the end.

Also measured: cold start (spawn → first diagnostics of a small corpus template: the first start
with an empty cache folder, then the median of 7),
peak RSS with one hook template of every corpus chart open, and `hook-lsp check` over the corpus
with and without its cache. yaml-language-server is run on the same files when bench/node_modules
has it (see bench/README.md); it has no chart model, so only its per-file figures apply.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run as base  # noqa: E402  (bench/run.py: sites, edits, server specs, machine info)
import umbrella  # noqa: E402
from lsp_client import TimingClient  # noqa: E402
from lsprotocol import types  # noqa: E402

TARGET = "charts/kafka/templates/provisioning/job.yaml"
COLD_TEMPLATE = "Kong__charts/charts/ingress/templates/tests/test-jobs.yaml"
#: Subcharts per umbrella: 1x, 3.5x and 7x the corpus (1,063 and 2,018 templates at 243 and 460).
SERIES = (69, 243, 460)
#: Later cold starts of which the median is given, and rounds of `check` runs (wall-clock
#: figures of a shared machine: a median of several).
COLD_STARTS = 7
CHECK_ROUNDS = 5
#: How long to wait for a chart to be indexed before typing anyway (its figure is then "n/a").
INDEX_TIMEOUT = 300


ENV = base.ENV


def _cpu_tree_seconds(client: TimingClient) -> float | None:
    """User+system CPU of the server, of its finished child processes and of those still running,
    from Linux /proc (see `run._cpu_seconds`)."""
    own = base._cpu_seconds(client)
    if own is None:
        return None
    live = 0.0
    for children in Path(f"/proc/{client.server_pid}/task").glob("*/children"):
        try:
            pids = children.read_text().split()
        except OSError:
            continue
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # gone meanwhile: its time is in the server's figure now
            live += sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return own + live


def _rss_peak_mib(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def _start(spec: base.ServerSpec, root: Path, log_name: str) -> tuple[TimingClient, float]:
    client = TimingClient(spec.configuration)
    base.WORK.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    await client.start(spec.cmd, str(base.WORK / log_name), cwd=str(base.WORK), env=ENV)
    await client.initialize_session(root.as_uri(), spec.init_options)
    return client, t0


async def one_size(spec: base.ServerSpec, root: Path, edits: int) -> dict:
    """Open the target in a fresh server on umbrella ``root``, wait for indexing, then type."""
    t = base.find_sites(TARGET, base=root)
    client, _ = await _start(spec, root, f"scale-{spec.name}.stderr.log")
    out: dict = {}
    try:
        await asyncio.sleep(0.3)  # let the server pull its configuration first
        fut = client.expect_diagnostics(t.uri, 1)
        cpu_open = _cpu_tree_seconds(client)
        t0 = time.perf_counter()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=t.uri, language_id=spec.language_id, version=1, text=t.text)
            )
        )
        first = await asyncio.wait_for(fut, spec.cold_timeout)
        out["first_ms"] = (first.at - t0) * 1000
        if spec.name == "hook-lsp":
            ends = []
            deadline = time.perf_counter() + INDEX_TIMEOUT
            while time.perf_counter() < deadline:
                ends = [at for at, _tok, kind in client.progress if kind == "end" and at >= t0]
                if ends:
                    break
                await asyncio.sleep(0.05)
            cpu_indexed = _cpu_tree_seconds(client)
            # No progress at all: a chart small enough to be read before the first answer.
            out["indexed_ms"] = (ends[0] - t0) * 1000 if ends else (None if client.progress else out["first_ms"])
            if ends and cpu_open is not None and cpu_indexed is not None:
                out["index_cpu_ms"] = (cpu_indexed - cpu_open) * 1000
            await asyncio.sleep(0.2)
        run = base.ServerRun(spec.name)
        cpu0 = base._cpu_seconds(client)
        timed = await base._edits(client, t, edits, run)
        cpu1 = base._cpu_seconds(client)
        samples = [ms for ms, _ in timed]
        out["edit_p50"] = base.pct(samples, 0.5)
        out["edit_p95"] = base.pct(samples, 0.95)
        out["edit_cpu_ms"] = (cpu1 - cpu0) * 1000 / len(samples) if samples and cpu0 is not None else None
        out["rss_mib"] = _rss_peak_mib(client.server_pid)
        out["timeouts"] = run.timeouts
    finally:
        await client.shutdown_session()
    return out


async def cold_start(spec: base.ServerSpec, repeats: int = COLD_STARTS) -> dict:
    """Spawn → first diagnostics of a small corpus template: the first start with an empty
    cache folder (as after installing), then the median of ``repeats`` later starts (ms)."""
    t = base.find_sites(COLD_TEMPLATE)
    times = []
    empty = Path(tempfile.mkdtemp(prefix="hook-lsp-cold-"))
    for i in range(repeats + 1):
        client = TimingClient(spec.configuration)
        env = {**ENV, "HOOK_LSP_CACHE_DIR": str(empty)}
        t0 = time.perf_counter()
        await client.start(spec.cmd, str(base.WORK / "scale-cold.stderr.log"), cwd=str(base.WORK), env=env)
        try:
            await client.initialize_session(base.CORPUS.as_uri(), spec.init_options)
            fut = client.expect_diagnostics(t.uri, 1)
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(uri=t.uri, language_id=spec.language_id, version=1, text=t.text)
                )
            )
            item = await asyncio.wait_for(fut, spec.cold_timeout)
            times.append((item.at - t0) * 1000)
        finally:
            await client.shutdown_session()
    shutil.rmtree(empty, ignore_errors=True)
    return {"first": times[0], "later": statistics.median(times[1:]), "starts": repeats}


async def every_chart_open(spec: base.ServerSpec) -> dict:
    """Peak RSS with one hook template of every corpus chart open (each answered in turn)."""
    charts = umbrella.corpus_charts()
    client, _ = await _start(spec, base.CORPUS, "scale-corpus.stderr.log")
    opened = 0
    try:
        for chart in charts:
            tdir = chart / "templates"
            files = sorted(p for p in tdir.rglob("*.yaml") if "helm.sh/hook" in p.read_text(errors="replace"))
            if not files:
                continue
            uri = files[0].as_uri()
            fut = client.expect_diagnostics(uri, 1)
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(
                        uri=uri, language_id=spec.language_id, version=1, text=files[0].read_text(errors="replace")
                    )
                )
            )
            await asyncio.wait_for(fut, spec.cold_timeout)
            opened += 1
        await asyncio.sleep(1.0)
        return {"charts": opened, "rss_mib": _rss_peak_mib(client.server_pid)}
    finally:
        await client.shutdown_session()


def check_runs(rounds: int = CHECK_ROUNDS) -> dict:
    """`hook-lsp check` over the corpus: without cache, with an empty cache and with a full one
    (median s). The three are interleaved, round after round, so that a busy spell of the
    shared machine weighs on all of them alike."""
    cache = Path(tempfile.mkdtemp(prefix="hook-lsp-cache-"))
    cmd = [sys.executable, "-m", "hook_lsp", "check", str(base.CORPUS), "--format", "json"]
    env = {**os.environ, **base.ENV, "HOOK_LSP_CACHE_DIR": str(cache)}
    walls: dict[str, list[float]] = {"no_cache_s": [], "cold_cache_s": [], "warm_cache_s": []}
    findings: dict[str, int] = {}

    def timed(label: str, extra: list[str]) -> None:
        t0 = time.perf_counter()
        proc = subprocess.run(cmd + extra, capture_output=True, text=True, env=env, cwd=base.ROOT, timeout=900)
        walls[label].append(time.perf_counter() - t0)
        findings[label] = len(json.loads(proc.stdout or "[]"))

    try:
        for _ in range(rounds):
            timed("no_cache_s", ["--no-cache"])
            shutil.rmtree(cache, ignore_errors=True)
            timed("cold_cache_s", [])  # fills the cache
            timed("warm_cache_s", [])
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    out: dict = {k: statistics.median(v) for k, v in walls.items()}
    out["findings"] = [findings[k] for k in walls]
    out["rounds"] = rounds
    return out


def _fmt(v, unit: str = "") -> str:
    if v is None:
        return "n/a"
    return (base.fmt(v) if unit == "ms" else f"{v:.0f}") if isinstance(v, float) else str(v)


def report(results: dict) -> str:
    info = results["machine"]
    lines = [
        f"Generated by `python bench/scale.py --write-docs` on {results['date']} at revision "
        f"{info['revision']}: {info['cpu']}, {info['cores']} cores (reference loop {info['reference_loop_ms']:.0f} ms, "
        f"see bench/README.md), Python {info['python']}"
        + (f", Node {info['node']}" if info.get("node") else "")
        + f". Load average {results['load'][0]:.1f} at the start and {results['load'][1]:.1f} at the end "
        "(the machine is shared: wall-clock figures move with the load; CPU per edit shows the work). "
        f"{results['edits']} edits per size; each figure is the median of {results['repeats']} runs, "
        "the servers taking turns.",
        "",
        "| umbrella (subcharts / templates / values files / MB) | server | first diagnostics (ms) | chart indexed (ms) "
        "| indexing CPU (ms) | didChange p50 / p95 (ms) | CPU per edit (ms) | peak RSS (MiB) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in results["sizes"]:
        s = size["stats"]
        label = f"{s['subcharts']} / {s['templates']} / {s['values_files']} / {s['bytes'] / 1e6:.0f}"
        for name, r in size["servers"].items():
            if "error" in r:
                lines.append(f"| {label} | {name} | {r['error']} | | | | | |")
                continue
            indexed = base.fmt(r.get("indexed_ms")) if "indexed_ms" in r else "—"
            index_cpu = base.fmt(r.get("index_cpu_ms")) if "indexed_ms" in r else "—"
            lines.append(
                f"| {label} | {name} | {base.fmt(r['first_ms'])} | {indexed} | {index_cpu} | {base.fmt(r['edit_p50'])} / "
                f"{base.fmt(r['edit_p95'])} | {base.fmt(r['edit_cpu_ms'])} | {_fmt(r['rss_mib'])} |"
            )
    lines.append("")
    if "cold_start_ms" in results:
        lines.append(
            f"Cold start, spawn → first diagnostics of `{COLD_TEMPLATE.split('/', 1)[1]}`: "
            + ", ".join(
                f"{k} {base.fmt(v['later'])} ms (median of {v['starts']} starts; {base.fmt(v['first'])} ms for the first start "
                "after installing, before its cache folder holds the compiled protocol code)"
                for k, v in results["cold_start_ms"].items()
            )
            + "."
        )
    if "corpus_open" in results:
        c = results["corpus_open"]
        lines.append(
            f"Peak RSS with one hook template of each of the {c['charts']} corpus charts open: {_fmt(c['rss_mib'])} MiB."
        )
    if "check" in results:
        c = results["check"]
        lines.append(
            f"`hook-lsp check` over the corpus (median of {c['rounds']} rounds, each running the three in turn): "
            f"{c['no_cache_s']:.2f} s with `--no-cache`, "
            f"{c['cold_cache_s']:.2f} s with an empty cache, {c['warm_cache_s']:.2f} s on a re-run with nothing "
            f"changed (findings: {' / '.join(str(n) for n in c['findings'])})."
        )
    return "\n".join(lines)


def median_run(runs: list[dict]) -> dict:
    """One row from several runs of a size: the median of each figure over the runs that
    measured it (timeouts are added up); an error only when every run failed."""
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return runs[0]
    out: dict = {}
    for key in dict.fromkeys(k for r in ok for k in r):
        values = [r[key] for r in ok if r.get(key) is not None]
        if key == "timeouts":
            out[key] = sum(values)
        elif values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            out[key] = statistics.median(values)
        else:
            out[key] = values[0] if values else None
    return out


def write_docs(text: str) -> None:
    base.write_docs_block("scale", text)


async def main_async(args) -> dict:
    servers = [s for s in args.servers.split(",") if s]
    specs = {"hook-lsp": base.hook_lsp_spec()}
    if "yaml-ls" in servers:
        if not (base._has_node() and base.YAMLLS.exists()):
            print("yaml-language-server not installed (see bench/README.md): hook-lsp only", file=sys.stderr)
            servers.remove("yaml-ls")
        else:
            spec = base.yamlls_spec(base.k8s_schema())
            spec.cold_timeout = 300
            specs["yaml-ls"] = spec
    results: dict = {
        "repeats": args.repeats,
        "date": time.strftime("%Y-%m-%d"),
        "machine": base.machine(),
        "load": [os.getloadavg()[0], None],
        "edits": args.edits,
        "sizes": [],
    }
    results["machine"]["cores"] = os.cpu_count()
    work = Path(tempfile.mkdtemp(prefix="hook-lsp-umbrella-"))
    try:
        for n in args.sizes:
            root = umbrella.build(work / f"u{n}", n)
            entry = {"subcharts_copied": n, "stats": umbrella.stats(root), "servers": {}}
            print(f"umbrella {n}: {entry['stats']}", file=sys.stderr)
            runs: dict[str, list[dict]] = {name: [] for name in servers}
            # The servers take turns, run after run: a busy spell of the shared machine weighs
            # on both, and the median of each figure leaves it out.
            for _ in range(args.repeats):
                for name in servers:
                    try:
                        got = await one_size(specs[name], root, args.edits)
                    except Exception as exc:  # noqa: BLE001 - report it in the table
                        got = {"error": f"failed: {exc!r}"[:80]}
                    runs[name].append(got)
                    print(f"  {name}: {got}", file=sys.stderr)
            entry["servers"] = {name: median_run(r) for name, r in runs.items()}
            results["sizes"].append(entry)
            shutil.rmtree(root, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not args.quick:
        results["cold_start_ms"] = {name: await cold_start(specs[name]) for name in servers if name == "hook-lsp"}
        results["corpus_open"] = await every_chart_open(specs["hook-lsp"])
        results["check"] = check_runs()
    results["load"][1] = os.getloadavg()[0]
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=list(SERIES),
                    help="subcharts per umbrella, comma-separated (default 69,243,460)")
    # 100: the p95 of 40 samples is the second-slowest edit, one scheduler hiccup on a shared machine.
    ap.add_argument("--edits", type=int, default=100, help="didChange samples per size (default 100)")
    ap.add_argument("--servers", default="hook-lsp,yaml-ls", help="comma-separated: hook-lsp, yaml-ls")
    ap.add_argument("--repeats", type=int, default=3, help="runs per size and server, medians reported (default 3)")
    ap.add_argument("--quick", action="store_true", help="sizes 69 and 243, hook-lsp only, one run, no extras")
    ap.add_argument("--write-docs", action="store_true", help="rewrite the generated block of docs/performance.md")
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.servers, args.repeats = [69, 243], "hook-lsp", 1
    if not base.CORPUS.is_dir():
        print(f"corpus not found at {base.CORPUS}", file=sys.stderr)
        return 2
    base.installed_like()
    results = asyncio.run(main_async(args))
    base.WORK.mkdir(parents=True, exist_ok=True)
    (base.WORK / "scale.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    text = report(results)
    print(text)
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
