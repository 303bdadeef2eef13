"""A lexer for the inside of Go-template actions (``{{ ... }}``), with source offsets.

Enough of text/template's lexer to find literal arguments (``dict "helm.sh/hook" "pre-install"``),
function names and pipelines; the static evaluator of helpers builds on these tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<char>'(?:[^'\\\n]|\\.)+')
  | (?P<number>[+-]?(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?))
  | (?P<field>(?:\$[A-Za-z0-9_]*)?(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\$[A-Za-z0-9_]*|\.)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<declare>:=)
  | (?P<punct>[()|,=])
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


# Not `frozen` (built through `object.__setattr__`, several times slower), as `source.Span`.
@dataclass(slots=True, unsafe_hash=True)
class Token:
    """One token of an action (never changed once made)."""

    kind: str  # string | raw | char | number | field | ident | declare | punct | other
    text: str
    #: Offset of the token in the template source.
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def is_string(self) -> bool:
        return self.kind in ("string", "raw")

    def string_value(self) -> str:
        """The value of a string literal (escapes decoded), else the text."""
        if self.kind == "raw":
            return self.text[1:-1]
        if self.kind != "string":
            return self.text
        body = self.text[1:-1]
        if "\\" not in body:
            return body
        out, i = [], 0
        while i < len(body):
            c = body[i]
            if c == "\\" and i + 1 < len(body):
                out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
                i += 2
            else:
                out.append(c)
                i += 1
        return "".join(out)

    def content_start(self) -> int:
        """Offset of the first character inside the quotes of a string literal."""
        return self.start + 1 if self.is_string else self.start

    def has_escapes(self) -> bool:
        return self.kind == "string" and "\\" in self.text


def tokenize(body: str, offset: int = 0) -> list[Token]:
    """Tokens of an action body; ``offset`` is the body's offset in the source."""
    tokens = []
    for m in _TOKEN.finditer(body):
        kind = m.lastgroup or "other"
        if kind == "space":
            continue
        tokens.append(Token(kind, m.group(0), offset + m.start()))
    return tokens


def string_pairs(tokens: list[Token], key_prefix: str) -> list[tuple[Token, Token]]:
    """Adjacent (string, string) literal pairs whose first starts with ``key_prefix``.

    This is how ``dict "helm.sh/hook" "pre-install" "helm.sh/hook-weight" "5"`` reads.
    """
    pairs = []
    i = 0
    while i + 1 < len(tokens):
        a, b = tokens[i], tokens[i + 1]
        if a.is_string and a.string_value().startswith(key_prefix) and b.is_string:
            pairs.append((a, b))
            i += 2
        else:
            i += 1
    return pairs
