"""A raw JSON-RPC client over the server's stdio, for messages no LSP client library would send.

The server runs as a subprocess with an address-space cap, so a regression that makes it
allocate without bound fails the test instead of the machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Address-space cap of every subprocess the hardening tests start.
MEMORY_CAP = 2 * 1024**3


def limit_memory() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def frame(payload) -> bytes:
    body = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawServer:
    """`hook-lsp serve` on pipes; `send` writes one message, `receive` reads the next one."""

    def __init__(self, cwd: Path | None = None) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hook_lsp", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=cwd or ROOT,
            env=env,
            preexec_fn=limit_memory,
        )
        self.messages: list[dict] = []
        self._cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = out.read(length or 0)
            with self._cond:
                self.messages.append(json.loads(body))
                self._cond.notify_all()

    def send(self, payload) -> None:
        self.proc.stdin.write(frame(payload))
        self.proc.stdin.flush()

    def response(self, msg_id, timeout: float = 20) -> dict:
        """The response to request ``msg_id`` (fails the test when none comes)."""
        with self._cond:
            ok = self._cond.wait_for(
                lambda: any("method" not in m and m.get("id") == msg_id for m in self.messages), timeout
            )
            assert ok, f"no response to request {msg_id!r}"
            return next(m for m in self.messages if "method" not in m and m.get("id") == msg_id)

    def notifications(self, method: str) -> list[dict]:
        with self._cond:
            return [m for m in self.messages if m.get("method") == method]

    def wait_for(self, predicate, timeout: float = 20) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self.messages), timeout)

    def initialize(self, **capabilities) -> dict:
        self.send({"jsonrpc": "2.0", "id": "init", "method": "initialize",
                   "params": {"processId": None, "rootUri": None, "capabilities": capabilities}})
        reply = self.response("init")
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        return reply

    def close(self, timeout: float = 20) -> int:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
