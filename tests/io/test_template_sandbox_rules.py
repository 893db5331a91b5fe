"""The sandbox's size rules, word for word (io/template_sandbox.py).

Each rule is pinned where it bites: the widest width allowed and the first one refused, the longest text
allowed and the first one refused, the French message naming what refused it (« center : largeur trop
grande (10001, au plus 10000) »), and that a text refused by its estimated size is refused *before* it is
built (the filter that would build it is never called). The sizes are chosen so that a refused text, were
it built anyway, stays a few MB: a weakened rule fails a test, never the machine.
"""

from __future__ import annotations

import jinja2
import pytest
from jinja2 import filters as jinja_filters
from jinja2.sandbox import SecurityError

from relance_tui.io.templates import make_environment

MAX = 1_000_000  # MAX_OUTPUT, written out: the tests say the number, not the constant


@pytest.fixture
def env(tmp_path) -> jinja2.Environment:
    return make_environment(tmp_path)


@pytest.fixture
def never_built(monkeypatch):
    """Make Jinja's own filter fail if called: a text refused by its estimate must never be built."""
    def forbid(*names: str) -> None:
        for name in names:
            def built(*_args, _name=name, **_kwargs):
                raise AssertionError(f"{_name} was called: the text was built before being refused")
            monkeypatch.setattr(jinja_filters, name, built)
    return forbid


def render(env: jinja2.Environment, source: str, **context) -> str:
    return env.from_string(source).render(**context)


def refused(env: jinja2.Environment, source: str, **context) -> str:
    with pytest.raises(SecurityError) as info:
        render(env, source, **context)
    return str(info.value)


# every line break str.splitlines knows besides "\n": Jinja's indent and wordwrap cut lines with it
OTHER_LINE_BREAKS = ["\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("sep", OTHER_LINE_BREAKS, ids=[f"U+{ord(c):04X}" for c in OTHER_LINE_BREAKS])
def test_indent_counts_every_line_break_before_building(env, never_built, sep):
    """2000 breaks indented by 1000 each: 2000 + 1000 × 2001 = 2 003 000 characters, refused unbuilt."""
    never_built("do_indent")
    assert refused(env, "{{ t|indent(1000, blank=true) }}", t=sep * 2000) \
        == "indent : texte trop long (2003000 caractères, au plus 1000000)"


@pytest.mark.parametrize("sep", OTHER_LINE_BREAKS, ids=[f"U+{ord(c):04X}" for c in OTHER_LINE_BREAKS])
def test_wordwrap_counts_every_line_break_before_building(env, never_built, sep):
    """2000 paragraphs joined by 1000 characters each: 2000 + 2001 × 1000 = 2 003 000, refused unbuilt."""
    never_built("do_wordwrap")
    assert refused(env, "{{ t|wordwrap(1000000000, wrapstring='x' * 1000) }}", t=sep * 2000) \
        == "wordwrap : texte trop long (2003000 caractères, au plus 1000000)"


# --- widths: 10 000 is the widest field, 10 001 the first refused, said with the name of what refused it ---

def test_center_pads_to_80_by_default_and_up_to_10000(env):
    assert render(env, "{{ 'ab'|center }}") == " " * 39 + "ab" + " " * 39
    assert render(env, "{{ 'a'|center(10000) }}") == " " * 4999 + "a" + " " * 5000


@pytest.mark.parametrize("width", [10001, -10001])
def test_center_wider_than_10000_is_refused(env, width):
    assert refused(env, f"{{{{ 'a'|center({width}) }}}}") == f"center : largeur trop grande ({width}, au plus 10000)"


def test_center_of_a_text_already_too_long_is_refused(env):
    assert refused(env, "{{ t|center(10) }}", t="x" * (MAX + 1)) \
        == "center : texte trop long (1000001 caractères, au plus 1000000)"


def test_percent_field_up_to_10000_wide(env):
    assert render(env, "{{ '%10000d' % 7 }}") == " " * 9999 + "7"
    assert render(env, "{{ '%.3f' % 3.14159 }}|{{ '%s-%s' % ('a', 'b') }}|{{ 7 % 3 }}") == "3.142|a-b|1"


@pytest.mark.parametrize("source", ["{{ '%10001d' % 7 }}", "{{ '%.10001f' % 7 }}", "{{ '%(n)10001s' % {'n': 1} }}"])
def test_percent_field_or_precision_wider_than_10000_is_refused(env, source):
    assert refused(env, source) == "% : largeur trop grande (10001, au plus 10000)"


@pytest.mark.parametrize("source", ["{{ '%*d' % (5, 7) }}", "{{ '%.*f' % (2, 7.0) }}"])
def test_percent_variable_width_is_refused(env, source):
    assert refused(env, source) == "% : largeur variable (*) refusée dans un modèle"


def test_percent_result_longer_than_a_million_is_refused(env):
    assert refused(env, "{{ '%s' % t }}", t="x" * (MAX + 1)) == "% : texte trop long (1000001 caractères, au plus 1000000)"


def test_repeating_a_text_holding_a_percent_field_is_no_formatting(env):
    assert render(env, "{{ '%10001d' * 2 }}") == "%10001d%10001d"


def test_format_filter_follows_the_percent_rules(env):
    assert render(env, "{{ '%(n)s factures'|format(n=3) }}|{{ '%s=%d'|format('n', 3) }}") == "3 factures|n=3"
    assert refused(env, "{{ '%10001s'|format('a') }}") == "% : largeur trop grande (10001, au plus 10000)"
    assert refused(env, "{{ '%s'|format(t) }}", t="x" * (MAX + 1)) \
        == "format : texte trop long (1000001 caractères, au plus 1000000)"


def test_str_format_up_to_10000_wide_with_its_arguments(env):
    assert render(env, "{{ '{:>10000}'.format('a') }}") == " " * 9999 + "a"
    assert render(env, "{{ '{0}-{x}'.format('a', x='b') }}|{{ '{x:>3}'.format_map({'x': 'a'}) }}") == "a-b|  a"


@pytest.mark.parametrize("source", ["{{ '{:>10001}'.format('a') }}", "{{ '{}{:>10001}'.format('a', 'b') }}",
                                    "{{ '{:.10001}'.format('a') }}", "{{ '{x:>10001}'.format_map({'x': 'a'}) }}"])
def test_str_format_field_wider_than_10000_is_refused(env, source):
    """Every field is checked, the ones after a field with no width too."""
    assert refused(env, source) == "format : largeur trop grande (10001, au plus 10000)"


def test_str_format_nested_width_is_refused(env):
    assert refused(env, "{{ '{:>{w}}'.format('a', w=3) }}") == "format : largeur variable refusée dans un modèle"


def test_str_format_result_longer_than_a_million_is_refused(env):
    assert refused(env, "{{ '{}'.format(t) }}", t="x" * (MAX + 1)) \
        == "format : texte trop long (1000001 caractères, au plus 1000000)"


def test_str_format_still_cannot_reach_attributes(env):
    with pytest.raises(SecurityError):
        render(env, "{{ '{0.__class__}'.format('a') }}")


# --- indent ---

def test_indent_by_4_not_the_first_nor_blank_lines_by_default(env):
    assert render(env, "{{ t|indent }}", t="a\n\nb") == "a\n\n    b"


def test_indent_with_a_text_first_or_blank(env):
    assert render(env, "{{ t|indent('--') }}", t="a\nb") == "a\n--b"
    assert render(env, "{{ t|indent(2, first=true) }}", t="a\nb") == "  a\n  b"
    assert render(env, "{{ t|indent(2, blank=true) }}", t="a\n\nb") == "a\n  \n  b"
    assert render(env, "{{ 12|indent(2, true) }}") == "  12"


@pytest.mark.parametrize("width", ["10001", "'x' * 10001"])
def test_indent_wider_than_10000_is_refused(env, width):
    assert refused(env, f"{{{{ 'a'|indent({width}) }}}}") == "indent : largeur trop grande (10001, au plus 10000)"


def test_indent_estimates_text_plus_width_per_line(env, never_built):
    """98 newlines by 10 000: 98 + 10 000 × 99 = 990 098, allowed; 100 newlines: 100 + 10 000 × 101 refused."""
    assert render(env, "{{ t|indent(10000) }}", t="\n" * 98) == "\n" * 98
    never_built("do_indent")
    assert refused(env, "{{ t|indent(10000) }}", t="\n" * 100) \
        == "indent : texte trop long (1010100 caractères, au plus 1000000)"


# --- wordwrap ---

def test_wordwrap_at_79_breaking_long_words_by_default(env):
    assert render(env, "{{ t|wordwrap }}", t="a" * 80) == "a" * 79 + "\na"


def test_wordwrap_breaks_on_hyphens_unless_told_not_to(env):
    assert render(env, "{{ 'aaaa-bbbb'|wordwrap(6) }}") == "aaaa-\nbbbb"
    assert render(env, "{{ 'aaaa-bbbb'|wordwrap(6, break_on_hyphens=false) }}") == "aaaa-b\nbbb"


def test_wordwrap_keeps_long_words_and_joins_with_its_wrapstring_when_told(env):
    assert render(env, "{{ 'aaaaaaaaaa bb'|wordwrap(4, false) }}") == "aaaaaaaaaa\nbb"
    assert render(env, "{{ 'ab cd'|wordwrap(2, wrapstring='|') }}") == "ab|cd"


def test_wordwrap_estimates_one_break_per_width_and_per_line(env, never_built):
    """A 1000-character word cut every character, each cut 1000 long: 1000 + 1001 × 1000, refused unbuilt
    (built, it would be exactly 1 000 000); cut every 3: 1000 + (333 + 1) × 3000."""
    never_built("do_wordwrap")
    assert refused(env, "{{ t|wordwrap(1, wrapstring='x' * 1000) }}", t="a" * 1000) \
        == "wordwrap : texte trop long (1002000 caractères, au plus 1000000)"
    assert refused(env, "{{ t|wordwrap(3, wrapstring='x' * 3000) }}", t="a" * 1000) \
        == "wordwrap : texte trop long (1003000 caractères, au plus 1000000)"


def test_wordwrap_estimate_counts_the_newlines(env, never_built):
    """500 one-letter lines, width 1000, joined by 2000 characters: 1000 + (1 + 501) × 2000 = 1 005 000."""
    never_built("do_wordwrap")
    assert refused(env, "{{ t|wordwrap(1000, wrapstring='x' * 2000) }}", t="a\n" * 500) \
        == "wordwrap : texte trop long (1005000 caractères, au plus 1000000)"


def test_wordwrap_estimate_joins_with_one_newline_by_default(env):
    """9900 words of 99 letters, width 100: 990 000 + (9900 + 1) × 1 = 999 901, allowed."""
    text = ("a" * 99 + " ") * 9900
    assert render(env, "{{ t|wordwrap(100) }}", t=text) == "\n".join(["a" * 99] * 9900)


def test_wordwrap_result_longer_than_a_million_is_refused_after_all(env):
    """The estimate counts a break per width; a one-letter word before a full-width one takes two lines, so
    100 × 'a bbbbbbbbbb ' at width 10 estimates 1300 + 131 × 7000 = 918 300 but makes 200 lines:
    1100 + 199 × 7000 = 1 394 100, refused once built."""
    assert refused(env, "{{ t|wordwrap(10, wrapstring='x' * 7000) }}", t=("a " + "b" * 10 + " ") * 100) \
        == "wordwrap : texte trop long (1394100 caractères, au plus 1000000)"

# --- replace ---

def test_replace_all_or_the_first_count(env):
    assert render(env, "{{ 'aaa'|replace('a', 'b') }}|{{ 'aaa'|replace('a', 'b', 1) }}") == "bbb|baa"
    assert render(env, "{{ t|replace('a', b, 0) }}", t="a" * 1000, b="b" * 1000) == "a" * 1000


def test_replace_estimates_every_occurrence_replaced(env, never_built):
    """1000 'a' each by 1000 'b': 1000 + 1000 × 1000 = 1 001 000, refused unbuilt (built: 1 000 000)."""
    big = {"t": "a" * 1000, "b": "b" * 1000}
    never_built("do_replace")
    for source in ("{{ t|replace('a', b) }}", "{{ t|replace('a', b, 1000) }}", "{{ t|replace('a', b, -1) }}"):
        assert refused(env, source, **big) == "replace : texte trop long (1001000 caractères, au plus 1000000)"


def test_replace_estimate_takes_the_count(env):
    """999 of them: 1000 + 999 × 1000 = 1 000 000, the longest allowed."""
    assert render(env, "{{ t|replace('a', b, 999) }}", t="a" * 1000, b="b" * 1000) == "b" * 999_000 + "a"


def test_replace_of_nothing_inserts_before_each_character_and_at_the_end(env, never_built):
    """998 letters: 999 insertions of 1000 = 999 998 allowed; 999 letters: 999 + 1000 × 1000 refused unbuilt."""
    assert len(render(env, "{{ t|replace('', b) }}", t="a" * 998, b="b" * 1000)) == 999_998
    never_built("do_replace")
    assert refused(env, "{{ t|replace('', b) }}", t="a" * 999, b="b" * 1000) \
        == "replace : texte trop long (1000999 caractères, au plus 1000000)"


# --- truncate ---

def test_truncate_at_255_dropping_the_last_word_with_dots_by_default(env):
    assert render(env, "{{ t|truncate }}", t="x" * 253 + " " + "y" * 100) == "x" * 252 + "..."
    assert render(env, "{{ t|truncate }}", t="mot " * 75) == "mot " * 62 + "mot..."


def test_truncate_killwords_end_and_leeway(env):
    assert render(env, "{{ t|truncate(killwords=true) }}", t="mot " * 75) == "mot " * 63 + "..."
    assert render(env, "{{ t|truncate(9, true, '…') }}", t="mot " * 75) == "mot mot …"
    assert render(env, "{{ t|truncate(255) }}", t="x" * 258) == "x" * 258  # within Jinja's leeway of 5
    assert render(env, "{{ t|truncate(255, leeway=0) }}", t="x" * 258) == "x" * 252 + "..."


def test_truncate_refuses_an_end_longer_than_a_million_before_truncating(env, never_built):
    never_built("do_truncate")
    assert refused(env, "{{ 'a'|truncate(2000000, end=t) }}", t="x" * (MAX + 1)) \
        == "truncate : texte trop long (1000001 caractères, au plus 1000000)"


def test_truncate_refuses_a_kept_text_longer_than_a_million(env):
    assert refused(env, "{{ t|truncate(2000000) }}", t="x" * (MAX + 1)) \
        == "truncate : texte trop long (1000001 caractères, au plus 1000000)"


# --- ** and * ---

def test_power_up_to_exponent_64_and_4096_bits(env):
    assert render(env, "{{ 2 ** 64 }}") == "18446744073709551616"
    assert render(env, "{{ (2 ** 64) ** 64 }}") == str(2 ** 4096)
    assert render(env, "{{ 5 ** 0 }}|{{ 1 ** 64 }}|{{ 2 ** 0.5 }}") == f"1|1|{2 ** 0.5}"


@pytest.mark.parametrize("exponent", [65, -65])
def test_power_with_an_exponent_beyond_64_is_refused(env, exponent):
    assert refused(env, f"{{{{ 2 ** ({exponent}) }}}}") == f"puissance trop grande ({exponent})"


@pytest.mark.parametrize("source", ["{{ (3 ** 64) ** 64 }}", "{{ (0 - 3 ** 64) ** 64 }}",
                                    "{{ ((2 ** 64) ** 64 * 2) ** 1 }}"])
def test_power_beyond_4096_bits_is_refused(env, source):
    """3 ** 64 has 102 bits, 64 times that is about 6490; a 4097-bit number to the power 1 is already too big."""
    assert refused(env, source) == "puissance trop grande (plus de 4096 bits)"


def test_repetition_up_to_100000(env):
    assert render(env, "{{ 'ab' * 50000 }}") == "ab" * 50000
    assert render(env, "{{ 3 * 4 }}|{{ [1] * 3 }}") == "12|[1, 1, 1]"


@pytest.mark.parametrize("source", ["{{ 'ab' * 50001 }}", "{{ 50001 * 'ab' }}", "{{ [1, 2] * 50001 }}",
                                    "{{ (1, 2) * 50001 }}"])
def test_repetition_beyond_100000_is_refused(env, source):
    assert refused(env, source) == "répétition trop longue (2 × 50001)"


# --- ~ ---

def test_tilde_joins_up_to_a_million(env):
    assert render(env, "{{ 'a' ~ 1 ~ 'b' }}") == "a1b"
    assert render(env, "{{ t ~ 'y' }}", t="x" * (MAX - 1)) == "x" * (MAX - 1) + "y"


def test_tilde_beyond_a_million_is_refused(env):
    assert refused(env, "{{ t ~ 'yz' }}", t="x" * (MAX - 1)) == "~ : texte trop long (1000001 caractères, au plus 1000000)"


# --- str methods and other calls ---

def test_str_methods_work_with_their_arguments(env):
    assert render(env, "{{ 'ab'.upper() }}|{{ 'ab'.ljust(4) }}|{{ 'a,b,c'.split(',', maxsplit=1) }}|"
                       "{{ '-'.join('abc') }}|{{ '7'.zfill(3) }}") == "AB|ab  |['a', 'b,c']|a-b-c|007"


@pytest.mark.parametrize("method", ["center", "ljust", "rjust", "zfill", "expandtabs"])
def test_str_method_wider_than_10000_is_refused(env, method):
    assert refused(env, f"{{{{ 'a'.{method}(10001) }}}}") == f"{method} : largeur trop grande (10001, au plus 10000)"


@pytest.mark.parametrize("method", ["center", "ljust", "rjust", "zfill"])
def test_str_method_estimates_text_plus_width(env, method):
    """999 999 characters widened by 1: 1 000 000 allowed; by 2: 1 000 001 refused (built, still 999 999)."""
    assert render(env, f"{{{{ t.{method}(1) }}}}", t="x" * (MAX - 1)) == "x" * (MAX - 1)
    assert refused(env, f"{{{{ t.{method}(2) }}}}", t="x" * (MAX - 1)) \
        == f"{method} : texte trop long (1000001 caractères, au plus 1000000)"


def test_str_expandtabs_estimates_every_tab_at_full_size(env):
    """1000 tabs of 1000: 1000 + 1000 × 1000 refused (built, exactly 1 000 000)."""
    assert refused(env, "{{ t.expandtabs(1000) }}", t="\t" * 1000) \
        == "expandtabs : texte trop long (1001000 caractères, au plus 1000000)"


def test_str_replace_estimates_every_occurrence_or_count(env):
    big = {"t": "a" * 1000, "b": "b" * 1000}
    assert refused(env, "{{ t.replace('a', b) }}", **big) \
        == "replace : texte trop long (1001000 caractères, au plus 1000000)"
    assert refused(env, "{{ t.replace('a', b, 1000) }}", **big) \
        == "replace : texte trop long (1001000 caractères, au plus 1000000)"
    assert render(env, "{{ t.replace('a', b, 999) }}", **big) == "b" * 999_000 + "a"


def test_str_join_estimates_items_plus_a_separator_each(env):
    """1000 items of 1 joined by 1000: 1000 + 1000 × 1000 refused (built, exactly 1 000 000)."""
    assert refused(env, "{{ s.join(items) }}", s="x" * 1000, items=["y"] * 1000) \
        == "join : texte trop long (1001000 caractères, au plus 1000000)"


def test_a_str_method_result_longer_than_a_million_is_refused_by_its_name(env):
    assert refused(env, "{{ t.upper() }}", t="x" * (MAX + 1)) \
        == "upper : texte trop long (1000001 caractères, au plus 1000000)"


def test_an_unnamed_callable_result_longer_than_a_million_is_refused_as_a_call(env):
    """joiner() gives an object without a name: its second call returns the separator."""
    assert render(env, "{% set j = joiner(', ') %}{% for x in [1, 2] %}{{ j() }}{{ x }}{% endfor %}") == "1, 2"
    assert refused(env, "{% set j = joiner(t) %}{{ j() }}{{ j() }}", t="x" * (MAX + 1)) \
        == "appel : texte trop long (1000001 caractères, au plus 1000000)"


def test_a_str_method_called_wrong_fails_with_python_s_own_error(env):
    with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
        render(env, "{{ 'a'.center('x') }}")


def test_a_date_s_replace_is_not_taken_for_str_replace(env):
    import datetime as dt

    assert render(env, "{{ d.replace(2027) }}", d=dt.date(2026, 1, 2)) == "2027-01-02"


# --- the whole rendering ---

def test_render_capped_allows_a_million_characters(env):
    from relance_tui.io.template_sandbox import render_capped

    assert render_capped(env.from_string("{{ t }}"), {"t": "x" * MAX}) == "x" * MAX
    assert render_capped(env.from_string("a{{ n }}b{{ n }}"), {"n": 1}) == "a1b1"


def test_render_capped_counts_every_chunk(env):
    """11 chunks of 100 000: refused at the eleventh."""
    from relance_tui.io.template_sandbox import render_capped

    with pytest.raises(SecurityError) as info:
        render_capped(env.from_string("{% for i in range(11) %}{{ t }}{% endfor %}"), {"t": "x" * 100_000})
    assert str(info.value) == "rendu : texte trop long (1100000 caractères, au plus 1000000)"
