"""Helper files on disk are scanned again every `Resolver.RESCAN_SECONDS`: on the keystroke
that finds the last scan old (a batch run), or, in a language server, when typing pauses
(`rescan_when_idle`): scanning an umbrella's subcharts takes tens of milliseconds."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from hook_lsp.analysis.project import Project
from hook_lsp.analysis.resolve import Resolver

from .test_chart import hook, make_chart


def _chart(tmp_path: Path) -> Path:
    return make_chart(tmp_path / "app", "app", {"job.yaml": hook("Job", '{{ include "app.name" . }}', "pre-install")})


def _names(project: Project, path: Path) -> list[str | None]:
    chart = project.chart_for(path)
    chart._order_cache = None
    return [e.name for e in chart.order("pre-install")]


def _add_helper(root: Path) -> None:
    # Written behind the chart model's back, as a file changed outside the editor with no
    # watcher to report it.
    (root / "templates" / "_names.tpl").write_text('{{ define "app.name" }}from-helper{{ end }}')


def test_a_batch_run_scans_again_on_use(tmp_path, monkeypatch):
    root = _chart(tmp_path)
    job = root / "templates" / "job.yaml"
    project = Project()
    assert _names(project, job) != ["from-helper"]
    _add_helper(root)
    monkeypatch.setattr(Resolver, "RESCAN_SECONDS", 0.0)
    project.chart_for(job).update(str(job), job.read_text())
    assert _names(project, job) == ["from-helper"]


def test_a_server_scans_again_when_typing_pauses(tmp_path, monkeypatch):
    root = _chart(tmp_path)
    job = root / "templates" / "job.yaml"
    project = Project(rescan_when_idle=True)
    before = _names(project, job)
    assert before != ["from-helper"]
    resolver = project.chart_for(job).enrich
    assert resolver.rescan_when_idle and not resolver.rescan_helpers()  # scanned just now
    _add_helper(root)
    monkeypatch.setattr(Resolver, "RESCAN_SECONDS", 0.0)
    project.chart_for(job).update(str(job), job.read_text())
    assert _names(project, job) == before  # a keystroke does not scan
    assert resolver.rescan_helpers()  # the pause does, and says that something changed
    project.chart_for(job).update(str(job), job.read_text())
    assert _names(project, job) == ["from-helper"]
    assert not resolver.rescan_helpers()  # nothing new since


def test_the_pause_republishes_the_documents_of_a_chart_whose_helpers_changed(tmp_path, monkeypatch):
    from hook_lsp.features import diagnostics

    root = _chart(tmp_path)
    job = root / "templates" / "job.yaml"
    other = make_chart(tmp_path / "other", "other", {"job.yaml": hook("Job", "plain", "pre-install")})
    project = Project(rescan_when_idle=True)
    uris = {job.as_uri(): job, (other / "templates" / "job.yaml").as_uri(): other / "templates" / "job.yaml"}
    for path in uris.values():
        _names(project, path)  # each chart's helpers scanned once
    published: list[str] = []
    complete = SimpleNamespace(complete=True)
    ls = SimpleNamespace(
        project=project,
        workspace=SimpleNamespace(text_documents=dict.fromkeys(uris)),
        results={uri: (None, complete) for uri in uris},
    )
    monkeypatch.setattr(diagnostics, "publish", lambda ls_, uri, neighbours=True, complete=False: published.append(uri))
    monkeypatch.setattr(diagnostics, "path_of", lambda uri: str(uris[uri]))
    diagnostics.publish_incomplete(ls)
    assert published == []  # complete results, helpers unchanged
    _add_helper(root)
    monkeypatch.setattr(Resolver, "RESCAN_SECONDS", 0.0)
    diagnostics.publish_incomplete(ls)
    assert published == [job.as_uri()]
