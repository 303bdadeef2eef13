"""The knowledge tables behind hover and completion: complete, cited, free of the known myths,
and the only source of the prose the server shows.

Myths are the reference's "Tutorial claims" (a)-(e) (hook-semantics §5): no rollback without
`--atomic`/`--rollback-on-failure`; a failed post-install/post-upgrade hook marks the release
failed; a failed pre-delete hook leaves it `uninstalling`; Helm and Kubernetes do not stop a hung
Job; test hooks honour delete policies.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from hook_lsp.analysis.completions import complete, strip_snippet
from hook_lsp.analysis.hook_model import analyse_template
from hook_lsp.analysis.hovers import hover, single_file_chart
from hook_lsp.analysis.profile import Profile
from hook_lsp.analysis.project import Project
from hook_lsp.knowledge import annotations as A
from hook_lsp.knowledge import (
    events,
    keys,
    kinds_text,
    phrases,
    policies,
    reruns,
    scaffolds,
    weights,
)
from hook_lsp.knowledge.facts import DOCS_HOOKS, DOCS_TESTS, Fact

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference" / "helm-hook-semantics.md"
CORPUS = ROOT.parent / "shared" / "corpus"
MODULES = (events, policies, weights, kinds_text, keys, scaffolds)


def _walk(value, out: list[Fact]) -> None:
    if isinstance(value, Fact):
        out.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            _walk(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _walk(v, out)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _walk(getattr(value, f.name), out)


def all_facts() -> list[Fact]:
    out: list[Fact] = []
    for module in MODULES:
        for name, value in vars(module).items():
            if not name.startswith("__"):
                _walk(value, out)
    unique = {id(f): f for f in out}
    return list(unique.values())


def all_texts() -> list[str]:
    """Every sentence the server can show, for both Helm versions."""
    texts = [t for f in all_facts() for t in f.variants()]
    texts += [d.summary for d in events.EVENT_DOCS.values()]
    texts += [d.summary for d in policies.DELETE_POLICY_DOCS.values()]
    texts += [d.summary for d in policies.OUTPUT_LOG_POLICY_DOCS.values()]
    texts += [d.summary for d in keys.KEY_DOCS.values()]
    texts += [s.detail for s in scaffolds.SCAFFOLDS] + [s.label for s in scaffolds.SCAFFOLDS]
    texts += [v for m in (weights, phrases, reruns) for k, v in vars(m).items() if k.isupper() and isinstance(v, str)]
    texts += [r.template for r in reruns.REASONS]
    return texts


# --------------------------------------------------------------------------------------------
# Completeness and citations


def test_every_event_policy_and_key_has_a_doc():
    assert set(events.EVENT_DOCS) == set(A.EVENT_NAMES)
    assert set(events.ALIAS_FACTS) == set(A.EVENT_ALIASES)
    assert set(events.REMOVED_FACTS) == set(A.REMOVED_EVENTS)
    assert tuple(policies.DELETE_POLICY_DOCS) == A.DELETE_POLICIES
    assert tuple(policies.OUTPUT_LOG_POLICY_DOCS) == A.OUTPUT_LOG_POLICIES
    assert set(keys.KEY_DOCS) == set(A.KNOWN_HELM_KEYS)
    assert set(kinds_text.WAIT_FACTS) >= {"Job", "Pod"}


def test_every_fact_cites_a_section_of_the_reference():
    headings = set()
    if REFERENCE.is_file():
        for line in REFERENCE.read_text(encoding="utf-8").splitlines():
            m = re.match(r"#+ (\d+(?:\.\d+)?)[ .]", line)
            if m:
                headings.add(m.group(1))
        # Numbered items inside a section (§1.2.5, §9.9) cite the section they are in.
    facts = all_facts()
    assert len(facts) > 40
    for fact in facts:
        cited = re.findall(r"§(\d+(?:\.\d+)*)", fact.section)
        assert cited, fact.text
        for section in cited:
            parts = section.split(".")
            if headings:
                assert ".".join(parts[:2]) in headings or parts[0] in headings, (section, fact.text)


def test_every_rerun_reason_cites_the_reference_or_kubernetes():
    headings = set()
    if REFERENCE.is_file():
        for line in REFERENCE.read_text(encoding="utf-8").splitlines():
            m = re.match(r"#+ (\d+(?:\.\d+)?)[ .]", line)
            if m:
                headings.add(m.group(1))
    declared = [v for v in vars(reruns).values() if isinstance(v, reruns.Reason)]
    assert set(declared) == set(reruns.REASONS) and len(declared) >= 10
    for reason in reruns.REASONS:
        cited = re.findall(r"§(\d+(?:\.\d+)*)", reason.section)
        assert cited, reason.template
        for section in cited:
            if headings:
                parts = section.split(".")  # §9.3 is item 3 of §9
                assert ".".join(parts[:2]) in headings or parts[0] in headings, (section, reason.template)
    # Retries and restarts are Kubernetes behaviour; their citations say so.
    for reason in (reruns.RETRY_DEFAULT, reruns.RETRY, reruns.RESTART_IN_PLACE, reruns.POD_RESTART):
        assert "Kubernetes" in reason.section, reason.template
    assert reruns.RETRY_DEFAULT.format(limit=reruns.DEFAULT_BACKOFF_LIMIT).count("6") == 2


def test_helm3_differences_are_stated_in_helm4_text():
    differing = [f for f in all_facts() if f.helm3 is not None]
    assert len(differing) >= 6
    for fact in differing:
        assert fact.render("3") == fact.helm3
        assert fact.render("4").startswith(fact.text) and "(Helm 3: " in fact.render("4")


def test_flag_names_follow_the_version():
    failure = events.EVENT_DOCS["pre-install"].failure
    assert "--rollback-on-failure" in failure.render("4")
    assert "--rollback-on-failure" not in failure.render("3") and "--atomic" in failure.render("3")


# --------------------------------------------------------------------------------------------
# Myths


MYTHS = {
    "a: automatic rollback": [
        r"\bautomatic(ally)?\s+roll",
        r"\broll(s|ed)?\s+back\s+automatically",
        r"\bhelm\s+(then\s+)?rolls?\s+back",
        r"\brelease\s+(stays|remains)\s+at\s+the\s+previous\s+version",
    ],
    "b: post-* failure leaves the release deployed": [
        r"\bpost-(install|upgrade)\b[^.]*\b(stays|remains|is)\s+`?deployed",
        r"\bonly\s+a\s+warning\b",
        r"\bwarning\s+(is\s+)?printed\b",
    ],
    "d: something kills a hung Job": [
        r"\b(kubernetes|k8s)\s+(will\s+)?(eventually\s+)?(kills?|stops?|terminates?)\b",
        r"\bhelm\s+(will\s+)?(kills?|stops?|terminates?|cancels?)\s+(the|a|hung)\b",
        r"\btimes?\s+out\s+naturally\b",
    ],
    "e: test hooks ignore delete policies": [
        r"\btest\s+hooks?\b[^.]*\b(ignore|without|no|not)\b[^.]*\bdelete\s+polic",
        r"\bdelete\s+polic\w*\b[^.]*\b(ignored|do\s+not\s+apply|don't\s+apply)\b[^.]*\btest",
    ],
}


def myths_in(text: str) -> list[str]:
    return [name for name, patterns in MYTHS.items() if any(re.search(p, text, re.IGNORECASE) for p in patterns)]


@pytest.mark.parametrize(
    "claim",
    [
        "If a pre-upgrade hook fails, Helm automatically rolls back the upgrade.",
        "Helm rolls back and the release stays at the previous version.",
        "A post-install failure: the release stays deployed and a warning is printed.",
        "Jobs time out naturally: Kubernetes will eventually kill a hung Job.",
        "Test hooks have no delete policy; they are handled specially.",
    ],
)
def test_myth_detector_recognises_the_tutorial_claims(claim):
    assert myths_in(claim)


def test_no_text_states_a_myth():
    for text in all_texts():
        assert not myths_in(text), text


@pytest.mark.parametrize("v", ["3", "4"])
def test_failure_facts_tell_the_truth(v):
    def failure(event: str) -> str:
        return events.EVENT_DOCS[event].failure.render(v)

    for event in ("pre-install", "post-install", "pre-upgrade", "post-upgrade"):
        assert "marked `failed`" in failure(event) and "unless `--" in failure(event)  # (a), (b)
    for event in ("post-install", "post-upgrade"):
        assert "deployed" not in failure(event)  # (b)
    assert "`uninstalling`" in failure("pre-delete") and "Nothing is deleted" in failure("pre-delete")  # (c)
    assert "Delete policies apply" in failure("test")  # (e)
    assert "does not stop a hung Job" in kinds_text.WAIT_FACTS["Job"][1].render(v)  # (d)
    assert "*all* hooks of this event" in policies.DELETE_POLICY_DOCS["hook-succeeded"].facts[0].render(v)
    assert "any value at all" in policies.DEFAULT_SWITCHED_OFF.render(v)


@pytest.mark.parametrize(
    "token, title, fact",
    [
        ("test-success", "**`test-success`**: alias of `test`", events.ALIAS_FACTS["test-success"]),
        ("crd-install", "**`crd-install`**: removed hook event", events.REMOVED_FACTS["crd-install"]),
        ("test-failure", "**`test-failure`**: removed hook event", events.REMOVED_FACTS["test-failure"]),
        ("pre-instal", "**`pre-instal`**: unknown hook event", events.UNKNOWN_EVENT),
    ],
)
def test_aliases_removed_and_unknown_events(token, title, fact):
    analysis = analyse_template(f"kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: {token}\n", "t.yaml")
    found = hover(analysis, analysis.text.index(token) + 2, None)
    assert found.markdown.startswith(title) and fact.render("4") in found.markdown


def test_snippets_degrade_to_plain_text():
    assert strip_snippet('a: ${1:x}-${2|one,two|} $0 \\$HOME ${3}') == "a: x-one  $HOME "
    for sc in scaffolds.SCAFFOLDS:
        assert "$" not in strip_snippet(sc.document()) and "${" in sc.document()


def test_scaffolds_avoid_the_known_traps():
    for sc in scaffolds.SCAFFOLDS:
        body = strip_snippet(sc.document())
        doc = analyse_template(body, "s.yaml").resources[0]
        assert doc.hook is not None and not doc.hook.skipped, sc.name
        assert "before-hook-creation" in doc.hook.effective_delete_policies
        if doc.workload is not None:
            assert doc.workload.restart_policy.value == "Never"
            assert doc.workload.pod_spec.get("activeDeadlineSeconds") is not None or (
                doc.workload.active_deadline_seconds is not None
            )
            if doc.kind == "Job":
                assert int(doc.workload.backoff_limit.value) <= 3


# --------------------------------------------------------------------------------------------
# No prose outside the knowledge package


PROSE = re.compile(r"[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}")
PRODUCERS = [
    ROOT / "hook_lsp" / "analysis" / "completions.py",
    ROOT / "hook_lsp" / "analysis" / "hovers.py",
    ROOT / "hook_lsp" / "features" / "completion.py",
    ROOT / "hook_lsp" / "features" / "hover.py",
]


@pytest.mark.parametrize("path", PRODUCERS, ids=lambda p: p.name)
def test_no_prose_hard_coded_in_producers(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            assert not PROSE.search(node.value), f"{path.name}:{node.lineno}: {node.value!r}"


def _template_regex(template: str) -> str:
    return re.sub(r"\\\{[a-z_]+\\\}", ".+?", re.escape(template))


_EVENT = r"[a-z]+-[a-z]+|test"
#: What each field of a `reruns` template may be filled with (nothing free-form).
_RERUN_FIELDS = {
    "events": rf"(?:{_EVENT})(?:(?:{re.escape(reruns.EVENTS_SEPARATOR)}|{re.escape(reruns.PER_OPERATION_SEPARATOR)})(?:{_EVENT}))*",
    "operation": r"install|upgrade|rollback|delete",
    "count": r"\d+",
    "limit": r"\d+",
    "times": "|".join(
        (re.escape(reruns.RETRY_ONCE), re.escape(reruns.RETRY_TIMES).replace(re.escape("{limit}"), r"\d+"))
    ),
    "policy": rf"{re.escape(reruns.POD_DEFAULT_POLICY)}|Always|OnFailure",
}


def _rerun_regex(template: str) -> str:
    return re.sub(r"\\\{([a-z_]+)\\\}", lambda m: f"(?:{_RERUN_FIELDS[m.group(1)]})", re.escape(template))


def _rerun_rows_ok(paragraph: str) -> bool:
    """Every row is "- " and a `knowledge.reruns` reason, its fields filled as `explain` fills them."""
    reason = "|".join(_rerun_regex(r.template) for r in reruns.REASONS)
    return all(re.fullmatch(rf"- (?:{reason})", row) for row in paragraph.splitlines())


def _shown_paragraph_ok(paragraph: str, facts: set[str]) -> bool:
    """True when a markdown paragraph is a knowledge fact, phrase, link, scaffold body, or a list
    of re-run reasons."""
    body = re.sub(r"^\*\*[^*]+:\*\* ", "", paragraph)
    if body in facts:
        return True
    templates = [v for m in (weights, phrases) for k, v in vars(m).items() if k.isupper() and isinstance(v, str)]
    if any(re.fullmatch(_template_regex(t), paragraph) for t in templates):
        return True
    if paragraph.startswith("- ") and _rerun_rows_ok(paragraph):
        return True
    if paragraph.startswith("- "):
        neighbour = "|".join(
            _template_regex(t)
            for t in (weights.AFTER, weights.BEFORE, weights.AFTER_BY_NAME, weights.BEFORE_BY_NAME,
                      weights.AFTER_BY_KIND, weights.BEFORE_BY_KIND, weights.UNKNOWN_AGAINST)
        )
        line = rf"- (?:{_template_regex(weights.POSITION)}(?:, (?:{neighbour}))*|{_template_regex(weights.ONLY_HOOK)})"
        return all(re.fullmatch(line, row) for row in paragraph.splitlines())
    if paragraph.startswith("```yaml\n"):
        return any(paragraph[8:-4] in strip_snippet(s.document()) for s in scaffolds.SCAFFOLDS)
    return paragraph in (f"**{s.label}**" for s in scaffolds.SCAFFOLDS)


def _corpus_files() -> list[Path]:
    files = sorted(CORPUS.glob("*/**/templates/**/*.yaml")) if CORPUS.is_dir() else []
    return files[::6]


@pytest.mark.parametrize("v", ["3", "4"])
def test_every_shown_text_comes_from_knowledge(v):
    facts = {t for f in all_facts() for t in f.variants()}
    facts.add(weights.NOT_AN_INTEGER)
    summaries = set(all_texts())
    project = Project()
    demo = ROOT / "tests" / "e2e" / "workspace" / "demo" / "templates"
    files = sorted(demo.glob("*.yaml")) + _corpus_files()
    hovers = completions = script_hovers = 0
    checked: set[str] = set()

    def check_paragraphs(markdown: str, where: str) -> None:
        if markdown in checked:
            return
        for paragraph in markdown.split("\n\n"):
            ok = _shown_paragraph_ok(paragraph, facts) or re.fullmatch(
                _template_regex(weights.NOT_AN_INTEGER), paragraph
            )
            assert ok, (where, paragraph)
        assert not myths_in(markdown)
        checked.add(markdown)

    for path in files:
        result = project.check(str(path))
        analysis = result.analysis
        for offset in range(0, len(analysis.text), 4):
            found = hover(analysis, offset, result.chart, Profile.of("helm", v))
            if found is not None:
                hovers += 1
                script_hovers += found.markdown.startswith(phrases.SCRIPT_RERUN_TITLE)
                check_paragraphs(found.markdown, path.name)
            for item in complete(analysis, offset, result.chart, Profile.of("helm", v)):
                completions += 1
                assert item.detail in summaries or any(
                    re.fullmatch(_template_regex(t), item.detail)
                    for t in (weights.SUGGEST_BEFORE, weights.SUGGEST_BETWEEN, weights.SUGGEST_AFTER,
                              weights.SUGGEST_ALONE)
                ), item.detail
                check_paragraphs(item.documentation, path.name)
    assert hovers > 50 and completions > 50 and script_hovers > 50


def test_links_point_at_helm_docs():
    assert DOCS_HOOKS == "https://helm.sh/docs/topics/charts_hooks/"
    assert events.EVENT_DOCS["test"].docs_url == DOCS_TESTS
    analysis = analyse_template("kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: test\n", "t.yaml")
    found = hover(analysis, analysis.text.index("Job"), single_file_chart(analysis))
    assert f"]({DOCS_HOOKS})" in found.markdown


def test_no_myth_in_rule_docs_guides_or_messages():
    """The generated rule docs, the editor guides and the corpus report say nothing a tutorial got wrong."""
    docs = [ROOT / "README.md", ROOT / "docs" / "rules.md", *sorted((ROOT / "docs" / "editors").glob("*.md"))]
    report = ROOT / "tests" / "corpus" / "report.txt"
    for path in docs + [report]:
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            assert not myths_in(paragraph), (path.name, paragraph)
