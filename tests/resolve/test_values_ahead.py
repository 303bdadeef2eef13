"""Values files read ahead by a helper process (`values_ahead`): the same data and problems as
reading them in-process, never a stale file, and indexing that gives the same values either way."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from hook_lsp.analysis.resolve import values, values_ahead
from hook_lsp.analysis.resolve.enrich import Resolver
from hook_lsp.analysis.resolve.shared import SharedDict

FILES = {
    "plain.yaml": "image:\n  tag: '1.2'\n  pullPolicy: IfNotPresent\nreplicas: 3\nflags: [yes, no, on, 0x1f, 1e3, .inf]\n",
    "tagged.yaml": "when: 2024-01-02\nraw: !!binary aGVsbG8=\nname: x\n",
    "broken.yaml": "a: [1, 2\nb: 3\n",
    "bomb.yaml": "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    ),
    "empty.yaml": "",
    "list.yaml": "- 1\n- 2\n",
}


def _wait_for(paths: list[Path], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with values_ahead._lock:
            if all(str(p) in values_ahead._received for p in paths):
                return
        time.sleep(0.02)
    raise AssertionError(f"the helper sent {sorted(values_ahead._received)} of {paths}")


@pytest.fixture(autouse=True)
def _clean():
    values_ahead.clear()
    yield
    values_ahead.clear()


def test_the_helper_reads_what_the_server_would(tmp_path):
    paths = []
    for name, text in FILES.items():
        p = tmp_path / name
        p.write_text(text)
        paths.append(p)
    proc = values_ahead.start(paths)
    assert proc is not None
    _wait_for(paths)
    for p in paths:
        st = p.stat()
        got = values_ahead.take(str(p), (st.st_mtime_ns, st.st_size))
        assert got is not None, p.name
        assert got == values.read_values_file(p, st.st_size), p.name
        data, problem = got
        if isinstance(data, dict) and p.name == "plain.yaml":
            assert type(data) is SharedDict  # shared read-only maps, as read in-process
    # Refused and broken files keep their reasons.
    assert "not valid YAML" in values.read_values_file(tmp_path / "broken.yaml", 1)[1]
    assert proc.wait(timeout=60) == 0


def test_a_file_changed_since_the_helper_read_it_is_read_again(tmp_path):
    p = tmp_path / "values.yaml"
    p.write_text("a: 1\n")
    values_ahead.start([p])
    _wait_for([p])
    p.write_text("a: 22\n")
    os.utime(p, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    st = p.stat()
    assert values_ahead.take(str(p), (st.st_mtime_ns, st.st_size)) is None
    values._FILE_CACHE.pop(str(p), None)
    assert values.load_yaml_file(p) == {"a": 22}


def test_only_umbrella_sized_values_are_read_ahead(tmp_path):
    small = [tmp_path / f"{i}.yaml" for i in range(values_ahead.MIN_FILES)]
    for p in small:
        p.write_text("a: 1\n")
    assert not values_ahead.worth_it(small)
    big = small[0]
    big.write_text("k: " + "x" * values_ahead.MIN_BYTES + "\n")
    assert values_ahead.worth_it(small)
    assert not values_ahead.worth_it(small[:1])


def _umbrella(root: Path, n: int) -> Path:
    root.mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: umbrella\nversion: 1.0.0\n")
    (root / "values.yaml").write_text("global:\n  region: eu\nsub-1:\n  replicas: 9\n")
    for i in range(n):
        d = root / "charts" / f"sub-{i}"
        (d / "templates").mkdir(parents=True)
        (d / "Chart.yaml").write_text(f"apiVersion: v2\nname: sub-{i}\nversion: 1.0.{i}\n")
        (d / "values.yaml").write_text(f"replicas: {i}\nimage: {{repository: r{i}, tag: 'v{i}'}}\nglobal: {{a: {i}}}\n")
        (d / "templates" / "job.yaml").write_text("kind: Job\nmetadata:\n  name: {{ .Values.image.repository }}\n")
    return root


def test_indexing_sees_the_same_values_with_and_without_the_helper(tmp_path, monkeypatch):
    root = _umbrella(tmp_path / "u", 6)
    from hook_lsp.analysis.chart import Chart

    chart = Chart.begin(root)
    dirs = chart.chart_dirs()
    values._FILE_CACHE.clear()
    plain = {d: Resolver().values_for(root, d) for d in dirs}
    values._FILE_CACHE.clear()
    monkeypatch.setattr(values_ahead, "MIN_BYTES", 1)
    resolver = Resolver()
    assert resolver.read_ahead(chart)
    _wait_for([d / "values.yaml" for d in dirs])
    taken = []
    real_take = values_ahead.take

    def spy(path, stamp):
        got = real_take(path, stamp)
        taken.append(got is not None)
        return got

    monkeypatch.setattr(values_ahead, "take", spy)
    ahead = {d: resolver.values_for(root, d) for d in dirs}
    assert ahead == plain
    assert taken and all(taken)  # every file came from the helper
    assert ahead[root / "charts" / "sub-1"]["replicas"] == 9  # the parent's section still wins
    assert ahead[root / "charts" / "sub-3"]["global"] == {"a": 3, "region": "eu"}


def test_the_helper_never_imports_from_the_workspace(tmp_path, monkeypatch):
    """An editor starts the server in the workspace: a `hook_lsp` package there must not be
    what the helper runs."""
    workspace = tmp_path / "ws"
    (workspace / "hook_lsp").mkdir(parents=True)
    marker = tmp_path / "imported"
    (workspace / "hook_lsp" / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    (workspace / "values.yaml").write_text("a: 1\n")
    monkeypatch.chdir(workspace)
    monkeypatch.setenv("PYTHONPATH", str(workspace))
    proc = values_ahead.start([workspace / "values.yaml"])
    assert proc is not None
    _wait_for([workspace / "values.yaml"])
    assert proc.wait(timeout=60) == 0
    assert not marker.exists()


async def test_values_files_no_template_read_are_taken_from_the_helper_after_indexing(tmp_path, monkeypatch):
    """Indexing ends by looking at every values file for problems (`_publish_chart`): those no
    template read are still waiting in the helper's results then, and are taken from there."""
    from types import SimpleNamespace

    from hook_lsp.analysis.chart import Chart
    from hook_lsp.features import indexing

    root = _umbrella(tmp_path / "u", 6)
    quiet = root / "charts" / "sub-5"
    (quiet / "templates" / "job.yaml").write_text("kind: Job\nmetadata:\n  name: literal\n")
    monkeypatch.setattr(values_ahead, "MIN_BYTES", 1)
    values._FILE_CACHE.clear()
    chart = Chart.begin(root, enrich=Resolver())
    taken: dict[str, bool] = {}
    real_take = values_ahead.take

    def spy(path, stamp):
        got = real_take(path, stamp)
        taken[path] = got is not None
        return got

    monkeypatch.setattr(values_ahead, "take", spy)
    problems = []

    def publish_chart(_ls, _chart):
        _wait_for([quiet / "values.yaml"], timeout=10)
        problems.append(values.yaml_file_problem(quiet / "values.yaml"))

    monkeypatch.setattr(indexing, "_publish_chart", publish_chart)
    ls = SimpleNamespace(project=SimpleNamespace(charts={chart.root: chart}), client_capabilities=None)
    # As `on_new_chart` does for a large chart: the helper starts before the first answer.
    await indexing._index(ls, chart, chart.enrich.read_ahead(chart))
    assert problems == [None]
    assert taken[str(quiet / "values.yaml")] is True
    assert not values_ahead._received  # what nobody took is dropped once the chart is published
