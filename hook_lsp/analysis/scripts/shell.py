"""Shell scripts read with tree-sitter-bash: commands, their words and how their status is used.

`parse_shell(text)` returns every simple command of the script in source order with the facts
the rules need: its words (static text or None when expanded at run time), its redirections and
heredoc, and its *context* — whether a failure is handled by the script (``if cmd``,
``cmd || x``, ``! cmd``), whether its exit status becomes the script's (the last command), and
whether ``set -e`` is in force there. tree-sitter-bash reads ``<<'EOF'``, ``<<-EOF`` and
template placeholders; a script with a syntax error is not analysed (`ShellScript.ok` False).

Offsets are code points in the extracted text (tree-sitter reports UTF-8 bytes; converted here).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import lru_cache

from ..template_mask import MaskedTemplate
from . import guards
from .mapped import MappedText


@lru_cache(maxsize=1)
def _parser():
    """The tree-sitter-bash parser, or None when its compiled parts do not load here (no wheel
    for this platform or Python): scripts are then left unread, and `analysis.parts` says so."""
    try:
        import tree_sitter_bash
        from tree_sitter import Language, Parser

        return Parser(Language(tree_sitter_bash.language()))
    except Exception:
        return None


@dataclass
class Word:
    """One argument of a command."""

    start: int
    end: int
    #: The argument's value when it is static (quotes removed), else None.
    value: str | None
    #: Raw text as written.
    raw: str
    node_type: str


@dataclass
class Heredoc:
    #: Body range in the extracted text (excluding the closing delimiter).
    start: int
    end: int
    #: ``<<'EOF'`` / ``<<"EOF"`` / ``<<\\EOF``: no expansion inside.
    quoted: bool
    #: Extracted ranges of ``$VAR`` / ``$(...)`` expansions inside an unquoted body.
    expansions: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Command:
    name: str
    #: The command name as written and its range.
    name_raw: str
    name_start: int
    name_end: int
    start: int
    end: int
    words: list[Word]
    heredoc: Heredoc | None = None
    #: ``< file`` redirection targets (static ones).
    stdin_files: list[str] = field(default_factory=list)
    herestring: bool = False
    #: Receives its standard input from a pipe (``echo ... | psql``).
    piped_in: bool = False
    #: Its output goes to a pipe and its status is not the pipeline's.
    piped_out: bool = False
    #: A failure is handled by the script: condition of if/while/until, left of `||`, negated.
    tolerated: bool = False
    #: Left of `&&`: a failure skips the rest of the list (errexit does not fire).
    and_left: bool = False
    #: Its exit status becomes the script's (the last command executed).
    tail: bool = False
    #: Inside `$(...)`, `<(...)`, or a function body.
    nested: bool = False
    #: Runs only under a condition: an if/case branch, or the right side of `&&`/`||`.
    guarded: bool = False
    #: `set -e` is in force: True, False, or None when unknown (template-injected lines before).
    errexit: bool | None = False
    #: Runs only after an existence probe said "not there yet" (`probe || create`, a branch of
    #: `if probe`, or anything after `if probe; then exit 0; fi`), see `guards`.
    exists_guarded: bool = False

    @property
    def static_args(self) -> list[str | None]:
        return [w.value for w in self.words]

    def has_option(self, short: str = "", long: tuple[str, ...] = (), takes_arg: str = "") -> bool:
        """True when a short option letter (in any cluster) or a long option is given."""
        for w in self.words:
            v = w.value
            if v is None:
                continue
            if v == "--":
                break
            if v.startswith("--"):
                if v.split("=", 1)[0] in long:
                    return True
                continue
            if short and v.startswith("-") and len(v) > 1:
                for ch in v[1:]:
                    if ch == short:
                        return True
                    if ch in takes_arg or not ch.isalpha():
                        break
        return False


@dataclass
class ShellScript:
    text: MappedText
    commands: list[Command]
    #: tree-sitter found no syntax error.
    ok: bool
    #: Nodes of bash-only syntax: (kind, start, end).
    bashisms: list[tuple[str, int, int]] = field(default_factory=list)


_STATIC_WORD_TYPES = ("word", "raw_string", "string", "number", "concatenation")
_STATEMENT_SEPARATORS = (";", "&", ";;", "\n", "comment")


class _Walker:
    def __init__(self, text: MappedText, source: bytes) -> None:
        self.text = text
        self.source = source
        self.commands: list[Command] = []
        self.guard_depth = 0
        #: Depth of existence-probe guards around the current statement (see `guards`).
        self.exists_depth = 0
        #: Variables holding a probe's output or status (`x=$(kubectl get ...)`, `rc=$?`).
        self.probe_vars: set[str] = set()
        #: The statement just walked ran a probe (for a following `$?`).
        self.prev_probe = False
        self.bashisms: list[tuple[str, int, int]] = []
        if len(source) == len(text.text):
            self.char_of = None
        else:
            table = []
            for i, ch in enumerate(text.text):
                table.extend([i] * len(ch.encode("utf-8")))
            table.append(len(text.text))
            self.char_of = table

    def pos(self, byte: int) -> int:
        if self.char_of is None:
            return byte
        return self.char_of[min(byte, len(self.char_of) - 1)]

    def rng(self, node) -> tuple[int, int]:
        return self.pos(node.start_byte), self.pos(node.end_byte)

    def raw(self, node) -> str:
        a, b = self.rng(node)
        return self.text.text[a:b]

    # -- statements ------------------------------------------------------------------------

    def statements(self, nodes, tolerated: bool, tail: bool, nested: bool) -> None:
        stmts = [n for n in nodes if n.is_named and n.type not in ("comment", "heredoc_body")]
        depth = self.exists_depth
        try:
            for i, n in enumerate(stmts):
                self._note_probe_variable(n)
                leaves = self._probe_then_exit(n)
                self.statement(n, tolerated, tail and i == len(stmts) - 1, nested)
                if leaves:
                    self.exists_depth += 1  # the rest runs only when the probe found nothing
                self.prev_probe = n.type in ("command", "pipeline", "redirected_statement") and guards.is_probe_text(
                    self.raw(n)
                )
        finally:
            self.exists_depth = depth

    def _probe_condition(self, text: str) -> bool:
        return guards.tests_probe(text, self.probe_vars) or (self.prev_probe and guards.tests_status(text))

    def _note_probe_variable(self, node) -> None:
        name = guards.assigned_name(node, self.raw)
        if name and self._probe_condition(self.raw(node)):
            self.probe_vars.add(name)

    def _probe_then_exit(self, node) -> bool:
        """`if probe; then exit 0; fi` or `probe && exit 0` (also with `$?` of the line before)."""
        if node.type == "if_statement":
            conds = node.children_by_field_name("condition")
            body = [c for c in node.children if c.is_named and c not in conds and c.type not in ("elif_clause", "else_clause")]
            return (
                any(self._probe_condition(self.raw(c)) for c in conds)
                and any(guards.leaves_when_done(b, self.raw) for b in body)
            )
        if node.type == "list":
            kids = [c for c in node.children if c.type != "comment"]
            if len(kids) >= 3 and kids[1].type == "&&":
                return self._probe_condition(self.raw(kids[0])) and guards.leaves_when_done(kids[2], self.raw)
        return False

    def exists_guarded(self, fn, *args) -> None:
        """Run a walk step whose commands run only after a probe (`probe || create`, `if probe`)."""
        self.exists_depth += 1
        try:
            fn(*args)
        finally:
            self.exists_depth -= 1

    def guarded(self, fn, *args) -> None:
        """Run a walk step whose commands only run under a condition."""
        self.guard_depth += 1
        try:
            fn(*args)
        finally:
            self.guard_depth -= 1

    def statement(self, node, tolerated: bool, tail: bool, nested: bool, piped_in=False, piped_out=False, redirects=()) -> None:
        t = node.type
        if t == "command":
            self.command(node, tolerated, tail, nested, piped_in, piped_out, redirects)
        elif t == "redirected_statement":
            body = node.child_by_field_name("body")
            reds = [c for c in node.children if c.type.endswith("redirect")]
            if body is not None:
                self.statement(body, tolerated, tail, nested, piped_in, piped_out, tuple(reds))
        elif t == "list":
            kids = [c for c in node.children if c.type not in ("comment",)]
            # A list is binary: left op right (left may itself be a list).
            if len(kids) >= 3:
                left, op, right = kids[0], kids[1].type, kids[2]
                if op == "||":
                    self.statement(left, True, False, nested)
                else:
                    self._and_left(left, tolerated, nested)
                if op == "||" and self._probe_condition(self.raw(left)):
                    self.exists_guarded(self.guarded, self.statement, right, tolerated, tail, nested)
                else:
                    self.guarded(self.statement, right, tolerated, tail, nested)
            else:
                self.statements(kids, tolerated, tail, nested)
        elif t == "pipeline":
            parts = [c for c in node.children if c.is_named]
            negated = any(c.type == "!" for c in node.children)
            for i, p in enumerate(parts):
                last = i == len(parts) - 1
                self.statement(p, tolerated or negated, tail and last, nested, piped_in=i > 0, piped_out=not last)
        elif t == "negated_command":
            self.statements(node.children, True, False, nested)
        elif t in ("if_statement", "elif_clause"):
            conds = node.children_by_field_name("condition")
            probing = any(self._probe_condition(self.raw(c)) for c in conds)
            # `if ! probe; then create`, `if [ -z "$(catalog query)" ]; then create`: the branch
            # runs when the object is missing. After a mere readiness check it runs every time.
            existence = any(
                guards.tests_existence(self.raw(c), self.probe_vars)
                or (self.prev_probe and guards.tests_status(self.raw(c)))
                for c in conds
            )
            self.statements(conds, True, False, nested)
            body = [c for c in node.children if c.is_named and c not in conds]
            then = [c for c in body if c.type not in ("elif_clause", "else_clause")]
            rest = [c for c in body if c.type in ("elif_clause", "else_clause")]
            step = self.exists_guarded if existence else (lambda fn, *a: fn(*a))
            step(self.guarded, self.statements, then, tolerated, tail, nested)
            # The `else` of any probe runs only when the probe failed: the object is missing.
            step = self.exists_guarded if probing else (lambda fn, *a: fn(*a))
            for clause in rest:
                step(self.guarded, self.statements, [clause], tolerated, tail, nested)
        elif t == "else_clause":
            self.guarded(self.statements, node.children, tolerated, tail, nested)
        elif t in ("while_statement", "until_statement"):
            conds = node.children_by_field_name("condition")
            self.statements(conds, True, False, nested)
            body = node.child_by_field_name("body")
            if body is not None:
                self.statements(body.children, tolerated, False, nested)
        elif t in ("for_statement", "c_style_for_statement", "select_statement"):
            body = node.child_by_field_name("body")
            for c in node.children:
                if c is not body:
                    self.substitutions(c, nested)
            if body is not None:
                self.statements(body.children, tolerated, False, nested)
        elif t == "case_statement":
            for item in node.children:
                if item.type == "case_item":
                    body = [c for c in item.children if c.type not in ("word", "extglob_pattern")][1:]
                    self.guarded(self.statements, body, tolerated, tail, nested)
        elif t in ("compound_statement", "subshell", "do_group"):
            self.statements(node.children, tolerated, tail, nested)
        elif t == "function_definition":
            body = node.child_by_field_name("body")
            if body is not None:
                self.statements(body.children, tolerated, False, True)
        elif t in ("variable_assignment", "declaration_command", "variable_assignments", "unset_command", "test_command"):
            self.substitutions(node, nested)

    def _and_left(self, node, tolerated: bool, nested: bool) -> None:
        before = len(self.commands)
        self.statement(node, tolerated, False, nested)
        for c in self.commands[before:]:
            if not c.nested:
                c.and_left = True

    def substitutions(self, node, nested: bool) -> None:
        """Commands inside `$(...)`/backquotes/`<(...)` below ``node``."""
        stack = [node]
        while stack:
            n = stack.pop()
            if n.type in ("command_substitution", "process_substitution"):
                self.statements(n.children, True, False, True)
                continue
            stack.extend(n.children)

    def command(self, node, tolerated, tail, nested, piped_in, piped_out, redirects) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            self.substitutions(node, nested)
            return
        name_raw = self.raw(name_node)
        name_val = self.value(name_node.children[0] if name_node.children else name_node)
        a, b = self.rng(node)
        na, nb = self.rng(name_node)
        words = []
        for arg in node.children_by_field_name("argument"):
            wa, wb = self.rng(arg)
            words.append(Word(wa, wb, self.value(arg), self.raw(arg), arg.type))
        cmd = Command(
            name=posixpath.basename(name_val) if name_val else "",
            name_raw=name_raw,
            name_start=na,
            name_end=nb,
            start=a,
            end=b,
            words=words,
            piped_in=piped_in,
            piped_out=piped_out,
            tolerated=tolerated,
            tail=tail,
            nested=nested,
            guarded=self.guard_depth > 0,
            exists_guarded=self.exists_depth > 0,
        )
        for red in list(redirects) + [c for c in node.children if c.type.endswith("redirect")]:
            if red.type == "heredoc_redirect":
                cmd.heredoc = self.heredoc(red)
            elif red.type == "herestring_redirect":
                cmd.herestring = True
            elif red.type == "file_redirect":
                ops = [c.type for c in red.children if not c.is_named]
                dest = red.child_by_field_name("destination")
                if "<" in ops and dest is not None:
                    v = self.value(dest)
                    if v:
                        cmd.stdin_files.append(v)
        self.commands.append(cmd)
        for arg in node.children:
            if arg.type != "command_name":
                self.substitutions(arg, nested)

    def heredoc(self, red) -> Heredoc | None:
        start = next((c for c in red.children if c.type == "heredoc_start"), None)
        end = next((c for c in red.children if c.type == "heredoc_end"), None)
        if start is None:
            return None
        # The body starts on the line after the operator. (tree-sitter-bash reads a first body
        # line that starts with a backslash, like psql's `\set`, as words, so the body node
        # cannot be trusted to start there.)
        text = self.text.text
        nl = text.find("\n", self.rng(start)[1])
        if nl == -1:
            return None
        a = nl + 1
        b = self.rng(end)[0] if end is not None else len(text)
        if b < a:
            return None
        delim = self.raw(start)
        quoted = any(q in delim for q in "'\"\\")
        expansions = []
        if not quoted:
            stack = list(red.children)
            while stack:
                c = stack.pop()
                if c.type in ("simple_expansion", "expansion", "command_substitution", "arithmetic_expansion"):
                    ea, eb = self.rng(c)
                    if a <= ea and eb <= b:
                        expansions.append((ea, eb))
                    continue
                stack.extend(c.children)
        return Heredoc(a, b, quoted, sorted(expansions))

    def value(self, node) -> str | None:
        """The static value of a word-like node, or None when it expands at run time."""
        t = node.type
        a, b = self.rng(node)
        if self.text.templated(a, b):
            return None
        raw = self.text.text[a:b]
        if t in ("word", "number"):
            if "\\" in raw:
                return None
            return raw
        if t == "raw_string":
            return raw[1:-1]
        if t == "string":
            if any(c.is_named and c.type != "string_content" for c in node.children):
                return None
            inner = raw[1:-1]
            return None if "\\" in inner else inner
        if t == "concatenation":
            parts = [self.value(c) for c in node.children]
            return None if any(p is None for p in parts) else "".join(parts)
        return None

    # -- bash-only syntax --------------------------------------------------------------------

    def collect_bashisms(self, root) -> None:
        stack = [root]
        while stack:
            n = stack.pop()
            t = n.type
            kind = None
            if t == "test_command" and n.children and n.children[0].type == "[[":
                kind = "[["
            elif t == "brace_expression":
                kind = "{a..b}"
            elif t == "array" or t == "subscript":
                kind = "array"
            elif t == "process_substitution":
                kind = "<(...)"
            elif t == "herestring_redirect":
                kind = "<<<"
            elif t == "function_definition" and n.children and n.children[0].type == "function":
                kind = "function"
            elif t == "file_redirect" and any(c.type in ("&>", "&>>") for c in n.children):
                kind = "&>"
            elif t == "declaration_command" and n.children and n.children[0].type in ("declare", "typeset"):
                kind = "declare"
            if kind is not None:
                a, b = self.rng(n)
                if kind == "function" or kind == "[[":
                    b = self.rng(n.children[0])[1]
                elif kind == "&>":
                    op = next(c for c in n.children if c.type in ("&>", "&>>"))
                    a, b = self.rng(op)
                self.bashisms.append((kind, a, b))
            stack.extend(n.children)


def _errexit_changes(commands: list[Command]) -> list[tuple[int, bool]]:
    """Positions where `set -e`/`set +e` (or a bash `trap ... ERR`) turn errexit on or off."""
    out = []
    for c in commands:
        if c.name == "trap" and not c.nested and "ERR" in c.static_args[1:]:
            out.append((c.end, True))  # an ERR trap handles failures like errexit does
            continue
        if c.name != "set" or c.nested:
            continue
        args = c.static_args
        for i, v in enumerate(args):
            if v is None:
                continue
            if v in ("-o", "+o") and i + 1 < len(args) and args[i + 1] == "errexit":
                out.append((c.end, v == "-o"))
            elif len(v) > 1 and v[0] in "-+" and v[1:].isalpha() and "e" in v:
                out.append((c.end, v[0] == "-"))
    return out


def _rendered_without(masked: MaskedTemplate, change_at: int, cmd_at: int) -> bool:
    """True when a template block holds the change but not the command (it may be left out)."""
    inner, outer = masked.branch_path(change_at), masked.branch_path(cmd_at)
    return outer[: len(inner)] != inner


@lru_cache(maxsize=512)
def _parse_cached(text: str):
    parser = _parser()
    return None if parser is None else parser.parse(text.encode("utf-8"))


def parse_shell(text: MappedText, errexit: bool = False, masked: MaskedTemplate | None = None) -> ShellScript:
    """Parse ``text``; ``errexit`` is the interpreter's ``-e`` flag.

    ``masked`` is the template the text comes from: a `set -e`/`set +e` inside a template
    ``if`` is rendered only in some configurations, so after it errexit is unknown (None) for
    commands outside that branch, unless both renderings agree.
    """
    source = text.text.encode("utf-8")
    tree = _parse_cached(text.text)
    if tree is None:
        return ShellScript(text, [], False)
    root = tree.root_node
    walker = _Walker(text, source)
    if root.has_error:
        return ShellScript(text, [], False)
    walker.statements(root.children, False, True, False)
    walker.collect_bashisms(root)
    commands = sorted(walker.commands, key=lambda c: c.start)
    changes = _errexit_changes(commands)
    for c in commands:
        state = errexit
        for pos, on in changes:
            if pos > c.start:
                continue
            if masked is None:
                state = on
                continue
            change_at, cmd_at = text.offset(pos - 1), text.offset(c.start)
            if masked.exclusive(change_at, cmd_at):
                continue  # the other branch of an `if` the command is in: never rendered with it
            if _rendered_without(masked, change_at, cmd_at):
                state = state if state is on else None
            else:
                state = on
        if not state and text.injected_before(c.start):
            state = None  # lines rendered by a template action might have set it
        c.errexit = state
    walker.bashisms.sort(key=lambda b: b[1])
    return ShellScript(text, commands, True, walker.bashisms)
