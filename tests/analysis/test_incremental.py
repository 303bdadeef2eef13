"""Incremental chart model: an edit or a chunk of indexing gives the same results as reading the
whole chart again, without redoing chart-wide work that the edit leaves alone."""

from __future__ import annotations

import shutil
from pathlib import Path

from hook_lsp.analysis.chart import Chart
from hook_lsp.analysis.project import Project
from hook_lsp.analysis.references import build, references_of
from hook_lsp.analysis.resolve import Resolver
from hook_lsp.analysis.resolve.helpers import HelperLibrary, define_names

from .test_chart import hook, make_chart

LIFECYCLE = Path(__file__).resolve().parents[1] / "e2e" / "workspace" / "lifecycle"


def _orders(chart: Chart) -> dict:
    return {
        event: [(e.path, e.name, e.resource.kind, e.weight, e.file_rank) for e in entries]
        for event, entries in chart._compute_orders().items()
    }


def _cached_orders(chart: Chart) -> dict:
    return {
        event: [(e.path, e.name, e.resource.kind, e.weight, e.file_rank) for e in chart.order(event)]
        for event in _orders(chart)
    }


def test_edit_that_keeps_hooks_gives_the_order_with_the_new_analysis(tmp_path):
    root = make_chart(
        tmp_path / "app",
        "app",
        {"a.yaml": hook("Job", "a-job", "pre-install"), "b.yaml": hook("ServiceAccount", "b-sa", "pre-install", "-1")},
    )
    chart = Chart.load(root)
    chart.order("pre-install")
    key = str(root / "templates" / "a.yaml")
    new = chart.update(key, chart.templates[key].text + "# a comment\n")
    assert _cached_orders(chart) == _orders(chart)
    assert [e.template for e in chart.order("pre-install") if e.path == key] == [new]
    assert all(e.resource in e.template.resources for e in chart.order("pre-install"))


def test_edit_that_moves_a_hook_re_sorts(tmp_path):
    root = make_chart(
        tmp_path / "app",
        "app",
        {"a.yaml": hook("Job", "a-job", "pre-install"), "b.yaml": hook("ServiceAccount", "b-sa", "pre-install")},
    )
    chart = Chart.load(root)
    assert [e.name for e in chart.order("pre-install")] == ["a-job", "b-sa"]
    key = str(root / "templates" / "a.yaml")
    chart.update(key, hook("Job", "a-job", "pre-install", "5"))
    assert [e.name for e in chart.order("pre-install")] == ["b-sa", "a-job"]


def test_references_after_an_edit_equal_a_fresh_index(tmp_path):
    chart = Chart.load(_copy(LIFECYCLE, tmp_path), enrich=Resolver())
    references_of(chart)
    key = next(k for k in chart.templates if k.endswith("migrate-sa.yaml"))
    chart.update(key, chart.templates[key].text.replace("ServiceAccount", "ServiceAccount", 1) + "\n# edit\n")
    cached, fresh = references_of(chart), build(chart)
    assert _refs(cached) == _refs(fresh)
    assert references_of(chart) is cached  # no change since: the same index


def test_references_after_a_rename_equal_a_fresh_index(tmp_path):
    chart = Chart.load(_copy(LIFECYCLE, tmp_path), enrich=Resolver())
    before = _refs(references_of(chart))
    key = next(k for k in chart.templates if k.endswith("migrate-sa.yaml"))
    chart.update(key, chart.templates[key].text.replace("migrate-sa", "renamed-sa"))
    after = _refs(references_of(chart))
    assert after == _refs(build(chart)) and after != before


def _manifest_fresh(chart: Chart) -> list:
    keys = sorted(chart.templates, key=lambda k: chart.render_paths.get(k, k))
    return [chart.templates[k] for k in keys if not Path(k).name.startswith("_")]


def test_edits_additions_and_removals_keep_the_index_equal_to_a_fresh_one(tmp_path):
    """The index and the manifest list follow every kind of change, each read from the chart's
    list of changes (not by visiting every template)."""
    root = _copy(LIFECYCLE, tmp_path)
    chart = Chart.load(root, enrich=Resolver())
    references_of(chart)
    manifest = chart.manifest_templates()
    sa = next(k for k in chart.templates if k.endswith("migrate-sa.yaml"))
    helper = next((k for k in chart.templates if Path(k).name.startswith("_")), None)
    new_file = str(root / "templates" / "extra-sa.yaml")
    steps = [
        ("edit", sa, lambda t: t + "\n# edit\n"),
        ("edit", sa, lambda t: t.replace("migrate-sa", "renamed-sa")),
        ("add", new_file, lambda t: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: extra\n"),
        ("edit", new_file, lambda t: t.replace("extra", "extra-2")),
        ("remove", new_file, None),
        ("edit", sa, lambda t: t.replace("renamed-sa", "migrate-sa")),
    ]
    if helper is not None:
        steps.insert(1, ("edit", helper, lambda t: t + "\n{{/* edit */}}\n"))
    for what, key, change in steps:
        before = chart.revision
        if what == "remove":
            chart.remove(key)
        else:
            text = chart.templates[key].text if key in chart.templates else ""
            chart.update(key, change(text))
        assert chart.changed_since(before) == {key}
        assert _refs(references_of(chart)) == _refs(build(chart)), (what, key)
        assert chart.manifest_templates() == _manifest_fresh(chart), (what, key)
    # Adding or removing a file makes a new list (an edit updates it in place: see below).
    assert chart.manifest_templates() is not manifest


def test_changes_are_remembered_up_to_a_limit(tmp_path, monkeypatch):
    root = make_chart(tmp_path / "app", "app", {"a.yaml": hook("Job", "a", "pre-install")})
    chart = Chart.load(root)
    monkeypatch.setattr(Chart, "CHANGES_KEPT", 2)
    key = str(root / "templates" / "a.yaml")
    start = chart.revision
    manifest = chart.manifest_templates()
    for i in range(3):
        chart.update(key, hook("Job", f"a{i}", "pre-install"))
    assert chart.manifest_templates() is manifest and manifest[0] is chart.templates[key]
    assert chart.changed_since(chart.revision) == set()
    assert chart.changed_since(start) == {key}
    for i in range(3):
        chart.update(key, hook("Job", f"b{i}", "pre-install"))
    # Only the last changes are kept: further back, callers look at every template.
    assert chart.changed_since(start) is None
    assert chart.changed_since(chart.revision - 2) == {key}


def _refs(refs) -> dict:
    return {
        "definitions": {k: [s.path for s in v] for k, v in refs.definitions.items()},
        "uses": {k: [(s.path, r.kind, r.raw) for s, r in v] for k, v in refs.uses.items()},
        "bindings": {k: [s.path for s in v] for k, v in refs.bindings.items()},
        "sites": sorted((s.path, s.resource.span.start) for s in refs.sites.values()),
    }


def _copy(src: Path, tmp_path: Path) -> Path:
    dest = tmp_path / src.name
    shutil.copytree(src, dest)
    return dest


def test_indexing_in_chunks_equals_reading_at_once(tmp_path):
    root = _copy(LIFECYCLE, tmp_path)
    whole = Chart.load(root, enrich=Resolver())
    opened = str(root / "templates" / "migrate.yaml")
    chunked = Chart.begin(root, {opened: (root / "templates" / "migrate.yaml").read_text()}, enrich=Resolver())
    assert list(chunked.templates) == [opened] and not chunked.indexed
    steps = 0
    while not chunked.index_more(deadline=0):  # one file per step
        steps += 1
    assert steps >= 2 and chunked.indexed
    assert list(chunked.templates) == list(whole.templates)  # disk order, as read at once
    for key, analysis in whole.templates.items():
        other = chunked.templates[key]
        assert [(a.key, a.text) for r in analysis.resources for a in r.annotations] == [
            (a.key, a.text) for r in other.resources for a in r.annotations
        ]
    assert _orders(chunked) == _orders(whole)


def test_project_answers_a_file_before_its_chart_is_indexed(tmp_path):
    root = _copy(LIFECYCLE, tmp_path)
    started: list[Chart] = []
    project = Project(on_new_chart=started.append)
    path = str(root / "templates" / "migrate.yaml")
    first = project.check(path, (root / "templates" / "migrate.yaml").read_text())
    assert first.partial and first.chart is None and len(started) == 1
    started[0].index_more()
    full = project.check(path, (root / "templates" / "migrate.yaml").read_text())
    assert not full.partial and full.chart is started[0]
    reference = Project().check(path)
    assert [(v.code, v.span) for v in full.violations] == [(v.code, v.span) for v in reference.violations]
    # The quick answer is the file's own findings: a subset of the full result.
    assert {(v.code, v.span) for v in first.violations} <= {(v.code, v.span) for v in full.violations}


def test_helper_library_parses_only_what_is_asked_and_the_last_definition_wins():
    files = [
        ("a.tpl", '{{- define "x" -}}first{{- end -}}{{ define "only-a" }}a{{ end }}'),
        ("b.tpl", '{{- define "y" -}}y{{- end -}}'),
        ("c.tpl", '{{ define "x" }}second{{ end }}'),
    ]
    parsed: dict = {}
    lib = HelperLibrary(files, [define_names(t) for _, t in files], parsed)
    assert lib.get("x").path == "c.tpl"
    assert "a.tpl" not in parsed and "b.tpl" not in parsed  # not needed (c.tpl: its define only)
    assert lib.get("only-a").path == "a.tpl" and "missing" not in lib
    assert set(lib.as_dict()) == {"x", "y", "only-a"} and lib.as_dict()["x"].path == "c.tpl"
    # A name written with escapes is not indexed: the file is parsed to know.
    assert define_names('{{ define "a\\x62" }}{{ end }}') is None


def _rendered_events(tmp_path: Path, templates: dict[str, str], values: str) -> dict[str, str]:
    """Hook name -> event of a chart of ``templates`` over ``values``, helpers and values resolved."""
    root = make_chart(tmp_path / "app", "app", templates)
    (root / "values.yaml").write_text(values)
    chart = Chart.load(root, enrich=Resolver())
    return {e.name: e.event for ev in ("pre-install", "post-install") for e in chart.order(ev)}


def test_a_template_that_changes_values_renders_on_its_own_copy(tmp_path):
    events = _rendered_events(
        tmp_path,
        {
            "setter.yaml": '{{- $_ := set .Values "event" "post-install" }}\n'
            + hook("Job", "setter", "{{ .Values.event }}"),
            "reader.yaml": hook("Job", "reader", "{{ .Values.event }}"),
        },
        "event: pre-install\n",
    )
    assert events == {"setter": "post-install", "reader": "pre-install"}


def test_merge_shares_the_sources_maps_as_helm_does(tmp_path):
    # Sprig's merge (mergo) puts the source's own maps in the result: `set` on one changes the
    # source too, values included (Helm's engine renders "2" and "post-install" here).
    events = _rendered_events(
        tmp_path,
        {
            "merger.yaml": '{{- $a := dict "x" 1 }}{{- $b := merge (dict) (dict "n" $a) }}'
            '{{- $_ := set $b.n "y" 2 }}{{- $v := merge (dict) .Values }}'
            '{{- $_ := set $v.sub "event" "post-install" }}\n'
            + hook("Job", "merger-{{ $a.y }}", "{{ .Values.sub.event }}"),
            "reader.yaml": hook("Job", "reader", "{{ .Values.sub.event }}"),
        },
        "sub:\n  event: pre-install\n",
    )
    assert events == {"merger-2": "post-install", "reader": "pre-install"}


def test_values_problems_are_looked_at_again_after_a_file_event(tmp_path, monkeypatch):
    """Every keystroke publishes the chart's values problems: they are reused for a few seconds,
    and a watched-file event (or the time running out) looks at the files again."""
    root = make_chart(tmp_path / "app", "app", {"a.yaml": hook("Job", "a-job", "pre-install")})
    (root / "values.yaml").write_text("a: 1\n")
    project = Project()
    chart = project.chart_for(root / "templates" / "a.yaml")
    assert project.values_problems(chart) == []
    (root / "values.yaml").write_text("a: [1, 2\nb: 3\n")  # Helm refuses this file
    assert project.values_problems(chart) == []  # still the answer of a moment ago
    project.file_changed_on_disk(str(root / "values.yaml"))
    chart = project.chart_for(root / "templates" / "a.yaml")
    (problem,) = project.values_problems(chart)
    assert problem[0] == str(root / "values.yaml") and "not valid YAML" in problem[1]
    (root / "values.yaml").write_text("a: 2\n")
    monkeypatch.setattr(Project, "VALUES_RESCAN_SECONDS", 0.0)
    assert project.values_problems(chart) == []


def test_counting_the_files_to_index_keeps_them_to_read(tmp_path):
    root = make_chart(
        tmp_path / "app", "app", {f"{n}.yaml": hook("Job", f"{n}-job", "pre-install") for n in "abc"}
    )
    chart = Chart.begin(root)
    assert chart.count_pending() == 3
    assert chart.count_pending() == 3  # counting does not consume them
    assert chart.index_more() and len(chart.templates) == 3
    assert chart.count_pending() == 0
