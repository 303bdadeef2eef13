"""Renderings of a `Timeline`: terminal text (coloured on a TTY), JSON and Mermaid.

The Mermaid flowchart renders in GitHub and VS Code markdown previews (```` ```mermaid ````
fence): one box per step, hooks inside in execution order, deletions and waits as notes. The
text ends with the guide whose sections (`#order`, `#deletion`) each step names.
"""

from __future__ import annotations

import json

from ..analysis.timeline import Step, Timeline, TimelineHook
from ..knowledge import guide
from ..knowledge.deployers import DEPLOYERS

_RESET = "\033[0m"
_STYLES = {"bold": "\033[1m", "dim": "\033[2m", "cyan": "\033[36m", "yellow": "\033[33m", "green": "\033[32m", "red": "\033[31m"}


def _paint(text: str, style: str, colour: bool) -> str:
    return f"{_STYLES[style]}{text}{_RESET}" if colour else text


def _where(h: TimelineHook, root: str) -> str:
    path = h.path
    if root and path.startswith(root.rstrip("/") + "/"):
        path = path[len(root.rstrip("/")) + 1 :]
    return f"{path}:{h.line}"


def _short_name(name: str) -> str:
    return name if len(name) <= 60 else name[:57] + "..."


def _title(t: Timeline) -> str:
    """``helm upgrade shop``, or the deployer's own name for the operation."""
    name = t.deployer.split("@")[0]
    if name == "argocd":
        verb = {"uninstall": "delete the Application", "test": "test", "rollback": "sync to an earlier revision"}.get(
            t.operation, "sync"
        )
        return f"argocd {verb} {t.chart}"
    return f"{name} {t.operation} {t.chart}" if name != "helm" else f"helm {t.operation} {t.chart}"


def _order_note(t: Timeline) -> str:
    if t.deployer == "helm":
        return f"  (Helm {t.helm_version} order)"
    name, _, version = t.deployer.partition("@")
    if name == "argocd":
        return f"  (Argo CD {version}: phases, then waves; a wave's resources are applied together)"
    label = DEPLOYERS[name].label if name in DEPLOYERS else name
    return f"  ({label} {version} running Helm {t.helm_version}: Helm's order)"


def text(t: Timeline, colour: bool = False, docs_base_url: str | None = None) -> str:
    out = [_paint(_title(t), "bold", colour) + _paint(_order_note(t), "dim", colour)]
    for n, step in enumerate(t.steps, 1):
        refs = " ".join(step.refs)
        out.append("")
        out.append(f"{_paint(f'{n:>2}.', 'bold', colour)} {_paint(step.title, 'cyan', colour)}  {_paint(refs, 'dim', colour)}")
        if step.kind == "cleanup":
            for h in step.hooks:
                out.append(f"      {_paint('✗', 'red', colour)} delete {h.kind or '?'} {_short_name(h.name)}")
        else:
            width = max((len(str(h.weight)) for h in step.hooks), default=1)
            for h in step.hooks:
                weight = "?" if h.weight is None else str(h.weight)
                flags = []
                if h.subchart:
                    flags.append(f"subchart {h.subchart}")
                if h.origin == "resolved":
                    flags.append("from helper/values")
                if not h.order_certain:
                    flags.append("order uncertain")
                flag_text = _paint(f"  [{', '.join(flags)}]", "yellow", colour) if flags else ""
                mark = "  ‖" if step.kind == "wave" and h.total > 1 else f"{h.position:>3}."
                label = "wave" if step.kind == "wave" else "weight"
                out.append(
                    f"   {mark} {label} {weight:>{width}}  {_paint(h.kind or '?', 'bold', colour)} "
                    f"{_short_name(h.name)}{flag_text}"
                )
                policies = "templated" if h.delete_policies is None else ", ".join(h.delete_policies) or "none"
                out.append(
                    _paint(f"        {_where(h, t.root)} · waits for {h.waits_for} · delete policy: {policies}", "dim", colour)
                )
                if h.name_why:
                    out.append(_paint(f"        name unknown: {h.name_why}", "dim", colour))
                if h.uncertain_why and h.uncertain_why != h.name_why:
                    out.append(_paint(f"        order uncertain: {h.uncertain_why}", "dim", colour))
        out.append(_paint(f"      wait: {step.waits}", "green", colour))
        for note in step.notes:
            out.append(_paint(f"      note: {note}", "dim", colour))
    for note in t.notes:
        out.append("")
        out.append(_paint(f"note: {note}", "yellow", colour))
    out.append("")
    # The "#order #running" after each step title are sections of this guide.
    out.append(_paint(f"guide: {guide.base(docs_base_url)}{guide.GUIDE}", "dim", colour))
    return "\n".join(out) + "\n"


def as_json(t: Timeline, docs_base_url: str | None = None) -> str:
    out = t.as_json()
    out["guide"] = guide.base(docs_base_url) + guide.GUIDE  # each step's `refs` are anchors of it
    return json.dumps(out, indent=2) + "\n"


def _mm(text: str) -> str:
    """Text safe inside a Mermaid ``["..."]`` label."""
    # Mermaid entity codes (`#quot;`, `#35;`): `#` first, so the codes themselves survive.
    out = text.replace("#", "#35;")
    for ch, code in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("{", "#123;"), ("}", "#125;"), ("|", "#124;")):
        out = out.replace(ch, code)
    return out


def mermaid(t: Timeline) -> str:
    lines = ["```mermaid", "flowchart TD", f'  start(["{_mm(_title(t))}"])']
    prev = "start"
    for n, step in enumerate(t.steps, 1):
        sid = f"s{n}"
        if step.kind in ("hooks", "cleanup", "wave") and step.hooks:
            lines.append(f'  subgraph {sid}["{_mm(step.title)}"]')
            lines.append("    direction TB")
            hprev = None
            for k, h in enumerate(step.hooks, 1):
                hid = f"{sid}h{k}"
                weight = "?" if h.weight is None else h.weight
                if step.kind == "cleanup":
                    label = f"delete {h.kind or '?'} {_short_name(h.name)}"
                elif step.kind == "wave":
                    label = f"{h.kind or '?'} {_short_name(h.name)}<br/>wave {weight} · waits for {h.waits_for.split(' (')[0]}"
                else:
                    label = f"{h.position}. {h.kind or '?'} {_short_name(h.name)}<br/>weight {weight} · waits for {h.waits_for.split(':')[0]}"
                lines.append(f'    {hid}["{"<br/>".join(_mm(part) for part in label.split("<br/>"))}"]')
                if hprev and step.kind != "wave":  # a wave's resources are applied together
                    lines.append(f"    {hprev} --> {hid}")
                hprev = hid
            lines.append("  end")
        else:
            shape = ("[/", "/]") if step.kind == "resources" else ("[", "]")
            lines.append(f'  {sid}{shape[0]}"{_mm(step.title)}"{shape[1]}')
        lines.append(f'  {prev} --> {sid}' if prev == "start" else f'  {prev} -->|"{_mm(wait_of(t, prev))}"| {sid}')
        prev = sid
    if t.notes:
        lines.append(f'  {prev} -.- notes["{"<br/>".join(_mm(n) for n in t.notes)}"]')
    lines.append("```")
    return "\n".join(lines) + "\n"


def wait_of(t: Timeline, sid: str) -> str:
    """The (shortened) wait of step ``sN``, as the label of the arrow leaving it."""
    step: Step = t.steps[int(sid[1:]) - 1]
    w = step.waits
    return w if len(w) <= 60 else w[:57] + "..."
