"""tree-sitter-bash reading: heredocs, command contexts (errexit, conditions, tail), bashisms."""

from __future__ import annotations

from hook_lsp.analysis.scripts.mapped import MappedText
from hook_lsp.analysis.scripts.shell import parse_shell
from hook_lsp.analysis.template_mask import mask


def _mt(text: str) -> MappedText:
    return MappedText(text, list(range(len(text))), len(text))


def _cmd(script, name, nth=0):
    return [c for c in script.commands if c.name == name][nth]


def test_quoted_and_tab_stripped_heredocs() -> None:
    text = "psql -h db <<-'EOF'\n\tCREATE TABLE t (id int);\n\tEOF\nmysql <<EOF\nSELECT $X;\nEOF\n"
    s = parse_shell(_mt(text))
    assert s.ok
    h = _cmd(s, "psql").heredoc
    assert h.quoted and "CREATE TABLE t (id int);" in text[h.start : h.end]
    m = _cmd(s, "mysql").heredoc
    assert not m.quoted
    assert text[m.start : m.end] == "SELECT $X;\n"
    assert [text[a:b] for a, b in m.expansions] == ["$X"]


def test_heredoc_whose_first_line_is_a_psql_meta_command() -> None:
    # tree-sitter-bash reads a body line starting with a backslash as words; the body range
    # must still start on the line after `<<EOF`.
    text = 'psql "$URL" <<EOF\n\\set ON_ERROR_STOP on\nCREATE TABLE $T (id int);\nEOF\necho\n'
    h = _cmd(parse_shell(_mt(text)), "psql").heredoc
    assert text[h.start : h.end] == "\\set ON_ERROR_STOP on\nCREATE TABLE $T (id int);\n"
    assert [text[a:b] for a, b in h.expansions] == ["$T"]


def test_contexts_of_commands() -> None:
    text = (
        "mkdir /a || true\n"
        "if curl -s http://x; then kubectl apply -f y; fi\n"
        "test -d /b && ln -s a /b/c\n"
        "x=$(wget -q http://z)\n"
        "redis-cli ping | tee out\n"
        "echo last\n"
    )
    s = parse_shell(_mt(text))
    assert _cmd(s, "mkdir").tolerated
    assert _cmd(s, "curl").tolerated and not _cmd(s, "curl").tail
    assert _cmd(s, "kubectl").guarded and not _cmd(s, "kubectl").tolerated
    assert _cmd(s, "test").and_left and _cmd(s, "ln").guarded
    assert _cmd(s, "wget").nested
    assert _cmd(s, "redis-cli").piped_out and _cmd(s, "tee").piped_in
    assert _cmd(s, "echo").tail and not _cmd(s, "redis-cli").tail


def test_errexit_from_flags_and_set_commands() -> None:
    text = "psql -c a\nset -o errexit\npsql -c b\nset +e\npsql -c c\nset -eu\npsql -c d\n"
    s = parse_shell(_mt(text))
    assert [c.errexit for c in s.commands if c.name == "psql"] == [False, True, False, True]
    assert all(c.errexit for c in parse_shell(_mt("psql -c a\necho b\n"), errexit=True).commands)
    trapped = parse_shell(_mt("trap 'echo failed; exit 1' ERR\npsql -c a\n"))
    assert _cmd(trapped, "psql").errexit is True


def test_injected_lines_make_errexit_unknown() -> None:
    text = "          \npsql -c a\n"
    mt = MappedText(text, list(range(len(text))), len(text), injections=[0])
    assert _cmd(parse_shell(mt), "psql").errexit is None


def _templated(template: str):
    """The masked template as extracted text with the template's own offsets."""
    masked = mask(template)
    return MappedText(masked.text, list(range(len(template))), len(template)), masked


def test_set_e_inside_a_template_branch_makes_errexit_unknown_after_it() -> None:
    mt, masked = _templated("set -e\n{{ if .Values.a }}\nset +e\npsql -c a\n{{ end }}\npsql -c b\n")
    # Inside the branch `set +e` applies; after it, only some renderings have it.
    assert [c.errexit for c in parse_shell(mt, masked=masked).commands if c.name == "psql"] == [False, None]
    # Both renderings agree: `set -e` again in a branch changes nothing.
    mt, masked = _templated("set -e\n{{ if .Values.a }}\nset -e\n{{ end }}\npsql -c b\n")
    assert _cmd(parse_shell(mt, masked=masked), "psql").errexit is True


def test_unconditional_set_e_reaches_into_branches_and_else_is_exclusive() -> None:
    mt, masked = _templated("set -e\n{{ if .Values.a }}\npsql -c a\n{{ end }}\n")
    assert _cmd(parse_shell(mt, masked=masked), "psql").errexit is True
    mt, masked = _templated("{{ if .Values.a }}\nset +e\n{{ else }}\npsql -c a\n{{ end }}\n")
    assert _cmd(parse_shell(mt, errexit=True, masked=masked), "psql").errexit is True


def test_bashisms_and_syntax_errors() -> None:
    text = "a=(1 2)\nfor i in {1..3}; do [[ -f x ]] && echo ${a[0]}; done\ncat <(ls) <<< hi\nfunction f { :; }\nls &> out\n"
    kinds = [k for k, _, _ in parse_shell(_mt(text)).bashisms]
    assert kinds == ["array", "{a..b}", "[[", "array", "<(...)", "<<<", "function", "&>"]
    assert not parse_shell(_mt("while true; do\n")).ok


def test_static_word_values() -> None:
    s = parse_shell(_mt("curl -sS 'http://a b' \"$U\" --fail\n"))
    c = _cmd(s, "curl")
    assert c.static_args == ["-sS", "http://a b", None, "--fail"]
    assert c.has_option("f", ("--fail",)) and c.has_option("S")
    assert not parse_shell(_mt("curl -o f http://x\n")).commands[0].has_option("f", takes_arg="o")
