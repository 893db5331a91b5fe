"""The import's merge (store/imports.py), pinned rule by rule on rows staged by hand: a payments file applied
invoice by invoice or to a debtor's oldest, what is skipped or refused and in which words, the payment rows and
timeline events it writes; an invoices file's debtors, invoices, payments and summaries."""

from __future__ import annotations

import json

from relance_tui.domain.text import name_key
from relance_tui.store import Store, staging
from relance_tui.store import imports as st

AT = "2026-11-23T10:00:00+00:00"
AS_OF = "2026-11-24"


def inv(line: int, number: str, amount: int = 10_000, *, paid: int | None = None, debtor: str = "Garage Martin",
        code: str = "", issue: str = "2026-01-15", due: str | None = "2026-02-14", **more) -> tuple:
    """One staged invoice row (staging.INVOICE_COLUMNS); ``more`` sets any other column by name."""
    nkey = name_key(debtor)
    key = more.pop("debtor_key", None) or (f"C{code}" if code else f"N{nkey}")
    row = {"line": line, "number": number, "debtor_code": code, "debtor_name": debtor, "name_key": nkey,
           "siren": "", "siret": "", "issue": issue, "due": due, "amount": amount, "paid": paid, "paid_date": None,
           "email": "", "phone": "", "contact": "", "address": "", "postcode": "", "city": "", "currency": "EUR",
           "fingerprint": f"{key}|{number}|{amount}|{paid}", "raw": f"{number}\x1f{debtor}\x1f{amount}",
           "debtor_key": key, "origin": "", "country": "", "enterprise_number": "", "delivery": None,
           "language": ""}
    row.update(more)
    return tuple(row[c] for c in staging.INVOICE_COLUMNS)


def pay(line: int, amount: int, *, number: str = "", code: str = "", debtor: str = "", day: str = "2026-04-01",
        reference: str = "", kind: str = "payment") -> tuple:
    """One staged payment row (staging.PAYMENT_COLUMNS): to an invoice by number, else to a debtor."""
    return (line, number, code, name_key(debtor), day, amount, reference, "", f"{line}\x1f{number}\x1f{amount}", kind)


def stage(store: Store, invoices: list[tuple] = (), payments: list[tuple] = ()) -> None:
    with staging.staging_transaction(store.conn, "import de test"):
        staging.reset_staging(store.conn)
        staging.stage_invoices(store.conn, invoices)
        staging.stage_payments(store.conn, payments)
        staging.index_staging(store.conn)


def merge(store: Store, rows: list[tuple], payments: list[tuple] = (), *, full: bool = False,
          label: str = "export.csv", terms: int = 30) -> st.MergeCounts:
    stage(store, rows, payments)
    return store.write(lambda db: st.merge_invoices(db, at=AT, agent="marie", as_of=AS_OF, file_label=label,
                                                   sha256="ab" * 32, default_terms=terms, full=full))


def merge_pay(store: Store, payments: list[tuple], *, label: str = "paiements.csv") -> st.MergeCounts:
    stage(store, [], payments)
    return store.write(lambda db: st.merge_payments(db, at=AT, agent="paul", file_label=label))


def q(store: Store, sql: str, *args) -> list[tuple]:
    return store.conn.execute(sql, args).fetchall()


def invoice(store: Store, number: str) -> tuple:
    """(amount, paid, credited, status, paid date) of an invoice."""
    return q(store, "SELECT amount_cents, paid_cents, credited_cents, status, paid_date FROM invoices "
                    "WHERE number = ?", number)[0]


def payments(store: Store, source: str = "import") -> list[tuple]:
    """(invoice number, day, cents, reference, undated) of the payment rows of a source, in order written."""
    return q(store, "SELECT i.number, p.day, p.amount_cents, p.reference, p.undated FROM payments p "
                    "JOIN invoices i ON i.id = p.invoice_id WHERE p.source = ? ORDER BY p.id", source)


def events(store: Store, kind: str = "payment", since: int = 0) -> list[tuple]:
    """(debtor name, outcome, notes, data) of the events of a kind, in order written."""
    return [(name, outcome, notes, json.loads(data) if data else None) for name, outcome, notes, data in q(
        store, "SELECT d.name, e.outcome, e.notes, e.data FROM events e LEFT JOIN debtors d ON d.id = e.debtor_id "
               "WHERE e.kind = ? AND e.id > ? ORDER BY e.id", kind, since)]


def last_event(store: Store) -> int:
    return q(store, "SELECT COALESCE(MAX(id), 0) FROM events")[0][0]


# -- a payments file ---------------------------------------------------------------------------------------------


def two_debtors(store: Store) -> None:
    """Garage Martin (code GM): FA-1 100,00 € due 14/02, FA-2 200,00 € due 14/03; Dupond (no code): FA-3 50,00 €."""
    c = merge(store, [inv(2, "FA-1", 10_000, code="GM"),
                      inv(3, "FA-2", 20_000, code="GM", issue="2026-02-12", due="2026-03-14"),
                      inv(4, "FA-3", 5_000, debtor="Dupond")])
    assert c.problems == [] and c.invoices_created == 3


def test_a_payment_naming_its_invoice_is_one_payment_row_one_event_and_pays_it_off_when_whole(store):
    two_debtors(store)
    before = last_event(store)
    c = merge_pay(store, [pay(2, 4_000, number="FA-2", reference="VIR 1", day="2026-04-02"),
                          pay(3, 5_000, number="FA-3", day="2026-04-03")])
    assert c.problems == [] and c.payments_created == 2 and c.invoices_paid == 1 and c.payments_skipped == 0
    assert c.events == 2  # the two payment events, nothing else: no credit note to apply
    assert payments(store) == [("FA-2", "2026-04-02", 4_000, "VIR 1", 0), ("FA-3", "2026-04-03", 5_000, "", 0)]
    assert invoice(store, "FA-2") == (20_000, 4_000, 0, "open", None)
    assert invoice(store, "FA-3") == (5_000, 5_000, 0, "paid", "2026-04-03")
    got = events(store, since=before)
    assert [(name, outcome, notes) for name, outcome, notes, _ in got] == [
        ("Garage Martin", "partial", "Paiement de 40,00\u00a0€ (VIR 1) du 02/04/2026 sur la facture FA-2, "
                                     "importé de paiements.csv"),
        ("Dupond", "paid", "Paiement de 50,00\u00a0€ (sans référence) du 03/04/2026 sur la facture FA-3, "
                           "importé de paiements.csv")]
    fa2 = q(store, "SELECT id FROM invoices WHERE number = 'FA-2'")[0][0]
    assert got[0][3] == {"invoice_id": fa2, "number": "FA-2", "amount_cents": 4_000, "day": "2026-04-02",
                         "reference": "VIR 1", "source": "import", "file": "paiements.csv"}
    linked = q(store, "SELECT i.number FROM event_invoices l JOIN invoices i ON i.id = l.invoice_id "
                      "WHERE l.event_id > ? ORDER BY l.event_id", before)
    assert linked == [("FA-2",), ("FA-3",)]


def test_a_payments_file_imported_again_skips_each_payment_already_there_by_day_reference_and_amount(store):
    two_debtors(store)
    rows = [pay(2, 4_000, number="FA-2", reference="VIR 1"), pay(3, 1_000, code="GM", reference="VIR 2")]
    assert merge_pay(store, rows).payments_created == 2
    again = merge_pay(store, rows)
    assert again.problems == [] and again.payments_skipped == 2 and again.payments_created == 0 and again.events == 0
    assert len(payments(store)) == 2


def test_a_payment_with_no_reference_or_another_amount_is_never_taken_for_one_already_imported(store):
    two_debtors(store)
    merge_pay(store, [pay(2, 1_000, number="FA-2"), pay(3, 1_000, number="FA-1", reference="VIR 1")])
    # the same day, debtor and amount with no reference; the same reference for another amount: new money
    c = merge_pay(store, [pay(2, 1_000, number="FA-2"), pay(3, 1_500, number="FA-1", reference="VIR 1")])
    assert c.payments_skipped == 0 and c.payments_created == 2
    assert invoice(store, "FA-2")[1] == 2_000 and invoice(store, "FA-1")[1] == 2_500


def test_a_payment_recorded_by_hand_with_the_same_reference_is_not_an_import_already_made(store):
    two_debtors(store)
    debtor = q(store, "SELECT id FROM debtors WHERE code = 'GM'")[0][0]
    store.write(lambda db: db.execute(
        "INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, reference, source, created_at, created_by) "
        "SELECT ?, id, '2026-04-01', 1000, 'VIR 1', 'manual', 'x', 'x' FROM invoices WHERE number = 'FA-1'",
        [debtor]))
    c = merge_pay(store, [pay(2, 1_000, number="FA-1", reference="VIR 1")])
    assert c.payments_skipped == 0 and c.payments_created == 1


def test_every_unknown_invoice_or_debtor_of_a_payments_file_is_said_by_its_line(store):
    two_debtors(store)
    c = merge_pay(store, [pay(2, 100, number="FA-404"), pay(3, 100, number="FA-405"), pay(4, 100, code="NOPE"),
                          pay(5, 100, debtor="SARL Garage Inconnu"), pay(6, 100, number="FA-1")])
    assert c.problems == [(2, "numéro de facture", "facture FA-404 inconnue"),
                          (3, "numéro de facture", "facture FA-405 inconnue"),
                          (4, "client", "client NOPE inconnu"),
                          (5, "client", "client garage inconnu inconnu")]
    assert c.payments_created == 1  # the caller rolls back a file with problems; the merge says them all


def test_a_payment_to_a_debtor_by_code_or_by_name_goes_to_its_oldest_due_invoice_first(store):
    two_debtors(store)
    c = merge_pay(store, [pay(2, 12_000, code="GM", reference="VIR GM"), pay(3, 2_000, debtor="DUPOND SARL")])
    assert c.problems == [] and c.payments_created == 3 and c.invoices_paid == 1
    assert payments(store) == [("FA-1", "2026-04-01", 10_000, "VIR GM", 0), ("FA-2", "2026-04-01", 2_000, "VIR GM", 0),
                               ("FA-3", "2026-04-01", 2_000, "", 0)]
    assert invoice(store, "FA-1") == (10_000, 10_000, 0, "paid", "2026-04-01")
    assert invoice(store, "FA-2")[1:4] == (2_000, 0, "open")


def test_a_payment_over_what_is_owed_is_refused_naming_the_invoice_or_the_debtor_s_open_invoices(store):
    two_debtors(store)
    merge(store, [inv(2, "AV-1", -3_000, code="GM", issue="2026-02-20", due="2026-02-20", origin="FA-2")])
    c = merge_pay(store, [pay(2, 20_001, number="FA-2"), pay(3, 30_001, code="GM"), pay(4, 1, number="AV-1"),
                          pay(5, 27_000, code="GM")])
    # FA-2 owes 200,00 € less the 30,00 € credit note that names it: a payment goes to what the accounts say
    # is owed (the credit note is applied again afterwards); a credit note is owed nothing
    assert c.problems == [
        (2, "montant", "paiement 200,01\u00a0€ supérieur au reste dû sur la facture FA-2 (200,00\u00a0€)"),
        (3, "montant", "paiement 300,01\u00a0€ supérieur au reste dû sur les factures ouvertes de ce client "
                       "(300,00\u00a0€)"),
        (4, "montant", "paiement 0,01\u00a0€ supérieur au reste dû sur la facture AV-1 (0,00\u00a0€)")]
    assert c.payments_created == 2  # line 5: FA-1 then 170,00 € of FA-2


def test_money_paid_to_a_debtor_is_new_money_never_the_date_of_an_undated_payment(store):
    # the export said FA-1 had 40,00 € paid, without a date
    merge(store, [inv(2, "FA-1", 10_000, code="GM", paid=4_000), inv(3, "FA-2", 20_000, code="GM", due="2026-03-14")])
    assert payments(store) == [("FA-1", AS_OF, 4_000, "import export.csv", 1)]
    c = merge_pay(store, [pay(2, 26_000, code="GM", day="2026-04-05")])
    assert c.problems == [] and c.payments_created == 2 and c.invoices_paid == 2
    assert payments(store)[1:] == [("FA-1", "2026-04-05", 6_000, "", 0), ("FA-2", "2026-04-05", 20_000, "", 0)]
    assert invoice(store, "FA-1")[:4] == (10_000, 10_000, 0, "paid")


def test_a_payment_naming_an_invoice_dates_the_money_an_export_showed_undated(store):
    merge(store, [inv(2, "FA-1", 10_000, code="GM", paid=4_000)])
    c = merge_pay(store, [pay(2, 10_000, number="FA-1", day="2026-04-05", reference="VIR 9")])
    assert c.problems == [] and c.payments_created == 1 and c.invoices_paid == 1
    assert invoice(store, "FA-1") == (10_000, 10_000, 0, "paid", "2026-04-05")
    assert [p for p in payments(store) if p[4] == 0] == [("FA-1", "2026-04-05", 10_000, "VIR 9", 0)]


def test_a_payment_goes_to_what_the_accounts_say_is_owed_and_the_credit_note_moves_to_what_is_left(store):
    two_debtors(store)
    merge(store, [inv(2, "AV-1", -3_000, code="GM", issue="2026-02-20", due="2026-02-20")])
    assert invoice(store, "FA-1")[1:4] == (3_000, 3_000, "open")  # the credit note on the oldest open invoice
    before = last_event(store)
    c = merge_pay(store, [pay(2, 10_000, number="FA-1", day="2026-04-02", reference="VIR 1")])
    assert c.problems == [] and c.payments_created == 1 and c.invoices_paid == 1
    assert c.credits_applied == 2 and c.events == 3
    assert invoice(store, "FA-1") == (10_000, 10_000, 0, "paid", "2026-04-02")
    assert invoice(store, "FA-2")[1:4] == (3_000, 3_000, "open")
    assert [(outcome, notes) for _, outcome, notes, _ in events(store, since=before)] == [
        ("paid", "Paiement de 100,00\u00a0€ (VIR 1) du 02/04/2026 sur la facture FA-1, importé de paiements.csv"),
        ("credit", "Avoir AV-1 imputé sur FA-2 : 30,00\u00a0€ au 20/02/2026 (plus ancienne facture ouverte)"),
        ("credit_released", "Imputation de l'avoir AV-1 sur FA-1 (30,00\u00a0€) retirée : la comptabilité l'a "
                            "lettré, ou la facture est réglée autrement")]
    assert q(store, "SELECT DISTINCT updated_by FROM invoices WHERE number IN ('FA-1', 'AV-1')") == [("paul",)]


def test_a_payment_to_a_debtor_reaches_its_next_invoice_even_for_one_cent(store):
    two_debtors(store)
    c = merge_pay(store, [pay(2, 10_001, code="GM")])
    assert c.payments_created == 2 and c.invoices_paid == 1
    assert [p[:3] for p in payments(store)] == [("FA-1", "2026-04-01", 10_000), ("FA-2", "2026-04-01", 1)]
    assert invoice(store, "FA-2")[1] == 1


def test_dating_money_an_export_showed_as_paying_an_invoice_off_pays_off_nothing_new(store):
    merge(store, [inv(2, "FA-1", 10_000, code="GM", paid=10_000)])
    assert invoice(store, "FA-1")[3] == "paid"
    c = merge_pay(store, [pay(2, 10_000, number="FA-1", day="2026-03-30", reference="VIR 3")])
    assert c.problems == [] and c.payments_created == 1 and c.invoices_paid == 0
    assert invoice(store, "FA-1")[:4] == (10_000, 10_000, 0, "paid")


def test_a_credit_note_left_with_nothing_to_reduce_after_a_payment_is_changed_by_who_imported_it(store):
    merge(store, [inv(2, "FA-1", 10_000, code="GM"),
                  inv(3, "AV-1", -3_000, code="GM", issue="2026-02-20", due="2026-02-20")])
    assert invoice(store, "AV-1")[1:3] == (-3_000, -3_000)  # its 30,00 € used on FA-1
    c = merge_pay(store, [pay(2, 10_000, number="FA-1")])
    assert c.problems == [] and c.invoices_paid == 1 and c.credits_applied == 1
    assert q(store, "SELECT paid_cents, credited_cents, status, updated_at, updated_by FROM invoices "
                    "WHERE number = 'AV-1'") == [(0, 0, "open", AT, "paul")]


def test_a_payments_file_leaves_the_credit_notes_of_other_debtors_as_they_were(store):
    merge(store, [inv(2, "FA-1", 10_000, code="GM"),
                  inv(3, "FA-3", 5_000, debtor="Dupond"),
                  inv(4, "AV-3", -1_000, debtor="Dupond", issue="2026-02-20", due="2026-02-20")])
    untouched = "SELECT number, paid_cents, credited_cents, updated_by, version FROM invoices WHERE number LIKE '%-3'"
    before = q(store, untouched)
    assert before == [("FA-3", 1_000, 1_000, "marie", 1), ("AV-3", -1_000, -1_000, "marie", 1)]
    merge_pay(store, [pay(2, 10_000, number="FA-1")])
    assert q(store, untouched) == before


def test_a_payment_s_details_on_the_timeline_keep_their_accents_as_written(store):
    two_debtors(store)
    merge_pay(store, [pay(2, 1_000, number="FA-1", reference="Chèque Hélène")], label="règlements.csv")
    raw = q(store, "SELECT data FROM events WHERE kind = 'payment' ORDER BY id DESC LIMIT 1")[0][0]
    assert '"reference": "Chèque Hélène"' in raw and '"file": "règlements.csv"' in raw


# -- an invoices file: invoices known and new, their payments and the import's summary ---------------------------


def first_export(store: Store) -> None:
    """GM: FA-1 100,00 €, FA-2 200,00 € and AV-1 -20,00 € naming FA-2; Dupond: FA-3 50,00 €."""
    c = merge(store, [inv(2, "FA-1", 10_000, code="GM"), inv(3, "FA-2", 20_000, code="GM", due="2026-03-14"),
                      inv(4, "FA-3", 5_000, debtor="Dupond"),
                      inv(5, "AV-1", -2_000, code="GM", origin="FA-2", issue="2026-02-01", due="2026-02-01")])
    assert (c.debtors_created, c.invoices_created, c.credit_notes, c.credits_applied) == (2, 4, 1, 1)
    assert c.events == 3  # the credit note applied, a summary for each debtor


def test_a_second_export_updates_what_changed_pays_what_it_says_paid_and_counts_each(store):
    first_export(store)
    before = last_event(store)
    c = merge(store, [inv(2, "FA-1", 12_000, code="GM", paid=3_000),
                      inv(3, "FA-2", 20_000, code="GM", due="2026-03-14", paid=18_000, paid_date="2026-03-20"),
                      inv(4, "FA-3", 5_000, debtor="Dupond"), inv(6, "FA-4", 7_000, debtor="Dupond", paid=7_000),
                      inv(7, "AV-2", -1_000, debtor="Dupond", paid=-1_000)], label="export2.csv")
    assert c.problems == []
    assert (c.invoices_updated, c.unchanged, c.invoices_created, c.credit_notes) == (2, 1, 2, 1)
    assert (c.payments_created, c.invoices_paid, c.debtors_created, c.debtors_updated) == (3, 0, 0, 0)
    assert c.events == 4  # two payments seen, a summary for each debtor
    # what the export says paid: dated when it gives the day, else undated on the export's day
    assert payments(store) == [("FA-1", AS_OF, 3_000, "import export2.csv", 1),
                               ("FA-2", "2026-03-20", 18_000, "import export2.csv", 0),
                               ("FA-4", AS_OF, 7_000, "import export2.csv", 1)]
    assert invoice(store, "FA-1") == (12_000, 3_000, 0, "open", None)
    assert invoice(store, "FA-2") == (20_000, 20_000, 2_000, "paid", "2026-03-20")  # AV-1 pays the rest
    assert invoice(store, "FA-4") == (7_000, 7_000, 0, "paid", AS_OF)
    assert invoice(store, "AV-2") == (-1_000, -1_000, 0, "paid", None)
    got = events(store, since=before)
    assert [(n, o, t) for n, o, t, _ in got] == [
        ("Garage Martin", "partial", "Paiement de 30,00\u00a0€ sur la facture FA-1 constaté à l'import de export2.csv"),
        ("Garage Martin", "partial", "Paiement de 180,00\u00a0€ sur la facture FA-2 constaté à l'import de "
                                     "export2.csv")]
    ids = dict(q(store, "SELECT number, id FROM invoices"))
    assert got[0][3] == {"invoice_id": ids["FA-1"], "number": "FA-1", "amount_cents": 3_000, "source": "import",
                         "file": "export2.csv"}
    summaries = events(store, kind="import", since=before)
    assert [(n, o, t) for n, o, t, _ in summaries] == [
        ("Garage Martin", "sync", "Import de export2.csv : 0 nouvelle facture, 2 modifiées"),
        ("Dupond", "sync", "Import de export2.csv : 2 nouvelles factures, 0 modifiée")]
    gm, dupond = (data for *_, data in summaries)
    assert (gm["file"], gm["sha256"]) == ("export2.csv", "ab" * 32)
    assert [n for n in gm["new"] if n] == [] and [n for n in gm["changed"] if n] == ["FA-1", "FA-2"]
    assert sorted(n for n in dupond["new"] if n) == ["AV-2", "FA-4"] and [n for n in dupond["changed"] if n] == []
    # each event of the import linked to its invoices: a payment to its own, a summary to those it names
    links = q(store, "SELECT e.kind, d.name, i.number FROM event_invoices l JOIN events e ON e.id = l.event_id "
                     "JOIN invoices i ON i.id = l.invoice_id JOIN debtors d ON d.id = e.debtor_id "
                     "WHERE e.id > ? ORDER BY e.id, i.number", before)
    assert links == [("payment", "Garage Martin", "FA-1"), ("payment", "Garage Martin", "FA-2"),
                     ("import", "Garage Martin", "FA-1"), ("import", "Garage Martin", "FA-2"),
                     ("import", "Dupond", "AV-2"), ("import", "Dupond", "FA-4")]


def test_an_export_that_pays_an_invoice_off_then_one_that_takes_the_payment_back(store):
    first_export(store)
    c = merge(store, [inv(2, "FA-1", 10_000, code="GM", paid=10_000, paid_date="2026-03-02"),
                      inv(4, "FA-3", 5_000, debtor="Dupond", paid=1_000)], label="mars.csv")
    assert c.invoices_paid == 1 and c.payments_created == 2
    assert invoice(store, "FA-1") == (10_000, 10_000, 0, "paid", "2026-03-02")
    before = last_event(store)
    c = merge(store, [inv(2, "FA-1", 10_000, code="GM", paid=0), inv(4, "FA-3", 5_000, debtor="Dupond", paid=5_000)],
              label="avril.csv")
    assert (c.invoices_updated, c.invoices_paid, c.payments_created) == (2, 1, 2)
    assert invoice(store, "FA-1") == (10_000, 0, 0, "open", None)
    assert invoice(store, "FA-3") == (5_000, 5_000, 0, "paid", AS_OF)
    assert [(n, o, t, d["amount_cents"]) for n, o, t, d in events(store, since=before)] == [
        ("Garage Martin", "reversed", "Paiement de la facture FA-1 annulé dans avril.csv", -10_000),
        ("Dupond", "paid", "Paiement de 40,00\u00a0€ sur la facture FA-3 constaté à l'import de avril.csv", 4_000)]
    assert payments(store)[-2:] == [("FA-1", AS_OF, -10_000, "import avril.csv", 1),
                                    ("FA-3", AS_OF, 4_000, "import avril.csv", 1)]


# -- what refuses an invoices file before anything is written ----------------------------------------------------


def test_each_wrong_row_is_said_by_its_line_and_nothing_is_merged(store):
    first_export(store)
    merge_pay(store, [pay(2, 6_000, number="FA-1", reference="VIR")])
    state = q(store, "SELECT COUNT(*), SUM(amount_cents) FROM invoices")
    c = merge(store, [inv(2, "FA-9", issue="2026-01-15", due="2026-01-10"),
                      inv(3, "FA-1", 5_000, code="GM"),  # 60,00 € already paid on it
                      inv(4, "FA-2", 19_000, code="GM", paid=20_000),
                      inv(5, "FA-7", code="FR1", debtor="Lefèvre", country="FR"),
                      inv(6, "FA-8", code="FR1", debtor="Lefèvre", country="BE"),
                      inv(7, "FA-10", code="FR1", debtor="Lefèvre", country="FR", language="nl"),
                      inv(8, "FA-11", code="FR1", debtor="Lefèvre", language="fr", enterprise_number="0987654321"),
                      inv(9, "FA-12", code="FR1", debtor="Lefèvre", enterprise_number="0123456749")])
    assert c.problems == [
        (2, "date d'échéance", "échéance 2026-01-10 antérieure à la date de facture 2026-01-15 (FA-9)"),
        (3, "montant", "montant 50,00\u00a0€ inférieur à ce qui est déjà réglé (60,00\u00a0€) sur la facture FA-1"),
        (4, "montant", "montant 190,00\u00a0€ inférieur à ce qui est déjà réglé (200,00\u00a0€) sur la facture FA-2"),
        (5, "pays", "pays différents pour le même client Lefèvre (BE, FR)"),
        (7, "langue", "langues différentes pour le même client Lefèvre (fr, nl)"),
        (8, "numéro d'entreprise (BCE/KBO)",
         "numéros d'entreprise différents pour le même client Lefèvre (0123456749, 0987654321)")]
    assert (c.debtors_created, c.invoices_created, c.invoices_updated, c.events) == (0, 0, 0, 0)
    assert q(store, "SELECT COUNT(*), SUM(amount_cents) FROM invoices") == state


def test_a_row_with_no_due_date_is_due_after_its_debtor_s_terms_else_the_office_s(store):
    merge(store, [inv(2, "FA-1", code="GM")])
    store.write(lambda db: db.execute("UPDATE debtors SET payment_terms_days = 45 WHERE code = 'GM'"))
    c = merge(store, [inv(2, "FA-2", code="GM", due=None), inv(3, "FA-3", code="NEW", debtor="Neuf", due=None)],
              terms=60)
    assert c.problems == [] and c.invoices_created == 2
    assert q(store, "SELECT number, due_date FROM invoices WHERE number IN ('FA-2', 'FA-3') ORDER BY number") == [
        ("FA-2", "2026-03-01"), ("FA-3", "2026-03-16")]  # 15/01 + 45 days; + 60 days


# -- debtors: matched, created, completed; their contacts --------------------------------------------------------


def debtor(store: Store, name: str) -> tuple:
    """(code, siren, siret, enterprise number, country, address, postcode, city, language, updated_by, version)."""
    return q(store, "SELECT code, siren, siret, enterprise_number, country, address, postcode, city, language, "
                    "updated_by, version FROM debtors WHERE name = ?", name)[0]


def test_a_new_debtor_takes_what_its_rows_say_and_belgium_for_a_belgian_number_alone(store):
    c = merge(store, [inv(2, "FA-1", code="GM", siren="732829320", siret="73282932000074", address="1 rue Haute",
                          postcode="69001", city="Lyon", country="FR", language="fr"),
                      inv(3, "FA-2", code="GM", siren="732829320"),
                      inv(4, "FA-3", debtor="Brugge BV", enterprise_number="0123456749"),
                      inv(5, "FA-4", debtor="Sans Rien")])
    assert c.problems == [] and c.debtors_created == 3 and c.debtors_updated == 0
    assert debtor(store, "Garage Martin") == ("GM", "732829320", "73282932000074", None, "FR", "1 rue Haute", "69001",
                                              "Lyon", "fr", "marie", 1)
    assert debtor(store, "Brugge BV")[:5] == (None, None, None, "0123456749", "BE")
    assert debtor(store, "Sans Rien")[:5] == (None, None, None, None, "")
    assert q(store, "SELECT COUNT(*) FROM events WHERE kind = 'edit'") == [(0,)]  # a new card is not a change


def test_a_known_debtor_gets_what_its_card_lacks_and_keeps_what_it_has(store):
    merge(store, [inv(2, "FA-1", debtor="Garage Martin", siren="732829320"), inv(3, "FA-2", debtor="Dupond")])
    c = merge(store, [inv(2, "FA-3", debtor="Garage Martin", code="GM", siren="999999999", siret="73282932000074",
                          debtor_key="NGM"),
                      inv(3, "FA-4", debtor="Dupond")])
    assert c.problems == [] and c.debtors_created == 0 and c.debtors_updated == 1
    assert debtor(store, "Garage Martin")[:3] == ("GM", "732829320", "73282932000074")
    assert debtor(store, "Garage Martin")[9:] == ("marie", 2)
    assert debtor(store, "Dupond")[10] == 1  # nothing new on it: untouched


def test_a_new_card_is_found_by_its_search_text_and_so_is_what_an_import_adds_to_a_known_one(store):
    merge(store, [inv(2, "FA-1", debtor="Garage Martin"), inv(3, "FA-2", debtor="Dupond")])
    search = "SELECT search FROM debtors WHERE name = ?"
    assert q(store, search, "Garage Martin") == [("garage martin",)]
    c = merge(store, [inv(2, "FA-3", debtor="Garage Martin", siren="732829320")])
    assert (c.debtors_updated, c.contacts_created) == (1, 0)
    assert q(store, search, "Garage Martin") == [("garage martin | 732829320",)]
    c = merge(store, [inv(2, "FA-4", debtor="Dupond", email="Compta@Dupond.fr")])
    assert (c.debtors_updated, c.contacts_created) == (0, 1)
    assert q(store, search, "Dupond") == [("dupond | service comptabilite compta@dupond.fr",)]


def test_a_contact_is_added_once_whatever_the_case_of_its_email_or_the_phone_it_is_known_by(store):
    c = merge(store, [inv(2, "FA-1", code="GM", email="compta@gm.fr", contact="Mme Roux"),
                      inv(3, "FA-2", code="GM", phone="0478000000"),
                      inv(4, "FA-3", code="GM", contact="M. Blanc")])
    assert c.contacts_created == 3
    assert q(store, "SELECT name, phone, email FROM contacts ORDER BY name") == [
        ("M. Blanc", "", ""), ("Mme Roux", "", "compta@gm.fr"), ("Service comptabilité", "0478000000", "")]
    store.write(lambda db: db.execute("UPDATE contacts SET phone2 = '0600000000' WHERE name = 'M. Blanc'"))
    c = merge(store, [inv(2, "FA-4", code="GM", email="COMPTA@gm.fr"), inv(3, "FA-5", code="GM", phone="0478000000"),
                      inv(4, "FA-6", code="GM", phone="0600000000"), inv(5, "FA-7", code="GM", contact="M. Blanc"),
                      inv(6, "FA-8", code="GM", contact="Mme Roux", phone="0611111111")])
    assert c.contacts_created == 1
    assert q(store, "SELECT name, phone FROM contacts ORDER BY id DESC LIMIT 1") == [("Mme Roux", "0611111111")]


# -- dated payments an export gives (a FEC's settlements, one row per payment) -----------------------------------


def test_an_export_s_dated_payments_are_recorded_once_each_and_the_paid_figure_then_adds_no_undated_one(store):
    rows = [inv(2, "FA-1", 10_000, code="GM", paid=10_000, paid_date="2026-03-02"),
            inv(3, "FA-2", 20_000, code="GM", paid=5_000), inv(4, "FA-3", 5_000, code="GM", paid=5_000)]
    dated = [pay(2, 4_000, number="FA-1", day="2026-02-20", reference="VIR A"),
             pay(3, 6_000, number="FA-1", day="2026-03-02", reference="VIR B"),
             pay(4, 5_000, number="FA-2", day="2026-03-05", reference="AV 9", kind="credit"),
             pay(5, 0, day="2026-03-06")]  # no invoice number: not a payment of this file's invoices
    c = merge(store, rows, dated)
    assert c.problems == [] and (c.payments_created, c.payments_skipped) == (4, 0)
    assert q(store, "SELECT i.number, p.day, p.amount_cents, p.reference, p.kind, p.undated, p.source "
                    "FROM payments p JOIN invoices i ON i.id = p.invoice_id ORDER BY p.id") == [
        ("FA-1", "2026-02-20", 4_000, "VIR A", "payment", 0, "import"),
        ("FA-1", "2026-03-02", 6_000, "VIR B", "payment", 0, "import"),
        ("FA-2", "2026-03-05", 5_000, "AV 9", "credit", 0, "import"),
        ("FA-3", AS_OF, 5_000, "import export.csv", "payment", 1, "import")]  # FA-3: no dated payment given
    again = merge(store, rows, [*dated[:3], pay(6, 1_000, number="FA-2", day="2026-03-09", reference="VIR C")])
    assert (again.payments_created, again.payments_skipped) == (1, 3)
    assert q(store, "SELECT COUNT(*) FROM payments") == [(5,)]


# -- the import's own event, and a file imported before ----------------------------------------------------------


def test_the_import_event_says_who_imported_which_file_and_its_counts_and_is_found_by_its_sha256(store):
    assert store.write(lambda db: st.same_file_imported(db, "ab" * 32)) is None
    for at, agent in (("2026-11-20T09:00:00+00:00", "marie"), ("2026-11-21T09:00:00+00:00", "paul")):
        store.write(lambda db, at=at, agent=agent: st.record_import_event(
            db, at=at, agent=agent, kind="invoices", file_label="échéancier.csv", sha256="ab" * 32,
            counts={"rows": 3, "invoices_created": 2}))
    store.write(lambda db: st.record_import_event(db, at=AT, agent="lea", kind="invoices", file_label="autre.csv",
                                                  sha256="cd" * 32, counts={}))
    # a debtor's import summary is not the file's import
    merge(store, [inv(2, "FA-1", code="GM")])
    assert store.write(lambda db: st.same_file_imported(db, "ab" * 32)) == ("2026-11-21T09:00:00+00:00", "paul")
    assert store.write(lambda db: st.same_file_imported(db, "ef" * 32)) is None
    row = q(store, "SELECT at, debtor_id, kind, outcome, agent, notes, data FROM events WHERE kind = 'import' "
                   "AND debtor_id IS NULL ORDER BY id LIMIT 1")[0]
    assert row[:6] == ("2026-11-20T09:00:00+00:00", None, "import", "invoices", "marie",
                       "Import de échéancier.csv par marie")
    assert row[6] == ('{"file": "échéancier.csv", "invoices_created": 2, "kind": "invoices", "rows": 3, '
                      '"sha256": "' + "ab" * 32 + '"}')


def test_a_known_debtor_s_country_and_language_from_a_file_are_said_on_its_timeline(store):
    merge(store, [inv(2, "FA-1", debtor="Sans Rien"), inv(3, "FA-2", debtor="Brugge BV", language="fr")])
    c = merge(store, [inv(2, "FA-3", debtor="Sans Rien", enterprise_number="0123456749"),
                      inv(3, "FA-4", debtor="Brugge BV", language="nl")], label="odoo.csv")
    assert c.problems == [] and c.debtors_updated == 2 and c.payments_skipped == 0
    assert debtor(store, "Sans Rien")[3:5] == ("0123456749", "BE")
    assert debtor(store, "Brugge BV")[8] == "nl"
    assert [(name, outcome, notes) for name, outcome, notes, _ in events(store, kind="edit")] == [
        ("Brugge BV", "language", "Langue des courriers : français → néerlandais, selon l'import de odoo.csv"),
        ("Sans Rien", "country", "Pays du débiteur : inconnu → BE, selon l'import de odoo.csv")]


def test_a_known_credit_note_the_export_says_used_in_full_is_settled(store):
    merge(store, [inv(3, "AV-1", -1_000, debtor="Dupond", origin="FA-9", issue="2026-02-01", due="2026-02-01")])
    assert invoice(store, "AV-1")[3] == "open"  # nothing owed to apply it to
    c = merge(store, [inv(2, "AV-1", -1_500, debtor="Dupond", paid=-1_500, origin="FA-9", issue="2026-02-01",
                          due="2026-02-01")])
    assert c.problems == [] and c.invoices_updated == 1 and c.payments_created == 0
    assert invoice(store, "AV-1") == (-1_500, -1_500, 0, "paid", None)


def test_a_file_corrects_the_language_a_file_set_but_never_the_one_an_agent_chose(store):
    merge(store, [inv(2, "FA-1", debtor="Brugge BV"), inv(3, "FA-2", debtor="Dupond")])
    merge(store, [inv(2, "FA-3", debtor="Brugge BV", language="nl"), inv(3, "FA-4", debtor="Dupond", language="nl")],
          label="un.csv")
    # an agent chooses French for Dupond on the card: an 'edit' event with no source
    dupond = q(store, "SELECT id FROM debtors WHERE name = 'Dupond'")[0][0]
    store.write(lambda db: (db.execute("UPDATE debtors SET language = 'fr' WHERE id = ?", [dupond]), db.execute(
        "INSERT INTO events (at, debtor_id, kind, outcome, agent, notes, data) VALUES (?, ?, 'edit', 'language', "
        "'paul', 'Langue des courriers : français', ?)", [AT, dupond, json.dumps({"changes": {"language": ["nl", "fr"]}})])))
    c = merge(store, [inv(2, "FA-5", debtor="Brugge BV", language="en"), inv(3, "FA-6", debtor="Dupond", language="en")],
              label="deux.csv")
    assert c.problems == []
    assert (debtor(store, "Brugge BV")[8], debtor(store, "Dupond")[8]) == ("en", "fr")
    assert [(name, notes) for name, _, notes, _ in events(store, kind="edit")][-1] == (
        "Brugge BV", "Langue des courriers : néerlandais → anglais, selon l'import de deux.csv")


def test_what_a_payment_may_cover_is_what_is_left_after_the_payments_already_made(store):
    two_debtors(store)
    merge_pay(store, [pay(2, 4_000, number="FA-2", reference="VIR 1")])
    c = merge_pay(store, [pay(2, 16_001, number="FA-2", reference="VIR 2")])
    assert c.problems == [(2, "montant", "paiement 160,01\u00a0€ supérieur au reste dû sur la facture FA-2 "
                                         "(160,00\u00a0€)")]
    assert merge_pay(store, [pay(2, 16_000, number="FA-2", reference="VIR 2")]).invoices_paid == 1
