"""Where a finding in a hook script goes in the template, and the fixes that edit it there.

Shared by the HK3xx shell rules: the parsed scripts whose text is in a resource, the template
span of extracted characters, insertions that are exact in the template (`MappedText`), and for
scripts held in a ConfigMap, the hook that runs them (named in the message, linked as related).
Words rendered by template actions are unknown: `free_template_word` tells when one may be an option.
"""

from __future__ import annotations

from ..hook_model import Resource
from ..scripts.analyse import ScriptUnit, units_for
from ..scripts.shell import Command
from ..source import Span
from .registry import Edit, Fix, Related, RuleContext


def script_units(res: Resource, ctx: RuleContext) -> list[ScriptUnit]:
    return [u for u in units_for(res, ctx.template, ctx.chart) if u.shell is not None and u.shell.ok]


def span_of(unit: ScriptUnit, start: int, end: int) -> Span:
    return unit.script.text.span(start, end)


def insert_fix(unit: ScriptUnit, at: int, text: str, title: str, safe: bool = True) -> list[Fix]:
    offset = unit.script.text.insertion_offset(at)
    if offset is None:
        return []
    return [Fix(title, (Edit(Span(offset, offset), text),), safe)]


def only_template(unit: ScriptUnit, start: int, end: int) -> bool:
    """True when a word consists of template output only (quotes aside): it may be anything."""
    text = unit.script.text
    return all(text.templated(k, k + 1) or text.text[k] in "\"'" for k in range(start, end))


def free_template_word(unit: ScriptUnit, cmd: Command, value_options: frozenset[str]) -> bool:
    """True when a word made only of template output is not the value of a known option.

    ``psql -h {{ .Values.host }}`` renders a host name; ``psql {{ .Values.flags }}`` may render
    any option, so what the command does is unknown.
    """
    for i, w in enumerate(cmd.words):
        if only_template(unit, w.start, w.end):
            prev = cmd.words[i - 1].value if i > 0 else None
            if prev not in value_options:
                return True
    return False


def templated_args(unit: ScriptUnit, cmd: Command) -> bool:
    return unit.script.text.templated(cmd.start, cmd.end)


def where(unit: ScriptUnit) -> str:
    s = unit.script
    return f" (in {s.origin}, run by hook `{s.resource.name or s.resource.name_raw or s.resource.kind}`)" if s.hook_template is not None else ""


def related(unit: ScriptUnit) -> list[Related]:
    """For a script held in a ConfigMap: the hook that runs it."""
    s = unit.script
    if s.hook_template is None:
        return []
    return [Related(s.hook_template.path, s.resource.anchor, "the hook that runs this script")]
