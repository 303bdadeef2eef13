"""Pure-Python analysis of Helm chart templates.

Nothing in this package imports pygls or lsprotocol: it takes text and returns plain data
(spans are code-point offsets into the original template text). The protocol layer in
`hook_lsp.features` converts those results to LSP types.
"""
