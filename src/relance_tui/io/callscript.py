"""What the call screen and the follow-up email are rendered from: the context and the script."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from relance_tui.domain.calls import PHASES, call_goal
from relance_tui.domain.law import regime_for
from relance_tui.domain.script import Phase, Prompt
from relance_tui.domain.vocabulary import CALL_OUTCOMES, DISPUTE_CATEGORIES
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


def call_context(card: DebtorCard, *, agent: str, office: Any, today: dt.date,
                 contact: Contact | None) -> dict[str, Any]:
    outstanding = card.outstanding
    invoices = [{"id": i.id, "number": i.number, "issue_date": i.issue_date, "due_date": i.due_date,
                 "amount_cents": i.amount_cents, "due_cents": i.amount_cents - i.paid_cents,
                 "days_late": max(0, i.days_late), "penalty_cents": i.penalty_cents, "status": i.status}
                for i in outstanding]
    oldest = min(invoices, key=lambda i: i["due_date"]) if invoices else {
        "number": "—", "issue_date": today, "due_date": today, "days_late": 0, "due_cents": 0}
    penalties = card.penalty_cents or 0
    disputed = bool(outstanding) and all(i.status in ("disputed", "litigation") for i in outstanding)
    open_disputes = [f"{DISPUTE_CATEGORIES[d.category]} ({d.invoices})" for d in card.disputes if d.status == "open"]
    office_data = office if isinstance(office, dict) else dataclasses.asdict(office)
    # the law the debtor follows (its country and segment) chooses what the script may say about the debt
    regime = regime_for(card.country, card.segment, office_data.get("country", "FR"))
    return {
        "debtor": {"id": card.id, "name": card.name, "code": card.code, "siren": card.siren,
                   "segment": card.segment, "country": card.country or ""},
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
        "invoices": invoices,
        "oldest": oldest,
        "total_due": card.due_cents,
        "total_penalties": penalties,
        "total_claimable": card.due_cents + penalties,
        # the penalties rest on a rate carried over from an earlier period (none entered for the period in
        # force): the figure is "à confirmer", never to be stated as final; unconfirmed_rates names each rate
        # and the command that enters it
        "penalties_unconfirmed": bool(card.penalty_unconfirmed),
        "unconfirmed_rates": list(card.penalty_unconfirmed),
        # credit notes: what is owed is already net of them; what is left of them, and how they were applied
        "unapplied_credit": card.credit_cents,
        "in_credit": card.in_credit,
        "credit_notes": [a.describe() for a in card.allocations],
        # penalties and indemnities still owed on invoices paid late (a business debtor; waived ones left out)
        "paid_late_count": sum(1 for i in card.paid_late if not i.waived),
        "paid_late_penalties": (card.paid_late_penalty_cents or 0) if card.segment == "b2b" else 0,
        "goal": call_goal(card.due_cents, disputed=disputed or bool(open_disputes)),
        "broken_promises": sum(1 for p in card.promises if p.status in ("broken", "partly_kept")),
        "open_disputes": open_disputes,
        "outcome_label": "",
    }


def load_script(templates: Templates, context: dict) -> tuple[list[Phase], list[Objection], list[str]]:
    """The six phases and the objection answers, rendered; problems with office templates listed."""
    phases, problems = [], []
    for code, title in PHASES:
        rendered = templates.render(f"call/{code}.txt.j2", context)
        problems += rendered.problems
        prompts = []
        for n, p in enumerate(rendered.meta.get("prompts", []), 1):
            try:
                prompts.append(Prompt(int(p["after"]), str(p["text"]), str(p.get("clock", "phase"))))
            except (KeyError, TypeError, ValueError):
                problems.append(f"{rendered.source} : invite n°{n} sans « after » (secondes) ou « text »")
        phases.append(Phase(code, str(rendered.meta.get("title", title)), rendered.body, tuple(prompts)))
    data, more = templates.load_data("call/objections.toml", context)
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
