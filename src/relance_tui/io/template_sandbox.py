"""The sandbox every template renders in (io/templates.py says what it blocks and what it does not): Jinja2's
immutable sandbox, with the ways to build a huge string or number in one expression bounded by size."""

from __future__ import annotations

import datetime as dt
import math
import re
import string
from typing import Any

import jinja2
from jinja2 import filters as jinja_filters
from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

MAX_REPEAT = 100_000  # longest text or list a template may build with * (a call script is a few KiB)
MAX_OUTPUT = 1_000_000  # longest text a template may build or render, in characters
MAX_WIDTH = 10_000  # widest field or precision of a %, format, center... (a line is < 200 characters)
MAX_POWER_BITS = 4096  # biggest integer ** may build, in bits (1233 digits)
PLAIN = (str, int, float, bool, type(None), dt.date, dt.time)  # dt.datetime is a dt.date
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+)?)?")
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # where str.splitlines cuts, as indent and wordwrap do


def _lines(text: str) -> int:
    """At most how many lines Jinja's indent and wordwrap cut ``text`` into (str.splitlines, not just "\\n")."""
    return sum(map(text.count, _LINE_BREAKS)) + 1


def _refuse_longer(size: float, what: str) -> None:
    if size > MAX_OUTPUT:
        raise SecurityError(f"{what} : texte trop long ({int(size)} caractères, au plus {MAX_OUTPUT})")


def _refuse_wide(width: Any, what: str) -> None:
    if isinstance(width, int) and abs(width) > MAX_WIDTH:
        raise SecurityError(f"{what} : largeur trop grande ({width}, au plus {MAX_WIDTH})")


def _check_percent(fmt: str) -> None:
    """Refuse a ``%`` format whose fields would build a huge text ('%0999999999d')."""
    for found in _PERCENT_FIELD.finditer(fmt):
        for number in found.groups():
            if number == "*":
                raise SecurityError("% : largeur variable (*) refusée dans un modèle")
            if number:
                _refuse_wide(int(number), "%")


def _check_format(fmt: str) -> None:
    """Refuse a ``str.format`` string whose fields would build a huge text ('{:>999999999}')."""
    for _text, _name, spec, _conversion in string.Formatter().parse(fmt):
        if not spec:
            continue
        if "{" in spec:
            raise SecurityError("format : largeur variable refusée dans un modèle")
        for number in re.findall(r"\d+", spec):
            _refuse_wide(int(number), "format")


def _capped(result: Any, what: str) -> Any:
    if isinstance(result, str):
        _refuse_longer(len(result), what)
    return result


def _center(value: Any, width: int = 80) -> str:
    _refuse_wide(width, "center")
    return _capped(jinja_filters.do_center(value, width), "center")


def _indent(value: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    text = str(value)
    pad = len(width) if isinstance(width, str) else width
    _refuse_wide(pad, "indent")
    _refuse_longer(len(text) + pad * _lines(text), "indent")
    return _capped(jinja_filters.do_indent(text, width, first, blank), "indent")


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    _check_percent(str(value))
    return _capped(jinja_filters.do_format(value, *args, **kwargs), "format")


def _wordwrap(environment: Any, s: str, width: int = 79, break_long_words: bool = True,
              wrapstring: str | None = None, break_on_hyphens: bool = True) -> str:
    text = str(s)
    breaks = len(text) // max(int(width), 1) + _lines(text)
    _refuse_longer(len(text) + breaks * len(wrapstring or "\n"), "wordwrap")
    return _capped(jinja_filters.do_wordwrap(environment, s, width, break_long_words, wrapstring,
                                             break_on_hyphens), "wordwrap")


def _replace(eval_ctx: Any, s: str, old: str, new: str, count: int | None = None) -> str:
    text, old, new = str(s), str(old), str(new)
    times = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        times = min(times, count)
    _refuse_longer(len(text) + times * len(new), "replace")
    return _capped(jinja_filters.do_replace(eval_ctx, s, old, new, count), "replace")


def _truncate(env: Any, s: str, length: int = 255, killwords: bool = False, end: str = "...",
              leeway: int | None = None) -> str:
    _refuse_longer(len(str(end)), "truncate")
    return _capped(jinja_filters.do_truncate(env, s, length, killwords, end, leeway), "truncate")


jinja_filters.pass_environment(_wordwrap)
jinja_filters.pass_eval_context(_replace)
jinja_filters.pass_environment(_truncate)
CAPPED_FILTERS = {"center": _center, "indent": _indent, "format": _format, "wordwrap": _wordwrap,
                  "replace": _replace, "truncate": _truncate}
# str methods a template may call that lengthen text: the length they would build, before building it
_STR_METHODS = {
    "center": lambda s, width=0, *_: (_refuse_wide(width, "center"), len(s) + max(width, 0)),
    "ljust": lambda s, width=0, *_: (_refuse_wide(width, "ljust"), len(s) + max(width, 0)),
    "rjust": lambda s, width=0, *_: (_refuse_wide(width, "rjust"), len(s) + max(width, 0)),
    "zfill": lambda s, width=0, *_: (_refuse_wide(width, "zfill"), len(s) + max(width, 0)),
    "expandtabs": lambda s, tabsize=8, *_: (_refuse_wide(tabsize, "expandtabs"),
                                            len(s) + s.count("\t") * max(tabsize, 0)),
    "replace": lambda s, old="", new="", count=-1, *_: (
        None, len(s) + (min(s.count(old) if old else len(s) + 1, count if count >= 0 else 1 << 62)
                        * len(new))),
    "join": lambda s, items=(), *_: (
        None, sum(len(str(i)) for i in items) + len(s) * len(items) if isinstance(items, (list, tuple))
        else 0),
}


class _CappedCodeGenerator(CodeGenerator):
    """``a ~ b`` joins through ``environment.concat_capped``: a chain of ~ cannot double a text forever."""

    def visit_Concat(self, node: nodes.Concat, frame: Any) -> None:  # noqa: N802 - jinja2's name
        self.write("environment.concat_capped((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, with the common size blow-ups bounded (the sandbox already bounds
    range()): ``*``, ``**``, ``%``, ``~``, str.format, the filters and str methods that lengthen text."""

    intercepted_binops = frozenset({"*", "**", "%"})
    code_generator_class = _CappedCodeGenerator

    def call_binop(self, context, operator, left, right):  # noqa: ANN001, ANN201 - jinja2's signature
        if operator == "**":
            if isinstance(right, int) and abs(right) > 64:
                raise SecurityError(f"puissance trop grande ({right})")
            if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1 \
                    and right * math.log2(abs(left)) > MAX_POWER_BITS:
                raise SecurityError(f"puissance trop grande (plus de {MAX_POWER_BITS} bits)")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_REPEAT:
                    raise SecurityError(f"répétition trop longue ({len(seq)} × {n})")
        if operator == "%" and isinstance(left, str):
            _check_percent(left)
            return _capped(super().call_binop(context, operator, left, right), "%")
        return super().call_binop(context, operator, left, right)

    def concat_capped(self, parts: tuple) -> str:
        texts = [str(part) for part in parts]
        _refuse_longer(sum(map(len, texts)), "~")
        return "".join(texts)

    def wrap_str_format(self, value: Any):  # noqa: ANN201 - jinja2's signature
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        fmt = value.__self__

        def capped(*args: Any, **kwargs: Any) -> str:
            _check_format(fmt)
            return _capped(wrapper(*args, **kwargs), "format")

        return capped

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: ANN001, ANN201, N805 - jinja2's signature
        name = getattr(__obj, "__name__", None)
        if isinstance(getattr(__obj, "__self__", None), str) and name in _STR_METHODS:
            try:
                _none, size = _STR_METHODS[name](__obj.__self__, *args)
            except TypeError:
                size = 0  # wrong arguments: the call itself says so
            _refuse_longer(size, name)
        return _capped(super().call(__context, __obj, *args, **kwargs), name or "appel")


def render_capped(template: jinja2.Template, context: dict) -> str:
    """The template rendered, refused once its output passes ``MAX_OUTPUT`` characters (a loop printing
    without end stops there)."""
    out: list[str] = []
    size = 0
    for chunk in template.generate(context):
        size += len(chunk)
        _refuse_longer(size, "rendu")
        out.append(chunk)
    return "".join(out)
