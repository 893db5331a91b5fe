"""What the call screen and the follow-up email are rendered from: the context and the script."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from relance_tui.domain.calls import PHASES, call_goal
from relance_tui.domain.law import regime_for
from relance_tui.domain.script import Phase, Prompt
from relance_tui.domain.text import key
from relance_tui.domain.vocabulary import CALL_OUTCOMES, CONTESTED_STATUSES, DISPUTE_CATEGORIES
from relance_tui.io.templates import Templates, TemplateProblem
from relance_tui.store.cards import Contact, DebtorCard


@dataclass(frozen=True)
class Objection:
    code: str
    label: str
    answers: tuple[str, ...]
    action: str
    action_label: str


def pick_contact(card: DebtorCard, contact_id: int | None = None) -> Contact | None:
    """The contact to ask for: the chosen one, else the one who can release the payment, else the first."""
    if contact_id is not None:
        for c in card.contacts:
            if c.id == contact_id:
                return c
    return card.contacts[0] if card.contacts else None  # the card lists releasers first


# Words around a person's name that do not tell who they are: a civility, and what parentheses add
# ("Sophie Martin (épouse)", "Jean Martin (Lyon)").
_CIVILITIES = frozenset({"m", "mr", "mme", "mlle", "monsieur", "madame", "mademoiselle", "me", "dr"})
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def _person(name: str) -> frozenset[str]:
    return frozenset(w for w in key(_BRACKETS.sub(" ", name)).split() if w not in _CIVILITIES)


def contact_is_debtor(card: DebtorCard, contact: Contact | None) -> bool:
    """Whether calling ``contact`` reaches the consumer debtor of ``card`` itself (no contact: the debtor is
    called): the same words in the name, in any order, civilities and parentheses aside. Anyone else (a
    spouse, a relative) is a third party to whom a consumer's debt is not named (DOMAIN.md, formal notice)."""
    if contact is None:
        return True
    words = _person(contact.name)
    return bool(words) and words == _person(card.name)


NOT_THE_DEBTOR = ("Le contact n'est pas le débiteur : ne parlez de la dette qu'au débiteur lui-même ou à une "
                  "personne qu'il a mandatée.")


def email_refusal(card: DebtorCard, contact: Contact | None) -> str | None:
    """Why no follow-up email may go to ``contact`` about ``card``'s debt, or None.

    The recap and the invoice again name the debt in writing: to a consumer's relative that is the very
    disclosure to a third party the call script avoids (DOMAIN.md, "Formal notice to a consumer").
    """
    if card.segment == "b2c" and not contact_is_debtor(card, contact):
        return "Ce contact n'est pas le débiteur : pas d'email sur la dette d'un particulier à un tiers."
    return None


def time_barred(card: DebtorCard, today: dt.date) -> list:
    """The invoices owed whose limitation date has passed: not claimed, no threat; the debtor may still pay
    them of their own accord (a natural obligation: C. civ. 1302, al. 2)."""
    return [i for i in card.outstanding if i.limitation < today]


def _acts(claimed: list, today: dt.date) -> tuple[dict | None, dict | None]:
    """The formal notice and the (Belgian consumer's) free first reminder recorded on the invoices claimed:
    the first day (and the last notice's), the invoices with and without one; for the reminder, the last day
    of the 14 days after it (the latest of the invoices': nothing is said to be chargeable before all are over)."""
    notice = reminder = None
    noticed = [i for i in claimed if i.formal_notice]
    if noticed:
        notice = {"day": min(i.formal_notice for i in noticed), "last": max(i.formal_notice for i in noticed),
                  "invoices": [i.number for i in noticed],
                  "without": [i.number for i in claimed if not i.formal_notice], "all": len(noticed) == len(claimed)}
    reminded = [i for i in claimed if i.first_reminder]
    if reminded:
        ends = [i.grace_end for i in reminded if i.grace_end]
        grace_end = max(ends) if ends else None
        reminder = {"day": min(i.first_reminder for i in reminded), "invoices": [i.number for i in reminded],
                    "without": [i.number for i in claimed if not i.first_reminder],
                    "all": len(reminded) == len(claimed), "grace_end": grace_end,
                    "over": grace_end is not None and today > grace_end}
    return notice, reminder


TIME_BARRED_GOAL = ("Factures prescrites : rien à exiger. Le client peut encore les régler de lui-même ; "
                    "acceptez un paiement proposé, sans insister ni menacer.")


def call_context(card: DebtorCard, *, agent: str, office: Any, today: dt.date,
                 contact: Contact | None) -> dict[str, Any]:
    outstanding = card.outstanding
    barred = time_barred(card, today)  # not claimed: no amount asked for, no threat
    claimed = [i for i in outstanding if i not in barred]

    def row(i) -> dict:  # noqa: ANN001 - a CardInvoice
        return {"id": i.id, "number": i.number, "issue_date": i.issue_date, "due_date": i.due_date,
                "amount_cents": i.amount_cents, "due_cents": i.amount_cents - i.paid_cents,
                "days_late": max(0, i.days_late), "penalty_cents": i.penalty_cents, "status": i.status,
                "limitation": i.limitation}

    invoices = [row(i) for i in claimed]
    barred_rows = [{**row(i), "barred_since": i.limitation + dt.timedelta(days=1)} for i in barred]
    oldest = min(invoices or barred_rows, key=lambda i: i["due_date"]) if invoices or barred_rows else {
        "number": "—", "issue_date": today, "due_date": today, "days_late": 0, "due_cents": 0}
    total_due = sum(i["due_cents"] for i in invoices)
    # what may be asked for today: an invoice not yet due is owed but not exigible (said apart, never claimed)
    coming = [i for i in invoices if i["due_date"] > today]
    exigible = total_due - sum(i["due_cents"] for i in coming)
    # unknown (a missing rate, an undated payment) stays None: the script says so, it never becomes 0
    values = [i.penalty_cents for i in claimed]
    penalties = None if any(v is None for v in values) else sum(values)
    unknown = next((i.penalty_unknown or "" for i in claimed if i.penalty_cents is None), "")
    notice, reminder = _acts(claimed, today)
    disputed = bool(claimed) and all(i.status in CONTESTED_STATUSES for i in claimed)
    open_disputes = [f"{DISPUTE_CATEGORIES[d.category]} ({d.invoices})" for d in card.disputes if d.status == "open"]
    office_data = office if isinstance(office, dict) else dataclasses.asdict(office)
    # the law the debtor follows (its country and segment) chooses what the script may say about the debt
    regime = regime_for(card.country, card.segment, office_data.get("country", "FR"))
    return {
        "debtor": {"id": card.id, "name": card.name, "code": card.code, "siren": card.siren,
                   "segment": card.segment, "country": card.country or ""},
        # what the debtor is written to in (emails, documents; the script itself stays in French)
        "lang": card.writes_in,
        # a consumer's contact who is not the debtor (a spouse...): the debt is named to the debtor alone
        "contact_is_debtor": contact_is_debtor(card, contact),
        # key: fr_b2b, fr_b2c, be_b2b or be_b2c (templates/call/*.txt.j2 choose their wording by it)
        "regime": {"key": regime.key, "label": regime.label, "court_step": regime.court_step,
                   "country": regime.country, "consumer": regime.consumer,
                   "penalties_automatic": regime.penalties_automatic},
        "contact": None if contact is None else {
            "id": contact.id, "name": contact.name, "role": contact.role, "phone": contact.phone,
            "phone2": contact.phone2, "email": contact.email, "can_release": contact.can_release_payment},
        "email": contact.email if contact else "",
        "agent": agent,
        "office": office_data,
        "today": today,
        "invoices": invoices,  # the invoices claimed: owed and not time-barred
        "time_barred": barred_rows,  # owed but time-barred: not claimed, no threat
        "time_barred_cents": sum(i["due_cents"] for i in barred_rows),
        "oldest": oldest,
        "total_due": total_due,
        "total_penalties": penalties,  # None: not computable (penalties_unknown says why)
        "penalties_unknown": unknown,
        "total_exigible": exigible,  # the invoices already due (on or before today)
        "coming_cents": total_due - exigible,  # ... and those not yet due, with the first of their due dates
        "coming_first": min((i["due_date"] for i in coming), default=None),
        "total_claimable": None if penalties is None else exigible + penalties,
        # the penalties rest on a rate carried over from an earlier period (none entered for the period in
        # force): the figure is "à confirmer", never to be stated as final; unconfirmed_rates names each rate
        # and the command that enters it
        "penalties_unconfirmed": any(i.penalty_unconfirmed for i in claimed),
        "paid_late_unconfirmed": any(i.penalty_unconfirmed for i in card.paid_late if not i.waived),
        "unconfirmed_rates": list(card.penalty_unconfirmed),
        # legal acts already recorded on the invoices claimed (None: none): the next step said follows them
        "formal_notice": notice,  # {day, last, invoices, without, all}
        "first_reminder": reminder,  # a Belgian consumer's: {day, invoices, without, all, grace_end, over}
        # our terms of sale hold a damage clause: a Belgian consumer may owe an indemnity (else interest only)
        "be_damage_clause": bool(office_data.get("be_consumer_damage_clause", False)),
        # credit notes: what is owed is already net of them; what is left of them, and how they were applied
        "unapplied_credit": card.credit_cents,
        "in_credit": card.in_credit,
        "credit_notes": [a.describe() for a in card.allocations],
        # penalties and indemnities still owed on invoices paid late (a business debtor; waived ones left out)
        "paid_late_count": sum(1 for i in card.paid_late if not i.waived),
        "paid_late_penalties": card.paid_late_penalty_cents if card.segment == "b2b" else 0,  # None: unknown
        "goal": (TIME_BARRED_GOAL if barred and not claimed
                 else call_goal(total_due, disputed=disputed or bool(open_disputes))),
        "broken_promises": sum(1 for p in card.promises if p.status in ("broken", "partly_kept")),
        "open_disputes": open_disputes,
        "outcome_label": "",
    }


def load_script(templates: Templates, context: dict) -> tuple[list[Phase], list[Objection], list[str]]:
    """The six phases and the objection answers, rendered; problems with office templates listed."""
    phases, problems = [], []
    french = {**context, "lang": "fr"}  # the script is the agent's, in French: its amounts too (the debtor's: emails)
    for code, title in PHASES:
        rendered = templates.render(f"call/{code}.txt.j2", french)
        problems += rendered.problems
        prompts = []
        for n, p in enumerate(rendered.meta.get("prompts", []), 1):
            try:
                prompts.append(Prompt(int(p["after"]), str(p["text"]), str(p.get("clock", "phase"))))
            except (KeyError, TypeError, ValueError):
                problems.append(f"{rendered.source} : invite n°{n} sans « after » (secondes) ou « text »")
        phases.append(Phase(code, str(rendered.meta.get("title", title)), rendered.body, tuple(prompts)))
    data, more = templates.load_data("call/objections.toml", french)
    problems += more
    objections = []
    for n, o in enumerate(data.get("objection", []), 1):
        try:
            objections.append(Objection(o["code"], o["label"], tuple(o.get("answers", [])), o.get("action", ""),
                                        o.get("action_label", "")))
        except (KeyError, TypeError):
            problems.append(f"call/objections.toml : objection n°{n} sans « code » ou « label »")
    return phases, objections, problems


def email_context(base: dict, *, outcome: str, instalments=(), paid_date=None, paid_reference: str = "",
                  callback_at=None, dispute_category: str | None = None, dispute_invoices=(),
                  attachments=()) -> dict:
    return {**base, "outcome": outcome, "outcome_label": CALL_OUTCOMES.get(outcome, outcome),
            "instalments": [dataclasses.asdict(i) for i in instalments], "paid_date": paid_date,
            "paid_reference": paid_reference, "callback_at": callback_at,
            "dispute_label": DISPUTE_CATEGORIES.get(dispute_category or "", ""),
            "dispute_category": dispute_category or "",  # the code: a Dutch or English email says it its own way
            "dispute_invoices": list(dispute_invoices), "attachments": list(attachments)}


@dataclass(frozen=True)
class Script:
    context: dict
    phases: list[Phase]
    objections: list[Objection]
    problems: list[str]


def render_script(card: DebtorCard, contact: Contact | None, *, agent: str, office: Any, today: dt.date,
                  templates: Templates) -> Script:
    """The call's script for this contact (template files are read: run it in a worker)."""
    context = call_context(card, agent=agent, office=office, today=today, contact=contact)
    phases, objections, problems = load_script(templates, context)
    return Script(context, phases, objections, problems)


__all__ = ["Objection", "Script", "TemplateProblem", "call_context", "email_context", "load_script", "pick_contact",
           "render_script"]
