"""Imports, on the database side: a set-based merge of the staging tables into the shared ones.

The rows of a file are staged first (store/staging.py, store/fec.py); then one ``BEGIN IMMEDIATE``
transaction merges them: debtors matched by code, SIREN or name, invoices by number, every change
recorded as events. Memory stays flat whatever the file size; the write lock is held only for the merge.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from relance_tui.domain.money import format_cents
from relance_tui.domain.text import count
from relance_tui.store.conditions import OUTSTANDING_SQL
from relance_tui.store.credits import fit_undated, reallocate, release
from relance_tui.store.search import refresh_search

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass
class MergeCounts:
    debtors_created: int = 0
    debtors_updated: int = 0
    contacts_created: int = 0
    invoices_created: int = 0
    credit_notes: int = 0
    invoices_updated: int = 0
    invoices_paid: int = 0
    payments_created: int = 0
    payments_skipped: int = 0
    closed_by_full: int = 0
    credits_applied: int = 0  # credit-note allocations made or changed (store/credits.py)
    unchanged: int = 0
    events: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, field, message)
    rejected_lines: list[tuple[int, str, str]] = field(default_factory=list)  # (line, raw, reason)




def _resolve_debtors(db: Database) -> None:
    db.execute("UPDATE temp.imp_invoices SET debtor_id = (SELECT d.id FROM debtors d "
               "WHERE d.code = imp_invoices.debtor_code) WHERE debtor_code <> ''")
    db.execute("UPDATE temp.imp_invoices SET debtor_id = (SELECT d.id FROM debtors d "
               "WHERE d.siren = imp_invoices.siren ORDER BY d.id LIMIT 1) WHERE debtor_id IS NULL AND siren <> ''")
    db.execute("UPDATE temp.imp_invoices SET debtor_id = (SELECT d.id FROM debtors d "
               "WHERE d.enterprise_number = imp_invoices.enterprise_number ORDER BY d.id LIMIT 1) "
               "WHERE debtor_id IS NULL AND enterprise_number <> ''")
    db.execute("UPDATE temp.imp_invoices SET debtor_id = (SELECT d.id FROM debtors d "
               "WHERE d.name_key = imp_invoices.name_key AND (imp_invoices.debtor_code = '' OR d.code IS NULL) "
               "ORDER BY d.id LIMIT 1) WHERE debtor_id IS NULL AND name_key <> ''")


def merge_invoices(db: Database, *, at: str, agent: str, as_of: str, file_label: str, sha256: str,
                   default_terms: int, full: bool, max_full_share: float | None = 0.5) -> MergeCounts:
    """Merge ``temp.imp_invoices`` (and FEC payments in ``temp.imp_payments``) into the shared tables, inside
    the caller's transaction, in the steps below. Nothing is written while a row is wrong: the problems come
    back in ``MergeCounts.problems`` (also the refusal of a --full export that would close too much, after
    which the caller rolls back)."""
    c = MergeCounts()
    first_event = db.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
    common = {"at": at, "agent": agent, "as_of": as_of, "file": file_label, "sha": sha256,
              "terms": default_terms}
    c.problems = _check_rows(db, common)
    if c.problems:
        return c
    _merge_debtors(db, common, c)
    _update_known_invoices(db, common, c)
    _create_new_invoices(db, common, c)
    _record_payments(db, common, c)
    touched = {r[0] for r in db.execute("SELECT debtor_id FROM temp.imp_invoices UNION "
                                        "SELECT old_debtor FROM temp.imp_changes")}
    if full and not _close_missing(db, common, c, touched, max_full_share):
        return c
    # -- credit notes: applied again to what each debtor now owes (domain/credits.py) -------------
    c.credits_applied = reallocate(db, touched, at=at, agent=agent)
    fit_undated(db, [r[0] for r in db.execute("SELECT invoice_id FROM temp.imp_invoices WHERE invoice_id IS NOT NULL")])
    _summarise(db, common, first_event)
    c.events = db.execute("SELECT COUNT(*) FROM events WHERE id > ?", [first_event]).fetchone()[0]
    if c.debtors_created or c.debtors_updated or c.contacts_created:
        refresh_search(db, [r[0] for r in db.execute("SELECT DISTINCT debtor_id FROM temp.imp_invoices")])
    return c


def _check_rows(db: Database, common: dict) -> list[tuple[int, str, str]]:
    """Checks first: each staged row gets its debtor and invoice ids and its due date; the problems that
    refuse the import are returned, (line, field, message)."""
    problems: list[tuple[int, str, str]] = []
    _resolve_debtors(db)
    db.execute("UPDATE temp.imp_invoices SET invoice_id = (SELECT i.id FROM invoices i "
               "WHERE i.issuer = '' AND i.number = imp_invoices.number)")
    db.execute("UPDATE temp.imp_invoices SET due = date(issue, '+' || COALESCE((SELECT d.payment_terms_days "
               "FROM debtors d WHERE d.id = imp_invoices.debtor_id), :terms) || ' days') WHERE due IS NULL",
               common)
    for line, number, issue, due in db.execute(
            "SELECT line, number, issue, due FROM temp.imp_invoices WHERE due < issue ORDER BY line"):
        problems.append((line, "date d'échéance", f"échéance {due} antérieure à la date de facture {issue} "
                                                  f"({number})"))
    for line, number, paid, amount in db.execute(
            "SELECT s.line, s.number, COALESCE(s.paid, i.paid_cents - i.credited_cents), s.amount "
            "FROM temp.imp_invoices s JOIN invoices i ON i.id = s.invoice_id "
            "WHERE s.amount > 0 AND COALESCE(s.paid, i.paid_cents - i.credited_cents) > s.amount "
            "ORDER BY s.line"):
        problems.append((line, "montant", f"montant {format_cents(amount)} inférieur à ce qui est déjà réglé "
                                          f"({format_cents(paid)}) sur la facture {number}"))
    for column, label, what in (("country", "pays", "pays différents"), ("language", "langue", "langues différentes"),
                                ("enterprise_number", "numéro d'entreprise (BCE/KBO)",
                                 "numéros d'entreprise différents")):
        for line, name, values in db.execute(
                f"SELECT MIN(line), MIN(debtor_name), group_concat(DISTINCT {column}) FROM temp.imp_invoices "
                f"WHERE {column} <> '' GROUP BY COALESCE(debtor_id, debtor_key) "
                f"HAVING COUNT(DISTINCT {column}) > 1 ORDER BY MIN(line)"):
            problems.append((line, label, f"{what} pour le même client {name} "
                                          f"({', '.join(sorted(values.split(',')))})"))
    return problems


def _merge_languages(db: Database, common: dict) -> None:
    """The language the file states for a known debtor (``temp.imp_languages``: debtor, new language), on its
    timeline. A file corrects what a file said (or sets what nothing said, French included), never what an agent
    chose on the card (store/cards.set_language: an 'edit' event with no source)."""
    from relance_tui.domain.language import LANGUAGES

    def name(column: str) -> str:
        return f"CASE {column} " + " ".join(f"WHEN '{c}' THEN '{label}'" for c, label in LANGUAGES.items()) + " END"

    db.execute("DROP TABLE IF EXISTS temp.imp_languages")
    db.execute(
        "CREATE TEMP TABLE imp_languages AS SELECT d.id AS debtor_id, d.language AS old, s.language AS language "
        "FROM debtors d JOIN (SELECT debtor_id, MAX(language) AS language FROM temp.imp_invoices "
        "WHERE debtor_id IS NOT NULL GROUP BY debtor_id HAVING MAX(language) <> '') AS s ON s.debtor_id = d.id "
        "WHERE s.language <> COALESCE(d.language, '') AND COALESCE((SELECT "
        "COALESCE(json_extract(e.data, '$.source'), 'agent') FROM events e WHERE e.debtor_id = d.id "
        "AND e.kind = 'edit' AND e.outcome = 'language' ORDER BY e.id DESC LIMIT 1), 'import') = 'import'")
    # none chosen before: the file's language, said without a "before" (a debtor with none was written to in
    # its region's, French or Dutch: domain/language.debtor_language); an explicit French is kept too
    was = f"CASE WHEN COALESCE(old, '') = '' THEN '' ELSE {name('old')} || ' → ' END"
    db.execute(
        "INSERT INTO events (at, debtor_id, kind, outcome, agent, notes, data) "
        "SELECT :at, debtor_id, 'edit', 'language', :agent, 'Langue des courriers : ' || "
        f"{was} || {name('language')} || "
        "', selon l''import de ' || :file, json_object('changes', json_object('language', json_array(old, "
        "language)), 'source', 'import', 'file', :file) FROM temp.imp_languages ORDER BY debtor_id", common)


def _merge_debtors(db: Database, common: dict, c: MergeCounts) -> None:
    """Debtors: match by code, then SIREN, then name; create the rest."""
    # a new debtor's country: the file's, else Belgium for a Belgian enterprise number, else '' (unknown: the
    # office's country applies, domain/law.regime_for; migration 0009 made the old default 'FR' unknown too)
    c.debtors_created = db.execute(
        "INSERT INTO debtors (code, name, name_key, siren, siret, enterprise_number, country, address, postcode, "
        "city, language, created_at, updated_at, updated_by) SELECT NULLIF(debtor_code, ''), MIN(debtor_name), "
        "MIN(name_key), NULLIF(MAX(siren), ''), NULLIF(MAX(siret), ''), NULLIF(MAX(enterprise_number), ''), "
        "COALESCE(NULLIF(MAX(country), ''), CASE WHEN MAX(enterprise_number) <> '' THEN 'BE' END, ''), "
        "MAX(address), MAX(postcode), MAX(city), MAX(language), :at, :at, :agent "
        "FROM temp.imp_invoices WHERE debtor_id IS NULL GROUP BY debtor_key", common).rowcount
    if c.debtors_created:
        _resolve_debtors(db)
    _merge_languages(db, common)
    # fill in what the file knows and the card lacks; the country is the accounts' (nothing else sets it): the one the file states, else Belgium when the debtor gets its first
    # Belgian enterprise number. A country that changes changes the law applied: it is on the timeline.
    db.execute(
        "INSERT INTO events (at, debtor_id, kind, outcome, agent, notes, data) "
        "SELECT :at, d.id, 'edit', 'country', :agent, 'Pays du débiteur : ' || CASE WHEN d.country = '' "
        "THEN 'inconnu' ELSE d.country END || ' → ' || s.country "
        "|| ', selon l''import de ' || :file, json_object('changes', json_object('country', "
        "json_array(d.country, s.country)), 'source', 'import', 'file', :file) FROM debtors d JOIN "
        "(SELECT debtor_id, COALESCE(NULLIF(MAX(country), ''), CASE WHEN MAX(enterprise_number) <> '' THEN 'BE' END) "
        "AS country, MAX(country) <> '' AS stated FROM temp.imp_invoices GROUP BY debtor_id) AS s "
        "ON s.debtor_id = d.id WHERE s.country <> d.country AND (s.stated OR d.enterprise_number IS NULL) "
        "ORDER BY d.id", common)
    c.debtors_updated = db.execute(
        "UPDATE debtors SET code = COALESCE(debtors.code, s.code), siren = COALESCE(debtors.siren, s.siren), "
        "siret = COALESCE(debtors.siret, s.siret), enterprise_number = COALESCE(debtors.enterprise_number, s.bce), "
        "country = COALESCE(s.country, CASE WHEN debtors.enterprise_number IS NULL AND s.bce IS NOT NULL "
        "THEN 'BE' END, debtors.country), language = COALESCE(s.language, debtors.language), version = debtors.version + 1, updated_at = :at, "
        "updated_by = :agent "
        "FROM (SELECT debtor_id, NULLIF(MAX(debtor_code), '') AS code, NULLIF(MAX(siren), '') AS siren, "
        "NULLIF(MAX(siret), '') AS siret, NULLIF(MAX(enterprise_number), '') AS bce, "
        "NULLIF(MAX(country), '') AS country, l.language FROM temp.imp_invoices "
        "LEFT JOIN temp.imp_languages l USING (debtor_id) GROUP BY debtor_id) AS s "
        "WHERE debtors.id = s.debtor_id AND ((debtors.code IS NULL AND s.code IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM debtors o WHERE o.code = s.code)) "
        "OR (debtors.siren IS NULL AND s.siren IS NOT NULL) OR (debtors.siret IS NULL AND s.siret IS NOT NULL) "
        "OR (debtors.enterprise_number IS NULL AND s.bce IS NOT NULL) "
        "OR (s.country IS NOT NULL AND s.country <> debtors.country) "
        "OR s.language IS NOT NULL)",
        common).rowcount
    c.contacts_created = db.execute(
        "INSERT INTO contacts (debtor_id, name, phone, email, created_at, updated_at, updated_by) "
        "SELECT debtor_id, COALESCE(NULLIF(MAX(contact), ''), 'Service comptabilité'), phone, email, :at, :at, "
        ":agent FROM temp.imp_invoices i WHERE (email <> '' OR phone <> '' OR contact <> '') AND NOT EXISTS "
        "(SELECT 1 FROM contacts c WHERE c.debtor_id = i.debtor_id AND ((i.email <> '' AND lower(c.email) = "
        "lower(i.email)) OR (i.phone <> '' AND (c.phone = i.phone OR c.phone2 = i.phone)) OR (i.email = '' AND "
        "i.phone = '' AND c.name = i.contact))) GROUP BY debtor_id, email, phone",
        common).rowcount


def _update_known_invoices(db: Database, common: dict, c: MergeCounts) -> None:
    """Invoices we already have: what changed on them (``temp.imp_changes``, kept for the steps after),
    a payment event for each change of what was paid, the invoices updated."""
    db.execute("DROP TABLE IF EXISTS temp.imp_changes")
    db.execute(
        "CREATE TEMP TABLE imp_changes AS SELECT s.line, s.invoice_id, s.number, s.debtor_id AS new_debtor, "
        "i.debtor_id AS old_debtor, s.amount AS new_amount, i.amount_cents AS old_amount, s.due AS new_due, "
        "i.due_date AS old_due, COALESCE(s.paid, i.paid_cents - i.credited_cents) AS new_paid, "
        "i.paid_cents - i.credited_cents AS old_paid, s.paid_date, i.status AS old_status, s.issue AS new_issue, "
        "i.issue_date AS old_issue, s.origin AS new_origin, s.delivery AS new_delivery FROM temp.imp_invoices s "
        "JOIN invoices i ON i.id = s.invoice_id "
        "WHERE s.amount <> i.amount_cents OR s.due <> i.due_date OR s.debtor_id <> i.debtor_id "
        "OR s.issue <> i.issue_date OR (s.paid IS NOT NULL AND s.paid <> i.paid_cents - i.credited_cents) "
        "OR (s.origin <> '' AND s.origin IS NOT i.credit_for) "
        "OR (s.delivery IS NOT NULL AND s.delivery IS NOT i.delivery_date)")
    c.invoices_updated = db.execute("SELECT COUNT(*) FROM temp.imp_changes").fetchone()[0]
    c.unchanged = db.execute("SELECT COUNT(*) FROM temp.imp_invoices WHERE invoice_id IS NOT NULL").fetchone()[0] \
        - c.invoices_updated

    db.execute(
        "INSERT INTO events (at, debtor_id, kind, direction, outcome, agent, notes, data) "
        "SELECT :at, new_debtor, 'payment', 'in', CASE WHEN new_paid >= new_amount THEN 'paid' "
        "WHEN new_paid > old_paid THEN 'partial' ELSE 'reversed' END, :agent, "
        "CASE WHEN new_paid > old_paid THEN 'Paiement de ' || relance_money(new_paid - old_paid) || "
        "' sur la facture ' || number || ' constaté à l''import de ' || :file ELSE 'Paiement de la facture ' || "
        "number || ' annulé dans ' || :file END, "
        "json_object('invoice_id', invoice_id, 'number', number, 'amount_cents', new_paid - old_paid, "
        "'source', 'import', 'file', :file) FROM temp.imp_changes WHERE new_paid <> old_paid AND new_amount > 0",
        common)
    db.execute(
        "UPDATE invoices SET debtor_id = c.new_debtor, amount_cents = c.new_amount, due_date = c.new_due, "
        "issue_date = c.new_issue, paid_cents = c.new_paid + invoices.credited_cents, "
        "credit_for = COALESCE(NULLIF(c.new_origin, ''), invoices.credit_for), "
        "delivery_date = COALESCE(c.new_delivery, invoices.delivery_date), "
        "status = CASE WHEN c.new_amount > 0 AND c.new_paid + invoices.credited_cents >= c.new_amount THEN 'paid' "
        "WHEN c.new_amount < 0 AND c.new_paid + invoices.credited_cents <= c.new_amount THEN 'paid' "
        "WHEN invoices.status = 'paid' THEN 'open' ELSE invoices.status END, "
        "paid_date = CASE WHEN c.new_amount > 0 AND c.new_paid + invoices.credited_cents >= c.new_amount "
        "THEN COALESCE(invoices.paid_date, c.paid_date, :as_of) ELSE NULL END, "
        "version = version + 1, updated_at = :at, updated_by = :agent FROM temp.imp_changes c "
        "WHERE invoices.id = c.invoice_id", common)
    c.invoices_paid = db.execute("SELECT COUNT(*) FROM temp.imp_changes WHERE new_amount > 0 "
                                 "AND new_paid >= new_amount AND old_paid < old_amount").fetchone()[0]


def _create_new_invoices(db: Database, common: dict, c: MergeCounts) -> None:
    """Invoices the database does not have yet."""
    db.execute("UPDATE temp.imp_invoices SET is_new = 1 WHERE invoice_id IS NULL")
    c.invoices_created = db.execute(
        "INSERT INTO invoices (number, debtor_id, issue_date, due_date, amount_cents, currency, paid_cents, status, "
        "paid_date, created_at, updated_at, updated_by, credit_for, delivery_date) SELECT number, debtor_id, issue, "
        "due, amount, "
        "currency, COALESCE(paid, 0), CASE WHEN amount > 0 AND COALESCE(paid, 0) >= amount THEN 'paid' "
        "WHEN amount < 0 AND COALESCE(paid, 0) <= amount THEN 'paid' ELSE 'open' END, "
        "CASE WHEN amount > 0 AND COALESCE(paid, 0) >= amount THEN COALESCE(paid_date, :as_of) END, :at, :at, "
        ":agent, NULLIF(origin, ''), delivery FROM temp.imp_invoices WHERE is_new = 1 ORDER BY line",
        common).rowcount
    if c.invoices_created:
        db.execute("UPDATE temp.imp_invoices SET invoice_id = (SELECT i.id FROM invoices i "
                   "WHERE i.issuer = '' AND i.number = imp_invoices.number) WHERE is_new = 1")
        c.credit_notes = db.execute("SELECT COUNT(*) FROM temp.imp_invoices WHERE is_new = 1 "
                                    "AND amount < 0").fetchone()[0]


def _record_payments(db: Database, common: dict, c: MergeCounts) -> None:
    """Payments: the dated ones a FEC gives, else the difference, dated as of the export."""
    c.payments_created, c.payments_skipped = _dated_payments(db, common)
    c.payments_created += db.execute(
        "INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, reference, source, created_at, created_by, "
        "undated) SELECT new_debtor, invoice_id, COALESCE(paid_date, :as_of), new_paid - old_paid, 'import ' || :file, "
        "'import', :at, :agent, paid_date IS NULL FROM temp.imp_changes WHERE new_paid <> old_paid AND new_amount > 0 "
        "AND NOT EXISTS (SELECT 1 FROM temp.imp_payments p WHERE p.number = imp_changes.number)", common).rowcount
    c.payments_created += db.execute(
        "INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, reference, source, created_at, created_by, "
        "undated) SELECT debtor_id, invoice_id, COALESCE(paid_date, :as_of), paid, 'import ' || :file, 'import', :at, "
        ":agent, paid_date IS NULL FROM temp.imp_invoices s WHERE is_new = 1 AND amount > 0 AND COALESCE(paid, 0) <> 0 "
        "AND NOT EXISTS (SELECT 1 FROM temp.imp_payments p WHERE p.number = s.number)", common).rowcount


def _close_missing(db: Database, common: dict, c: MergeCounts, touched: set[int],
                   max_full_share: float | None) -> bool:
    """A full export: what is missing from it was paid. False (and a problem in ``c``) when that would close
    more than ``max_full_share`` of the open invoices; the debtors touched are added to ``touched``."""
    missing = db.execute(
        f"SELECT COUNT(*) FROM invoices i WHERE {OUTSTANDING_SQL} "
        "AND NOT EXISTS (SELECT 1 FROM temp.imp_invoices s WHERE s.number = i.number)").fetchone()[0]
    outstanding = db.execute(f"SELECT COUNT(*) FROM invoices WHERE {OUTSTANDING_SQL}").fetchone()[0]
    if max_full_share is not None and missing > 20 and missing > max_full_share * outstanding:
        c.problems.append((0, "--full", (
            f"{missing} des {count(outstanding, 'facture ouverte')} sont absentes de ce fichier : est-ce bien "
            "l'export complet ? Rien n'a été importé. Si c'est voulu, relancez avec --full --allow-mass-close")))
        return False
    db.execute("DROP TABLE IF EXISTS temp.imp_gone")
    db.execute(
        f"CREATE TEMP TABLE imp_gone AS SELECT id, debtor_id, number, "
        "amount_cents - (paid_cents - credited_cents) AS rest "
        f"FROM invoices i WHERE {OUTSTANDING_SQL} "
        "AND NOT EXISTS (SELECT 1 FROM temp.imp_invoices s WHERE s.number = i.number)")
    c.closed_by_full = db.execute("SELECT COUNT(*) FROM temp.imp_gone").fetchone()[0]
    # absent from a full export: paid by then, on a day the export does not give
    db.execute("INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, reference, source, created_at, "
               "created_by, undated) SELECT debtor_id, id, :as_of, rest, 'absente de l''export ' || :file, "
               "'import', :at, :agent, 1 FROM temp.imp_gone", common)
    c.payments_created += c.closed_by_full
    db.execute(
        "INSERT INTO events (at, debtor_id, kind, direction, outcome, agent, notes, data) SELECT :at, "
        "debtor_id, 'payment', 'in', 'paid', :agent, 'Facture ' || number || ' absente de l''export complet ' "
        "|| :file || ' : considérée payée le ' || relance_date(:as_of), json_object('invoice_id', id, 'number', number, "
        "'amount_cents', rest, 'source', 'import', 'file', :file, 'rule', 'full') FROM temp.imp_gone", common)
    touched.update(r[0] for r in db.execute("SELECT DISTINCT debtor_id FROM temp.imp_gone"))
    db.execute("UPDATE invoices SET paid_cents = amount_cents + credited_cents, status = 'paid', paid_date = :as_of, "
               "version = version + 1, updated_at = :at, updated_by = :agent "
               "WHERE id IN (SELECT id FROM temp.imp_gone)", common)
    db.execute("DROP TABLE temp.imp_gone")
    return True


def _summarise(db: Database, common: dict, first_event: int) -> None:
    """One summary event per debtor touched, linked to its invoices; every event this import wrote
    (since ``first_event``) linked to its invoices."""
    db.execute(
        "INSERT INTO events (at, debtor_id, kind, direction, outcome, agent, notes, data) "
        "SELECT :at, s.debtor_id, 'import', NULL, 'sync', :agent, 'Import de ' || :file || ' : ' || "
        "SUM(s.is_new) || CASE WHEN SUM(s.is_new) > 1 THEN ' nouvelles factures, ' ELSE ' nouvelle facture, ' END "
        "|| SUM(1 - s.is_new) || CASE WHEN SUM(1 - s.is_new) > 1 THEN ' modifiées' ELSE ' modifiée' END, "
        "json_object('file', :file, 'sha256', :sha, 'new', json_group_array(CASE WHEN s.is_new THEN s.number END), "
        "'changed', json_group_array(CASE WHEN s.is_new = 0 THEN s.number END)) "
        "FROM temp.imp_invoices s WHERE s.is_new = 1 OR s.invoice_id IN (SELECT invoice_id FROM temp.imp_changes) "
        "GROUP BY s.debtor_id", common)
    # link every event this import wrote to its invoices
    db.execute("INSERT OR IGNORE INTO event_invoices (event_id, invoice_id) SELECT id, "
               "json_extract(data, '$.invoice_id') FROM events WHERE id > ? AND kind = 'payment'", [first_event])
    db.execute("INSERT OR IGNORE INTO event_invoices (event_id, invoice_id) SELECT e.id, s.invoice_id "
               "FROM events e JOIN temp.imp_invoices s ON s.debtor_id = e.debtor_id WHERE e.id > ? "
               "AND e.kind = 'import' AND (s.is_new = 1 OR s.invoice_id IN (SELECT invoice_id FROM "
               "temp.imp_changes))", [first_event])


def _dated_payments(db: Database, common: dict) -> tuple[int, int]:
    """Dated payments a FEC gives (``temp.imp_payments``); those already recorded are skipped."""
    staged = db.execute("SELECT COUNT(*) FROM temp.imp_payments WHERE number <> ''").fetchone()[0]
    if not staged:
        return 0, 0
    created = db.execute(
        "INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, reference, source, created_at, created_by, "
        "kind) SELECT s.debtor_id, s.invoice_id, p.day, p.amount, p.reference, 'import', :at, :agent, p.kind "
        "FROM temp.imp_payments p JOIN temp.imp_invoices s ON s.number = p.number "
        "WHERE NOT EXISTS (SELECT 1 FROM payments x WHERE x.invoice_id = s.invoice_id AND x.day = p.day "
        "AND x.amount_cents = p.amount AND x.reference = p.reference) ORDER BY p.line", common).rowcount
    return created, staged - created


def merge_payments(db: Database, *, at: str, agent: str, file_label: str) -> MergeCounts:
    """Apply a payments file: each payment to the invoice it names, or to the debtor's oldest."""
    c = MergeCounts()
    first_event = db.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
    rows = db.execute("SELECT line, number, debtor_code, name_key, day, amount, reference FROM temp.imp_payments "
                      "ORDER BY line").fetchall()
    debtors = {r[0] for r in db.execute(
        "SELECT i.debtor_id FROM temp.imp_payments p JOIN invoices i ON i.issuer = '' AND i.number = p.number "
        "UNION SELECT d.id FROM temp.imp_payments p JOIN debtors d ON (p.debtor_code <> '' AND d.code = p.debtor_code) "
        "OR (p.debtor_code = '' AND d.name_key = p.name_key)")}
    released = release(db, debtors, at=at, agent=agent)  # payments go to what the accounts say is owed
    for line, number, code, name_key, day, amount, reference in rows:
        if number:
            targets = db.execute(f"SELECT {TARGET_COLUMNS} FROM invoices "
                                 "WHERE issuer = '' AND number = ?", [number]).fetchall()
            if not targets:
                c.problems.append((line, "numéro de facture", f"facture {number} inconnue"))
                continue
            debtor_id = targets[0][1]
        else:
            found = db.execute("SELECT id FROM debtors WHERE (? <> '' AND code = ?) OR (? = '' AND name_key = ?) "
                               "ORDER BY id LIMIT 1", [code, code, code, name_key]).fetchone()
            if not found:
                c.problems.append((line, "client", f"client {code or name_key} inconnu"))
                continue
            debtor_id = found[0]
            # spread over the debtor's invoices: new money, never the date of an undated payment
            targets = [(*t[:5], 0) for t in db.execute(f"SELECT {TARGET_COLUMNS} FROM invoices "
                                                       f"WHERE debtor_id = ? AND {OUTSTANDING_SQL} "
                                                       "ORDER BY due_date, id", [debtor_id]).fetchall()]
        already = db.execute("SELECT COALESCE(SUM(amount_cents), 0) FROM payments WHERE debtor_id = ? AND day = ? "
                             "AND reference = ? AND source = 'import'", [debtor_id, day, reference]).fetchone()[0]
        if reference and already == amount:
            c.payments_skipped += 1
            continue
        owed = sum(max(0, a - p + u) for _, _, _, a, p, u in targets)
        if amount > owed:
            what = f"la facture {number}" if number else "les factures ouvertes de ce client"
            c.problems.append((line, "montant", f"paiement {format_cents(amount)} supérieur au reste dû sur "
                                                f"{what} ({format_cents(owed)})"))
            continue
        created, paid_off = apply_payment(db, debtor_id, targets, day=day, amount=amount, reference=reference,
                                          source="import", at=at, agent=agent, origin=f"importé de {file_label}",
                                          extra={"file": file_label})
        c.payments_created += created
        c.invoices_paid += paid_off
    c.credits_applied = reallocate(db, debtors, at=at, agent=agent, released=released)
    c.events = db.execute("SELECT COUNT(*) FROM events WHERE id > ?", [first_event]).fetchone()[0]
    return c


# a payment's targets: id, debtor, number, amount, paid, and what undated payments hold of it (a dated
# payment takes their place: it says when the money came)
TARGET_COLUMNS = ("id, debtor_id, number, amount_cents, paid_cents, (SELECT COALESCE(SUM(u.amount_cents), 0) "
                  "FROM payments u WHERE u.invoice_id = invoices.id AND u.undated = 1)")


def apply_payment(db: Database, debtor_id: int, targets: list, *, day: str, amount: int, reference: str,
                  source: str, at: str, agent: str, origin: str, extra: dict | None = None) -> tuple[int, int]:
    """Spread a payment over ``targets`` (TARGET_COLUMNS), oldest first, inside the caller's transaction:
    one payment row and one timeline event per invoice touched, invoices fully paid marked so. A dated
    payment first takes the place of the invoice's undated ones (same money, now with its day). Returns
    (payment rows, invoices paid off)."""
    rest, created, paid_off = amount, 0, 0
    for invoice_id, _debtor, inv_number, inv_amount, inv_paid, undated in targets:
        part = min(rest, inv_amount - inv_paid + undated)
        if part <= 0:
            continue
        rest -= part
        paid = inv_paid + max(0, part - undated)
        db.execute("INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, reference, source, "
                   "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   [debtor_id, invoice_id, day, part, reference, source, at, agent])
        db.execute("UPDATE invoices SET paid_cents = ?, status = CASE WHEN ? >= amount_cents THEN 'paid' "
                   "ELSE status END, paid_date = CASE WHEN ? >= amount_cents THEN ? ELSE paid_date END, "
                   "version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?",
                   [paid, paid, paid, day, at, agent, invoice_id])
        event = db.execute(
            "INSERT INTO events (at, debtor_id, kind, direction, outcome, agent, notes, data) "
            "VALUES (?, ?, 'payment', 'in', ?, ?, ?, ?)",
            [at, debtor_id, "paid" if paid >= inv_amount else "partial", agent,
             f"Paiement de {format_cents(part)} ({reference or 'sans référence'}) du "
             f"{day[8:10]}/{day[5:7]}/{day[:4]} sur la facture {inv_number}, {origin}",
             json.dumps({"invoice_id": invoice_id, "number": inv_number, "amount_cents": part, "day": day,
                         "reference": reference, "source": source, **(extra or {})}, ensure_ascii=False)])
        db.execute("INSERT INTO event_invoices (event_id, invoice_id) VALUES (?, ?)", [event.lastrowid, invoice_id])
        created += 1
        paid_off += paid >= inv_amount > inv_paid
        if undated:
            fit_undated(db, [invoice_id])
        if rest == 0:
            break
    return created, paid_off


def record_import_event(db: Database, *, at: str, agent: str, kind: str, file_label: str, sha256: str,
                        counts: dict) -> int:
    cur = db.execute(
        "INSERT INTO events (at, debtor_id, kind, outcome, agent, notes, data) VALUES (?, NULL, 'import', ?, ?, ?, ?)",
        [at, kind, agent, f"Import de {file_label} par {agent}",
         json.dumps({"file": file_label, "sha256": sha256, "kind": kind, **counts}, ensure_ascii=False,
                    sort_keys=True)])
    return cur.lastrowid


def same_file_imported(db: Database, sha256: str) -> tuple[str, str] | None:
    """(when, who) if a file with this SHA-256 was imported before."""
    row = db.execute("SELECT at, agent FROM events WHERE kind = 'import' AND debtor_id IS NULL "
                     "AND json_extract(data, '$.sha256') = ? ORDER BY id DESC LIMIT 1", [sha256]).fetchone()
    return (row[0], row[1]) if row else None
