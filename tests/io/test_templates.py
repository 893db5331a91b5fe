import datetime as dt

import pytest

from relance_tui.config import OfficeSettings
from relance_tui.io.callscript import call_context, load_script, pick_contact
from relance_tui.io.templates import BUILTIN_DIR, Templates, split_front_matter, TemplateProblem
from relance_tui.store.cards import debtor_card
from relance_tui.store.queries import load_rates
from tests.conftest import TODAY


@pytest.fixture
def context(demo_store):
    debtor = demo_store.db.execute("SELECT debtor_id FROM contacts WHERE email <> '' LIMIT 1").fetchone()[0]
    card = debtor_card(demo_store, debtor, as_of=TODAY, rates=load_rates(demo_store))
    return call_context(card, agent="Marie Dubois", office=OfficeSettings(name="Acme SARL", iban="FR76 3000"),
                        today=TODAY, contact=pick_contact(card))


@pytest.fixture
def office(tmp_path):
    d = tmp_path / "templates"
    (d / "call").mkdir(parents=True)
    return d


def test_builtin_script_has_six_phases_filled_with_the_debtor(context):
    phases, objections, problems = load_script(Templates(None), context)
    assert problems == []
    assert [p.code for p in phases] == ["prepare", "introduce", "listen", "negotiate", "conclude", "document"]
    assert context["oldest"]["number"] in phases[0].body and context["goal"] in phases[0].body
    assert context["contact"]["name"] in phases[1].body and "Marie Dubois" in phases[1].body
    assert "Acme SARL" in phases[1].body
    listen = phases[2]
    assert [(p.after_s, p.clock) for p in listen.prompts] == [(60, "phase"), (150, "phase")]
    assert any(p.clock == "call" and p.after_s == 600 for p in phases[3].prompts)
    assert {o.code for o in objections} == {"not_received", "already_paid", "dispute", "cash", "wrong_person",
                                            "call_back"}
    cash = next(o for o in objections if o.code == "cash")
    assert cash.action == "propose_plan" and "€" in cash.answers[1]


def test_an_office_template_replaces_the_builtin(context, office):
    (office / "call" / "listen.txt.j2").write_text(
        '+++\ntitle = "Écoute active"\n[[prompts]]\nafter = 30\ntext = "Résumez pour {{ contact.name }}"\n+++\n'
        "Écoutez {{ contact.name }}.\n", encoding="utf-8")
    phases, _, problems = load_script(Templates(office), context)
    assert problems == []
    listen = phases[2]
    assert listen.title == "Écoute active" and listen.body.strip() == f"Écoutez {context['contact']['name']}."
    assert listen.prompts[0].text == f"Résumez pour {context['contact']['name']}"
    assert phases[3].title == "Négocier"  # the others stay built in


@pytest.mark.parametrize(("text", "line", "what"), [
    ('+++\ntitle = "x"\n+++\nligne 4\nligne 5 {{ contact.name \n', 5, "listen.txt.j2, ligne 5"),
    ('+++\ntitle = "x"\nafter = = 3\n+++\ncorps\n', 3, "front matter TOML invalide"),
    ('+++\ntitle = "x"\n+++\nun\ndeux\n{{ variable_inconnue }}\n', 6, "variable_inconnue"),
    ('+++\ntitle = "x"\ncorps sans fin\n', 1, "jamais fermé"),
])
def test_a_broken_office_template_is_reported_with_file_and_line_and_the_builtin_used(context, office, text, line,
                                                                                        what):
    (office / "call" / "listen.txt.j2").write_text(text, encoding="utf-8")
    phases, _, problems = load_script(Templates(office), context)
    assert len(problems) == 1
    assert str(office / "call" / "listen.txt.j2") in problems[0]
    assert f"ligne {line}" in problems[0] and what in problems[0] and "modèle intégré utilisé" in problems[0]
    assert phases[2].title == "Écouter" and "Reformulez" in phases[2].body


def test_a_broken_objections_file_falls_back(context, office):
    (office / "call" / "objections.toml").write_text('[[objection]]\ncode = "x"\nlabel = \n', encoding="utf-8")
    _, objections, problems = load_script(Templates(office), context)
    assert len(objections) == 6
    assert "objections.toml, ligne 3" in problems[0]


def test_front_matter_split_keeps_body_line_numbers():
    meta, body, start = split_front_matter('+++\na = 1\nb = "x"\n+++\nbody\n', BUILTIN_DIR / "x")
    assert meta == {"a": 1, "b": "x"} and body == "body\n" and start == 5
    with pytest.raises(TemplateProblem):
        split_front_matter("+++\na = 1\n", BUILTIN_DIR / "x")


def test_recap_email_names_the_promise(context):
    from relance_tui.io.callscript import email_context
    from relance_tui.store.calls import Instalment

    ctx = email_context(context, outcome="promise", instalments=(Instalment(dt.date(2026, 12, 12), 250_00),))
    rendered = Templates(None).render("email/recap.txt.j2", ctx)
    assert rendered.meta["subject"].startswith("Suite à notre appel")
    assert "250,00\u00a0€ au plus tard le 12/12/2026" in rendered.body
    assert "IBAN FR76 3000" in rendered.body and "Marie Dubois" in rendered.body
    invoices = [line for line in rendered.body.splitlines() if line.startswith("• ") and " du " in line]
    assert invoices and all(line.endswith("\u00a0€ restant dû") for line in invoices)  # never "restant dus"


def test_doctor_lists_office_templates_and_their_problems(demo_store, capsys):
    from relance_tui import cli

    office = demo_store.path.parent / "templates"
    (office / "call").mkdir(parents=True)
    (office / "call" / "listen.txt.j2").write_text("+++\ntitle = \"x\"\n+++\nok {{ contact.name }}\n", encoding="utf-8")
    (office / "call" / "negotiate.txt.j2").write_text("+++\n+++\nun\n{% if %}\n", encoding="utf-8")
    (office / "call" / "extra.txt.j2").write_text("rien\n", encoding="utf-8")
    cli.main(["--db", str(demo_store.path), "doctor"])
    out = capsys.readouterr().out
    assert "call/listen.txt.j2 : ok" in out
    assert "negotiate.txt.j2, ligne 4" in out
    assert "call/extra.txt.j2 : aucun modèle intégré de ce nom" in out
