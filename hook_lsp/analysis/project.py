"""A project: the charts a session (editor or `check` run) has touched, and their results.

Maps a file to its chart (found by `Chart.yaml`), keeps each chart's model current as buffers
change, reads the project file that configures a chart, and returns each file's violations.
Files outside any chart are analysed on their own (no chart-wide rules). Used by both the CLI
and the language server, so both report the same thing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from .chart import MAX_TEMPLATE_BYTES, Chart, find_chart_root, is_template_file, read_text
from .config import AnalysisConfig, ConfigError, config_for
from .engine import check_template
from .failures import describe
from .hook_model import TemplateAnalysis, analyse_template
from .rules.registry import Violation

log = logging.getLogger(__name__)


@dataclass
class FileResult:
    path: str
    analysis: TemplateAnalysis
    violations: list[Violation]
    chart: Chart | None = None
    #: A note for files that were not analysed (binary, too large).
    skipped: str | None = None
    #: False when slow, optional checks (ShellCheck) were left out of this result.
    complete: bool = True
    #: Why reading or analysing the file failed (an I/O error, memory, an internal error): the
    #: violations may be incomplete and must never be taken for "no problems".
    error: str | None = None
    #: True while the file's chart is still being indexed: chart-wide rules were left out
    #: (`chart` is None meanwhile) and come with the next result.
    partial: bool = False


@dataclass
class Project:
    base_config: AnalysisConfig = field(default_factory=AnalysisConfig)
    charts: dict[Path, Chart] = field(default_factory=dict)
    #: Text of files whose content comes from an editor rather than disk.
    buffers: dict[str, str] = field(default_factory=dict)
    #: Problems with project files, reported once each.
    config_errors: list[str] = field(default_factory=list)
    _configs: dict[Path, AnalysisConfig] = field(default_factory=dict)
    #: User values files (relative to each chart root) merged over values.yaml when resolving.
    values_files: list[str] = field(default_factory=list)
    #: Settings that win over project files (the command line's ``--deployer``).
    overrides: dict = field(default_factory=dict)
    #: Release name and namespace names are resolved for ("" for Helm's template defaults).
    release_name: str = ""
    namespace: str = ""
    #: Builds the resolver of a chart root (render mode); None: the static `Resolver`.
    resolver_for: Callable[[Path], object] | None = None
    #: Editor render mode (`set_helm_render`): gives a chart root its Helm render.
    _live_factory: Callable[[Path], object] | None = None
    #: When set, a chart seen for the first time is not read at once: `chart_for` returns it with
    #: the open buffers only and calls this with it; the caller indexes it (`Chart.index_more`).
    on_new_chart: Callable[[Chart], None] | None = None
    #: Given to each chart's resolver (`Resolver.rescan_when_idle`): a language server scans the
    #: helper files on disk again when typing pauses, not on a keystroke.
    rescan_when_idle: bool = False
    #: The root of the chart last found for a folder's files (`chart_for`).
    _root_of_folder: dict[Path, Path] = field(default_factory=dict)
    #: `values_problems` per chart root: (chart, when, result).
    _values_seen: dict[Path, tuple[Chart, float, list]] = field(default_factory=dict)

    def set_base_config(self, config: AnalysisConfig) -> None:
        self.base_config = config
        self._configs.clear()
        for chart in self.charts.values():
            chart.profile = self.config_for(chart.root).profile
            chart._order_cache = None

    def config_for(self, where: Path) -> AnalysisConfig:
        key = where if where.is_dir() else where.parent
        cached = self._configs.get(key)
        if cached is None:
            try:
                cached = config_for(key, self.base_config)
                if self.overrides:
                    cached = cached.merged(self.overrides)
            except ConfigError as exc:
                if str(exc) not in self.config_errors:
                    self.config_errors.append(str(exc))
                cached = self.base_config
            self._configs[key] = cached
        return cached

    def chart_for(self, path: Path) -> Chart | None:
        """The (cached) chart that renders ``path``; None for a file outside any chart."""
        # The chart last found for the file's folder first: `check` asks for every file of a
        # run, and testing each file against every chart of the run grew with their product.
        chart = self.charts.get(self._root_of_folder.get(path.parent))
        if chart is not None and chart.owns(path):
            return chart
        for root, chart in self.charts.items():
            if chart.owns(path):
                self._root_of_folder[path.parent] = root
                return chart
        if not is_template_file(path):
            return None
        root = find_chart_root(path)
        if root is None:
            return None
        config = self.config_for(root)
        from .resolve import Resolver

        chart = Chart.begin(
            root,
            self._buffers_under(root),
            profile=config.profile,
            enrich=self.resolver_for(root)
            if self.resolver_for is not None
            else Resolver(self.values_files, release_name=self.release_name or None, namespace=self.namespace or None),
        )
        if self._live_factory is not None and isinstance(chart.enrich, Resolver):
            chart.enrich.live = self._live_factory(root)
        if isinstance(chart.enrich, Resolver):
            chart.enrich.rescan_when_idle = self.rescan_when_idle
        self.charts[root] = chart
        self._root_of_folder[path.parent] = root
        if self.on_new_chart is None:
            chart.index_more()
        else:
            self.on_new_chart(chart)
        return chart

    def _buffers_under(self, root: Path) -> dict[str, str]:
        out = {}
        for key, text in self.buffers.items():
            try:
                Path(key).relative_to(root)
            except ValueError:
                continue
            out[key] = text
        return out

    def set_values_files(self, values_files: list[str]) -> None:
        """Change the user values files; charts are re-read on next use."""
        if list(values_files) != self.values_files:
            self.values_files = list(values_files)
            self.charts.clear()

    def set_helm_render(self, on: bool) -> None:
        """Editor render mode: each chart's resolver also follows Helm's render of the chart on
        disk. Without the engine, a message says how to install it and the static view stays."""
        if on == (self._live_factory is not None):
            return
        self._live_factory = None
        if on:
            try:
                from ..render.live import live_factory

                self._live_factory = live_factory(self)
            except ImportError as exc:  # the engine is missing
                if str(exc) not in self.config_errors:
                    self.config_errors.append(str(exc))
        self.charts.clear()

    def set_release(self, release_name: str, namespace: str) -> None:
        """Change the release that names are resolved for; charts are re-read on next use."""
        if (release_name, namespace) != (self.release_name, self.namespace):
            self.release_name, self.namespace = release_name, namespace
            self.charts.clear()

    # -- editor buffers --------------------------------------------------------------------

    def open(self, path: str, text: str) -> None:
        self.buffers[path] = text
        chart = self.chart_for(Path(path))
        if chart is not None:
            if not _analysable(text):
                chart.remove(path)  # too large or binary: `check` says so, nothing is parsed
            else:
                current = chart.templates.get(path)
                if current is None or current.text != text:
                    chart.update(path, text)

    def close(self, path: str) -> None:
        self.buffers.pop(path, None)
        chart = self.chart_for(Path(path))
        if chart is not None:
            chart.reload_from_disk(path)

    def file_changed_on_disk(self, path: str, deleted: bool = False) -> None:
        """A watched-file event: refresh the chart unless an editor buffer owns the file."""
        p = Path(path)
        self._values_seen.clear()  # a values file may have changed
        if p.name in ("Chart.yaml",) or p.suffix == ".toml":
            self.charts.pop(p.parent, None)
            self._configs.clear()
            return
        if path in self.buffers:
            return
        for chart in self.charts.values():
            if chart.owns(p):
                if deleted:
                    chart.remove(path)
                else:
                    chart.reload_from_disk(path)

    # -- results ---------------------------------------------------------------------------

    def check(self, path: str, text: str | None = None, quick: bool = False) -> FileResult:
        """Analyse one file (from ``text``, the buffer, or disk) and run the rules on it.

        ``quick`` leaves out the checks that run an external program (ShellCheck), so an editor
        can publish at once after a keystroke and complete the result when typing pauses.
        Never raises: a failure is described in the result's ``error``.
        """
        try:
            return self._check(path, text, quick)
        except Exception as exc:  # MemoryError, RecursionError, a bug: say so, never "no problems"
            log.exception("analysis of %s failed", path)
            return FileResult(path, analyse_template("", path), [], None, None, True, describe(exc))

    def _check(self, path: str, text: str | None, quick: bool) -> FileResult:
        p = Path(path)
        if text is None:
            text = self.buffers.get(path)
        skipped = error = None
        if text is None:
            text = read_text(p)
            if text is None:
                skipped = _why_unreadable(p)
                if skipped.startswith("cannot read"):
                    error = skipped
                text = ""
        elif len(text) > MAX_TEMPLATE_BYTES:
            skipped, text = f"file larger than {MAX_TEMPLATE_BYTES // (1024 * 1024)} MiB: not analysed", ""
        elif "\0" in text:
            skipped, text = "binary file: not analysed", ""
        chart = self.chart_for(p)
        if chart is not None and not skipped:
            current = chart.templates.get(path)
            analysis = current if current is not None and current.text == text else chart.update(path, text)
        else:
            analysis = analyse_template(text, path)
        config = self.config_for(chart.root if chart is not None else p)
        complete = not (quick and config.shellcheck)
        if not complete:
            config = replace(config, shellcheck=False)
        partial = chart is not None and not chart.indexed
        if partial:
            chart = None  # chart-wide rules wait for the whole chart
        failures = list(analysis.failures)
        violations = [] if skipped else check_template(analysis, config, chart, failures)
        if failures and error is None:
            error = "analysis incomplete: " + "; ".join(dict.fromkeys(failures))
        return FileResult(path, analysis, violations, chart, skipped, complete, error, partial)

    #: Seconds a chart's `values_problems` are reused without looking at the files again (every
    #: keystroke publishes them, and an umbrella has hundreds of values files). A watched-file
    #: event, a new chart model or new values settings look again at once.
    VALUES_RESCAN_SECONDS = 5.0

    def values_problems(self, chart: Chart) -> list[tuple[str, str]]:
        """(path, why) for each values file of ``chart`` that was not read (too large, or
        refused for its aliases as Helm refuses it): the values it holds are unknown."""
        seen = self._values_seen.get(chart.root)
        now = time.monotonic()
        if seen is not None and seen[0] is chart and now - seen[1] < self.VALUES_RESCAN_SECONDS:
            return list(seen[2])
        out = self._values_problems(chart)
        self._values_seen[chart.root] = (chart, now, out)
        return list(out)

    def _values_problems(self, chart: Chart) -> list[tuple[str, str]]:
        from .resolve.values import yaml_file_problem

        files = [d / "values.yaml" for d in chart.chart_dirs()]
        files += [Path(v) if Path(v).is_absolute() else chart.root / v for v in self.values_files]
        out = []
        for f in files:
            problem = yaml_file_problem(f)
            if problem:
                out.append((str(f), problem))
        return out

    def chart_files(self, chart: Chart) -> list[str]:
        return list(chart.templates)


def _analysable(text: str) -> bool:
    """Editor text the analysis reads: not over the size limit, and not binary."""
    return len(text) <= MAX_TEMPLATE_BYTES and "\0" not in text


def _why_unreadable(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    if size > MAX_TEMPLATE_BYTES:
        return f"file larger than {MAX_TEMPLATE_BYTES // (1024 * 1024)} MiB: not analysed"
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    return "binary file: not analysed"
