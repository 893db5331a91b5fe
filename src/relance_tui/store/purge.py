"""Personal data (GDPR): anonymising debtors that owe nothing, and what is held about one (right of access).

``relance purge`` keeps personal data no longer than needed (RGPD art. 5.1.e): a debtor with nothing
owed either way (no outstanding invoice, no credit note left to refund, no pending promise, no open
dispute, no claimable penalty on an invoice paid late that is not yet time-barred) and no activity for
the retention period loses its contacts, its free text (notes, the label of its next action, the reason
of a penalty waiver) and the texts of its events. Codes, amounts, dates and statuses stay: they are
accounting records (C. com. L123-22 keeps them ten years), and they name nobody once the contacts and
texts are gone. Two texts of the accounts stay too: ``invoices.attachment_path`` (the invoice's file, a
document of the accounts, kept as long as they are) and ``payments.reference`` (the bank statement's
line: an accounting record, as the statement is).

The retention is, by default, the longest limitation period that may apply to each debtor
(domain/law.retention): until then its data may be needed for a legal claim (RGPD art. 17.3.e). A
shorter one (``--years``, ``[privacy] retention_years``) is refused, naming the period.

The events table is append-only (its triggers reject UPDATE and DELETE). Migration 0009 lets one update
through: while a ``purges`` row is 'running', an event's ``notes`` may be blanked and its ``data`` cut
down to the figures it held, nothing else. That row exists only inside ``purge``'s own transaction
(inserted 'running', set 'done' before the commit: a deferred foreign key refuses to commit it
'running'), and ``purges`` is insert-only but for that one update.

``person_record`` reads everything held about one debtor and its contacts (RGPD art. 15); io/ writes it.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relance_tui.domain.law import regime_for, retention
from relance_tui.domain.text import count
from relance_tui.errors import NotFound, RelanceError
from relance_tui.store.acts import limitations
from relance_tui.store.conditions import OUTSTANDING_SQL, in_chunks
from relance_tui.store.connection import Store
from relance_tui.store.figures import figures_of, terms_from_row
from relance_tui.store.queries import append_event, load_rates
from relance_tui.store.search import refresh_search

if TYPE_CHECKING:
    from sqlite_utils import Database

ANONYMISED_CONTACT = "Contact anonymisé"
ANONYMISED_PERSON = "Débiteur anonymisé"  # a debtor that is a person (kind 'person'): its name is personal data
ANONYMISED_ACTION = "Action à faire (libellé anonymisé)"  # a next action's label may name someone, a number
ANONYMISED_REASON = "Motif anonymisé"  # a waiver's reason: free text (its CHECK wants one), maybe about health
PURGE_OUTCOME = "purge"  # events of kind 'system' recording a purge: never blanked, never counted as activity

# A debtor owes nothing, and is owed nothing: no outstanding invoice (OUTSTANDING_SQL, the one definition),
# no credit note with credit left to apply or refund, no pending promise, no open dispute. Penalties on
# invoices paid late are figures, not columns: ``_penalties_due`` looks at them for the candidates only.
_NOTHING_OWED_SQL = f"""
NOT EXISTS (SELECT 1 FROM invoices WHERE debtor_id = d.id AND {OUTSTANDING_SQL})
AND NOT EXISTS (SELECT 1 FROM invoices WHERE debtor_id = d.id AND status = 'open' AND amount_cents < 0
                AND amount_cents < paid_cents)
AND NOT EXISTS (SELECT 1 FROM promises WHERE debtor_id = d.id AND status = 'pending')
AND NOT EXISTS (SELECT 1 FROM disputes WHERE debtor_id = d.id AND status = 'open')
"""

# The last day something happened to the debtor: an event (a purge's own excepted), a payment, an invoice
# issued, due or paid; a debtor with none of these counts from its creation. Events are UTC instants,
# the rest days: compared on their first ten characters.
_LAST_ACTIVITY_SQL = """
COALESCE(MAX(
    COALESCE((SELECT MAX(substr(at, 1, 10)) FROM events WHERE debtor_id = d.id
              AND NOT (kind = 'system' AND outcome = 'purge')), ''),
    COALESCE((SELECT MAX(day) FROM payments WHERE debtor_id = d.id), ''),
    COALESCE((SELECT MAX(MAX(issue_date, due_date, COALESCE(paid_date, ''))) FROM invoices
              WHERE debtor_id = d.id), '')), '')
"""

# Anonymised already: its last purge event is followed by nothing new, no event, no invoice or payment
# recorded, no contact added or edited (an import may bring a contact back), the row itself untouched.
_UNCHANGED_SINCE_PURGE_SQL = """
lp.id IS NOT NULL
AND NOT EXISTS (SELECT 1 FROM events WHERE debtor_id = d.id AND id > lp.id
                AND NOT (kind = 'system' AND outcome = 'purge'))
AND NOT EXISTS (SELECT 1 FROM invoices WHERE debtor_id = d.id AND created_at > lp.at)
AND NOT EXISTS (SELECT 1 FROM payments WHERE debtor_id = d.id AND created_at > lp.at)
AND NOT EXISTS (SELECT 1 FROM contacts WHERE debtor_id = d.id AND MAX(created_at, updated_at) > lp.at)
AND d.updated_at <= lp.at
"""

_CANDIDATES_SQL = f"""
SELECT d.id, d.code, d.name, d.kind, d.segment, d.country, substr(d.created_at, 1, 10),
       {_LAST_ACTIVITY_SQL} AS last_activity,
       {_UNCHANGED_SINCE_PURGE_SQL} AS purged,
       (SELECT COUNT(*) FROM contacts WHERE debtor_id = d.id),
       (SELECT COUNT(*) FROM events WHERE debtor_id = d.id AND NOT (kind = 'system' AND outcome = 'purge')
        AND (notes <> '' OR data IS NOT NULL)),
       (SELECT COUNT(*) FROM promises WHERE debtor_id = d.id AND notes <> ''),
       (SELECT COUNT(*) FROM disputes WHERE debtor_id = d.id AND notes <> '')
FROM debtors d
LEFT JOIN events lp ON lp.id = (SELECT MAX(id) FROM events WHERE debtor_id = d.id AND kind = 'system'
                                AND outcome = 'purge')
WHERE {_NOTHING_OWED_SQL}
ORDER BY d.code, d.id
"""


@dataclass(frozen=True)
class PurgeCandidate:
    """A debtor ``relance purge`` anonymises, with what it holds."""

    debtor_id: int
    code: str | None
    name: str
    kind: str  # 'company' or 'person'
    last_activity: dt.date
    years: int  # the retention applied to it
    contacts: int
    events: int  # events with a text (notes or data) to blank
    promises: int  # promises with notes
    disputes: int  # disputes with notes


@dataclass(frozen=True)
class PurgeResult:
    purge_id: int
    event_id: int  # the office-wide event recording the run
    debtors: tuple[PurgeCandidate, ...]

    @property
    def counts(self) -> dict[str, int]:
        return purge_counts(self.debtors)


def purge_counts(debtors: tuple[PurgeCandidate, ...] | list[PurgeCandidate]) -> dict[str, int]:
    return {"debtors": len(debtors), "contacts": sum(c.contacts for c in debtors),
            "events": sum(c.events for c in debtors), "promises": sum(c.promises for c in debtors),
            "disputes": sum(c.disputes for c in debtors)}


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class RetentionTooShort(RelanceError):
    """A retention shorter than a limitation period that may apply to debtors of the office (French message)."""


def retention_years(country: str | None, segment: str, *, years: int | None, office_country: str) -> int:
    """The retention of one debtor: the setting (or --years) when given (``check_retention`` refused a
    shorter one), else the longest limitation period that may apply to it (domain/law.retention)."""
    if years is not None:
        return years
    return retention(regime_for(country, segment, office_country))[0]


def check_retention(conn: sqlite3.Connection, years: int | None, *, office_country: str = "FR") -> None:
    """Refuse a retention shorter than the longest limitation period that may apply to a debtor of the
    office (RetentionTooShort, naming the period and its text).

    Until that period has run, the office may have to prove its claim or defend itself in court, and the
    GDPR lets it keep what it needs for that (RGPD art. 17.3.e); deleting earlier would hurt the office
    and protect nobody. A longer retention is the office's choice. Every debtor counts, not only those the
    run would anonymise today: the setting is the office's, for all of them.
    """
    if years is None:
        return
    short: dict[int, tuple[dict[str, None], int]] = {}  # years needed -> (the texts that set it, debtors)
    for country, segment, n in conn.execute("SELECT country, segment, COUNT(*) FROM debtors GROUP BY 1, 2"):
        need, basis = retention(regime_for(country, segment, office_country))
        if years < need:
            texts, debtors = short.get(need, ({}, 0))
            short[need] = ({**texts, basis: None}, debtors + n)
    if short:
        least = max(short)
        texts, debtors = short[least]
        raise RetentionTooShort(
            f"une conservation de {count(years, 'an')} est plus courte que la prescription de "
            f"{count(least, 'an')} ({' ; '.join(texts)}) qui peut s'appliquer à {count(debtors, 'débiteur')} : leurs "
            f"données peuvent servir en justice jusque-là (RGPD art. 17.3.e). Indiquez au moins {count(least, 'an')}, "
            "ou aucune durée (la prescription la plus longue de chaque débiteur)")


def _penalties_due(store: Store, debtor_ids: list[int], *, today: dt.date, office_country: str) -> set[int]:
    """Those of these debtors with penalties still claimable: on an invoice of theirs not waived and not
    yet time-barred (store/acts.limitations), penalties and indemnity above zero, or unknown (a missing
    rate, an undated payment: what cannot be told to be nothing is kept). Only invoices that may carry
    any are read: a positive amount, not written off, not waived, not paid by their due date."""
    rows = []
    for part, marks in in_chunks(debtor_ids):
        rows += store.conn.execute(
            "SELECT i.id, i.debtor_id, i.amount_cents, i.paid_cents, i.due_date, i.status, d.segment, "
            "d.contract_rate_bp, d.formal_notice_date, d.country, i.issue_date, i.delivery_date "
            f"FROM invoices i JOIN debtors d ON d.id = i.debtor_id WHERE i.debtor_id IN ({marks}) "
            "AND i.amount_cents > 0 AND i.status <> 'written_off' "
            "AND (i.paid_date IS NULL OR i.paid_date > i.due_date) "
            "AND NOT EXISTS (SELECT 1 FROM penalty_waivers w WHERE w.invoice_id = i.id)", part).fetchall()
    if not rows:
        return set()
    lims = limitations(store.conn, [(r[0], dt.date.fromisoformat(r[10]),
                                     dt.date.fromisoformat(r[11]) if r[11] else None, r[2],
                                     regime_for(r[9], r[6], office_country)) for r in rows])
    open_rows = [r for r in rows if lims[r[0]].day >= today]
    if not open_rows:
        return set()
    figs = figures_of(store, [terms_from_row(r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]) for r in open_rows],
                      today, load_rates(store), country=office_country)
    return {r[1] for r in open_rows if figs[r[0]].penalty_cents is None or figs[r[0]].penalty_cents > 0}


def purge_candidates(store: Store, *, today: dt.date, years: int | None = None,
                     office_country: str = "FR") -> list[PurgeCandidate]:
    """Debtors that owe nothing (claimable penalties included) and have had no activity for their retention
    period (``years``, or the longest limitation period that may apply to each one when None), not already
    anonymised since their last activity. RetentionTooShort when ``years`` is below a limitation period."""
    conn = store.conn
    check_retention(conn, years, office_country=office_country)
    out = []
    for (debtor_id, code, name, kind, segment, country, created, last, purged, contacts, events, promises,
         disputes) in conn.execute(_CANDIDATES_SQL).fetchall():
        if purged:
            continue  # anonymised already, nothing happened since
        last = last or created
        kept = retention_years(country, segment, years=years, office_country=office_country)
        last_day = dt.date.fromisoformat(last)
        if last_day >= years_before(today, kept):
            continue
        out.append(PurgeCandidate(debtor_id, code, name, kind, last_day, kept, contacts, events, promises,
                                  disputes))
    owed = _penalties_due(store, [c.debtor_id for c in out], today=today, office_country=office_country)
    return [c for c in out if c.debtor_id not in owed]


def _without_text(data: str | None) -> str | None:
    """An event's details without their texts: ids, amounts and counts stay (the links to invoices,
    promises, sessions that other queries follow), strings and nested objects go (an email's address and
    subject, a contact's old and new values, reasons typed). None when nothing is left."""
    if not data:
        return None
    try:
        details = json.loads(data)
    except ValueError:
        return None
    if not isinstance(details, dict):
        return None

    def figure(v: Any) -> bool:  # a number, true/false, null; never a text
        return v is None or isinstance(v, (int, float, bool))

    kept = {k: v for k, v in details.items()
            if figure(v) or (isinstance(v, list) and all(isinstance(x, int) and not isinstance(x, bool) for x in v))}
    return json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else None


def purge(store: Store, *, today: dt.date, years: int | None = None, office_country: str = "FR") -> PurgeResult:
    """Anonymise every debtor ``purge_candidates`` finds, in one transaction, logged.

    A ``purges`` row is inserted 'running' (which opens the events trigger), the rows are blanked, the row
    is set 'done' with the count, and events record it: one per debtor on its timeline (which also marks
    it anonymised: the next run skips it until something new happens), one office-wide with the counts.
    No personal data in either. Versioned rows get a new version, so a form left open on one is refused
    (StaleEdit) instead of writing the old values back.
    """
    agent = store.agent

    def write(db: Database) -> PurgeResult:
        at = store.now()
        found = purge_candidates(store, today=today, years=years, office_country=office_country)
        purge_id = db.execute("INSERT INTO purges (at, agent, years, debtors, status) VALUES (?, ?, ?, 0, 'running')",
                              [at, agent, years or 0]).lastrowid
        for c in found:
            _anonymise(db, c, at=at, agent=agent)
        ids = [c.debtor_id for c in found]
        refresh_search(db, ids)
        db.execute("UPDATE purges SET debtors = ?, status = 'done', unfinished = NULL WHERE id = ? "
                   "AND status = 'running'",
                   [len(found), purge_id])
        for c in found:
            append_event(db, at=at, agent=agent, kind="system", outcome=PURGE_OUTCOME, debtor_id=c.debtor_id,
                         notes=f"Données personnelles anonymisées (RGPD, conservation {c.years} an"
                               f"{'s' if c.years > 1 else ''} après la dernière activité)",
                         data={"purge_id": purge_id, "years": c.years, "contacts": c.contacts, "events": c.events,
                               "promises": c.promises, "disputes": c.disputes})
        counts = purge_counts(found)
        event_id = append_event(
            db, at=at, agent=agent, kind="system", outcome=PURGE_OUTCOME,
            notes=f"Anonymisation RGPD : {count(counts['debtors'], 'débiteur')}, "
                  f"{count(counts['contacts'], 'contact')}, "
                  f"{count(counts['events'], 'événement')}, {count(counts['promises'], 'promesse')}, "
                  f"{count(counts['disputes'], 'litige')}",
            data={"purge_id": purge_id, "years": years, **counts, "debtor_ids": ids})
        return PurgeResult(purge_id, event_id, tuple(found))

    return store.write(write, what="anonymisation des données personnelles")


def _anonymise(db: Database, c: PurgeCandidate, *, at: str, agent: str) -> None:
    stamp = [at, agent]
    db.execute("UPDATE contacts SET name = ?, phone = '', phone2 = '', email = '', notes = '', "
               "version = version + 1, updated_at = ?, updated_by = ? WHERE debtor_id = ?",
               [ANONYMISED_CONTACT, *stamp, c.debtor_id])
    if c.kind == "person":
        db.execute("UPDATE debtors SET name = ?, name_key = '', address = '', postcode = '', city = '', notes = '', "
                   "version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?",
                   [ANONYMISED_PERSON, *stamp, c.debtor_id])
    else:
        db.execute("UPDATE debtors SET notes = '', version = version + 1, updated_at = ?, updated_by = ? "
                   "WHERE id = ?", [*stamp, c.debtor_id])
    db.execute("UPDATE promises SET notes = '', version = version + 1, updated_at = ?, updated_by = ? "
               "WHERE debtor_id = ? AND notes <> ''", [*stamp, c.debtor_id])
    db.execute("UPDATE disputes SET notes = '', version = version + 1, updated_at = ?, updated_by = ? "
               "WHERE debtor_id = ? AND notes <> ''", [*stamp, c.debtor_id])
    # an act's detail is an agent's free text ("promesse écrite du gérant, M. X"): it goes too, the act stays
    db.execute("UPDATE legal_acts SET detail = '' WHERE debtor_id = ? AND detail <> ''", [c.debtor_id])
    # a next action's label and a waiver's reason are typed too ("Rappeler Mme X au 0470...", "gérant malade")
    db.execute("UPDATE next_actions SET label = ? WHERE debtor_id = ? AND label <> ?",
               [ANONYMISED_ACTION, c.debtor_id, ANONYMISED_ACTION])
    db.execute("UPDATE penalty_waivers SET reason = ? WHERE debtor_id = ? AND reason <> ?",
               [ANONYMISED_REASON, c.debtor_id, ANONYMISED_REASON])
    rows = db.execute("SELECT id, data FROM events WHERE debtor_id = ? AND NOT (kind = 'system' AND outcome = ?) "
                      "AND (notes <> '' OR data IS NOT NULL)", [c.debtor_id, PURGE_OUTCOME]).fetchall()
    # the one update the events trigger allows: notes and data, while this purge is 'running'
    db.conn.executemany("UPDATE events SET notes = '', data = ? WHERE id = ?",
                        [(_without_text(data), event_id) for event_id, data in rows])


# -- right of access (RGPD art. 15) ---------------------------------------------------------------------
# What is held about a debtor, table by table: (section, SQL with the debtor's id as its one parameter).
# Every column, as stored, except the folded copies of the name kept for matching and searching.
_PERSON_SQL: tuple[tuple[str, str], ...] = (
    ("contacts", "SELECT * FROM contacts WHERE debtor_id = ? ORDER BY id"),
    ("invoices", "SELECT * FROM invoices WHERE debtor_id = ? ORDER BY issue_date, id"),
    ("payments", "SELECT * FROM payments WHERE debtor_id = ? ORDER BY day, id"),
    ("promises", "SELECT p.*, (SELECT json_group_array(invoice_id) FROM promise_invoices WHERE promise_id = p.id) "
                 "AS invoice_ids FROM promises p WHERE p.debtor_id = ? ORDER BY p.id"),
    ("disputes", "SELECT s.*, (SELECT json_group_array(invoice_id) FROM dispute_invoices WHERE dispute_id = s.id) "
                 "AS invoice_ids FROM disputes s WHERE s.debtor_id = ? ORDER BY s.id"),
    ("events", "SELECT e.*, (SELECT json_group_array(invoice_id) FROM event_invoices WHERE event_id = e.id) "
               "AS invoice_ids FROM events e WHERE e.debtor_id = ? ORDER BY e.id"),
    ("legal_acts", "SELECT * FROM legal_acts WHERE debtor_id = ? ORDER BY day, id"),
    ("penalty_waivers", "SELECT * FROM penalty_waivers WHERE debtor_id = ? ORDER BY invoice_id"),
    ("next_actions", "SELECT * FROM next_actions WHERE debtor_id = ?"),
    ("session_items", "SELECT i.*, s.name AS session_name FROM session_items i JOIN sessions s "
                      "ON s.id = i.session_id WHERE i.debtor_id = ? ORDER BY i.session_id"),
)
_DERIVED_COLUMNS = {"name_key", "search"}
_JSON_COLUMNS = {"data", "invoice_ids", "instalments"}


@dataclass(frozen=True)
class PersonRecord:
    """Everything held about one debtor: its row, then one list of rows (column -> value) per table."""

    debtor: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]


def _rows(cur: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        item = {}
        for name, value in zip(names, row, strict=True):
            if name in _DERIVED_COLUMNS:
                continue
            if name in _JSON_COLUMNS and isinstance(value, str):
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            item[name] = value
        out.append(item)
    return out


@dataclass(frozen=True)
class FoundDebtor:
    id: int
    code: str
    name: str

    @property
    def label(self) -> str:
        """How a confirmation names it: "0001 (Garage Dupont)", "#12 (Garage Dupont)" without a code."""
        return f"{self.code or '#' + str(self.id)} ({self.name})"


def find_debtor(conn: sqlite3.Connection, ref: str) -> FoundDebtor:
    """A debtor named on the command line (``--debtor``): by its code first, since accounting codes are often
    digits ("0001", "411023"); a number with no leading zero is also tried as the internal id when no code
    matches. ``#12`` or ``id:12`` is the internal id only, ``code:12`` the code only. A text that is one
    debtor's code and another's id is refused (RelanceError) with how to choose; NotFound when none."""
    ref = ref.strip()
    lowered = ref.lower()
    if ref.startswith("#") or lowered.startswith("id:"):
        digits = ref[1:] if ref.startswith("#") else ref[3:]
        digits = digits.strip()
        if not (digits.isascii() and digits.isdigit()):
            raise RelanceError(f"débiteur {ref!r} : après # ou id: attendu le numéro interne (des chiffres)")
        found = _debtor_where(conn, "id = ?", int(digits))
        if found is None:
            raise NotFound(f"débiteur n°{int(digits)} introuvable (numéro interne)")
        return found
    if lowered.startswith("code:"):
        code = ref[5:].strip()
        found = _debtor_where(conn, "code = ?", code) if code else None
        if found is None:
            raise NotFound(f"débiteur de code {code!r} introuvable")
        return found
    by_code = _debtor_where(conn, "code = ?", ref) if ref else None
    by_id = None
    if ref.isascii() and ref.isdigit() and str(int(ref)) == ref:  # "12", never "0012": that is a code
        by_id = _debtor_where(conn, "id = ?", int(ref))
    if by_code is not None and by_id is not None and by_code.id != by_id.id:
        raise RelanceError(f"--debtor {ref} désigne deux débiteurs : le code de {by_code.label} et le numéro "
                           f"interne de {by_id.label}. Précisez --debtor code:{ref} pour le code, ou "
                           f"--debtor id:{ref} (ou '#{ref}') pour le numéro interne")
    found = by_code or by_id
    if found is None:
        raise NotFound(f"débiteur {ref!r} introuvable (indiquez son code, ou id:N pour son numéro interne)")
    return found


def _debtor_where(conn: sqlite3.Connection, where: str, value: int | str) -> FoundDebtor | None:
    row = conn.execute(f"SELECT id, code, name FROM debtors WHERE {where}", [value]).fetchone()
    return None if row is None else FoundDebtor(row[0], row[1] or "", row[2])


def person_record(store: Store, debtor_id: int) -> PersonRecord:
    """What the database holds about a debtor and its contacts, read in one snapshot."""
    conn = store.conn
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")  # a read transaction: every table as of the same moment
    try:
        debtors = _rows(conn.execute("SELECT * FROM debtors WHERE id = ?", [debtor_id]))
        if not debtors:
            raise NotFound(f"débiteur n°{debtor_id} introuvable")
        tables = {name: _rows(conn.execute(sql, [debtor_id])) for name, sql in _PERSON_SQL}
    finally:
        if own:
            conn.execute("COMMIT")
    return PersonRecord(debtors[0], tables)

