"""The main list's queries without a screen (store/overdue.py): filter, sort, aging buckets, per-debtor rows.

A small office built here, every expectation worked out by hand. As of Monday 23/11/2026:

    debtor (segment)              invoice   due         days  owed      penalty (12 %, 40 EUR)
    Garage Dupont (b2b)           FA-0001   23/11/2026     0  1 000,00  0
                                  FA-0002   24/10/2026    30  1 500,00  1 644 + 4 000 (2 000,00 owed until a
                                                                        500,00 payment on 03/11: 10 days on
                                                                        200 000, 20 on 150 000)
                                  FA-0003   24/08/2026    91  3 000,00  8 975 + 4 000
    Boulangerie Martin (b2b)      FB-0001   22/11/2026     1    400,00  13 + 4 000
                                  FB-0002   24/09/2026    60    500,00  986 + 4 000 (disputed: still owed)
                                  FB-0003   25/08/2026    90    600,00  1 775 + 4 000
                                  FB-0004   15/12/2026   -22    200,00  0
    Électricité Évrard (b2c)      FC-0001   23/10/2026    31    700,00  0 (a consumer: no formal notice)
                                  FC-0002   23/09/2026    61    850,00  0
    Left out: a paid invoice, a written-off one, one open but paid in full, a credit note.

Rates: ECB 2.00 % entered for both half-years of 2026, so the business rate is 12 %.
Interest: owed x 1 200 x days / 3 650 000, rounded half up.
"""

from __future__ import annotations

import datetime as dt

import pytest

from relance_tui.domain.dates import Bucket
from relance_tui.domain.penalties import RateEntry, Rates, RateTable
from relance_tui.store.claims import claim
from relance_tui.store.overdue import OverdueQuery, aging_summary, fetch_rows, matching_ids
from relance_tui.store.queries import append_event
from relance_tui.store.search import refresh_search

D = dt.date
AS_OF = D(2026, 11, 23)
RATES = Rates(
    ecb=RateTable("ecb", [RateEntry(D(2026, 1, 1), 200), RateEntry(D(2026, 7, 1), 200)]),
    legal_pro=RateTable("legal_pro", [RateEntry(D(2026, 1, 1), 300), RateEntry(D(2026, 7, 1), 300)]),
    legal_private=RateTable("legal_private", [RateEntry(D(2026, 1, 1), 600), RateEntry(D(2026, 7, 1), 600)]),
    legal_be=RateTable("legal_be", [RateEntry(D(2026, 1, 1), 400)]),
)
PENALTY = {"FA-0001": 0, "FA-0002": 1_644 + 4_000, "FA-0003": 8_975 + 4_000, "FB-0001": 13 + 4_000,
           "FB-0002": 986 + 4_000, "FB-0003": 1_775 + 4_000, "FB-0004": 0, "FC-0001": 0, "FC-0002": 0}
# invoice numbers in the default order: oldest due date first
BY_LATE = ["FA-0003", "FB-0003", "FC-0002", "FB-0002", "FC-0001", "FA-0002", "FB-0001", "FA-0001", "FB-0004"]


class Office:
    """The store above, with its ids by name."""

    def __init__(self, store):
        self.store = store
        self.debtor: dict[str, int] = {}
        self.invoice: dict[str, int] = {}
        self.number: dict[int, str] = {}

    def add_debtor(self, key, name, *, segment="b2b", siren=None, contact=None):
        at = self.store.now()

        def write(db):
            debtor = db.execute(
                "INSERT INTO debtors (name, kind, segment, siren, country, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, 'FR', ?, ?)",
                [name, "person" if segment == "b2c" else "company", segment, siren, at, at]).lastrowid
            if contact:
                db.execute("INSERT INTO contacts (debtor_id, name, phone, created_at, updated_at) "
                           "VALUES (?, ?, ?, ?, ?)", [debtor, *contact, at, at])
            refresh_search(db, [debtor])
            return debtor

        self.debtor[key] = self.store.write(write)

    def add_invoice(self, debtor, number, due, cents, *, paid=0, status="open", payment_day=None):
        at = self.store.now()

        def write(db):
            invoice = db.execute(
                "INSERT INTO invoices (number, debtor_id, issue_date, due_date, amount_cents, paid_cents, status, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [number, self.debtor[debtor], (due - dt.timedelta(days=30)).isoformat(), due.isoformat(), cents,
                 paid, status, at, at]).lastrowid
            if payment_day is not None:
                db.execute("INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, created_at, created_by) "
                           "VALUES (?, ?, ?, ?, ?, 'marie')", [self.debtor[debtor], invoice, payment_day.isoformat(),
                                                              paid, at])
            return invoice

        invoice = self.store.write(write)
        self.invoice[number] = invoice
        self.number[invoice] = number

    def ids(self, query: OverdueQuery, limit=None) -> list[str]:
        """The matching invoices as numbers, in the list's order."""
        return [self.number[i] for i in matching_ids(self.store, query, limit)]

    def debtors(self, query: OverdueQuery) -> list[str]:
        names = {v: k for k, v in self.debtor.items()}
        return [names[i] for i in matching_ids(self.store, query)]


@pytest.fixture
def office(store):
    o = Office(store)
    o.add_debtor("dupont", "Garage Dupont", contact=("Jérôme Lefèvre", "01 23 45 67 89"))
    o.add_debtor("martin", "Boulangerie Martin", siren="443061841")
    o.add_debtor("evrard", "Électricité Évrard", segment="b2c")
    o.add_invoice("dupont", "FA-0001", D(2026, 11, 23), 100_000)
    o.add_invoice("dupont", "FA-0002", D(2026, 10, 24), 200_000, paid=50_000, payment_day=D(2026, 11, 3))
    o.add_invoice("dupont", "FA-0003", D(2026, 8, 24), 300_000)
    o.add_invoice("martin", "FB-0001", D(2026, 11, 22), 40_000)
    o.add_invoice("martin", "FB-0002", D(2026, 9, 24), 50_000, status="disputed")
    o.add_invoice("martin", "FB-0003", D(2026, 8, 25), 60_000)
    o.add_invoice("martin", "FB-0004", D(2026, 12, 15), 20_000)
    o.add_invoice("evrard", "FC-0001", D(2026, 10, 23), 70_000, status="litigation")
    o.add_invoice("evrard", "FC-0002", D(2026, 9, 23), 85_000, status="disputed")
    # not outstanding: paid, written off, open but paid in full, a credit note
    o.add_invoice("evrard", "FC-0009", D(2026, 8, 1), 90_000, paid=90_000, status="paid")
    o.add_invoice("dupont", "FA-0009", D(2026, 7, 1), 100_000, status="written_off")
    o.add_invoice("martin", "FB-0009", D(2026, 6, 1), 5_000, paid=5_000)
    o.add_invoice("martin", "FB-0008", D(2026, 10, 1), -10_000)
    return o


# -- which invoices: outstanding, filtered -----------------------------------------------------------
def test_the_list_holds_every_outstanding_invoice_oldest_due_first(office):
    assert office.ids(OverdueQuery(AS_OF)) == BY_LATE


def test_the_first_rows_only_when_a_limit_is_given(office):
    assert office.ids(OverdueQuery(AS_OF), limit=3) == BY_LATE[:3]


@pytest.mark.parametrize(("bucket", "numbers"), [
    (Bucket.NOT_DUE, ["FA-0001", "FB-0004"]),  # due today (0 days) or later
    (Bucket.D1_30, ["FA-0002", "FB-0001"]),  # 30 and 1 days
    (Bucket.D31_60, ["FB-0002", "FC-0001"]),  # 60 and 31
    (Bucket.D61_90, ["FB-0003", "FC-0002"]),  # 90 and 61
    (Bucket.OVER_90, ["FA-0003"]),  # 91
])
def test_a_bucket_keeps_the_invoices_late_by_its_days_bounds_included(office, bucket, numbers):
    assert office.ids(OverdueQuery(AS_OF, bucket=bucket)) == numbers


def test_the_buckets_part_the_list_with_nothing_lost_or_counted_twice(office):
    parts = [n for b in Bucket for n in office.ids(OverdueQuery(AS_OF, bucket=b))]
    assert sorted(parts) == sorted(BY_LATE)


@pytest.mark.parametrize(("text", "numbers"), [
    ("evrard", ["FC-0002", "FC-0001"]),  # accents and case ignored
    ("ÉLECTRICITÉ", ["FC-0002", "FC-0001"]),
    ("boulangerie martin", ["FB-0003", "FB-0002", "FB-0001", "FB-0004"]),
    ("fb-0002", ["FB-0002"]),  # an invoice number
    ("443061841", ["FB-0003", "FB-0002", "FB-0001", "FB-0004"]),  # a SIREN
    ("01 23 45", ["FA-0003", "FA-0002", "FA-0001"]),  # a contact's phone, typed with its spaces
    ("lefevre", ["FA-0003", "FA-0002", "FA-0001"]),  # a contact's name
    ("  dupont  ", ["FA-0003", "FA-0002", "FA-0001"]),
    ("", BY_LATE),  # no text: no filter
    ("nobody", []),
])
def test_the_text_filter_keeps_the_debtors_or_invoices_it_names(office, text, numbers):
    assert office.ids(OverdueQuery(AS_OF, text=text)) == numbers


def test_text_and_bucket_filters_add_up(office):
    assert office.ids(OverdueQuery(AS_OF, text="dupont", bucket=Bucket.D1_30)) == ["FA-0002"]
    assert office.ids(OverdueQuery(AS_OF, text="dupont", bucket=Bucket.D31_60)) == []


# -- in which order ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("sort", "descending", "numbers"), [
    ("late", False, BY_LATE),
    ("late", True, BY_LATE[::-1]),
    # owed: 3 000, 1 500, 1 000, 850, 700, 600, 500, 400, 200
    ("due", True, ["FA-0003", "FA-0002", "FA-0001", "FC-0002", "FC-0001", "FB-0003", "FB-0002", "FB-0001",
                   "FB-0004"]),
    # by name, case ignored (SQLite's NOCASE: É sorts after the ASCII letters), then in the order entered
    ("debtor", False, ["FB-0001", "FB-0002", "FB-0003", "FB-0004", "FA-0001", "FA-0002", "FA-0003", "FC-0001",
                       "FC-0002"]),
    ("number", False, ["FA-0001", "FA-0002", "FA-0003", "FB-0001", "FB-0002", "FB-0003", "FB-0004", "FC-0001",
                       "FC-0002"]),
    ("number", True, ["FC-0002", "FC-0001", "FB-0004", "FB-0003", "FB-0002", "FB-0001", "FA-0003", "FA-0002",
                      "FA-0001"]),
    # owed x days late: 27.3 M, 5.4 M, 5.185 M, 4.5 M, 3 M, 2.17 M, 40 000, 0, then -22 days
    ("penalties", True, ["FA-0003", "FB-0003", "FC-0002", "FA-0002", "FB-0002", "FC-0001", "FB-0001", "FA-0001",
                         "FB-0004"]),
])
def test_each_sort_orders_the_invoices(office, sort, descending, numbers):
    assert office.ids(OverdueQuery(AS_OF, sort=sort, descending=descending)) == numbers


def test_last_contact_sort_puts_the_never_contacted_first_then_the_longest_ago(office, store):
    for debtor, kind in (("martin", "call"), ("dupont", "email")):  # Martin first, then Dupont
        store.write(lambda db, d=debtor, k=kind: append_event(db, at="2026-11-20T10:00:00Z", agent="marie", kind=k,
                                                              debtor_id=office.debtor[d]))
    assert office.ids(OverdueQuery(AS_OF, sort="contact")) == [
        "FC-0001", "FC-0002", "FB-0001", "FB-0002", "FB-0003", "FB-0004", "FA-0001", "FA-0002", "FA-0003"]


@pytest.mark.parametrize(("sort", "descending", "debtors"), [
    ("late", False, ["dupont", "martin", "evrard"]),  # oldest due date: 24/08, 25/08, 23/09
    ("due", True, ["dupont", "martin", "evrard"]),  # 5 500,00, 1 700,00, 1 550,00
    ("due", False, ["evrard", "martin", "dupont"]),
    ("number", False, ["evrard", "dupont", "martin"]),  # 2, 3 and 4 invoices
    ("debtor", False, ["martin", "dupont", "evrard"]),
])
def test_per_debtor_one_row_a_debtor_sorted_on_its_invoices_together(office, sort, descending, debtors):
    assert office.debtors(OverdueQuery(AS_OF, sort=sort, descending=descending, per_debtor=True)) == debtors


def test_per_debtor_filters_apply_to_the_invoices_before_they_are_grouped(office):
    assert office.debtors(OverdueQuery(AS_OF, per_debtor=True, bucket=Bucket.D61_90)) == ["martin", "evrard"]
    assert office.debtors(OverdueQuery(AS_OF, per_debtor=True, text="0123")) == ["dupont"]


# -- the rows on screen -------------------------------------------------------------------------------
def test_invoice_rows_carry_what_is_owed_its_penalty_and_next_step(office):
    keys = [office.invoice[n] for n in BY_LATE]
    rows = {office.number[r.key]: r for r in fetch_rows(office.store, OverdueQuery(AS_OF), keys, RATES)}
    assert set(rows) == set(BY_LATE)
    for number, row in rows.items():
        assert row.number == number
        assert row.penalty_cents == PENALTY[number], number
        assert row.penalty_unconfirmed is False
    fa2 = rows["FA-0002"]
    assert (fa2.debtor, fa2.due_date, fa2.days_late, fa2.due_cents, fa2.status) == (
        "Garage Dupont", D(2026, 10, 24), 30, 150_000, "open")
    assert rows["FB-0004"].days_late == -22
    assert rows["FB-0002"].status == "disputed" and rows["FB-0002"].next_action == "Litige à traiter"
    # the dunning plan's next step, one level a debtor (issue 15): every row of a debtor says its plan's next
    # step, set by its oldest overdue invoice and by what was done, not by each invoice's own days late.
    # Garage Dupont: FA-0003 is 91 days late, nothing done: the formal notice (J+30) is due since 61 days
    notice = "Mise en demeure (recommandé) (en retard de 61 j)"
    assert [rows[n].next_action for n in ("FA-0001", "FA-0002", "FA-0003")] == [notice] * 3
    assert rows["FB-0004"].next_action == "Mise en demeure (recommandé) (en retard de 60 j)"  # its debtor's
    assert rows["FA-0003"].last_contact is None and rows["FA-0003"].holder is None
    # a formal notice recorded today: the court file comes 15 days after it, never from days late alone
    from relance_tui.store.plan_steps import record_step

    record_step(office.store, rows["FA-0003"].debtor_id, "formal_notice", today=AS_OF)
    again = {office.number[r.key]: r for r in fetch_rows(office.store, OverdueQuery(AS_OF), keys, RATES)}
    assert again["FA-0003"].next_action == "Dossier contentieux : Injonction de payer le 08/12/2026"


def test_rows_come_in_the_order_asked_and_unknown_keys_are_skipped(office):
    keys = [office.invoice["FB-0001"], office.invoice["FA-0003"], 999_999, office.invoice["FC-0002"]]
    rows = fetch_rows(office.store, OverdueQuery(AS_OF), keys, RATES)
    assert [office.number[r.key] for r in rows] == ["FB-0001", "FA-0003", "FC-0002"]
    assert fetch_rows(office.store, OverdueQuery(AS_OF), [], RATES) == []


def test_per_debtor_rows_add_up_their_invoices(office):
    query = OverdueQuery(AS_OF, per_debtor=True)
    keys = list(matching_ids(office.store, query))
    rows = {r.key: r for r in fetch_rows(office.store, query, keys, RATES)}
    dupont, martin, evrard = (rows[office.debtor[k]] for k in ("dupont", "martin", "evrard"))
    assert (dupont.number, dupont.due_cents, dupont.penalty_cents) == (
        "3 factures", 100_000 + 150_000 + 300_000, PENALTY["FA-0002"] + PENALTY["FA-0003"])
    assert (dupont.due_date, dupont.days_late, dupont.status) == (D(2026, 8, 24), 91, "open")  # its oldest
    assert (martin.number, martin.due_cents, martin.penalty_cents) == (
        "4 factures", 40_000 + 50_000 + 60_000 + 20_000, PENALTY["FB-0001"] + PENALTY["FB-0002"] + PENALTY["FB-0003"])
    assert martin.status == "open"  # one disputed invoice among open ones
    # every invoice disputed or in litigation: the debtor is, and the dispute comes before the plan
    assert (evrard.number, evrard.due_cents, evrard.penalty_cents) == ("2 factures", 155_000, 0)
    assert (evrard.status, evrard.next_action, evrard.days_late) == ("disputed", "Litige à traiter", 61)


def test_per_debtor_rows_count_only_the_invoices_the_filter_keeps(office):
    query = OverdueQuery(AS_OF, per_debtor=True, bucket=Bucket.D1_30)
    rows = fetch_rows(office.store, query, list(matching_ids(office.store, query)), RATES)
    assert [(r.debtor, r.number, r.due_cents, r.days_late) for r in rows] == [
        ("Garage Dupont", "1 facture", 150_000, 30), ("Boulangerie Martin", "1 facture", 40_000, 1)]


def test_rows_name_the_last_contact_and_the_agent_on_the_debtor(office, store):
    store.write(lambda db: append_event(db, at="2026-11-20T10:00:00Z", agent="karim", kind="call",
                                        debtor_id=office.debtor["martin"], outcome="voicemail"))
    assert claim(store, office.debtor["martin"]).ok
    rows = fetch_rows(store, OverdueQuery(AS_OF), [office.invoice["FB-0003"], office.invoice["FA-0003"]], RATES)
    martin, dupont = rows
    assert (martin.last_contact.kind, martin.last_contact.agent, martin.last_contact.outcome) == (
        "call", "karim", "voicemail")
    assert martin.holder == "marie"
    assert dupont.last_contact is None and dupont.holder is None


def test_a_penalty_on_a_rate_nobody_entered_is_marked_unconfirmed_and_a_missing_one_unknown(office):
    first_half_only = Rates(RateTable("ecb", [RateEntry(D(2026, 1, 1), 200)]), RATES.legal_pro,
                            RATES.legal_private, RATES.legal_be)
    keys = [office.invoice["FA-0003"], office.invoice["FC-0002"]]
    fa3, fc2 = fetch_rows(office.store, OverdueQuery(AS_OF), keys, first_half_only)
    assert fa3.penalty_cents == PENALTY["FA-0003"] and fa3.penalty_unconfirmed is True  # 2.00 % carried over
    assert fc2.penalty_unconfirmed is False  # a consumer's invoice reads no ECB rate
    no_ecb = Rates(RateTable("ecb", []), RATES.legal_pro, RATES.legal_private, RATES.legal_be)
    fa3, fc2 = fetch_rows(office.store, OverdueQuery(AS_OF), keys, no_ecb)
    assert fa3.penalty_cents is None and fc2.penalty_cents == 0


def test_per_debtor_penalty_is_unknown_when_one_of_its_invoices_is(office):
    no_ecb = Rates(RateTable("ecb", []), RATES.legal_pro, RATES.legal_private, RATES.legal_be)
    query = OverdueQuery(AS_OF, per_debtor=True)
    rows = {r.key: r for r in fetch_rows(office.store, query, list(matching_ids(office.store, query)), no_ecb)}
    assert rows[office.debtor["dupont"]].penalty_cents is None
    assert rows[office.debtor["evrard"]].penalty_cents == 0


# -- the aging bar -----------------------------------------------------------------------------------
def test_aging_summary_counts_and_sums_what_is_owed_per_bucket(office):
    summary = [(b.bucket, b.count, b.due_cents) for b in aging_summary(office.store, AS_OF)]
    assert summary == [
        (Bucket.NOT_DUE, 2, 100_000 + 20_000),
        (Bucket.D1_30, 2, 150_000 + 40_000),
        (Bucket.D31_60, 2, 50_000 + 70_000),
        (Bucket.D61_90, 2, 60_000 + 85_000),
        (Bucket.OVER_90, 1, 300_000),
    ]


def test_aging_summary_of_an_empty_office_is_five_zero_buckets(store):
    assert [(b.count, b.due_cents) for b in aging_summary(store, AS_OF)] == [(0, 0)] * 5
