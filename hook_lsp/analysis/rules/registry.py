"""The rule registry: the `@rule` decorator, violations and fixes.

A rule is a function registered with a stable code (``HK`` + three digits, never reused), a
kebab-case name that names the problem, a default severity, whether it can offer a fix, and a
docstring with *What it does / Why is this bad? / Example / Fix* sections. That docstring is the
documentation: `docs/rules.md` is generated from this registry.

Scopes: a ``resource`` rule is called once per document of a template with
``(resource, ctx)``; a ``template`` rule once per file with ``(template, ctx)``. ``ctx.chart``
gives chart-wide rules the other templates and Helm's execution order.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator

from ...knowledge import versions
from ..source import Span

if TYPE_CHECKING:  # pragma: no cover
    from ..chart import Chart
    from ..config import AnalysisConfig
    from ..profile import Profile
    from ..hook_model import TemplateAnalysis

_CODE = re.compile(r"^HK\d{3}$")
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: Names must read as "allow <name>" and name the problem, never the fix.
_FIX_WORDS = re.compile(r"^(avoid|use|prefer|consider|do-not|dont|rewrite|add|missing-fix)-|-used$")
REQUIRED_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Fix")


class Severity:
    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"
    HINT = "hint"
    ORDER = ("error", "warning", "information", "hint")

    @classmethod
    def at_least(cls, severity: str, threshold: str) -> bool:
        return cls.ORDER.index(severity) <= cls.ORDER.index(threshold)


class FixAvailability:
    NONE = "none"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


@dataclass(frozen=True)
class Edit:
    span: Span
    new_text: str


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    #: Safe fixes keep what Helm does except for the problem fixed; "fix all" applies only these.
    safe: bool = True

    @classmethod
    def replace(cls, span: Span, text: str, title: str, safe: bool = True) -> "Fix":
        return cls(title, (Edit(span, text),), safe)


@dataclass(frozen=True)
class Related:
    """Another place that explains a violation (a ``define``, the resource it depends on)."""

    path: str
    span: Span
    message: str


@dataclass
class Violation:
    code: str
    span: Span
    message: str
    severity: str = Severity.WARNING
    fixes: list[Fix] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    #: "unnecessary" (faded text) or "deprecated" (struck through), as LSP diagnostic tags.
    tags: tuple[str, ...] = ()
    #: Path of the file the violation is in (filled by the engine).
    path: str = ""
    #: A severity this violation carries itself (e.g. ShellCheck's level); it replaces the rule's
    #: default unless the user configured a level for the rule.
    own_severity: str | None = None

    @property
    def rule(self) -> "Rule":
        return REGISTRY[self.code]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    fix: str
    scope: str
    check: Callable[..., Iterator[Violation]]
    summary: str
    doc: str
    since: str = "0.1.0"
    #: The deployers (lifecycle profiles) the rule is about; None = every deployer. A profile
    #: may still exclude a rule whose premise does not hold under it (`knowledge.deployers`).
    deployers: tuple[str, ...] | None = None


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: str,
    fix: str = FixAvailability.NONE,
    scope: str = "resource",
    since: str = "0.1.0",
    deployers: tuple[str, ...] | None = None,
) -> Callable[[Callable[..., Iterator[Violation]]], Callable[..., Iterator[Violation]]]:
    """Register a rule function; see the module docstring for the contract."""

    def register(func: Callable[..., Iterator[Violation]]) -> Callable[..., Iterator[Violation]]:
        if not _CODE.match(code):
            raise ValueError(f"{code}: rule codes are HK + three digits")
        if code in REGISTRY:
            raise ValueError(f"{code} is registered twice")
        if not _NAME.match(name) or _FIX_WORDS.search(name):
            raise ValueError(f"{code}: {name!r} must be kebab-case and name the problem")
        if any(r.name == name for r in REGISTRY.values()):
            raise ValueError(f"{code}: name {name!r} is taken")
        if severity not in Severity.ORDER or scope not in ("resource", "template"):
            raise ValueError(f"{code}: bad severity or scope")
        doc = inspect.cleandoc(func.__doc__ or "")
        missing = [s for s in REQUIRED_SECTIONS if s not in doc]
        if missing:
            raise ValueError(f"{code}: docstring lacks {', '.join(missing)}")
        summary = doc.split("## What it does", 1)[1].strip().split("\n\n", 1)[0].replace("\n", " ")
        REGISTRY[code] = Rule(code, name, severity, fix, scope, func, summary, doc, since, deployers)
        return func

    return register


@dataclass
class RuleContext:
    """What a rule may consult besides the resource or template it is given."""

    template: "TemplateAnalysis"
    config: "AnalysisConfig"
    chart: "Chart | None" = None
    code: str = ""

    def violation(self, span: Span, message: str, fixes: list[Fix] | None = None, **kw) -> Violation:
        return Violation(self.code, span, message, fixes=fixes or [], **kw)

    @property
    def profile(self) -> "Profile":
        return self.config.profile

    @property
    def helm3(self) -> bool:
        return self.config.profile.helm3


def rules_by_name() -> dict[str, Rule]:
    return {r.name: r for r in REGISTRY.values()}
