"""`Fact`: one sentence about Helm, per Helm version, with the reference section it comes from.

Hover and completion text is assembled only from `Fact`s and the phrase tables in this package,
so one test can check every sentence the server may show (citations, and none of the myths the
reference's "Tutorial claims" list).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Helm's documentation pages that hover text links to.
DOCS_HOOKS = "https://helm.sh/docs/topics/charts_hooks/"
DOCS_TESTS = "https://helm.sh/docs/topics/chart_tests/"


@dataclass(frozen=True)
class Fact:
    """A sentence as Helm 4 behaves, with Helm 3's wording where Helm 3 differs."""

    #: The Helm 4 wording (and Helm 3's, when ``helm3`` is None).
    text: str
    #: Section of the hook-semantics reference the sentence is read from ("§5").
    section: str
    #: The whole sentence as it holds for Helm 3, where that differs.
    helm3: str | None = None
    #: The difference in a few words, shown as "(Helm 3: ...)" when Helm 4 is selected.
    helm3_note: str | None = None

    def __post_init__(self) -> None:
        if (self.helm3 is None) != (self.helm3_note is None):
            raise ValueError(f"a Helm 3 difference needs both wordings: {self.text!r}")

    def render(self, helm_version: str = "4") -> str:
        """The sentence for the selected Helm version; Helm 4 text notes Helm 3's difference."""
        if str(helm_version) == "3":
            return self.helm3 or self.text
        if self.helm3_note:
            return f"{self.text} (Helm 3: {self.helm3_note})"
        return self.text

    def variants(self) -> tuple[str, ...]:
        """Every text this fact can render to (for checks over all shown text)."""
        return (self.render("4"), self.render("3"))
