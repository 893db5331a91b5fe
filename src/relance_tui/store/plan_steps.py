"""The plan's steps done, each once: a step is claimed before it is sent (``plan_steps``' primary key, debtor x
step x invoice, is the claim: two agents or two runs of ``relance plan run --send`` insert the same rows and
the second is refused before anything is sent), then recorded: its event on the timeline, its legal act when
it is one, its rows marked done. A step done by hand is recorded without a claim. What a debtor's plan is
and where it stands: store/plan.py."""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relance_tui.domain.law import regime_for
from relance_tui.domain.plan import DEFAULT_BOOK, PlanBook, PlanState, PlanStep
from relance_tui.domain.text import clean
from relance_tui.errors import NotFound, StaleEdit
from relance_tui.store.acts import check_act, record_act_in
from relance_tui.store.connection import Store
from relance_tui.store.plan import CLAIM_STALE, EVENT_KIND, DebtorPlan, debtor_plans, step_label
from relance_tui.store.queries import append_event

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class StepRecorded:
    debtor_id: int
    step: str
    event_id: int
    invoice_ids: tuple[int, ...]
    claim: str


def _current(db: Any, debtor_id: int, step_key: str, today: dt.date, book: PlanBook | None,
             office_country: str) -> DebtorPlan:
    found = debtor_plans(db, today, book=book, office_country=office_country, debtor_ids=[debtor_id])
    if not found:
        raise NotFound(f"débiteur n°{debtor_id} : rien d'ouvert, aucun plan en cours")
    current = found[0]
    step = current.state.next
    if step is None or step.key != step_key:
        now = current.state.summary()
        raise StaleEdit(f"{current.name} : l'étape « {step_key} » n'est pas la prochaine de son plan "
                        f"(maintenant : {now}). Actualisez la liste.")
    if current.state.stopped:
        raise StaleEdit(f"{current.name} : plan suspendu ({current.state.stopped}).")
    return current


def claim_step(store: Store, debtor_id: int, step_key: str, *, today: dt.date,
               book: PlanBook | None = None, office_country: str = "FR") -> tuple[DebtorPlan, str] | None:
    """Claim the debtor's next step before sending it: None when it is already claimed or done (by another
    agent, another run of the nightly job). The claim is released (``release_claim``) if the send fails."""
    token = secrets.token_hex(8)

    def claim(db: Database) -> tuple[DebtorPlan, str] | None:
        current = _current(db, debtor_id, step_key, today, book, office_country)
        drop_stale_claims(db, store, debtor_id, step_key)
        try:
            db.conn.executemany(
                "INSERT INTO plan_steps (debtor_id, invoice_id, step, plan, status, claim, agent, at) "
                "VALUES (?, ?, ?, ?, 'claimed', ?, ?, ?)",
                [(debtor_id, inv, step_key, current.plan.key, token, store.agent, store.now())
                 for inv in current.invoice_ids])
        except sqlite3.IntegrityError:
            return None
        return current, token

    return store.write(claim, what="réservation de l'étape du plan")




def drop_stale_claims(db: Any, store: Store, debtor_id: int, step_key: str) -> None:
    cutoff = (store.clock() - CLAIM_STALE).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    db.execute("DELETE FROM plan_steps WHERE debtor_id = ? AND step = ? AND status = 'claimed' AND at < ?",
               [debtor_id, step_key, cutoff])


def release_claim(store: Store, token: str) -> None:
    """A send failed: the step goes back to the agenda, to be tried again."""
    store.write(lambda db: db.execute("DELETE FROM plan_steps WHERE claim = ? AND status = 'claimed'", [token]),
                what="libération de l'étape du plan")


def record_step(store: Store, debtor_id: int, step_key: str, *, today: dt.date, day: dt.date | None = None,
                note: str = "", tracking: str = "", channel: str = "", claim: str = "",
                data: dict[str, Any] | None = None, book: PlanBook | None = None,
                office_country: str = "FR") -> StepRecorded:
    """The debtor's next step done (sent, printed and posted, prepared): its event on the timeline, its
    legal act when it is one (a formal notice, a free first reminder), and its rows in ``plan_steps``. With
    ``claim``, the rows this process claimed become done; without, they are inserted, and a step done
    meanwhile by someone else is refused."""
    day = day or today
    note = clean(note).strip()
    tracking = clean(tracking).strip()

    def write(db: Database) -> StepRecorded:
        current = _current_or_claimed(db, debtor_id, step_key, today, book, office_country, claim)
        step = current.state.next
        ch = channel or step.channel
        invoice_ids = current.invoice_ids
        details = [note] if note else []
        if tracking:
            details.append(f"n° de suivi {tracking}")
        if step.act:
            act_channel = "registered" if ch == "registered" else ("email" if ch == "email" else "letter")
            check_act(step.act, day, act_channel, today=today)
            recorded = record_act_in(db, store, debtor_id, step.act, day, act_channel, list(invoice_ids),
                                     " ; ".join(details), office_country=office_country,
                                     extra={"plan_step": step.key, "plan": current.plan.key,
                                            **({"tracking": tracking} if tracking else {})})
            event_id = recorded.event_id
        else:
            payload = {"plan_step": step.key, "plan": current.plan.key, "channel": ch, **(data or {})}
            if tracking:
                payload["tracking"] = tracking
            if payload.get("to") and payload.get("subject"):  # an email sent: to whom, about what
                text = f"{step_label(step, current.regime)} à {payload['to']} : {payload['subject']}"
            else:
                text = f"{step_label(step, current.regime)} (fait le {day:%d/%m/%Y})"
            event_id = append_event(db, at=store.now(), agent=store.agent, kind=EVENT_KIND[step.channel],
                                    debtor_id=debtor_id, direction="out", outcome="plan_step",
                                    notes=" ; ".join([text, *details]), data=payload, invoice_ids=invoice_ids)
        token = claim or secrets.token_hex(8)
        if not claim:
            drop_stale_claims(db, store, debtor_id, step.key)
        if claim:
            db.execute("UPDATE plan_steps SET status = 'done', day = ?, channel = ?, event_id = ?, at = ? "
                       "WHERE claim = ?", [day.isoformat(), ch, event_id, store.now(), claim])
        else:
            try:
                db.conn.executemany(
                    "INSERT INTO plan_steps (debtor_id, invoice_id, step, plan, status, claim, agent, at, day, "
                    "channel, event_id) VALUES (?, ?, ?, ?, 'done', ?, ?, ?, ?, ?, ?)",
                    [(debtor_id, inv, step.key, current.plan.key, token, store.agent, store.now(), day.isoformat(),
                      ch, event_id) for inv in invoice_ids])
            except sqlite3.IntegrityError:
                raise StaleEdit(f"{current.name} : « {step.label} » est déjà fait ou en cours par un autre "
                                "agent. Actualisez la liste.") from None
        return StepRecorded(debtor_id, step.key, event_id, tuple(invoice_ids), token)

    return store.write(write, what="enregistrement de l'étape du plan")


def _current_or_claimed(db: Any, debtor_id: int, step_key: str, today: dt.date, book: PlanBook | None,
                        office_country: str, claim: str) -> DebtorPlan:
    if claim:
        held = db.execute("SELECT COUNT(*) FROM plan_steps WHERE claim = ? AND status = 'claimed'",
                          [claim]).fetchone()[0]
        if not held:
            raise StaleEdit("l'étape réservée n'est plus à ce poste (réservation libérée) : rien n'a été enregistré")
        found = debtor_plans(db, today, book=book, office_country=office_country, debtor_ids=[debtor_id])
        current = found[0] if found else _settled_meanwhile(db, debtor_id, claim, book, office_country)
        # the step as claimed: the claim's plan, even if the debtor's plan was changed or settled since
        plan_key = db.execute("SELECT plan FROM plan_steps WHERE claim = ? LIMIT 1", [claim]).fetchone()[0]
        plan = (book or DEFAULT_BOOK).plans.get(plan_key, current.plan)
        step = next((s for s in plan.steps if s.key == step_key), None)
        if step is None:
            raise NotFound(f"{current.name} : l'étape « {step_key} » n'existe plus dans le plan {plan_key}")
        return DebtorPlan(current.debtor_id, current.name, current.regime, plan,
                          _with_next(current.state, step), tuple(r[0] for r in db.execute(
                              "SELECT invoice_id FROM plan_steps WHERE claim = ? ORDER BY invoice_id", [claim])),
                          current.oldest_invoice_id, current.balance_cents)
    return _current(db, debtor_id, step_key, today, book, office_country)


def _settled_meanwhile(db: Any, debtor_id: int, claim: str, book: PlanBook | None, office_country: str) -> DebtorPlan:
    """A debtor that paid (or was credited) while its step was being sent: nothing outstanding, no plan state;
    the step sent is still recorded, on the invoices it was claimed for."""
    name, segment, country, chosen, profile = db.execute(
        "SELECT name, segment, country, plan, profile FROM debtors WHERE id = ?", [debtor_id]).fetchone()
    regime = regime_for(country, segment, office_country)
    plan = (book or DEFAULT_BOOK).for_debtor(regime.key, chosen, profile)
    return DebtorPlan(debtor_id, clean(name), regime, plan, PlanState(plan), (), None, 0)


def _with_next(state: PlanState, step: PlanStep) -> PlanState:
    from dataclasses import replace

    return replace(state, next=step, stopped="")


def mark_sent(store: Store, token: str, debtor_id: int, *, today: dt.date, text: str, data: dict[str, Any],
              step: str, plan: str, invoice_ids: list[int]) -> None:
    """An email that left but whose step could not be recorded (``record_step`` refused it): its claim made
    done all the same, with a plain event saying so, so that no later run sends it again once the claim is
    old (``CLAIM_STALE``). A claim already gone (dropped as stale, released) is written again, done."""

    def write(db: Database) -> None:
        event_id = append_event(db, at=store.now(), agent=store.agent, kind="email", debtor_id=debtor_id,
                                direction="out", outcome="plan_step", notes=text, data=data)
        updated = db.execute("UPDATE plan_steps SET status = 'done', day = ?, channel = 'email', event_id = ?, "
                             "at = ? WHERE claim = ?", [today.isoformat(), event_id, store.now(), token]).rowcount
        if not updated:
            db.conn.executemany(
                "INSERT OR REPLACE INTO plan_steps (debtor_id, invoice_id, step, plan, status, claim, agent, at, day, "
                "channel, event_id) VALUES (?, ?, ?, ?, 'done', ?, ?, ?, ?, 'email', ?)",
                [(debtor_id, inv, step, plan, token, store.agent, store.now(), today.isoformat(), event_id)
                 for inv in invoice_ids])

    store.write(write, what="enregistrement de l'email envoyé")
