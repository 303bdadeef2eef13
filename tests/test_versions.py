"""Helm version strings and the one comparison helper texts use ("since 3.18")."""

from __future__ import annotations

import pytest

from hook_lsp.knowledge import versions
from hook_lsp.knowledge.facts import Fact


@pytest.mark.parametrize(
    "version, since, expected",
    [
        ("3.17", "3.18", False),
        ("3.18", "3.18", True),
        ("3", "3.18", True),  # a bare major is its newest minor
        ("4", "3.19", True),
        ("4.0", "4.1", False),
        ("4", "4.1", True),
        ("3.21", "4.1", False),
    ],
)
def test_at_least(version, since, expected):
    assert versions.at_least(version, since) is expected


def test_parse_and_normalise():
    assert versions.parse("v3.18.2") == (3, 18)
    assert versions.parse("4") == (4, None)
    assert versions.normalise(" 4.1 ") == "4.1"
    assert versions.is_helm3("3.17") and not versions.is_helm3("4.0")
    with pytest.raises(ValueError):
        versions.parse("2.17")


def test_a_since_fact_says_since_for_a_bare_major_and_gives_way_before_it():
    fact = Fact("New behaviour.", "#versions", since="3.18", before="Old behaviour.")
    assert fact.render("3") == "New behaviour. (since Helm 3.18)"
    assert fact.render("3.18") == "New behaviour."
    assert fact.render("3.17") == "Old behaviour."
    assert fact.render("4") == "New behaviour."  # every Helm 4 has it
    assert set(fact.variants()) == {"New behaviour. (since Helm 3.18)", "New behaviour.", "Old behaviour."}
    with pytest.raises(ValueError):
        Fact("x", "#versions", since="3.18")


def test_completion_offers_the_output_log_key_only_to_helm_versions_that_read_it():
    from hook_lsp.analysis.completions import complete
    from hook_lsp.analysis.hook_model import analyse_template

    text = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install\n    \n"
    analysis = analyse_template(text, "t.yaml")
    offset = text.index("    \n") + 4

    def labels(v: str) -> set[str]:
        from hook_lsp.analysis.profile import Profile

        return {i.label for i in complete(analysis, offset, None, Profile.of(helm_version=v))}

    assert "helm.sh/hook-output-log-policy" in labels("3.18")
    assert "helm.sh/hook-output-log-policy" in labels("4")
    assert "helm.sh/hook-output-log-policy" not in labels("3.17")
    assert "helm.sh/hook-weight" in labels("3.17")
