"""relance act: a legal act from the command line (store/acts.record_act)."""

from __future__ import annotations

import json

import pytest
import time_machine

from relance_tui import cli
from relance_tui.store import open_store


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_relance_act_records_a_notice_and_refuses_in_french(tmp_path, capsys):
    db = tmp_path / "relance.db"
    assert run(capsys, "--db", str(db), "init")[0] == 0
    store = open_store(db, agent="marie")
    at = store.now()
    store.write(lambda d: d.execute("INSERT INTO debtors (id, code, name, segment, created_at, updated_at) "
                                    "VALUES (1, 'JM', 'Julie Martin', 'b2c', ?, ?)", [at, at]))
    for number, issue, due in (("FA-1", "2026-01-01", "2026-01-31"), ("FA-2", "2026-11-01", "2026-12-01")):
        store.write(lambda d, n=number, i=issue, u=due: d.execute(
            "INSERT INTO invoices (number, debtor_id, issue_date, due_date, amount_cents, created_at, updated_at) "
            "VALUES (?, 1, ?, ?, 100000, ?, ?)", [n, i, u, at, at]))
    store.close()
    with time_machine.travel("2026-11-23 10:00 +0100", tick=False):
        code, _, err = run(capsys, "--db", str(db), "act", "formal-notice", "--debtor", "JM", "--date", "2026-11-20")
        assert code == 1 and "indiquez le canal (lettre recommandée AR" in err
        code, _, err = run(capsys, "--db", str(db), "act", "formal-notice", "--debtor", "JM", "--channel",
                           "registered", "--invoice", "FA-2")
        assert code == 1 and "FA-2 n'est échue que le 01/12/2026" in err
        code, _, err = run(capsys, "--db", str(db), "act", "formal-notice", "--debtor", "JM", "--channel",
                           "registered", "--invoice", "FA-9")
        assert code == 10 and "facture 'FA-9' introuvable" in err
        code, out, _ = run(capsys, "--db", str(db), "act", "formal-notice", "--debtor", "JM", "--date", "2026-11-20",
                           "--channel", "registered", "--detail", "RAR 1A123")
    assert code == 0
    assert out == "Enregistré pour JM (Julie Martin) : Mise en demeure (lettre recommandée AR) du 20/11/2026 : FA-1\n"
    store = open_store(db, agent="marie")
    assert store.conn.execute("SELECT invoice_id, kind, day, channel, detail, agent FROM legal_acts").fetchall() == [
        (1, "formal_notice", "2026-11-20", "registered", "RAR 1A123", "marie")]
    store.close()


# Accounting codes are often digits: internal ids and codes overlap. (id, code, name, segment, country)
NUMBERED = [(1, "0003", "Garage Dupont SARL", "b2b", "FR"), (2, "0001", "Julie Martin", "b2c", "FR"),
            (3, "0002", "Boulangerie Petit", "b2b", "FR")]
ON_23_11_2026 = "2026-11-23 10:00 +0100"


@pytest.fixture
def numbered(tmp_path, capsys):
    """Three debtors whose codes are digits, each with one invoice overdue since 31/01/2026 (FA-<id>)."""
    db = tmp_path / "relance.db"
    assert run(capsys, "--db", str(db), "init")[0] == 0
    add_debtors(db, NUMBERED)
    return db


def add_debtors(db, rows) -> None:
    store = open_store(db, agent="marie")
    at = store.now()
    for debtor_id, code, name, segment, country in rows:
        store.write(lambda d, i=debtor_id, c=code, n=name, s=segment, k=country: (
            d.execute("INSERT INTO debtors (id, code, name, segment, country, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)", [i, c, n, s, k, at, at]),
            d.execute("INSERT INTO invoices (number, debtor_id, issue_date, due_date, amount_cents, created_at, "
                      "updated_at) VALUES (?, ?, '2026-01-01', '2026-01-31', 100000, ?, ?)", [f"FA-{i}", i, at, at])))
    store.close()


def acts(db) -> list[tuple]:
    store = open_store(db, agent="marie")
    try:
        return store.conn.execute("SELECT debtor_id, invoice_id, kind FROM legal_acts ORDER BY id").fetchall()
    finally:
        store.close()


def notice(capsys, db, debtor: str):
    return run(capsys, "--db", str(db), "act", "formal-notice", "--debtor", debtor, "--channel", "registered")


@pytest.mark.parametrize(("given", "debtor_id", "named"), [
    ("0001", 2, "0001 (Julie Martin)"),  # the code, not the internal id 1
    ("0002", 3, "0002 (Boulangerie Petit)"),
    ("0003", 1, "0003 (Garage Dupont SARL)"),  # the code, not the internal id 3
    (" 0001 ", 2, "0001 (Julie Martin)"),
    ("1", 1, "0003 (Garage Dupont SARL)"),  # no code "1": the internal id
    ("id:2", 2, "0001 (Julie Martin)"), ("#3", 3, "0002 (Boulangerie Petit)"), ("ID: 1", 1, "0003 (Garage"),
    ("code:0003", 1, "0003 (Garage Dupont SARL)"),
])
def test_act_finds_the_debtor_by_its_code_before_its_internal_id(numbered, capsys, given, debtor_id, named):
    with time_machine.travel(ON_23_11_2026, tick=False):
        code, out, err = notice(capsys, numbered, given)
    assert (code, err) == (0, "")
    assert out.startswith(f"Enregistré pour {named}")
    assert out.endswith(f" : Mise en demeure (lettre recommandée AR) du 23/11/2026 : FA-{debtor_id}\n")
    assert acts(numbered) == [(debtor_id, debtor_id, "formal_notice")]


def test_a_text_that_is_one_debtors_code_and_anothers_id_is_refused_with_how_to_choose(numbered, capsys):
    add_debtors(numbered, [(4, "2", "Traiteur Blanc", "b2b", "FR")])  # code "2"; internal id 2 is 0001
    with time_machine.travel(ON_23_11_2026, tick=False):
        code, out, err = notice(capsys, numbered, "2")
        assert (code, out) == (1, "")
        assert err == ("relance : --debtor 2 désigne deux débiteurs : le code de 2 (Traiteur Blanc) et le numéro "
                       "interne de 0001 (Julie Martin). Précisez --debtor code:2 pour le code, ou --debtor id:2 "
                       "(ou '#2') pour le numéro interne\n")
        assert acts(numbered) == []
        assert notice(capsys, numbered, "code:2")[0] == 0
        assert notice(capsys, numbered, "id:2")[0] == 0
    assert acts(numbered) == [(4, 4, "formal_notice"), (2, 2, "formal_notice")]


@pytest.mark.parametrize(("given", "message"), [
    ("0004", "relance : débiteur '0004' introuvable (indiquez son code, ou id:N pour son numéro interne)\n"),
    ("9", "relance : débiteur '9' introuvable (indiquez son code, ou id:N pour son numéro interne)\n"),
    ("id:9", "relance : débiteur n°9 introuvable (numéro interne)\n"),
    ("code:1", "relance : débiteur de code '1' introuvable\n"),
])
def test_a_debtor_that_does_not_exist_is_not_found(numbered, capsys, given, message):
    with time_machine.travel(ON_23_11_2026, tick=False):
        assert notice(capsys, numbered, given) == (10, "", message)
    assert acts(numbered) == []


def test_export_person_finds_the_debtor_by_its_code_first(numbered, capsys):
    code, out, _ = run(capsys, "--db", str(numbered), "export", "person", "--debtor", "0001")
    assert code == 0 and json.loads(out)["debiteur"]["name"] == "Julie Martin"
    code, out, _ = run(capsys, "--db", str(numbered), "export", "person", "--debtor", "id:1")
    assert code == 0 and json.loads(out)["debiteur"]["name"] == "Garage Dupont SARL"
    add_debtors(numbered, [(4, "2", "Traiteur Blanc", "b2b", "FR")])
    code, out, err = run(capsys, "--db", str(numbered), "export", "person", "--debtor", "2")
    assert (code, out) == (1, "") and "désigne deux débiteurs" in err


def test_form_is_refused_for_anything_but_an_acknowledgement(numbered, capsys):
    # the form was printed in the confirmation ("promesse écrite") but not stored
    with time_machine.travel(ON_23_11_2026, tick=False):
        code, out, err = run(capsys, "--db", str(numbered), "act", "formal-notice", "--debtor", "0001", "--channel",
                             "registered", "--form", "written-promise")
        assert (code, out) == (1, "")
        assert err == ("relance act formal-notice : --form ne vaut que pour une reconnaissance de dette "
                       "(acknowledgement).\n")
        assert acts(numbered) == []
        code, out, _ = run(capsys, "--db", str(numbered), "act", "acknowledgement", "--debtor", "0001",
                           "--form", "written-promise")
    assert code == 0 and out.startswith("Enregistré pour 0001 (Julie Martin) : Reconnaissance de dette (promesse ")
    assert acts(numbered) == [(2, 2, "acknowledgement")]


def test_a_refusal_ends_with_one_full_stop(numbered, capsys):
    # the first reminder's refusal is a sentence of its own, ending with a full stop: not doubled
    with time_machine.travel(ON_23_11_2026, tick=False):
        code, out, err = run(capsys, "--db", str(numbered), "act", "first-reminder", "--debtor", "0001",
                             "--channel", "email")
    assert (code, out) == (1, "")
    assert err.startswith("relance act : premier rappel gratuit : réservé aux consommateurs belges")
    assert err.endswith("ou notez un rappel ordinaire.\n")
