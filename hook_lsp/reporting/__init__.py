"""Output formats of `hook-lsp check`: each module renders a list of `Finding`s."""
