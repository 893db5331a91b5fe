"""Invariants of the demo generator."""

import datetime as dt
import sqlite3

import pytest

from relance_tui.demo import SIZES, build_demo
from relance_tui.domain.dates import Bucket, bucket_for
from relance_tui.domain.identifiers import siren_valid, siret_valid
from relance_tui.store import open_store
from tests.conftest import TODAY


def q(store, sql, *params):
    return store.db.execute(sql, params).fetchall()


def test_sizes_are_exact(demo_store):
    size = SIZES["small"]
    assert q(demo_store, "SELECT COUNT(*) FROM debtors")[0][0] == size.debtors
    assert q(demo_store, "SELECT COUNT(*) FROM invoices")[0][0] == size.invoices
    assert q(demo_store, "SELECT COUNT(*) FROM events")[0][0] == size.events


def test_same_seed_same_data_other_seed_other_data(tmp_path, demo_store):
    def dump(store):
        return [q(store, f"SELECT * FROM {t} ORDER BY 1") for t in ("debtors", "contacts", "invoices", "payments",
                                                                     "events", "promises")]

    again = open_store(tmp_path / "again.db", agent="marie", create=True)
    build_demo(again, size="small", seed=7, today=TODAY)
    assert dump(again) == dump(demo_store)
    other = open_store(tmp_path / "other.db", agent="marie", create=True)
    build_demo(other, size="small", seed=8, today=TODAY)
    assert dump(other) != dump(demo_store)


def test_identifiers_contacts_and_phones(demo_store):
    for siren, siret, number, kind, country in q(
            demo_store, "SELECT siren, siret, enterprise_number, kind, country FROM debtors"):
        if kind == "company" and country == "FR":
            assert siren_valid(siren) and siret_valid(siret) and siret.startswith(siren) and number is None
        elif kind == "company":  # Belgian: a BCE number, its last two digits 97 - (first eight mod 97)
            assert country == "BE" and siren is None and len(number) == 10 and number[0] == "0"
            assert int(number[8:]) == 97 - int(number[:8]) % 97
        else:
            assert siren is None and number is None
    assert q(demo_store, "SELECT COUNT(*) FROM debtors d WHERE NOT EXISTS "
                         "(SELECT 1 FROM contacts c WHERE c.debtor_id = d.id)")[0][0] == 0
    for phone, country in q(demo_store, "SELECT c.phone, d.country FROM contacts c JOIN debtors d ON d.id = c.debtor_id"):
        assert phone[0] == "0" and len(phone) == (14 if country == "FR" else 12)
    assert q(demo_store, "SELECT COUNT(DISTINCT segment) FROM debtors")[0][0] == 2
    # the four regimes are there, and the acts their figures rest on
    assert q(demo_store, "SELECT COUNT(DISTINCT country || segment) FROM debtors")[0][0] == 4
    assert q(demo_store, "SELECT COUNT(*) FROM legal_acts a JOIN debtors d ON d.id = a.debtor_id "
                         "WHERE a.kind = 'first_reminder' AND NOT (d.country = 'BE' AND d.segment = 'b2c')")[0][0] == 0
    assert q(demo_store, "SELECT COUNT(*) FROM legal_acts l JOIN events e ON e.id = l.event_id "
                         "WHERE e.outcome <> l.kind AND NOT (l.kind = 'first_reminder' AND e.outcome = 'reminder_1')"
                         )[0][0] == 0


def test_invoice_amounts_statuses_and_payments_agree(demo_store):
    rows = q(demo_store, "SELECT i.id, i.amount_cents, i.paid_cents, i.status, i.issue_date, i.due_date, "
                         "i.paid_date, COALESCE(SUM(p.amount_cents), 0), MAX(p.day) "
                         "FROM invoices i LEFT JOIN payments p ON p.invoice_id = i.id GROUP BY i.id")
    for _id, amount, paid, status, issue, due, paid_date, paid_sum, last_pay in rows:
        assert amount > 0 and 0 <= paid <= amount
        assert paid == paid_sum
        assert due >= issue
        assert (status == "paid") == (paid == amount)
        if status == "paid":
            assert paid_date == last_pay and paid_date < TODAY.isoformat()


def test_open_invoices_in_every_aging_bucket(demo_store):
    buckets = {bucket_for((TODAY - dt.date.fromisoformat(d)).days)
               for (d,) in q(demo_store, "SELECT due_date FROM invoices WHERE status = 'open'")}
    assert buckets == set(Bucket)
    assert q(demo_store, "SELECT COUNT(*) FROM invoices WHERE status = 'open' AND paid_cents > 0")[0][0] > 0
    assert q(demo_store, "SELECT COUNT(*) FROM invoices WHERE status = 'disputed'")[0][0] > 0


def test_promises_kept_broken_and_pending_are_consistent(demo_store):
    statuses = dict(q(demo_store, "SELECT status, COUNT(*) FROM promises GROUP BY status"))
    assert statuses.get("kept", 0) > 0 and statuses.get("broken", 0) > 0
    grace = dt.timedelta(days=3)
    for pid, status, due in q(demo_store, "SELECT id, status, due_date FROM promises"):
        due = dt.date.fromisoformat(due)
        invoices = q(demo_store, "SELECT i.status, i.paid_date FROM promise_invoices pi "
                                 "JOIN invoices i ON i.id = pi.invoice_id WHERE pi.promise_id = ?", pid)
        assert invoices
        if status == "kept":
            assert all(s == "paid" and dt.date.fromisoformat(p) <= due + grace for s, p in invoices)
        elif status == "broken":
            assert due + grace < TODAY and all(s != "paid" for s, _ in invoices)
        elif status == "pending":
            assert due >= TODAY
    # each promise points at the call event that obtained it
    assert q(demo_store, "SELECT COUNT(*) FROM promises p JOIN events e ON e.id = p.event_id "
                         "WHERE e.kind = 'promise'")[0][0] == sum(statuses.values())


def test_events_are_in_time_order_before_today_and_cover_months(demo_store):
    ats = [a for (a,) in q(demo_store, "SELECT at FROM events ORDER BY id")]
    assert ats == sorted(ats)
    assert ats[-1] < TODAY.isoformat()
    assert ats[0] < (TODAY - dt.timedelta(days=180)).isoformat()
    kinds = {k for (k,) in q(demo_store, "SELECT DISTINCT kind FROM events")}
    assert {"call", "email", "letter", "note", "promise", "payment", "dispute"} <= kinds
    agents = {a for (a,) in q(demo_store, "SELECT DISTINCT agent FROM events WHERE kind = 'call'")}
    assert len(agents) >= 3
    assert q(demo_store, "PRAGMA foreign_key_check") == []


def test_demo_refuses_a_database_with_data(demo_store):
    with pytest.raises(ValueError, match="contient déjà"):
        build_demo(demo_store, size="small")


def test_demo_database_is_marked(demo_store):
    from relance_tui.store.queries import get_setting

    assert get_setting(demo_store, "demo") == {"seed": 7, "today": "2026-11-23", "size": "small"}


def test_integrity(demo_store):
    assert demo_store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert isinstance(demo_store.conn, sqlite3.Connection)
