"""`Fact`: one sentence about Helm, per Helm version, with the guide sections that explain it.

Hover and completion text is assembled only from `Fact`s and the phrase tables in this package,
so one test can check every sentence the server may show (its guide sections exist, and it
states none of the well-known myths about hooks). The guide is ``docs/helm-hooks.md``; each of
its statements links Helm's source at a tag.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import versions

#: Helm's documentation pages (linked from the guide; hovers link the guide itself).
DOCS_HOOKS = "https://helm.sh/docs/topics/charts_hooks/"
DOCS_TESTS = "https://helm.sh/docs/topics/chart_tests/"


@dataclass(frozen=True)
class Fact:
    """A sentence as Helm 4 behaves, with Helm 3's wording where Helm 3 differs.

    ``since`` names the Helm minor version from which the sentence holds ("3.18"). When the
    user selects a bare major, the sentence says so ("since Helm 3.18"); when they select an
    older minor, ``before`` is shown instead.
    """

    #: The Helm 4 wording (and Helm 3's, when ``helm3`` is None).
    text: str
    #: Guide anchors that explain the sentence ("#failures, #lifecycle").
    section: str
    #: The whole sentence as it holds for Helm 3, where that differs.
    helm3: str | None = None
    #: The difference in a few words, shown as "(Helm 3: ...)" when Helm 4 is selected.
    helm3_note: str | None = None
    #: The first Helm minor version the sentence holds for ("3.18"); None: every 3.x and 4.x.
    since: str | None = None
    #: The sentence for versions before ``since``.
    before: str | None = None

    def __post_init__(self) -> None:
        if (self.helm3 is None) != (self.helm3_note is None):
            raise ValueError(f"a Helm 3 difference needs both wordings: {self.text!r}")
        if (self.since is None) != (self.before is None):
            raise ValueError(f"a 'since' fact needs the wording for older versions: {self.text!r}")

    def render(self, helm_version: str = "4") -> str:
        """The sentence for the selected Helm version; Helm 4 text notes Helm 3's difference."""
        v = str(helm_version)
        if self.since is not None:
            if not versions.at_least(v, self.since):
                return self.before or ""
            if not versions.minor_known(v) and versions.major(v) == versions.major(self.since):
                return f"{self._plain(v)} (since Helm {self.since})"
        return self._plain(v)

    def _plain(self, v: str) -> str:
        if versions.is_helm3(v):
            return self.helm3 or self.text
        if self.helm3_note:
            return f"{self.text} (Helm 3: {self.helm3_note})"
        return self.text

    def variants(self) -> tuple[str, ...]:
        """Every text this fact can render to (for checks over all shown text)."""
        shown = ["4", "3", *(("3.0", "4.0") if self.since else ())]
        return tuple(dict.fromkeys(self.render(v) for v in shown))
