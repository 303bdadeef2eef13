"""A render spliced after a keystroke (`splice`) equals a full render of the new text: the same
output and the same source map, on every corpus template that is rendered, for keystrokes at
many places (annotation values, scripts, between actions, next to trim markers)."""

from __future__ import annotations

import random
from pathlib import Path

from hook_lsp.analysis.chart import Chart, find_chart_root
from hook_lsp.analysis.hook_model import analyse_template
from hook_lsp.analysis.resolve import Resolver
from hook_lsp.analysis.resolve import enrich as enrich_module
from hook_lsp.analysis.resolve.enrich import _needs_resolution, _owning_chart
from tests.outside_data import CORPUS, needs_corpus

EDITS = ["x", ",", " ", "\n", "-", '"', "{", "}", "{{", "}}", "", "post-delete,"]


def _map(writer) -> list[tuple]:
    return [
        (
            s.out_start, s.out_end, s.src_start, s.site, s.conditional, s.causes,
            None if s.define is None else (s.define.path, s.define.name, s.define.span),
        )
        for s in writer.segments
    ]


def _positions(text: str, rng: random.Random) -> list[int]:
    """Ends of hook annotation lines, and random places."""
    out = []
    start = 0
    while True:
        i = text.find("helm.sh/hook", start)
        if i < 0:
            break
        end = text.find("\n", i)
        out.append(end if end >= 0 else len(text))
        start = i + 1
    out += [rng.randrange(len(text) + 1) for _ in range(6)] if text else []
    return out


def _spliced_and_full(resolver: Resolver, chart: Chart, before, after) -> tuple[tuple, tuple, bool]:
    """The render of ``after`` made just after one of ``before`` (spliced when it can be), a
    full render of ``after``, and whether the first was spliced."""
    chart_dir = _owning_chart(Path(before.path), Path(chart.root))
    defines = resolver.defines(Path(chart.root), chart)
    values = resolver.values_for(Path(chart.root), chart_dir)
    resolver._last_renders.clear()
    resolver._render(before, chart, chart_dir, defines, values)  # the render before the keystroke
    seen = []
    real = enrich_module.splice

    def spy(*args, **kwargs):
        got = real(*args, **kwargs)
        seen.append(got is not None)
        return got

    enrich_module.splice = spy
    try:
        got = resolver._render(after, chart, chart_dir, defines, values)
    finally:
        enrich_module.splice = real
    resolver._last_renders.clear()
    full = resolver._render(after, chart, chart_dir, defines, values)
    return got, full, bool(seen and seen[0])


def _check(chart: Chart, resolver: Resolver, analysis, rng: random.Random, counts: dict) -> None:
    text = analysis.text
    for pos in _positions(text, rng):
        edit = rng.choice(EDITS)
        new = text[:pos] + edit + text[pos:] if edit else text[:pos] + text[pos + 1 :]
        got, full, spliced = _spliced_and_full(resolver, chart, analysis, analyse_template(new, analysis.path))
        assert got[0] == full[0], (analysis.path, pos, edit)
        assert _map(got[1]) == _map(full[1]), (analysis.path, pos, edit)
        counts["spliced" if spliced else "rendered"] += 1


@needs_corpus
def test_spliced_renders_equal_full_renders_on_the_corpus():
    rng = random.Random(20261205)
    counts = {"spliced": 0, "rendered": 0}
    roots = sorted({find_chart_root(p) for p in CORPUS.rglob("templates/*.yaml")} - {None})
    for root in roots:
        resolver = Resolver()
        chart = Chart.load(root, enrich=resolver)
        for analysis in list(chart.templates.values()):
            if not _needs_resolution(analysis):
                continue
            _check(chart, resolver, analysis, rng, counts)
    # Most keystrokes in literal text are spliced; the rest (actions touched) render anew.
    assert counts["spliced"] > 150 and counts["rendered"] > 100, counts


def test_a_keystroke_that_changes_trimming_or_an_action_renders_anew(tmp_path):
    root = tmp_path / "c"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    (root / "values.yaml").write_text("jobs: [a, b]\n")
    text = (
        "{{- range .Values.jobs }}\n"
        "---\nkind: Job\nmetadata:\n  name: job-{{ . }}\n  annotations:\n"
        "    helm.sh/hook: pre-install\n"
        "{{- end }}\n"
    )
    (root / "templates" / "job.yaml").write_text(text)
    resolver = Resolver()
    chart = Chart.load(root, enrich=resolver)
    analysis = chart.templates[str(root / "templates" / "job.yaml")]
    # Typing in the hook value inside the loop: spliced into both outputs.
    i = text.index("pre-install") + len("pre-install")
    for new, expected in [
        (text[:i] + ",post-install" + text[i:], True),
        (text[:i] + " {{ .x }}" + text[i:], False),  # a new action
        (text.replace("    helm.sh/hook: pre-install\n", "    helm.sh/hook: pre-install\n  "), False),  # trimmed space
    ]:
        got, full, spliced = _spliced_and_full(resolver, chart, analysis, analyse_template(new, analysis.path))
        assert spliced == expected, new
        assert got[0] == full[0] and _map(got[1]) == _map(full[1])
        if spliced:
            assert got[0].count("helm.sh/hook: pre-install,post-install") == 2
