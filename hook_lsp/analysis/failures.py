"""Failures of the analysis itself, so that none is ever reported as "no problems".

Bad input degrades to "unknown" by design (budgets, unparsable YAML). A failure is different:
the analysis of a file stopped early (out of memory, nesting too deep for the interpreter, an
internal error), so its result may be missing findings. Each failure is kept with the file's
result; `check` prints it and exits 2, and the server shows an error diagnostic.
"""

from __future__ import annotations


def describe(exc: BaseException, where: str = "") -> str:
    """A one-line description of why analysis failed (``where``: what was being analysed)."""
    if isinstance(exc, MemoryError):
        what = "out of memory"
    elif isinstance(exc, RecursionError):
        what = "input nested too deeply"
    else:
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        what = f"internal error ({type(exc).__name__}{': ' + detail if detail else ''})"
    return f"{where}: {what}" if where else what
