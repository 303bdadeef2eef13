"""Charts with thousands of hooks: work grows linearly, and script units are computed once.

The large cases run `check` in a capped subprocess (`run_cli`, 60 s): before the fix, 1,000
ConfigMap-held scripts took over 300 s, each ConfigMap re-deriving every hook's scripts.
"""

from __future__ import annotations

from pathlib import Path

from hook_lsp.analysis import project as project_module
from hook_lsp.analysis.config import AnalysisConfig
from hook_lsp.analysis.scripts import analyse

from .conftest import run_cli


def configmap_hooks(root: Path, n: int) -> Path:
    """``n`` templates, each a hook Job running a script from its own hook ConfigMap."""
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: many\nversion: 0.1.0\n")
    for i in range(n):
        (root / "templates" / f"h{i:05}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s{i}\n  annotations:\n"
            f'    "helm.sh/hook": pre-upgrade\n    "helm.sh/hook-weight": "-1"\n'
            f'data:\n  run.sh: |\n    set -e\n    psql -c "CREATE TABLE t{i} (id int)"\n---\n'
            f"apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j{i}\n  annotations:\n"
            f'    "helm.sh/hook": pre-upgrade\nspec:\n  backoffLimit: 0\n  template:\n    spec:\n'
            f"      restartPolicy: Never\n      containers:\n        - name: c\n          image: postgres:16\n"
            f'          command: ["sh", "/s/run.sh"]\n          volumeMounts:\n            - name: s\n'
            f"              mountPath: /s\n      volumes:\n        - name: s\n          configMap:\n"
            f"            name: s{i}\n"
        )
    return root


def test_hook_units_are_computed_once_per_hook(tmp_path, monkeypatch):
    root = configmap_hooks(tmp_path / "chart", 40)
    calls = []
    compute = analyse._compute
    monkeypatch.setattr(analyse, "_compute", lambda res, t, c: calls.append(res.name) or compute(res, t, c))
    project = project_module.Project(AnalysisConfig(shellcheck=False))
    results = [project.check(str(p)) for p in sorted((root / "templates").iterdir())]
    assert sorted(calls) == sorted(f"j{i}" for i in range(40))
    # Each script is reported once, on the ConfigMap that holds it.
    found = [(Path(r.path).name, v.code) for r in results for v in r.violations if v.code == "HK350"]
    assert len(found) == 40


def test_a_thousand_configmap_scripts(tmp_path):
    root = configmap_hooks(tmp_path / "chart", 1000)
    proc = run_cli("check", str(root), "--ignore", "HK306", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.count('"HK350"') == 1000


def test_ten_thousand_hooks(tmp_path):
    root = tmp_path / "chart"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: many\nversion: 0.1.0\n")
    for t in range(10):
        docs = [
            f'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{t}-{i}\n  annotations:\n'
            f'    "helm.sh/hook": pre-install,pre-upgrade\n    "helm.sh/hook-weight": "{i % 7}"\ndata:\n  k: v\n'
            for i in range(1000)
        ]
        (root / "templates" / f"t{t}.yaml").write_text("---\n".join(docs))
    proc = run_cli("check", str(root), "--ignore", "HK306")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    assert proc.stdout.strip().endswith("10 files checked: no problems")
