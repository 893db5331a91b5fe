"""Sending the plan's emails in a batch: each step claimed first (store/plan.py, so two agents or two nightly
runs send it once), rendered from the office's sandboxed templates with the debtor's overdue invoices, sent
by SMTP with retries and a per-minute limit or written to the outbox, and recorded with its Message-ID. A
failure is said per debtor and leaves the step in the agenda, to be tried again."""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.law import be_consumer_grace_end, be_consumer_indemnity
from relance_tui.domain.plan import PlanBook
from relance_tui.errors import MailError, RelanceError, StaleEdit
from relance_tui.io.callscript import call_context, pick_contact
from relance_tui.io.documents import DocumentPlace
from relance_tui.io.mail import (
    build_message,
    header_line,
    invoice_files,
    make_draft,
    send_smtp,
    write_outbox,
)
from relance_tui.io.templates import TemplateProblem, Templates
from relance_tui.store.agenda import THANKS, Check, claim_thanks, paid_on, record_thanks
from relance_tui.store.cards import debtor_card
from relance_tui.store.connection import Store
from relance_tui.store.plan import DebtorPlan
from relance_tui.store.plan_steps import claim_step, mark_sent, record_step, release_claim
from relance_tui.store.queries import load_rates

SMTP_ATTEMPTS = 3
SMTP_BACKOFF_S = 2.0


@dataclass(frozen=True)
class Sent:
    """What became of one debtor's email: sent (or in the outbox), skipped (done or claimed elsewhere), failed."""

    debtor_id: int
    name: str
    step: str
    status: str  # sent, outbox, skipped, failed
    message: str
    message_id: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass(frozen=True)
class Mailer:
    """Where emails go: the office's SMTP server (``smtp.host``), else the outbox folder; and where the
    documents a step attaches are made (``documents``, None: a step that attaches one fails, said)."""

    smtp: Any  # config.SmtpSettings
    sender: str
    outbox: Path
    per_minute: int = 30
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    documents: DocumentPlace | None = None


def step_context(store: Store, item: DebtorPlan, *, agent: str, office: Any, today: dt.date) -> tuple[dict, str]:
    """The template's context for a plan email (the call script's, plus the invoices this step lists) and the
    address to send it to (the contact who can release the payment first, with an email)."""
    card = debtor_card(store, item.debtor_id, as_of=today, rates=load_rates(store),
                       country=getattr(office, "country", "FR"))
    with_email = [c for c in card.contacts if c.email]
    contact = with_email[0] if with_email else pick_contact(card)
    context = call_context(card, agent=agent, office=office, today=today, contact=contact)
    listed = [row for row in context["invoices"] if row["id"] in set(item.invoice_ids)]
    # what is owed on them, less the credit notes not yet applied (the debtor's balance, never more): the
    # figure stated, and the one a Belgian consumer's indemnity is counted on
    credit = min(context["unapplied_credit"] or 0, sum(row["due_cents"] for row in listed))
    total = sum(row["due_cents"] for row in listed) - credit
    step = item.state.next
    plan: dict[str, Any] = {"key": item.plan.key, "step": step.key, "label": step.label, "grace_end": None,
                            "indemnity_cents": 0}
    if step.act == "first_reminder":
        plan["grace_end"] = be_consumer_grace_end(today, "email", OfficeCalendar("BE"))
        if context["be_damage_clause"]:
            plan["indemnity_cents"] = be_consumer_indemnity(total)
    context.update(listed=listed, listed_total=total, listed_credit=credit, plan=plan)
    return context, (contact.email if contact and contact.email else "")


def send_plan_emails(store: Store, items: Iterable[DebtorPlan | Check], *, mailer: Mailer, templates: Templates,
                     agent: str, office: Any, today: dt.date, book: PlanBook | None = None,
                     progress: Callable[[Sent], None] | None = None) -> list[Sent]:
    """Send the email step due for each of these debtors, and these thank-yous (store/agenda.py); one result
    per row, in order."""
    if not mailer.sender:
        if mailer.smtp.host:
            raise MailError("expéditeur manquant : renseignez [smtp] sender (ou [office] email) dans relance.toml ; "
                            "rien n'a été envoyé")
        # the outbox needs a From, as a follow-up email written there (io/mail.deliver)
        mailer = replace(mailer, sender=f"{store.agent}@{socket.gethostname()}")
    results: list[Sent] = []
    sent_at: list[float] = []
    for item in items:
        if isinstance(item, Check):
            if item.kind != THANKS:
                continue
            result = _send_thanks(store, item, mailer=mailer, templates=templates, agent=agent, office=office,
                                  today=today, sent_at=sent_at)
        elif item.state.next is None or item.state.next.channel != "email":
            continue
        else:
            result = _send_one(store, item, mailer=mailer, templates=templates, agent=agent, office=office,
                               today=today, book=book, sent_at=sent_at)
        results.append(result)
        if progress is not None:
            progress(result)
    return results


def _send_one(store: Store, item: DebtorPlan, *, mailer: Mailer, templates: Templates, agent: str, office: Any,
              today: dt.date, book: PlanBook | None, sent_at: list[float]) -> Sent:
    step = item.state.next
    country = getattr(office, "country", "FR")
    try:
        claimed = claim_step(store, item.debtor_id, step.key, today=today, book=book, office_country=country)
    except StaleEdit:  # done meanwhile (another agent, another run): the plan has moved on
        claimed = None
    if claimed is None:
        return Sent(item.debtor_id, item.name, step.key, "skipped", "déjà envoyé ou en cours d'envoi par un autre poste")
    _, token = claimed
    try:
        if step.act == "first_reminder" and not getattr(office, "enterprise_number", ""):
            raise MailError("[office] enterprise_number manquant dans relance.toml : le premier rappel gratuit doit "
                            "indiquer le numéro d'entreprise du créancier (Code de droit économique, art. XIX.2)")
        context, to = step_context(store, item, agent=agent, office=office, today=today)
        if not to:
            raise MailError("aucune adresse email pour ce débiteur : ajoutez-en une sur sa fiche")
        if not context["listed"]:
            raise MailError("aucune facture à réclamer (prescrites ou réglées entre-temps)")
        files = invoice_files(store, [row["id"] for row in context["listed"]])
        draft, problems = make_draft(templates, context, kind=step.template, debtor_id=item.debtor_id, to=to,
                                     files=files)
        if step.attach:  # the plan says so: the document made (kept, on the timeline) and joined to the email
            draft.attachments.append(_attachment(store, item, step.attach, mailer, office, agent, today))
        now = store.clock()
        msg = build_message(draft, sender=mailer.sender, now=now)
        via, where = _deliver(msg, mailer, item.debtor_id, now, sent_at)
    except (RelanceError, TemplateProblem, OSError) as exc:  # nothing left: the step goes back to the agenda
        return _not_sent(store, token, item.debtor_id, item.name, step.key, exc)
    try:
        record_step(store, item.debtor_id, step.key, today=today, claim=token, channel="email", book=book,
                    office_country=country,
                    data={"to": draft.to, "subject": draft.subject, "message_id": msg["Message-ID"], "via": via,
                          "where": where, "template": step.template})
    except Exception as exc:  # noqa: BLE001 - sent, not recorded (the act refused, the base gone): the rest
        # of the batch goes on
        return _sent_not_recorded(store, item.debtor_id, item.name, step.key, token, msg, draft, today, exc,
                                  plan=item.plan.key, invoice_ids=item.invoice_ids)
    return _sent(item.debtor_id, item.name, step.key, via, where, draft, msg, problems)


def _attachment(store: Store, item: DebtorPlan, kind: str, mailer: Mailer, office: Any, agent: str,
                today: dt.date) -> Path:
    from relance_tui.io.document_data import produce_document

    if mailer.documents is None:
        raise MailError(f"le plan joint « {kind} » à cet email, mais aucun dossier de documents n'est donné")
    _pdf, kept, _data = produce_document(store, item.debtor_id, kind, office=office, today=today, agent=agent,
                                         place=mailer.documents, invoice_ids=list(item.invoice_ids),
                                         registered=False)  # joined to an email: never "recommandée"
    return kept


def thanks_context(store: Store, check: Check, *, agent: str, office: Any, today: dt.date) -> tuple[dict, str]:
    """A thank-you's template context (the call script's, with the payment that settled the balance) and the
    address to send it to."""
    card = debtor_card(store, check.debtor_id, as_of=today, rates=load_rates(store),
                       country=getattr(office, "country", "FR"))
    with_email = [c for c in card.contacts if c.email]
    contact = with_email[0] if with_email else pick_contact(card)
    context = call_context(card, agent=agent, office=office, today=today, contact=contact)
    context["payment"] = {"day": check.due, "amount_cents": paid_on(store.conn, check.debtor_id, check.due)}
    return context, (contact.email if contact and contact.email else "")


def _send_thanks(store: Store, check: Check, *, mailer: Mailer, templates: Templates, agent: str, office: Any,
                 today: dt.date, sent_at: list[float]) -> Sent:
    try:
        token = claim_thanks(store, check)
    except StaleEdit as exc:  # owes again since the agenda was read: no thank-you
        return Sent(check.debtor_id, check.name, THANKS, "skipped", header_line(str(exc)))
    if token is None:
        return Sent(check.debtor_id, check.name, THANKS, "skipped", "déjà envoyé ou en cours d'envoi par un autre poste")
    try:
        context, to = thanks_context(store, check, agent=agent, office=office, today=today)
        if not to:
            raise MailError("aucune adresse email pour ce débiteur : ajoutez-en une sur sa fiche")
        draft, problems = make_draft(templates, context, kind=THANKS, debtor_id=check.debtor_id, to=to, files=[])
        now = store.clock()
        msg = build_message(draft, sender=mailer.sender, now=now)
        via, where = _deliver(msg, mailer, check.debtor_id, now, sent_at)
    except (RelanceError, TemplateProblem, OSError) as exc:  # nothing sent: proposed again in the agenda
        return _not_sent(store, token, check.debtor_id, check.name, THANKS, exc)
    try:
        record_thanks(store, check, token, today=today,
                      data={"to": draft.to, "subject": draft.subject, "message_id": msg["Message-ID"], "via": via,
                            "where": where, "template": THANKS})
    except Exception as exc:  # noqa: BLE001 - sent, not recorded: said, never sent again
        return _sent_not_recorded(store, check.debtor_id, check.name, THANKS, token, msg, draft, today, exc,
                                  plan="", invoice_ids=check.invoice_ids)
    return _sent(check.debtor_id, check.name, THANKS, via, where, draft, msg, problems)


def _not_sent(store: Store, token: str, debtor_id: int, name: str, step: str, exc: Exception) -> Sent:
    """Nothing left: the claim let go, the step (the thank-you) back in the agenda to try again."""
    try:
        release_claim(store, token)
    except RelanceError:
        pass  # the claim stays: shown under way, never sent twice
    return Sent(debtor_id, name, step, "failed", header_line(str(exc)))


def _sent(debtor_id: int, name: str, step: str, via: str, where: str, draft: Any, msg: Any,
          problems: list[str]) -> Sent:
    note = f" ; modèle du cabinet ignoré : {problems[0]}" if problems else ""
    said = f"envoyé à {draft.to}" if via == "smtp" else f"déposé dans la boîte d'envoi ({where})"
    return Sent(debtor_id, name, step, "sent" if via == "smtp" else "outbox", said + note, msg["Message-ID"])


def _sent_not_recorded(store: Store, debtor_id: int, name: str, step: str, token: str, msg: Any, draft: Any,
                       today: dt.date, exc: Exception, *, plan: str, invoice_ids: Iterable[int]) -> Sent:
    """An email that left but whose step could not be recorded: its claim made done with a plain event when
    the base still takes a write (never sent again, even once the claim is old); else the claim stays and the
    agent is told to check before doing it again."""
    said = f"envoyé ({msg['Message-ID']}) mais non enregistré : {exc}"
    try:
        mark_sent(store, token, debtor_id, today=today, text=f"Email envoyé à {draft.to} : {draft.subject} ({said})",
                  data={"to": draft.to, "subject": draft.subject, "message_id": msg["Message-ID"], "step": step},
                  step=step, plan=plan, invoice_ids=list(invoice_ids))
        said += " ; noté sur la chronologie, il ne partira pas une seconde fois"
    except Exception:  # noqa: BLE001 - the base refuses every write: said below
        said += " ; vérifiez la chronologie avant de le refaire (relance plan done)"
    return Sent(debtor_id, name, step, "failed", header_line(said), msg["Message-ID"])


def _deliver(msg: Any, mailer: Mailer, debtor_id: int, now: dt.datetime, sent_at: list[float]) -> tuple[str, str]:
    """SMTP with retries and back-off, at most ``per_minute`` a minute; else the outbox."""
    if not mailer.smtp.host:
        return "outbox", str(write_outbox(msg, mailer.outbox, debtor_id=debtor_id, now=now))
    while len(sent_at) >= mailer.per_minute and mailer.clock() - sent_at[-mailer.per_minute] < 60:
        mailer.sleep(60 - (mailer.clock() - sent_at[-mailer.per_minute]))
    delay = SMTP_BACKOFF_S
    for attempt in range(1, SMTP_ATTEMPTS + 1):
        try:
            where = send_smtp(msg, mailer.smtp)
            sent_at.append(mailer.clock())
            return "smtp", where
        except MailError as exc:
            # tried again only when the server could not be reached: once it took the message, a second try
            # could send it twice (a failure after DATA, at QUIT, a recipient of several refused)
            if attempt == SMTP_ATTEMPTS or "injoignable" not in str(exc):
                raise
            mailer.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")
