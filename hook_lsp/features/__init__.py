"""LSP handlers: one thin module per method family, converting analysis results to protocol
types. Importing this package registers every module's handlers on `hook_lsp.server.server`."""

import importlib
import pkgutil

for _mod in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_mod.name}")
