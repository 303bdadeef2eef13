"""Hostile-input tests: each case runs with bounded time and memory.

Cases that could allocate without bound if a defect came back run `hook-lsp` in a subprocess
with an address-space cap (`rawlsp.MEMORY_CAP`) and a timeout, so a regression fails the test
instead of taking the machine down; the others use inputs small enough to be harmless.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .rawlsp import ROOT, limit_memory

#: Seconds any one subprocess may take (the cases finish in about a second).
TIMEOUT = 60


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`hook-lsp ARGS` in a capped subprocess; a timeout fails the test."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    try:
        return subprocess.run(
            [sys.executable, "-m", "hook_lsp", *args],
            cwd=cwd or ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            preexec_fn=limit_memory,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"hook-lsp {' '.join(args)} did not finish within {TIMEOUT} s")


def run_python(code: str, stdin: str = "") -> str:
    """Run ``code`` with this checkout's `hook_lsp` in a capped subprocess; its stdout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code], input=stdin, cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=TIMEOUT, preexec_fn=limit_memory,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"did not finish within {TIMEOUT} s")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def write_chart(root: Path, templates: dict[str, str], values: str | None = None, name: str = "demo") -> Path:
    """A chart folder with ``templates`` (file name -> text) and an optional values.yaml."""
    (root / "templates").mkdir(parents=True, exist_ok=True)
    (root / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
    if values is not None:
        (root / "values.yaml").write_text(values)
    for fname, text in templates.items():
        (root / "templates" / fname).write_text(text)
    return root


def job(annotation: str = "pre-install", name: str = "migrate") -> str:
    """A hook Job whose `helm.sh/hook` value is ``annotation`` (written as is)."""
    return (
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n"
        f"  name: {name}\n  annotations:\n    \"helm.sh/hook\": {annotation}\n"
        "spec:\n  template:\n    spec:\n      restartPolicy: Never\n"
        "      containers:\n        - name: c\n          image: busybox\n"
    )
