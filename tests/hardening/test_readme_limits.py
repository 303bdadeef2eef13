"""The README's Limits section states the limits the code enforces."""

from __future__ import annotations

from pathlib import Path

from hook_lsp.analysis.chart import MAX_SUBCHARTS, MAX_TEMPLATE_BYTES
from hook_lsp.analysis.resolve.aliases import MAX_EXPANDED_NODES
from hook_lsp.analysis.resolve.evaluate import Evaluator

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_states_the_enforced_limits():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Limits") :]
    section = section[: section.index("\n## ", 1)]
    mib = 1024 * 1024
    expected = [
        f"{MAX_TEMPLATE_BYTES // mib} MiB",
        f"{MAX_EXPANDED_NODES:,} nodes",
        f"{Evaluator.MAX_VALUE_CHARS // mib} MiB",
        f"{Evaluator.MAX_OUTPUT_CHARS // mib} MiB of output",
        f"{Evaluator.MAX_STEPS:,} steps",
        f"{Evaluator.MAX_BLOCK_DEPTH} nested `if`",
        f"{Evaluator.MAX_DEPTH} nested `include`",
        f"{MAX_SUBCHARTS:,}; each real folder once",
    ]
    missing = [e for e in expected if e not in section]
    assert not missing, f"README Limits section is out of date: {missing}"
