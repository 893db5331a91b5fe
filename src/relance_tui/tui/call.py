"""The call screen: what to have in hand, the six-step script with timed prompts, the outcome in a few keys."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, OptionList, Select, SelectionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from relance_tui.domain.calls import EMAIL_AFTER, format_clock, guard_warnings
from relance_tui.domain.dates import parse_user_date, parse_user_time
from relance_tui.domain.instants import format_local
from relance_tui.domain.law import Regime, regime_for
from relance_tui.domain.money import format_cents
from relance_tui.domain.parsing import parse_amount
from relance_tui.domain.script import Phase, visible_prompts
from relance_tui.domain.text import clean
from relance_tui.domain.vocabulary import CALL_OUTCOMES, DISPUTE_CATEGORIES, PROMISE_STATUSES, SENSITIVE_DATA_HINT
from relance_tui.errors import RelanceError
from relance_tui.io.callscript import Objection, call_context, email_context, load_script, pick_contact
from relance_tui.io.mail import Draft, check_draft, deliver, invoice_files, make_draft
from relance_tui.store.calls import CallReport, Instalment, SavedCall, calls_within, log_guard_override, save_call
from relance_tui.store.cards import DebtorCard, debtor_card
from relance_tui.store.claims import ClaimResult, claim, release_claim
from relance_tui.store.queries import load_rates
from relance_tui.tui.card import event_line, limitation_notice
from relance_tui.tui.keybar import KeyBar
from relance_tui.tui.plain import line, lines, plain, styled
from relance_tui.tui.survive import Survives, logged_failure
from relance_tui.tui.titlebar import TitleBar

if TYPE_CHECKING:
    from relance_tui.tui.app import RelanceApp

RENEW_EVERY_S = 60
OUTCOME_KEYS = {"p": "promise", "d": "paid_already", "l": "dispute", "r": "callback", "m": "voicemail",
                "i": "unreachable", "n": "wrong_number", "x": "refused", "v": "not_received",
                "a": "awaiting_approval"}
# which parts of the outcome form each outcome needs
OUTCOME_FIELDS = {"promise": ("promise",), "paid_already": ("paid",), "dispute": ("dispute",),
                  "callback": ("callback",)}


def money(cents: int | None) -> str:
    return "?" if cents is None else format_cents(cents)


class ConfirmScreen(Survives, ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 70; max-width: 98%; height: auto; border: round $warning; background: $surface; padding: 1; }
    """
    BINDINGS = [Binding("o,y", "answer(True)", "Oui", id="confirm.yes"),
                Binding("n,escape", "answer(False)", "Non", id="confirm.no")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.question), id="confirm-question")
            yield Label("o : oui · n ou Échap : non")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class GuardScreen(Survives, ModalScreen[str | None]):
    """The call frequency guard: why not to call now, and the reason to call anyway (logged)."""

    DEFAULT_CSS = """
    GuardScreen { align: center middle; }
    GuardScreen > Vertical { width: 80; max-width: 98%; height: auto; border: round $error; background: $surface; padding: 1; }
    #guard-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Ne pas appeler", id="guard.cancel")]

    def __init__(self, reasons: list[str], *, cancel: str = "ne pas appeler", refused: str = "") -> None:
        super().__init__()
        self.reasons = reasons
        self.cancel = cancel  # what Escape does: not call, or (switching contact mid-call) keep the contact
        self.refused = refused  # why this agent may not call anyway (a consumer: supervisors only)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(styled(("Attention avant d'appeler", "bold"), " (appels répétés : Code pénal 222-16)"))
            yield Static(lines([f"• {line(r)}" for r in self.reasons]), id="guard-reasons")
            if self.refused:
                yield Static(plain(self.refused), id="guard-refused")
                yield Label(f"Échap : {self.cancel}.")
                return
            yield Label("Pour appeler quand même, donnez le motif (il est consigné), puis Entrée. "
                        f"Échap : {self.cancel}.")
            yield Input(placeholder="ex. le client a demandé à être rappelé à cette heure", id="guard-reason")
            yield Static("", id="guard-error")

    def on_mount(self) -> None:
        if not self.refused:
            self.query_one(Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if self.refused:  # no field to type in; kept as a second lock
            return
        reason = clean(event.value).strip()
        if len(reason) < 3:
            self.query_one("#guard-error", Static).update("Un motif est nécessaire pour appeler malgré l'alerte.")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ObjectionScreen(Survives, ModalScreen[str | None]):
    """Objections and the answers that go with them; Enter notes the objection in the call."""

    DEFAULT_CSS = """
    ObjectionScreen { align: center middle; }
    ObjectionScreen > Vertical { width: 90%; height: 80%; border: round $primary; background: $surface; }
    ObjectionScreen OptionList { height: 8; }
    #objection-detail { height: 1fr; padding: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Fermer", id="objection.cancel")]

    def __init__(self, objections: list[Objection]) -> None:
        super().__init__()
        self.objections = objections

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(" Objection entendue (↑↓ pour voir les réponses, Entrée pour la noter)")
            yield OptionList(*[Option(plain(line(o.label)), id=o.code) for o in self.objections],
                             id="objection-list")
            yield Static("", id="objection-detail")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()
        self.show(0)

    def show(self, index: int | None) -> None:
        if index is None or not self.objections:
            return
        o = self.objections[index]
        self.query_one("#objection-detail", Static).update(lines([
            styled(("Réponses possibles", "bold")), *[f"• {a}" for a in o.answers], "",
            styled(("Action", "bold"), f" : {o.action_label or o.action}")]))

    @on(OptionList.OptionHighlighted)
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show(event.option_index)

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CallScreen(Survives, Screen):
    DEFAULT_CSS = """
    CallScreen #call-body { height: 1fr; }
    CallScreen #brief { width: 46%; padding: 0 1; border-right: vkey $primary; }
    CallScreen #script { width: 1fr; padding: 0 1; }
    CallScreen #timers { height: 1; text-style: bold; }
    CallScreen #phases { height: auto; color: $text-muted; }
    CallScreen #phase-body { height: auto; margin: 1 0 0 0; }
    CallScreen #prompts { height: auto; margin: 1 0 0 0; color: $warning; text-style: bold; }
    CallScreen #raised { height: auto; color: $text-muted; }
    CallScreen .section { text-style: bold; color: $primary; }
    """
    BINDINGS = [
        Binding("s,right", "next_phase", "Étape suivante", id="call.next"),
        Binding("p,left", "previous_phase", "Étape précédente", id="call.previous"),
        Binding("o", "objection", "Objection", id="call.objection"),
        Binding("f", "outcome", "Issue de l'appel", id="call.outcome"),
        Binding("c", "next_contact", "Autre contact", id="call.contact"),
        Binding("escape", "leave", "Abandonner", id="call.leave"),
    ]

    class Prepared(Message):
        def __init__(self, card: DebtorCard, calls_30d: int, claim: ClaimResult, script: Script,
                     debtor_calls_30d: int = 0) -> None:
            super().__init__()
            self.card, self.calls_30d, self.claim, self.script = card, calls_30d, claim, script
            self.debtor_calls_30d = debtor_calls_30d  # to the debtor, all its contacts together

    class Scripted(Message):
        def __init__(self, contact_id: int | None, calls_30d: int, script: Script, debtor_calls_30d: int = 0) -> None:
            super().__init__()
            self.contact_id, self.calls_30d, self.script = contact_id, calls_30d, script
            self.debtor_calls_30d = debtor_calls_30d

    class Claimed(Message):
        def __init__(self, result: ClaimResult, renewal: bool) -> None:
            super().__init__()
            self.result, self.renewal = result, renewal

    def __init__(self, debtor_id: int, contact_id: int | None = None, *, session_id: int | None = None) -> None:
        super().__init__()
        self.debtor_id = debtor_id
        self.session_id = session_id
        self.contact_id = contact_id
        self.card: DebtorCard | None = None
        self.context: dict = {}
        self.phases: list[Phase] = []
        self.objections: list[Objection] = []
        self.raised: list[str] = []
        self.phase_index = 0
        self.reached: list[str] = []
        self.started: dt.datetime | None = None
        self.phase_started: dt.datetime | None = None
        self.last_renewal: dt.datetime | None = None
        self.guard_override = ""
        self.acknowledged: set[str] = set()  # warnings the agent already gave a reason for in this call
        self.saved: SavedCall | None = None
        self.calls_30d = 0
        self.debtor_calls_30d = 0  # to this debtor, all its contacts together
        self.holding = False  # we hold the claim on this debtor

    @property
    def relance(self) -> RelanceApp:
        return self.app  # type: ignore[return-value]

    @property
    def regime(self) -> Regime:
        """The law the debtor follows (its country and segment): its calling hours, holidays and caps."""
        assert self.card is not None
        return regime_for(self.card.country, self.card.segment, self.relance.settings.office.country)

    def now(self) -> dt.datetime:
        return self.relance.store.clock()

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="call-body"):
            with VerticalScroll(id="brief"):
                yield Static("Préparation de l'appel…", id="brief-text")
            with VerticalScroll(id="script"):
                yield Static("", id="timers")
                yield Static("", id="phases")
                yield Static("", id="phase-body")
                yield Static("", id="prompts")
                yield Static("", id="raised")
        yield KeyBar()

    def on_mount(self) -> None:
        app = self.relance
        self._prepare(app.store, app.settings.office.country, self._script_settings())

    def _script_settings(self) -> dict:
        """What rendering the script needs, read on the UI thread for the workers."""
        app = self.relance
        return {"agent": app.settings.agent_name, "office": app.settings.office, "today": app.today(),
                "templates": app.templates}

    # -- preparing: claim, card, script, frequency guard (SQL and template files: in workers) ------
    @work(thread=True, exclusive=True, group="call-prepare", exit_on_error=False)
    def _prepare(self, store, country: str, script_settings: dict) -> None:
        result = claim(store, self.debtor_id, session_id=self.session_id)
        card = debtor_card(store, self.debtor_id, as_of=script_settings["today"], rates=load_rates(store),
                           country=country)
        contact = pick_contact(card, self.contact_id)
        since = store.clock() - dt.timedelta(days=30)
        calls = calls_within(store, self.debtor_id, contact.id if contact else None, since=since)
        self.post_message(self.Prepared(card, calls, result, render_script(card, contact, **script_settings),
                                        debtor_calls_30d=calls_within(store, self.debtor_id, None, since=since)))

    def on_call_screen_prepared(self, message: Prepared) -> None:
        app = self.relance
        self.card = message.card
        self.calls_30d = message.calls_30d
        self.debtor_calls_30d = message.debtor_calls_30d
        self.holding = message.claim.ok
        contact = pick_contact(self.card, self.contact_id)
        self.contact_id = contact.id if contact else None
        self._apply_script(message.script)
        if not message.claim.ok and message.claim.holder is not None:
            holder = message.claim.holder
            since = format_local(holder.claimed_at, app.settings.office.timezone, "%H:%M")
            self.app.push_screen(ConfirmScreen(
                f"{app.settings.display_name(holder.agent)} est sur ce débiteur depuis {since}.\n"
                "Le reprendre quand même ? (c'est consigné dans la chronologie)"), self._steal_answer)
            return
        self._check_guard()

    def _apply_script(self, script: Script) -> None:
        assert self.card is not None
        self.context, self.phases, self.objections = script.context, script.phases, script.objections
        for problem in script.problems:
            self.notify(problem, severity="warning", timeout=15)
        self.sub_title = line(f"Appel : {self.card.name}")
        self._render_brief()
        self._render_phase()

    def _steal_answer(self, yes: bool | None) -> None:
        if not yes:
            self.dismiss(None)
            return
        self._steal(self.relance.store)

    @work(thread=True, exclusive=True, group="call-claim", exit_on_error=False)
    def _steal(self, store) -> None:
        self.post_message(self.Claimed(claim(store, self.debtor_id, steal=True, session_id=self.session_id),
                                       renewal=False))

    @work(thread=True, exclusive=True, group="call-claim", exit_on_error=False)
    def _renew(self, store) -> None:
        self.post_message(self.Claimed(claim(store, self.debtor_id, session_id=self.session_id), renewal=True))

    def on_call_screen_claimed(self, message: Claimed) -> None:
        self.holding = message.result.ok
        if message.renewal:
            if not message.result.ok and message.result.holder is not None:
                who = self.relance.settings.display_name(message.result.holder.agent)
                self.notify(f"{who} a repris ce débiteur.", severity="warning", timeout=10)
            return
        self._check_guard()

    def guard(self, calls_30d: int, debtor_calls_30d: int) -> list[str]:
        """The frequency guard in the debtor's local time, on its country's holidays, with its segment's caps."""
        app, regime = self.relance, self.regime
        return guard_warnings(self.now(), regime, app.calling_rules, app.calendar_for(regime.country),
                              calls_30d=calls_30d, debtor_calls_30d=debtor_calls_30d)

    def override_refused(self) -> str:
        """Why this agent may not call despite the guard: a consumer needs a supervisor ('' : may)."""
        if self.regime.consumer and not self.relance.settings.is_supervisor:
            return ("Débiteur particulier : seul un superviseur peut appeler malgré ces alertes "
                    "([office] supervisors dans relance.toml).")
        return ""

    def _check_guard(self) -> None:
        reasons = self.guard(self.calls_30d, self.debtor_calls_30d)
        if not reasons:
            self._start()
            return

        def answered(reason: str | None) -> None:
            if reason is None:
                self._release_and_close()
                return
            self._override(reasons, reason)
            self._start()

        self.app.push_screen(GuardScreen(reasons, refused=self.override_refused()), answered)

    def _override(self, reasons: list[str], reason: str) -> None:
        """Calling despite these warnings, for this reason: kept with the call and logged at once."""
        self.acknowledged.update(reasons)
        self.guard_override = f"{self.guard_override} ; {reason}" if self.guard_override else reason
        self._log_override(self.relance.store, reasons, reason)

    @work(thread=True, group="call-log", exit_on_error=False)
    def _log_override(self, store, reasons: list[str], reason: str) -> None:
        log_guard_override(store, self.debtor_id, reasons, reason)

    def _start(self) -> None:
        self.started = self.phase_started = self.last_renewal = self.now()
        self.reached = [self.phases[0].code] if self.phases else []
        self.tick()
        self.set_interval(1.0, self.tick)

    # -- the running call ------------------------------------------------------------------------------
    def elapsed(self) -> tuple[float, float]:
        if self.started is None or self.phase_started is None:
            return 0.0, 0.0
        now = self.now()
        return (now - self.started).total_seconds(), (now - self.phase_started).total_seconds()

    def current_prompts(self) -> list[str]:
        if not self.phases:
            return []
        call_s, phase_s = self.elapsed()
        return [p.text for p in visible_prompts(self.phases[self.phase_index], phase_s, call_s)]

    def tick(self) -> None:
        call_s, phase_s = self.elapsed()
        self.query_one("#timers", Static).update(
            f"Appel {format_clock(call_s)} · étape {format_clock(phase_s)}" if self.started else "")
        prompts = self.current_prompts() if self.started else []
        self.query_one("#prompts", Static).update(lines([f"» {p}" for p in prompts]))
        now = self.now()
        if self.holding and self.last_renewal and (now - self.last_renewal).total_seconds() >= RENEW_EVERY_S:
            self.last_renewal = now
            self._renew(self.relance.store)

    def _render_phase(self) -> None:
        if not self.phases:
            return
        parts = []
        for n, phase in enumerate(self.phases):
            label = line(f"{n + 1} {phase.title}")
            parts.append(styled((f" {label} ", "reverse")) if n == self.phase_index else plain(label))
        self.query_one("#phases", Static).update(Content(" › ").join(parts))
        self.query_one("#phase-body", Static).update(plain(self.phases[self.phase_index].body))
        self.tick()

    def _go(self, index: int) -> None:
        if not self.phases or not 0 <= index < len(self.phases) or index == self.phase_index:
            return
        self.phase_index = index
        self.phase_started = self.now() if self.started else None
        code = self.phases[index].code
        if self.started and code not in self.reached:
            self.reached.append(code)
        self._render_phase()

    def action_next_phase(self) -> None:
        self._go(self.phase_index + 1)

    def action_previous_phase(self) -> None:
        self._go(self.phase_index - 1)

    def action_objection(self) -> None:
        if not self.objections:
            return

        def picked(code: str | None) -> None:
            if code is None:
                return
            self.raised.append(code)
            self.query_one("#raised", Static).update(lines([
                line(f"Objection : {o.label} → {o.action_label or o.action}")
                for c in self.raised for o in self.objections if o.code == c]))

        self.app.push_screen(ObjectionScreen(self.objections), picked)

    def action_next_contact(self) -> None:
        if self.card is None or len(self.card.contacts) < 2:
            self.notify("Pas d'autre contact pour ce débiteur.", severity="information")
            return
        ids = [c.id for c in self.card.contacts]
        contact_id = ids[(ids.index(self.contact_id) + 1) % len(ids)] if self.contact_id in ids else ids[0]
        self._rescript(self.relance.store, self.card, contact_id, self._script_settings())

    @work(thread=True, exclusive=True, group="call-script", exit_on_error=False)
    def _rescript(self, store, card: DebtorCard, contact_id: int, script_settings: dict) -> None:
        contact = pick_contact(card, contact_id)
        since = store.clock() - dt.timedelta(days=30)
        calls = calls_within(store, self.debtor_id, contact_id, since=since)
        self.post_message(self.Scripted(contact_id, calls, render_script(card, contact, **script_settings),
                                        calls_within(store, self.debtor_id, None, since=since)))

    def on_call_screen_scripted(self, message: Scripted) -> None:
        """Another contact of the debtor: the frequency guard again, for that contact's calls (and for
        whatever else changed since the call began, e.g. the end of calling hours)."""
        reasons = [r for r in self.guard(message.calls_30d, message.debtor_calls_30d) if r not in self.acknowledged]

        def switch() -> None:
            self.contact_id, self.calls_30d = message.contact_id, message.calls_30d
            self.debtor_calls_30d = message.debtor_calls_30d
            self._apply_script(message.script)

        if not reasons:
            switch()
            return

        def answered(reason: str | None) -> None:
            if reason is None:
                self.notify("Contact inchangé.", severity="information")
                return
            self._override(reasons, reason)
            switch()

        self.app.push_screen(GuardScreen(reasons, cancel="garder le contact actuel",
                                         refused=self.override_refused()), answered)

    def _render_brief(self) -> None:
        card = self.card
        assert card is not None
        app = self.relance
        tz = app.settings.office.timezone
        contact = pick_contact(card, self.contact_id)

        def heading(text: str) -> Content:
            return styled((text, "bold"))

        # every line is data (names, numbers, notes) shown as it is: styles are given as styles
        out: list[Content | str] = [heading("Qui demander")]
        regime = self.regime
        if regime.consumer:  # one person: the debt is named to nobody else (DOMAIN.md, formal notice)
            out.append(f"{contact.name if contact else card.name} en personne : ne parlez de la dette qu'à "
                       "elle (ou à qui elle a chargé de la représenter).")
        elif contact is None:
            out.append("Aucun contact connu : demandez qui peut débloquer le paiement.")
        if contact is not None:
            who = f"{contact.name}" + (f" ({contact.role})" if contact.role else "")
            if not regime.consumer:
                out.append(who + (" — débloque le paiement" if contact.can_release_payment
                                  else " — peut-il/elle débloquer le paiement ? sinon, qui ?"))
            phones = " · ".join(x for x in (contact.phone, contact.phone2) if x) or "pas de numéro"
            out.append(f"Tél. {phones}" + (f" · {contact.email}" if contact.email else ""))
            others = [c.name for c in card.contacts if c.id != contact.id]
            if others:
                out.append(f"Autres contacts (c) : {', '.join(others)}")
        rules = app.calling_rules
        consumer = regime.consumer
        out.append(f"Appels en 30 jours : {self.calls_30d} à ce contact (limite {rules.contact_cap(consumer)}), "
                   f"{self.debtor_calls_30d} au débiteur (limite {rules.debtor_cap(consumer)})")
        out.append(f"Régime : {regime.label} — heures d'appel et jours fériés de ce pays")
        limitation = limitation_notice(card, app.today())  # an invoice within 90 days of being time-barred
        if limitation:
            out.append(styled((limitation, "bold")))
        out += ["", heading(f"Factures dues ({len(card.outstanding)})")]
        for i in card.outstanding[:8]:
            late = f"{i.days_late} j" if i.days_late > 0 else "à échoir"
            pen = f" +{money(i.penalty_cents)}" if i.penalty_cents else ""
            flag = (" ", ("litige", "italic")) if i.status in ("disputed", "litigation") else ()
            out.append(styled(line(f"{i.number} du {i.issue_date:%d/%m/%y}, éch. {i.due_date:%d/%m/%y} ({late}) : "
                                   f"{money(i.amount_cents - i.paid_cents)}{pen}"), *flag))
        if len(card.outstanding) > 8:
            out.append(f"… et {len(card.outstanding) - 8} autre(s)")
        pen = card.penalty_cents
        unconfirmed = " à confirmer" if any(i.penalty_unconfirmed for i in card.outstanding) else ""  # rate not entered
        out.append(styled((f"Total dû {money(card.due_cents)}", "bold"), f" + pénalités {money(pen)}{unconfirmed} = "
                          f"{money(card.due_cents + pen) if pen is not None else '?'}"))
        if card.allocations:
            out.append("Avoirs déduits : " + " ; ".join(a.describe() for a in card.allocations))
        if card.in_credit:
            out.append(styled((f"Créditeur : {money(card.credit_cents)} d'avoir non imputé", "bold")))
        late = [i for i in card.paid_late if not i.waived]
        if late and card.segment == "b2b":
            out.append(f"Pénalités et indemnités sur factures réglées en retard : "
                       f"{money(card.paid_late_penalty_cents)} ({len(late)} facture(s))")
        if card.promises:
            out += ["", heading("Promesses passées")]
            out += [f"{money(p.amount_cents)} pour le {p.due_date:%d/%m/%Y} : {PROMISE_STATUSES[p.status].lower()}"
                    for p in card.promises[:4]]
        disputes = [d for d in card.disputes if d.status == "open"]
        if disputes:
            out += ["", heading("Litiges ouverts")]
            out += [f"{DISPUTE_CATEGORIES[d.category]} sur {d.invoices}" + (f" : {d.notes}" if d.notes else "")
                    for d in disputes]
        if card.recent:
            out += ["", heading("Derniers contacts")]
            out += [event_line(e, tz, app.settings.display_name) for e in card.recent[:5]]
        out += ["", styled(("Objectif", "bold"), f" : {self.context.get('goal', '')}")]
        self.query_one("#brief-text", Static).update(lines(out))

    # -- ending the call ----------------------------------------------------------------------------
    def action_outcome(self) -> None:
        if self.card is None or self.started is None:
            return
        if self.relance.store.readonly:
            self.notify("Base en lecture seule : l'appel ne peut pas être enregistré.", severity="warning")
            return
        self.app.push_screen(OutcomeScreen(self), self._outcome_saved)

    def build_report(self, outcome: str, fields: dict) -> CallReport:
        """Turn what the agent typed into a report; ValueError says which field is wrong."""
        assert self.card is not None and self.started is not None
        app = self.relance
        today = app.today()
        instalments: list[Instalment] = []
        invoice_ids = tuple(i.id for i in self.card.outstanding)
        paid_date, callback_at, category = None, None, None
        if outcome == "promise":
            try:
                amount = parse_amount(fields.get("amount", ""))
            except ValueError:
                raise ValueError(f"Montant : « {fields.get('amount', '')} » n'est pas un montant (ex. 250,00)") \
                    from None
            instalments.append(Instalment(_field_date("Date promise", fields.get("date", ""), today), amount))
            for n, part in enumerate(x.strip() for x in fields.get("more", "").split(";") if x.strip()):
                try:
                    day_text, amount_text = part.rsplit(" ", 1)
                    more_amount = parse_amount(amount_text)
                except ValueError:
                    raise ValueError(f"Autres échéances, n°{n + 1} : « {part} » (attendu : JJ/MM/AAAA montant)") \
                        from None
                instalments.append(Instalment(_field_date(f"Autres échéances, n°{n + 1}", day_text, today),
                                              more_amount))
            if any(i.due_date < today for i in instalments):
                raise ValueError("Date promise : une date passée n'est pas une promesse")
        elif outcome == "paid_already":
            paid_date = _field_date("Date du paiement", fields.get("paid_date", "") or "aujourd'hui", today)
        elif outcome == "dispute":
            category = fields.get("category")
            invoice_ids = tuple(fields.get("invoices", ()))
        elif outcome == "callback":
            day = _field_date("Date du rappel", fields.get("cb_date", ""), today)
            try:
                moment = parse_user_time(fields.get("cb_time", ""))
            except ValueError as exc:
                raise ValueError(f"Heure du rappel : {exc}") from None
            callback_at = dt.datetime.combine(day, moment, ZoneInfo(app.settings.office.timezone))
            if callback_at <= self.now():
                raise ValueError("Date du rappel : ce moment est déjà passé")
        now = self.now()
        report = CallReport(
            debtor_id=self.debtor_id, outcome=outcome, started_at=self.started,
            duration_s=int((now - self.started).total_seconds()), phases=tuple(self.reached),
            contact_id=self.contact_id, notes=fields.get("notes", ""), instalments=tuple(instalments),
            invoice_ids=invoice_ids, paid_date=paid_date, paid_reference=fields.get("paid_ref", "").strip(),
            dispute_category=category, callback_at=callback_at, objections=tuple(self.raised),
            guard_override=self.guard_override, session_id=self.session_id)
        report.check()
        return report

    def _outcome_saved(self, saved: tuple[CallReport, SavedCall] | None) -> None:
        if saved is None:
            return  # back to the call: nothing saved yet
        report, result = saved
        self.saved = result
        self.holding = False
        step = result.next_step
        self.notify(f"Appel enregistré ({CALL_OUTCOMES[report.outcome]}). Prochaine action : {step.label}.",
                    timeout=6)
        kind = EMAIL_AFTER.get(report.outcome)
        contact = pick_contact(self.card, self.contact_id) if self.card else None
        if kind is None:
            self.dismiss(result)
            return
        if contact is None or not contact.email:
            self.notify("Pas d'email pour ce contact : récapitulatif non envoyé.", severity="warning", timeout=8)
            self.dismiss(result)
            return
        ids = list(report.invoice_ids) or [i.id for i in self.card.outstanding]
        self._find_files(self.relance.store, kind, report, contact.email, ids)

    class FilesFound(Message):
        def __init__(self, kind: str, report: CallReport, to: str, ids: list[int], files: list) -> None:
            super().__init__()
            self.kind, self.report, self.to, self.ids, self.files = kind, report, to, ids, files

    @work(thread=True, exclusive=True, group="call-email", exit_on_error=False)
    def _find_files(self, store, kind: str, report: CallReport, to: str, ids: list[int]) -> None:
        self.post_message(self.FilesFound(kind, report, to, ids, invoice_files(store, ids)))

    def on_call_screen_files_found(self, message: FilesFound) -> None:
        """The invoices' files are known (looked up off the UI thread): the draft, then its preview."""
        app = self.relance
        assert self.card is not None
        kind, report, to, ids, files = message.kind, message.report, message.to, message.ids, message.files
        numbers = {i.id: i.number for i in self.card.invoices}
        context = email_context(
            self.context, outcome=report.outcome, instalments=report.instalments, paid_date=report.paid_date,
            paid_reference=report.paid_reference, callback_at=report.callback_at.astimezone(
                ZoneInfo(app.settings.office.timezone)) if report.callback_at else None,
            dispute_category=report.dispute_category, dispute_invoices=[numbers[i] for i in report.invoice_ids
                                                                        if i in numbers])
        if kind == "invoice" or report.outcome == "dispute":
            context["invoices"] = [i for i in self.context["invoices"] if i["id"] in set(ids)]
        draft, problems = make_draft(app.templates, context, kind=kind, debtor_id=self.debtor_id, to=to,
                                     files=files)
        for problem in problems:
            self.notify(problem, severity="warning", timeout=15)
        def sent_or_skipped(_sent: bool | None) -> None:
            self.dismiss(self.saved)  # not awaited: this runs within this screen's own message handling

        self.app.push_screen(EmailScreen(draft), sent_or_skipped)

    def action_leave(self) -> None:
        if self.started is None:
            self._release_and_close()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._release_and_close()

        self.app.push_screen(ConfirmScreen("Quitter cet appel sans enregistrer son issue ?"), answered)

    def _release_and_close(self) -> None:
        if self.holding:
            # run by the app: this screen is about to go, and its workers with it
            app, store, session_id, debtor_id = self.relance, self.relance.store, self.session_id, self.debtor_id

            def work() -> None:
                give_back(store, session_id, debtor_id)
                app.call_from_thread(app.action_refresh)  # the lists show it back in the queue

            app.run_worker(work, thread=True, group="call-release", exit_on_error=False)
        self.dismiss(None)

    def refresh_data(self) -> None:
        """Another agent logged something for this debtor: the brief shows it, the script stays."""
        app = self.relance
        self._reload_card(app.store, app.today(), app.settings.office.country)

    class CardReloaded(Message):
        def __init__(self, card: DebtorCard) -> None:
            super().__init__()
            self.card = card

    @work(thread=True, exclusive=True, group="call-card", exit_on_error=False)
    def _reload_card(self, store, as_of: dt.date, country: str) -> None:
        self.post_message(self.CardReloaded(debtor_card(store, self.debtor_id, as_of=as_of, rates=load_rates(store),
                                                        country=country)))

    def on_call_screen_card_reloaded(self, message: CardReloaded) -> None:
        self.card = message.card
        self._render_brief()


@dataclass(frozen=True)
class Script:
    context: dict
    phases: list[Phase]
    objections: list[Objection]
    problems: list[str]


def render_script(card: DebtorCard, contact, *, agent: str, office, today: dt.date, templates) -> Script:  # noqa: ANN001
    """The call's script for this contact (template files are read: run it in a worker)."""
    context = call_context(card, agent=agent, office=office, today=today, contact=contact)
    phases, objections, problems = load_script(templates, context)
    return Script(context, phases, objections, problems)


def give_back(store, session_id: int | None, debtor_id: int) -> None:  # noqa: ANN001
    """Leaving a call without an outcome: a session's debtor goes back, to the end of the queue."""
    if session_id is not None:
        from relance_tui.store.sessions import skip_item

        skip_item(store, session_id, debtor_id)
    else:
        release_claim(store, debtor_id)


def _field_date(label: str, text: str, today: dt.date) -> dt.date:
    try:
        return parse_user_date(text, today)
    except ValueError as exc:
        raise ValueError(f"{label} : {exc}") from None


class OutcomeScreen(Survives, ModalScreen[tuple[CallReport, SavedCall] | None]):
    """Pick the outcome with one key, fill in what it needs, Ctrl+S saves everything at once."""

    DEFAULT_CSS = """
    OutcomeScreen { align: center middle; }
    OutcomeScreen > Vertical { width: 86; max-width: 98%; height: auto; max-height: 95%; border: round $primary;
                               background: $surface; padding: 0 1; }
    OutcomeScreen #outcome-menu { height: auto; max-height: 12; }
    OutcomeScreen .part { height: auto; display: none; }
    OutcomeScreen .shown { display: block; }
    OutcomeScreen Input { margin: 0 0 1 0; }
    OutcomeScreen .row Input { width: 1fr; margin: 0 1 1 0; }
    OutcomeScreen .row { height: auto; }
    OutcomeScreen SelectionList { height: auto; max-height: 8; }
    #outcome-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("ctrl+s", "save", "Enregistrer", id="outcome.save", priority=True),
                Binding("escape", "back", "Retour", id="outcome.back")]

    class Done(Message):
        def __init__(self, report: CallReport | None, saved: SavedCall | None, error: str | None) -> None:
            super().__init__()
            self.report, self.saved, self.error = report, saved, error

    def __init__(self, call: CallScreen) -> None:
        super().__init__()
        self.call = call
        self.outcome: str | None = None
        self.saving = False

    def compose(self) -> ComposeResult:
        card = self.call.card
        assert card is not None
        total = card.due_cents
        with Vertical():
            yield Label(styled(("Issue de l'appel", "bold"), " — une touche, puis Ctrl+S pour enregistrer"),
                        id="outcome-title")
            yield OptionList(*[Option(f"{key}  {CALL_OUTCOMES[code]}", id=code) for key, code in OUTCOME_KEYS.items()],
                             id="outcome-menu")
            with Vertical(id="part-promise", classes="part"):
                yield Label("Montant promis et date (JJ/MM/AAAA, JJ/MM, demain, +N)")
                with Horizontal(classes="row"):
                    yield Input(value=format_cents(total, symbol=False), placeholder="Montant", id="amount", compact=True)
                    yield Input(placeholder="Date", id="date", compact=True)
                yield Input(placeholder="Autres échéances : 15/01/2027 500; 15/02/2027 500", id="more", compact=True)
            with Vertical(id="part-paid", classes="part"):
                yield Label("Paiement annoncé : date et référence du virement")
                yield Input(placeholder="Date (défaut : aujourd'hui)", id="paid_date", compact=True)
                yield Input(placeholder="Référence", id="paid_ref", compact=True)
            with Vertical(id="part-dispute", classes="part"):
                yield Label("Catégorie du litige et factures concernées (leurs relances sont suspendues)")
                yield Select([(label, code) for code, label in DISPUTE_CATEGORIES.items()], prompt="Catégorie",
                             id="category", compact=True)
                yield SelectionList(*[(plain(line(f"{i.number} — {money(i.amount_cents - i.paid_cents)}")), i.id,
                                       True) for i in card.outstanding], id="dispute-invoices")
            with Vertical(id="part-callback", classes="part"):
                yield Label("Rappel convenu : date et heure")
                with Horizontal(classes="row"):
                    yield Input(placeholder="Date", id="cb_date", compact=True)
                    yield Input(placeholder="Heure (16:00)", id="cb_time", compact=True)
            with Vertical(id="part-notes", classes="part"):
                yield Input(placeholder=f"Notes libres. {SENSITIVE_DATA_HINT}", id="notes", compact=True)
            yield Static("", id="outcome-error")

    def on_mount(self) -> None:
        menu = self.query_one("#outcome-menu", OptionList)
        menu.highlighted = 0
        menu.focus()

    def on_key(self, event) -> None:  # noqa: ANN001 - textual.events.Key
        if self.outcome is None and event.character in OUTCOME_KEYS:
            event.stop()
            self.choose(OUTCOME_KEYS[event.character])

    @on(OptionList.OptionSelected, "#outcome-menu")
    def menu_selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option.id)

    def choose(self, outcome: str) -> None:
        self.outcome = outcome
        parts = OUTCOME_FIELDS.get(outcome, ()) + ("notes",)
        for part in ("promise", "paid", "dispute", "callback", "notes"):
            self.query_one(f"#part-{part}").set_class(part in parts, "shown")
        self.query_one("#outcome-menu").display = False
        self.query_one("#outcome-title", Label).update(
            styled((CALL_OUTCOMES[outcome], "bold"), " — Ctrl+S enregistre · Échap change d'issue"))
        first = {"promise": "#date", "paid_already": "#paid_date", "dispute": "#category",
                 "callback": "#cb_date"}.get(outcome, "#notes")
        self.query_one(first).focus()

    def fields(self) -> dict:
        out = {name: clean(self.query_one(f"#{name}", Input).value) for name in
               ("amount", "date", "more", "paid_date", "paid_ref", "cb_date", "cb_time", "notes")}
        category = self.query_one("#category", Select)
        out["category"] = None if category.is_blank() else category.value
        out["invoices"] = list(self.query_one("#dispute-invoices", SelectionList).selected)
        return out

    def action_save(self) -> None:
        if self.outcome is None or self.saving:
            return
        try:
            report = self.call.build_report(self.outcome, self.fields())
        except ValueError as exc:
            self.query_one("#outcome-error", Static).update(plain(exc))
            return
        self.saving = True
        self.query_one("#outcome-error", Static).update("Enregistrement…")
        app = self.call.relance
        self._save(report, app.store, app.today(), app.calendar_for(self.call.regime.country))

    @work(thread=True, exclusive=True, group="outcome-save", exit_on_error=False)
    def _save(self, report: CallReport, store, today: dt.date, calendar) -> None:
        try:
            saved = save_call(store, report, today=today, calendar=calendar)
        except (RelanceError, ValueError) as exc:
            self.post_message(self.Done(report, None, str(exc)))
            return
        self.post_message(self.Done(report, saved, None))

    def on_outcome_screen_done(self, message: Done) -> None:
        self.saving = False
        if message.error or message.saved is None:
            self._not_saved(message.error)
            return
        self.dismiss((message.report, message.saved))

    def _not_saved(self, error: str | None) -> None:
        # the form stays as typed; the message says why nothing was saved
        self.saving = False
        self.query_one("#outcome-error", Static).update(
            plain(f"Non enregistré : {error}. Rien n'est perdu : corrigez ou réessayez (Ctrl+S)."))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Any other failure of the save (a bug, a database error not foreseen): logged, said on the form,
        Ctrl+S works again; never "Enregistrement…" for ever."""
        if event.worker.group != "outcome-save" or event.state != WorkerState.ERROR or event.worker.error is None:
            return
        event.prevent_default()  # said here, on the form, rather than in a notification (Survives)
        self._not_saved(logged_failure(event.worker.error, "issue de l'appel"))

    def action_back(self) -> None:
        if self.outcome is None:
            self.dismiss(None)
            return
        self.outcome = None
        for part in self.query(".part"):
            part.set_class(False, "shown")
        self.query_one("#outcome-title", Label).update(
            styled(("Issue de l'appel", "bold"), " — une touche, puis Ctrl+S pour enregistrer"))
        menu = self.query_one("#outcome-menu", OptionList)
        menu.display = True
        menu.focus()


class EmailScreen(Survives, ModalScreen[bool]):
    """Preview and edit the follow-up email; Ctrl+S sends it (or writes it to the outbox)."""

    DEFAULT_CSS = """
    EmailScreen { align: center middle; }
    EmailScreen > Vertical { width: 96%; height: 96%; border: round $primary; background: $surface; padding: 0 1; }
    EmailScreen Input { margin: 0 0 1 0; }
    EmailScreen TextArea { height: 1fr; }
    #email-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("ctrl+s", "send", "Envoyer", id="email.send", priority=True),
                Binding("escape", "skip", "Ne pas envoyer", id="email.skip")]

    class Done(Message):
        def __init__(self, result: str | None, error: str | None) -> None:
            super().__init__()
            self.result, self.error = result, error

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft
        self.sending = False

    def compose(self) -> ComposeResult:
        d = self.draft
        how = "par le serveur d'envoi" if self.app.settings.smtp.host else "dans la boîte d'envoi (pas de SMTP)"
        with Vertical():
            yield Label(styled(("Email de suivi", "bold"), f" — Ctrl+S l'envoie {how} · Échap : ne pas envoyer"))
            yield Input(value=line(d.to), placeholder="Destinataire", id="email-to", compact=True)
            yield Input(value=line(d.subject), placeholder="Objet", id="email-subject", compact=True)
            yield TextArea(clean(d.body, multiline=True), id="email-body", soft_wrap=True)
            attached = ", ".join(p.name for p in d.attachments) or "aucune"
            missing = f" · fichier introuvable pour {', '.join(d.missing_attachments)}" if d.missing_attachments else ""
            yield Static(plain(f"Pièces jointes : {attached}{missing}"), id="email-attachments")
            yield Static("", id="email-error")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_send(self) -> None:
        if self.sending:
            return
        self.draft.to = self.query_one("#email-to", Input).value.strip()
        self.draft.subject = self.query_one("#email-subject", Input).value.strip()
        self.draft.body = self.query_one(TextArea).text
        try:  # what the agent left in the form is checked before anything is built or sent
            check_draft(self.draft)
        except RelanceError as exc:
            self._not_sent(str(exc))
            return
        self.sending = True
        self.query_one("#email-error", Static).update("Envoi…")
        settings = self.app.settings
        self._send(self.app.store, settings.smtp, settings.smtp.sender or settings.office.email,
                   settings.paths.outbox)

    @work(thread=True, exclusive=True, group="email-send", exit_on_error=False)
    def _send(self, store, smtp, sender: str, outbox) -> None:
        try:
            delivery = deliver(store, self.draft, smtp=smtp, sender=sender, outbox=outbox)
        except RelanceError as exc:
            self.post_message(self.Done(None, str(exc)))
            return
        where = "envoyé" if delivery.via == "smtp" else f"déposé dans {delivery.where}"
        self.post_message(self.Done(f"Email {where}.", None))

    def _not_sent(self, error: str) -> None:
        self.sending = False
        self.query_one("#email-error", Static).update(
            plain(f"Non envoyé : {error}. Le texte est gardé : corrigez puis Ctrl+S, ou Échap."))

    def on_email_screen_done(self, message: Done) -> None:
        if message.error:
            self._not_sent(message.error)
            return
        self.sending = False
        self.notify(message.result or "Email envoyé.", timeout=6)
        self.dismiss(True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Anything else that makes the send fail (a bug, a full disk): logged, said on the form, and the
        form can be sent again; never "Envoi…" for ever."""
        if event.worker.group != "email-send" or event.state != WorkerState.ERROR or event.worker.error is None:
            return
        event.prevent_default()  # said here, on the form, rather than in a notification (Survives)
        self._not_sent(logged_failure(event.worker.error, "email de suivi"))

    def action_skip(self) -> None:
        self.dismiss(False)
