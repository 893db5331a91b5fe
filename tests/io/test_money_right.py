"""Issue 12: what relance says a customer owes is what the customer owes (credit notes, payments, penalties).

Amounts are worked out by hand in the comments: the test fails if the rule changes.
"""

from __future__ import annotations

import datetime as dt

from relance_tui.domain.credits import CreditNote, OpenInvoice, allocate
from relance_tui.store.cards import debtor_card, record_payment
from relance_tui.store.overdue import OverdueQuery, aging_summary, fetch_rows, matching_ids
from relance_tui.store.queries import load_rates
from tests.io.conftest import AS_OF, invoices

HEADER = "N° facture;Client;Code client;Date facture;Échéance;Montant TTC;Reste dû;Facture d'origine\n"


def card(store, name="Boulangerie Martin"):
    debtor = store.db.execute("SELECT id FROM debtors WHERE name = ?", [name]).fetchone()[0]
    return debtor_card(store, debtor, as_of=AS_OF, rates=load_rates(store))


def test_allocation_rule_named_first_then_oldest_and_never_before_either_date():
    d = dt.date
    invoices_ = [OpenInvoice(1, "FA-1", d(2026, 1, 5), d(2026, 2, 4), 100_00),
                 OpenInvoice(2, "FA-2", d(2026, 3, 1), d(2026, 3, 31), 50_00)]
    # AV-1 names FA-2 (50 €) and is worth 80 €: 50 € on FA-2, the 30 € left on the oldest (FA-1)
    allocations, left = allocate([CreditNote(10, "AV-1", d(2026, 2, 10), 80_00, names_invoice_id=2)], invoices_)
    assert [(a.invoice_number, a.cents, a.day, a.rule) for a in allocations] == [
        ("FA-2", 50_00, d(2026, 3, 1), "nommée"),  # FA-2 was issued after the credit note: from its issue date
        ("FA-1", 30_00, d(2026, 2, 10), "plus ancienne")]
    assert left == 0
    # larger than everything owed: the rest stays unapplied
    allocations, left = allocate([CreditNote(10, "AV-1", d(2026, 2, 10), 200_00)], invoices_)
    assert sum(a.cents for a in allocations) == 150_00 and left == 50_00


def test_named_credit_note_reduces_its_invoice_everywhere(imp, store, write):
    imp(write("f.csv", HEADER
              + "FA-1;Boulangerie Martin;BM;05/01/2026;04/02/2026;1 000,00;1 000,00;\n"
              + "FA-2;Boulangerie Martin;BM;01/03/2026;31/03/2026;500,00;500,00;\n"
              + "AV-1;Boulangerie Martin;BM;15/04/2026;15/04/2026;-200,00;-200,00;FA-2\n"))
    inv = invoices(store)
    assert inv["FA-2"][:3] == (50000, 20000, "open")  # 500 - 200 named
    assert inv["FA-1"][:3] == (100000, 0, "open")
    assert inv["AV-1"][:3] == (-20000, -20000, "paid")  # wholly applied
    # the list's footer, per invoice and per debtor, and the card: 1,000 + 300 net
    assert sum(b.due_cents for b in aging_summary(store, AS_OF)) == 130000
    q = OverdueQuery(AS_OF, per_debtor=True)
    rows = fetch_rows(store, q, list(matching_ids(store, q)), load_rates(store))
    assert [r.due_cents for r in rows] == [130000]
    c = card(store)
    assert c.due_cents == 130000 and not c.in_credit
    assert [a.describe() for a in c.allocations] == ["avoir AV-1 imputé sur FA-2"]
    credit_note = next(i for i in c.invoices if i.number == "AV-1")
    assert credit_note.days_late == 0  # a credit note is never late
    events = [n for (n,) in store.db.execute("SELECT notes FROM events WHERE outcome = 'credit'")]
    assert events == ["Avoir AV-1 imputé sur FA-2 : 200,00\u00a0€ au 15/04/2026 (facture nommée par l'avoir)"]


def test_penalties_run_on_the_reduced_balance_from_the_credit_date(imp, store, write):
    imp(write("f.csv", HEADER
              + "FA-1;Boulangerie Martin;BM;02/01/2026;01/02/2026;1 000,00;1 000,00;\n"
              + "AV-1;Boulangerie Martin;BM;03/03/2026;03/03/2026;-400,00;-400,00;\n"))
    fa1 = next(i for i in card(store).invoices if i.number == "FA-1")
    # ECB 2.15 % + 10 = 12.15 % in H1 2026, 12.15 % (2.15 % on 1 July 2026) in H2 (seeded rates);
    # 1,000 € from 2 Feb to 3 Mar (30 days), then 600 € from 4 Mar to 23 Nov (265 days):
    # 100000 * 1215 * 30 + 60000 * 1215 * 265 = 3645000000 + 19318500000 = 22963500000 / 3650000 = 6291.37 -> 6291
    assert fa1.penalty_cents == 6291 + 4000


def test_debtor_in_credit_is_not_chased(imp, store, write):
    imp(write("f.csv", HEADER
              + "FA-1;Boulangerie Martin;BM;05/01/2026;04/02/2026;300,00;300,00;\n"
              + "AV-1;Boulangerie Martin;BM;10/03/2026;10/03/2026;-450,00;-450,00;\n"))
    c = card(store)
    assert c.due_cents == 0 and c.credit_cents == 15000 and c.in_credit
    assert c.net_cents == -15000
    assert sum(b.due_cents for b in aging_summary(store, AS_OF)) == 0
    from relance_tui.store.queue import work_queue

    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc)
    assert all(item.debtor_id != c.id for item in work_queue(store, now=now, today=AS_OF))


def test_reimport_of_the_same_file_changes_nothing_and_a_later_lettering_replaces_the_allocation(imp, store, write):
    content = (HEADER + "FA-1;Boulangerie Martin;BM;05/01/2026;04/02/2026;1 000,00;1 000,00;\n"
               + "AV-1;Boulangerie Martin;BM;15/02/2026;15/02/2026;-200,00;-200,00;\n")
    imp(write("f.csv", content))
    imp(write("f2.csv", content + "FA-3;Boulangerie Martin;BM;01/05/2026;31/05/2026;10,00;10,00;\n"))
    assert invoices(store)["FA-1"][:2] == (100000, 20000)
    assert store.db.execute("SELECT COUNT(*) FROM events WHERE outcome = 'credit'").fetchone()[0] == 1
    # the accountant letters AV-1 with FA-1: the export now shows FA-1 with 800 left and AV-1 used up
    imp(write("f3.csv", HEADER + "FA-1;Boulangerie Martin;BM;05/01/2026;04/02/2026;1 000,00;800,00;\n"
              + "AV-1;Boulangerie Martin;BM;15/02/2026;15/02/2026;-200,00;0,00;\n"))
    inv = invoices(store)
    assert inv["FA-1"][:3] == (100000, 20000, "open")  # 800 left, not 600
    assert store.db.execute("SELECT COUNT(*) FROM payments WHERE source = 'allocation'").fetchone()[0] == 0


def test_payment_is_applied_before_credit_notes(imp, store, write):
    imp(write("f.csv", HEADER + "FA-1;Boulangerie Martin;BM;05/01/2026;04/02/2026;1 000,00;1 000,00;\n"
              + "AV-1;Boulangerie Martin;BM;15/02/2026;15/02/2026;-200,00;-200,00;\n"))
    c = card(store)
    # the customer pays 800 €, what it owes net: FA-1 is settled, by money and the credit note
    record_payment(store, c.id, day=dt.date(2026, 3, 1), amount_cents=80000)
    assert invoices(store)["FA-1"][:3] == (100000, 100000, "paid")
    assert card(store).due_cents == 0


def test_penalties_on_an_invoice_paid_30_days_late_are_shown_and_can_be_waived(imp, store, write):
    imp(write("f.csv", HEADER + "FA-1;Boulangerie Martin;BM;02/01/2026;01/02/2026;1 000,00;1 000,00;\n"
              + "FA-2;Boulangerie Martin;BM;02/01/2026;01/12/2026;100,00;100,00;\n"))
    record_payment(store, card(store).id, day=dt.date(2026, 3, 3), amount_cents=100000)
    c = card(store)
    fa1 = next(i for i in c.invoices if i.number == "FA-1")
    # paid on 3 March, due 1 February: 30 days at 12.15 %: 100000 * 1215 * 30 / 3650000 = 998.63 -> 999; + 40 €
    assert fa1.status == "paid" and fa1.paid_late and fa1.penalty_cents == 999 + 4000
    assert c.paid_late_penalty_cents == 4999
    from relance_tui.store.cards import waive_penalties

    waive_penalties(store, c.id, [fa1.id], reason="geste commercial, client fidèle")
    c = card(store)
    assert c.paid_late_penalty_cents == 0
    assert next(i for i in c.invoices if i.number == "FA-1").waived
    assert store.db.execute("SELECT notes FROM events WHERE outcome = 'waiver'").fetchone()[0].endswith(
        "geste commercial, client fidèle")


def test_a_paid_amount_without_a_date_makes_the_penalty_not_computable_until_a_dated_payment(imp, store, write):
    report = imp(write("f.csv", HEADER + "FA-1;Boulangerie Martin;BM;02/01/2026;01/02/2026;1 000,00;0,00;\n"))
    assert any("sans date de paiement" in n for n in report.notes)  # the import report says so
    fa1 = next(i for i in card(store).invoices if i.number == "FA-1")
    assert fa1.status == "paid" and fa1.penalty_cents is None and "sans date" in fa1.penalty_unknown
    assert card(store).undated_penalties
    imp(write("p.csv", "Date de paiement;N° facture;Montant;Référence\n03/03/2026;FA-1;1 000,00;VIR 1\n"))
    fa1 = next(i for i in card(store).invoices if i.number == "FA-1")
    assert fa1.penalty_cents == 999 + 4000 and fa1.penalty_unknown is None
    assert invoices(store)["FA-1"][:3] == (100000, 100000, "paid")


def test_the_call_script_mentions_penalties_on_invoices_paid_late_and_credit_notes(imp, store, write):
    from relance_tui.config import OfficeSettings
    from relance_tui.io.callscript import call_context, load_script
    from relance_tui.io.templates import Templates

    imp(write("f.csv", HEADER + "FA-1;Boulangerie Martin;BM;02/01/2026;01/02/2026;1 000,00;1 000,00;\n"
              + "FA-2;Boulangerie Martin;BM;02/09/2026;02/10/2026;500,00;500,00;\n"
              + "AV-1;Boulangerie Martin;BM;10/10/2026;10/10/2026;-100,00;-100,00;FA-2\n"))
    record_payment(store, card(store).id, day=dt.date(2026, 3, 3), amount_cents=100000)
    c = card(store)
    context = call_context(c, agent="Marie", office=OfficeSettings(), today=AS_OF, contact=None)
    assert context["total_due"] == 40000  # FA-2 net of AV-1
    assert context["paid_late_penalties"] == 999 + 4000 and context["paid_late_count"] == 1
    phases, _objections, problems = load_script(Templates(None), context)
    prepare = phases[0].body
    assert "Avoirs déjà déduits : avoir AV-1 imputé sur FA-2." in prepare
    assert "réglées en retard : 49,99\u00a0€ (1 facture)" in prepare
    assert problems == []
