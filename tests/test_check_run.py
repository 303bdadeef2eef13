"""`hook-lsp check` over worker processes reports exactly what one process reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hook_lsp import check_run
from tests.outside_data import CORPUS, needs_corpus

REPO = Path(__file__).resolve().parents[1]

HOOK = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
    "helm.sh/hook-weight": "{weight}"
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: x
          image: busybox
          command: ["sh", "-c", "echo {name}"]
"""


def _charts(root: Path, n: int) -> Path:
    """``n`` small charts with hooks (findings in each), one with a values file Helm refuses."""
    for i in range(n):
        chart = root / f"chart{i:02}"
        (chart / "templates").mkdir(parents=True)
        (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: chart{i:02}\nversion: 1.0.{i}\n")
        (chart / "values.yaml").write_text("a: [\n" if i == 3 else f"n: {i}\n")
        for j in range(3):
            (chart / "templates" / f"job{j}.yaml").write_text(HOOK.format(name=f"job-{i}-{j}", weight=j - i))
    return root


def _check(*args: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(REPO), "HOOK_LSP_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "hook_lsp", "check", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.skipif(sys.platform != "linux", reason="worker processes are forked on Linux only")
def test_workers_report_what_one_process_reports(tmp_path):
    root = _charts(tmp_path / "repo", 6)
    cache = tmp_path / "cache"
    one = _check(".", "--jobs", "1", "--no-cache", cwd=root, cache=cache)
    assert one.returncode == 2 and "chart03/values.yaml: not valid YAML" in one.stderr
    assert one.stdout.count("HK") >= 6  # findings in every chart, so the comparison means something
    for extra in (["--no-cache"], [], []):  # without cache, filling it, replaying it
        many = _check(".", "--jobs", "3", *extra, cwd=root, cache=cache)
        assert (many.returncode, many.stdout, many.stderr) == (one.returncode, one.stdout, one.stderr)
    sarif = [_check(".", "--jobs", j, "--format", "sarif", "--no-cache", cwd=root, cache=cache).stdout for j in "14"]
    assert sarif[0] == sarif[1]


@needs_corpus
@pytest.mark.skipif(sys.platform != "linux", reason="worker processes are forked on Linux only")
def test_corpus_report_is_the_same_with_workers(tmp_path):
    runs = [_check(".", "--format", "json", "--no-cache", "--jobs", j, cwd=CORPUS, cache=tmp_path) for j in "12"]
    assert runs[0].stdout and (runs[0].returncode, runs[0].stdout, runs[0].stderr) == (
        runs[1].returncode, runs[1].stdout, runs[1].stderr
    )


def test_a_chart_is_never_split_across_workers(tmp_path):
    root = _charts(tmp_path, 5)
    files = sorted(root.rglob("*.yaml"))
    files = [f for f in files if f.parent.name == "templates"]
    shares = check_run.split(files, 3)
    assert sorted(i for share in shares for i, _ in share) == list(range(len(files)))
    owner = {}
    for n, share in enumerate(shares):
        assert share == sorted(share)  # the run's order within a share
        for _i, f in share:
            assert owner.setdefault(f.parents[1], n) == n


def test_small_runs_and_explicit_counts(tmp_path):
    few = [tmp_path / f"f{i}.yaml" for i in range(3)]
    assert check_run.jobs_for(None, few) == 1
    assert check_run.jobs_for(3, few) == 3
    many = [tmp_path / f"f{i}.yaml" for i in range(check_run.MIN_PARALLEL_FILES)]
    assert 1 <= check_run.jobs_for(None, many) <= check_run.MAX_AUTO_JOBS


def test_jobs_must_be_a_positive_number(tmp_path):
    bad = _check(".", "--jobs", "0", cwd=tmp_path, cache=tmp_path)
    assert bad.returncode == 2 and "--jobs" in bad.stderr


def test_listing_knows_each_files_real_path(tmp_path):
    """`collect` resolves one folder per walk, not every file: it lists what resolving each file
    would list, and the real paths it records are `Path.resolve`'s."""
    import os

    from hook_lsp.cli import collect

    real_root = _charts(tmp_path / "repo", 2)
    (real_root / "chart00" / "templates" / "notes.md").write_text("# not a template\n")
    (real_root / "docs").mkdir()
    (real_root / "docs" / "job.yaml").write_text(HOOK.format(name="docs", weight=0))  # not in templates/
    # A link outside templates/ to a template, and a template-named link to a non-template.
    os.symlink(real_root / "chart00" / "templates" / "job0.yaml", real_root / "docs" / "linked.yaml")
    os.symlink(real_root / "chart00" / "templates" / "notes.md", real_root / "chart01" / "templates" / "notes.yaml")
    given = tmp_path / "through-a-link"
    os.symlink(real_root, given)
    check_run._REAL.clear()
    files = collect([str(given)])
    expected = []
    for dirpath, dirnames, filenames in os.walk(given):
        dirnames.sort()
        for fn in sorted(filenames):
            f = Path(dirpath) / fn
            real = f.resolve()
            if real.suffix == ".yaml" and "templates" in real.parts:
                expected.append(f)
    assert files == expected and len(files) >= 3
    assert any(f.parent.name == "docs" for f in files)  # the link into templates/ counts
    assert not any(f.name == "notes.yaml" for f in files)
    for f in files:
        assert check_run.resolved(f) == f.resolve()


def test_loose_files_of_one_folder_are_separate_scopes(tmp_path):
    """Outside any chart each file is its own scope, even when a folder holds several."""
    files = []
    for i in range(4):
        f = tmp_path / "templates" / f"loose{i}.yaml"
        f.parent.mkdir(exist_ok=True)
        f.write_text(HOOK.format(name=f"loose{i}", weight=i))
        files.append(f)
    shares = check_run.split(files, 2)
    assert len(shares) == 2 and sorted(i for share in shares for i, _ in share) == [0, 1, 2, 3]


SCRIPT_HOOK = HOOK.replace('command: ["sh", "-c", "echo {name}"]', 'command: ["sh", "-c", "rm -rf $DIR/{name} && echo $X"]')


def test_a_chart_s_scripts_go_to_shellcheck_together(tmp_path, monkeypatch, capsys):
    """One ShellCheck run per chart (and dialect), not one per script: the findings are the same."""
    from hook_lsp import cli
    from hook_lsp.analysis.scripts import shellcheck as sc

    if sc.binary() is None:
        pytest.skip("ShellCheck binary not installed")
    root = tmp_path / "repo"
    for c in range(2):
        chart = root / f"chart{c}"
        (chart / "templates").mkdir(parents=True)
        (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: chart{c}\nversion: 1.0.0\n")
        for j in range(3):
            (chart / "templates" / f"job{j}.yaml").write_text(SCRIPT_HOOK.format(name=f"job-{c}-{j}", weight=j))
    monkeypatch.chdir(root)
    monkeypatch.setenv("HOOK_LSP_CACHE_DIR", str(tmp_path / "cache"))
    real = sc.subprocess.run
    launches: list[list[str]] = []

    def counted(cmd, *args, **kwargs):
        if "--version" not in cmd:  # the probe of the optional parts
            launches.append(cmd[-1])
        return real(cmd, *args, **kwargs)

    def run(*extra) -> str:
        sc._run.cache_clear()
        sc._PREFETCHED.clear()
        launches.clear()
        cli.main(["check", ".", "--jobs", "1", "--no-cache", "--format", "json", *extra])
        return capsys.readouterr().out

    monkeypatch.setattr(sc.subprocess, "run", counted)
    batched = run()
    assert len(launches) == 2 and batched.count("SC2086") == 12  # $DIR and $X in each of the 6
    monkeypatch.setattr(sc, "prefetch", lambda requests: None)
    one_by_one = run()
    assert len(launches) == 6 and one_by_one == batched
