"""relance plan and relance agenda from the command line (issue 15)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from tests.conftest import TODAY
from tests.store.test_acts import add_debtor, add_invoice
from tests.test_cli import run


def office(store):
    d = add_debtor(store, "Garage | Dupont*")
    add_invoice(store, d, "FA-1", dt.date(2026, 8, 1), dt.date(2026, 9, 1), 100_000)
    store.write(lambda db: db.execute("UPDATE debtors SET code = 'C001' WHERE id = ?", [d]))
    return d


def test_agenda_as_markdown_and_csv(store, capsys) -> None:
    office(store)
    code, out, _ = run(capsys, "--db", str(store.path), "agenda", "--date", TODAY.isoformat(), "--format", "md")
    assert code == 0
    assert "# Agenda du 23/11/2026" in out and "## Courriers à imprimer (1)" in out
    # data never becomes Markdown: the pipe and the asterisk of the name are escaped
    assert "| Garage \\| Dupont\\* | Mise en demeure (recommandé) | 01/10/2026 | 53 j | 1 | 1 000,00 € |" in out.replace(
        "\xa0", " ")
    code, out, _ = run(capsys, "--db", str(store.path), "agenda", "--date", TODAY.isoformat())
    lines = out.splitlines()
    assert lines[0].startswith("groupe,debiteur_id,debiteur,etape,canal,due_le,retard_jours")
    assert "Mise en demeure (recommandé),Lettre recommandée,2026-10-01,53,1,1000.00,fr_b2b,agent," in lines[1]


def test_the_agenda_file_lists_promises_to_check_limitations_and_thank_yous(store, capsys) -> None:
    from relance_tui.store.cards import record_payment
    from tests.store.test_agenda import add_promise, log_call

    promised = add_debtor(store, "Garage Dupont")
    add_invoice(store, promised, "FA-1", dt.date(2026, 9, 1), dt.date(2026, 10, 1), 100_000)
    add_promise(store, promised, dt.date(2026, 11, 20), 60_000)
    old = add_debtor(store, "Boulangerie Martin")
    add_invoice(store, old, "FA-OLD", dt.date(2021, 12, 20), dt.date(2022, 1, 20), 50_000)
    paid = add_debtor(store, "Fromagerie Thomas")
    add_invoice(store, paid, "FA-3", dt.date(2026, 9, 1), dt.date(2026, 10, 1), 20_000)
    log_call(store, paid, dt.date(2026, 10, 20))
    record_payment(store, paid, day=dt.date(2026, 11, 20), amount_cents=20_000, today=TODAY)
    code, out, _ = run(capsys, "--db", str(store.path), "agenda", "--date", TODAY.isoformat(), "--format", "md")
    text = out.replace("\xa0", " ")
    assert "## Promesses à vérifier (1)" in text and "## Prescriptions proches (1)" in text
    assert "| Garage Dupont | Promesse de 600,00 € du 20/11 : paiement à vérifier | 20/11/2026 | 3 j | 0 |" in text
    assert "| Fromagerie Thomas | Remerciement : compte soldé le 20/11 | 20/11/2026 | aujourd'hui | 1 | 0,00 € |" in text
    assert "Prescrite le " in text and " | dans " in text
    code, out, _ = run(capsys, "--db", str(store.path), "agenda", "--date", TODAY.isoformat())
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))[1:]
    assert [(r[0], r[2], r[4]) for r in rows if r[0] in ("Promesses à vérifier", "Prescriptions proches")] == [
        ("Promesses à vérifier", "Garage Dupont", "vérification"),
        ("Prescriptions proches", "Boulangerie Martin", "vérification")]
    code, out, _ = run(capsys, "--db", str(store.path), "plan", "run", "--date", TODAY.isoformat())
    assert code == 0 and "Promesses à vérifier : 1 (dont 1 en retard)" in out and "Prescriptions proches : 1" in out
    assert "Fromagerie" not in out.split("Emails automatiques")[-1]  # a thank-you is never sent by the nightly run


def test_plan_done_by_hand_then_show_then_set(store, capsys) -> None:
    office(store)
    code, out, err = run(capsys, "--db", str(store.path), "plan", "done", "C001", "letter", "--date", "2026-11-20")
    assert code == 8 and "n'est pas la prochaine" in err  # the next step is the formal notice
    code, out, err = run(capsys, "--db", str(store.path), "plan", "done", "C001", "formal_notice", "--date",
                         "2026-11-20", "--tracking", "1A00000000001")
    assert code == 0, err
    assert "étape formal_notice du 20/11/2026 (1 facture)" in out
    code, out, _ = run(capsys, "--db", str(store.path), "plan", "show", "C001", "--date", TODAY.isoformat())
    assert "plan « Professionnel (France) » (fr_b2b)" in out
    assert "fait le 20/11/2026 par marie" in out and "PROCHAINE ÉTAPE" in out
    assert "Prochaine étape : Dossier contentieux le 05/12/2026" in out
    code, out, err = run(capsys, "--db", str(store.path), "plan", "set", "C001", "fr_b2c")
    assert code == 0 and "plan Particulier (France)" in out
    code, out, err = run(capsys, "--db", str(store.path), "plan", "set", "C001", "inexistant")
    assert code == 10 and "plan 'inexistant' inconnu" in err


def test_plan_run_counts_and_lists_without_sending(store, capsys) -> None:
    d = add_debtor(store, "Boulangerie Martin")
    add_invoice(store, d, "FA-2", dt.date(2026, 11, 1), dt.date(2026, 11, 18), 50_000)
    code, out, _ = run(capsys, "--db", str(store.path), "plan", "run", "--date", TODAY.isoformat())
    assert code == 0
    assert "Agenda du 23/11/2026 : 1 à faire" in out and "Emails à envoyer : 1 (dont 1 en retard)" in out
    assert "Emails automatiques à envoyer avec --send : 1" in out and "Boulangerie Martin : 1re relance" in out
    code, out, _ = run(capsys, "--db", str(store.path), "plan", "run", "--date", TODAY.isoformat(), "--send",
                       "--dry-run")
    assert "Emails automatiques seraient envoyés : 1" in out
    assert store.conn.execute("SELECT COUNT(*) FROM plan_steps").fetchone()[0] == 0


def test_the_nightly_run_keeps_yesterday_s_aged_balance_once(store, capsys) -> None:
    d = add_debtor(store, "Boulangerie Martin")  # no email address: nothing is sent
    add_invoice(store, d, "FA-2", dt.date(2026, 8, 1), dt.date(2026, 9, 1), 50_000)
    for _ in range(2):
        code, _, _ = run(capsys, "--db", str(store.path), "plan", "run", "--send")
        assert code == 0
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    assert store.conn.execute("SELECT source FROM aging_days WHERE day = ?", [yesterday]).fetchall() == [("live",)]
    assert store.conn.execute("SELECT late_over_90 FROM aging_history WHERE day = ?", [yesterday]).fetchall() == [
        (50_000,)]
    assert store.conn.execute("SELECT COUNT(*) FROM aging_days").fetchone()[0] == 399  # and the days before
