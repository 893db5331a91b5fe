"""relance init from nothing (issue 17, item 1): the office's identity and the agent's name taken as options or
asked at a terminal, checked before anything is made, written in a relance.toml commented in French; and
where the base went, said."""

from __future__ import annotations

import io
import sys

import pytest

from relance_tui import cli
from relance_tui.config import load_settings, resolve_paths


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_writes_the_office_s_identity_and_the_agent_s_name(tmp_path, capsys) -> None:
    db = tmp_path / "srv" / "relance.db"
    code, out, err = run(capsys, "init", "--db", str(db), "--cabinet", 'Cabinet "Dupuis" & fils',
                         "--adresse", "3 rue des Lilas", "--code-postal", "69003", "--ville", "Lyon",
                         "--siren", "732 829 320", "--iban", "fr76 3000 6000 0112 3456 7890 189",
                         "--telephone", "04 72 00 00 00", "--email", "compta@dupuis.fr", "--nom-agent", "Marie Dupont")
    assert code == 0, err
    text = (tmp_path / "srv" / "relance.toml").read_text(encoding="utf-8")
    assert text.startswith("# relance : réglages communs à tous les agents du cabinet.")
    assert "# le nom du cabinet, imprimé sur les courriers et les emails" in text  # commented in French
    settings = load_settings(resolve_paths(db))
    office = settings.office
    assert (office.name, office.address, office.postcode, office.city) == ('Cabinet "Dupuis" & fils',
                                                                           "3 rue des Lilas", "69003", "Lyon")
    assert (office.siren, office.iban, office.country, office.timezone) == (
        "732829320", "FR76 3000 6000 0112 3456 7890 189", "FR", "Europe/Paris")
    assert settings.agent_name == "Marie Dupont"  # never "je m'appelle marie" (the login)
    assert f"Réglages du cabinet : {tmp_path / 'srv' / 'relance.toml'}\n" in out


def test_a_belgian_office_gets_brussels_time(tmp_path, capsys) -> None:
    db = tmp_path / "relance.db"
    code, out, _ = run(capsys, "init", "--db", str(db), "--pays", "be", "--numero-entreprise", "0403.170.701",
                       "--no-input")
    assert code == 0 and "(à compléter : nom du cabinet, IBAN)" in out
    office = load_settings(resolve_paths(db)).office
    assert (office.country, office.timezone, office.enterprise_number) == ("BE", "Europe/Brussels", "0403.170.701")


def test_a_wrong_identifier_creates_nothing_and_names_its_option(tmp_path, capsys) -> None:
    db = tmp_path / "relance.db"
    for option, value, said in (("--siren", "123456789", "--siren '123456789' : attendu 9 chiffres"),
                                ("--iban", "FR76 0000", "--iban 'FR76 0000' : attendu un IBAN valide"),
                                ("--pays", "DE", "--pays 'DE' : attendu FR ou BE"),
                                ("--numero-entreprise", "0403.170.702", "--numero-entreprise '0403.170.702'")):
        code, _, err = run(capsys, "init", "--db", str(db), option, value)
        assert code != 0 and said in err and "rien n'a été créé" in err, err
        assert not db.exists() and not (tmp_path / "relance.toml").exists()


def test_init_never_rewrites_existing_settings(tmp_path, capsys) -> None:
    db = tmp_path / "relance.db"
    run(capsys, "init", "--db", str(db), "--cabinet", "Premier")
    code, out, _ = run(capsys, "init", "--db", str(db), "--cabinet", "Second")
    assert code == 0 and "Réglages du cabinet déjà présents, inchangés" in out
    assert load_settings(resolve_paths(db)).office.name == "Premier"


def test_init_without_db_says_the_base_is_this_account_s_own(capsys, isolated_env) -> None:
    code, out, _ = run(capsys, "init", "--no-input")
    assert code == 0 and f"Base créée : {isolated_env / 'data' / 'relance.db'}" in out
    assert ", 0 débiteur, 0 facture)\n" in out  # a count agrees with its noun, 0 too
    assert "C'est le dossier de données de votre compte" in out and "relance init --db /srv/relance/relance.db" in out


def at_a_terminal(monkeypatch, typed: str = "") -> None:
    """relance init at a terminal where ``typed`` is what the agent types (input() reads it), then Ctrl+D."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)


def test_init_at_a_terminal_asks_for_what_it_was_not_told(tmp_path, capsys, monkeypatch) -> None:
    answers = iter(["Cabinet Martin", "", "", "Nantes", "FR", "", "", "", "", "", "Paul Martin"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    at_a_terminal(monkeypatch)
    db = tmp_path / "relance.db"
    assert run(capsys, "init", "--db", str(db))[0] == 0
    settings = load_settings(resolve_paths(db))
    assert (settings.office.name, settings.office.city, settings.agent_name) == ("Cabinet Martin", "Nantes",
                                                                                 "Paul Martin")
    assert next(answers, None) is None  # every question asked, in order


def test_ctrl_d_at_a_question_stops_init_and_creates_nothing(tmp_path, capsys, monkeypatch) -> None:
    db = tmp_path / "srv" / "relance.db"
    for typed in ("", "Cabinet Martin\n3 rue des Lilas\n", "Cabinet Martin\n\n\nNantes\nFR\n\n\n\n\n\n"):
        at_a_terminal(monkeypatch, typed)  # the end of what is typed: Ctrl+D, at the first, third or last question
        code, out, err = run(capsys, "init", "--db", str(db))
        assert code == 2, err  # the CLI's usage code, as every refusal of what was given
        assert "relance : init : questions interrompues (fin de saisie, Ctrl+D) ; rien n'a été créé." in err
        assert "inattendue" not in err and "EOFError" not in err and "Base créée" not in out
        assert not (tmp_path / "srv").exists()  # no base, no relance.toml, not even their folder


@pytest.mark.parametrize(("country", "asked", "never"), [("FR", "SIREN", "numéro d'entreprise"),
                                                         ("", "SIREN", "numéro d'entreprise"),  # Entrée: FR
                                                         ("be", "numéro d'entreprise", "SIREN")])
def test_init_asks_only_the_identifier_of_the_office_s_country(tmp_path, capsys, monkeypatch, country, asked,
                                                              never) -> None:
    identifier = {"SIREN": "732829320", "numéro d'entreprise": "0403.170.701"}[asked]
    at_a_terminal(monkeypatch, f"Cabinet Martin\n\n\n\n{country}\n{identifier}\n\n\n\n\nPaul Martin\n")
    db = tmp_path / "relance.db"
    code, out, err = run(capsys, "init", "--db", str(db))
    assert code == 0, err
    assert f"  {asked}" in out and never not in out
    office = load_settings(resolve_paths(db)).office
    assert (office.country, office.siren or office.enterprise_number) == (country.upper() or "FR", identifier)
    assert load_settings(resolve_paths(db)).agent_name == "Paul Martin"  # every answer read in its place


def test_a_country_other_than_fr_or_be_is_asked_again(tmp_path, capsys, monkeypatch) -> None:
    at_a_terminal(monkeypatch, "\n\n\n\nDE\nBE\n\n\n\n\n\n\n")
    db = tmp_path / "relance.db"
    code, out, err = run(capsys, "init", "--db", str(db))
    assert code == 0 and "  attendu FR ou BE (Entrée : FR) : " in out, err
    assert load_settings(resolve_paths(db)).office.country == "BE"
