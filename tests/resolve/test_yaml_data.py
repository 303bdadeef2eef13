"""Values read by the fast path equal ruamel's safe constructor, value for value and type for type."""

from __future__ import annotations

import math

import pytest
from ruamel.yaml import YAML

from hook_lsp.analysis.resolve import values
from hook_lsp.analysis.resolve.shared import SharedDict
from hook_lsp.analysis.resolve.yaml_data import Unusual, build
from tests.outside_data import CORPUS, needs_corpus

#: ruamel's own reader with the same resolver, as values files were read before the fast path.
_REFERENCE = YAML(typ="safe", pure=False)
_REFERENCE.Resolver = values._Resolver


def _same(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def _outcome(read):
    try:
        return read(), None
    except Exception as exc:  # noqa: BLE001 - the error class is what is compared
        return None, type(exc).__name__


SCALARS = """\
s: [yes, no, on, off, y, n, True, FALSE, ~, null, Null, "", '', "1", '2', abc, 1.0.0]
i: [0, -0, +1, 012, 0o17, 0x1F, 0b101, 1_000, -42, 12345678901234567890]
f: [1.5, -2.0e3, .5, 1e3, .inf, -.Inf, +.INF, .nan, .NaN, 1_0.5, 6.02E+23]
b: [true, false, True, False, TRUE]
nested: {a: [1, {b: null}], "quoted key": x, 3: int key, true: bool key, null: null key}
multi: |
  line one
  line two
folded: >-
  a
  b
empty:
"""


def test_scalars_and_shapes_equal_ruamel():
    node = values._SAFE.compose(SCALARS)
    assert _same(build(node), _REFERENCE.load(SCALARS))


@pytest.mark.parametrize(
    "text",
    [
        "when: 2001-12-14\n",  # timestamp: ruamel builds a date
        "bin: !!binary aGk=\n",
        "base: &b {a: 1}\nuse:\n  <<: *b\n  c: 2\n",  # merge key and alias
        "a: &x [1]\nb: *x\n",  # an alias of a list
        "a: 1\na: 2\n",  # duplicate key: ruamel's error decides
        "? [a, b]\n: c\n",  # a key that is not a scalar
        "x: !custom 1\n",
    ],
)
def test_unusual_documents_are_left_to_ruamel(text):
    with pytest.raises(Unusual):
        build(values._SAFE.compose(text))
    data, ref_error = _outcome(lambda: _REFERENCE.load(text))
    got, _refused, broken = values._read(text)
    if ref_error:
        assert got is None
    else:
        assert _same(got, data) and broken is None


@pytest.mark.parametrize(
    "text",
    [
        SCALARS,
        "e: !!str 5\nf: !!str true\ng: [!!str ~, !!int '7']\n",  # explicit tags on plain scalars
        "a: ! 123\nb: {c: ! true}\n",  # the non-specific tag
        "!!str 5: key\n1: a\ntrue: b\n~: c\n",  # typed keys
        "<<: {a: 1}\nb: 2\n",  # a merge key without an alias
        "msg: Important! Read this\nbang: a!b\n",  # '!' that starts no tag
        "x: '!!str'\ny: \"! 1\"\n",
    ],
)
def test_untyped_reading_types_as_ruamel(text):
    """Values are composed untyped and typed while built: tags must still win."""
    expected, error = _outcome(lambda: _REFERENCE.load(text))
    got, _refused, broken = values._read(text)
    if error is not None:
        assert got is None
    else:
        assert broken is None and _same(got, expected)


def test_only_texts_with_tag_starts_are_read_typed():
    assert not values._may_hold_tags("msg: Important! Read this\nbang: a!b\n")
    for text in ("!!str 5\n", "a: !!str 5\n", "a: [!x 1]\n", "a: {b: ! 1}\n", "a:\n- !!int '3'\n", "a: 1,!b\n"):
        assert values._may_hold_tags(text), text


def test_file_reads_share_maps():
    data, _refused, _broken = values._read("a: {b: [{c: 1}]}\n", SharedDict)
    assert type(data) is SharedDict and type(data["a"]) is SharedDict and type(data["a"]["b"][0]) is SharedDict


def test_alias_bomb_is_refused_not_expanded():
    bomb = "a: &a [x, x]\n" + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    data, refused, _ = values._read(bomb)
    assert data is None and refused


@needs_corpus
def test_every_yaml_file_of_the_corpus_reads_as_ruamel_reads_it():
    files = sorted(p for p in CORPUS.rglob("*.yaml") if "templates" not in p.parts)
    assert len(files) > 100
    fast = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        expected, error = _outcome(lambda: _REFERENCE.load(text))
        got, refused, broken = values._read(text)
        if error is not None or refused:
            assert got is None, path
            continue
        assert broken is None and _same(got, expected), path
        try:
            node = values._SAFE.compose(text)
            build(node) if node is not None else None
            fast += 1
        except Unusual:
            pass
    # Values files of real charts almost always take the fast path.
    assert fast > 0.9 * len(files)
