"""Methods that attrs, cattrs and dataclasses generate, kept compiled between starts of the server.

Importing the protocol types (lsprotocol) builds about 570 attrs classes, and attrs compiles the
source of every class's generated methods (``__init__``, ``__eq__``, ``__repr__``, ...) at each
start: about a third of the server's start-up. cattrs does the same for the converters of the
messages it meets, and `dataclasses` for hook-lsp's own classes. Python keeps compiled modules in
``__pycache__``; this keeps those generated methods the same way: one file per Python build in the cache folder (`cache_location`), holding
for each (source, file name, mode, inherited ``__future__`` flags) the code object that
``compile`` returned for it. A hit returns that code object; anything else compiles as usual.

Like ``__pycache__``, nothing is written when Python is told not to write bytecode
(``-B``, ``PYTHONDONTWRITEBYTECODE``), and a missing, unreadable or corrupt file only means
compiling. The file is read once, before the imports, and written once start-up is over
(`save`), only when something new was compiled; a later attrs that generates other source just
misses. The file is trusted as ``__pycache__`` is: it sits in the user's own cache folder.
"""

from __future__ import annotations

import __future__
import builtins
import marshal
import os
import sys
import tempfile
from pathlib import Path

from .cache_location import cache_dir

try:  # the C module behind `hashlib.blake2b`: importing hashlib loads OpenSSL (3 ms of a start)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

#: Bump when the file's layout changes.
FORMAT = 1
#: Every ``__future__`` flag ``compile`` inherits from the code that calls it.
_FUTURE_FLAGS = 0
for _name in __future__.all_feature_names:
    _FUTURE_FLAGS |= getattr(__future__, _name).compiler_flag
#: Modules whose calls to ``compile`` (attrs' class builder, cattrs' converters) or ``exec``
#: of source text (dataclasses) go through the cache.
_PATCHED = (("attr._make", "compile"), ("cattrs.gen", "compile"), ("dataclasses", "exec"))

_compile = builtins.compile
_exec = builtins.exec


class CodeCache:
    """Code objects by a digest of what they were compiled from."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.codes: dict[bytes, object] = {}
        self.added = 0
        self.hits = 0
        #: What this process compiled or reused: the file keeps only these. (attrs writes a
        #: per-process number, the hash of a name, into the ``__hash__`` of hashable classes:
        #: those sources never come back, and the file would otherwise grow at every start.)
        self.used: dict[bytes, object] = {}
        try:
            # `marshal.load` on a file reads it object by object through the file's methods
            # (48 ms for this file here); from bytes, the same load takes 6 ms.
            with open(path, "rb") as f:
                data = marshal.loads(f.read())
            if isinstance(data, dict) and data.get("format") == FORMAT:
                self.codes = data["codes"]
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            self.codes = {}

    def compile(self, source, filename, mode, flags=0, dont_inherit=False, optimize=-1, **kwargs):
        """``compile`` for the patched modules: cached for plain source text, else passed on."""
        if flags or dont_inherit or optimize != -1 or kwargs or type(source) is not str:
            return _compile(source, filename, mode, flags, dont_inherit, optimize, **kwargs)
        # What the builtin would inherit: the future flags of the code that called it.
        return self._code(source, filename, mode, sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS)

    def exec(self, source, globals=None, locals=None, *args, **kwargs):
        """``exec`` for the patched modules: source text is compiled through the cache (as
        ``exec`` compiles it: file ``<string>``, the caller's future flags)."""
        if globals is None or args or kwargs or type(source) is not str:
            if globals is None:  # the caller's namespaces, as the builtin would take them
                frame = sys._getframe(1)
                globals, locals = frame.f_globals, frame.f_locals if locals is None else locals
            return _exec(source, globals, locals, *args, **kwargs)
        code = self._code(source, "<string>", "exec", sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS)
        return _exec(code, globals, locals)

    def _code(self, source: str, filename: str, mode: str, inherited: int):
        key = blake2b(
            f"{filename}\0{mode}\0{inherited}\0{source}".encode("utf-8", "surrogatepass"), digest_size=16
        ).digest()
        code = self.codes.get(key)
        if code is None:
            code = self.codes[key] = _compile(source, filename, mode, inherited, True)
            self.added += 1
        else:
            self.hits += 1
        self.used[key] = code
        return code

    def save(self) -> None:
        """Write what this process used, when it compiled anything new (atomically)."""
        if not self.added or sys.dont_write_bytecode:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out:
                    marshal.dump({"format": FORMAT, "codes": self.used}, out)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except (OSError, ValueError):
            return  # a read-only or full disk: compile again next time
        self.added = 0


def cache_file() -> Path:
    """One file per Python build: code objects are only valid for the interpreter that made them."""
    tag = blake2b(sys.version.encode(), digest_size=6).hexdigest()
    return cache_dir() / "code" / f"{sys.implementation.cache_tag}-{tag}.marshal"


_active: CodeCache | None = None


def install() -> CodeCache | None:
    """Route the generators' ``compile``/``exec`` through the cache; call before the imports.

    Imports the patched modules (the server imports them anyway); a module that is missing or
    no longer calls the builtin by that name is simply left as it is."""
    global _active
    if _active is not None:
        return _active
    import importlib

    try:
        cache = CodeCache(cache_file())
    except (RuntimeError, OSError, ValueError, KeyError):  # no home folder to find: compile as usual
        return None
    for name, builtin in _PATCHED:
        try:
            module = importlib.import_module(name)
        except ImportError:  # pragma: no cover - all come with pygls or Python
            continue
        if builtin not in vars(module):  # never shadow a name the module defines itself
            setattr(module, builtin, getattr(cache, builtin))
    _active = cache
    return cache


def save() -> None:
    """`CodeCache.save` for the installed cache (the server calls it once start-up is over)."""
    if _active is not None:
        _active.save()
