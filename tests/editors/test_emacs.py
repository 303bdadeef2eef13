"""Emacs with eglot, set up exactly as docs/editors/emacs.md says, shows hook-lsp's diagnostics.

Debian's emacs-nox, elpa-eglot and elpa-yaml-mode (installed by .ci/install-editors.sh); the
guide's first Lisp block is evaluated as written and `hook-lsp` on the PATH runs this checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .test_docs import blocks
from .tools import HERE, ROOT, copy_shop, require, require_executable


def test_eglot_shows_hook_lsp_diagnostics(tmp_path):
    emacs = require_executable("emacs", "Emacs (`emacs`, Debian's emacs-nox)")
    require(any(Path("/usr/share/emacs/site-lisp/elpa").glob("eglot-*")) or None, "eglot (Debian's elpa-eglot)")
    chart = copy_shop(tmp_path)
    doc = tmp_path / "guide.el"
    doc.write_text(blocks("emacs.md", "elisp")[0])
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "hook-lsp"
    wrapper.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m hook_lsp "$@"\n')
    wrapper.chmod(0o755)
    out = tmp_path / "diagnostics.txt"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path),
           "HOOK_LSP_DOC_EL": str(doc), "HOOK_LSP_TEMPLATE": str(chart / "templates" / "db-migrate-job.yaml"),
           "HOOK_LSP_OUT": str(out)}
    proc = subprocess.run([emacs, "--batch", "-l", str(HERE / "emacs_e2e.el")], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "mode: helm-template-mode" in proc.stderr and "Server `hook-lsp' now managing" in proc.stderr, proc.stderr
    lines = out.read_text().splitlines()
    assert any("[HK101]" in ln and "`pre-instal` is not a Helm hook event" in ln for ln in lines), lines
