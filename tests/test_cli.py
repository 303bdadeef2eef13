"""The `hook-lsp` command line: output format, JSON fields, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import hook_lsp

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "webapp"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hook_lsp", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_version():
    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"hook-lsp {hook_lsp.__version__}"


def test_check_reports_misspelled_event_at_exact_token():
    proc = run("check", "examples/webapp")
    assert proc.returncode == 1
    line = next(l for l in proc.stdout.splitlines() if "HK101" in l)
    assert line.startswith("examples/webapp/templates/migrate-job.yaml:8:21: error HK101 `pre-instal`")
    text = (EXAMPLE / "templates" / "migrate-job.yaml").read_text().splitlines()[7]
    assert text[20:30] == "pre-instal"


def test_check_json_fields():
    proc = run("check", str(EXAMPLE), "--format", "json")
    findings = json.loads(proc.stdout)
    hk101 = [f for f in findings if f["code"] == "HK101"]
    assert hk101 == [
        {
            "file": "examples/webapp/templates/migrate-job.yaml",
            "line": 8,
            "column": 21,
            "endLine": 8,
            "endColumn": 31,
            "severity": "error",
            "code": "HK101",
            "rule": "unknown-hook-event",
            "message": hk101[0]["message"],
            "fixable": True,
        }
    ]


def test_fail_on_threshold_and_clean_exit(tmp_path):
    assert run("check", str(EXAMPLE), "--fail-on", "never").returncode == 0
    chart = tmp_path / "c"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "templates" / "sa.yaml").write_text(
        'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n  annotations:\n    "helm.sh/hook": pre-install\n'
    )
    proc = run("check", str(chart))
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip().endswith("no problems")


def test_usage_and_io_errors_exit_2():
    proc = run("check", "does/not/exist")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "hook-lsp: does/not/exist: no such file or folder"
    proc = run("check", str(EXAMPLE), "--select", "HK999")
    assert proc.returncode == 2 and "unknown rule" in proc.stderr


def test_ignore_turns_rule_off():
    proc = run("check", str(EXAMPLE), "--ignore", "unknown-hook-event", "--format", "json")
    assert all(f["code"] != "HK101" for f in json.loads(proc.stdout))


def test_binary_file_is_reported_not_crashed(tmp_path):
    chart = tmp_path / "c"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "templates" / "blob.yaml").write_bytes(b"\x00\x01\x02kind: Job")
    proc = run("check", str(chart), "--format", "json")
    assert proc.returncode == 0
    findings = json.loads(proc.stdout)
    assert findings[0]["severity"] == "information" and "binary" in findings[0]["message"]


def test_huge_file_is_reported_not_analysed(tmp_path):
    chart = tmp_path / "c"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "templates" / "huge.yaml").write_text("# filler\n" * 600_000)  # about 5.4 MB
    proc = run("check", str(chart), "--format", "json")
    assert proc.returncode == 0
    findings = json.loads(proc.stdout)
    assert len(findings) == 1 and "larger than" in findings[0]["message"]
