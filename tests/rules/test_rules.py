"""One parametrized test per registered rule, over its fixture chart (see golden.py).

For rule ``HKnnn``: ``fixtures/HKnnn/`` exists with ``fire-*`` and ``ok-*`` templates; every
``fire-*`` file yields a violation and no ``ok-*`` file does; every fix changes the text with
non-overlapping edits, and a safe fix removes a violation of that rule; the rendered output
equals ``snapshots/HKnnn.txt`` (``--update-goldens`` rewrites it). Rules are read from the
registry at collection time, so a new rule module is tested without editing this file.
"""

from __future__ import annotations

import pytest

from hook_lsp.analysis.rules.registry import REGISTRY

from .golden import FIXTURES, UPDATE_HINT, apply_edits, render, run_fixture, snapshot_path

CODES = sorted(REGISTRY)


@pytest.mark.parametrize("code", CODES)
def test_rule_fixtures(code: str, request) -> None:
    root = FIXTURES / code
    assert root.is_dir(), f"{code} has no fixture chart at {root}"
    assert (root / "Chart.yaml").is_file(), f"{root} lacks Chart.yaml"
    project, runs = run_fixture(code)
    fire = [r for r in runs if r.kind == "fire"]
    ok = [r for r in runs if r.kind == "ok"]
    assert fire, f"{code}: no templates/fire-*.yaml"
    assert ok, f"{code}: no templates/ok-*.yaml"
    for r in fire:
        assert r.violations, f"{r.rel}: expected at least one {code} violation"
    for r in ok:
        found = [f"{v.span} {v.message}" for v in r.violations]
        assert not found, f"{r.rel}: expected no {code} violation, got {found}"
    for r in runs:
        for v in r.violations:
            assert v.code == code
            for fix in v.fixes:
                fixed = apply_edits(r.text, fix.edits)
                assert fixed != r.text, f"{r.rel}: fix {fix.title!r} changes nothing"
                if not fix.safe:
                    continue
                after = project.check(r.path, fixed).violations
                project.check(r.path, r.text)  # restore the chart model
                assert len(after) < len(r.violations), (
                    f"{r.rel}: safe fix {fix.title!r} leaves {len(after)} {code} violations (was {len(r.violations)})"
                )

    actual = render(code, runs)
    snap = snapshot_path(code)
    if request.config.getoption("--update-goldens"):
        snap.parent.mkdir(parents=True, exist_ok=True)
        snap.write_text(actual, encoding="utf-8")
        return
    assert snap.is_file(), f"{code}: no snapshot {snap.name}; {UPDATE_HINT}"
    expected = snap.read_text(encoding="utf-8")
    assert actual == expected, f"{code}: output differs from {snap.name}; {UPDATE_HINT}"
