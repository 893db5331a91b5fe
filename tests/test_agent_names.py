"""Agents introduced by their name, not their login (issue 17): on a server ``relance init`` is run once, by root,
so the office names every agent in ``[agents]`` of relance.toml; the call script says that name, and
``relance doctor`` warns the agent who has none."""

from __future__ import annotations

import time_machine

from relance_tui import cli
from relance_tui.config import load_settings, resolve_paths
from relance_tui.settings_files import office_settings_text
from tests.conftest import TODAY
from tests.test_cli import RATES_ENTERED

WARNING = ("[attention] aucun nom affiché pour l'agent {login} : les appels et emails le présenteront par son "
           "identifiant ; ajoutez-le dans [agents] de relance.toml")


def doctor(capsys, db) -> str:
    with time_machine.travel(RATES_ENTERED, tick=False):
        cli.main(["--db", str(db), "doctor"])
    return capsys.readouterr().out


def introduction(store, settings) -> str:
    """What the call script's 'Se présenter' phase has the agent say, as the call screen renders it (its
    ``_script_settings``: the agent's name is ``settings.agent_name``)."""
    from relance_tui.io.callscript import pick_contact, render_script
    from relance_tui.io.templates import Templates
    from relance_tui.store.cards import debtor_card
    from relance_tui.store.queries import load_rates

    debtor = store.db.execute("SELECT MIN(debtor_id) FROM invoices WHERE status = 'open'").fetchone()[0]
    card = debtor_card(store, debtor, as_of=TODAY, rates=load_rates(store), country="FR")
    script = render_script(card, pick_contact(card), agent=settings.agent_name, office=settings.office, today=TODAY,
                           templates=Templates(settings.paths.office_file.parent / "templates"))
    [phase] = [p for p in script.phases if p.title == "Se présenter"]
    return next(line for line in phase.body.splitlines() if "je m'appelle" in line)


def test_the_office_names_its_agents_once_and_the_script_and_doctor_follow(demo_store, capsys, monkeypatch) -> None:
    db = demo_store.path
    # relance.toml as root's relance init wrote it (its own name only), then the office's line for karim
    text = office_settings_text({"name": "Cabinet Dupuis"}, {"root": "Administrateur"})
    assert "[agents]" in text and "une ligne par agent" in text and "relance doctor le signale" in text
    text = text.replace('"root" = "Administrateur"\n', '"root" = "Administrateur"\nkarim = "Karim Benali"\n')
    db.with_name("relance.toml").write_text(text, encoding="utf-8")

    monkeypatch.setenv("RELANCE_AGENT", "karim")
    settings = load_settings(resolve_paths(db))
    assert settings.agent_name == "Karim Benali"
    said = introduction(demo_store, settings)
    assert "« Bonjour, je m'appelle Karim Benali, de la société Cabinet Dupuis. »" in said
    out = doctor(capsys, db)
    assert "Agent            : karim (Karim Benali)\n" in out and "aucun nom affiché" not in out

    monkeypatch.setenv("RELANCE_AGENT", "sophie")  # an agent the office left out: her login, and doctor says so
    settings = load_settings(resolve_paths(db))
    assert "je m'appelle sophie," in introduction(demo_store, settings)
    out = doctor(capsys, db)
    assert f"Agent            : sophie (sophie)\n  {WARNING.format(login='sophie')}\n" in out


def test_a_name_the_agent_gives_themselves_is_enough_for_doctor(demo_store, capsys, monkeypatch, isolated_env) -> None:
    db = demo_store.path
    db.with_name("relance.toml").write_text(office_settings_text({}), encoding="utf-8")
    (isolated_env / "config.toml").write_text('[user]\ndisplay_name = "Sophie Martin"\n', encoding="utf-8")
    monkeypatch.setenv("RELANCE_AGENT", "sophie")
    out = doctor(capsys, db)
    assert "Agent            : sophie (Sophie Martin)\n" in out and "aucun nom affiché" not in out
