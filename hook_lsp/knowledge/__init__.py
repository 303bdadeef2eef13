"""Helm facts as data, each naming the section of hook-lsp's guide (docs/helm-hooks.md) that
explains it; the guide links the line of Helm's source (v3.21.4, v4.2.4) each statement was read
from. Hover text, completion items and diagnostics all read these tables, so they cannot disagree.
"""
