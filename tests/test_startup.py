"""What `hook-lsp serve` does before its first diagnostics, and what waits until they are out.

The first answer needs the protocol, the analysis and the opened chart, nothing more: the
optional parts (parsers, ShellCheck) are probed and reported after it, and so is the pass that
frees the start-up garbage and freezes the start-up objects; a client that opens no document
still gets both, soon after `initialize`.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
SHELL_CHART = ROOT / "tests" / "rules" / "fixtures" / "HK301"
#: Imported only when a request needs them, or after the first diagnostics.
LATER = (
    "hook_lsp.analysis.parts",
    "hook_lsp.analysis.completions",
    "hook_lsp.analysis.deployer_detect",
    "tree_sitter",
    "pglast",
    "hashlib",  # OpenSSL: the protocol code's cache uses blake2 directly, templates' sha256sum on use
    "tomllib",  # a project file is read only where there is one
)


def test_serving_imports_nothing_the_first_diagnostics_do_not_need():
    code = f"import sys, json\nimport hook_lsp.code_cache\nhook_lsp.code_cache.install()\nimport hook_lsp.server\nprint(json.dumps([m for m in {LATER!r} if m in sys.modules]))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_advertised_trigger_characters_are_the_analysis_ones():
    from hook_lsp.analysis.completions import TRIGGER_CHARACTERS
    from hook_lsp.features import completion

    assert completion.TRIGGER_CHARACTERS == TRIGGER_CHARACTERS


#: Runs the server, then prints the collector's state on stderr once it has exited.
SERVE = (
    "import gc, sys\n"
    "from hook_lsp.cli import main\n"
    "code = main(['serve'])\n"
    "print('gc', gc.isenabled(), gc.get_freeze_count() > 10000, gc.get_threshold(), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


async def _session(open_document: bool) -> tuple[list[str], str]:
    """Start a server, optionally open a template; return what arrived, in order, and stderr."""
    client = LanguageClient("startup-test", "1")
    events: list[str] = []
    reported = asyncio.Event()
    published = asyncio.Event()

    @client.feature("hookLsp/parts")
    def on_parts(params) -> None:
        events.append("parts")
        reported.set()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params) -> None:
        events.append("diagnostics")
        published.set()

    await client.start_io(sys.executable, "-c", SERVE, cwd=str(ROOT))
    server = client._server
    try:
        await asyncio.wait_for(client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=SHELL_CHART.as_uri())), 30)
        client.initialized(types.InitializedParams())
        if open_document:
            path = SHELL_CHART / "templates" / "fire-mkdir-on-volume.yaml"
            client.text_document_did_open(types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=path.as_uri(), language_id="helm", version=1, text=path.read_text())))
            await asyncio.wait_for(published.wait(), 30)
        await asyncio.wait_for(reported.wait(), 30)
    finally:
        await asyncio.wait_for(client.shutdown_async(None), 10)
        client.exit(None)
        try:
            await asyncio.wait_for(client.stop(), 15)
        except asyncio.TimeoutError:
            server.kill()
            raise AssertionError("the server did not exit after shutdown/exit") from None
    stderr = (await server.stderr.read()).decode() if server.stderr else ""
    return events, stderr


async def test_parts_are_reported_after_the_first_diagnostics_and_the_heap_settled():
    events, stderr = await _session(open_document=True)
    assert events[0] == "diagnostics" and events.count("parts") == 1, events
    assert "gc True True (20000, 20, 20)" in stderr, stderr


async def test_without_any_document_parts_are_reported_and_the_heap_settled_anyway():
    events, stderr = await _session(open_document=False)
    assert events == ["parts"]
    assert "gc True True (20000, 20, 20)" in stderr, stderr


async def test_quiet_waits_for_the_indexing_of_charts_within_its_patience():
    """Work that can wait (the probe of the parts) runs once no chart is being indexed."""
    from hook_lsp.features import indexing

    finish = asyncio.Event()
    task = asyncio.ensure_future(finish.wait())
    indexing._tasks["chart"] = task
    task.add_done_callback(lambda _t: indexing._tasks.pop("chart", None))
    try:
        waiter = asyncio.ensure_future(indexing.quiet(10))
        await asyncio.sleep(0.1)
        assert not waiter.done()  # the chart is still being indexed
        finish.set()
        await asyncio.wait_for(waiter, 2)
        # A chart that is never done holds the work up no longer than the patience.
        never = asyncio.ensure_future(asyncio.Event().wait())
        indexing._tasks["slow"] = never
        started = asyncio.get_running_loop().time()
        await asyncio.wait_for(indexing.quiet(0.2), 2)
        assert asyncio.get_running_loop().time() - started >= 0.2
        never.cancel()
    finally:
        indexing._tasks.pop("chart", None)
        indexing._tasks.pop("slow", None)
