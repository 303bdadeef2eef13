"""Meta-tests over the rule registry: codes, names, documentation, fixtures, generated docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hook_lsp.analysis.rules.registry import REGISTRY, REQUIRED_SECTIONS, FixAvailability, Severity
from hook_lsp.reporting import rule_docs

from .rules.golden import FIXTURES, UPDATE_HINT, run_fixture, snapshot_path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
CODES = sorted(REGISTRY)
# HK0xx reading, HK1xx annotations, HK2xx ordering/lifecycle/references, HK3xx scripts.
FAMILY_MODULES = {"0": "hk0_", "1": "hk1_", "2": "hk2_", "3": "hk3_", "4": "hk4_"}


def test_codes_and_names_are_unique_and_well_formed() -> None:
    assert CODES, "no rules registered"
    names = [r.name for r in REGISTRY.values()]
    assert len(set(names)) == len(names)
    for code, r in REGISTRY.items():
        assert re.fullmatch(r"HK\d{3}", code) and r.code == code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", r.name), f"{code}: {r.name!r} is not kebab-case words"
        assert r.severity in Severity.ORDER
        assert r.fix in (FixAvailability.NONE, FixAvailability.SOMETIMES, FixAvailability.ALWAYS)


@pytest.mark.parametrize("code", CODES)
def test_rule_lives_in_its_family_module(code: str) -> None:
    module = REGISTRY[code].check.__module__.rsplit(".", 1)[-1]
    assert module.startswith(FAMILY_MODULES[code[2]]), f"{code} is defined in {module}"


@pytest.mark.parametrize("code", CODES)
def test_rule_documentation_has_every_section(code: str) -> None:
    doc = REGISTRY[code].doc
    positions = [doc.find(s) for s in REQUIRED_SECTIONS]
    assert all(p >= 0 for p in positions), f"{code}: missing sections"
    assert positions == sorted(positions), f"{code}: sections out of order"
    sections = re.split(r"^## .*$", doc, flags=re.M)[1:]
    assert all(s.strip() for s in sections), f"{code}: an empty section"
    assert "```" in doc, f"{code}: the documentation needs a code example"
    assert REGISTRY[code].summary


@pytest.mark.parametrize("code", CODES)
def test_rule_has_fixture_and_snapshot(code: str) -> None:
    assert (FIXTURES / code / "templates").is_dir(), f"{code}: no fixture chart"
    assert snapshot_path(code).is_file(), f"{code}: no snapshot; {UPDATE_HINT}"


@pytest.mark.parametrize("code", CODES)
def test_declared_fix_availability_matches_fixtures(code: str) -> None:
    """A rule declaring fixes shows one in its fixtures; a rule declaring none never offers one."""
    if not (FIXTURES / code).is_dir():
        pytest.skip("no fixture chart (reported by test_rule_has_fixture_and_snapshot)")
    _, runs = run_fixture(code)
    violations = [v for r in runs for v in r.violations]
    with_fix = [v for v in violations if v.fixes]
    declared = REGISTRY[code].fix
    if declared == FixAvailability.NONE:
        assert not with_fix, f"{code} declares no fix but offers one"
    else:
        assert with_fix, f"{code} declares fix={declared} but no fixture violation has a fix"
    if declared == FixAvailability.ALWAYS:
        assert len(with_fix) == len(violations), f"{code} declares fix=always but some violations have none"


def test_docs_rules_md_is_current(request) -> None:
    expected = rule_docs.markdown()
    if request.config.getoption("--update-goldens"):
        DOCS.parent.mkdir(parents=True, exist_ok=True)
        DOCS.write_text(expected, encoding="utf-8")
        return
    assert DOCS.is_file(), "docs/rules.md is missing; run `hook-lsp rules --format markdown > docs/rules.md`"
    assert DOCS.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale; run `hook-lsp rules --format markdown > docs/rules.md`"
    )
