"""Runs one rule over its fixture chart and renders the golden snapshot text.

A fixture is the chart ``fixtures/HKnnn/``; every template in it is checked with only rule
``HKnnn`` enabled (and ``strict`` on, so a rule that raises fails the test). The snapshot lists,
per violation, ``path:line:col: severity CODE message`` (1-based, code points, path relative to
the fixture chart), the source line with a caret underline, related locations, and for each fix
its title and the changed lines (``-old`` / ``+new``) of the fixed text.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from hook_lsp.analysis.chart import is_template_file
from hook_lsp.analysis.config import AnalysisConfig
from hook_lsp.analysis.project import Project
from hook_lsp.analysis.rules.registry import REGISTRY, Edit, Fix, Violation
from hook_lsp.analysis.source import LineIndex

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
SNAPSHOTS = HERE / "snapshots"
UPDATE_HINT = "run `python -m pytest tests/rules --update-goldens` and review the diff"


@dataclass
class FileRun:
    """The violations of one template of a fixture chart."""

    rel: str
    path: str
    text: str
    violations: list[Violation]

    @property
    def kind(self) -> str:
        """``fire``, ``ok`` or ``context``, from the file name."""
        name = Path(self.rel).name
        if name.startswith("fire-"):
            return "fire"
        if name.startswith("ok-"):
            return "ok"
        return "context"


def only(code: str) -> AnalysisConfig:
    """A config with every rule but ``code`` turned off; rule exceptions propagate."""
    return AnalysisConfig(rules={c: "off" for c in REGISTRY if c != code}, strict=True)


def template_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and is_template_file(p.resolve()))


def run_fixture(code: str, root: Path | None = None) -> tuple[Project, list[FileRun]]:
    root = (root or FIXTURES / code).resolve()
    project = Project(only(code))
    runs = []
    for path in template_files(root):
        result = project.check(str(path))
        runs.append(FileRun(path.relative_to(root).as_posix(), str(path), result.analysis.text, result.violations))
    return project, runs


def apply_edits(text: str, edits: tuple[Edit, ...] | list[Edit]) -> str:
    """Apply non-overlapping edits (raises ValueError when two edits overlap)."""
    ordered = sorted(edits, key=lambda e: (e.span.start, e.span.end))
    for a, b in zip(ordered, ordered[1:]):
        if b.span.start < a.span.end:
            raise ValueError(f"overlapping edits {a.span} and {b.span}")
    for e in reversed(ordered):
        text = text[: e.span.start] + e.new_text + text[e.span.end :]
    return text


def changed_lines(old: str, new: str) -> list[str]:
    """``-line`` / ``+line`` for every changed block, unified-diff style without context."""
    a, b = old.splitlines(), new.splitlines()
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        out += [f"-{line}" for line in a[i1:i2]]
        out += [f"+{line}" for line in b[j1:j2]]
    return out


def _underline(index: LineIndex, start: int, end: int) -> list[str]:
    line, col = index.position(start)
    text = index.line_text(line)
    end_line, end_col = index.position(end)
    stop = end_col if end_line == line else len(text)
    width = max(stop - col, 1)
    # Keep tabs so the carets line up under the source in any viewer.
    pad = "".join(ch if ch == "\t" else " " for ch in text[:col])
    more = f" (+{end_line - line} lines)" if end_line > line else ""
    return [f"    {text}", f"    {pad}{'^' * width}{more}"]


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


def render_violation(v: Violation, run: FileRun, root: Path, texts: dict[str, str]) -> list[str]:
    index = LineIndex(run.text)
    line, col = index.position(v.span.start)
    out = [f"{run.rel}:{line + 1}:{col + 1}: {v.severity} {v.code} {v.message}"]
    out += _underline(index, v.span.start, v.span.end)
    for rel in v.related:
        rtext = texts.get(str(Path(rel.path).resolve()))
        where = _relative(rel.path, root)
        if rtext is not None:
            rl, rc = LineIndex(rtext).position(rel.span.start)
            where += f":{rl + 1}:{rc + 1}"
        out.append(f"    related: {where}: {rel.message}")
    for fix in v.fixes:
        out.append(f"    fix{'' if fix.safe else ' (unsafe)'}: {fix.title}")
        out += [f"    {line}" for line in changed_lines(run.text, apply_edits(run.text, fix.edits))]
    return out


def render(code: str, runs: list[FileRun], root: Path | None = None) -> str:
    root = root or FIXTURES / code
    texts = {str(Path(r.path).resolve()): r.text for r in runs}
    out: list[str] = []
    for run in runs:
        for v in run.violations:
            out += render_violation(v, run, root, texts)
            out.append("")
    if not out:
        return "(no violations)\n"
    return "\n".join(out)


def snapshot_path(code: str) -> Path:
    return SNAPSHOTS / f"{code}.txt"


def fix_result(text: str, fix: Fix) -> str:
    return apply_edits(text, fix.edits)
