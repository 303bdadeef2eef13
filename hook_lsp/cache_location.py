"""Where hook-lsp keeps what it caches between runs (`check` findings, compiled protocol code).

``$HOOK_LSP_CACHE_DIR``, else ``$XDG_CACHE_HOME/hook-lsp``, else ``~/.cache/hook-lsp``. This
module imports nothing of the analysis: the server asks for it before its first import.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    explicit = os.environ.get("HOOK_LSP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "hook-lsp"
