"""Hover and completion for annotations a deployer reads besides Helm's (Argo CD's own keys).

Under the ``argocd`` profile: `deployer_hover` explains an ``argocd.argoproj.io/hook``,
``hook-delete-policy`` or ``sync-wave`` key or value, `deployer_values` completes their values,
and `with_deployer_note` adds to the hover of a ``helm.sh/hook`` event or delete policy what
Argo CD makes of it (values compared as written: ``Pre-Install`` maps to nothing). Keys and
values are found on the cursor's line in an ``annotations`` block, the way the helm keys'
line fallback does; everything else stays with `hovers` and `completions`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..knowledge import annotations as A
from ..knowledge import argocd as K
from .hook_model import TemplateAnalysis
from .profile import Profile
from .source import Span

_LINE = re.compile(r"""^(\s*)(["']?)(argocd\.argoproj\.io/[A-Za-z-]+)\2(\s*:\s*)(.*)$""")
_VALUES = {K.HOOK: K.HOOK_VALUES, K.DELETE_POLICY: K.DELETE_POLICY_VALUES}
_DOCS = {K.HOOK: K.PHASE_DOCS, K.DELETE_POLICY: K.DELETE_POLICY_DOCS}


def _line_at(analysis: TemplateAnalysis, offset: int) -> tuple[int, str]:
    text = analysis.text
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, text[start : end if end >= 0 else len(text)]


def _key_doc(key: str) -> str:
    return f"**`{key}`** (Argo CD)\n\n{K.KEY_DOCS[key]}"


def deployer_hover(analysis: TemplateAnalysis, offset: int, profile: Profile) -> tuple[str, Span] | None:
    """Markdown and span for an Argo CD annotation under the cursor (argocd profile only)."""
    if not profile.is_argocd or "argocd.argoproj.io/" not in analysis.text:
        return None
    start, line = _line_at(analysis, offset)
    m = _LINE.match(line)
    if m is None or m.group(3) not in K.KEYS:
        return None
    key = m.group(3)
    col = offset - start
    if m.start(3) <= col < m.end(3):
        return _key_doc(key), Span(start + m.start(3), start + m.end(3))
    if col < m.start(5) or key not in _VALUES:
        return None
    raw = m.group(5)
    quote = raw[:1] if raw[:1] in "'\"" else ""
    body_start = m.start(5) + len(quote)
    body = raw[len(quote) :].split(quote)[0] if quote else raw.split("#")[0]
    pos = 0
    for part in body.split(","):
        a = body_start + pos + (len(part) - len(part.lstrip()))
        b = a + len(part.strip())
        if a <= col <= b and part.strip():
            value = part.strip()
            doc = _DOCS[key].get(value)
            if doc is None:
                close = [v for v in _VALUES[key] if v.lower() == value.lower()]
                hint = f" Did you mean `{close[0]}`? Values are compared as written." if close else ""
                doc = f"Argo CD does not know `{value}` and ignores it (valid: {', '.join(_VALUES[key])}).{hint}"
            return f"**`{value}`** ({key})\n\n{doc}", Span(start + a, start + b)
        pos += len(part) + 1
    return None


def deployer_values(analysis: TemplateAnalysis, offset: int, profile: Profile):
    """Completion of an Argo CD annotation value: (label, detail, doc, text, span) tuples, or None."""
    if not profile.is_argocd or "argocd.argoproj.io/" not in analysis.text:
        return None
    start, line = _line_at(analysis, offset)
    m = _LINE.match(line)
    col = offset - start
    if m is None or m.group(3) not in _VALUES or col < m.start(5):
        return None
    typed = line[m.start(5) : col]
    quote = typed[:1] if typed[:1] in "'\"" else ""
    current = typed[len(quote) :].rsplit(",", 1)[-1]
    prefix = current.strip()
    span = Span(offset - len(prefix), offset)
    present = {p.strip() for p in typed[len(quote) :].split(",")[:-1]}
    key = m.group(3)
    return [
        (v, _DOCS[key][v].split(";")[0], f"**`{v}`** ({key})\n\n{_DOCS[key][v]}", v, span)
        for v in _VALUES[key]
        if v not in present and v.lower().startswith(prefix.lower())
    ]


def key_items(present: frozenset[str], profile: Profile) -> list[tuple[str, str]]:
    """Argo CD keys to offer in an annotations block: (key, markdown)."""
    if not profile.is_argocd:
        return []
    return [(k, _key_doc(k)) for k in K.KEYS if k not in present]


def with_deployer_note(text: str, key: str, written: str, profile: Profile) -> str:
    """A helm.sh hook event or delete policy hover, plus what the profile's deployer makes of ``written``."""
    if not profile.is_argocd:
        note = profile.facts.event_notes.get(A.canonical_event(written.strip().strip("\"'").lower()) or "") if key == A.HOOK else None
        return f"{text}\n\n**{profile.facts.label}:** {note}." if note else text
    value = written.strip().strip("\"'")
    if key == A.HOOK:
        phase = K.HELM_EVENT_PHASES.get(value)
        note = (
            f"**Argo CD:** runs as a `{phase}` hook ({K.PHASE_DOCS[phase]})."
            if phase
            else f"**Argo CD:** `{value}` maps to no phase (values are compared as written); a hook with no other event is never applied."
        )
    elif key == A.DELETE_POLICY:
        name = K.HELM_POLICY_NAMES.get(value)
        note = f"**Argo CD:** read as `{name}`: {K.DELETE_POLICY_DOCS[name]}." if name else (
            f"**Argo CD:** `{value}` is ignored; with no valid policy Argo CD uses `BeforeHookCreation`."
        )
    else:
        return text
    return f"{text}\n\n{note}"


def mark_ignored_events(items: list, key: str, profile: Profile) -> list:
    """``helm.sh/hook`` completion items, with the events Argo CD never runs marked and listed last."""
    if not profile.is_argocd or key != A.HOOK:
        return items
    mapping = K.helm_event_phases(profile.version)
    out = []
    for item in items:
        phase = mapping.get(item.label)
        if phase:
            out.append(replace(item, detail=f"Argo CD: {phase}"))
        else:
            out.append(replace(item, detail="never run by Argo CD", sort_text=f"z{item.sort_text or ''}"))
    return out
