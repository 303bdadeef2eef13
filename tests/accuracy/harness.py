"""Precision and recall of `hook-lsp check` on charts it was not tuned on.

Three inputs, all described in ``tests/accuracy/README.md``:

- the real-world corpus (``../shared/corpus``) and public chart repositories pinned in
  ``repos.tsv`` (repo, commit, chart path), materialized on demand with ``materialize``;
- ``verdicts.tsv``: every warning and error `hook-lsp check` reports on them, triaged by hand
  once (``true``/``false`` and a one-line reason);
- ``traps/``: a chart of hand-made classic hook mistakes, one per template, each naming in its
  first line the rule that must catch it (``# expect: HK101 misspelled-event``).

Usage (from the project root)::

    python3 -m tests.accuracy.harness materialize --git-dir-template '/mirrors/{owner}+{name}.git' --into DIR
    python3 -m tests.accuracy.harness untriaged [--repos DIR]   # rows to triage, verdict left blank
    python3 -m tests.accuracy.harness report                    # rewrite the block in docs/accuracy.md

The report is computed from ``verdicts.tsv`` and the traps alone, so it is the same on every
machine; the tests check that the verdict table matches what the checker reports now.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tarfile
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
CORPUS = (PROJECT.parent / "shared" / "corpus").resolve()
REPOS_MANIFEST = HERE / "repos.tsv"
VERDICTS = HERE / "verdicts.tsv"
#: False alarms found by the triage and fixed in the rules (each with its reproduction fixture).
FIXED = HERE / "fixed.tsv"
TRAPS = HERE / "traps"
DOC = PROJECT / "docs" / "accuracy.md"
BEGIN, END = "<!-- precision:begin -->", "<!-- precision:end -->"
#: Where materialized repositories are looked for (each as ``<owner>__<name>/``).
REPOS_ENV = "HOOK_LSP_ACCURACY_REPOS"
#: Severities that are triaged (information and hints are advice, not alarms).
TRIAGED = ("error", "warning")
#: Targets: overall warning-level precision, the floor for every rule, and trap recall.
PRECISION_TARGET, RULE_FLOOR, RECALL_TARGET = 0.98, 0.90, 0.95
VERDICT_FIELDS = ("source", "file", "line", "column", "severity", "code", "verdict", "reason")


@dataclass(frozen=True)
class Finding:
    source: str  # "corpus" or "repos"
    file: str
    line: int
    column: int
    severity: str
    code: str
    message: str = ""

    @property
    def key(self) -> tuple:
        return (self.source, self.file, self.line, self.column, self.code)


def _check(root: Path, targets: list[str]) -> list[dict]:
    """One in-process `hook-lsp check --format json` in ``root`` (paths relative to it)."""
    sys.path.insert(0, str(PROJECT))
    from hook_lsp import cli

    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(root)
        with redirect_stdout(out), redirect_stderr(err):
            cli.main(["check", *targets, "--format", "json", "--fail-on", "never"])
    finally:
        os.chdir(cwd)
    return json.loads(out.getvalue() or "[]")


def run(source: str, root: Path, targets: list[str]) -> list[Finding]:
    """Warnings and errors of `hook-lsp check` over ``targets`` in ``root``."""
    return [
        Finding(source, d["file"], d["line"], d["column"], d["severity"], d["code"], d["message"])
        for d in _check(root, targets)
        if d["severity"] in TRIAGED
    ]


def corpus_findings() -> list[Finding] | None:
    if not CORPUS.is_dir():
        return None
    return run("corpus", CORPUS, ["."])


@dataclass(frozen=True)
class Chart:
    repo: str
    commit: str
    path: str

    @property
    def folder(self) -> str:
        return self.repo.replace("/", "__")


def manifest() -> list[Chart]:
    with REPOS_MANIFEST.open(encoding="utf-8") as fh:
        return [Chart(r["repo"], r["commit"], r["path"]) for r in csv.DictReader(fh, delimiter="\t")]


def repos_root() -> Path | None:
    value = os.environ.get(REPOS_ENV)
    return Path(value).resolve() if value and Path(value).is_dir() else None


def missing_repos(root: Path) -> list[str]:
    return sorted({c.repo for c in manifest() if not (root / c.folder / c.path / "Chart.yaml").is_file()})


def repos_findings(root: Path) -> list[Finding]:
    targets = sorted({c.folder for c in manifest()})
    return run("repos", root, targets)


def read_verdicts() -> list[dict]:
    with VERDICTS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for r in rows:
        r["line"], r["column"] = int(r["line"]), int(r["column"])
    return rows


def verdict_key(row: dict) -> tuple:
    return (row["source"], row["file"], row["line"], row["column"], row["code"])


# -- traps --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trap:
    file: str
    code: str
    lesson: str
    caught: bool
    severity: str


@lru_cache(maxsize=1)
def traps() -> tuple[Trap, ...]:
    """Each trap template with the rule it names, and whether that rule reports it (warning+)."""
    chart = TRAPS / "chart"
    found: dict[tuple[str, str], str] = {}
    for d in _check(chart, ["."]):
        key = (Path(d["file"]).name, d["code"])
        rank = ("error", "warning", "information", "hint")
        if key not in found or rank.index(d["severity"]) < rank.index(found[key]):
            found[key] = d["severity"]
    out = []
    for path in sorted((chart / "templates").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        if not first.startswith("# expect:"):
            continue
        code, lesson = first.split(":", 1)[1].split()[:2]
        severity = found.get((path.name, code), "")
        out.append(Trap(path.name, code, lesson, severity in TRIAGED, severity))
    return tuple(out)


# -- report ---------------------------------------------------------------------------------------


def precision_table(rows: list[dict]) -> dict[str, tuple[int, int]]:
    """Per rule: (true, total) over the triaged findings."""
    table: dict[str, list[int]] = {}
    for r in rows:
        t = table.setdefault(r["code"], [0, 0])
        t[0] += r["verdict"] == "true"
        t[1] += 1
    return {code: (t[0], t[1]) for code, t in sorted(table.items())}


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} %" if b else "—"


def _fixed_count() -> int:
    with FIXED.open(encoding="utf-8") as fh:
        return sum(1 for _ in csv.DictReader(fh, delimiter="\t"))


def report_block() -> str:
    """The generated Markdown between the precision markers."""
    rows = read_verdicts()
    charts = manifest()
    table = precision_table(rows)
    true = sum(t for t, _ in table.values())
    total = sum(n for _, n in table.values())
    by_source = Counter(r["source"] for r in rows)
    lines = [
        BEGIN,
        "<!-- generated by `python3 -m tests.accuracy.harness report`; do not edit -->",
        "",
        f"Triaged findings: {total} warnings and errors — {by_source['corpus']} on the corpus of "
        f"real-world charts and {by_source['repos']} on {len({c.repo for c in charts})} further public "
        f"repositories ({len(charts)} charts with hooks, pinned in `tests/accuracy/repos.tsv`).",
        "",
        f"**Precision of warnings and errors: {_pct(true, total)}** (target ≥ {PRECISION_TARGET:.0%}; every "
        f"rule ≥ {RULE_FLOOR:.0%}). Before the false alarms listed below were fixed: "
        f"{_pct(true, total + _fixed_count())}.",
        "",
        "| rule | findings | true | false | precision |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for code, (t, n) in table.items():
        label = code or "file not read (no rule)"  # e.g. a values file Helm would refuse
        lines.append(f"| {label} | {n} | {t} | {n - t} | {_pct(t, n)} |")
    with FIXED.open(encoding="utf-8") as fh:
        fixed = list(csv.DictReader(fh, delimiter="\t"))
    per_rule = Counter(r["code"] for r in fixed)
    lines += [
        "",
        f"False alarms found by the first triage and fixed at their root since: {len(fixed)} "
        f"({', '.join(f'{code} × {n}' for code, n in sorted(per_rule.items()))}); each has a reproduction "
        "fixture (`tests/accuracy/fixed.tsv`). Every finding counted above is in `tests/accuracy/verdicts.tsv` "
        "with its verdict and reason; a rule change that adds, removes or moves a finding fails "
        "`tests/accuracy`.",
    ]
    caught = traps()
    hit = sum(t.caught for t in caught)
    lines += [
        "",
        f"**Recall on classic hook mistakes: {_pct(hit, len(caught))}** ({hit} of {len(caught)} hand-made traps "
        f"reported as a warning or error; target ≥ {RECALL_TARGET:.0%}).",
        "",
        "| mistake | traps | caught |",
        "| --- | ---: | ---: |",
    ]
    lessons: dict[str, list[Trap]] = {}
    for t in caught:
        lessons.setdefault(t.lesson, []).append(t)
    for lesson, ts in sorted(lessons.items()):
        lines.append(f"| {lesson} | {len(ts)} | {sum(t.caught for t in ts)} |")
    missed = [t for t in caught if not t.caught]
    if missed:
        lines += ["", "Missed: " + ", ".join(f"`{t.file}` ({t.code})" for t in missed) + "."]
    lines.append(END)
    return "\n".join(lines)


def write_report() -> None:
    block = report_block()
    text = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = (text or "# Accuracy\n\n<!-- exactness:begin -->\n<!-- exactness:end -->\n") + "\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


# -- materialize --------------------------------------------------------------------------------------


def materialize(git_dir_template: str, into: Path) -> None:
    """Extract each pinned chart from a local git directory of its repository (no network)."""
    by_repo: dict[tuple[str, str], list[str]] = {}
    for c in manifest():
        by_repo.setdefault((c.repo, c.commit), []).append(c.path)
    for (repo, commit), paths in by_repo.items():
        owner, name = repo.split("/", 1)
        git_dir = git_dir_template.format(owner=owner, name=name)
        dest = into / repo.replace("/", "__")
        dest.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", f"--git-dir={git_dir}", "archive", "--format=tar", commit, *paths],
            capture_output=True,
            check=False,
        )
        if archive.returncode != 0:
            print(f"{repo}: {archive.stderr.decode(errors='replace').strip()}", file=sys.stderr)
            continue
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(dest, filter="data")
            else:  # pragma: no cover - Python without extraction filters
                tar.extractall(dest)


def untriaged(repos: Path | None) -> list[Finding]:
    """Current findings that have no verdict yet."""
    known = {verdict_key(r) for r in read_verdicts()} if VERDICTS.is_file() else set()
    found = corpus_findings() or []
    if repos is not None:
        found += repos_findings(repos)
    return [f for f in found if f.key not in known]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.accuracy.harness")
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("materialize", help="extract the pinned charts from local git directories")
    m.add_argument("--git-dir-template", required=True, help="e.g. '/mirrors/{owner}/{name}.git'")
    m.add_argument("--into", required=True, type=Path)
    u = sub.add_parser("untriaged", help="print findings without a verdict, as verdict rows")
    u.add_argument("--repos", type=Path, default=repos_root())
    sub.add_parser("report", help=f"rewrite the precision block of {DOC.relative_to(PROJECT)}")
    args = parser.parse_args(argv)
    if args.command == "materialize":
        materialize(args.git_dir_template, args.into.resolve())
    elif args.command == "untriaged":
        writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
        for f in untriaged(args.repos.resolve() if args.repos else None):
            writer.writerow([f.source, f.file, f.line, f.column, f.severity, f.code, "", f.message])
    else:
        write_report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
