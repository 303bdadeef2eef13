"""Plain data from composed YAML nodes, without ruamel's constructor.

Values files of umbrella charts add up to megabytes, and ruamel's safe constructor spends most
of their reading time on bookkeeping per node (construction generators, recursion guards, merge
flattening). libyaml composes the nodes in C and the resolver has already typed each plain
scalar by then (`node.tag`), so building dicts, lists, strings, numbers, booleans and nulls from
them is a short walk.

`build` does exactly what ruamel's ``SafeConstructor`` does for those tags (its YAML 1.2
``construct_yaml_int``/``float``/``bool``), and refuses (`Unusual`) everything else — other tags
(timestamps, ``!!binary``, sets, application tags), merge keys (``<<``), keys that are not
scalars, duplicate keys, aliases of maps and lists — so that the caller lets ruamel construct that document and its
behaviour, errors included, stays the reference. ``tests/resolve/test_yaml_data.py`` checks the
two agree on every values file of the corpus.
"""

from __future__ import annotations

from typing import Callable

from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver

_P = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = _P + "str", _P + "int", _P + "float", _P + "bool", _P + "null"
_MAP, _SEQ, _MERGE = _P + "map", _P + "seq", _P + "merge"

#: The tags a composer gives nodes by default are three objects shared by every node, and
#: ruamel's `Node.tag` formats a node's tag anew at each read (a fifth of `build`'s time on an
#: untyped composition): these three are read by identity, every other tag through `Node.tag`.
_DEFAULT_TAGS = {
    id(t): str(t)
    for t in (BaseResolver.DEFAULT_SCALAR_TAG, BaseResolver.DEFAULT_SEQUENCE_TAG, BaseResolver.DEFAULT_MAPPING_TAG)
}

#: ruamel's boolean table (lower-cased); the YAML 1.2 resolver only types true/false as bool.
_BOOLS = {"yes": True, "no": False, "y": True, "n": False, "true": True, "false": False, "on": True, "off": False}


class Unusual(Exception):
    """A node `build` leaves to ruamel's constructor."""


def _int(text: str) -> int:
    s = text.replace("_", "")
    sign = -1 if s[0] == "-" else 1
    if s[0] in "+-":
        s = s[1:]
    if s == "0":
        return 0
    if s.startswith("0b"):
        return sign * int(s[2:], 2)
    if s.startswith("0x"):
        return sign * int(s[2:], 16)
    if s.startswith("0o"):
        return sign * int(s[2:], 8)
    return sign * int(s)


def _float(text: str) -> float:
    s = text.replace("_", "").lower()
    sign = -1 if s[0] == "-" else 1
    if s[0] in "+-":
        s = s[1:]
    if s == ".inf":
        return sign * float("inf")
    if s == ".nan":
        return float("nan")
    return sign * float(s)


def build(node, mapping: type = dict, plain_tag: Callable[[str], str] | None = None) -> object:
    """The data of a composed node, as ruamel's safe constructor would build it (its maps as
    ``mapping``, a `dict` subclass).

    ``plain_tag``: the node was composed untyped (every scalar a string), and this gives the
    tag of a plain scalar's text, as the resolver would have (see `values._read`).

    A map or list reached twice is an alias: `Unusual` too, so that the caller checks the
    document for alias bombs before anything is expanded.
    """
    seen: set[int] = set()

    default_tag = _DEFAULT_TAGS.get

    def scalar_tag(node) -> str:
        tag = default_tag(id(node.ctag)) or node.tag
        if plain_tag is not None and tag == _STR and not node.style:
            return plain_tag(node.value)
        return tag

    def walk(node) -> object:
        cls = type(node)
        if cls is ScalarNode:
            tag = scalar_tag(node)
            if tag == _STR:
                return node.value
            if tag == _NULL:
                return None
            if tag == _INT:
                return _int(node.value)
            if tag == _BOOL:
                return _BOOLS[node.value.lower()]
            if tag == _FLOAT:
                return _float(node.value)
            raise Unusual(tag)
        tag = default_tag(id(node.ctag)) or node.tag
        if id(node) in seen:
            raise Unusual("alias")
        seen.add(id(node))
        if cls is MappingNode and tag == _MAP:
            out = mapping()
            for key_node, value_node in node.value:
                if type(key_node) is not ScalarNode or scalar_tag(key_node) == _MERGE:
                    raise Unusual("key")
                key = walk(key_node)
                if key in out:
                    raise Unusual("duplicate key")  # ruamel's error is the one to report
                out[key] = walk(value_node)
            return out
        if cls is SequenceNode and tag == _SEQ:
            return [walk(v) for v in node.value]
        raise Unusual(tag)

    try:
        return walk(node)
    finally:
        # `walk` refers to itself through its closure: a cycle only the cyclic collector
        # would free, with everything the closure holds.
        del walk


def fast_path_available(composer) -> bool:
    """Whether ``composer`` (a YAML instance) types scalars as this module expects: the C
    composer gives tags as strings, the pure-Python one as `Tag` objects."""
    try:
        node = composer.compose("a: 1")
    except Exception:  # noqa: BLE001 - no fast path then
        return False
    return isinstance(node.tag, str) and node.value[0][1].tag == _INT
