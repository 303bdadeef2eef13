"""Running code-server (VS Code in a browser) for the end-to-end tests, and cleaning up after it.

code-server listens on 127.0.0.1 only, on a free port, with its user data, extensions and config
in a temporary folder. It starts in its own process group; on exit every process below it (the
extension host, file watcher, the language server) is ended by PID too, because some of them
outlive code-server itself.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (read from /proc), children first in no particular order."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces: ppid follows the last ')'.
        ppid = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is gone for our purpose.
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def end_tree(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """SIGTERM code-server, its process group and every descendant; SIGKILL what is left."""
    pids = [proc.pid, *descendants(proc.pid)]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        for pid in pids + descendants(proc.pid):
            try:
                os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(_alive(p) for p in pids):
            try:
                proc.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                pass
        if not any(_alive(p) for p in pids):
            break
    try:
        proc.wait(timeout=1)
    except subprocess.TimeoutExpired:
        pass


class CodeServer:
    """One code-server with its own folders below ``home``."""

    def __init__(self, entry: Path, home: Path, settings: dict, env: dict | None = None) -> None:
        self.entry = entry
        self.home = home
        self.user_data = home / "user-data"
        self.extensions = home / "extensions"
        self.config = home / "config.yaml"
        self.log = home / "code-server.log"
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.extra_env = env or {}
        self.node = shutil.which("node") or "node"
        (self.user_data / "User").mkdir(parents=True, exist_ok=True)
        self.extensions.mkdir(exist_ok=True)
        # Always an explicit config file: otherwise code-server writes one into the home folder.
        self.config.write_text(f"bind-addr: 127.0.0.1:{self.port}\nauth: none\ncert: false\n")
        (self.user_data / "User" / "settings.json").write_text(json.dumps(settings, indent=2))

    def _base(self) -> list[str]:
        return [self.node, str(self.entry), "--config", str(self.config), "--user-data-dir", str(self.user_data),
                "--extensions-dir", str(self.extensions)]

    def install_extension(self, vsix: Path) -> str:
        proc = subprocess.run([*self._base(), "--install-extension", str(vsix)], capture_output=True, text=True,
                              timeout=120, stdin=subprocess.DEVNULL, env=self._env())
        if proc.returncode != 0:
            raise RuntimeError(f"installing {vsix.name} failed: {proc.stdout}{proc.stderr}")
        return proc.stdout

    def _env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VSCODE_", "ELECTRON_"))}
        env["HOME"] = str(self.home)  # nothing of the real home leaks in or is written to
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 60.0) -> str:
        log = self.log.open("w")
        self.proc = subprocess.Popen(
            [*self._base(), "--auth", "none", "--bind-addr", f"127.0.0.1:{self.port}", "--disable-telemetry",
             "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override",
             "--ignore-last-opened"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self._env(), start_new_session=True,
        )
        url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"code-server exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return url
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"code-server was not ready after {timeout:.0f} s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None:
            end_tree(self.proc)
            self.proc = None
