"""relance purge and relance export person from the command line (GDPR: storage limitation, right of access)."""

import json

import pytest

from relance_tui import cli
from relance_tui.io.outputs import Protected
from relance_tui.io.person_export import export_person
from relance_tui.store.purge import person_record
from tests.store.test_purge import build_office


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def office(store):
    return build_office(store, recent_at=store.now())  # today's note: recent whatever the machine's date


@pytest.fixture
def supervisor(db_path, monkeypatch):
    """The agent running the commands is a supervisor of the office (a real purge needs one)."""
    monkeypatch.setenv("RELANCE_AGENT", "claire")
    (db_path.parent / "relance.toml").write_text('[office]\nsupervisors = ["claire"]\n', encoding="utf-8")


def test_a_real_purge_is_for_supervisors_the_dry_run_for_anyone(store, db_path, office, capsys, monkeypatch):
    monkeypatch.setenv("RELANCE_AGENT", "karim")
    before = list(store.conn.iterdump())
    code, _, err = run(capsys, "--db", db_path, "purge")
    assert code != 0 and "purge réservée aux superviseurs" in err and "relance purge :" not in err and "karim" in err
    assert list(store.conn.iterdump()) == before
    assert run(capsys, "--db", db_path, "purge", "--dry-run")[0] == 0


def test_purge_dry_run_lists_then_the_real_run_anonymises(store, db_path, office, supervisor, capsys):
    before = list(store.conn.iterdump())
    code, out, _ = run(capsys, "--db", db_path, "purge", "--dry-run")
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines()[:-1]]
    assert listed == ["OLD", "PERS"]
    assert "Garage Dupont SARL  dernière activité 31/03/2015 (5 ans)  1 contact, 1 événement" in out
    assert out.splitlines()[-1].startswith("Simulation : 2 débiteurs") and "rien n'a été modifié" in out
    assert list(store.conn.iterdump()) == before

    # shorter than the Belgian debtor's limitation period: refused, naming it; nothing written
    code, _, err = run(capsys, "--db", db_path, "purge", "--years", "5")
    assert code == 1 and "--years 5 refusé" in err and "prescription de 10 ans" in err and "2262bis" in err
    assert store.conn.execute("SELECT COUNT(*) FROM purges").fetchone()[0] == 0
    assert store.conn.execute("SELECT COUNT(*) FROM contacts WHERE phone = ''").fetchone()[0] == 0

    code, out, _ = run(capsys, "--db", db_path, "purge")
    assert code == 0 and "Anonymisés : 2 débiteurs (sans activité depuis la plus longue prescription" in out
    assert store.conn.execute("SELECT debtors, years, status FROM purges").fetchall() == [(2, 0, "done")]
    assert store.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert run(capsys, "--db", db_path, "purge", "--dry-run")[1].startswith("Simulation : 0 débiteur")


def test_purge_reads_the_retention_setting_and_refuses_a_bad_years(store, db_path, office, capsys):
    (db_path.parent / "relance.toml").write_text("[privacy]\nretention_years = 5\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", db_path, "purge", "--dry-run")
    assert code == 1 and "[privacy] retention_years dans relance.toml refusé" in err and "au moins 10 ans" in err
    (db_path.parent / "relance.toml").write_text("[privacy]\nretention_years = 10\n", encoding="utf-8")
    code, out, _ = run(capsys, "--db", db_path, "purge", "--dry-run")
    assert code == 0 and [line.split()[0] for line in out.splitlines()[:-1]] == ["OLD"]
    assert "(10 ans sans activité" in out
    code, _, err = run(capsys, "--db", db_path, "purge", "--years", "0")
    assert code != 0 and "--years 0" in err
    assert store.conn.execute("SELECT COUNT(*) FROM purges").fetchone()[0] == 0


def test_export_person_holds_the_contacts_phone_and_the_event_notes(store, db_path, office, capsys, tmp_path):
    out_file = tmp_path / "acces.json"
    code, _, err = run(capsys, "--db", db_path, "export", "person", "--debtor", "OWES", "-o", out_file)
    assert code == 0 and "écrites dans" in err
    text = out_file.read_text(encoding="utf-8")
    assert "Boulangerie Petit : le gérant est malade" in text  # UTF-8 as written, not \\u escapes
    doc = json.loads(text)
    assert doc["debiteur"]["code"] == "OWES"
    assert doc["contacts"][0]["phone"] == "01 23 45 67 83"
    assert doc["historique"][0]["notes"] == "Boulangerie Petit : le gérant est malade, paiera fin du mois"
    assert doc["historique"][0]["data"]["to"] == "jean3@exemple.fr"
    assert [f["number"] for f in doc["factures"]] == ["FA-3"]
    # by its id too; an existing file only with --force; the database is never a target
    code, _, err = run(capsys, "--db", db_path, "export", "person", "--debtor", office["OWES"], "-o", out_file)
    assert code == 1 and "--force" in err
    assert run(capsys, "--db", db_path, "export", "person", "--debtor", office["OWES"], "-o", out_file,
               "--force")[0] == 0
    code, _, err = run(capsys, "--db", db_path, "export", "person", "--debtor", "OWES", "-o", db_path, "--force")
    assert code == 1 and "base de données" in err
    code, _, err = run(capsys, "--db", db_path, "export", "person", "--debtor", "NOBODY")
    assert code == 10 and "introuvable" in err


def test_export_person_to_standard_output_after_a_purge_shows_nothing_of_the_old_data(store, db_path, office,
                                                                                     supervisor, capsys):
    run(capsys, "--db", db_path, "purge")
    code, out, _ = run(capsys, "--db", db_path, "export", "person", "--debtor", "PERS")
    assert code == 0
    doc = json.loads(out)
    assert doc["debiteur"]["name"] == "Débiteur anonymisé"
    for old in ("Marie", "Martin", "Lilas", "malade", "exemple.fr", "01 23 45"):
        assert old not in out


def test_export_person_holds_the_debtors_places_in_call_sessions(store, db_path, office, capsys):
    def w(db):
        session = db.execute("INSERT INTO sessions (name, created_by, created_at) VALUES "
                             "('Relance BTP novembre', 'claire', '2026-11-02T08:00:00Z')").lastrowid
        db.execute("INSERT INTO session_items (session_id, debtor_id, position, status, assigned_to, done_by, "
                   "done_at, outcome) VALUES (?, ?, 3, 'done', 'marie', 'marie', '2026-11-02T09:12:00Z', 'promise')",
                   [session, office["OWES"]])
        db.execute("INSERT INTO session_items (session_id, debtor_id, position) VALUES (?, ?, 4)",
                   [session, office["RECENT"]])

    store.write(w)
    code, out, _ = run(capsys, "--db", db_path, "export", "person", "--debtor", "OWES")
    assert code == 0
    assert json.loads(out)["sessions_d_appels"] == [
        {"session_id": 1, "debtor_id": office["OWES"], "position": 3, "status": "done", "reason": "priority",
         "assigned_to": "marie", "done_by": "marie", "done_at": "2026-11-02T09:12:00Z", "outcome": "promise",
         "session_name": "Relance BTP novembre"}]


def test_export_text_is_cleaned_of_control_characters(store, office, tmp_path):
    store.write(lambda db: db.execute("UPDATE contacts SET notes = 'a\x1b[31mb\u202ec' WHERE debtor_id = ?",
                                      [office["OWES"]]))
    target = tmp_path / "p.json"
    export_person(person_record(store, office["OWES"]), target, generated_at="2026-11-23T09:00:00Z", agent="marie",
                  protected=Protected())
    assert json.loads(target.read_text(encoding="utf-8"))["contacts"][0]["notes"] == "a[31mbc"
