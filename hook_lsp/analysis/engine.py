"""Runs the registered rules over a template and applies settings and suppressions.

`check_template(template, config, chart)` returns the violations of one file, sorted by
position: rule selection and severities come from `AnalysisConfig`; a comment
``# hook-lsp: disable=HK101`` (or ``{{/* hook-lsp: disable=HK101 */}}``) on the line or the
line above silences those codes there, ``disable-file=`` for the whole file. A rule that raises
is logged and recorded in ``failures`` (``strict`` re-raises, for tests): one bad rule never
costs the others, and the caller reports the result as incomplete.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from . import rules as _rules  # noqa: F401  (registers every rule module)
from .config import AnalysisConfig
from .failures import describe
from .hook_model import Resource, TemplateAnalysis
from .resolve.enrich import attach_related
from .rules.registry import REGISTRY, RuleContext, Severity, Violation

log = logging.getLogger(__name__)

_SUPPRESS = re.compile(r"hook-lsp:\s*(disable|disable-file)=([A-Za-z0-9_,\- ]+)")


@dataclass(frozen=True)
class Suppressions:
    by_line: dict[int, frozenset[str]]
    file: frozenset[str]

    def silenced(self, line: int, code: str, name: str) -> bool:
        if code in self.file or name in self.file or "all" in self.file:
            return True
        for ln in (line, line - 1):
            codes = self.by_line.get(ln)
            if codes and (code in codes or name in codes or "all" in codes):
                return True
        return False


def suppressions(template: TemplateAnalysis) -> Suppressions:
    text = template.text
    if "hook-lsp:" not in text:
        return Suppressions({}, frozenset())
    by_line: dict[int, frozenset[str]] = {}
    whole: set[str] = set()
    for m in _SUPPRESS.finditer(text):
        codes = frozenset(c.strip() for c in m.group(2).split(",") if c.strip())
        if m.group(1) == "disable-file":
            whole |= codes
            continue
        line = template.index.position(m.start())[0]
        by_line[line] = by_line.get(line, frozenset()) | codes
    return Suppressions(by_line, frozenset(whole))


#: id(config) -> (config, its enabled rules): a check of thousands of files asks each time.
_ENABLED: dict[int, tuple[AnalysisConfig, list, int]] = {}


def enabled_rules(config: AnalysisConfig):
    hit = _ENABLED.get(id(config))
    if hit is not None and hit[0] is config and hit[2] == len(REGISTRY):
        return hit[1]
    out = []
    profile = config.profile
    for code in sorted(REGISTRY):
        rule = REGISTRY[code]
        if not profile.applies(rule.code, rule.deployers):
            continue  # the rule's premise does not hold under this deployer
        level = config.level_for(rule.code, rule.name, rule.severity)
        if level != "off":
            out.append((rule, level))
    if len(_ENABLED) > 32:
        _ENABLED.clear()
    _ENABLED[id(config)] = (config, out, len(REGISTRY))  # the config is kept: its id is not reused
    return out


#: Rule families that read annotations as written (HK0xx reading, HK1xx annotations): they see
#: each resource as Helm reads it. Every other rule sees a resource whose hook annotation is
#: misspelt or misplaced as the hook its author meant (`Resource.intended_hook`).
_AS_WRITTEN = ("HK0", "HK1")


def _as_meant(resources: list[Resource]) -> list[Resource]:
    """Each resource, or a view of it as the hook it was meant to be."""
    out = []
    for res in resources:
        if res.hook is None and res.intended_hook is not None:
            res = replace(res, hook=res.intended_hook, intended_hook=None)
        out.append(res)
    return out


def check_template(
    template: TemplateAnalysis, config: AnalysisConfig | None = None, chart=None, failures: list[str] | None = None
) -> list[Violation]:
    """All violations of one template, sorted by position, settings and suppressions applied.

    A rule that fails is described in ``failures`` (when given) instead of passing silently.
    """
    config = config or AnalysisConfig()
    out: list[Violation] = []
    meant = None
    for rule, level in enabled_rules(config):
        ctx = RuleContext(template, config, chart, rule.code)
        if rule.scope == "resource" and not rule.code.startswith(_AS_WRITTEN):
            meant = meant if meant is not None else _as_meant(template.resources)
            targets = meant
        else:
            targets = template.resources if rule.scope == "resource" else [template]
        for target in targets:
            try:
                for violation in rule.check(target, ctx):
                    violation.code = rule.code
                    own = violation.own_severity
                    violation.severity = own if own and level == rule.severity else level
                    violation.path = template.path
                    out.append(violation)
            except Exception as exc:  # MemoryError and RecursionError included
                if config.strict:
                    raise
                log.exception("rule %s failed on %s", rule.code, template.path)
                if failures is not None:
                    failures.append(describe(exc, f"rule {rule.code}"))
    attach_related(template, out)
    sup = suppressions(template)
    kept = []
    for v in out:
        line = template.index.position(v.span.start)[0]
        if not sup.silenced(line, v.code, REGISTRY[v.code].name):
            kept.append(v)
    kept.sort(key=lambda v: (v.span.start, v.span.end, v.code))
    return kept


def shellcheck_requests(template: TemplateAnalysis, config: AnalysisConfig, chart=None) -> list[tuple[str, str]]:
    """What `check_template` will ask ShellCheck (HK306) about ``template``, for a batch run
    to start those checks together (`scripts.shellcheck.prefetch`)."""
    from .rules.hk3_shell_checks import shellcheck_requests as of_resource

    for rule, _level in enabled_rules(config):
        if rule.code == "HK306":
            ctx = RuleContext(template, config, chart, rule.code)
            return [r for res in _as_meant(template.resources) for r in of_resource(res, ctx)]
    return []


def worst(violations: list[Violation]) -> str | None:
    for sev in Severity.ORDER:
        if any(v.severity == sev for v in violations):
            return sev
    return None
