"""relance purge (GDPR): who is anonymised, what goes, what stays, and the one path the events trigger allows."""

import datetime as dt
import json
import sqlite3

import pytest

from relance_tui.config import load_settings, resolve_paths
from relance_tui.errors import ConfigError
from relance_tui.store.purge import (
    ANONYMISED_CONTACT,
    ANONYMISED_PERSON,
    person_record,
    purge,
    purge_candidates,
)
from relance_tui.store.queries import append_event
from relance_tui.store.search import refresh_search
from tests.conftest import TODAY

AT = "2014-01-01T08:00:00Z"


def build_office(store, recent_at: str = "2026-06-01T09:00:00Z") -> dict[str, int]:
    """Six debtors, each with a contact and a call note, all invoices issued in 2015 or earlier unless said.

    OLD      company FR: paid long ago, a kept promise and a resolved dispute with notes -> anonymised
    PERS     a person, consumer FR (2 years): paid in 2020 -> anonymised, its name and address too
    OWES     an invoice still open since 2015 -> kept
    RECENT   paid long ago, but a note written recently -> kept
    PROMISE  paid long ago, a promise still pending -> kept
    BELGE    company BE (10 years): last paid in 2018 -> kept by default, anonymised with --years 5
    """

    def w(db):
        ids = {}
        rows = [("OLD", "Garage Dupont SARL", "company", "b2b", "FR", "2015-03-01", "paid"),
                ("PERS", "Marie Martin", "person", "b2c", "FR", "2020-01-10", "paid"),
                ("OWES", "Boulangerie Petit", "company", "b2b", "FR", "2015-03-01", "open"),
                ("RECENT", "Menuiserie Roux", "company", "b2b", "FR", "2015-03-01", "paid"),
                ("PROMISE", "Traiteur Blanc", "company", "b2b", "FR", "2015-03-01", "paid"),
                ("BELGE", "Brasserie Peeters SRL", "company", "b2b", "BE", "2018-02-01", "paid")]
        for n, (code, name, kind, segment, country, issued, status) in enumerate(rows, start=1):
            db.execute("INSERT INTO debtors (id, code, name, kind, segment, country, address, postcode, city, notes, "
                       "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, '12 rue des Lilas', '75011', 'Paris', ?, ?, ?)",
                       [n, code, name, kind, segment, country, f"Note sur {name}", AT, AT])
            ids[code] = n
            db.execute("INSERT INTO contacts (debtor_id, name, phone, phone2, email, notes, created_at, updated_at) "
                       "VALUES (?, ?, '01 23 45 67 8' || ?, '06 00 00 00 0' || ?, ?, 'Préfère le matin', ?, ?)",
                       [n, f"Jean {name.split()[0]}", n, n, f"jean{n}@exemple.fr", AT, AT])
            due = (dt.date.fromisoformat(issued) + dt.timedelta(days=30)).isoformat()
            paid = 120_00 if status == "paid" else 0
            db.execute("INSERT INTO invoices (id, number, debtor_id, issue_date, due_date, amount_cents, paid_cents, "
                       "status, paid_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 12000, ?, ?, ?, ?, ?)",
                       [n, f"FA-{n}", n, issued, due, paid, status, due if paid else None, AT, AT])
            if paid:
                db.execute("INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, reference, created_at, "
                           "created_by) VALUES (?, ?, ?, 12000, 'VIR', ?, 'import')", [n, n, due, AT])
            append_event(db, at=f"{issued}T10:00:00Z", agent="marie", kind="call", debtor_id=n, outcome="promise",
                         notes=f"{name} : le gérant est malade, paiera fin du mois", invoice_ids=[n],
                         data={"contact_id": n, "to": f"jean{n}@exemple.fr", "reasons": ["santé"]})
        old = ids["OLD"]
        db.execute("INSERT INTO promises (debtor_id, amount_cents, due_date, status, agent, notes, created_at, "
                   "updated_at) VALUES (?, 12000, '2015-04-15', 'kept', 'marie', 'Promis par Jean au téléphone', ?, ?)",
                   [old, AT, AT])
        db.execute("INSERT INTO disputes (debtor_id, category, status, notes, agent, created_at, updated_at) "
                   "VALUES (?, 'quality', 'resolved', 'Pièce défectueuse selon Jean', 'marie', ?, ?)", [old, AT, AT])
        db.execute("INSERT INTO promises (debtor_id, amount_cents, due_date, status, agent, notes, created_at, "
                   "updated_at) VALUES (?, 5000, '2015-05-15', 'pending', 'marie', 'Reste à venir', ?, ?)",
                   [ids["PROMISE"], AT, AT])
        append_event(db, at=recent_at, agent="karim", kind="note", debtor_id=ids["RECENT"],
                     notes="A rappelé pour une nouvelle commande")
        refresh_search(db)
        return ids

    return store.write(w)


def dump(store) -> list[str]:
    return list(store.conn.iterdump())


def test_dry_run_lists_who_would_go_and_changes_nothing(store):
    build_office(store)
    before = dump(store)
    found = purge_candidates(store.conn, today=TODAY)
    assert [(c.code, c.years) for c in found] == [("OLD", 5), ("PERS", 2)]
    old = found[0]
    assert (old.name, old.last_activity, old.contacts, old.events, old.promises, old.disputes) == \
        ("Garage Dupont SARL", dt.date(2015, 3, 31), 1, 1, 1, 1)
    assert dump(store) == before
    # a retention given for everyone replaces each debtor's limitation period: the Belgian one goes too
    assert [c.code for c in purge_candidates(store.conn, today=TODAY, years=5)] == ["BELGE", "OLD", "PERS"]


def test_purge_anonymises_the_right_debtors_only_and_keeps_the_accounts(store):
    ids = build_office(store)
    q = store.conn.execute
    accounts = [q(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in ("invoices", "payments", "event_invoices")]
    untouched = {code: (q("SELECT * FROM debtors WHERE id = ?", [i]).fetchone(),
                        q("SELECT * FROM contacts WHERE debtor_id = ?", [i]).fetchall(),
                        q("SELECT * FROM events WHERE debtor_id = ?", [i]).fetchall())
                 for code, i in ids.items() if code not in ("OLD", "PERS")}
    old_invoice = q("SELECT id FROM invoices WHERE debtor_id = ? LIMIT 1", [ids["OLD"]]).fetchone()[0]
    store.db.execute("INSERT INTO legal_acts (debtor_id, invoice_id, kind, day, detail, agent, at) VALUES "
                     "(?, ?, 'acknowledgement', '2015-03-01', 'promesse écrite de M. Jean Dupont', 'x', 'x')",
                     [ids["OLD"], old_invoice])

    result = purge(store, today=TODAY)

    assert [c.code for c in result.debtors] == ["OLD", "PERS"]
    old, pers = ids["OLD"], ids["PERS"]
    for debtor_id in (old, pers):
        assert q("SELECT name, phone, phone2, email, notes, version FROM contacts WHERE debtor_id = ?",
                 [debtor_id]).fetchall() == [(ANONYMISED_CONTACT, "", "", "", "", 2)]
        notes, data = q("SELECT notes, data FROM events WHERE debtor_id = ? AND kind = 'call'", [debtor_id]).fetchone()
        assert notes == "" and json.loads(data) == {"contact_id": debtor_id}  # the link stays, the texts go
    # a company keeps its name and address (not personal data), loses its notes; a person loses all three
    assert q("SELECT code, name, address, notes FROM debtors WHERE id = ?", [old]).fetchone() == \
        ("OLD", "Garage Dupont SARL", "12 rue des Lilas", "")
    assert q("SELECT code, name, name_key, address, postcode, city, notes, segment FROM debtors WHERE id = ?",
             [pers]).fetchone() == ("PERS", ANONYMISED_PERSON, "", "", "", "", "", "b2c")
    assert q("SELECT notes, status, amount_cents FROM promises WHERE debtor_id = ?", [old]).fetchall() == \
        [("", "kept", 12000)]
    assert q("SELECT notes, category FROM disputes WHERE debtor_id = ?", [old]).fetchall() == [("", "quality")]
    assert q("SELECT kind, day, detail FROM legal_acts WHERE debtor_id = ?", [old]).fetchall() == \
        [("acknowledgement", "2015-03-01", "")]  # the act stays, the agent's free text goes
    # the old names and numbers are no longer found by the list's filter
    search = q("SELECT search FROM debtors WHERE id = ?", [old]).fetchone()[0]
    assert "jean" not in search and "0123456781" not in search and "exemple" not in search
    assert "martin" not in q("SELECT search FROM debtors WHERE id = ?", [pers]).fetchone()[0]
    # the accounts did not move; the other debtors are exactly as they were
    assert [q(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in ("invoices", "payments", "event_invoices")] == \
        accounts
    for code, (debtor, contacts, events) in untouched.items():
        i = ids[code]
        assert q("SELECT * FROM debtors WHERE id = ?", [i]).fetchone() == debtor, code
        assert q("SELECT * FROM contacts WHERE debtor_id = ?", [i]).fetchall() == contacts, code
        assert q("SELECT * FROM events WHERE debtor_id = ?", [i]).fetchall() == events, code
    # logged: the purge row is done, an office-wide event with the counts and one per debtor, no names
    assert q("SELECT agent, years, debtors, status FROM purges").fetchall() == [("marie", 0, 2, "done")]
    kind, outcome, debtor_id, notes, data = q("SELECT kind, outcome, debtor_id, notes, data FROM events "
                                              "WHERE id = ?", [result.event_id]).fetchone()
    assert (kind, outcome, debtor_id) == ("system", "purge", None)
    assert json.loads(data) == {"purge_id": result.purge_id, "years": None, "debtors": 2, "contacts": 2,
                                "events": 2, "promises": 1, "disputes": 1, "debtor_ids": [old, pers]}
    assert "Dupont" not in notes and "Martin" not in notes
    assert q("SELECT debtor_id FROM events WHERE kind = 'system' AND outcome = 'purge' AND debtor_id IS NOT NULL "
             "ORDER BY debtor_id").fetchall() == [(old,), (pers,)]
    # the database is consistent
    assert q("PRAGMA foreign_key_check").fetchall() == []
    assert q("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert not store.conn.in_transaction
    # nothing new happened to them: the next run has nothing to do
    assert purge_candidates(store.conn, today=TODAY) == []
    assert purge(store, today=TODAY).debtors == ()


def test_events_stay_append_only_outside_a_purge(store):
    ids = build_office(store)
    event_id = store.conn.execute("SELECT id FROM events WHERE debtor_id = ?", [ids["OLD"]]).fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.write(lambda db: db.execute("UPDATE events SET notes = '' WHERE id = ?", [event_id]))
    purge(store, today=TODAY)  # a finished purge leaves no opening behind
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.write(lambda db: db.execute("UPDATE events SET notes = 'réécrit' WHERE id = ?", [event_id]))

    def running_but_other_column(db):
        db.execute("INSERT INTO purges (at, agent, years) VALUES ('x', 'marie', 1)")
        db.execute("UPDATE events SET outcome = 'refused' WHERE id = ?", [event_id])

    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.write(running_but_other_column)
    assert store.conn.execute("SELECT COUNT(*) FROM purges WHERE status = 'running'").fetchone()[0] == 0
    assert store.conn.execute("SELECT outcome FROM events WHERE id = ?", [event_id]).fetchone()[0] == "promise"


def test_new_activity_after_a_purge_counts_again(store):
    ids = build_office(store)
    purge(store, today=TODAY)

    def codes(day):
        return [c.code for c in purge_candidates(store.conn, today=day)]

    assert codes(dt.date(2040, 1, 1)) == ["BELGE", "RECENT"]  # OLD and PERS: nothing new, nothing to redo
    store.write(lambda db: append_event(db, at=store.now(), agent="marie", kind="note",
                                        debtor_id=ids["OLD"], notes="Nouvelle commande"))
    assert codes(TODAY) == []  # active again: kept
    assert codes(dt.date(2040, 1, 1)) == ["BELGE", "OLD", "RECENT"]


def test_person_record_holds_every_table_of_the_debtor(store):
    ids = build_office(store)
    record = person_record(store, ids["OLD"])
    assert record.debtor["code"] == "OLD" and "search" not in record.debtor
    assert record.tables["contacts"][0]["phone"] == "01 23 45 67 81"
    call = record.tables["events"][0]
    assert call["notes"].endswith("le gérant est malade, paiera fin du mois")
    assert call["data"]["to"] == "jean1@exemple.fr" and call["invoice_ids"] == [1]
    assert [len(record.tables[t]) for t in ("invoices", "payments", "promises", "disputes", "legal_acts")] == \
        [1, 1, 1, 1, 0]


def _settings(tmp_path, office: str = "", env: dict | None = None):
    db = tmp_path / "srv" / "relance.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    (db.parent / "relance.toml").write_text(office, encoding="utf-8")
    base = {"RELANCE_CONFIG": str(tmp_path / "user.toml"), "RELANCE_DATA_DIR": str(tmp_path / "data")}
    return load_settings(resolve_paths(db, base), base | (env or {}))


def test_retention_setting_defaults_to_none_and_is_checked(tmp_path):
    assert _settings(tmp_path).privacy.retention_years is None  # each debtor's limitation period
    assert _settings(tmp_path, "[privacy]\nretention_years = 6\n").privacy.retention_years == 6
    assert _settings(tmp_path, env={"RELANCE_PRIVACY_RETENTION_YEARS": "3"}).privacy.retention_years == 3
    for bad in ("retention_years = 0", "retention_years = \"cinq\"", "retention_years = 500"):
        with pytest.raises(ConfigError, match=r"\[privacy\] retention_years"):
            _settings(tmp_path, f"[privacy]\n{bad}\n")
