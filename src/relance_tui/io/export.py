"""Exports for the accountant: invoices with days late, penalties and indemnity; the aged balance per debtor.

Both read store/ledger.py (the invoices as they stood on the day) and take every figure from
store/figures.py, as the overdue list and the card do: credit notes reduce what is owed and are never
late, waived penalties count 0, and a penalty that rests on a payment with no date is left blank with a
remark saying why (never computed on an invented date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import IO

from relance_tui.domain.dates import BUCKET_LABELS, Bucket
from relance_tui.domain.instants import local
from relance_tui.domain.text import count
from relance_tui.domain.vocabulary import CALL_OUTCOMES, EVENT_KINDS, invoice_status_label
from relance_tui.io.csvout import Money, SheetWriter
from relance_tui.store.connection import Store
from relance_tui.store.figures import Figures
from relance_tui.store.ledger import BUCKETS, AgedDebtor, LedgerInvoice, aged_balance, ledger, ledger_figures
from relance_tui.store.queries import load_rates

INVOICE_HEADERS = ("Code client", "Client", "SIREN", "Facture", "Date facture", "Échéance", "Statut",
                   "Montant TTC", "Réglé", "Reste dû", "Jours de retard", "Pénalités de retard",
                   "Indemnité forfaitaire", "Total exigible", "Pénalités à confirmer", "Remarque")
WAIVED = "pénalités et indemnité abandonnées"
# a penalty computed with a rate carried over from an earlier period (no rate entered for a period it covers):
# "oui" in the column "Pénalités à confirmer", and the remark names the rate and the command that enters it
UNCONFIRMED = "à confirmer"


def _yes_no(flag: bool) -> str:
    return "oui" if flag else "non"


def _status(inv: LedgerInvoice) -> str:
    return invoice_status_label(inv.amount_cents, inv.status)


def _invoice_cells(inv: LedgerInvoice, fig: Figures, as_of: dt.date) -> tuple:
    """Days late, interest, indemnity, total payable and remark of one invoice."""
    rest = inv.balance_cents
    if inv.is_credit_note:
        return 0, Money(0), Money(0), Money(rest), ""
    if fig.waived:
        interest, indemnity, remark = 0, 0, WAIVED
    elif fig.penalty is None:
        interest = indemnity = None
        remark = fig.unknown or "pénalités non calculables"  # why: an undated payment, a missing rate
    else:
        interest, indemnity, remark = fig.penalty.interest_cents, fig.penalty.indemnity_cents, ""
        if fig.unconfirmed:
            remark = f"{UNCONFIRMED} : {' ; '.join(fig.unconfirmed)}"
    if rest > 0:
        days = max(0, (as_of - inv.due_date).days)
    else:  # settled: the days it was paid late (unknown while a payment has no date)
        days = fig.penalty.days_late if fig.penalty is not None else None
    owed = max(rest, 0) + (interest or 0) + (indemnity or 0)
    return (days, None if interest is None else Money(interest), None if indemnity is None else Money(indemnity),
            Money(owed), remark)


def export_invoices(store: Store, out: IO[str], *, as_of: dt.date, open_only: bool, excel: bool,
                    country: str = "FR") -> int:
    """Write one row per invoice issued by ``as_of`` (``open_only``: those still owed that day), a total row
    last; returns the number of invoices."""
    rates = load_rates(store)
    invoices = [i for i in ledger(store, as_of) if i.outstanding or not open_only]
    figs = ledger_figures(store, invoices, as_of, rates, country=country)
    sheet = SheetWriter(out, excel=excel)
    sheet.row(INVOICE_HEADERS)
    totals = [0, 0, 0, 0, 0, 0]
    unknown = 0
    unconfirmed = 0
    for inv in invoices:
        days, interest, indemnity, owed, remark = _invoice_cells(inv, figs[inv.id], as_of)
        unknown += interest is None
        unconfirmed += bool(figs[inv.id].unconfirmed)
        sheet.row((inv.code, inv.name, inv.siren, inv.number, inv.issue_date, inv.due_date, _status(inv),
                   Money(inv.amount_cents), Money(inv.paid_cents), Money(inv.balance_cents), days, interest, indemnity,
                   owed, _yes_no(bool(figs[inv.id].unconfirmed)), remark))
        for n, v in enumerate((inv.amount_cents, inv.paid_cents, inv.balance_cents, interest or 0, indemnity or 0,
                               owed)):
            totals[n] += v
    note = " ; ".join(x for x in (
        f"hors pénalités non calculables ({count(unknown, 'facture')})" if unknown else "",
        f"pénalités {UNCONFIRMED} sur {count(unconfirmed, 'facture')}" if unconfirmed else "") if x)
    sheet.row(("", f"Total ({count(len(invoices), 'facture')}) au {as_of:%d/%m/%Y}", "", "", None, None, "",
               *(Money(t) for t in totals[:3]), "", *(Money(t) for t in totals[3:]), _yes_no(bool(unconfirmed)),
               note))
    return len(invoices)


# The aged balance ("balance âgée clients") as French accounting software prints it: one line per customer
# account, the open balance split by days past the due date, the unapplied credits in their own column, the
# total as the sum of the line. Buckets: the overdue list's (domain/dates.py).
# (a header starting with "+" would be neutralised as a formula: "Plus de 90 j", not "+90 j")
BUCKET_HEADERS = {**BUCKET_LABELS, Bucket.OVER_90: "Plus de 90 j"}
DEBTOR_HEADERS = ("Code client", "Client", "SIREN", "Pays", *(BUCKET_HEADERS[b] for b in BUCKETS),
                  "Avoirs non imputés", "Total dû net des avoirs", "Dont en litige", "Pénalités et indemnités",
                  "Pénalités à confirmer", "Remarque", "Dernier contact", "Type de contact", "Prochaine action",
                  "Chargé de recouvrement")


def _penalty_remark(row: AgedDebtor) -> str:
    parts = []
    if row.penalty_unknown:
        by_reason: dict[str, list[str]] = {}
        for number, why in row.penalty_unknown:
            by_reason.setdefault(why, []).append(number)
        parts.extend(f"{', '.join(numbers)} : {why}" for why, numbers in by_reason.items())
    if row.waived:
        parts.append(f"{WAIVED} sur {count(row.waived, 'facture')}")
    if row.penalty_unconfirmed:
        parts.append(f"pénalités {UNCONFIRMED} : {' ; '.join(row.penalty_unconfirmed)}")
    return " ; ".join(parts)


def _contact_kind(kind: str, outcome: str | None) -> str:
    what = EVENT_KINDS.get(kind, kind)
    if kind == "call" and outcome in CALL_OUTCOMES:
        what += " · " + CALL_OUTCOMES[outcome]
    return what


def export_debtors(store: Store, out: IO[str], *, as_of: dt.date, excel: bool, country: str = "FR",
                   tz: str = "Europe/Paris", names: Callable[[str], str] = str) -> int:
    """Write the aged balance on ``as_of``: one row per debtor that owes something or holds unapplied credit,
    a total row last; returns the number of debtors."""
    rows = aged_balance(store, as_of, load_rates(store), country=country, tz=tz)
    sheet = SheetWriter(out, excel=excel)
    sheet.row(DEBTOR_HEADERS)
    unknown = 0
    for r in rows:
        unknown += r.claimable_penalty_cents is None
        c = r.last_contact
        pen = r.claimable_penalty_cents
        sheet.row((r.code, r.name, r.siren, r.country, *(Money(r.buckets[b]) for b in BUCKETS),
                   Money(-r.unapplied_credit_cents), Money(r.net_cents), Money(r.disputed_cents),
                   None if pen is None else Money(pen), _yes_no(bool(r.penalty_unconfirmed)), _penalty_remark(r),
                   local(c.at, tz).date() if c else None, _contact_kind(c.kind, c.outcome) if c else "",
                   r.next_action, names(r.account_manager) if r.account_manager else ""))
    note = f"hors pénalités non calculables ({count(unknown, 'débiteur')})" if unknown else ""
    sheet.row(("", f"Total ({count(len(rows), 'débiteur')}) au {as_of:%d/%m/%Y}", "", "",
               *(Money(sum(r.buckets[b] for r in rows)) for b in BUCKETS),
               Money(-sum(r.unapplied_credit_cents for r in rows)), Money(sum(r.net_cents for r in rows)),
               Money(sum(r.disputed_cents for r in rows)),
               Money(sum(r.claimable_penalty_cents or 0 for r in rows)),
               _yes_no(any(r.penalty_unconfirmed for r in rows)), note, None, "", "", ""))
    return len(rows)
