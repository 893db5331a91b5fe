"""relance purge (GDPR): who is anonymised, what goes, what stays, and the one path the events trigger allows."""

import datetime as dt
import json
import sqlite3

import pytest

from relance_tui.config import load_settings, resolve_paths
from relance_tui.errors import ConfigError
from relance_tui.domain.law import regime_for, retention
from relance_tui.store.purge import (
    ANONYMISED_ACTION,
    ANONYMISED_CONTACT,
    ANONYMISED_PERSON,
    ANONYMISED_REASON,
    RetentionTooShort,
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
    PERS     a person, consumer FR (5 years: the longest period that may apply): paid in 2020 -> anonymised,
             its name and address too
    OWES     an invoice still open since 2015 -> kept
    RECENT   paid long ago, but a note written recently -> kept
    PROMISE  paid long ago, a promise still pending -> kept
    BELGE    company BE (10 years): last paid in 2018 -> kept
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
    found = purge_candidates(store, today=TODAY)
    assert [(c.code, c.years) for c in found] == [("OLD", 5), ("PERS", 5)]
    old = found[0]
    assert (old.name, old.last_activity, old.contacts, old.events, old.promises, old.disputes) == \
        ("Garage Dupont SARL", dt.date(2015, 3, 31), 1, 1, 1, 1)
    assert dump(store) == before
    # a retention given for everyone replaces each debtor's own, if no debtor's limitation period is longer
    assert [(c.code, c.years) for c in purge_candidates(store, today=TODAY, years=10)] == [("OLD", 10)]


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
    assert purge_candidates(store, today=TODAY) == []
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
        return [c.code for c in purge_candidates(store, today=day)]

    assert codes(dt.date(2040, 1, 1)) == ["BELGE", "RECENT"]  # OLD and PERS: nothing new, nothing to redo
    store.write(lambda db: append_event(db, at=store.now(), agent="marie", kind="note",
                                        debtor_id=ids["OLD"], notes="Nouvelle commande"))
    assert codes(TODAY) == []  # active again: kept
    assert codes(dt.date(2040, 1, 1)) == ["BELGE", "OLD", "RECENT"]


def add_debtor(store, code: str, *, kind: str = "company", segment: str = "b2b", country: str = "FR",
               issued: str = "2015-03-01", paid_on: str | None = None, delivery: str | None = None) -> int:
    """One more debtor with a contact and one invoice of 1,200.00 EUR due 30 days after ``issued``, paid in
    full on ``paid_on`` (default: its due date) by a bank transfer."""

    def w(db):
        debtor_id = db.execute("INSERT INTO debtors (code, name, kind, segment, country, created_at, updated_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)",
                               [code, f"Client {code}", kind, segment, country, AT, AT]).lastrowid
        db.execute("INSERT INTO contacts (debtor_id, name, phone, created_at, updated_at) "
                   "VALUES (?, 'Sophie Lambert', '0470 12 34 56', ?, ?)", [debtor_id, AT, AT])
        due = (dt.date.fromisoformat(issued) + dt.timedelta(days=30)).isoformat()
        paid = paid_on or due
        invoice_id = db.execute(
            "INSERT INTO invoices (number, debtor_id, issue_date, due_date, delivery_date, amount_cents, "
            "paid_cents, status, paid_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 120000, 120000, "
            "'paid', ?, ?, ?)", [f"FA-{code}", debtor_id, issued, due, delivery, paid, AT, AT]).lastrowid
        db.execute("INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, reference, created_at, "
                   "created_by) VALUES (?, ?, ?, 120000, 'VIR', ?, 'import')", [debtor_id, invoice_id, paid, AT])
        refresh_search(db, [debtor_id])
        return debtor_id

    return store.write(w)


def test_retention_defaults_to_the_longest_limitation_period_that_may_apply(store):
    """Deleting must never come early: a Belgian consumer's 1 year covers only goods sold (services run 10),
    a French consumer's 2 years only goods and services (any other claim runs 5)."""
    build_office(store)
    add_debtor(store, "BECONSO", kind="person", segment="b2c", country="BE", issued="2019-12-01")
    add_debtor(store, "FRCONSO", kind="person", segment="b2c", country="FR", issued="2023-05-01")
    found = purge_candidates(store, today=TODAY)
    assert [(c.code, c.years) for c in found] == [("OLD", 5), ("PERS", 5)]
    assert "BECONSO" not in [c.code for c in purge_candidates(store, today=dt.date(2029, 12, 31))]
    assert [(c.code, c.years) for c in purge_candidates(store, today=dt.date(2030, 1, 1))] == \
        [("BECONSO", 10), ("BELGE", 10), ("FRCONSO", 5), ("OLD", 5), ("PERS", 5)]
    # the regime's own period stays the shortest, for the warnings; retention takes the longest, whichever
    # law governs a Belgian business's contract, the Belgian ten years count
    assert regime_for("BE", "b2c", "FR").limitation_years == 1 and retention(regime_for("BE", "b2c", "FR"))[0] == 10
    assert retention(regime_for("BE", "b2b", "FR"))[0] == 10
    assert retention(regime_for("FR", "b2c", "FR"))[0] == 5 and retention(regime_for("", "b2b", "FR"))[0] == 5


def test_a_retention_shorter_than_a_limitation_period_is_refused(store):
    build_office(store)  # BELGE: Belgian, ten years
    before = dump(store)
    for years in (1, 5, 9):
        with pytest.raises(RetentionTooShort, match=r"plus courte que la prescription de 10 ans \(C\. civ\. "
                                                    r"\(ancien\) art\. 2262bis §1 \(10 ans\)\) .* 1 débiteur"):
            purge_candidates(store, today=TODAY, years=years)
        with pytest.raises(RetentionTooShort, match="Indiquez au moins 10 ans"):
            purge(store, today=TODAY, years=years)
    assert dump(store) == before  # nothing written, not even the purges row
    assert [c.code for c in purge(store, today=TODAY, years=11).debtors] == ["OLD"]  # longer: the office's choice


def test_a_french_office_may_keep_five_years(store):
    add_debtor(store, "A")
    add_debtor(store, "B", kind="person", segment="b2c")
    assert [c.code for c in purge_candidates(store, today=TODAY, years=5)] == ["A", "B"]
    with pytest.raises(RetentionTooShort, match=r"4 ans .* prescription de 5 ans \(C\. com\. art\. L110-4 .* "
                                                r"2 débiteur"):
        purge_candidates(store, today=TODAY, years=4)


def test_claimable_penalties_keep_a_debtor_until_its_invoice_is_time_barred(store):
    """A deposit invoice of a building job, paid six months late in 2015; the work was delivered in 2022, so
    the limitation period runs from then (domain/law.limitation) and the late-payment penalties and the 40 EUR
    indemnity may still be claimed in 2026, though nothing happened since 2015."""
    build_office(store)
    late = add_debtor(store, "ACOMPTE", paid_on="2015-09-30", delivery="2022-06-30")
    on_time = add_debtor(store, "ATEMPS", delivery="2022-06-30")  # paid on its due date: no penalty
    invoice = store.conn.execute("SELECT id FROM invoices WHERE debtor_id = ?", [late]).fetchone()[0]
    codes = [c.code for c in purge_candidates(store, today=TODAY)]
    assert "ACOMPTE" not in codes and "ATEMPS" in codes
    assert late not in [c.debtor_id for c in purge(store, today=TODAY).debtors]
    assert store.conn.execute("SELECT phone FROM contacts WHERE debtor_id = ?", [late]).fetchone() == \
        ("0470 12 34 56",)
    assert store.conn.execute("SELECT name FROM contacts WHERE debtor_id = ?", [on_time]).fetchone() == \
        (ANONYMISED_CONTACT,)
    # time-barred on 30 June 2027: from 1 July nothing can be claimed, the debtor goes
    assert "ACOMPTE" not in [c.code for c in purge_candidates(store, today=dt.date(2027, 6, 30))]
    assert "ACOMPTE" in [c.code for c in purge_candidates(store, today=dt.date(2027, 7, 1))]
    # waived by a supervisor: nothing claimable, it goes now
    store.write(lambda db: db.execute("INSERT INTO penalty_waivers (invoice_id, debtor_id, reason, agent, at) "
                                      "VALUES (?, ?, 'geste commercial', 'claire', ?)", [invoice, late, AT]))
    assert "ACOMPTE" in [c.code for c in purge_candidates(store, today=TODAY)]


def test_purge_blanks_next_action_labels_and_waiver_reasons_but_keeps_the_accounts_texts(store):
    ids = build_office(store)
    old, recent = ids["OLD"], ids["RECENT"]

    def w(db):
        for debtor_id in (old, recent):
            db.execute("INSERT INTO next_actions (debtor_id, kind, due_at, label, agent, updated_at) VALUES "
                       "(?, 'callback', '2015-04-02T08:00:00Z', 'Rappeler Jean Dupont au 0470 12 34 56', 'marie', ?)",
                       [debtor_id, AT])
            db.execute("INSERT INTO penalty_waivers (invoice_id, debtor_id, reason, agent, at) VALUES "
                       "(?, ?, 'Gérant hospitalisé, geste commercial', 'claire', ?)", [debtor_id, debtor_id, AT])
        db.execute("UPDATE invoices SET attachment_path = 'factures/FA-1.pdf' WHERE debtor_id = ?", [old])
        db.execute("UPDATE payments SET reference = 'VIR SEPA GARAGE DUPONT FA-1' WHERE debtor_id = ?", [old])
        append_event(db, at="2015-03-02T10:00:00Z", agent="marie", kind="note", debtor_id=old, notes="Relevé",
                     data={"invoice_ids": [1], "amount_cents": 12000, "late": True, "rate": 0.5, "label": "M. Jean",
                           "old": {"phone": "0470"}, "names": ["Jean"]})

    store.write(w)
    purge(store, today=TODAY)
    q = store.conn.execute
    assert q("SELECT label, kind, due_at FROM next_actions WHERE debtor_id = ?", [old]).fetchone() == \
        (ANONYMISED_ACTION, "callback", "2015-04-02T08:00:00Z")
    assert q("SELECT reason, agent FROM penalty_waivers WHERE debtor_id = ?", [old]).fetchone() == \
        (ANONYMISED_REASON, "claire")
    # the figures of an event stay (ids, amounts, flags), every text goes: the trigger accepts exactly that
    data = q("SELECT data FROM events WHERE debtor_id = ? AND notes = '' AND kind = 'note'", [old]).fetchone()[0]
    assert json.loads(data) == {"invoice_ids": [1], "amount_cents": 12000, "late": True, "rate": 0.5}
    # texts of the accounts stay: the invoice's file and the bank statement's line
    assert q("SELECT attachment_path FROM invoices WHERE debtor_id = ?", [old]).fetchone() == ("factures/FA-1.pdf",)
    assert q("SELECT reference FROM payments WHERE debtor_id = ?", [old]).fetchone() == ("VIR SEPA GARAGE DUPONT FA-1",)
    # a debtor kept keeps its texts
    assert q("SELECT label FROM next_actions WHERE debtor_id = ?", [recent]).fetchone() == \
        ("Rappeler Jean Dupont au 0470 12 34 56",)
    assert q("SELECT reason FROM penalty_waivers WHERE debtor_id = ?", [recent]).fetchone() == \
        ("Gérant hospitalisé, geste commercial",)


def test_a_forged_purge_opening_cannot_rewrite_history_nor_erase_its_trace(store):
    """Anyone with a connection could insert a 'running' purge row: the events trigger then still accepts
    only a blanked note and the figures the data held, ``purges`` rejects DELETE and every UPDATE but
    running -> done, and a 'running' row cannot be committed."""
    ids = build_office(store)
    conn = store.conn
    event_id = conn.execute("SELECT id FROM events WHERE debtor_id = ?", [ids["OLD"]]).fetchone()[0]
    before = dump(store)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("INSERT INTO purges (at, agent, years) VALUES ('x', 'm', 0)")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE events SET notes = 'rewritten' WHERE id = ?", [event_id])
        for data in ('{"contact_id": 1, "to": "autre@exemple.fr"}',  # a text
                     '{"contact_id": 2}',  # a figure changed
                     '{"contact_id": 1, "amount_cents": 5}',  # a figure added
                     '{"contact_id": [1, "x"]}', '[1]', 'pas du json'):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute("UPDATE events SET notes = '', data = ? WHERE id = ?", [data, event_id])
        with pytest.raises(sqlite3.IntegrityError, match="purges is append-only"):
            conn.execute("DELETE FROM purges")
        for change in ("years = 5", "agent = 'autre'", "at = 'y'", "debtors = 3",
                       "status = 'done', unfinished = NULL, at = 'y'"):
            with pytest.raises(sqlite3.IntegrityError, match="purges is append-only"):
                conn.execute(f"UPDATE purges SET {change}")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            conn.execute("COMMIT")  # still 'running'
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    assert dump(store) == before
    # a real run's row: done for good
    purge(store, today=TODAY)
    for sql in ("DELETE FROM purges", "UPDATE purges SET status = 'running', unfinished = 0",
                "UPDATE purges SET debtors = 0"):
        with pytest.raises(sqlite3.IntegrityError, match="purges is append-only"):
            store.write(lambda db, sql=sql: db.execute(sql))
    assert conn.execute("SELECT debtors, status, unfinished FROM purges").fetchall() == [(2, "done", None)]


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
