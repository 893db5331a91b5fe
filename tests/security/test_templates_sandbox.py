"""Issue 11, finding 1: a template cannot run code, whoever wrote it.

Every payload tries to create a marker file through ``os.popen``; each test
asserts the marker never appears and that an office template carrying it is
reported (file, "modèle intégré utilisé") while the built-in one is used.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from jinja2.sandbox import SecurityError

from relance_tui.config import OfficeSettings
from relance_tui.io import templates as templates_module
from relance_tui.io.callscript import call_context, load_script, pick_contact
from relance_tui.io.templates import TemplateProblem, Templates, make_environment
from relance_tui.store.cards import debtor_card
from relance_tui.store.queries import load_rates
from tests.conftest import TODAY
from tests.tui.conftest import make_app, settle  # noqa: F401 - fixtures
from tests.tui.test_call import clock, debtor, open_call  # noqa: F401 - fixtures


def payload(marker: Path) -> str:
    return "{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}"


@pytest.fixture
def marker(tmp_path):
    return tmp_path / "PAYLOAD-RAN"


@pytest.fixture
def context(demo_store):
    debtor_id = demo_store.db.execute("SELECT debtor_id FROM contacts WHERE email <> '' LIMIT 1").fetchone()[0]
    card = debtor_card(demo_store, debtor_id, as_of=TODAY, rates=load_rates(demo_store))
    return call_context(card, agent="Marie Dubois", office=OfficeSettings(name="Acme SARL"), today=TODAY,
                        contact=pick_contact(card))


@pytest.fixture
def office(tmp_path):
    d = tmp_path / "templates"
    (d / "call").mkdir(parents=True)
    (d / "email").mkdir()
    return d


def test_a_payload_in_an_office_script_body_does_not_run_and_is_reported(context, office, marker):
    path = office / "call" / "prepare.txt.j2"
    path.write_text('+++\ntitle = "Préparer"\n+++\nBonjour\n' + payload(marker) + "\n", encoding="utf-8")
    phases, _, problems = load_script(Templates(office), context)
    assert not marker.exists()
    assert len(problems) == 1 and str(path) in problems[0] and "ligne 5" in problems[0]
    assert "interdite" in problems[0] and "modèle intégré utilisé" in problems[0]
    assert "Objectif réaliste" in phases[0].body  # the built-in script, so the call still has one


def test_a_payload_in_an_office_front_matter_does_not_run(context, office, marker):
    path = office / "call" / "listen.txt.j2"
    path.write_text('+++\ntitle = "' + payload(marker).replace('"', "'") + '"\n+++\ncorps\n', encoding="utf-8")
    phases, _, problems = load_script(Templates(office), context)
    assert not marker.exists()
    assert len(problems) == 1 and str(path) in problems[0] and "front matter" in problems[0]
    assert "modèle intégré utilisé" in problems[0] and phases[2].title == "Écouter"


def test_a_payload_in_the_office_objections_does_not_run(context, office, marker):
    path = office / "call" / "objections.toml"
    path.write_text('[[objection]]\ncode = "x"\nlabel = "' + payload(marker).replace('"', "'") + '"\n',
                    encoding="utf-8")
    _, objections, problems = load_script(Templates(office), context)
    assert not marker.exists()
    assert len(problems) == 1 and str(path) in problems[0] and "modèle intégré utilisé" in problems[0]
    assert len(objections) == 6  # the built-in answers


def test_a_payload_in_an_office_email_subject_does_not_run(context, office, marker):
    (office / "email" / "recap.txt.j2").write_text(
        '+++\nsubject = "' + payload(marker).replace('"', "'") + '"\n+++\nBonjour\n', encoding="utf-8")
    rendered = Templates(office).render("email/recap.txt.j2", {**context, "outcome": "other", "attachments": []})
    assert not marker.exists()
    assert rendered.meta["subject"].startswith("Suite à notre appel") and rendered.problems


def test_a_built_in_template_renders_in_the_sandbox_too(context, tmp_path, marker, monkeypatch):
    """Were the package's own templates ever changed (or its folder writable), they could not run code either."""
    builtin = tmp_path / "builtin"
    (builtin / "call").mkdir(parents=True)
    (builtin / "call" / "prepare.txt.j2").write_text(payload(marker) + "\n", encoding="utf-8")
    monkeypatch.setattr(templates_module, "BUILTIN_DIR", builtin)
    with pytest.raises(TemplateProblem):
        Templates(None).render("call/prepare.txt.j2", context)
    assert not marker.exists()


def test_the_one_environment_factory_is_a_sandbox(tmp_path, marker):
    env = make_environment(tmp_path)
    with pytest.raises(SecurityError):
        env.from_string(payload(marker)).render()
    with pytest.raises(SecurityError):  # immutable: a template cannot change the data it is given
        env.from_string("{{ items.append(1) }}").render(items=[])
    with pytest.raises(SecurityError):  # nor build a huge text by repetition
        env.from_string("{{ 'x' * 10000000 }}").render()
    assert not marker.exists()
    assert env.from_string("{{ n|euros }} le {{ d|date }}").render(n=12345, d=dt.date(2026, 1, 2)) \
        == "123,45\u00a0€ le 02/01/2026"


def test_an_office_template_that_fails_at_run_time_is_reported_not_raised(context, office):
    path = office / "call" / "negotiate.txt.j2"
    path.write_text("+++\n+++\nun\n{{ 1 / 0 }}\n", encoding="utf-8")
    phases, _, problems = load_script(Templates(office), context)
    assert len(problems) == 1 and str(path) in problems[0] and "ZeroDivisionError" in problems[0]
    assert phases[3].title == "Négocier"


def test_a_template_is_given_plain_data_only(context):
    """A live object (a store, the settings with the SMTP password) never reaches a template."""

    class Live:
        password = "secret"

    with pytest.raises(TypeError, match="donnée simple"):
        Templates(None).render("call/prepare.txt.j2", {**context, "settings": Live()})


def test_doctor_points_at_a_planted_payload_without_running_it(demo_store, marker, capsys):
    """Doctor parses every office template, front matter and data file (never renders one)."""
    from relance_tui import cli

    office = demo_store.path.parent / "templates" / "call"
    office.mkdir(parents=True)
    (office / "prepare.txt.j2").write_text("+++\n+++\nBonjour\n" + payload(marker) + "\n", encoding="utf-8")
    (office / "listen.txt.j2").write_text('+++\ntitle = "{{ x.__class__ }}"\n+++\ncorps\n', encoding="utf-8")
    (office / "objections.toml").write_text('[[objection]]\ncode = "x"\nlabel = "{{ x }"\n', encoding="utf-8")
    cli.main(["--db", str(demo_store.path), "doctor"])
    out = capsys.readouterr().out
    assert not marker.exists()
    assert "prepare.txt.j2, ligne 4 : accès interdit à « __" in out
    assert "listen.txt.j2 : accès interdit à « __class__ »" in out
    assert "call/objections.toml : " in out and "call/objections.toml : ok" not in out


async def test_opening_a_call_with_a_payload_in_the_office_script(make_app, demo_store, clock, debtor,  # noqa: F811
                                                                  marker):
    office = demo_store.path.parent / "templates" / "call"
    office.mkdir(parents=True)
    (office / "prepare.txt.j2").write_text(payload(marker) + "\n", encoding="utf-8")
    app = make_app()
    notes = []
    app.notify = lambda message, **kw: notes.append(str(message))  # noqa: ARG005 - what the agent is shown
    async with app.run_test(size=(100, 30)) as pilot:
        call = await open_call(app, pilot, debtor)
        await settle(pilot)
        assert "Objectif réaliste" in call.phases[0].body  # the built-in script
    assert not marker.exists()
    assert any("prepare.txt.j2" in n and "modèle intégré utilisé" in n for n in notes), notes
