"""Issue 11 review, item 3: a template cannot exhaust memory or the CPU in one expression.

Each payload, in an office template, is refused and reported (the built-in template is used instead).
It renders in a forked child with its address space and CPU time bounded, so a payload that is not
refused fails the test (the child dies) instead of taking the machine's memory; no timing is asserted.
"""

from __future__ import annotations

import json
import os
import resource

import pytest

from relance_tui.io.templates import Templates, make_environment
from tests.security.test_templates_sandbox import context, office  # noqa: F401 - fixtures

PAYLOADS = {
    "power": "{{ (((9**64)**64)**64)**64 }}",
    "percent": "{{ '%0999999999d' % 1 }}",
    "percent-star": "{{ '%*d' % (999999999, 1) }}",
    "center": "{{ 'a'|center(10**9) }}",
    "str-center": "{{ 'a'.center(999999999) }}",
    "str-format": "{{ '{:>999999999}'.format('a') }}",
    "str-format-nested": "{{ '{:>{w}}'.format('a', w=999999999) }}",
    "format-map": "{{ '{x:>999999999}'.format_map({'x': 'a'}) }}",
    "format-filter": "{{ '%999999999s'|format('a') }}",
    "tilde": "{% set a = 'x' * 100000 %}{% set b = a ~ a %}{% set c = b ~ b %}{% set d = c ~ c %}"
             "{% set e = d ~ d %}{% set f = e ~ e %}{% set g = f ~ f %}{% set h = g ~ g %}{{ h ~ h }}",
    "indent": "{{ ('\\n' * 100000)|indent(10000) }}",
    "wordwrap": "{{ ('a' * 100000)|wordwrap(1, wrapstring='x' * 100000) }}",
    "replace": "{{ ('a' * 100000)|replace('a', 'b' * 100000) }}",
    "loops": "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
}


def render_bounded(office_dir, name, context) -> list[str]:
    """Templates(office_dir).render(name)'s problems, computed in a child limited to ~1 GiB more memory
    than now and 30 s of CPU."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, send the problems back, never return into pytest
        try:
            os.close(read)
            with open("/proc/self/statm") as fh:
                size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            resource.setrlimit(resource.RLIMIT_AS, (size + (1 << 30), size + (1 << 30)))
            resource.setrlimit(resource.RLIMIT_CPU, (30, 30))
            problems = Templates(office_dir).render(name, context).problems
            os.write(write, json.dumps(problems).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    assert data, f"the render blew up (status {status}, signal {os.WTERMSIG(status) if os.WIFSIGNALED(status) else '-'})"
    return json.loads(data)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_size_blow_up_is_refused_and_reported(context, office, payload):
    path = office / "call" / "prepare.txt.j2"
    path.write_text("+++\n+++\n" + payload + "\n", encoding="utf-8")
    problems = render_bounded(office, "call/prepare.txt.j2", context)
    assert len(problems) == 1 and str(path) in problems[0] and "modèle intégré utilisé" in problems[0]
    assert "interdite" in problems[0] or "Overflow" in problems[0]


def test_ordinary_formatting_still_works(tmp_path):
    env = make_environment(tmp_path)
    text = env.from_string("{{ '%05.1f' % 3.14159 }} {{ '{:>6}'.format('ab') }} {{ 'ab'|center(6) }}|"
                           "{{ 'a b c'|replace(' ', '-') }} {{ 2 ** 10 }} {{ 'x' ~ 1 ~ 'y' }} "
                           "{{ '%s=%d'|format('n', 3) }} {{ 'ab'.ljust(4) }}|").render()
    assert text == "003.1     ab   ab  |a-b-c 1024 x1y n=3 ab  |"
    assert len(env.from_string("{{ 'x' * 100000 }}").render()) == 100000
