"""Running `hook-lsp check` over files: the loop over files, the cache, and worker processes.

`analyse_files` checks files in order with one `Project`, replaying charts that did not change
from the `CheckCache`, and returns what it found per file and per chart (`Outcome`); the CLI
prints it. `run` does the same over several worker processes when that pays: files are split
by chart (a chart is analysed whole, in one process), each worker runs `analyse_files` on its
share, and the outcomes are merged back into the order one process reports them in, so the
output is the same whatever the number of workers.

Workers are forked (Linux): they start with everything already imported, in a few
milliseconds. Where `fork` is not the platform's way (macOS, Windows), or for one chart, or
with one core, the files are checked in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from .reporting.findings import Finding, findings_of

#: At most this many workers by default (beyond it, reading files and merging dominate).
MAX_AUTO_JOBS = 4
#: Fewer template files than this are checked in one process (forking would cost more).
MIN_PARALLEL_FILES = 40


@dataclass
class ChartInfo:
    """Per-chart results: values files Helm would refuse, and the deployer note."""

    root: Path
    #: Where the chart comes in the report: charts of checked files first, by their first file.
    order: tuple[int, int]
    problems: list[tuple[str, str]]
    note: str | None


@dataclass
class Outcome:
    """What checking some files found, by the index of each file in the whole run."""

    findings: dict[int, list[Finding]] = field(default_factory=dict)
    failed: dict[int, list[str]] = field(default_factory=dict)
    skipped: int = 0
    #: Configuration errors: found now, or replayed from the cache.
    config_errors: list[str] = field(default_factory=list)
    charts: list[ChartInfo] = field(default_factory=list)


@dataclass
class Job:
    """Everything a run needs besides the files (workers inherit it when forked)."""

    #: The `Project`, and the charts Helm refused to render (render mode), by root.
    project: object
    render_errors: dict
    use_cache: bool
    cwd: Path
    profile_note: Callable[[object], str | None]
    config_at: Callable[[object, Path], object]
    progress: Callable[[], None] = lambda: None
    #: Work of the parent's own that does not depend on the outcome (the probe of the optional
    #: parts): with workers, done while they work instead of after them.
    meanwhile: Callable[[], None] = lambda: None


#: Real paths met in this run: listing the files, sharing them out and checking them each need
#: them (a `realpath` checks every folder of the path), and forked workers inherit them.
_REAL: dict[Path, Path | None] = {}


_UNSEEN = object()


def resolved(path: Path) -> Path | None:
    """The real path, or None for a symbolic-link loop (reported as an I/O error)."""
    real = _REAL.get(path, _UNSEEN)
    if real is _UNSEEN:
        try:
            real = path.resolve()
        except (OSError, RuntimeError):  # RuntimeError: "Symlink loop" (Python < 3.13)
            real = None
        _REAL[path] = real
    return real


def known_real(path: Path, real: Path) -> None:
    """Record ``real`` as the real path of ``path`` (a listing that resolved its folder)."""
    _REAL[path] = real


def shown(path: Path, cwd: Path, given: Path | None = None) -> str:
    """A path as reported: relative to the working folder when below it."""
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(given or path)


def analyse_files(job: Job, files: list[tuple[int, Path]]) -> Outcome:
    """Check ``files`` (each with its index in the whole run) in one process."""
    project, render_errors = job.project, job.render_errors
    out = Outcome()
    cache = None
    # Helm's own render (render mode) is not part of the cache key: such runs are not cached.
    if job.use_cache and project.resolver_for is None:
        from .cache_location import cache_dir
        from .check_cache import CheckCache

        try:
            cache = CheckCache(cache_dir(), list(project.values_files))
        except RuntimeError:  # no home folder to keep it in: run without the cache
            cache = None
    replayed: list[str] = []
    #: Chart (or lone file) of each checked file, in order of first appearance, with its cache key.
    scopes: dict[Path, tuple[str | None, int]] = {}
    first_index: dict[str, int] = {}
    #: Charts whose scripts went to ShellCheck together (`_prefetch_scripts`).
    prefetched: set = set()
    by_scope: dict[Path, list[tuple[int, Path]]] | None = None
    for index, f in files:
        job.progress()
        real = resolved(f)
        if real is None:
            out.failed[index] = [f"{f}: cannot read file: symbolic link loop"]
            out.findings[index] = [Finding(str(f), 1, 1, 1, 1, "error", "", "", "not analysed: symbolic link loop", False)]
            continue
        if render_errors:
            chart = project.chart_for(real)
            if chart is not None and chart.root in render_errors:
                out.skipped += 1
                continue  # Helm refused the chart: reported once by the caller
        name = shown(real, job.cwd, f)
        key = None
        known_errors = set(project.config_errors)
        if cache is not None:
            key = cache.key_for(real, job.config_at(project, real))
            scopes.setdefault(cache.scope_of(real), (key, index))
            hit = cache.lookup(key, str(real))
            if hit is not None:
                out.findings[index] = [Finding.from_json(name, item) for item in hit[0]]
                replayed.extend(e for e in hit[1] if e not in replayed)
                continue
        if by_scope is None:
            by_scope = _by_scope(files)
        _prefetch_scripts(project, real, index, by_scope, prefetched)
        result = project.check(str(real))
        for root in project.charts:
            first_index.setdefault(str(root), index)
        found = findings_of(result, name)
        out.findings[index] = found
        if result.error:
            out.failed[index] = [f"{name}: {result.error}"]
        elif cache is not None:  # a file not fully analysed is analysed again next time
            errors = [e for e in project.config_errors if e not in known_errors]
            cache.store(key, str(real), [x.as_json() for x in found], errors)
    for message in replayed:
        if message not in project.config_errors:
            project.config_errors.append(message)
    # Values files Helm would refuse, and deployer notes, per chart: computed for the charts
    # analysed now, replayed from the cache for the others, in the order the charts came.
    loaded = {Path(root): chart for root, chart in project.charts.items()}
    for root in [*scopes, *(r for r in loaded if r not in scopes)]:
        chart = loaded.get(root)
        scope_key = scopes[root][0] if root in scopes else None
        if chart is not None:
            problems = [(str(path), problem) for path, problem in project.values_problems(chart)]
            note = job.profile_note(chart)
            if cache is not None and scope_key:
                cache.store_chart(scope_key, problems, note)
        elif cache is not None and scope_key:
            problems, note = cache.chart_info(scope_key)
        else:
            continue
        order = (0, scopes[root][1]) if root in scopes else (1, first_index.get(str(root), 0))
        out.charts.append(ChartInfo(root, order, problems, note))
    if cache is not None:
        cache.save()
    out.config_errors = list(project.config_errors)
    return out


def _by_scope(files: list[tuple[int, Path]]) -> dict[Path, list[tuple[int, Path]]]:
    """The real path of each file (with its index), by chart root (`CheckCache.scope_of`)."""
    from .check_cache import CheckCache

    out: dict[Path, list[tuple[int, Path]]] = {}
    roots: dict[Path, Path | None] = {}
    for index, f in files:
        real = resolved(f)
        if real is not None:
            out.setdefault(CheckCache.scope_of(real, roots), []).append((index, real))
    return out


def _prefetch_scripts(project, real: Path, index: int, by_scope: dict, done: set) -> None:
    """At the first file analysed of a chart, give ShellCheck the scripts of that file and of
    the chart's later files in this process's share, in one run (`scripts.shellcheck.prefetch`);
    their checks then find the findings ready instead of starting ShellCheck once per script."""
    chart = project.chart_for(real)
    if chart is None or chart.root in done:
        return
    done.add(chart.root)
    config = project.config_for(chart.root)
    if not config.shellcheck:
        return
    from .analysis.engine import shellcheck_requests
    from .analysis.scripts.shellcheck import prefetch

    paths = [real, *(r for i, r in by_scope.get(Path(chart.root), ()) if i > index and r != real)]
    requests: list[tuple[str, str]] = []
    for path in paths:
        template = chart.templates.get(str(path))
        if template is not None:
            requests += shellcheck_requests(template, config, chart if chart.indexed else None)
    prefetch(requests)


# -- over worker processes ------------------------------------------------------------------------

#: The job of a forked worker (set in the parent just before forking; never pickled).
_JOB: Job | None = None


def _work(files: list[tuple[int, Path]]) -> Outcome:
    assert _JOB is not None
    # The parent shows progress as shares complete; workers writing to it would interleave.
    return analyse_files(replace(_JOB, progress=lambda: None), files)


def jobs_for(requested: int | None, files: list[Path]) -> int:
    """How many processes to use: ``requested`` (``--jobs``), else one per core up to
    `MAX_AUTO_JOBS` where workers fork and the run is large enough to gain from them."""
    if requested is not None:
        return max(1, requested)
    if sys.platform != "linux":  # workers are forked, which only Linux does by default
        return 1
    if len(files) < MIN_PARALLEL_FILES:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_AUTO_JOBS))


def split(files: list[Path], jobs: int) -> list[list[tuple[int, Path]]]:
    """Files shared out by chart (a chart never spans two shares), largest charts first, each
    to the share with the fewest bytes so far; every share keeps the run's order."""
    from .check_cache import CheckCache

    groups: dict[Path, list[tuple[int, Path]]] = {}
    roots: dict[Path, Path | None] = {}  # files of one folder share their chart root
    for index, f in enumerate(files):
        real = resolved(f)
        scope = CheckCache.scope_of(real, roots) if real is not None else f
        groups.setdefault(scope, []).append((index, f))
    sizes = {scope: sum(_size(f) for _i, f in members) for scope, members in groups.items()}
    shares: list[list[tuple[int, Path]]] = [[] for _ in range(jobs)]
    loads = [0] * jobs
    for scope in sorted(groups, key=lambda s: -sizes[s]):
        i = loads.index(min(loads))
        shares[i].extend(groups[scope])
        loads[i] += sizes[scope]
    return [sorted(s) for s in shares if s]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def run(job: Job, files: list[Path], jobs: int) -> Outcome:
    """Check ``files`` with ``jobs`` processes; the outcome is the one a single process gives."""
    indexed = list(enumerate(files))
    shares = split(files, jobs) if jobs > 1 else [indexed]
    if len(shares) <= 1:
        return analyse_files(job, indexed)
    global _JOB
    from concurrent.futures import ProcessPoolExecutor, as_completed

    _JOB = job
    try:
        with ProcessPoolExecutor(len(shares), mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {pool.submit(_work, share): share for share in shares}
            # Every worker is forked by now (the pool forks them all at the first submit), so
            # nothing the parent loads from here on is copied into them.
            job.meanwhile()
            for done in as_completed(futures):
                for _ in futures[done]:
                    job.progress()
            # In share order, not completion order: the same run always reports the same way.
            outcomes = [f.result() for f in futures]
    finally:
        _JOB = None
    return merge(outcomes)


def merge(outcomes: list[Outcome]) -> Outcome:
    """One outcome from the workers' (each file and chart is in exactly one of them)."""
    out = Outcome()
    for o in outcomes:
        out.findings.update(o.findings)
        out.failed.update(o.failed)
        out.skipped += o.skipped
        out.config_errors += [e for e in o.config_errors if e not in out.config_errors]
        out.charts += o.charts
    out.charts.sort(key=lambda c: c.order)
    return out
