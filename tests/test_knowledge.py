"""The knowledge tables behind hover and completion: complete, each sentence tied to a section of
the shipped guide (docs/helm-hooks.md), free of the known myths, and the only source of the prose
the server shows.

Myths are claims common in tutorials that Helm's source contradicts: no rollback without
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
from hook_lsp.analysis.rules.registry import REGISTRY
from hook_lsp.knowledge import guide
from hook_lsp.knowledge.facts import DOCS_HOOKS, DOCS_TESTS, Fact

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "helm-hooks.md"
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


def test_every_fact_cites_a_section_of_the_guide():
    facts = all_facts()
    assert len(facts) > 40
    shown = guide_anchors_in_docs()
    for fact in facts:
        cited = guide.anchors(fact.section)
        assert cited, fact.text
        assert set(cited) <= shown, (cited, fact.text)


def test_every_rerun_reason_cites_the_guide_or_kubernetes():
    shown = guide_anchors_in_docs()
    declared = [v for v in vars(reruns).values() if isinstance(v, reruns.Reason)]
    assert set(declared) == set(reruns.REASONS) and len(declared) >= 10
    for reason in reruns.REASONS:
        cited = guide.anchors(reason.section)
        assert cited and set(cited) <= shown, reason.template
    # Retries and restarts are Kubernetes behaviour; their citations say so.
    for reason in (reruns.RETRY_DEFAULT, reruns.RETRY, reruns.RESTART_IN_PLACE, reruns.POD_RESTART):
        assert "#kubernetes" in reason.section, reason.template
    assert reruns.RETRY_DEFAULT.format(limit=reruns.DEFAULT_BACKOFF_LIMIT).count("6") == 2


def guide_anchors_in_docs() -> set[str]:
    """Anchors of the shipped guide: ``<a id="x"></a>`` right above a ``## `` heading whose text is
    the section's title in `guide.SECTIONS`."""
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    found = set()
    for i, line in enumerate(lines[:-1]):
        m = re.fullmatch(r'<a id="([a-z0-9-]+)"></a>', line)
        if m:
            assert lines[i + 1] == f"## {guide.SECTIONS[m.group(1)]}", (m.group(1), lines[i + 1])
            found.add(m.group(1))
    return found


def test_the_guide_has_every_section_and_each_statement_links_helm_source():
    assert guide_anchors_in_docs() == set(guide.SECTIONS)
    text = GUIDE.read_text(encoding="utf-8")
    links = re.findall(r"https://github\.com/helm/helm/(?:blob|tree)/(v\d+\.\d+\.\d+)/", text)
    assert len(links) > 60 and {"v3.21.4", "v4.2.4"} <= set(links)
    # Every section links Helm's source at a tag, except the summary table and Kubernetes' part.
    for part in re.split(r'<a id="', text)[1:]:
        anchor = part.split('"', 1)[0]
        if anchor not in ("kubernetes", "helm-3-vs-4"):
            assert "github.com/helm/helm/" in part, anchor
    # Links inside the guide point at its own anchors.
    for target in re.findall(r"\]\(#([a-z0-9-]+)\)", text):
        assert target in guide.SECTIONS, target


SECTION_LINK = re.compile(r"helm-hooks\.md#([a-z0-9-]+)")
RULE_LINK = re.compile(r"rules\.md#([a-z0-9-]+)")


def test_every_link_into_the_docs_names_an_existing_anchor():
    """Rule docstrings, knowledge, docs pages: a cited section or rule anchor that does not exist fails."""
    sections = guide_anchors_in_docs()
    rule_anchors = {guide.rule_anchor(r.code, r.name) for r in REGISTRY.values()}
    sources = [*sorted((ROOT / "hook_lsp").rglob("*.py")), *sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
    cited = 0
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for anchor in SECTION_LINK.findall(text):
            assert anchor in sections, (path.name, anchor)
            cited += 1
        for anchor in RULE_LINK.findall(text):
            assert anchor in rule_anchors, (path.name, anchor)
    assert cited > 30
    for r in REGISTRY.values():
        assert f"## {r.code} {r.name}" in (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


def test_no_section_sign_or_research_notes_anywhere_in_the_product():
    for path in [*sorted((ROOT / "hook_lsp").rglob("*.py")), *sorted((ROOT / "docs").rglob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        assert "\u00a7" not in text, path
        assert "hook-semantics" not in text and "shared/reference" not in text, path


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
        names = "|".join(
            _template_regex(t)
            for t in (weights.RENDERED_NAME, weights.RENDERED_NAME_RELEASE, weights.UNKNOWN_NAME, weights.UNCERTAIN)
        )
        line = rf"- (?:{_template_regex(weights.POSITION)}(?:, (?:{neighbour}))*|{_template_regex(weights.ONLY_HOOK)}|{names})"
        return all(re.fullmatch(line, row) for row in paragraph.splitlines())
    if paragraph.startswith("```yaml\n"):
        return any(paragraph[8:-4] in strip_snippet(s.document()) for s in scaffolds.SCAFFOLDS)
    return paragraph in (f"**{s.label}**" for s in scaffolds.SCAFFOLDS)


def _corpus_files() -> list[Path]:
    """Every sixth corpus template, plus the script rules' own fixtures, so that script hovers
    are checked in a plain clone too (the corpus lives outside the repository)."""
    files = sorted(CORPUS.glob("*/**/templates/**/*.yaml")) if CORPUS.is_dir() else []
    fixtures = sorted((ROOT / "tests" / "rules" / "fixtures").glob("HK3*/**/templates/**/*.yaml"))
    return files[::6] + fixtures


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


# --------------------------------------------------------------------------------------------
# Corrections read from Helm's source (each pins one sentence)


def test_before_hook_creation_wait_is_stated_per_action():
    fact = policies.DELETE_POLICY_DOCS["before-hook-creation"].facts[0]
    h4 = fact.render("4")
    assert "only in `helm test`" in h4 and "`--rollback-on-failure`" in h4 and "`--wait=legacy`" in h4
    assert "unless `--wait` is given" not in h4
    assert "waits until it is gone, up to `--timeout`" in fact.render("3")
    assert "whichever release created it" in h4 and "whichever release created it" in fact.render("3")


def test_succeeded_output_logs_wait_for_the_whole_event_and_never_follow_a_failure():
    text = policies.OUTPUT_LOG_POLICY_DOCS["hook-succeeded"].facts[0].render("4")
    assert "once *every* hook of this event has succeeded" in text and "in reverse order" in text
    assert "never printed" in text
    assert "does not read this annotation" in policies.OUTPUT_LOG_POLICY_DOCS["hook-succeeded"].facts[0].render("3.17")


def test_hook_failed_deletes_nothing_when_creating_the_object_fails():
    facts = policies.DELETE_POLICY_DOCS["hook-failed"].facts
    assert "Not when creating the object fails" in facts[0].render("4")
    assert "not when creating the object failed" in policies.OUTPUT_LOG_POLICY_DOCS["hook-failed"].facts[0].render("4")


@pytest.mark.parametrize("v, expected", [("3", "(since Helm 3.19)"), ("3.19", "also deleted"), ("3.18", "it stays"), ("4", "also deleted")])
def test_cleanup_of_succeeded_hooks_on_failure_is_a_319_fact(v, expected):
    assert expected in policies.DELETE_POLICY_DOCS["hook-succeeded"].facts[1].render(v)


@pytest.mark.parametrize("v, expected", [("3", "no limit"), ("4.0", "no limit"), ("4.1", "30 s"), ("4", "30 s")])
def test_timeout_zero_per_version(v, expected):
    assert expected in kinds_text.TIMEOUT_ZERO.render(v)
    assert "gets no time at all" in kinds_text.TIMEOUT_ZERO.render("3")


def test_ttl_deletion_is_a_race_not_a_certainty():
    job = kinds_text.WAIT_FACTS["Job"][0].render("4")
    assert "before Helm's watcher has seen it complete" in job and "`--wait=legacy`" in job


def test_one_job_deadline_recommendation():
    from hook_lsp.analysis.rules.registry import REGISTRY

    deadline = kinds_text.JOB_DEADLINE_SECONDS
    assert deadline < kinds_text.DEFAULT_TIMEOUT_SECONDS
    for sc in scaffolds.SCAFFOLDS:
        if sc.kind == "Job":
            assert f"activeDeadlineSeconds: ${{4:{deadline}}}" in sc.document(), sc.name
    assert f"activeDeadlineSeconds: {deadline}" in REGISTRY["HK209"].doc
    assert f"5m, {deadline} s" in GUIDE.read_text(encoding="utf-8")


def test_delete_hooks_also_run_when_a_failed_install_is_undone():
    for event in ("pre-delete", "post-delete"):
        runs = events.EVENT_DOCS[event].runs
        assert "`--rollback-on-failure` undoes a failed install" in runs.render("4")
        assert "`--atomic` undoes a failed install" in runs.render("3")
    assert "runs its pre- and post-delete hooks" in events.EVENT_DOCS["pre-install"].failure.render("4")
    assert "`--replace`" in events.EVENT_DOCS["pre-install"].runs.render("4")


@pytest.mark.parametrize("event, status", [("pre-install", "pending-install"), ("post-upgrade", "pending-upgrade"), ("pre-rollback", "pending-rollback")])
def test_failure_hover_says_what_a_killed_helm_leaves(event, status):
    analysis = analyse_template(f"kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: {event}\n", "t.yaml")
    found = hover(analysis, analysis.text.index(event) + 2, None)
    assert f"**{phrases.INTERRUPTED}:**" in found.markdown and f"`{status}`" in found.markdown
    assert "helm-hooks.md#interrupted" in found.markdown


def test_post_renderers_reach_hooks_in_helm4_only():
    fact = next(f for f in keys.KEY_DOCS[A.HOOK].facts if "#post-renderers" in f.section)
    assert "passes hook manifests through it" in fact.render("4")
    assert "never sees hook manifests" in fact.render("3")


def test_hovers_link_the_guide_sections_of_their_sentences():
    analysis = analyse_template("kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook-delete-policy: hook-failed\n", "t.yaml")
    found = hover(analysis, analysis.text.index("hook-failed") + 2, None)
    assert "§" not in found.markdown and "reference" not in found.markdown
    links = re.findall(r"\]\((https://[^)]+)\)", found.markdown)
    assert guide.section_url("deletion") in links and guide.section_url("output-logs") in links
