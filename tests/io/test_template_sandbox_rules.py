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
