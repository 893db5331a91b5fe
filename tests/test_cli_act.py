"""relance act: a legal act from the command line (store/acts.record_act)."""

from __future__ import annotations

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
    assert out == "Enregistré : Mise en demeure (lettre recommandée AR) du 20/11/2026 : FA-1\n"
    store = open_store(db, agent="marie")
    assert store.conn.execute("SELECT invoice_id, kind, day, channel, detail, agent FROM legal_acts").fetchall() == [
        (1, "formal_notice", "2026-11-20", "registered", "RAR 1A123", "marie")]
    store.close()
