"""io/templates.py's rules, word for word: the filters it adds, the environment's whitespace and strictness,
plain data only, the front matter and its line numbers, which copy renders (office, built-in, language, French)
and the problem each fallback reports, the data files, and doctor's parse-only check.

The built-in folder is replaced by a small one of the test's own where a rule needs a broken built-in
template or a language the package does not have.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pytest

from relance_tui.io import templates as templates_module
from relance_tui.io.templates import (
    BUILTIN_DIR,
    Rendered,
    TemplateProblem,
    Templates,
    _error_line,
    check_office_templates,
    check_plain,
    localized,
    make_environment,
    split_front_matter,
)

PLAIN_REFUSED = "n'est pas une donnée simple ; un modèle ne reçoit que des textes, nombres, dates, listes et dictionnaires"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def env(tmp_path) -> jinja2.Environment:
    return make_environment(tmp_path)


@pytest.fixture
def office(tmp_path) -> Path:
    d = tmp_path / "office"
    d.mkdir()
    return d


@pytest.fixture
def builtin(tmp_path, monkeypatch) -> Path:
    """A built-in folder of the test's own."""
    d = tmp_path / "builtin"
    d.mkdir()
    monkeypatch.setattr(templates_module, "BUILTIN_DIR", d)
    return d


# --- TemplateProblem ---

def test_a_problem_names_its_file_and_line_when_it_has_one():
    problem = TemplateProblem(Path("/o/call/x.txt.j2"), 4, "cassé")
    assert str(problem) == "/o/call/x.txt.j2, ligne 4 : cassé"
    assert (problem.path, problem.line, problem.message) == (Path("/o/call/x.txt.j2"), 4, "cassé")
    assert str(TemplateProblem(Path("/o/x"), None, "cassé")) == "/o/x : cassé"


# --- the filters ---

def test_date_filter_writes_day_month_year(env):
    assert env.from_string("{{ d|date }}").render(d=dt.date(2026, 1, 2)) == "02/01/2026"
    assert env.from_string("{{ d|date }}").render(d=dt.datetime(2026, 1, 2, 10, 30)) == "02/01/2026"
    assert env.from_string("{{ d|date }}").render(d="2026-01-02T10:30:00") == "02/01/2026"
    assert env.from_string("{{ d|date('%Y') }}").render(d="2026-01-02") == "2026"


def test_date_filter_of_nothing_is_empty(env):
    assert env.from_string("[{{ d|date }}]").render(d=None) == "[]"
    assert env.from_string("[{{ d|date }}]").render(d="") == "[]"


@pytest.mark.parametrize(("n", "expected"), [
    (0, "0 facture"), (1, "1 facture"), (2, "2 factures"), ("2", "2 factures"), ("2.0", "2 factures"),
    (None, "0 facture"), ("beaucoup", "0 facture"), (2 ** 53 + 1, "9\u00a0007\u00a0199\u00a0254\u00a0740\u00a0993 factures"),
])
def test_plural_filter_counts_whatever_it_is_given(env, n, expected):
    """A whole number as is (2 ** 53 + 1 not rounded through a float), '2.0' as 2, anything else as 0."""
    assert env.from_string("{{ n|plural('facture') }}").render(n=n) == expected


def test_plural_filter_takes_a_given_plural_and_bare(env):
    assert env.from_string("{{ 2|plural('œil', 'yeux') }}|{{ 1|plural('œil', 'yeux') }}").render() == "2 yeux|1 œil"
    assert env.from_string("{{ 2|plural('facture', bare=true) }}|{{ 2|plural('œil', 'yeux', true) }}|"
                           "{{ 1|plural('facture', bare=true) }}").render() == "factures|yeux|facture"


def test_euros_filter_writes_the_amount_in_the_context_s_language(env):
    """French when the context has no language; '?' for an amount nobody entered."""
    euros = env.from_string("{{ n|euros }}")
    assert [euros.render(n=123456), euros.render(n=123456, lang="nl"), euros.render(n=123456, lang="en"),
            euros.render(n=None)] == ["1\u00a0234,56\u00a0€", "€\u00a01.234,56", "€1,234.56", "?"]

# --- the environment ---

def test_the_environment_trims_blocks_and_drops_the_last_newline(env):
    assert env.from_string("{% if true %}\na\n{% endif %}\nb\n").render() == "a\nb"
    assert env.from_string("    {% if true %}a{% endif %}").render() == "a"


def test_the_environment_does_not_escape_and_refuses_unknown_names(env):
    assert env.from_string("{{ t }}").render(t="<b>R&D</b>") == "<b>R&D</b>"
    with pytest.raises(jinja2.UndefinedError, match="'inconnu' is undefined"):
        env.from_string("{{ inconnu }}").render()


def test_the_environment_loads_the_files_of_its_folder(tmp_path):
    write(tmp_path / "call" / "part.txt.j2", "Bonjour {{ n }}")
    env = make_environment(tmp_path)
    assert env.from_string('{% include "call/part.txt.j2" %} !').render(n="Marie") == "Bonjour Marie !"


# --- plain data ---

def test_plain_data_is_accepted():
    check_plain({"t": "x", "n": 1, "f": 1.5, "b": True, "z": None, "d": dt.date(2026, 1, 2),
                 "dt": dt.datetime(2026, 1, 2, 3, 4), "h": dt.time(9, 0), "l": [1, ("a", {"k": [None]})]})


@pytest.mark.parametrize(("value", "message"), [
    ({"a": [1, {"b": object()}]}, f"contexte.a[1].b : object {PLAIN_REFUSED}"),
    ({"a": ("x", {1, 2})}, f"contexte.a[1] : set {PLAIN_REFUSED}"),
    (b"x", f"contexte : bytes {PLAIN_REFUSED}"),
    ({1: "x"}, "contexte : clé 1 qui n'est pas un texte"),
    ({"a": {("k",): "x"}}, "contexte.a : clé ('k',) qui n'est pas un texte"),
])
def test_anything_else_is_refused_and_said_where(value, message):
    with pytest.raises(TypeError) as info:
        check_plain(value)
    assert str(info.value) == message


# --- localized names ---

@pytest.mark.parametrize(("name", "lang", "expected"), [
    ("email/reminder.txt.j2", "nl", "email/nl/reminder.txt.j2"),
    ("email/reminder.txt.j2", "en", "email/en/reminder.txt.j2"),
    ("a/b/c.txt.j2", "nl", "a/b/nl/c.txt.j2"),
    ("reminder.txt.j2", "nl", "nl/reminder.txt.j2"),
    ("email/reminder.txt.j2", "fr", "email/reminder.txt.j2"),
    ("email/reminder.txt.j2", None, "email/reminder.txt.j2"),
    ("email/reminder.txt.j2", "xx", "email/reminder.txt.j2"),
])
def test_localized_puts_the_language_folder_beside_the_file(name, lang, expected):
    assert localized(name, lang) == expected


# --- front matter ---

def test_front_matter_absent():
    assert split_front_matter("Bonjour\n", Path("x")) == ({}, "Bonjour\n", 1)


def test_front_matter_split_and_the_line_the_body_starts_on():
    assert split_front_matter('+++\ntitle = "x"\nafter = 3\n+++\nbody\n', Path("x")) \
        == ({"title": "x", "after": 3}, "body\n", 5)
    assert split_front_matter("+++\n+++\nbody", Path("x")) == ({}, "body", 3)


def test_front_matter_ends_at_the_first_closing_line():
    assert split_front_matter("+++\na = 1\n+++\nx\n+++\ny\n", Path("x")) == ({"a": 1}, "x\n+++\ny\n", 4)


def test_front_matter_never_closed():
    with pytest.raises(TemplateProblem) as info:
        split_front_matter("+++\na = 1\n", Path("/o/x.txt.j2"))
    assert str(info.value) == "/o/x.txt.j2, ligne 1 : front matter ouvert par +++ mais jamais fermé"


def test_front_matter_bad_toml_at_its_file_line():
    """TOML's line 2 of the front matter is the file's line 3 (after the opening +++)."""
    with pytest.raises(TemplateProblem) as info:
        split_front_matter("+++\na = 1\nb = = 2\n+++\nbody\n", Path("/o/x.txt.j2"))
    assert str(info.value) == "/o/x.txt.j2, ligne 3 : front matter TOML invalide (Invalid value (at line 2, column 5))"


def test_front_matter_bad_toml_without_a_line():
    with pytest.raises(TemplateProblem) as info:
        split_front_matter('+++\na = """x\n+++\nbody\n', Path("/o/x.txt.j2"))
    assert str(info.value) == "/o/x.txt.j2 : front matter TOML invalide (Unterminated string (at end of document))"


# --- the line of a run-time error ---

def test_error_line_is_the_innermost_frame_of_the_template():
    code = compile("def f():\n    return 1 / 0\n\nf()\n", "<template>", "exec")
    with pytest.raises(ZeroDivisionError) as info:
        exec(code, {})
    assert _error_line(info.value, "<template>") == 2


def test_error_line_else_the_one_the_error_carries():
    assert _error_line(jinja2.TemplateSyntaxError("x", lineno=7), "<template>") == 7
    assert _error_line(ZeroDivisionError(), "<template>") is None


# --- rendering one copy ---

def test_a_rendered_template_has_its_meta_body_and_source(office):
    path = write(office / "call" / "listen.txt.j2", '+++\ntitle = "Écoute {{ n }}"\nafter = 30\nprompts = '
                 '["{{ n }} ?", "ligne\\n"]\nsub = { a = "{{ n }}!" }\n+++\n\n  Bonjour {{ n }}  \n\n\n')
    rendered = Templates(office).render("call/listen.txt.j2", {"n": "Xavier"})
    assert rendered == Rendered({"title": "Écoute Xavier", "after": 30, "prompts": ["Xavier ?", "ligne\n"],
                                 "sub": {"a": "Xavier!"}}, "  Bonjour Xavier  \n", path, [])


def test_a_body_is_stripped_of_its_blank_lines_only(office):
    write(office / "call" / "listen.txt.j2", "\nXavier\n")
    assert Templates(office).render("call/listen.txt.j2", {}).body == "Xavier\n"


def test_an_office_template_may_include_a_file_of_its_folder(office):
    write(office / "call" / "part.txt.j2", "morceau {{ n }}")
    write(office / "call" / "listen.txt.j2", '{% include "call/part.txt.j2" %}\n')
    rendered = Templates(office).render("call/listen.txt.j2", {"n": 1})
    assert (rendered.body, rendered.problems) == ("morceau 1\n", [])


def test_one_environment_per_folder():
    templates = Templates(None)
    assert templates._env(BUILTIN_DIR) is templates._env(BUILTIN_DIR)


@pytest.mark.parametrize(("text", "problem"), [
    (b"\xff\xfe", " : pas en UTF-8 (invalid start byte)"),
    ('+++\ntitle = "{{ 1 / 0 }}"\n+++\ncorps\n', " : front matter : ZeroDivisionError: division by zero"),
    ('+++\ntitle = "{{ x.__class__ }}"\n+++\ncorps\n',
     " : front matter : opération interdite dans un modèle (access to attribute '__class__' of 'str' object is unsafe.)"),
    ('+++\ntitle = "x"\ncorps\n', ", ligne 1 : front matter ouvert par +++ mais jamais fermé"),
    ("+++\na = 1\nb = = 2\n+++\ncorps\n", ", ligne 3 : front matter TOML invalide (Invalid value (at line 2, column 5))"),
    ("+++\na = 1\n+++\nun\n{% if %}\n", ", ligne 5 : Expected an expression, got 'end of statement block'"),
    ("+++\n+++\nun\n{{ 1 / 0 }}\n", ", ligne 4 : ZeroDivisionError: division by zero"),
    ("+++\n+++\nun\n{{ inconnu }}\n", ", ligne 4 : 'inconnu' is undefined"),
    ("{% for i in range(11) %}{{ x * 100000 }}{% endfor %}",
     " : opération interdite dans un modèle (rendu : texte trop long (1100000 caractères, au plus 1000000))"),
])
def test_a_broken_office_copy_is_said_and_the_built_in_used(office, builtin, text, problem):
    path = write(office / "call" / "listen.txt.j2", text)
    write(builtin / "call" / "listen.txt.j2", "intégré {{ x }}\n")
    rendered = Templates(office).render("call/listen.txt.j2", {"x": "x"})
    assert rendered.body == "intégré x\n" and rendered.source == builtin / "call" / "listen.txt.j2"
    assert rendered.problems == [f"{path}{problem} — modèle intégré utilisé"]


# --- which copy, in which language ---

def test_the_office_copy_comes_first(office, builtin):
    write(builtin / "email" / "x.txt.j2", "intégré\n")
    path = write(office / "email" / "x.txt.j2", "bureau\n")
    assert (Templates(office).render("email/x.txt.j2", {}).source, Templates(None).render("email/x.txt.j2", {}).source) \
        == (path, builtin / "email" / "x.txt.j2")


def test_a_language_copy_renders_in_its_language(builtin):
    write(builtin / "email" / "x.txt.j2", "fr {{ lang }}\n")
    write(builtin / "email" / "nl" / "x.txt.j2", "nl {{ lang }}\n")
    rendered = Templates(None).render("email/x.txt.j2", {"lang": "nl"}, lang="nl")
    assert (rendered.body, rendered.problems) == ("nl nl\n", [])


def test_without_that_language_the_french_copy_in_french(builtin):
    write(builtin / "email" / "x.txt.j2", "fr {{ lang }}\n")
    rendered = Templates(None).render("email/x.txt.j2", {"lang": "nl"}, lang="nl")
    assert (rendered.body, rendered.problems) \
        == ("fr fr\n", ["email/nl/x.txt.j2 : aucun modèle dans cette langue, modèle français utilisé"])


def test_an_office_kind_in_french_only_serves_every_language(office, builtin):
    write(office / "email" / "own.txt.j2", "à moi {{ lang }}\n")
    rendered = Templates(office).render("email/own.txt.j2", {"lang": "en"}, lang="en")
    assert (rendered.body, rendered.problems) \
        == ("à moi fr\n", ["email/en/own.txt.j2 : aucun modèle dans cette langue, modèle français utilisé"])


def test_a_broken_office_translation_falls_back_to_the_office_french(office, builtin):
    """office nl (broken), then office French: the next copy is named, not 'modèle intégré'."""
    path = write(office / "email" / "nl" / "own.txt.j2", "{{ 1 / 0 }}\n")
    write(office / "email" / "own.txt.j2", "frans\n")
    rendered = Templates(office).render("email/own.txt.j2", {}, lang="nl")
    assert (rendered.body, rendered.problems) \
        == ("frans\n", [f"{path}, ligne 1 : ZeroDivisionError: division by zero — email/own.txt.j2 utilisé"])


def test_each_broken_copy_is_said_in_turn(office, builtin):
    """office nl (broken), office French (broken), built-in French: two problems, each naming the next copy."""
    nl = write(office / "email" / "nl" / "x.txt.j2", "{{ 1 / 0 }}\n")
    fr = write(office / "email" / "x.txt.j2", "\n{{ inconnu }}\n")
    write(builtin / "email" / "x.txt.j2", "intégré\n")
    rendered = Templates(office).render("email/x.txt.j2", {}, lang="nl")
    assert rendered.body == "intégré\n"
    assert rendered.problems == [f"{nl}, ligne 1 : ZeroDivisionError: division by zero — email/x.txt.j2 utilisé",
                                 f"{fr}, ligne 2 : 'inconnu' is undefined — modèle intégré utilisé"]


def test_a_broken_built_in_copy_is_a_bug_said_as_such(builtin):
    """Even with a French copy behind it: a built-in template that fails is raised, never passed over."""
    write(builtin / "email" / "nl" / "x.txt.j2", "{{ 1 / 0 }}\n")
    write(builtin / "email" / "x.txt.j2", "fr\n")
    with pytest.raises(TemplateProblem) as info:
        Templates(None).render("email/x.txt.j2", {}, lang="nl")
    assert str(info.value) == f"{builtin / 'email' / 'nl' / 'x.txt.j2'}, ligne 1 : ZeroDivisionError: division by zero"


def test_a_broken_last_office_copy_is_raised(office, builtin):
    path = write(office / "email" / "own.txt.j2", "{{ 1 / 0 }}\n")
    with pytest.raises(TemplateProblem) as info:
        Templates(office).render("email/own.txt.j2", {})
    assert str(info.value) == f"{path}, ligne 1 : ZeroDivisionError: division by zero"


def test_no_template_at_all(office, builtin):
    with pytest.raises(FileNotFoundError):
        Templates(office).render("email/none.txt.j2", {}, lang="nl")


def test_render_is_given_plain_data_only(office):
    with pytest.raises(TypeError, match=f"contexte.x : object {PLAIN_REFUSED}"):
        Templates(office).render("call/listen.txt.j2", {"x": object()})


# --- data files ---

def test_data_from_the_office_copy_first_its_strings_rendered(office, builtin):
    write(builtin / "call" / "data.toml", 'label = "intégré"\n')
    write(office / "call" / "data.toml", '[[item]]\nlabel = "Pour {{ n }}"\nanswers = ["{{ n }} ?", 3]\n')
    assert Templates(office).load_data("call/data.toml", {"n": "Marie"}) \
        == ({"item": [{"label": "Pour Marie", "answers": ["Marie ?", 3]}]}, [])


def test_data_from_the_built_in_copy_without_an_office_one(office, builtin):
    write(builtin / "call" / "data.toml", 'label = "intégré {{ n }}"\n')
    assert Templates(office).load_data("call/data.toml", {"n": 1}) == ({"label": "intégré 1"}, [])
    assert Templates(None).load_data("call/data.toml", {"n": 1}) == ({"label": "intégré 1"}, [])


def test_a_data_file_s_strings_may_include_a_file_of_its_folder(office, builtin):
    write(builtin / "call" / "data.toml", 'label = "intégré"\n')
    write(office / "call" / "part.txt.j2", "morceau {{ n }}")
    write(office / "call" / "data.toml", "label = '{% include \"call/part.txt.j2\" %} !'\n")
    assert Templates(office).load_data("call/data.toml", {"n": 1}) == ({"label": "morceau 1 !"}, [])

@pytest.mark.parametrize(("text", "problem"), [
    ('a = 1\nb = = 2\n', ", ligne 2 : TOML invalide (Invalid value (at line 2, column 5))"),
    ('a = """x\n', " : TOML invalide (Unterminated string (at end of document))"),
    ('label = "{{ 1 / 0 }}"\n', " : ZeroDivisionError: division by zero"),
    ('label = "{{ x.__class__ }}"\n',
     " : opération interdite dans un modèle (access to attribute '__class__' of 'int' object is unsafe.)"),
    (b"\xff", " : UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
])
def test_a_broken_office_data_file_is_said_and_the_built_in_used(office, builtin, text, problem):
    write(builtin / "call" / "data.toml", 'label = "intégré"\n')
    path = write(office / "call" / "data.toml", text)
    assert Templates(office).load_data("call/data.toml", {"x": 1}) \
        == ({"label": "intégré"}, [f"{path}{problem} — modèle intégré utilisé"])


def test_a_broken_built_in_data_file_is_raised(builtin):
    write(builtin / "call" / "data.toml", 'label = "{{ 1 / 0 }}"\n')
    with pytest.raises(ZeroDivisionError):
        Templates(None).load_data("call/data.toml", {})


def test_a_missing_built_in_data_file(builtin):
    with pytest.raises(TemplateProblem) as info:
        Templates(None).load_data("call/none.toml", {})
    assert str(info.value) == f"{builtin / 'call' / 'none.toml'} : modèle intégré introuvable"


def test_load_data_is_given_plain_data_only():
    with pytest.raises(TypeError, match=f"contexte : object {PLAIN_REFUSED}"):
        Templates(None).load_data("call/objections.toml", object())


# --- doctor's check: parsed, never run ---

def test_doctor_check_of_a_folder_that_is_not_there(tmp_path):
    assert check_office_templates(tmp_path / "absent") == []


def test_doctor_check_says_each_office_file(office, builtin):
    write(builtin / "call" / "a.txt.j2", "x")
    write(builtin / "call" / "b.txt.j2", "x")
    write(builtin / "call" / "c.toml", "x = 1")
    write(builtin / "email" / "z.txt.j2", "x")
    write(office / "call" / "a.txt.j2", '+++\ntitle = "{{ contact.name }}"\nafter = 30\n+++\n{{ x[0] }} {{ x[k] }} {{ x.y }}\n')
    write(office / "call" / "b.txt.j2", "+++\n+++\nBonjour\n{{ x.__class__ }}\n")
    write(office / "call" / "c.toml", '[[o]]\ncode = "x"\nanswers = ["ok", "{{ y._z }}"]\n')
    write(office / "call" / "extra.txt.j2", "rien\n")
    write(office / "documents" / "letter.typ", "{{ x.__class__ }}")
    write(office / "email" / "z.txt.j2", "+++\n+++\nun\n{% if %}\n")
    assert check_office_templates(office) == [
        ("call/a.txt.j2", None),
        ("call/b.txt.j2", f"{office / 'call' / 'b.txt.j2'}, ligne 4 : accès interdit à « __class__ » : le modèle "
                          "serait refusé à l'affichage"),
        ("call/c.toml", f"{office / 'call' / 'c.toml'} : accès interdit à « _z » dans « {{{{ y._z }}}} » : le modèle "
                        "serait refusé à l'affichage"),
        ("call/extra.txt.j2", "aucun modèle intégré de ce nom : fichier ignoré"),
        ("email/z.txt.j2", f"{office / 'email' / 'z.txt.j2'}, ligne 4 : Expected an expression, got 'end of "
                           "statement block'"),
    ]


@pytest.mark.parametrize(("text", "problem"), [
    ('+++\ntitle = \'{{ x["_secret"] }}\'\n+++\ncorps\n',
     ' : accès interdit à « _secret » dans « {{ x["_secret"] }} » : le modèle serait refusé à l\'affichage'),
    ('+++\n[sub]\nt = { u = "{{ x }" }\n+++\ncorps\n', " : unexpected '}' dans « {{ x } »"),
    ('+++\nprompts = ["{{ a.b }}", "' + "{{ x.__class__ }}" + "y" * 60 + '"]\n+++\ncorps\n',
     " : accès interdit à « __class__ » dans « {{ x.__class__ }}" + "y" * 43 + " » : le modèle serait refusé à "
     "l'affichage"),
    ("+++\n+++\nun\n{{ x['_k'] }}\n", ", ligne 4 : accès interdit à « _k » : le modèle serait refusé à l'affichage"),
    ('+++\na = = 1\n+++\n', ", ligne 2 : front matter TOML invalide (Invalid value (at line 1, column 5))"),
])
def test_doctor_check_of_one_template(office, builtin, text, problem):
    path = write(office / "call" / "a.txt.j2", text)
    write(builtin / "call" / "a.txt.j2", "x")
    assert check_office_templates(office) == [("call/a.txt.j2", f"{path}{problem}")]


def test_doctor_check_of_unreadable_files(office, builtin):
    write(office / "call" / "a.txt.j2", b"\xff")
    write(office / "call" / "b.toml", "a = = 1\n")
    assert check_office_templates(office) == [
        ("call/a.txt.j2", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
        ("call/b.toml", "Invalid value (at line 1, column 5)"),
    ]
