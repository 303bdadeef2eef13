"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per finding,
which the Actions runner turns into annotations on the pull request's diff.

Data and property values are escaped as the runner expects (``%``, CR, LF in the message; also
``:`` and ``,`` in properties).
"""

from __future__ import annotations

from .findings import Finding

_COMMAND = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: list[Finding], files: int) -> str:
    lines = []
    for f in findings:
        props = [f"file={_prop(f.file)}", f"line={f.line}", f"col={f.column}", f"endLine={f.end_line}"]
        if f.end_line == f.line:
            props.append(f"endColumn={max(f.end_column, f.column)}")
        title = f.code or "hook-lsp"
        props.append(f"title={_prop(title)}")
        lines.append(f"::{_COMMAND.get(f.severity, 'notice')} {','.join(props)}::{_data(f.message)}")
    return "".join(line + "\n" for line in lines)
