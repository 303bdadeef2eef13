"""Long-running kinds: completion offers no hook scaffold on them, and the hover names the remedy."""

from __future__ import annotations

from hook_lsp.analysis.completions import complete
from hook_lsp.analysis.hook_model import analyse_template
from hook_lsp.knowledge.kinds_text import wait_facts


def _items(kind: str):
    text = f"kind: {kind}\nmetadata:\n  name: m\n  annotations:\n    \nspec: {{}}\n"
    offset = text.index("    \n") + 4
    return complete(analyse_template(text, "t.yaml"), offset, None)


def _labels(kind: str) -> list[str]:
    return [i.label for i in _items(kind)]


def test_hook_key_on_a_statefulset_leads_with_the_remedy() -> None:
    doc = next(i.documentation for i in _items("StatefulSet") if i.label == "helm.sh/hook")
    assert doc.startswith("A StatefulSet hook is not part of the release") and "Job hook" in doc
    job_doc = next(i.documentation for i in _items("Job") if i.label == "helm.sh/hook")
    assert "not part of the release: upgrades" not in job_doc.split("\n")[0]


def test_no_hook_scaffold_on_a_deployment_but_on_a_job() -> None:
    assert not [label for label in _labels("Deployment") if label.startswith("hook annotations:")]
    assert [label for label in _labels("Job") if label.startswith("hook annotations:")]
    assert "helm.sh/hook" in _labels("Deployment")  # the key itself stays available


def test_kind_hover_of_a_service_hook_points_to_the_remedy() -> None:
    text = " ".join(f.render() for f in wait_facts("Service"))
    assert "not part of the release" in text and "Job hook" in text
    assert len(wait_facts("ServiceAccount")) == 1  # deliberately created as hooks: no such advice
