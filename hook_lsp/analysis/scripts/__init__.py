"""Scripts inside hook containers: extraction with exact positions, and real parsers.

`extract` finds the script text of each hook container (``sh -c`` arguments, block scalars,
ConfigMap files) and `mapped` keeps every character's template offset; `shell` reads shell with
tree-sitter-bash, `sql` reads SQL with pglast (PostgreSQL) or sqlglot (MySQL/MariaDB),
`shellcheck` runs the bundled ShellCheck binary on the text, `explain` says why a hook re-runs,
and `analyse` ties them together for the HK3xx rules. Pure Python: no LSP types here.
"""
