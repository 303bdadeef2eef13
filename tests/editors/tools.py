"""Where the editor end-to-end tests find their tools and files, and what a missing tool means.

A missing tool skips a test on a developer's machine, but fails it in CI (``CI=true``), where
``.ci/install-editors.sh`` must have installed everything: a skipped editor test in CI would hide
a broken install.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
FIXTURES = HERE / "fixtures"
ARTIFACTS = HERE / "artifacts"
EXTENSION = ROOT / "vscode-extension"
VSIX = EXTENSION / "hook-lsp.vsix"
#: Where .ci/install-editors.sh puts code-server and playwright-core (same default as there).
TOOLS = Path(os.environ.get("HOOK_LSP_EDITOR_TOOLS", Path.home() / ".cache" / "hook-lsp" / "editor-tools"))
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(found, what: str):
    """Return ``found``, or skip (locally) / fail (in CI) saying what is missing and how to get it."""
    if found:
        return found
    message = f"{what} is missing: run `bash .ci/install-editors.sh`"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require_executable(name: str, what: str | None = None) -> str:
    return require(shutil.which(name), what or f"`{name}`")


def copy_shop(folder: Path) -> Path:
    """A fresh copy of the `shop` test chart in ``folder`` (editors may edit and save it)."""
    dest = folder / "shop"
    shutil.copytree(FIXTURES / "shop", dest)
    return dest
