"""The package's layering: analysis and knowledge are pure Python, features are the protocol layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "hook_lsp"
PURE = sorted((PACKAGE / "analysis").rglob("*.py")) + sorted((PACKAGE / "knowledge").rglob("*.py"))
PROTOCOL = ("pygls", "lsprotocol")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


@pytest.mark.parametrize("path", PURE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_analysis_and_knowledge_never_import_the_protocol(path):
    bad = {m for m in imported_modules(path) if m.split(".")[0] in PROTOCOL}
    assert bad == set()


def test_knowledge_does_not_depend_on_analysis():
    for path in sorted((PACKAGE / "knowledge").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "from ..analysis" not in text and "hook_lsp.analysis" not in text, path


def test_positions_are_converted_in_one_place():
    """Only convert.py builds LSP positions from offsets (UTF-16 and friends)."""
    for path in sorted((PACKAGE / "features").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "utf-16" not in text.lower() and "encode(" not in text, path
