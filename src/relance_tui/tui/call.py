"""The call screen: what to have in hand, the six-step script with timed prompts, the outcome in a few keys.

Around it: the brief (tui/brief.py), the outcome form (tui/outcome.py, read by io/outcome_form.py), the
follow-up email (tui/followup.py) and the dialogs it opens (tui/dialogs.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from relance_tui.domain.calls import EMAIL_AFTER, format_clock, guard_warnings
from relance_tui.domain.instants import format_local
from relance_tui.domain.law import Regime, regime_for
from relance_tui.domain.script import Phase, visible_prompts
from relance_tui.domain.vocabulary import CALL_OUTCOMES
from relance_tui.io.callscript import Objection, Script, email_refusal, pick_contact, render_script
from relance_tui.io.mail import invoice_files
from relance_tui.io.outcome_form import CallSoFar, report_from_form
from relance_tui.store.calls import CallReport, SavedCall, calls_within, log_guard_override, save_call
from relance_tui.store.cards import DebtorCard
from relance_tui.store.claims import ClaimResult, claim, release_claim
from relance_tui.tui.base import LiveScreen
from relance_tui.tui.brief import call_brief
from relance_tui.tui.card import card_loader
from relance_tui.tui.dialogs import ConfirmScreen, GuardScreen, ObjectionScreen
from relance_tui.tui.followup import EmailScreen, followup_draft
from relance_tui.tui.keybar import KeyBar
from relance_tui.tui.outcome import OutcomeScreen
from relance_tui.tui.plain import line, lines, plain, styled
from relance_tui.tui.titlebar import TitleBar

RENEW_EVERY_S = 60


class CallScreen(LiveScreen):
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
        self._prepare(app.store, card_loader(app), self._script_settings())

    def _script_settings(self) -> dict:
        """What rendering the script needs, read on the UI thread for the workers."""
        app = self.relance
        return {"agent": app.settings.agent_name, "office": app.settings.office, "today": app.today(),
                "templates": app.templates}

    # -- preparing: claim, card, script, frequency guard (SQL and template files: in workers) ------
    @work(thread=True, exclusive=True, group="call-prepare", exit_on_error=False)
    def _prepare(self, store, load: Callable[[int], DebtorCard], script_settings: dict) -> None:
        result = claim(store, self.debtor_id, session_id=self.session_id)
        card = load(self.debtor_id)
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
        brief = call_brief(card, pick_contact(card, self.contact_id), regime=self.regime, rules=app.calling_rules,
                           calls_30d=self.calls_30d, debtor_calls_30d=self.debtor_calls_30d, today=app.today(),
                           tz=app.settings.office.timezone, names=app.settings.display_name,
                           goal=self.context.get("goal", ""))
        self.query_one("#brief-text", Static).update(
            lines([item if isinstance(item, str) else styled(*item) for item in brief]))

    # -- ending the call ----------------------------------------------------------------------------
    def action_outcome(self) -> None:
        if self.card is None or self.started is None:
            return
        if self.relance.store.readonly:
            self.notify("Base en lecture seule : l'appel ne peut pas être enregistré.", severity="warning")
            return
        self.app.push_screen(OutcomeScreen(self.card, build=self.build_report, save=self.saver()),
                             self._outcome_saved)

    def build_report(self, outcome: str, fields: dict) -> CallReport:
        """Turn what the agent typed into a report (io/outcome_form.py); ValueError says which field is wrong."""
        assert self.card is not None and self.started is not None
        app = self.relance
        call = CallSoFar(debtor_id=self.debtor_id, started_at=self.started, phases=tuple(self.reached),
                         contact_id=self.contact_id, open_invoice_ids=tuple(i.id for i in self.card.outstanding),
                         objections=tuple(self.raised), guard_override=self.guard_override,
                         session_id=self.session_id)
        return report_from_form(outcome, fields, call, today=app.today(), now=self.now(),
                                tz=app.settings.office.timezone)

    def saver(self) -> Callable[[CallReport], SavedCall]:
        """Saving a report of this call, for the outcome form's worker (no widget touched): in the store, the
        next step counted on the debtor's country's working days."""
        app = self.relance
        store, today, calendar = app.store, app.today, app.calendar_for(self.regime.country)
        return lambda report: save_call(store, report, today=today(), calendar=calendar)

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
        refused = email_refusal(self.card, contact)
        if refused:
            self.notify(f"{refused} Récapitulatif non envoyé.", severity="warning", timeout=10)
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
        draft, problems = followup_draft(
            app.templates, self.context, message.report, kind=message.kind, to=message.to, ids=message.ids,
            files=message.files, numbers={i.id: i.number for i in self.card.invoices},
            tz=app.settings.office.timezone)
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
        self._reload_card(card_loader(self.relance))

    class CardReloaded(Message):
        def __init__(self, card: DebtorCard) -> None:
            super().__init__()
            self.card = card

    @work(thread=True, exclusive=True, group="call-card", exit_on_error=False)
    def _reload_card(self, load: Callable[[int], DebtorCard]) -> None:
        self.post_message(self.CardReloaded(load(self.debtor_id)))

    def on_call_screen_card_reloaded(self, message: CardReloaded) -> None:
        self.card = message.card
        self._render_brief()


def give_back(store, session_id: int | None, debtor_id: int) -> None:  # noqa: ANN001
    """Leaving a call without an outcome: a session's debtor goes back, to the end of the queue."""
    if session_id is not None:
        from relance_tui.store.sessions import skip_item

        skip_item(store, session_id, debtor_id)
    else:
        release_claim(store, debtor_id)
