"""Legal acts and the limitation dates they move (issue 13, items 3-5).

An act is what the law attaches an effect to; ``record_act`` writes it in one transaction: an event on
the debtor's timeline (outcome = the act's kind, the invoices it covers in ``event_invoices``) and one
``legal_acts`` row per invoice (migration 0009):
- a formal notice ("mise en demeure"): a French consumer's legal interest runs from it (C. civ. 1344-1,
  read by store/figures.invoice_acts); it does NOT interrupt the limitation period;
- a Belgian consumer's free first reminder: nothing may be charged until 14 days after it (CDE XIX.2);
- an acknowledgement of the debt by the debtor (a written promise, a payment plan): it interrupts the
  limitation period, which starts again (C. civ. 2240, 2231).

``limitations`` gives each invoice's limitation date and its reason (domain/law.limitation): from the
delivery date, else the issue date, restarted by acknowledgements and by part-payments (a dated payment
that left something owed on the invoice is an acknowledgement too). A phone promise is not one here: it
leaves no written trace; an agent who receives one in writing records it as an act.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relance_tui.domain.law import (
    ACT_ALLOWED_CHANNELS,
    LIMITATION_WARN_DAYS,
    Limitation,
    Regime,
    limitation,
    regime_for,
)
from relance_tui.domain.text import clean
from relance_tui.domain.vocabulary import ACKNOWLEDGEMENT_FORMS, ACT_CHANNELS, LEGAL_ACTS
from relance_tui.errors import NotFound
from relance_tui.store.conditions import OUTSTANDING_SQL, in_chunks
from relance_tui.store.connection import Store
from relance_tui.store.queries import append_event

if TYPE_CHECKING:
    from sqlite_utils import Database

PART_PAYMENT = "paiement partiel"
ACKNOWLEDGEMENT = "reconnaissance de dette"


@dataclass(frozen=True)
class RecordedAct:
    event_id: int
    invoice_ids: tuple[int, ...]
    numbers: tuple[str, ...]
    warnings: tuple[str, ...] = ()  # e.g. an acknowledgement that came after an invoice was time-barred


def _channel_words(kind: str) -> str:
    return ", ".join(ACT_CHANNELS[c] for c in ACT_ALLOWED_CHANNELS[kind] if c)


def check_act(kind: str, day: dt.date, channel: str, *, today: dt.date, form: str = "") -> None:
    """Refuse what cannot be recorded, in French for the agent (nothing read from the database)."""
    if kind not in LEGAL_ACTS:
        raise ValueError(f"acte inconnu : {kind!r} (attendu : {', '.join(LEGAL_ACTS)})")
    if day > today:
        raise ValueError(f"{LEGAL_ACTS[kind].lower()} datée du {day:%d/%m/%Y} : une date dans le futur "
                         "n'est pas un acte accompli")
    if channel not in ACT_ALLOWED_CHANNELS[kind]:
        what = "indiquez" if not channel else f"« {channel} » n'est pas un canal possible ; indiquez"
        raise ValueError(f"{LEGAL_ACTS[kind].lower()} : {what} le canal ({_channel_words(kind)})")
    if kind == "acknowledgement" and form not in ACKNOWLEDGEMENT_FORMS:
        raise ValueError("reconnaissance de dette : choisissez sa forme ("
                         + " ou ".join(ACKNOWLEDGEMENT_FORMS.values()) + ")")


def describe_act(kind: str, day: dt.date, channel: str, numbers: Sequence[str], detail: str = "",
                 form: str = "") -> str:
    """One line for the timeline: "Mise en demeure (lettre recommandée AR) du 03/02/2026 : FA-1, FA-2"."""
    what = LEGAL_ACTS[kind]
    extras = [ACKNOWLEDGEMENT_FORMS[form]] if form else []
    if channel:
        extras.append(ACT_CHANNELS[channel])
    if extras:
        what += f" ({', '.join(extras)})"
    text = f"{what} du {day:%d/%m/%Y} : {', '.join(numbers)}"
    return f"{text} — {detail}" if detail else text


def record_act(store: Store, debtor_id: int, kind: str, day: dt.date, channel: str = "",
               invoice_ids: Sequence[int] | None = None, detail: str = "", *, today: dt.date, form: str = "",
               office_country: str = "FR") -> RecordedAct:
    """Record a legal act on invoices of a debtor (by default every outstanding invoice it can cover).

    An act covers an invoice issued on or before its day; a formal notice or a first reminder also needs
    the invoice to be due by then (a notice sent before the due date puts nobody in default: C. civ.
    1344-1, and relance keeps the first notice of an invoice). A first reminder is refused for a debtor
    that is not a Belgian consumer: it has no effect under any other law, and the refusal shows the agent
    that relance does not see this debtor as one (its country or segment may be wrong) instead of letting
    them believe the 14 days apply. An invoice has one first reminder (the first is the free one).
    ``office_country`` is the office's: a debtor outside FR and BE follows it (domain/law.regime_for).
    """
    detail = clean(detail).strip()
    form = form if kind == "acknowledgement" else ""
    check_act(kind, day, channel, today=today, form=form)
    label = LEGAL_ACTS[kind].lower()

    return store.write(lambda db: record_act_in(db, store, debtor_id, kind, day, channel, invoice_ids, detail,
                                                form=form, office_country=office_country),
                       what=f"enregistrement : {label}")


def record_act_in(db: Database, store: Store, debtor_id: int, kind: str, day: dt.date, channel: str,
                  invoice_ids: Sequence[int] | None, detail: str, *, form: str = "",
                  office_country: str = "FR", extra: dict[str, Any] | None = None) -> RecordedAct:
    """``record_act``'s work inside a transaction the caller holds (a plan step that is a legal act records
    both at once, store/plan.py); the arguments already checked by ``check_act``."""
    at = store.now()
    debtor = db.execute("SELECT segment, country FROM debtors WHERE id = ?", [debtor_id]).fetchone()
    if debtor is None:
        raise NotFound(f"débiteur n°{debtor_id} introuvable")
    regime = regime_for(debtor[1], debtor[0], office_country)
    if kind == "first_reminder" and not (regime.country == "BE" and regime.consumer):
        raise ValueError(f"premier rappel gratuit : réservé aux consommateurs belges (livre XIX du Code de "
                         f"droit économique) ; ce débiteur relève du régime {regime.label}. Vérifiez son "
                         "pays et son type, ou notez un rappel ordinaire.")
    rows = _covered_invoices(db, debtor_id, kind, day, invoice_ids)
    warnings: list[str] = []
    if kind == "acknowledgement":  # one made after the period ran out revives nothing (domain/law)
        before = limitations(db, [(r[0], dt.date.fromisoformat(r[2]), _date(r[4]), r[5], regime) for r in rows])
        warnings = [f"{number} était prescrite depuis le {before[inv_id].day + dt.timedelta(days=1):%d/%m/%Y} : "
                    "cette reconnaissance n'interrompt plus la prescription"
                    for inv_id, number, *_ in rows if before[inv_id].day < day]
    covered = [r[0] for r in rows]
    numbers = tuple(r[1] for r in rows)
    event_kind = "note" if kind == "acknowledgement" else ("email" if channel == "email" else "letter")
    data: dict[str, Any] = {"act": kind, "day": day.isoformat(), "channel": channel, "invoice_ids": covered}
    if form:
        data["form"] = form
    data.update(extra or {})  # e.g. the plan step it is (store/plan.py)
    event_id = append_event(db, at=at, agent=store.agent, kind=event_kind, debtor_id=debtor_id,
                            direction="in" if kind == "acknowledgement" else "out", outcome=kind,
                            notes=describe_act(kind, day, channel, numbers, detail, form), data=data,
                            invoice_ids=covered)
    db.conn.executemany(
        "INSERT INTO legal_acts (debtor_id, invoice_id, kind, day, channel, detail, event_id, agent, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(debtor_id, inv_id, kind, day.isoformat(), channel, detail, event_id, store.agent, at)
         for inv_id in covered])
    return RecordedAct(event_id, tuple(covered), numbers, tuple(warnings))


_ACT_INVOICE_COLUMNS = "id, number, issue_date, due_date, delivery_date, amount_cents"


def _covered_invoices(db: Database, debtor_id: int, kind: str, day: dt.date,
                      invoice_ids: Sequence[int] | None) -> list[tuple]:
    """The invoices an act covers: (id, number, issue, due, delivery, amount), by due date. Without
    ``invoice_ids``, every outstanding one it can cover (none: refused); with them, each must be one it
    can cover, else the act is refused naming it."""
    label = LEGAL_ACTS[kind].lower()
    needs_due = kind in ("formal_notice", "first_reminder")
    reminded = {r[0]: r[1] for r in db.execute(
        "SELECT invoice_id, MIN(day) FROM legal_acts WHERE debtor_id = ? AND kind = 'first_reminder' "
        "GROUP BY invoice_id", [debtor_id])} if kind == "first_reminder" else {}
    if invoice_ids is None:
        rows = [r for r in db.execute(f"SELECT {_ACT_INVOICE_COLUMNS} FROM invoices WHERE debtor_id = ? "
                                      f"AND {OUTSTANDING_SQL} ORDER BY due_date, id", [debtor_id]).fetchall()
                if r[2] <= day.isoformat() and (not needs_due or r[3] <= day.isoformat()) and r[0] not in reminded]
        if not rows:
            due = " échue à cette date" if needs_due else ""
            done = " sans premier rappel" if kind == "first_reminder" else ""
            raise ValueError(f"{label} du {day:%d/%m/%Y} : aucune facture ouverte{due}{done} pour ce débiteur")
        return rows
    ids = sorted(set(invoice_ids))
    if not ids:
        raise ValueError(f"{label} : cochez au moins une facture")
    marks = ", ".join("?" for _ in ids)
    rows = db.execute(f"SELECT {_ACT_INVOICE_COLUMNS}, {OUTSTANDING_SQL} FROM invoices WHERE debtor_id = ? "
                      f"AND id IN ({marks}) ORDER BY due_date, id", [debtor_id, *ids]).fetchall()
    if len(rows) != len(ids):
        raise NotFound(f"{label} : une facture choisie n'appartient pas à ce débiteur")
    for inv_id, number, issue, due, _delivery, amount, outstanding in rows:
        if amount <= 0:
            raise ValueError(f"{label} : {number} est un avoir")
        if not outstanding:
            raise ValueError(f"{label} : {number} est soldée")
        if issue > day.isoformat():
            raise ValueError(f"{label} du {day:%d/%m/%Y} : {number} n'est émise que le {_fr(issue)}")
        if needs_due and due > day.isoformat():
            raise ValueError(f"{label} du {day:%d/%m/%Y} : {number} n'est échue que le {_fr(due)}")
        if inv_id in reminded:
            raise ValueError(f"premier rappel gratuit : {number} a déjà eu le sien le {_fr(reminded[inv_id])}")
    return [r[:6] for r in rows]


def invoice_ids_by_number(conn: Any, debtor_id: int, numbers: Sequence[str]) -> list[int]:
    """The ids of these invoices of a debtor, by number (``relance act --invoice``); NotFound names a missing one."""
    found = {}
    for number in numbers:
        row = conn.execute("SELECT id FROM invoices WHERE debtor_id = ? AND number = ?", [debtor_id, number]).fetchone()
        if row is None:
            raise NotFound(f"facture {number!r} introuvable pour ce débiteur")
        found[number] = row[0]
    return list(found.values())


# -- limitation dates ----------------------------------------------------------------------------------
# What a limitation date is computed from: (invoice id, issue date, delivery date or None, amount, regime).
LimitationInput = tuple[int, dt.date, dt.date | None, int, Regime]


def acknowledgements(conn: Any, amounts: Mapping[int, int]) -> dict[int, list[tuple[dt.date, str]]]:
    """Each invoice's acknowledgements of the debt: recorded acts, and part-payments (a dated payment after
    which something was still owed on it). ``amounts``: invoice id -> its amount; ``conn``: a connection,
    or a transaction's ``db``. Two batched queries."""
    out: dict[int, list[tuple[dt.date, str]]] = {}
    for part, marks in in_chunks(amounts):
        for inv_id, day, form in conn.execute(
                "SELECT a.invoice_id, a.day, json_extract(e.data, '$.form') FROM legal_acts a "
                f"LEFT JOIN events e ON e.id = a.event_id WHERE a.invoice_id IN ({marks}) "
                "AND a.kind = 'acknowledgement'", part):
            out.setdefault(inv_id, []).append((dt.date.fromisoformat(day),
                                               ACKNOWLEDGEMENT_FORMS.get(form or "", ACKNOWLEDGEMENT)))
        # what is owed after each payment: every reduction counts (a credit note applied too), only money
        # the debtor paid acknowledges the debt, and only a payment with its own date
        reduced: dict[int, int] = {}
        for inv_id, day, cents, kind, undated in conn.execute(
                f"SELECT invoice_id, day, amount_cents, kind, undated FROM payments WHERE invoice_id IN ({marks}) "
                "ORDER BY invoice_id, day, id", part):
            reduced[inv_id] = reduced.get(inv_id, 0) + cents
            if kind == "payment" and not undated and cents > 0 and reduced[inv_id] < amounts[inv_id]:
                out.setdefault(inv_id, []).append((dt.date.fromisoformat(day), PART_PAYMENT))
    return out


def limitations(conn: Any, invoices: Sequence[LimitationInput]) -> dict[int, Limitation]:
    """The limitation date of each invoice, with its reason (two batched queries, whatever the count)."""
    acks = acknowledgements(conn, {i[0]: i[3] for i in invoices})
    return {inv_id: limitation(regime, issue_date=issue, delivery_date=delivery, acknowledgements=acks.get(inv_id, ()))
            for inv_id, issue, delivery, _amount, regime in invoices}


def near_limitations(store: Store, today: dt.date, *, country: str = "FR", debtor_ids: Sequence[int] | None = None,
                     within_days: int = LIMITATION_WARN_DAYS[0]) -> dict[int, tuple[dt.date, str]]:
    """Debtors with an open overdue invoice reaching its limitation date within ``within_days`` (not past):
    debtor id -> (the nearest such date, that invoice's number). For the queue: only invoices old enough
    for their debtor's regime are read (an acknowledgement only pushes a date later)."""
    pairs = store.conn.execute("SELECT DISTINCT segment, country FROM debtors").fetchall()
    horizon = today + dt.timedelta(days=within_days)
    clauses, params = [], []
    for segment, debtor_country in pairs:
        if segment not in ("b2b", "b2c"):
            continue
        regime = regime_for(debtor_country, segment, country)
        # the latest start whose plain period (no acknowledgement) ends by the horizon: 365 days a year is
        # later than the exact date, so nothing is missed; the exact dates are computed below
        latest = horizon - dt.timedelta(days=365 * regime.limitation_years)
        clauses.append("(d.segment = ? AND d.country IS ? AND COALESCE(i.delivery_date, i.issue_date) <= ?)")
        params += [segment, debtor_country, latest.isoformat()]
    if not clauses:
        return {}
    # through the invoices' start of limitation (migration 0014): the few old enough, not every outstanding one
    oldest = max(p for p in params[2::3])
    sql = ("SELECT i.id, i.debtor_id, i.number, i.issue_date, i.delivery_date, i.amount_cents, d.segment, d.country "
           "FROM invoices i INDEXED BY invoices_limitation_start JOIN debtors d ON d.id = i.debtor_id "
           f"WHERE {OUTSTANDING_SQL} AND COALESCE(i.delivery_date, i.issue_date) <= ? AND i.status = 'open' "
           f"AND i.due_date < ? AND ({' OR '.join(clauses)})")
    params = [oldest, today.isoformat(), *params]
    wanted = None if debtor_ids is None else set(debtor_ids)
    rows = [r for r in store.conn.execute(sql, params).fetchall() if wanted is None or r[1] in wanted]
    lims = limitations(store.conn, [(r[0], dt.date.fromisoformat(r[3]), _date(r[4]), r[5],
                                     regime_for(r[7], r[6], country)) for r in rows])
    out: dict[int, tuple[dt.date, str]] = {}
    for r in rows:
        day = lims[r[0]].day
        if today <= day <= horizon and (r[1] not in out or day < out[r[1]][0]):
            out[r[1]] = (day, r[2])
    return out


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _fr(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"

