"""The start-up cache of generated code (`hook_lsp.code_cache`): same code as compiling, reused
across processes, harmless when missing or corrupt, silent when bytecode writing is off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hook_lsp import code_cache
from hook_lsp.code_cache import CodeCache

ROOT = Path(__file__).resolve().parents[1]

ATTRS_SOURCE = "def __init__(self, a, b=1):\n    self.a = a\n    self.b = b\n"


def test_a_cached_code_object_is_what_compile_returns(tmp_path):
    cache = CodeCache(tmp_path / "codes.marshal")
    code = cache.compile(ATTRS_SOURCE, "<attrs generated methods x.Y>", "exec")
    plain = compile(ATTRS_SOURCE, "<attrs generated methods x.Y>", "exec")
    assert code == plain and code.co_filename == plain.co_filename
    assert (cache.added, cache.hits) == (1, 0)
    assert cache.compile(ATTRS_SOURCE, "<attrs generated methods x.Y>", "exec") is code
    assert (cache.added, cache.hits) == (1, 1)
    # Another file name, mode or source is another entry.
    assert cache.compile(ATTRS_SOURCE, "<other>", "exec") is not code
    assert cache.added == 2


def test_future_flags_are_inherited_from_the_caller(tmp_path):
    # With `from __future__ import annotations` (this module has it), an annotation is kept as
    # text; the cached compile must do what the builtin does for its caller.
    cache = CodeCache(tmp_path / "codes.marshal")
    source = "def f(x: undefined_name) -> None:\n    return x\n"
    ns: dict = {}
    exec(cache.compile(source, "<gen>", "exec"), ns)
    assert ns["f"].__annotations__ == {"x": "undefined_name", "return": "None"}
    ns2: dict = {}
    cache.exec(source, ns2)
    assert ns2["f"].__annotations__ == {"x": "undefined_name", "return": "None"}


def test_exec_runs_source_in_the_given_namespaces(tmp_path):
    cache = CodeCache(tmp_path / "codes.marshal")
    g: dict = {"k": 3}
    loc: dict = {}
    cache.exec("def make():\n    return k * 2\nvalue = make()\n", g, loc)
    assert loc["value"] == 6 and "make" in loc and "make" not in g


def test_saved_codes_are_reused_and_a_corrupt_file_is_a_miss(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "codes.marshal"
    first = CodeCache(path)
    first.compile(ATTRS_SOURCE, "<gen>", "exec")
    first.save()
    assert path.is_file()
    second = CodeCache(path)
    second.compile(ATTRS_SOURCE, "<gen>", "exec")
    assert (second.added, second.hits) == (0, 1)
    path.write_bytes(b"\x00not marshal data")
    third = CodeCache(path)
    code = third.compile(ATTRS_SOURCE, "<gen>", "exec")
    assert third.added == 1 and code == compile(ATTRS_SOURCE, "<gen>", "exec")


def test_only_what_a_process_used_is_kept(tmp_path, monkeypatch):
    # attrs writes a per-process number into some sources: entries never asked for again go.
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "codes.marshal"
    a = CodeCache(path)
    a.compile("x = 1\n", "<gen>", "exec")
    a.compile("x = 2\n", "<gen>", "exec")
    a.save()
    b = CodeCache(path)
    b.compile("x = 1\n", "<gen>", "exec")
    b.compile("x = 3\n", "<gen>", "exec")
    b.save()
    assert len(CodeCache(path).codes) == 2


def test_nothing_is_written_when_bytecode_writing_is_off(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    cache = CodeCache(tmp_path / "codes.marshal")
    cache.compile(ATTRS_SOURCE, "<gen>", "exec")
    cache.save()
    assert not (tmp_path / "codes.marshal").exists()


def test_an_unwritable_cache_folder_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = CodeCache(blocker / "code" / "codes.marshal")
    cache.compile(ATTRS_SOURCE, "<gen>", "exec")
    cache.save()  # no exception
    assert cache.added == 1


@pytest.mark.skipif(sys.platform == "win32", reason="subprocess environment handling is the same; kept short")
def test_a_second_process_reuses_the_protocol_classes_compiled_by_the_first(tmp_path):
    """Two fresh interpreters import the server: the second compiles nothing the first had,
    and the protocol classes behave the same (constructors, equality, repr, conversion)."""
    script = textwrap.dedent(
        """
        import json, sys
        sys.dont_write_bytecode = False
        from hook_lsp import code_cache
        cache = code_cache.install()
        import hook_lsp.server  # noqa: F401
        from lsprotocol import types
        from hook_lsp.server import server
        r = types.Range(start=types.Position(line=1, character=2), end=types.Position(line=3, character=4))
        d = types.Diagnostic(range=r, message="m", severity=types.DiagnosticSeverity.Warning, code="HK101")
        out = server.protocol._converter.unstructure(d)
        back = server.protocol._converter.structure(out, types.Diagnostic)
        added = cache.added
        code_cache.save()
        print(json.dumps({"added": added, "hits": cache.hits, "diag": out, "same": back == d,
                          "eq": r.start == types.Position(line=1, character=2) != r.end, "repr": repr(r.start)}))
        """
    )
    env = {**os.environ, "HOOK_LSP_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    runs = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    first, second = runs
    assert first["added"] > 500  # the protocol's classes
    assert second["hits"] > 500
    # Only sources that differ per process (attrs' `__hash__` of hashable classes) compile again.
    assert second["added"] < 10
    for run in runs:
        assert run["same"] and run["eq"]
        assert run["repr"] == "1:2"  # lsprotocol's own __repr__ for positions
        assert run["diag"] == first["diag"]
    assert len(list((tmp_path / "code").iterdir())) == 1


def test_install_patches_the_generators_once():
    import attr._make
    import dataclasses

    before = code_cache._active
    try:
        code_cache._active = None
        cache = code_cache.install()
        assert code_cache.install() is cache
        assert attr._make.compile == cache.compile
        assert dataclasses.exec == cache.exec
    finally:
        import builtins

        # Leave this test process as it was.
        for name, builtin in code_cache._PATCHED:
            module = sys.modules.get(name)
            if module is not None and builtin in vars(module) and getattr(module, builtin) != getattr(builtins, builtin):
                delattr(module, builtin)
        code_cache._active = before


def test_no_home_folder_means_no_cache_not_a_failed_start(monkeypatch):
    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("HOOK_LSP_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    monkeypatch.setattr(code_cache, "_active", None)
    assert code_cache.install() is None
    code_cache.save()  # nothing to save, no error
