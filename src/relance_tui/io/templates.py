"""Jinja2 templates an office can override: call-script phases, objection answers, emails.

A template file may open with TOML front matter between two ``+++`` lines
(timings, subject). The office's version lives in ``templates/`` next to the
database (beside ``relance.toml``); when it is broken (bad TOML, bad Jinja,
an unknown variable) the problem is reported with its file and line and the
built-in template is used instead, so a call is never left without a script.

Every template, built-in or office, and every string of a front matter or of
a TOML data file, renders in Jinja2's immutable sandbox: a template reads the
plain data it is given (dicts, lists, text, numbers, dates) and nothing else.
It cannot reach Python's internals (``cycler.__init__.__globals__.os`` is a
``SecurityError``), call methods that change data, or build huge strings by
repetition. The context itself is checked to be plain data, so no store,
connection or settings object (the SMTP password) is ever within a template's
reach.

The common ways to make a template exhaust memory or the CPU in one
expression are bounded as well: ``*`` repetition, ``**`` by the size of its
result, ``%`` and ``str.format``/``format_map`` by their widths and
precisions, ``~`` and the filters that lengthen text (center, indent, format,
wordwrap, replace, truncate) and the str methods doing the same by the length
of what they would build, and a whole rendering by ``MAX_OUTPUT`` characters.
That is not every CPU loop: nested ``range()`` loops that print nothing, or
arithmetic below these bounds, can still keep a process busy, and Python
cannot stop a thread that renders. The sandbox blocks code and the common
size blow-ups; it is not a CPU quota. That is why templates are writable by
the administrator (root) only (docs/security.md, ``doctor``).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SecurityError

from relance_tui.domain.language import DEFAULT_LANGUAGE, language_of
from relance_tui.domain.money import format_cents_in
from relance_tui.io.template_sandbox import CAPPED_FILTERS, PLAIN, _Sandbox, render_capped

FRONT = "+++"
BUILTIN_DIR = Path(str(files("relance_tui") / "templates"))


@dataclass
class Rendered:
    meta: dict[str, Any]
    body: str
    source: Path
    problems: list[str] = field(default_factory=list)  # office templates that failed, and why


class TemplateProblem(Exception):
    def __init__(self, path: Path, line: int | None, message: str) -> None:
        super().__init__(f"{path}{f', ligne {line}' if line else ''} : {message}")
        self.path, self.line, self.message = path, line, message


def _date(value: dt.date | dt.datetime | str | None, fmt: str = "%d/%m/%Y") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return value.strftime(fmt)


def _plural_filter(n: Any, singular: str, plural: str | None = None, bare: bool = False) -> str:
    from relance_tui.domain.text import agreed, count

    try:
        n = int(n)
    except (TypeError, ValueError, OverflowError):
        try:
            n = int(float(n))  # '2.0'
        except (TypeError, ValueError, OverflowError):
            n = 0  # nothing to count (None, text): 'aucun' is the template's to say
    return agreed(n, str(singular), None if plural is None else str(plural)) if bare else \
        count(n, str(singular), None if plural is None else str(plural))


@jinja2.pass_context
def _amount_filter(context: Any, cents: int | None) -> str:
    """An amount as the email's language writes it (``lang`` in the context, French when absent); '?' when
    unknown (a penalty whose rate nobody entered)."""
    return "?" if cents is None else format_cents_in(cents, language_of(context.get("lang")))


def localized(name: str, lang: str | None) -> str:
    """The template of ``name`` in a language: ``email/reminder.txt.j2`` in Dutch is ``email/nl/reminder.txt.j2``;
    French, the office's language, is the name itself."""
    lang = language_of(lang)
    if lang == DEFAULT_LANGUAGE:
        return name
    folder, _, file = name.rpartition("/")
    return f"{folder}/{lang}/{file}" if folder else f"{lang}/{file}"


def make_environment(directory: Path) -> jinja2.Environment:
    """The one environment every template renders in: sandboxed, strict about unknown variables."""
    env = _Sandbox(loader=jinja2.FileSystemLoader(str(directory)), autoescape=False,
                   undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                   keep_trailing_newline=False)
    env.filters.update(CAPPED_FILTERS)
    env.filters["euros"] = _amount_filter
    env.filters["date"] = _date
    # a count with its noun, agreeing: {{ n|plural("facture") }} -> "1 facture", "2 factures" (domain/text.count);
    # {{ n|plural("facture", bare=true) }} -> the noun alone
    env.filters["plural"] = _plural_filter
    return env


def check_plain(value: Any, where: str = "contexte") -> None:
    """Raise TypeError unless ``value`` is plain data (what a template may be given).

    A store, a connection, a settings object or any other live object would let
    a template walk to the database or the SMTP password: convert it first
    (``dataclasses.asdict`` of what the template needs).
    """
    if isinstance(value, PLAIN):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} : clé {key!r} qui n'est pas un texte")
            check_plain(item, f"{where}.{key}")
        return
    if isinstance(value, (list, tuple)):
        for n, item in enumerate(value):
            check_plain(item, f"{where}[{n}]")
        return
    raise TypeError(f"{where} : {type(value).__name__} n'est pas une donnée simple ; un modèle ne reçoit que "
                    "des textes, nombres, dates, listes et dictionnaires")


def _problem_text(exc: BaseException) -> str:
    if isinstance(exc, SecurityError):
        return f"opération interdite dans un modèle ({exc})"
    if isinstance(exc, jinja2.TemplateError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, the line the body starts on)."""
    if not text.startswith(FRONT + "\n"):
        return {}, text, 1
    end = text.find("\n" + FRONT + "\n", len(FRONT))
    if end < 0:
        raise TemplateProblem(path, 1, f"front matter ouvert par {FRONT} mais jamais fermé")
    raw = text[len(FRONT) + 1:end + 1]
    try:
        meta = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = int(found.group(1)) + 1 if found else None
        raise TemplateProblem(path, line, f"front matter TOML invalide ({exc})") from None
    body_start = raw.count("\n") + 3
    return meta, text[end + len(FRONT) + 2:], body_start


def _error_line(exc: BaseException, filename: str) -> int | None:
    tb = exc.__traceback__
    line = getattr(exc, "lineno", None)
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _render_strings(env: jinja2.Environment, value: Any, context: dict) -> Any:
    """Front-matter strings may hold Jinja too (prompts naming the contact)."""
    if isinstance(value, str):
        return render_capped(env.from_string(value), context) if "{" in value else value
    if isinstance(value, list):
        return [_render_strings(env, v, context) for v in value]
    if isinstance(value, dict):
        return {k: _render_strings(env, v, context) for k, v in value.items()}
    return value


class Templates:
    """Looks templates up in the office's directory first, then in the package."""

    def __init__(self, office_dir: Path | None) -> None:
        self.office_dir = office_dir
        self._envs: dict[Path, jinja2.Environment] = {}

    def _env(self, directory: Path) -> jinja2.Environment:
        if directory not in self._envs:
            self._envs[directory] = make_environment(directory)
        return self._envs[directory]

    def _render_from(self, directory: Path, name: str, context: dict) -> Rendered:
        path = directory / name
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise TemplateProblem(path, None, f"pas en UTF-8 ({exc.reason})") from None
        meta, body, body_line = split_front_matter(text, path)
        env = self._env(directory)
        # whatever rendering raises (a sandbox refusal, 1/0, a bad filter argument) is a broken template
        try:
            meta = _render_strings(env, meta, context)
        except Exception as exc:  # noqa: BLE001 - the template's fault, reported with its file
            raise TemplateProblem(path, None, f"front matter : {_problem_text(exc)}") from None
        # the body is compiled on its own: add back the front matter's lines to report file lines
        try:
            rendered = render_capped(env.from_string(body), context)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(path, (exc.lineno or 1) + body_line - 1, exc.message or str(exc)) from None
        except Exception as exc:  # noqa: BLE001 - as above
            line = _error_line(exc, "<template>")
            raise TemplateProblem(path, line + body_line - 1 if line else None, _problem_text(exc)) from None
        return Rendered(meta, rendered.strip("\n") + "\n", path)

    def render(self, name: str, context: dict, lang: str | None = None) -> Rendered:
        """``name`` rendered, in ``lang`` (the debtor's, for an email: a template of each kind exists in French,
        Dutch and English; the office's copy of that language first)."""
        check_plain(context)
        problems: list[str] = []
        wanted = localized(name, lang)
        french = {**context, "lang": DEFAULT_LANGUAGE}
        # the office's copy, then the built-in one; in another language, then (an office's own kind written in
        # French only, or whose translation fails) the French text, its amounts written the French way
        tries = [(d, wanted, context) for d in (self.office_dir, BUILTIN_DIR) if d is not None]
        if wanted != name:
            tries += [(d, name, french) for d in (self.office_dir, BUILTIN_DIR) if d is not None]
        tries = [(d, n, c) for d, n, c in tries if (d / n).is_file()]
        if wanted != name and not any(n == wanted for _, n, _ in tries):
            problems.append(f"{wanted} : aucun modèle dans cette langue, modèle français utilisé")
        for i, (directory, candidate, ctx) in enumerate(tries):
            try:
                rendered = self._render_from(directory, candidate, ctx)
            except (TemplateProblem, OSError) as exc:
                if i == len(tries) - 1 or directory == BUILTIN_DIR:
                    raise  # the built-in template itself: a bug, said as such
                following = tries[i + 1]
                instead = "modèle intégré utilisé" if following[0] == BUILTIN_DIR else f"{following[1]} utilisé"
                problems.append(f"{exc} — {instead}")
                continue
            rendered.problems = problems + rendered.problems
            return rendered
        return self._render_from(BUILTIN_DIR, name, context)  # none at all: FileNotFoundError, as ever

    def load_data(self, name: str, context: dict) -> tuple[dict[str, Any], list[str]]:
        """A TOML data file (objection answers), its strings rendered; office copy first."""
        check_plain(context)
        problems = []
        for directory in ([self.office_dir] if self.office_dir else []) + [BUILTIN_DIR]:
            path = directory / name
            if not path.is_file():
                continue
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
                return _render_strings(self._env(directory), data, context), problems
            except tomllib.TOMLDecodeError as exc:
                found = re.search(r"line (\d+)", str(exc))
                problems.append(f"{path}{', ligne ' + found.group(1) if found else ''} : TOML invalide ({exc}) "
                                "— modèle intégré utilisé")
            except Exception as exc:  # noqa: BLE001 - a broken office file, reported; the built-in one is used
                if directory == BUILTIN_DIR:
                    raise
                problems.append(f"{path} : {_problem_text(exc)} — modèle intégré utilisé")
        raise TemplateProblem(BUILTIN_DIR / name, None, "modèle intégré introuvable")


def _check_parsed(env: jinja2.Environment, source: str, path: Path, first_line: int | None) -> None:
    """Parse (never run) a template; a syntax error or a reach for Python's internals is a TemplateProblem.

    The sandbox would refuse ``x.__class__`` when rendering; saying so here lets doctor point at a
    template someone planted before an agent meets it.
    """
    def line(n: int | None) -> int | None:  # a line of the file, when the source is a file's body
        return (n or 1) + first_line - 1 if first_line else None

    where = "" if first_line else f" dans « {source[:60]} »"
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(path, line(exc.lineno), f"{exc.message or exc}{where}") from None
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if isinstance(name, str) and name.startswith("_"):
            raise TemplateProblem(path, line(node.lineno), f"accès interdit à « {name} »{where} : le modèle "
                                                           "serait refusé à l'affichage")


def _parse_strings(env: jinja2.Environment, value: Any, path: Path) -> None:
    """The Jinja of every string of a front matter or data file, checked by _check_parsed."""
    if isinstance(value, str) and "{" in value:
        _check_parsed(env, value, path, None)
    elif isinstance(value, list):
        for v in value:
            _parse_strings(env, v, path)
    elif isinstance(value, dict):
        for v in value.values():
            _parse_strings(env, v, path)


def check_office_templates(office_dir: Path) -> list[tuple[str, str | None]]:
    """Every office template (relative name, problem or None): front matter and Jinja checked, never run."""
    out: list[tuple[str, str | None]] = []
    if not office_dir.is_dir():
        return out
    env = make_environment(office_dir)
    for path in sorted(p for p in office_dir.rglob("*") if p.is_file()):
        name = str(path.relative_to(office_dir))
        if name.startswith("documents/"):  # typst, not Jinja: io/documents.check_office_documents
            continue
        builtin = (BUILTIN_DIR / name).is_file()
        try:
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".toml":
                _parse_strings(env, tomllib.loads(text), path)
            else:
                meta, body, body_line = split_front_matter(text, path)
                _parse_strings(env, meta, path)
                _check_parsed(env, body, path, body_line)
            out.append((name, None if builtin else "aucun modèle intégré de ce nom : fichier ignoré"))
        except (TemplateProblem, tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            out.append((name, str(exc)))
    return out
