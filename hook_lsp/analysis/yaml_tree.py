"""YAML documents of a masked template, as a small node tree with exact source spans.

The masked text (see `template_mask`) is split into documents the way Helm splits rendered
manifests (`SplitManifests`, regex ``(?m)^---[ \\t]*``; guide #parsing) and each document
is composed on its own with ruamel.yaml's C composer (libyaml via ruamel.yaml.clib: about ten
times faster than the round-trip loader; `YAML(typ="safe").compose` still gives every node's
start and end marks). A document that does not parse degrades on its own: the text up to the
error is composed again so the document's ``metadata`` usually survives a half-typed line below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator, Union

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

try:
    from ruamel.yaml.cyaml import CParser
except ImportError:  # pragma: no cover - no ruamel.yaml.clib on this platform: the pure parser
    CParser = None

from .source import LineIndex, Span

_DOC_SEPARATOR = re.compile(r"^---[ \t]*", re.MULTILINE)



class UntypedResolver(VersionedResolver):
    """Gives every node its default tag.

    The tree never reads tags (`yaml_types` types scalars the way Helm's YAML library does), and
    ruamel's implicit resolver is about half of the composer's time with the C parser.
    """

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            return self.DEFAULT_SCALAR_TAG
        if kind is SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG


def make_yaml(resolver=None) -> YAML:
    """ruamel's safe loader on libyaml (ten times faster), or the pure-Python one where
    ruamel.yaml.clib is absent; ``resolver`` replaces its scalar typing when given."""
    try:
        yaml = YAML(typ="safe", pure=False)
        if resolver is not None:
            yaml.Resolver = resolver
        yaml.compose("a: 1")
        return yaml
    except Exception:  # pragma: no cover - depends on the platform's wheels
        yaml = YAML(typ="safe", pure=True)
        if resolver is not None:
            yaml.Resolver = resolver
        return yaml


def make_composer(resolver) -> Callable[[str], object]:
    """``compose`` (the node tree of a one-document text) with libyaml's composer called
    directly: `YAML.compose` builds a loader class for every call, a fifth of the time of a
    small document (and there is one per template, rendered template and values file)."""
    yaml = make_yaml(resolver)
    if yaml.Parser is not CParser:  # pragma: no cover - no ruamel.yaml.clib on this platform
        return yaml.compose

    class _Composer(CParser, resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            resolver.__init__(self, loadumper=self)

    def compose(text: str):
        composer = _Composer(text)
        try:
            return composer.get_single_node()
        finally:
            composer.dispose()
            # The resolver refers to its loader, here the composer itself: a reference cycle
            # that only the cyclic garbage collector would free, holding the parser's buffers
            # (tens of MB over an umbrella's templates). Broken, it goes when the call returns.
            composer.__dict__.clear()

    return compose


_compose = make_composer(UntypedResolver)


@dataclass(slots=True)
class YScalar:
    value: str
    span: Span
    #: None for plain scalars, else one of ``'"|>``.
    style: str | None = None

    @property
    def plain(self) -> bool:
        return self.style is None


@dataclass(slots=True)
class YSeq:
    items: list["YNode"]
    span: Span


@dataclass(slots=True)
class YMap:
    pairs: list[tuple["YNode", "YNode"]]
    span: Span

    def get(self, key: str) -> "YNode | None":
        """The value of the first pair whose key is the scalar ``key``."""
        for k, v in self.pairs:
            if isinstance(k, YScalar) and k.value == key:
                return v
        return None

    def get_pair(self, key: str) -> "tuple[YScalar, YNode] | None":
        for k, v in self.pairs:
            if isinstance(k, YScalar) and k.value == key:
                return k, v
        return None

    def items(self) -> Iterator[tuple[YScalar, "YNode"]]:
        """Pairs with scalar keys (complex keys are skipped)."""
        for k, v in self.pairs:
            if isinstance(k, YScalar):
                yield k, v


YNode = Union[YScalar, YSeq, YMap]


@dataclass
class YamlProblem:
    """A YAML syntax error located in the masked text."""

    message: str
    span: Span
    #: Where the construct that failed started (libyaml's "context" mark), if known.
    context_offset: int | None = None


@dataclass
class Document:
    """One ``---``-separated document of a template."""

    index: int
    #: The document's extent in the source (from its first line to before the next ``---``).
    span: Span
    root: YNode | None
    problem: YamlProblem | None = None
    #: True when ``root`` came from the text before a syntax error (a partial tree).
    partial: bool = False
    notes: list[str] = field(default_factory=list)


def split_documents(text: str) -> list[Span]:
    """Extents of the ``---``-separated documents of ``text`` (masked or not)."""
    if "---" not in text:
        return [Span(0, len(text))]
    spans = []
    start = 0
    for m in _DOC_SEPARATOR.finditer(text):
        spans.append(Span(start, m.start()))
        start = m.start()
    spans.append(Span(start, len(text)))
    return spans


#: Line breaks of YAML 1.1 (libyaml, and go-yaml v2 in Helm) that are not LSP line breaks.
_YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")
_YAML_BREAK = re.compile("\r\n?|[\n\x85\u2028\u2029]")


class _Converter:
    """Turns ruamel nodes into Y* nodes, translating marks into source offsets.

    Marks count lines the YAML way; where the document holds a break that LSP does not count
    (U+0085, U+2028, U+2029), lines are counted the YAML way over the chunk itself.
    """

    def __init__(self, index: LineIndex, first_line: int, chunk: str = "", base: int = 0) -> None:
        self.index = index
        self.first_line = first_line
        self.seen: set[int] = set()
        self.base = base
        self.yaml_starts: list[int] | None = None
        if any(b in chunk for b in _YAML_ONLY_BREAKS):
            self.yaml_starts = [0, *(m.end() for m in _YAML_BREAK.finditer(chunk))]
            self.chunk_len = len(chunk)

    def offset(self, mark) -> int:
        if self.yaml_starts is None:
            return self.index.offset(self.first_line + mark.line, mark.column)
        starts = self.yaml_starts
        line = min(max(mark.line, 0), len(starts) - 1)
        end = starts[line + 1] if line + 1 < len(starts) else self.chunk_len
        return self.base + min(starts[line] + max(mark.column, 0), end)

    def convert(self, node) -> YNode:
        # libyaml's marks also count code points from the start of the chunk, which starts at
        # `base` and is as long as the document: the offset is a sum (a line and a column would
        # need a lookup per node, and every node of every template has two marks).
        span = Span(self.base + node.start_mark.index, self.base + node.end_mark.index)
        if isinstance(node, ScalarNode):
            # Scalars first (most nodes): an alias to one costs no more than the scalar.
            return YScalar(node.value, span, node.style or None)
        if id(node) in self.seen:
            # An alias to a collection already seen: keep a placeholder instead of expanding
            # it, so "billion laughs" documents stay linear (manifests do not use anchors).
            return YScalar("", span, "*")
        self.seen.add(id(node))
        convert = self.convert
        if isinstance(node, MappingNode):
            return YMap([(convert(k), convert(v)) for k, v in node.value], span)
        if isinstance(node, SequenceNode):
            return YSeq([convert(v) for v in node.value], span)
        return YScalar("", span, None)  # pragma: no cover - no other node types


def parse_documents(masked: str, index: LineIndex | None = None) -> list[Document]:
    """Compose every document of the masked text; never raises."""
    index = index or LineIndex(masked)
    docs: list[Document] = []
    for i, span in enumerate(split_documents(masked)):
        chunk = masked[span.start : span.end]
        if chunk.startswith("---"):
            chunk = "   " + chunk[3:]  # keep columns; the separator is not content
        first_line = index.position(span.start)[0]
        docs.append(_parse_one(i, span, chunk, index, first_line))
    return docs


def _parse_one(i: int, span: Span, chunk: str, index: LineIndex, first_line: int) -> Document:
    if not chunk.strip():
        return Document(i, span, None)
    conv = _Converter(index, first_line, chunk, span.start)
    try:
        node = _compose(chunk)
        return Document(i, span, conv.convert(node) if node is not None else None)
    except MarkedYAMLError as exc:
        problem = _problem(exc, conv, span)
    except RecursionError:
        return Document(i, span, None, YamlProblem("YAML nesting is too deep to analyse", Span(span.start, span.start)))
    except (YAMLError, ValueError, TypeError) as exc:  # libyaml reader errors, bad characters
        return Document(i, span, None, YamlProblem(f"YAML error: {exc}", Span(span.start, span.start)))
    # Degrade: compose the text before the failing line, or before the construct that failed
    # (an unclosed `[` is reported at the end of the document), which usually keeps `metadata`.
    root = None
    cuts = {index.position(problem.span.start)[0] - first_line}
    if problem.context_offset is not None:
        cuts.add(index.position(problem.context_offset)[0] - first_line)
    for cut_line in sorted((c for c in cuts if c > 0), reverse=True):
        # Cut at the start of that line (LSP lines: a lone `\r` ends a line too).
        cut = min(max(index.line_start(first_line + cut_line) - span.start, 0), len(chunk))
        try:
            node = _compose(chunk[:cut])
        except (YAMLError, RecursionError, ValueError, TypeError):
            continue
        root = _Converter(index, first_line, chunk, span.start).convert(node) if node is not None else None
        break
    return Document(i, span, root, problem, partial=root is not None)


def _problem(exc: MarkedYAMLError, conv: _Converter, span: Span) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    offset = conv.offset(mark) if mark is not None else span.start
    offset = min(max(offset, span.start), span.end)
    ctx = conv.offset(exc.context_mark) if exc.context_mark is not None else None
    message = (exc.problem or exc.context or "YAML syntax error").strip()
    if exc.context and exc.problem:
        message = f"{exc.problem} ({exc.context})"
    return YamlProblem(message, Span(offset, offset), ctx)


def walk(node: YNode | None) -> Iterator[YNode]:
    """Every node below and including ``node``, depth first."""
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, YMap):
            for k, v in reversed(n.pairs):
                stack.append(v)
                stack.append(k)
        elif isinstance(n, YSeq):
            stack.extend(reversed(n.items))


def path_get(node: YNode | None, *keys: str) -> YNode | None:
    """``node[k1][k2]...`` through mappings; None when any step is missing."""
    for key in keys:
        if not isinstance(node, YMap):
            return None
        node = node.get(key)
    return node
