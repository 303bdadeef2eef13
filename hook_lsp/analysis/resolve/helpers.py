"""The helper library of a chart: which ``define``s its templates can ``include``.

`HelperLibrary` holds the helper files visible to a chart in Helm's load order and parses a
define only when a template asks for it (`define_names` finds the candidate files without
parsing; `define_in` parses the one define). Parsed files are shared by every chart of a
process (`PARSED_HELPERS`, keyed by path and a hash of the text): library charts such as
bitnami's `common` serve many charts. Copies of one file at other paths are parsed once too
(`parsed_defines`): an umbrella vendors the same `common` library into each of its subcharts.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import replace

from .. import gotemplate
from ..template_mask import find_actions
from .parse import Define, parse

#: Parsed defines per helper file: path -> (hash of its text, defines).
PARSED_HELPERS: dict[str, tuple[int, dict[str, Define]]] = {}
#: Candidate define names per helper file: path -> (hash of its text, names or None).
HELPER_NAMES: dict[str, tuple[int, frozenset[str] | None]] = {}
#: Defines per helper text, as parsed at the first path seen (see `parsed_defines`).
_BY_TEXT: OrderedDict[str, dict[str, Define]] = OrderedDict()
#: Distinct helper texts kept (edits of a `.tpl` buffer make a new text at every keystroke).
TEXTS_KEPT = 2048


def parsed_defines(text: str, path: str) -> dict[str, Define]:
    """The defines of helper file ``path`` holding ``text``.

    A text already parsed at another path is not parsed again: its defines are copied with
    this path (a parse differs by the path it names, nothing else), and share their bodies.
    """
    defines = _BY_TEXT.get(text)
    if defines is None:
        defines = _BY_TEXT[text] = parse(text, path).defines
        if len(_BY_TEXT) > TEXTS_KEPT:
            _BY_TEXT.popitem(last=False)
    else:
        _BY_TEXT.move_to_end(text)
    if any(d.path != path for d in defines.values()):
        defines = {name: replace(d, path=path) for name, d in defines.items()}
    return defines


#: One define parsed on its own, by (text of its file, name); see `define_in`.
_ONE: OrderedDict[tuple[str, str], Define | None] = OrderedDict()
#: A helper text's actions, and the actions of each of its top-level defines (`_define_regions`).
_REGIONS: OrderedDict[str, tuple[list, dict[str, tuple[int, int]]]] = OrderedDict()
_OPENS = frozenset({"if", "with", "range", "define", "block"})
_MISSING = object()


def define_in(text: str, path: str, name: str) -> Define | None:
    """The define ``name`` of helper file ``path`` holding ``text``, parsing only its own actions
    (else the whole file, as `parsed_defines`).

    A helper library such as bitnami's `common` holds a hundred defines and a template includes
    a few: parsing every define of every file it names was a tenth of a `check`. The file's
    actions are found once (a third of a parse); a define is then parsed from its own actions,
    from its ``define`` to the matching ``end``. The parser builds a define from those actions
    alone, whatever comes before it, so the result is the whole parse's. It must read as exactly
    that one define, closed, or the whole file is parsed.
    """
    key = (text, name)
    if key in _ONE:
        _ONE.move_to_end(key)
        found = _ONE[key]
    else:
        found = _MISSING
        actions, regions = _define_regions(text)
        if name in regions:
            first, last = regions[name]
            parsed = parse(text, path, actions[first:last])
            if not parsed.unclosed and list(parsed.defines) == [name]:
                found = parsed.defines[name]
        if found is _MISSING:
            found = parsed_defines(text, path).get(name)
        _ONE[key] = found
        if len(_ONE) > TEXTS_KEPT * 8:
            _ONE.popitem(last=False)
    if found is not None and found.path != path:
        found = replace(found, path=path)
    return found


def _define_regions(text: str) -> tuple[list, dict[str, tuple[int, int]]]:
    """A helper text's actions, and for each top-level ``define`` the index of its action and
    one past its ``end``, counting blocks as the parser opens and closes them (a name found
    twice is left out: the parser keeps the last, `define_in` parses the whole file)."""
    hit = _REGIONS.get(text)
    if hit is not None:
        _REGIONS.move_to_end(text)
        return hit
    actions = find_actions(text)
    regions: dict[str, tuple[int, int]] = {}
    twice: set[str] = set()
    depth = 0
    opened: tuple[str, int] | None = None
    for k, action in enumerate(actions):
        if action.kind != "control" or action.unterminated:
            continue
        kw = action.keyword
        if kw in _OPENS:
            if depth == 0 and kw == "define":
                toks = gotemplate.tokenize(action.body[len(kw) :].strip())
                opened = (toks[0].string_value(), k) if toks and toks[0].is_string else None
            depth += 1
        elif kw == "end" and depth:
            depth -= 1
            if depth == 0 and opened is not None:
                name = opened[0]
                if name in regions:
                    twice.add(name)
                regions[name] = (opened[1], k + 1)
                opened = None
    for name in twice:
        del regions[name]
    hit = _REGIONS[text] = (actions, regions)
    if len(_REGIONS) > TEXTS_KEPT // 8:
        _REGIONS.popitem(last=False)
    return hit


#: A ``define``/``block`` action's name as written: ``{{`` and an optional trim marker, then the
#: keyword (a superset: such text in a comment or a string matches too). Anchoring on ``{{``
#: makes the scan of an umbrella's thousand helper files five times faster than looking for
#: the bare keywords, which also match prose ("don't define `x`").
_DEFINE_NAME = re.compile(r"\{\{-?\s*(?:define|block)\s*(\"(?:[^\"\\\n]|\\.)*\"|`[^`]*`)")


def define_names(text: str) -> frozenset[str] | None:
    """Names a helper file may define, found without parsing it; None when a name uses escapes
    (the file is then parsed to know)."""
    names = set()
    for m in _DEFINE_NAME.finditer(text):
        lit = m.group(1)
        if "\\" in lit:
            return None
        names.add(lit[1:-1])
    return frozenset(names)


class HelperLibrary:
    """The ``define``s visible to a chart's templates, parsed only when a template asks.

    Files are kept in Helm's load order; a name defined in several files resolves to the last
    one (as merging every file's defines in order would). Each file's candidate names come from
    a cheap scan, so only the files that may define an asked name are read, and in them only
    that define is parsed (`define_in`): a template that includes three helpers parses those
    three, not the whole chart's helpers.
    """

    def __init__(self, files: list[tuple[str, str]], names: list[frozenset[str] | None], parsed: dict) -> None:
        self._files = files
        self._names = names
        #: Shared with the resolver: path -> (hash of text, defines).
        self._parsed = parsed
        self._found: dict[str, Define | None] = {}

    def _defines_of(self, i: int) -> dict[str, Define]:
        path, text = self._files[i]
        key = hash(text)
        hit = self._parsed.get(path)
        if hit is None or hit[0] != key:
            hit = self._parsed[path] = (key, parsed_defines(text, path))
        return hit[1]

    def get(self, name: str, default=None):
        if name in self._found:
            found = self._found[name]
            return default if found is None else found
        found = None
        for i in range(len(self._files) - 1, -1, -1):
            names = self._names[i]
            if names is None:
                found = self._defines_of(i).get(name)
            elif name not in names:
                continue
            else:
                path, text = self._files[i]
                found = define_in(text, path, name)
            if found is not None:
                break
        self._found[name] = found
        return default if found is None else found

    def __getitem__(self, name: str) -> Define:
        found = self.get(name)
        if found is None:
            raise KeyError(name)
        return found

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def as_dict(self) -> dict[str, Define]:
        """Every define (parses every file)."""
        out: dict[str, Define] = {}
        for i in range(len(self._files)):
            out.update(self._defines_of(i))
        return out

    def keys(self):
        return self.as_dict().keys()

    def __iter__(self):
        return iter(self.as_dict())

    def __len__(self) -> int:
        return len(self.as_dict())
