"""`python -m hook_lsp` is the `hook-lsp` command."""

import sys

from .cli import main

sys.exit(main())
