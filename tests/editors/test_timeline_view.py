"""The timeline view renders any `hookLsp/timeline` answer as readable HTML, never raw JSON for a
known shape, and degrades (a message, the JSON as sent) for shapes it does not know.

Uses the extension's own renderer (`render_timeline.mjs` bundles `src/timeline.ts` with esbuild).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from .tools import EXTENSION, HERE, require, require_executable

JOB = {"kind": "Job", "name": "‹release›-migrate", "weight": 5, "path": "/c/templates/job.yaml", "line": 2,
       "position": 2, "total": 2, "waits_for": "the Job to be Complete", "deletion": ["kept", "never deleted"],
       "conditional": True, "order_certain": False}
ANSWER = {
    "chart": "shop", "root": "/c", "operation": "upgrade", "helm_version": "4", "notes": ["a <note>"],
    "steps": [
        {"kind": "hooks", "title": "pre-upgrade hooks (2), one at a time", "event": "pre-upgrade",
         "waits": "each hook", "refs": ["#order"], "hooks": [{"kind": "ConfigMap", "name": "cfg", "weight": -5}, JOB]},
        {"kind": "resources", "title": "update the chart's resources", "event": None, "hooks": []},
    ],
}


@pytest.fixture(scope="module")
def render():
    node = require_executable("node", "Node.js (`node`)")
    require((EXTENSION / "node_modules" / "esbuild").exists() or None, "vscode-extension/node_modules (npm ci)")

    def _render(*cases) -> list[str]:
        out = subprocess.run([node, str(HERE / "render_timeline.mjs")], input=json.dumps(cases), capture_output=True,
                             text=True, timeout=60, check=True)
        return json.loads(out.stdout)

    return _render


def test_steps_and_hooks_in_order(render):
    (html,) = render([ANSWER, "Hook timeline — shop", "/c", "upgrade"])
    assert html.index(">cfg<") < html.index("‹release›-migrate")
    assert '<td class="weight">-5</td>' in html and '<td class="weight">5</td>' in html
    assert "pre-upgrade</span> hooks (2), one at a time" in html
    assert "order not certain" in html and "conditional" in html
    assert "<li>kept</li><li>never deleted</li>" in html
    # The hook opens its template at its 1-based line (0-based for the command).
    assert "command:hookLsp.openLocation?" + "%5B%22file%3A%2F%2F%2Fc%2Ftemplates%2Fjob.yaml%22%2C1%5D" in html
    # Links to the other operations, the current one in bold.
    assert "<strong>upgrade</strong>" in html and "command:hookLsp.showTimeline?" in html


def test_everything_from_the_server_is_escaped(render):
    (html,) = render([ANSWER, "t", None, None])
    assert "a &lt;note&gt;" in html and "<note>" not in html
    assert "<script" not in html and "Content-Security-Policy" in html


def test_degrades_on_unknown_shapes(render):
    bare, odd, empty, minimal = render(
        [[{"event": "test", "hooks": [{"name": "t"}]}], "t", None, None],
        [{"something": "else"}, "t", None, None],
        [{"steps": []}, "t", None, None],
        [{"steps": ["just text", {"hooks": ["a hook as text"]}]}, "t", None, None],
    )
    assert "test" in bare and ">t<" in bare and '<td class="weight">0</td>' in bare  # missing weight is 0
    assert "does not know" in odd and "&quot;something&quot;" in odd
    assert "Nothing happens in this operation." in empty
    assert "just text" in minimal and "a hook as text" in minimal and "step 2" in minimal


def test_argocd_waves(render):
    answer = {"chart": "shop", "operation": "upgrade", "deployer": "argocd@3.5", "helm_version": "4.2",
              "steps": [{"kind": "wave", "title": "PreSync wave 0 (2 together)", "event": "PreSync",
                         "hooks": [{"kind": "Job", "name": "db-migrate", "weight": 0}, {"kind": "Job", "name": "seed", "weight": 0}]}]}
    (html,) = render([answer, "t", "/c", "upgrade"])
    assert "<th>wave</th>" in html and "<th>weight</th>" not in html
    assert "argocd@3.5" in html and html.index(">db-migrate<") < html.index(">seed<")
