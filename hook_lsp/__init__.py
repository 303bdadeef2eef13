"""hook-lsp: a language server and CLI that understands Helm's hook lifecycle."""

__version__ = "0.1.0"
