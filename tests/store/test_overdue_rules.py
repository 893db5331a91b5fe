"""The overdue list's rules that tests/store/test_overdue.py leaves open (issue 14): which texts read as a phone
number, sorting debtors on their last contact, the next step a call set shown on the row.

The office of tests/store/test_overdue.py (its ``Office`` builder), as of Monday 23/11/2026, plus a fourth debtor
whose contact's phone is written the international way:

    Garage Dupont        FA-0001..3   contact Jérôme Lefèvre, 01 23 45 67 89 (search text: 0123456789)
    Boulangerie Martin   FB-0001..4
    Électricité Évrard   FC-0001..2   both contested (litigation, disputed)
    Hôtel Girard         FD-0001      due 13/11/2026, 10 days late, 800,00; contact +33 6 12 34 56 78
"""

from __future__ import annotations

import pytest

from relance_tui.domain.calls import NextStep
from relance_tui.store.calls import set_next_action
from relance_tui.store.overdue import OverdueQuery, fetch_rows, matching_ids
from relance_tui.store.queries import append_event
from tests.store.test_overdue import AS_OF, BY_LATE, RATES, D, Office

DUPONT = ["FA-0003", "FA-0002", "FA-0001"]


@pytest.fixture
def office(store):
    o = Office(store)
    o.add_debtor("dupont", "Garage Dupont", contact=("Jérôme Lefèvre", "01 23 45 67 89"))
    o.add_debtor("martin", "Boulangerie Martin", siren="443061841")
    o.add_debtor("evrard", "Électricité Évrard", segment="b2c")
    o.add_debtor("girard", "Hôtel Girard", contact=("Anne Girard", "+33 6 12 34 56 78"))
    o.add_invoice("dupont", "FA-0001", D(2026, 11, 23), 100_000)
    o.add_invoice("dupont", "FA-0002", D(2026, 10, 24), 200_000, paid=50_000, payment_day=D(2026, 11, 3))
    o.add_invoice("dupont", "FA-0003", D(2026, 8, 24), 300_000)
    o.add_invoice("martin", "FB-0001", D(2026, 11, 22), 40_000)
    o.add_invoice("martin", "FB-0002", D(2026, 9, 24), 50_000, status="disputed")
    o.add_invoice("martin", "FB-0003", D(2026, 8, 25), 60_000)
    o.add_invoice("martin", "FB-0004", D(2026, 12, 15), 20_000)
    o.add_invoice("evrard", "FC-0001", D(2026, 10, 23), 70_000, status="litigation")
    o.add_invoice("evrard", "FC-0002", D(2026, 9, 23), 85_000, status="disputed")
    o.add_invoice("girard", "FD-0001", D(2026, 11, 13), 80_000)
    return o


# -- which texts read as a phone number ----------------------------------------------------------------
@pytest.mark.parametrize(("text", "numbers"), [
    ("01 23", DUPONT),  # four digits, typed with a space: a phone number
    ("+33 6 12 34", ["FD-0001"]),  # international, with its "+": the one sign a phone number may carry
    ("45 6", []),  # three digits are too few to be read as a phone number: no debtor has "45 6"
    ("n° 0123", []),  # two signs besides the digits: not a phone number, and no name or invoice holds it
    ("ab0123", []),
])
def test_a_text_is_read_as_a_phone_number_from_four_digits_and_at_most_one_other_sign(office, text, numbers):
    assert office.ids(OverdueQuery(AS_OF, text=text)) == numbers


def test_a_phone_number_typed_with_spaces_finds_its_debtor_per_debtor_too(office):
    assert office.debtors(OverdueQuery(AS_OF, text="01 23 45", per_debtor=True)) == ["dupont"]
    assert office.debtors(OverdueQuery(AS_OF, text="45 6", per_debtor=True)) == []


# -- sorting debtors on their last contact -------------------------------------------------------------
def test_per_debtor_the_last_contact_sort_puts_the_never_contacted_first_then_the_longest_ago(office, store):
    for debtor in ("martin", "girard", "dupont"):  # in this order: Martin longest ago, Dupont last
        store.write(lambda db, d=debtor: append_event(db, at="2026-11-20T10:00:00Z", agent="marie", kind="call",
                                                      debtor_id=office.debtor[d]))
    assert office.debtors(OverdueQuery(AS_OF, sort="contact", per_debtor=True)) == [
        "evrard", "martin", "girard", "dupont"]
    assert office.debtors(OverdueQuery(AS_OF, sort="contact", per_debtor=True, descending=True)) == [
        "dupont", "girard", "martin", "evrard"]


# -- the next step a call set, on the row ---------------------------------------------------------------
def _schedule(office, debtor, kind, due_at, label):
    office.store.write(lambda db: set_next_action(db, office.debtor[debtor], NextStep(kind, due_at, label),
                                                  event_id=None, agent="marie", at="2026-11-20T10:00:00Z"))


def test_a_callback_agreed_on_a_call_shows_on_the_row_at_the_office_s_local_time(office):
    _schedule(office, "dupont", "callback", "2026-11-24T08:30:00Z", "Rappel convenu")  # 09:30 in Paris (UTC+1)
    _schedule(office, "martin", "promise_check", "2026-11-30", "Vérifier la promesse du 27/11")
    keys = [office.invoice[n] for n in ("FA-0003", "FA-0001", "FB-0003", "FD-0001")]
    fa3, fa1, fb3, fd1 = fetch_rows(office.store, OverdueQuery(AS_OF), keys, RATES)
    assert fa3.next_action == fa1.next_action == "Rappel convenu 24/11 09:30"  # every invoice of the debtor
    assert fb3.next_action == "Vérifier la promesse du 27/11 (30/11)"  # a day: day/month
    assert fd1.next_action != "Rappel convenu 24/11 09:30"  # another debtor: its own plan
    montreal = fetch_rows(office.store, OverdueQuery(AS_OF), keys[:1], RATES, tz="America/Montreal")
    assert montreal[0].next_action == "Rappel convenu 24/11 03:30"  # the office's time zone, as given


def test_per_debtor_a_callback_shows_on_the_debtor_s_row_unless_all_its_invoices_are_contested(office):
    _schedule(office, "dupont", "callback", "2026-11-24T08:30:00Z", "Rappel convenu")
    _schedule(office, "evrard", "callback", "2026-11-24T08:30:00Z", "Rappel convenu")
    query = OverdueQuery(AS_OF, per_debtor=True)
    rows = {r.key: r for r in fetch_rows(office.store, query, list(matching_ids(office.store, query)), RATES)}
    assert rows[office.debtor["dupont"]].next_action == "Rappel convenu 24/11 09:30"
    assert rows[office.debtor["evrard"]].next_action == "Litige à traiter"


def test_the_office_is_as_built(office):
    # the four debtors' invoices, oldest due first: FD-0001 (10 days) between FA-0002 (30) and FB-0001 (1)
    assert office.ids(OverdueQuery(AS_OF)) == BY_LATE[:6] + ["FD-0001"] + BY_LATE[6:]


# -- what a debtor's terms do to its rows ----------------------------------------------------------------
def _set(office, table, key, **values):
    ids = office.debtor if table == "debtors" else office.invoice
    sets = ", ".join(f"{column} = ?" for column in values)
    office.store.write(lambda db: db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), ids[key]]))


def _rows(office, numbers, **query):
    rows = fetch_rows(office.store, OverdueQuery(AS_OF, **query), [office.invoice[n] for n in numbers], RATES)
    return {office.number[r.key]: r for r in rows}


def test_a_contract_rate_sets_the_business_debtor_s_interest(office):
    _set(office, "debtors", "dupont", contract_rate_bp=2_400)  # 24 % a year, above the legal floor
    # 3 000,00 x 24 % x 91 / 365 = 179,5068 -> 179,51, plus the 40 EUR indemnity
    assert _rows(office, ["FA-0003"])["FA-0003"].penalty_cents == 17_951 + 4_000


def test_a_consumer_owes_interest_from_the_formal_notice_at_the_legal_rate(office):
    _set(office, "debtors", "evrard", formal_notice_date="2026-11-13")  # 10 days before the list's day
    rows = _rows(office, ["FC-0002", "FC-0001"])
    # 850,00 x 3 % x 10 / 365 = 0,6986 -> 0,70; 700,00 x 3 % x 10 / 365 = 0,5753 -> 0,58; no indemnity
    assert (rows["FC-0002"].penalty_cents, rows["FC-0001"].penalty_cents) == (70, 58)


def test_a_belgian_consumer_owes_nothing_on_a_formal_notice_alone(office):
    # Belgian law (CDE XIX.2): nothing before a free first reminder and its 14 days; the French consumer above
    # owes interest from the same notice
    _set(office, "debtors", "evrard", country="BE", formal_notice_date="2026-11-13")
    rows = _rows(office, ["FC-0002", "FC-0001"])
    assert (rows["FC-0002"].penalty_cents, rows["FC-0001"].penalty_cents) == (0, 0)


def test_each_row_carries_its_limitation_date_from_delivery_else_from_the_invoice(office):
    # invoices issued 30 days before their due date; a business: five years, a French consumer: two
    _set(office, "invoices", "FA-0001", delivery_date="2026-06-30")  # delivered before the invoice
    rows = _rows(office, ["FA-0003", "FA-0002", "FA-0001", "FC-0002"])
    # FA-0002's part-payment of 03/11/2026 acknowledged the debt: five years start again from it
    assert [rows[n].limitation for n in ("FA-0003", "FA-0002", "FA-0001", "FC-0002")] == [
        D(2031, 7, 25), D(2031, 11, 3), D(2031, 6, 30), D(2028, 8, 24)]


def test_a_belgian_consumer_s_invoices_are_time_barred_after_one_year(office):
    _set(office, "debtors", "evrard", country="BE")
    assert _rows(office, ["FC-0002"])["FC-0002"].limitation == D(2027, 8, 24)


def test_per_debtor_the_row_carries_the_nearest_limitation_date_of_its_invoices(office):
    query = OverdueQuery(AS_OF, per_debtor=True)
    rows = {r.key: r for r in fetch_rows(office.store, query, [office.debtor["dupont"]], RATES)}
    # FA-0003 issued 25/07/2026 (2031-07-25), FA-0002 24/09 and FA-0001 24/10 later
    assert rows[office.debtor["dupont"]].limitation == D(2031, 7, 25)


def test_per_debtor_one_invoice_left_by_the_filter_gives_its_own_status(office):
    from relance_tui.domain.dates import Bucket

    query = OverdueQuery(AS_OF, per_debtor=True, bucket=Bucket.D31_60)  # FB-0002 disputed, FC-0001 in litigation
    rows = fetch_rows(office.store, query, list(matching_ids(office.store, query)), RATES)
    assert [(r.debtor, r.number, r.status) for r in rows] == [
        ("Boulangerie Martin", "1 facture", "disputed"), ("Électricité Évrard", "1 facture", "litigation")]


def test_per_debtor_a_penalty_on_a_carried_over_rate_marks_the_debtor_s_row_unconfirmed(office):
    from relance_tui.domain.penalties import RateEntry, Rates, RateTable

    first_half_only = Rates(RateTable("ecb", [RateEntry(D(2026, 1, 1), 200)]), RATES.legal_pro,
                            RATES.legal_private, RATES.legal_be)
    query = OverdueQuery(AS_OF, per_debtor=True)
    rows = {r.key: r for r in fetch_rows(office.store, query, list(matching_ids(office.store, query)),
                                         first_half_only)}
    assert rows[office.debtor["dupont"]].penalty_unconfirmed is True  # its business invoices read the ECB rate
    assert rows[office.debtor["evrard"]].penalty_unconfirmed is False  # a consumer's read none


def test_a_belgian_office_applies_belgian_business_law_to_its_business_debtors(office):
    fd1, = fetch_rows(office.store, OverdueQuery(AS_OF), [office.invoice["FD-0001"]], RATES, country="BE")
    # ECB 2,00 % + 8 points = 10 %: 800,00 x 10 % x 10 / 365 = 2,1918 -> 2,19, plus 40 EUR (in France 12 %: 2,63)
    assert fd1.penalty_cents == 219 + 4_000
    # ten years from the invoice of 14/10/2026 (old C. civ. art. 2262bis), five in France
    assert fd1.limitation == D(2036, 10, 14)


def test_a_belgian_office_names_the_belgian_court_step_for_a_belgian_business(office):
    from relance_tui.store.plan_steps import record_step

    _set(office, "debtors", "dupont", country="BE")  # FA-0003 91 days late: its formal notice is due
    record_step(office.store, office.debtor["dupont"], "formal_notice", today=AS_OF)
    fa3, = fetch_rows(office.store, OverdueQuery(AS_OF), [office.invoice["FA-0003"]], RATES, country="BE")
    # the formal notice recorded today: the court file 15 days later, by the Belgian procedure between businesses
    assert fa3.next_action == (
        "Dossier contentieux : Recouvrement de dettes non contestées (art. 1394/20 C. jud.) le 08/12/2026")


def test_an_invoice_written_off_since_the_list_was_read_shows_no_penalty(office):
    _set(office, "invoices", "FA-0003", status="written_off")
    assert _rows(office, ["FA-0003"])["FA-0003"].penalty_cents == 0


# -- a row read again after its debtor has paid everything ------------------------------------------------
@pytest.fixture
def settled(office):
    """Two debtors whose one invoice, 267 days late, was paid since the list was read: no plan any more."""
    for key, name, number in (("leroy", "Leroy SPRL", "FE-0001"), ("roux", "Roux SARL", "FF-0001")):
        office.add_debtor(key, name)
        office.add_invoice(key, number, D(2026, 3, 1), 30_000, paid=30_000, status="paid")
    _set(office, "debtors", "leroy", country="BE")
    return office


def test_a_settled_debtor_s_row_falls_back_to_the_court_step_of_its_regime(settled):
    rows = _rows(settled, ["FE-0001", "FF-0001"])
    assert rows["FE-0001"].next_action == "Injonction de payer européenne (règl. CE 1896/2006)"  # a Belgian business
    assert rows["FF-0001"].next_action == "Injonction de payer"  # a French one, from a French office
    from_brussels, = fetch_rows(settled.store, OverdueQuery(AS_OF), [settled.invoice["FF-0001"]], RATES, country="BE")
    assert from_brussels.next_action == "Injonction de payer européenne (règl. CE 1896/2006)"


def test_a_settled_debtor_s_row_names_its_earliest_pending_promise(settled):
    for day, status in (("2026-12-10", "pending"), ("2026-11-25", "kept"), ("2026-11-30", "pending")):
        settled.store.write(lambda db, d=day, s=status: db.execute(
            "INSERT INTO promises (debtor_id, amount_cents, due_date, status, agent, created_at, updated_at) "
            "VALUES (?, 10000, ?, ?, 'marie', '2026-11-20T10:00:00Z', '2026-11-20T10:00:00Z')",
            [settled.debtor["roux"], d, s]))
    rows = _rows(settled, ["FF-0001", "FE-0001"])
    assert rows["FF-0001"].next_action == "Promesse au 30/11"  # the kept one of 25/11 is done with
    assert rows["FE-0001"].next_action == "Injonction de payer européenne (règl. CE 1896/2006)"  # no promise


def test_per_debtor_a_disputed_oldest_invoice_among_open_ones_leaves_the_debtor_open(office):
    _set(office, "invoices", "FB-0003", status="disputed")  # Martin's oldest; FB-0001 and FB-0004 still open
    _set(office, "invoices", "FC-0002", status="litigation")  # Évrard's oldest; FC-0001 disputed: all contested
    _set(office, "invoices", "FC-0001", status="disputed")
    query = OverdueQuery(AS_OF, per_debtor=True)
    rows = {r.key: r for r in fetch_rows(office.store, query, list(matching_ids(office.store, query)), RATES)}
    assert rows[office.debtor["martin"]].status == "open"
    assert rows[office.debtor["evrard"]].status == "disputed"
