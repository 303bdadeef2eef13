"""Exactness against Helm's own engine: hook-lsp's hooks, weights, names and order compared with
what Helm renders and sorts (``python3 -m tools.exactness``; the differential tests use the same
code). `prepare` makes a chart renderable, `run` renders trees of charts once, `compare` counts
what agrees."""
