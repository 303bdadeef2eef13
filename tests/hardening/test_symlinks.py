"""Symbolic links in and around a chart: cycles, links out of the chart, link loops.

Cycles are only walked in capped subprocesses (`run_cli`): a regression must fail, not hang.
"""

from __future__ import annotations

import json
import os

import pytest

from hook_lsp.analysis.chart import Chart

from .conftest import job, run_cli, write_chart

pytestmark = pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")


def test_subchart_links_back_to_the_chart_do_not_loop(tmp_path):
    root = write_chart(tmp_path / "app", {"job.yaml": job()})
    (root / "charts").mkdir()
    os.symlink("..", root / "charts" / "a")
    os.symlink("..", root / "charts" / "b")
    # In subprocesses with a memory cap: before the fix this walk never ended.
    proc = run_cli("check", str(root))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run_cli("timeline", str(root), "--format", "json", "--operation", "install")
    assert proc.returncode == 0, proc.stderr
    hooks = [h["name"] for step in json.loads(proc.stdout)["steps"] for h in step.get("hooks", [])]
    assert hooks == ["migrate"]  # once, not once per path through the links


def test_subchart_cycle_between_two_subcharts(tmp_path):
    root = write_chart(tmp_path / "app", {"job.yaml": job()})
    sub_a = write_chart(root / "charts" / "a", {"a.yaml": job(name="a")}, name="a")
    sub_b = write_chart(root / "charts" / "b", {"b.yaml": job(name="b")}, name="b")
    (sub_a / "charts").mkdir()
    (sub_b / "charts").mkdir()
    os.symlink(os.path.relpath(sub_b, sub_a / "charts"), sub_a / "charts" / "b")
    os.symlink(os.path.relpath(sub_a, sub_b / "charts"), sub_b / "charts" / "a")
    proc = run_cli("timeline", str(root), "--format", "json", "--operation", "install")
    assert proc.returncode == 0, proc.stderr
    hooks = [h["name"] for step in json.loads(proc.stdout)["steps"] for h in step.get("hooks", [])]
    assert sorted(hooks) == ["a", "b", "migrate"]


def test_links_out_of_the_chart_are_not_followed(tmp_path):
    outside = write_chart(tmp_path / "elsewhere", {"secret.yaml": job(name="outside")}, name="elsewhere")
    (tmp_path / "private.yaml").write_text(job(name="private"))
    root = write_chart(tmp_path / "app", {"job.yaml": job()})
    (root / "charts").mkdir()
    os.symlink(outside, root / "charts" / "elsewhere")
    os.symlink(tmp_path / "private.yaml", root / "templates" / "linked.yaml")
    os.symlink("job.yaml", root / "templates" / "inside.yaml")  # stays in the chart: followed
    chart = Chart.load(root)
    names = sorted(r.name for t in chart.templates.values() for r in t.resources)
    assert names == ["migrate", "migrate"]


def test_template_link_loop_is_an_io_error(tmp_path):
    root = write_chart(tmp_path / "app", {"ok.yaml": job()})
    os.symlink("b.yaml", root / "templates" / "a.yaml")
    os.symlink("a.yaml", root / "templates" / "b.yaml")
    proc = run_cli("check", str(root))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "symbolic link loop" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_cli("check", str(root / "templates" / "a.yaml"))
    assert proc.returncode == 2 and "symbolic link loop" in proc.stderr
    assert Chart.load(root).templates  # the chart model skips the loop and keeps the rest


def test_template_folders_are_walked_in_order_without_linked_folders(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "far.yaml").write_text(job(name="far"))
    root = write_chart(tmp_path / "app", {"b.yaml": job(name="b"), "a.yaml": job(name="a")})
    (root / "templates" / "z").mkdir()
    (root / "templates" / "z" / "c.yaml").write_text(job(name="c"))
    (root / "templates" / "m").mkdir()
    (root / "templates" / "m" / "d.yaml").write_text(job(name="d"))
    os.symlink(root / "templates" / "m", root / "templates" / "n")  # a linked folder: not walked
    os.symlink(outside, root / "templates" / "out")
    # A subchart whose `templates` is a link: followed inside the chart, not out of it.
    inner = write_chart(root / "charts" / "in", {}, name="in")
    os.rmdir(inner / "templates")
    os.symlink(root / "templates" / "z", inner / "templates")
    away = write_chart(root / "charts" / "away", {}, name="away")
    os.rmdir(away / "templates")
    os.symlink(outside, away / "templates")
    files = [p.relative_to(root).as_posix() for p in Chart.begin(root, {}).template_files()]
    assert files == [
        "templates/a.yaml", "templates/b.yaml", "templates/m/d.yaml", "templates/z/c.yaml",
        "charts/in/templates/c.yaml",
    ]
