"""relance plan and relance agenda from the command line (issue 15)."""

from __future__ import annotations

import datetime as dt

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


def test_plan_done_by_hand_then_show_then_set(store, capsys) -> None:
    office(store)
    code, out, err = run(capsys, "--db", str(store.path), "plan", "done", "C001", "letter", "--date", "2026-11-20")
    assert code == 8 and "n'est pas la prochaine" in err  # the next step is the formal notice
    code, out, err = run(capsys, "--db", str(store.path), "plan", "done", "C001", "formal_notice", "--date",
                         "2026-11-20", "--tracking", "1A00000000001")
    assert code == 0, err
    assert "étape formal_notice du 20/11/2026 (1 facture(s))" in out
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
    assert "Agenda du 23/11/2026 : 1 étape(s) à faire" in out and "Emails à envoyer : 1 (dont 1 en retard)" in out
    assert "Emails automatiques à envoyer avec --send : 1" in out and "Boulangerie Martin : 1re relance" in out
    code, out, _ = run(capsys, "--db", str(store.path), "plan", "run", "--date", TODAY.isoformat(), "--send",
                       "--dry-run")
    assert "Emails automatiques seraient envoyés : 1" in out
    assert store.conn.execute("SELECT COUNT(*) FROM plan_steps").fetchone()[0] == 0
