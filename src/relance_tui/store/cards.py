"""The debtor card and the small edits made from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from relance_tui.domain.language import debtor_language
from relance_tui.domain.law import regime_for
from relance_tui.domain.penalties import Rates
from relance_tui.domain.vocabulary import CONTESTED_STATUSES, is_outstanding
from relance_tui.errors import NotFound
from relance_tui.store.acts import limitations
from relance_tui.store.conditions import OUTSTANDING_SQL
from relance_tui.store.connection import Store
from relance_tui.store.figures import figures_of, terms_from_row
from relance_tui.store.models import Event, InvoiceAmounts
from relance_tui.store.queries import EVENT_COLUMNS, append_event, update_versioned
from relance_tui.store.search import refresh_search

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class Contact:
    id: int
    name: str
    role: str
    phone: str
    phone2: str
    email: str
    can_release_payment: bool
    notes: str
    version: int


@dataclass(frozen=True)
class CardInvoice(InvoiceAmounts):
    id: int
    number: str
    issue_date: dt.date
    due_date: dt.date
    amount_cents: int
    paid_cents: int
    status: str
    days_late: int  # 0 on a credit note: it is never late
    penalty_cents: int | None  # in the totals: 0 once waived, None when not computable
    limitation: dt.date  # the last day to act before it is time-barred (store/acts.limitations)
    credited_cents: int = 0  # the part of paid_cents that credit notes relance applied make up
    credit_for: str | None = None  # a credit note: the invoice it names
    penalty_unknown: str | None = None  # why the penalty cannot be computed
    waived: bool = False  # a supervisor waived its penalties and indemnity
    paid_late: bool = False  # settled after its due date: its penalties are still owed
    # rates its penalty carried over from an earlier period (Figures.unconfirmed): "à confirmer" until entered
    penalty_unconfirmed: tuple[str, ...] = ()
    limitation_reason: str = ""  # what the limitation date counts from: "5 ans depuis la facture du 03/02/2024"
    formal_notice: dt.date | None = None  # the formal notice recorded on it (Figures.formal_notice)
    first_reminder: dt.date | None = None  # a Belgian consumer's free first reminder recorded on it
    grace_end: dt.date | None = None  # the last of the 14 days after that reminder: nothing may be charged
    indemnity_cents: int | None = None  # the fixed indemnity within penalty_cents (the rest is interest)


@dataclass(frozen=True)
class CardAllocation:
    """A credit note applied to an invoice: "avoir AV-1 imputé sur FA-2"."""

    credit_number: str
    invoice_number: str
    day: str
    cents: int

    def describe(self) -> str:
        return f"avoir {self.credit_number} imputé sur {self.invoice_number}"


@dataclass(frozen=True)
class CardPromise:
    id: int
    amount_cents: int
    due_date: dt.date
    status: str
    agent: str
    created_at: str


@dataclass(frozen=True)
class CardDispute:
    id: int
    category: str
    status: str
    notes: str
    agent: str
    created_at: str
    invoices: str  # invoice numbers


@dataclass(frozen=True)
class DebtorCard:
    id: int
    code: str | None
    name: str
    kind: str
    segment: str
    siren: str | None
    siret: str | None
    address: str
    postcode: str
    city: str
    payment_terms_days: int | None
    profile: str
    account_manager: str | None
    preferred_channel: str
    notes: str
    version: int
    contacts: list[Contact]
    invoices: list[CardInvoice]
    promises: list[CardPromise]
    recent: list[Event]
    disputes: list[CardDispute] = field(default_factory=list)
    contract_rate_bp: int | None = None
    formal_notice_date: str | None = None
    allocations: list[CardAllocation] = field(default_factory=list)
    country: str | None = None  # the debtor's country column: with the segment, it chooses the law (domain/law)
    enterprise_number: str | None = None  # Belgian BCE/KBO number, ten digits
    language: str = ""  # fr, nl, en: the column ('' = none chosen: see writes_in)
    office_country: str = "FR"  # the office's: a debtor with no country column is taken to live there

    @property
    def writes_in(self) -> str:
        """What its emails and documents are written in: the column's language, else its region's."""
        return debtor_language(self.language, country=self.country or self.office_country, postcode=self.postcode)

    @property
    def outstanding(self) -> list[CardInvoice]:
        return [i for i in self.invoices if is_outstanding(i.status, i.amount_cents, i.paid_cents)]

    @property
    def due_cents(self) -> int:
        return sum(i.amount_cents - i.paid_cents for i in self.outstanding)

    @property
    def penalty_cents(self) -> int | None:
        values = [i.penalty_cents for i in self.outstanding]
        return None if any(v is None for v in values) else sum(values)

    @property
    def disputed(self) -> list[CardInvoice]:
        return [i for i in self.invoices if i.status in CONTESTED_STATUSES]

    @property
    def credit_cents(self) -> int:
        """Credit left unapplied (positive): what the debtor's credit notes could not set against an invoice."""
        return -sum(i.balance_cents for i in self.invoices if i.is_credit_note and i.status == "open")

    @property
    def net_cents(self) -> int:
        """What the debtor owes, net of every credit note; zero or less: the debtor is "créditeur"."""
        return self.due_cents - self.credit_cents

    @property
    def in_credit(self) -> bool:
        return self.credit_cents > 0 and self.net_cents <= 0

    @property
    def paid_late(self) -> list[CardInvoice]:
        """Invoices settled after their due date: their penalties and indemnity are still owed (L441-10)."""
        return [i for i in self.invoices if i.paid_late]

    @property
    def paid_late_penalty_cents(self) -> int | None:
        """Penalties and indemnities claimable on invoices paid late (waived ones count 0; None: not computable)."""
        values = [i.penalty_cents for i in self.paid_late]
        return None if any(v is None for v in values) else sum(values)

    @property
    def penalty_unconfirmed(self) -> tuple[str, ...]:
        """The missing rates (one line each, with its command) behind the penalties claimed, open invoices and
        invoices paid late: those figures are "à confirmer"."""
        claimed = (*self.outstanding, *self.paid_late)
        return tuple(dict.fromkeys(line for i in claimed for line in i.penalty_unconfirmed))

    @property
    def undated_penalties(self) -> list[CardInvoice]:
        """Paid invoices whose penalty waits for a dated payment."""
        return [i for i in self.invoices if i.status == "paid" and i.penalty_unknown and i.amount_cents > 0]


def debtor_card(store: Store, debtor_id: int, *, as_of: dt.date, rates: Rates, country: str = "FR",
                recent: int = 10) -> DebtorCard:
    db = store.conn
    row = db.execute(
        "SELECT id, code, name, kind, segment, siren, siret, address, postcode, city, payment_terms_days, profile, "
        "account_manager, preferred_channel, notes, version, contract_rate_bp, formal_notice_date, country, "
        "enterprise_number, language "
        "FROM debtors WHERE id = ?", [debtor_id]).fetchone()
    if row is None:
        raise NotFound(f"débiteur n°{debtor_id} introuvable")
    *ident, contract, notice, debtor_country, enterprise_number, language = row
    contacts = [Contact(*c[:6], bool(c[6]), *c[7:]) for c in db.execute(
        "SELECT id, name, role, phone, phone2, email, can_release_payment, notes, version FROM contacts "
        "WHERE debtor_id = ? ORDER BY can_release_payment DESC, id", [debtor_id]).fetchall()]
    rows = db.execute("SELECT id, number, issue_date, due_date, amount_cents, paid_cents, status, credited_cents, "
                      "credit_for, delivery_date FROM invoices WHERE debtor_id = ? ORDER BY due_date, id",
                      [debtor_id]).fetchall()
    figs = figures_of(store, [terms_from_row(r[0], r[4], r[5], r[3], r[6], ident[4], contract, notice,
                                                debtor_country) for r in rows],
                      as_of, rates, country=country)
    regime = regime_for(debtor_country, ident[4], country)
    lims = limitations(db, [(r[0], dt.date.fromisoformat(r[2]), dt.date.fromisoformat(r[9]) if r[9] else None, r[4],
                             regime) for r in rows])
    invoices = []
    for inv_id, number, issue, due, amount, paid, status, credited, credit_for, _delivery in rows:
        due_day = dt.date.fromisoformat(due)
        fig = figs[inv_id]
        invoices.append(CardInvoice(inv_id, number, dt.date.fromisoformat(issue), due_day, amount, paid, status,
                                    (as_of - due_day).days if amount > 0 else 0, fig.penalty_cents,
                                    lims[inv_id].day, credited_cents=credited,
                                    credit_for=credit_for, penalty_unknown=fig.unknown, waived=fig.waived,
                                    penalty_unconfirmed=fig.unconfirmed,
                                    paid_late=fig.penalty.days_late > 0 if fig.penalty and status == "paid" else False,
                                    limitation_reason=lims[inv_id].reason, formal_notice=fig.formal_notice,
                                    first_reminder=fig.first_reminder, grace_end=fig.grace_end,
                                    indemnity_cents=fig.indemnity_cents))
    allocations = [CardAllocation(*a) for a in db.execute(
        "SELECT c.number, i.number, p.day, p.amount_cents FROM payments p JOIN invoices c ON c.id = p.credit_note_id "
        "JOIN invoices i ON i.id = p.invoice_id WHERE p.debtor_id = ? AND p.kind = 'credit' ORDER BY p.day, p.id",
        [debtor_id]).fetchall()]
    promises = [CardPromise(p[0], p[1], dt.date.fromisoformat(p[2]), *p[3:]) for p in db.execute(
        "SELECT id, amount_cents, due_date, status, agent, created_at FROM promises WHERE debtor_id = ? "
        "ORDER BY due_date DESC, id DESC", [debtor_id]).fetchall()]
    events = [Event(*e) for e in db.execute(
        f"SELECT {EVENT_COLUMNS} FROM events WHERE debtor_id = ? ORDER BY id DESC LIMIT ?",
        [debtor_id, recent]).fetchall()]
    disputes = [CardDispute(*d) for d in db.execute(
        "SELECT s.id, s.category, s.status, s.notes, s.agent, s.created_at, COALESCE((SELECT group_concat(number, ', ') "
        "FROM (SELECT i.number FROM dispute_invoices di JOIN invoices i ON i.id = di.invoice_id "
        "WHERE di.dispute_id = s.id ORDER BY i.number)), '') FROM disputes s WHERE s.debtor_id = ? "
        "ORDER BY s.status = 'open' DESC, s.id DESC", [debtor_id]).fetchall()]
    return DebtorCard(*ident, contacts=contacts, invoices=invoices, promises=promises, recent=events,
                      disputes=disputes, contract_rate_bp=contract, formal_notice_date=notice,
                      allocations=allocations, country=debtor_country, enterprise_number=enterprise_number,
                      language=language, office_country=country)


def invoice_attachments(store: Store, invoice_ids: list[int]) -> list[tuple[int, str, str | None]]:
    """(id, number, attachment path as recorded) of these invoices, by number."""
    if not invoice_ids:
        return []
    marks = ", ".join("?" for _ in invoice_ids)
    return store.conn.execute(f"SELECT id, number, attachment_path FROM invoices WHERE id IN ({marks}) "
                              "ORDER BY number", invoice_ids).fetchall()


def add_note(store: Store, debtor_id: int, text: str) -> int:
    text = text.strip()
    if not text:
        raise ValueError("note vide")
    return store.write(lambda db: append_event(db, at=store.now(), agent=store.agent, kind="note",
                                                debtor_id=debtor_id, notes=text), what="ajout de la note")


def set_language(store: Store, debtor_id: int, lang: str, *, office_country: str = "FR") -> bool:
    """The language the debtor is written to ('fr', 'nl', 'en'; domain/language.py), an 'edit' event on its
    timeline; False when it already was that language (nothing written). A language chosen for a debtor with
    none is written too, its region's included: an agent's choice, which a later import never undoes
    (store/imports.py). The note says the language the debtor was written to before (its region's when none
    was chosen; ``office_country``: where a debtor with no country column lives)."""
    from relance_tui.domain.language import LANGUAGES

    if lang not in LANGUAGES:
        raise ValueError(f"langue inconnue : {lang!r} (fr, nl ou en)")

    def write(db: Database) -> bool:
        row = db.execute("SELECT language, country, postcode FROM debtors WHERE id = ?", [debtor_id]).fetchone()
        if row is None:
            raise NotFound(f"débiteur n°{debtor_id} introuvable")
        if row[0] == lang:
            return False
        before = debtor_language(row[0], country=row[1] or office_country, postcode=row[2] or "")
        db.execute("UPDATE debtors SET language = ?, version = version + 1, updated_at = ?, updated_by = ? "
                   "WHERE id = ?", [lang, store.now(), store.agent, debtor_id])
        append_event(db, at=store.now(), agent=store.agent, kind="edit", debtor_id=debtor_id, outcome="language",
                     notes=f"Langue des courriers : {LANGUAGES[before]} → {LANGUAGES[lang]}" if before != lang
                     else f"Langue des courriers : {LANGUAGES[lang]}, choisie sur la fiche",
                     data={"changes": {"language": [row[0], lang]}})
        return True

    return store.write(write, what="choix de la langue")


CONTACT_FIELDS = ("name", "role", "phone", "phone2", "email", "can_release_payment", "notes")


def update_contact(store: Store, contact_id: int, version: int, changes: dict) -> int:
    """Save an edited contact if nobody changed it meanwhile (else ``StaleEdit``); logs an 'edit' event."""
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"champs inconnus : {sorted(unknown)}")
    if "name" in changes and not str(changes["name"]).strip():
        raise ValueError("le nom du contact ne peut pas être vide")

    def write(db: Database) -> int:
        before = db.execute(f"SELECT debtor_id, {', '.join(CONTACT_FIELDS)} FROM contacts WHERE id = ?",
                            [contact_id]).fetchone()
        if before is None:
            raise NotFound(f"contact n°{contact_id} introuvable")
        new_version = update_versioned(db, "contacts", contact_id, version, changes, agent=store.agent,
                                       at=store.now())
        old = dict(zip(CONTACT_FIELDS, before[1:], strict=True))
        changed = {k: [old[k], v] for k, v in changes.items() if old[k] != v}
        if changed:
            append_event(db, at=store.now(), agent=store.agent, kind="edit", debtor_id=before[0],
                         outcome="contact", notes=f"Contact {changes.get('name', old['name'])} modifié : "
                         + ", ".join(sorted(changed)), data={"contact_id": contact_id, "changes": changed})
        refresh_search(db, [before[0]])
        return new_version

    return store.write(write, what="enregistrement du contact")


def record_payment(store: Store, debtor_id: int, *, day: dt.date, amount_cents: int, reference: str = "",
                   today: dt.date | None = None) -> int:
    """A payment received, entered by hand: spread over the debtor's open invoices, oldest first.

    Refused when it exceeds what is owed, is not positive, or is dated in the future. Returns the
    number of invoices it touched.
    """
    from relance_tui.domain.money import format_cents
    from relance_tui.store.credits import reallocate, release
    from relance_tui.store.imports import TARGET_COLUMNS, apply_payment

    if amount_cents <= 0:
        raise ValueError("le montant doit être positif")
    if today is not None and day > today:
        raise ValueError(f"date du paiement dans le futur ({day:%d/%m/%Y})")

    def write(db: Database) -> int:
        at = store.now()
        released = release(db, [debtor_id], at=at, agent=store.agent)  # money first, credit notes after
        # money an agent enters is new money: it never stands for an undated payment an export showed
        targets = [(*t[:5], 0) for t in db.execute(f"SELECT {TARGET_COLUMNS} FROM invoices "
                                                   f"WHERE debtor_id = ? AND {OUTSTANDING_SQL} ORDER BY due_date, id",
                                                   [debtor_id]).fetchall()]
        owed = sum(a - p for _, _, _, a, p, _u in targets)
        if amount_cents > owed:
            raise ValueError(f"paiement de {format_cents(amount_cents)} supérieur au reste dû ({format_cents(owed)})")
        created, _ = apply_payment(db, debtor_id, targets, day=day.isoformat(), amount=amount_cents,
                                   reference=reference.strip(), source="manual", at=at, agent=store.agent,
                                   origin=f"saisi par {store.agent}")
        reallocate(db, [debtor_id], at=at, agent=store.agent, released=released)
        return created

    return store.write(write, what="enregistrement du paiement")


def waive_penalties(store: Store, debtor_id: int, invoice_ids: list[int], *, reason: str) -> int:
    """A supervisor lets the penalties and indemnity of these invoices go, with a reason: they leave every
    total; the event that records it names the invoices. Returns the number of invoices newly waived."""
    from relance_tui.domain.text import clean

    reason = clean(reason).strip()
    if len(reason) < 3:
        raise ValueError("indiquez la raison de l'abandon des pénalités (3 caractères au moins)")

    def write(db: Database) -> int:
        at = store.now()
        marks = ", ".join("?" for _ in invoice_ids)
        rows = db.execute(f"SELECT id, number FROM invoices WHERE debtor_id = ? AND amount_cents > 0 AND id IN ({marks}) "
                          "AND id NOT IN (SELECT invoice_id FROM penalty_waivers) ORDER BY due_date, id",
                          [debtor_id, *invoice_ids]).fetchall()
        if not rows:
            return 0
        event = append_event(db, at=at, agent=store.agent, kind="status", debtor_id=debtor_id, outcome="waiver",
                             notes=f"Pénalités et indemnité abandonnées sur {', '.join(n for _, n in rows)} : {reason}",
                             data={"invoice_ids": [i for i, _ in rows], "reason": reason},
                             invoice_ids=[i for i, _ in rows])
        db.conn.executemany("INSERT INTO penalty_waivers (invoice_id, debtor_id, reason, agent, at, event_id) "
                            "VALUES (?, ?, ?, ?, ?, ?)", [(i, debtor_id, reason, store.agent, at, event) for i, _ in rows])
        return len(rows)

    return store.write(write, what="abandon des pénalités")
