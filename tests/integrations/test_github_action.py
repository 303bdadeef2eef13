"""The GitHub Action (action.yml): its inputs reach its script, and the script's `check` step
annotates, writes SARIF for the upload step (also when findings fail the step) and fails the
way its inputs say. The steps run here as the runner runs them, with GITHUB_OUTPUT, RUNNER_TEMP
and INPUT_* set; HOOK_LSP points the script at this checkout.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text())
SCRIPT = ROOT / "action" / "run.sh"


def run_check(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
    output = tmp_path / "github_output"
    output.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env.update(GITHUB_OUTPUT=str(output), RUNNER_TEMP=str(tmp_path), HOOK_LSP=f"{sys.executable} -m hook_lsp",
               PYTHONPATH=str(ROOT), **{f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    proc = subprocess.run(["bash", str(SCRIPT), "check"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return proc, outputs


def test_every_input_used_is_declared_and_reaches_the_script():
    declared = set(ACTION["inputs"])
    text = (ROOT / "action.yml").read_text()
    used = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert used <= declared and used == declared, (used, declared)
    steps = ACTION["runs"]["steps"]
    check = next(s for s in steps if s.get("id") == "check")
    script = SCRIPT.read_text()
    for name in check["env"]:
        assert name in script, name
    assert all("$GITHUB_ACTION_PATH/action/run.sh" in s["run"] for s in steps if "run" in s)
    assert os.access(SCRIPT, os.X_OK)
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert "always()" in upload["if"] and upload["with"]["sarif_file"] == "${{ steps.check.outputs.sarif-file }}"


def test_check_annotates_fails_and_still_writes_sarif(tmp_path):
    proc, outputs = run_check(tmp_path, paths="examples/webapp")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("::error file=examples/webapp/templates/migrate-job.yaml,line=8,"), proc.stdout
    sarif = json.loads(Path(outputs["sarif-file"]).read_text())
    assert sarif["version"] == "2.1.0"
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["HK101"]


def test_inputs_change_the_check(tmp_path):
    proc, outputs = run_check(tmp_path, paths="examples/webapp", args="--ignore HK101", **{"fail_on": "error"})
    assert proc.returncode == 0 and "HK101" not in proc.stdout
    assert json.loads(Path(outputs["sarif-file"]).read_text())["runs"][0]["results"] == []
    proc, outputs = run_check(tmp_path, paths="examples/webapp", helm_version="5")
    assert proc.returncode == 2 and "::error title=hook-lsp::" in proc.stdout and "sarif-file" not in outputs
