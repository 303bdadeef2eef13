"""YAML alias expansion, counted without expanding: Helm's "excessive aliasing" check.

A YAML file can name a node (``&a``) and repeat it (``*a``); nested repetitions grow
exponentially ("billion laughs": ten levels of nine aliases are 9^10 nodes once copied). Helm's
YAML decoder (go-yaml v2, behind ``sigs.k8s.io/yaml``) counts every node it decodes and the
ones decoded inside an alias, and fails with "document contains excessive aliasing" once more
than 100 alias-driven decodes make up too large a share of more than 1,000 (decode.go,
``allowedAliasRatio``: 99 % up to 400,000 decodes, falling linearly to 10 % at 4,000,000).

`alias_problem` applies the same test to a composed node graph (where an alias is the very node
it names) in time linear in the number of distinct nodes, so a hostile values file is refused
before anything copies it. It also refuses an alias inside its own anchor, which go-yaml rejects
("anchor ... value contains itself"), and any expansion beyond `MAX_EXPANDED_NODES`.
"""

from __future__ import annotations

from ruamel.yaml.nodes import MappingNode, SequenceNode

#: Beyond this many nodes once aliases are expanded, a document is not read (a limit of this
#: tool, well above any real values file: a 4 MiB file without aliases has about 500,000).
MAX_EXPANDED_NODES = 2_000_000

_RATIO_LOW, _RATIO_HIGH = 400_000, 4_000_000


def allowed_alias_ratio(decodes: int) -> float:
    """go-yaml v2 ``allowedAliasRatio``."""
    if decodes <= _RATIO_LOW:
        return 0.99
    if decodes >= _RATIO_HIGH:
        return 0.10
    return 0.99 - 0.89 * (decodes - _RATIO_LOW) / (_RATIO_HIGH - _RATIO_LOW)


def _excessive(decodes: int, aliased: int) -> bool:
    return aliased > 100 and decodes > 1000 and aliased / decodes > allowed_alias_ratio(decodes)


def _children(node) -> list:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def alias_problem(root) -> str | None:
    """Why Helm (or this tool) refuses the document composed as ``root``; None when it is fine."""
    if root is None:
        return None
    # Pass 1, document order: the first occurrence of a node is its anchor, later ones are
    # aliases. Post-order totals per distinct node: decodes when expanded, and how many of
    # those happen inside an alias.
    total: dict[int, tuple[int, int]] = {}
    alias_edges: set[tuple[int, int]] = set()
    seen = {id(root)}
    on_path = {id(root)}
    stack: list[tuple[object, list, int]] = [(root, _children(root), 0)]
    while stack:
        node, kids, i = stack[-1]
        if i < len(kids):
            stack[-1] = (node, kids, i + 1)
            child = kids[i]
            if id(child) in on_path:
                return "a YAML anchor contains an alias to itself (Helm refuses the file)"
            if id(child) in seen:
                alias_edges.add((id(node), i))
                continue
            seen.add(id(child))
            on_path.add(id(child))
            stack.append((child, _children(child), 0))
            continue
        stack.pop()
        on_path.discard(id(node))
        decodes, aliased = 1, 0
        for j, child in enumerate(kids):
            d, a = total[id(child)]
            if (id(node), j) in alias_edges:
                # go-yaml counts the alias node, then every node of the anchor, as aliased.
                decodes += 1 + d
                aliased += d
            else:
                decodes += d
                aliased += a
        total[id(node)] = (decodes, aliased)
    if not alias_edges:
        return None
    # Pass 2, document order again with running counts, as go-yaml checks while it decodes.
    # Within one alias expansion the share only grows and the allowance only shrinks, so
    # checking at the end of each expansion finds every point where go-yaml would stop.
    decodes = aliased = 0
    walk: list[tuple[object, bool]] = [(root, False)]
    while walk:
        node, is_alias = walk.pop()
        if is_alias:
            d = total[id(node)][0]
            decodes += 1 + d
            aliased += d
            if _excessive(decodes, aliased):
                return "document contains excessive aliasing (Helm refuses the file)"
            continue
        decodes += 1
        kids = _children(node)
        for j in range(len(kids) - 1, -1, -1):
            walk.append((kids[j], (id(node), j) in alias_edges))
    if decodes > MAX_EXPANDED_NODES:
        return f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (a limit of hook-lsp)"
    return None
