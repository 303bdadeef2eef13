"""Values files Helm refuses or hook-lsp does not read: alias bombs, self-aliases, huge files,
broken YAML."""

from __future__ import annotations

from ruamel.yaml import YAML

from hook_lsp.analysis.resolve.aliases import MAX_EXPANDED_NODES, alias_problem, allowed_alias_ratio
from hook_lsp.analysis.resolve.values import load_yaml_checked

from .conftest import job, run_cli, write_chart

_YAML = YAML(typ="safe", pure=True)


def laughs(levels: int = 10, width: int = 9) -> str:
    """The "billion laughs" document: ``width ** levels`` strings once expanded."""
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\nhook: pre-install\n"


def test_alias_bomb_is_refused_without_expanding():
    data, problem = load_yaml_checked(laughs())
    assert data is None
    assert "excessive aliasing" in problem


def test_alias_inside_its_own_anchor_is_refused():
    assert "itself" in alias_problem(_YAML.compose("a: &a [1, *a]\n"))


def test_ordinary_aliases_are_read():
    text = "base: &base {image: busybox, pullPolicy: IfNotPresent}\nmigrate: *base\nhook: *h\n".replace(
        "*h", "&h pre-install"
    )
    data, problem = load_yaml_checked(text)
    assert problem is None and data["migrate"] == data["base"]


def test_alias_share_follows_go_yaml():
    # go-yaml refuses a document once more than 99 % of over 1,000 decodes (10 % past 4 million)
    # come from aliases: 60 aliases to a 20-entry map pass, 2,500 to a 1,000-item list do not.
    small = "a: &a {" + ", ".join(f"k{i}: {i}" for i in range(20)) + "}\nl: [" + ", ".join(["*a"] * 60) + "]\n"
    assert alias_problem(_YAML.compose(small)) is None
    assert allowed_alias_ratio(100) == 0.99 and allowed_alias_ratio(10**7) == 0.10
    big = "a: &a [" + ", ".join(["x"] * 1000) + "]\nl: [" + ", ".join(["*a"] * 2500) + "]\n"
    assert alias_problem(_YAML.compose(big)) is not None
    assert MAX_EXPANDED_NODES >= 1_000_000


def test_check_reports_the_values_file_and_keeps_values_unknown(tmp_path):
    root = write_chart(tmp_path / "app", {"job.yaml": job("{{ .Values.hook }}")}, values=laughs())
    proc = run_cli("check", str(root), "--format", "json")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "values.yaml" in proc.stderr and "excessive aliasing" in proc.stderr
    assert "MemoryError" not in proc.stderr and "Traceback" not in proc.stderr
    assert '"HK104"' not in proc.stdout  # the hook is unknown, not "empty"
    proc = run_cli("timeline", str(root))
    assert proc.returncode == 2 and "excessive aliasing" in proc.stderr


def test_values_file_over_the_size_limit_is_reported(tmp_path):
    big = "hook: pre-install\n" + "pad: " + "x" * (4 * 1024 * 1024 + 10) + "\n"
    root = write_chart(tmp_path / "app", {"job.yaml": job("{{ .Values.hook }}")}, values=big)
    proc = run_cli("check", str(root))
    assert proc.returncode == 2
    assert "values.yaml" in proc.stderr and "larger than 4 MiB" in proc.stderr
    assert "HK104" not in proc.stdout


def test_values_file_that_does_not_parse_is_reported_not_read_as_empty(tmp_path):
    broken = "hook: pre-install\njob:\n  name: x\n   bad: [\n"
    root = write_chart(tmp_path / "app", {"job.yaml": job("{{ .Values.hook }}")}, values=broken)
    proc = run_cli("check", str(root), "--no-cache")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "values.yaml" in proc.stderr and "not valid YAML (line 4:" in proc.stderr
    assert "HK104" not in proc.stdout and "Traceback" not in proc.stderr  # unknown, not "empty"


def test_duplicate_keys_and_empty_values_files_are_not_reported(tmp_path):
    from hook_lsp.analysis.resolve.values import _read

    assert _read("a: 1\na: 2\n")[1:] == (None, None)  # YAML readers disagree; values stay unknown
    root = write_chart(tmp_path / "app", {"job.yaml": job("pre-install")}, values="# nothing here\n")
    proc = run_cli("check", str(root), "--no-cache", "--fail-on", "never")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_server_publishes_the_problem_on_the_values_file(tmp_path):
    from .rawlsp import RawServer

    root = write_chart(tmp_path / "app", {"job.yaml": job("{{ .Values.hook }}")}, values=laughs())
    server = RawServer(cwd=tmp_path)
    try:
        server.initialize()
        uri = (root / "templates" / "job.yaml").as_uri()
        server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "helm", "version": 1, "text": job("{{ .Values.hook }}")}}})
        values_uri = (root / "values.yaml").as_uri()
        assert server.wait_for(lambda msgs: any(
            m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == values_uri for m in msgs))
        (published,) = [m for m in server.notifications("textDocument/publishDiagnostics") if m["params"]["uri"] == values_uri]
        assert "excessive aliasing" in published["params"]["diagnostics"][0]["message"]
        template = [m for m in server.notifications("textDocument/publishDiagnostics") if m["params"]["uri"] == uri]
        assert all(d.get("code") != "HK104" for m in template for d in m["params"]["diagnostics"])
    finally:
        server.close()
