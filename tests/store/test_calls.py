import datetime as dt
import hashlib
import multiprocessing

import pytest

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.errors import NotFound
from relance_tui.store import open_store
from relance_tui.store.calls import CallReport, Instalment, calls_within, save_call
from relance_tui.store.claims import claim, holders
from relance_tui.store.promises import evaluate_promises, promises_made
from tests.conftest import TODAY
from tests.helpers import FakeClock

FR = OfficeCalendar("FR")
UTC = dt.timezone.utc


@pytest.fixture
def clock(demo_store):
    c = FakeClock(dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
    demo_store.clock = c
    return c


def debtor_with_open_invoices(store, n: int = 2) -> tuple[int, list[int]]:
    debtor = store.db.execute(
        "SELECT debtor_id FROM invoices WHERE status = 'open' AND amount_cents > paid_cents GROUP BY debtor_id "
        "HAVING COUNT(*) >= ? ORDER BY debtor_id LIMIT 1", [n]).fetchone()[0]
    ids = [r[0] for r in store.db.execute(
        "SELECT id FROM invoices WHERE debtor_id = ? AND status = 'open' AND amount_cents > paid_cents ORDER BY id",
        [debtor])]
    return debtor, ids


def report(debtor, outcome, clock, **kw) -> CallReport:
    return CallReport(debtor_id=debtor, outcome=outcome, started_at=clock() - dt.timedelta(seconds=200),
                      duration_s=200, phases=("prepare", "introduce", "listen"), **kw)


def digest(store) -> str:
    h = hashlib.sha256()
    for table in ("events", "promises", "disputes", "next_actions", "invoices", "claims"):
        for row in store.db.execute(f"SELECT * FROM {table} ORDER BY rowid"):
            h.update(repr(row).encode())
    return h.hexdigest()


def test_a_promise_in_two_instalments_is_saved_whole(demo_store, clock):
    debtor, invoices = debtor_with_open_invoices(demo_store)
    assert claim(demo_store, debtor).ok
    saved = save_call(demo_store, report(debtor, "promise", clock, notes="confirmera par mail",
                                         instalments=(Instalment(dt.date(2026, 12, 1), 300_00),
                                                      Instalment(dt.date(2027, 1, 5), 200_00)),
                                         invoice_ids=tuple(invoices)), today=TODAY, calendar=FR)
    db = demo_store.db
    kind, outcome, duration, notes = db.execute("SELECT kind, outcome, duration_s, notes FROM events WHERE id = ?",
                                                [saved.event_id]).fetchone()
    assert (kind, outcome, duration) == ("call", "promise", 200)
    assert "300,00" in notes and "05/01/2027" in notes and "confirmera par mail" in notes
    rows = db.execute("SELECT amount_cents, due_date, instalments, status FROM promises WHERE event_id = ? "
                      "ORDER BY due_date", [saved.event_id]).fetchall()
    assert rows == [(300_00, "2026-12-01", "1/2", "pending"), (200_00, "2027-01-05", "2/2", "pending")]
    linked = db.execute("SELECT COUNT(*) FROM promise_invoices WHERE promise_id IN (%s)"
                        % ",".join(map(str, saved.promise_ids))).fetchone()[0]
    assert linked == 2 * len(invoices)
    assert db.execute("SELECT kind, due_at, label FROM next_actions WHERE debtor_id = ?", [debtor]).fetchone() == \
        ("promise_check", "2026-12-04", "Vérifier la promesse du 01/12")
    assert holders(demo_store, [debtor], clock()) == {}  # the claim is released with the save


def test_a_dispute_pauses_its_invoices_only(demo_store, clock):
    debtor, invoices = debtor_with_open_invoices(demo_store)
    disputed, other = invoices[0], invoices[1]
    saved = save_call(demo_store, report(debtor, "dispute", clock, dispute_category="quality",
                                         invoice_ids=(disputed,)), today=TODAY, calendar=FR)
    db = demo_store.db
    statuses = dict(db.execute("SELECT id, status FROM invoices WHERE id IN (?, ?)", [disputed, other]).fetchall())
    assert statuses == {disputed: "disputed", other: "open"}
    assert db.execute("SELECT category, status FROM disputes WHERE id = ?", [saved.dispute_id]).fetchone() == \
        ("quality", "open")
    assert db.execute("SELECT COUNT(*) FROM events WHERE kind = 'dispute' AND debtor_id = ? AND outcome = 'opened'",
                      [debtor]).fetchone()[0] == 1
    assert saved.next_step.kind == "dispute"


def test_callback_and_voicemail_set_their_next_action(demo_store, clock):
    debtor, _ = debtor_with_open_invoices(demo_store)
    when = dt.datetime(2026, 11, 24, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    save_call(demo_store, report(debtor, "callback", clock, callback_at=when), today=TODAY, calendar=FR)
    assert demo_store.db.execute("SELECT kind, due_at FROM next_actions WHERE debtor_id = ?", [debtor]).fetchone() == \
        ("callback", "2026-11-24T15:00:00Z")
    save_call(demo_store, report(debtor, "voicemail", clock), today=TODAY, calendar=FR)
    assert demo_store.db.execute("SELECT kind, due_at FROM next_actions WHERE debtor_id = ?", [debtor]).fetchone() == \
        ("retry", "2026-11-24")


def test_a_failing_save_writes_nothing(demo_store, clock):
    debtor, _ = debtor_with_open_invoices(demo_store)
    foreign = demo_store.db.execute("SELECT id FROM invoices WHERE debtor_id <> ? LIMIT 1", [debtor]).fetchone()[0]
    before = digest(demo_store)
    with pytest.raises(NotFound, match="n'appartient pas"):
        save_call(demo_store, report(debtor, "dispute", clock, dispute_category="price", invoice_ids=(foreign,)),
                  today=TODAY, calendar=FR)
    assert digest(demo_store) == before


@pytest.mark.parametrize(("kw", "message"), [
    ({"outcome": "promise"}, "au moins un montant"),
    ({"outcome": "promise", "instalments": (Instalment(TODAY, 0),)}, "positif"),
    ({"outcome": "dispute", "invoice_ids": (1,)}, "catégorie"),
    ({"outcome": "dispute", "dispute_category": "price"}, "facture"),
    ({"outcome": "callback"}, "date et l'heure"),
])
def test_incomplete_reports_are_refused_before_any_write(demo_store, clock, kw, message):
    debtor, _ = debtor_with_open_invoices(demo_store)
    before = digest(demo_store)
    with pytest.raises(ValueError, match=message):
        save_call(demo_store, report(debtor, clock=clock, **kw), today=TODAY, calendar=FR)
    assert digest(demo_store) == before


def test_calls_are_counted_per_contact_over_thirty_days(demo_store, clock):
    debtor, _ = debtor_with_open_invoices(demo_store)
    contact = demo_store.db.execute("SELECT id FROM contacts WHERE debtor_id = ? LIMIT 1", [debtor]).fetchone()[0]
    since = clock() - dt.timedelta(days=30)
    start = calls_within(demo_store, debtor, contact, since=since)
    save_call(demo_store, report(debtor, "voicemail", clock, contact_id=contact), today=TODAY, calendar=FR)
    save_call(demo_store, report(debtor, "voicemail", clock, contact_id=contact + 100_000), today=TODAY, calendar=FR)
    assert calls_within(demo_store, debtor, contact, since=since) == start + 1
    assert calls_within(demo_store, debtor, contact, since=clock() + dt.timedelta(seconds=1)) == 0


# -- claims -----------------------------------------------------------------------------------------
def test_a_claim_is_refused_to_others_until_it_expires_and_a_steal_is_logged(demo_store, clock):
    debtor, _ = debtor_with_open_invoices(demo_store)
    karim = open_store(demo_store.path, agent="karim", clock=clock)
    assert claim(demo_store, debtor, lease_s=300).ok
    refused = claim(karim, debtor)
    assert not refused.ok and refused.holder.agent == "marie"
    clock.advance(299)
    assert not claim(karim, debtor).ok
    clock.advance(2)  # the lease ran out: the debtor is free again
    assert claim(karim, debtor).ok
    stolen = claim(demo_store, debtor, steal=True)
    assert stolen.ok and stolen.holder.agent == "marie"
    notes = demo_store.db.execute("SELECT notes FROM events WHERE kind = 'session' AND outcome = 'steal' "
                                  "AND debtor_id = ?", [debtor]).fetchone()[0]
    assert "repris à karim" in notes
    karim.close()


def test_renewing_keeps_the_first_claim_time(demo_store, clock):
    debtor, _ = debtor_with_open_invoices(demo_store)
    first = claim(demo_store, debtor).holder
    clock.advance(60)
    again = claim(demo_store, debtor).holder
    assert again.claimed_at == first.claimed_at and again.expires_at > first.expires_at


def _claimer(path, agent, debtor, barrier, results):
    s = open_store(path, agent=agent)
    barrier.wait()
    results.put((agent, claim(s, debtor).ok))
    s.close()


@pytest.mark.slow
def test_six_processes_claiming_at_once_one_wins(demo_store):
    debtor, _ = debtor_with_open_invoices(demo_store)
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(6), ctx.Queue()
    procs = [ctx.Process(target=_claimer, args=(str(demo_store.path), f"a{n}", debtor, barrier, results))
             for n in range(6)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    winners = [a for a, ok in outcomes if ok]
    assert len(winners) == 1
    assert demo_store.db.execute("SELECT agent FROM claims WHERE debtor_id = ?", [debtor]).fetchone()[0] == winners[0]


# -- promises ----------------------------------------------------------------------------------------
def pay(store, debtor, invoice, day, cents):
    store.write(lambda db: db.execute(
        "INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, created_at, created_by) "
        "VALUES (?, ?, ?, ?, ?, 'test')", [debtor, invoice, day, cents, store.now()]))


def only_new_promises(store) -> None:
    """Set the demo's pending promises aside: the evaluations below report only the test's own."""
    store.write(lambda db: db.execute("UPDATE promises SET status = 'cancelled', version = version + 1 "
                                      "WHERE status = 'pending'"))


def promise_call(store, clock, debtor, invoices, due=dt.date(2026, 12, 1), amount=300_00):
    return save_call(store, report(debtor, "promise", clock, instalments=(Instalment(due, amount),),
                                   invoice_ids=tuple(invoices)), today=TODAY, calendar=FR)


def test_promises_are_evaluated_across_the_grace(demo_store, clock):
    only_new_promises(demo_store)
    debtor, invoices = debtor_with_open_invoices(demo_store)
    saved = promise_call(demo_store, clock, debtor, invoices)
    pid = saved.promise_ids[0]
    # on the last day of grace, still pending
    assert evaluate_promises(demo_store, dt.date(2026, 12, 4), calendar=FR) == {}
    # the day after: broken, and the debtor comes back the next business day (Monday 7 December)
    assert evaluate_promises(demo_store, dt.date(2026, 12, 5), calendar=FR) == {pid: "broken"}
    assert demo_store.db.execute("SELECT kind, due_at, label FROM next_actions WHERE debtor_id = ?",
                                 [debtor]).fetchone() == ("retry", "2026-12-07", "Promesse non tenue : rappeler")
    event = demo_store.db.execute("SELECT outcome, notes FROM events WHERE kind = 'promise' AND debtor_id = ? "
                                  "ORDER BY id DESC LIMIT 1", [debtor]).fetchone()
    assert event[0] == "broken" and "non tenue" in event[1]
    # evaluated once: a second pass changes nothing
    assert evaluate_promises(demo_store, dt.date(2026, 12, 6), calendar=FR) == {}


def test_a_payment_keeps_the_promise_as_soon_as_it_lands(demo_store, clock):
    only_new_promises(demo_store)
    debtor, invoices = debtor_with_open_invoices(demo_store)
    saved = promise_call(demo_store, clock, debtor, invoices)
    pay(demo_store, debtor, invoices[0], "2026-11-25", 300_00)
    assert evaluate_promises(demo_store, dt.date(2026, 11, 26), calendar=FR) == {saved.promise_ids[0]: "kept"}
    assert demo_store.db.execute("SELECT kept_cents FROM promises WHERE id = ?",
                                 [saved.promise_ids[0]]).fetchone()[0] == 300_00


def test_the_days_promises_follow_the_office_time_zone(demo_store, clock):
    debtor, invoices = debtor_with_open_invoices(demo_store)
    clock.t = dt.datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # 00:30 on the 23rd in Paris
    save_call(demo_store, report(debtor, "promise", clock, instalments=(Instalment(dt.date(2026, 12, 1), 100_00),)),
              today=TODAY, calendar=FR)
    clock.t = dt.datetime(2026, 11, 23, 22, 59, tzinfo=UTC)  # 23:59 on the 23rd in Paris
    save_call(demo_store, report(debtor, "promise", clock, instalments=(Instalment(dt.date(2026, 12, 2), 200_00),)),
              today=TODAY, calendar=FR)
    clock.t = dt.datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # the 24th in Paris
    save_call(demo_store, report(debtor, "promise", clock, instalments=(Instalment(dt.date(2026, 12, 3), 400_00),)),
              today=TODAY, calendar=FR)
    ours = [p for p in promises_made(demo_store, TODAY, tz="Europe/Paris") if p.debtor_id == debtor]
    assert [p.amount_cents for p in ours] == [100_00, 200_00]
    assert [p.amount_cents for p in promises_made(demo_store, TODAY, tz="Europe/Paris", agent="karim")] == []


def test_a_payment_entered_by_hand_pays_the_oldest_invoices_first_and_keeps_the_promise(demo_store, clock):
    from relance_tui.store.cards import record_payment

    only_new_promises(demo_store)
    debtor, _ = debtor_with_open_invoices(demo_store)
    rows = demo_store.db.execute("SELECT id, amount_cents - paid_cents FROM invoices WHERE debtor_id = ? AND status "
                                 "IN ('open', 'disputed', 'litigation') AND amount_cents > paid_cents "
                                 "ORDER BY due_date, id", [debtor]).fetchall()
    owed = sum(r[1] for r in rows)
    saved = save_call(demo_store, report(debtor, "promise", clock, instalments=(Instalment(dt.date(2026, 12, 1),
                                                                                          rows[0][1] + 1),)),
                      today=TODAY, calendar=FR)
    with pytest.raises(ValueError, match="supérieur au reste dû"):
        record_payment(demo_store, debtor, day=TODAY, amount_cents=owed + 1)
    with pytest.raises(ValueError, match="futur"):
        record_payment(demo_store, debtor, day=TODAY + dt.timedelta(days=1), amount_cents=100, today=TODAY)
    assert record_payment(demo_store, debtor, day=TODAY, amount_cents=rows[0][1] + 1, reference="VIR 42") == 2
    status = dict(demo_store.db.execute("SELECT id, status FROM invoices WHERE id IN (?, ?)",
                                        [rows[0][0], rows[1][0]]).fetchall())
    assert status[rows[0][0]] == "paid" and status[rows[1][0]] in ("open", "disputed", "litigation")
    assert demo_store.db.execute("SELECT source, reference FROM payments WHERE invoice_id = ? ORDER BY id DESC",
                                 [rows[0][0]]).fetchone() == ("manual", "VIR 42")
    assert evaluate_promises(demo_store, TODAY, calendar=FR) == {saved.promise_ids[0]: "kept"}
