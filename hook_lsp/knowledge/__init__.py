"""Helm facts as data, each with the section of the hook-semantics reference it comes from.

The truth is Helm's own source (v3.21.4 and v4.2.4); section numbers (§) refer to the hook
semantics reference `../shared/reference/helm-hook-semantics.md`, which quotes the Helm function
each fact was read from. Hover text, completion items and diagnostics all read these tables, so
they cannot disagree.
"""
