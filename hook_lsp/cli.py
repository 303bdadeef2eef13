"""The `hook-lsp` command: `serve`, `check`, `timeline`, `rules`, `doctor` (and `--version`).

Exit codes of `check`: 0 clean, 1 findings at or above ``--fail-on``, 2 usage or I/O error, or a
file whose analysis failed (with a one-line message on stderr each; the other files are still
checked and reported). `timeline` exits 2, after printing the timeline, when a values file
was not read (its values, and hooks that depend on them, are unknown).
Under ``--strict``, `check` also exits 2 when a part of the analysis cannot run here (a
compiled dependency or ShellCheck is missing; always warned on stderr).
"""

from __future__ import annotations

import argparse
import atexit
import gc
import logging
import os
import sys
from pathlib import Path

from . import __version__

FORMATS = ("text", "json", "sarif", "github")
TIMELINE_FORMATS = ("text", "json", "mermaid")


class UsageError(Exception):
    """A bad argument or unreadable input: one line on stderr, exit code 2."""


def _helm_version(value: str) -> str:
    from .knowledge import versions

    try:
        return versions.normalise(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hook-lsp", description="Helm hook lifecycle checks: language server and CLI.")
    p.add_argument("--version", action="version", version=f"hook-lsp {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("serve", help="run the language server (stdio by default)")
    s.add_argument("--stdio", action="store_true", help="use stdio (the default; accepted for editor clients)")
    s.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead of stdio")
    s.add_argument("--log-file", metavar="FILE", help="write the server log to FILE")
    s.add_argument("-v", "--verbose", action="store_true", help="log debug messages")

    c = sub.add_parser("check", help="report hook problems in chart templates, like a compiler")
    c.add_argument("paths", nargs="+", metavar="PATH", help="template files or folders (charts, repositories)")
    c.add_argument("--format", choices=FORMATS, default="text")
    c.add_argument("--fail-on", choices=("error", "warning", "information", "hint", "never"), default="warning",
                   help="lowest severity that makes the exit code 1 (default: warning)")
    c.add_argument(
        "--docs-base-url", metavar="URL", help="where hook-lsp's docs/ is published (SARIF helpUri links rules there)"
    )
    c.add_argument("--helm-version", type=_helm_version, help="Helm version to check against: 3, 4, or a minor such as 3.18 (default 4)")
    c.add_argument("--deployer", type=_deployer, metavar="NAME[@VERSION]", help=DEPLOYER_HELP)
    c.add_argument("--select", metavar="CODES", help="only these rules (comma-separated codes or names)")
    c.add_argument("--ignore", metavar="CODES", help="turn these rules off (comma-separated codes or names)")
    _values_args(c)
    c.add_argument("--strict", action="store_true", help="exit 2 when a part of the analysis cannot run here (see `hook-lsp doctor`)")
    c.add_argument("--jobs", "-j", type=_jobs, metavar="N",
                   help="worker processes (default: one per core, up to 4, on Linux when there are several charts)")
    c.add_argument("--no-cache", action="store_true",
                   help="analyse every chart again (by default charts whose files did not change are reported from the cache)")

    t = sub.add_parser("timeline", help="show what Helm runs, in order, for an operation on a chart")
    t.add_argument("chart", metavar="CHART", help="the chart folder (or any file in it)")
    t.add_argument("--operation", choices=("install", "upgrade", "rollback", "uninstall", "test"), default="upgrade")
    t.add_argument("--format", choices=TIMELINE_FORMATS, default="text")
    t.add_argument("--helm-version", type=_helm_version, help="Helm version: 3, 4, or a minor such as 4.1 (default 4)")
    t.add_argument("--deployer", type=_deployer, metavar="NAME[@VERSION]", help=DEPLOYER_HELP)
    _values_args(t)

    d = sub.add_parser("doctor", help="show this Python and which parts of the analysis are active, with versions")
    d.add_argument("--format", choices=("text", "json"), default="text")

    r = sub.add_parser("rules", help="list the rules, or print their documentation")
    r.add_argument("--format", choices=("text", "markdown"), default="text")
    return p


def _values_args(p: argparse.ArgumentParser) -> None:
    """Values and release options shared by `check` and `timeline` (static view and `--render`)."""
    p.add_argument("-f", "--values", metavar="FILE", action="append", default=[],
                   help="values file merged over values.yaml (repeatable)")
    p.add_argument("--release-name", metavar="NAME", help="release name hook names are resolved for (default: release-name)")
    p.add_argument("--namespace", metavar="NS", help="release namespace (default: default)")
    p.add_argument("--render", action="store_true",
                   help="render with Helm's engine (pip install 'hook-lsp[helm]'): Helm's names, weights and order")
    p.add_argument("--set", metavar="K=V", action="append", default=[], dest="set_values",
                   help="with --render: set a value like helm --set (repeatable)")
    p.add_argument("--upgrade", action="store_true", help="with --render: render as an upgrade (.Release.IsUpgrade)")
    p.add_argument("--engine", choices=("sdk", "helm-cli"), default="sdk",
                   help="with --render: Helm 4 in-process (sdk, default) or a helm binary on PATH (helm-cli)")


def _project(args, base):
    """The project for `check`/`timeline`, and in render mode a function rendering each chart.

    Returns (project, render_errors): charts Helm refused are listed, not analysed."""
    from .analysis.project import Project

    for v in args.values:
        if not Path(v).is_file():
            raise UsageError(f"--values: {v}: no such file")
    values = [str(Path(v).resolve()) for v in args.values]
    if not args.render:
        if args.set_values or args.upgrade:
            raise UsageError("--set and --upgrade need --render")
        return Project(
            base,
            values_files=values,
            release_name=args.release_name or "",
            namespace=args.namespace or "",
            overrides=_overrides(args),
        ), {}
    from .render import EngineMissing, RenderError, engine
    from .render.mode import RenderOptions, render_chart

    try:
        eng = engine(args.engine)
    except EngineMissing as exc:
        raise UsageError(str(exc)) from exc
    opts = RenderOptions(
        [Path(v) for v in values], list(args.set_values), args.release_name, args.namespace, args.upgrade,
        base.helm_version,
    )
    errors: dict[Path, str] = {}

    def resolver_for(root: Path):
        try:
            return render_chart(eng, root, opts)
        except RenderError as exc:
            errors[root] = str(exc)
            return None

    project = Project(
        base,
        values_files=values,
        release_name=args.release_name or "",
        namespace=args.namespace or "",
        overrides=_overrides(args),
    )
    project.resolver_for = resolver_for
    return project, errors


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "check":
            return _check(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "timeline":
            return _timeline(args)
        if args.command == "doctor":
            return _doctor(args)
    except UsageError as exc:
        print(f"hook-lsp: {exc}", file=sys.stderr)
        return 2
    _parser().print_help(sys.stderr)
    return 2


def _serve(args) -> int:
    logging.basicConfig(
        filename=args.log_file,
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        # pygls logs every message it sends at INFO; editors show the server's stderr as errors.
        logging.getLogger("pygls").setLevel(logging.WARNING)
    # Importing the protocol types creates ~10^5 long-lived objects: collecting while they are
    # created only slows the start (~10% of it), and the pass that frees their garbage before
    # freezing them (~35 ms) would hold up the first diagnostics: the collector stays off until
    # they are out (`_settle_heap`). The optional parts are probed then too (`report_parts`).
    gc.disable()
    # attrs compiles the generated methods of every protocol class at each start (a third of
    # it): they are kept compiled between starts, like modules in `__pycache__`.
    from . import code_cache

    code_cache.install()
    from .server import server

    server.after_start.append(_settle_heap)
    server.after_start.append(code_cache.save)
    atexit.register(code_cache.save)  # converters built after start-up, for the next start
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            raise UsageError(f"--tcp wants HOST:PORT, not {args.tcp!r}")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    # LSP: 0 after `shutdown` then `exit`, 1 for `exit` alone.
    return server.protocol.exit_code


def _settle_heap() -> None:
    """Free the start-up garbage (about one object in six: what building the protocol classes
    left behind), freeze what survives, and turn the collector on.

    Frozen objects stay out of every later collection (nothing referring to one still frees it,
    but a cycle among them is never freed). Besides the imports' objects, they are the few made
    for the first answer: the opened document and its chart's model.
    """
    gc.collect(0)  # all of it is young: nothing was collected since the collector was turned off
    gc.freeze()
    # Each keystroke allocates many short-lived nodes; with the default thresholds the collector's
    # full passes over the long-lived chart models showed up as 45-90 ms pauses (docs/performance.md).
    gc.set_threshold(*GC_THRESHOLDS)
    gc.enable()


#: Collector thresholds once the imports' objects are frozen (see `_settle_heap`).
GC_THRESHOLDS = (20000, 20, 20)


def _batch_heap() -> None:
    """Collector settings for a batch run (`check`, `timeline`), once the imports are done.

    A run keeps what each template leaves (parsed helpers, values trees, findings) and makes
    many short-lived nodes on the way: with the default thresholds, the collector's passes over
    that growing heap were a sixth of a corpus `check`'s CPU. Freezing the imports' objects
    also keeps forked workers from copying the pages they sit on when a pass would touch them.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def collect(paths: list[str]) -> list[Path]:
    """Template files named or found below the given folders, in a stable order."""
    from .analysis.chart import is_template_file
    from .check_run import known_real, resolved

    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_file() or (p.is_symlink() and not p.is_dir()):
            files.append(p)  # a dangling link or a link loop is reported as an I/O error
        elif p.is_dir():
            # The walk does not enter linked folders: a folder's real path is its parent's plus
            # its name, and a file that is not a link itself is in its folder's real path. One
            # `realpath` (a system call per folder of the path) for the walk, not one per file.
            real_dirs = {str(p): Path(os.path.realpath(p))}
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
                real_dir = real_dirs.pop(dirpath)
                for d in dirnames:
                    real_dirs[os.path.join(dirpath, d)] = real_dir / d
                for fn in sorted(filenames):
                    f = Path(dirpath) / fn
                    if os.path.islink(f):
                        real = resolved(f)
                    else:
                        real = real_dir / fn
                        known_real(f, real)
                    if is_template_file(real or f):
                        files.append(f)
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return files


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"--jobs wants a whole number of at least 1, not {value!r}")
    return int(value)


DEPLOYER_HELP = "who runs the hooks: helm (default), argocd, flux or fleet, optionally name@version (argocd@3.5)"


def _deployer(value: str) -> str:
    from .analysis.profile import DeployerError, parse_deployer

    try:
        return parse_deployer(value)
    except DeployerError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _overrides(args) -> dict:
    """Command-line settings that win over a chart's project file."""
    return {"deployer": args.deployer} if args.deployer else {}


def _config_at(project, path: Path):
    """The settings `Project.check` will use for ``path`` (its chart's, else its folder's)."""
    from .analysis.chart import find_chart_root

    root = find_chart_root(path)
    return project.config_for(root if root is not None else path)


def _check(args) -> int:
    from .analysis.config import AnalysisConfig
    from .analysis.rules.registry import REGISTRY, Severity, rules_by_name
    from .check_run import Job, jobs_for, run, shown
    from .reporting import json_format, text
    from .reporting.findings import Finding

    rules: dict[str, str] = {}
    known = set(REGISTRY) | set(rules_by_name())
    for opt in ("select", "ignore"):
        for code in filter(None, (getattr(args, opt) or "").split(",")):
            if code.strip() not in known:
                raise UsageError(f"--{opt}: unknown rule {code.strip()!r}")
    if args.select:
        chosen = {c.strip() for c in args.select.split(",")}
        by_name = rules_by_name()
        chosen |= {by_name[c].code for c in chosen if c in by_name}
        rules = {code: "off" for code in REGISTRY if code not in chosen}
    for code in filter(None, (args.ignore or "").split(",")):
        rules[code.strip()] = "off"
    base = AnalysisConfig(helm_version=args.helm_version or "4", rules=rules)
    project, render_errors = _project(args, base)
    files = collect(args.paths)
    _batch_heap()
    cwd = Path.cwd()
    progress = _Progress(len(files))
    # Render mode (Helm's engine, one chart at a time) and small runs stay in this process.
    jobs = 1 if project.resolver_for is not None else jobs_for(args.jobs, files)
    job = Job(
        project=project,
        render_errors=render_errors,
        use_cache=not args.no_cache,
        cwd=cwd,
        profile_note=_profile_note,
        config_at=_config_at,
        progress=progress.tick,
        meanwhile=_probe_parts,
    )
    outcome = run(job, files, jobs)
    progress.done()
    findings = [x for i in range(len(files)) for x in outcome.findings.get(i, ())]
    failed = [m for i in range(len(files)) for m in outcome.failed.get(i, ())]
    notes = []
    for info in outcome.charts:
        for path, problem in info.problems:
            where = shown(Path(path), cwd)
            failed.append(f"{where}: {problem}")
            findings.append(Finding(where, 1, 1, 1, 1, "error", "", "", problem, False))
        if info.note:
            notes.append(info.note)
    skipped = outcome.skipped
    for message in outcome.config_errors:
        print(f"hook-lsp: {message}", file=sys.stderr)
    for message in failed:
        print(f"hook-lsp: {message}", file=sys.stderr)
    for note in notes:
        print(f"hook-lsp: note: {note}", file=sys.stderr)
    _report_render_errors(render_errors)
    from .reporting import github, sarif

    renderer = {"json": json_format, "sarif": sarif, "github": github}.get(args.format, text)
    checked = len(files) - skipped
    if renderer is sarif:
        sys.stdout.write(sarif.render(findings, checked, args.docs_base_url))
    else:
        sys.stdout.write(renderer.render(findings, checked))
    if _warn_missing_parts(base) and args.strict:
        return 2
    if failed or render_errors:
        # Some file was not (fully) analysed: its findings may be missing, so never report success.
        return 2
    if args.fail_on != "never" and any(f.code and Severity.at_least(f.severity, args.fail_on) for f in findings):
        return 1
    return 0


def _profile_note(chart) -> str | None:
    """A note for a chart checked under the helm profile whose repository names another deployer."""
    from .analysis.deployer_detect import suggest

    if not chart.profile.is_helm:
        return None
    found = suggest(Path(chart.root), chart.name)
    return found.message(str(found.path)) if found is not None else None


def _report_render_errors(errors: dict) -> None:
    for root, message in errors.items():
        lines = [ln for ln in message.splitlines() if ln.strip()] or ["(no message)"]
        print(f"hook-lsp: {root}: Helm could not render the chart: {lines[0].strip()}", file=sys.stderr)
        for ln in lines[1:6]:
            print(f"    {ln.strip()}", file=sys.stderr)


class _Progress:
    """``checked 120/800`` on stderr, only for large trees and only when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.n = 0
        self.on = total >= 200 and sys.stderr.isatty()

    def tick(self) -> None:
        self.n += 1
        if self.on and (self.n % 25 == 0 or self.n == self.total):
            sys.stderr.write(f"\rhook-lsp: checked {self.n}/{self.total} files")
            sys.stderr.flush()

    def done(self) -> None:
        if self.on:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _timeline(args) -> int:
    from .analysis.chart import Chart, find_chart_root
    from .analysis.config import AnalysisConfig
    from .analysis.timeline import timeline
    from .reporting import timeline_format

    _batch_heap()
    target = Path(args.chart).resolve()
    if not target.exists():
        raise UsageError(f"{args.chart}: no such file or folder")
    root = target if (target / "Chart.yaml").is_file() else find_chart_root(target / "templates" / "x.yaml")
    if root is None:
        raise UsageError(f"{args.chart}: no Chart.yaml here or above")
    project, render_errors = _project(args, AnalysisConfig(helm_version=args.helm_version or "4"))
    chart = project.chart_for(root / "templates" / "_.yaml")
    if chart is None:  # pragma: no cover - a chart root always owns its templates folder
        chart = Chart.load(root)
    if render_errors:
        _report_render_errors(render_errors)
        return 2
    t = timeline(chart, args.operation)
    problems = project.values_problems(chart)
    for path, problem in problems:
        print(f"hook-lsp: {path}: {problem}", file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(timeline_format.as_json(t))
    elif args.format == "mermaid":
        sys.stdout.write(timeline_format.mermaid(t))
    else:
        sys.stdout.write(timeline_format.text(t, colour=sys.stdout.isatty() and not os.environ.get("NO_COLOR")))
    # Hooks whose annotations come from unread values are missing or unknown: not a clean result.
    return 2 if problems else 0


def _probe_parts() -> None:
    """Probe the optional parts now (imports and ``shellcheck --version``, about 0.1 s), for
    `_warn_missing_parts` to report later: `check` runs it while its workers work."""
    from .analysis.parts import parts

    parts()


def _warn_missing_parts(config) -> bool:
    """Warn on stderr about each part that cannot run and costs enabled rules; True if any."""
    from .analysis.parts import missing, warning
    from .analysis.rules.registry import REGISTRY

    enabled = {code for code, r in REGISTRY.items() if config.level_for(code, r.name, r.severity) != "off"}
    lost = [p for p in missing(config.shellcheck) if enabled & set(p.rules)]
    for part in lost:
        print(f"hook-lsp: warning: {warning(part)}", file=sys.stderr)
    return bool(lost)


def _doctor(args) -> int:
    """Exit 0 when every rule can run here, 1 when a part is missing."""
    from .analysis.parts import missing, parts
    from .reporting import doctor

    sys.stdout.write(doctor.as_json(parts()) if args.format == "json" else doctor.text(parts()))
    return 1 if missing() else 0


def _rules(args) -> int:
    from .reporting import rule_docs

    sys.stdout.write(rule_docs.markdown() if args.format == "markdown" else rule_docs.text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
