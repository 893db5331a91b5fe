"""The dunning plan as data, and where a debtor stands in it: pure functions, no database.

A plan is a list of steps (the seeds: courtesy email J-8, reminder email J+3, call J+8, letter J+15, formal
notice, then court). A step's date counts from the due date of the debtor's oldest overdue invoice (anchor
"due") or from the day the previous step was done (anchor "previous"), as Odoo/OCA credit control offers both.
One level per debtor: the step is about the debtor, and its email or letter lists all its overdue invoices.

Where the debtor stands (``plan_state``) follows from what was done, never from days late alone:

- the next step is the furthest one whose date has come, among the steps after the last one done; the
  optional steps it passes over are skipped (a debtor imported 60 days late gets the formal notice, not the
  courtesy email);
- a *required* step is never passed over: a later step waits until it is done (no court file without a
  formal notice, no cost for a Belgian consumer before the free first reminder);
- a step that counts from the previous one waits for it to be done (the court file, until the formal
  notice's deadline has run);
- a step that charges or announces costs to a Belgian consumer waits for the last of the 14 days after the
  free first reminder (CDE art. XIX.2 §1, domain/law.be_consumer_grace_end);
- a courtesy step (before the due date) lapses once the invoice is due;
- a dispute, a promise within its grace, a settled or credit balance stop the plan (each step says which
  of these stop it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.dunning import PROMISE_GRACE_DAYS
from relance_tui.domain.law import be_consumer_grace_end
from relance_tui.domain.text import count

CHANNELS = {
    "email": "Email",
    "phone": "Appel",
    "letter": "Lettre",
    "registered": "Lettre recommandée",
    "court": "Dossier contentieux",
}
ANCHORS = ("due", "previous")
STOPS = {
    "dispute": "un litige",
    "promise": "une promesse dans son délai",
    "payment": "le solde payé",
    "credit": "un solde créditeur",
}
# The legal acts a step records when it is done (store/acts.py): the plan reads them back as done steps.
STEP_ACTS = ("formal_notice", "first_reminder")
# The court file waits at least this long after the formal notice: the deadline the built-in notice gives
COURT_MIN_DAYS = 8


@dataclass(frozen=True)
class PlanStep:
    key: str  # unique in its plan: what events record ("reminder", "formal_notice"...)
    label: str  # what the agenda and the card say
    channel: str  # CHANNELS
    offset: int  # days, from the anchor
    anchor: str = "due"  # ANCHORS
    template: str = ""  # the email or letter template (io/templates.py), "" for a call or a court file
    approval: bool = True  # an agent sends it; False: the nightly job may (relance plan run --send)
    required: bool = False  # never skipped: later steps wait for it
    costs: bool = False  # charges or announces costs: for a Belgian consumer, not before the free reminder + 14 days
    act: str = ""  # the legal act it is (STEP_ACTS), recorded with it
    stops: frozenset[str] = frozenset(STOPS)
    attach: str = ""  # an email step: a document (io/documents.py, e.g. "statement") made and attached to it

    @property
    def before_due(self) -> bool:
        return self.anchor == "due" and self.offset < 0


@dataclass(frozen=True)
class Plan:
    key: str
    label: str
    steps: tuple[PlanStep, ...]
    builtin: bool = True

    def step(self, key: str) -> PlanStep | None:
        return next((s for s in self.steps if s.key == key), None)


class PlanError(ValueError):
    """A plan that cannot run: said with the plan, the step and the field (``step``: its index, from 0)."""

    def __init__(self, message: str, step: int | None = None) -> None:
        super().__init__(message)
        self.step = step


def check_plan(plan: Plan) -> None:
    """Refuse a plan that could not run or would break a rule (office plans come from a file)."""
    if not plan.steps:
        raise PlanError(f"plan {plan.key} : aucune étape")
    seen: set[str] = set()
    for i, step in enumerate(plan.steps):
        try:
            _check_step(plan, i, step, seen)
        except PlanError as exc:
            raise PlanError(str(exc), step=i) from None


def _check_step(plan: Plan, i: int, step: PlanStep, seen: set[str]) -> None:
    """One step of a plan against the rules (``seen``: the keys of the steps before it)."""
    where = f"plan {plan.key}, étape {i + 1} ({step.key})"
    if step.key in seen:
        raise PlanError(f"{where} : clé {step.key!r} en double")
    seen.add(step.key)
    if step.channel not in CHANNELS:
        raise PlanError(f"{where}, champ channel : {step.channel!r} inconnu (attendu : {', '.join(CHANNELS)})")
    if step.anchor not in ANCHORS:
        raise PlanError(f"{where}, champ anchor : {step.anchor!r} inconnu (attendu : due ou previous)")
    if step.anchor == "previous" and i == 0:
        raise PlanError(f"{where}, champ anchor : la première étape ne peut pas compter depuis la précédente")
    if step.anchor == "previous" and step.offset < 0:
        raise PlanError(f"{where}, champ offset : {count(step.offset, 'jour')} après l'étape précédente (attendu >= 0)")
    if not -60 <= step.offset <= 365:
        raise PlanError(f"{where}, champ offset : {step.offset} (attendu entre -60 et 365 jours)")
    if step.channel in ("email", "letter", "registered") and not step.template:
        raise PlanError(f"{where}, champ template : un email ou un courrier a besoin d'un modèle")
    if step.attach and step.channel != "email":
        raise PlanError(f"{where}, champ attach : seul un email joint un document (ici {step.channel})")
    if step.act and step.act not in STEP_ACTS:
        raise PlanError(f"{where}, champ act : {step.act!r} inconnu (attendu : {', '.join(STEP_ACTS)})")
    unknown = set(step.stops) - set(STOPS)
    if unknown:
        raise PlanError(f"{where}, champ stops : {', '.join(sorted(unknown))} "
                        f"{'inconnus' if len(unknown) > 1 else 'inconnu'} "
                        f"(attendu : {', '.join(STOPS)})")
    if step.channel == "court":
        notices = [s for s in plan.steps[:i] if s.act == "formal_notice" and s.required]
        if not notices:
            raise PlanError(f"{where} : un dossier contentieux suppose une mise en demeure obligatoire avant lui "
                            "(une étape act = \"formal_notice\", required = true)")
        if step.anchor != "previous" or plan.steps[i - 1] is not notices[-1]:
            raise PlanError(f"{where}, champ anchor : le dossier contentieux compte depuis la mise en demeure "
                            "(anchor = \"previous\", juste après elle), pour laisser courir son délai")
        if step.offset < COURT_MIN_DAYS:
            raise PlanError(f"{where}, champ offset : {count(step.offset, 'jour')} après la mise en demeure ; au moins "
                            f"{COURT_MIN_DAYS}, le délai qu'elle laisse au débiteur")
    if (step.act == "formal_notice" or step.channel == "court") and not (step.costs and step.required):
        raise PlanError(f"{where} : une mise en demeure ou un dossier contentieux est obligatoire et payant "
                        "(required = true, costs = true) : ni sauté, ni avant les 14 jours d'un consommateur belge")
    if step.before_due and (step.required or step.costs):
        raise PlanError(f"{where} : une étape avant l'échéance ne peut être ni obligatoire ni payante")


def _steps(*steps: PlanStep) -> tuple[PlanStep, ...]:
    return steps


COURTESY = PlanStep("courtesy", "Prévenance avant échéance", "email", -8, template="courtesy", approval=False,
                    stops=frozenset({"dispute", "payment", "credit"}))
REMINDER = PlanStep("reminder", "1re relance par email", "email", 3, template="reminder", approval=False)
CALL = PlanStep("call", "Appel", "phone", 8)
LETTER = PlanStep("letter", "Lettre de relance", "letter", 15, template="reminder_letter")
# C. civ. art. 1344 (France): the debtor is put in default by a formal notice; it opens the court step.
FORMAL_NOTICE = PlanStep("formal_notice", "Mise en demeure (recommandé)", "registered", 30,
                         template="formal_notice", required=True, costs=True, act="formal_notice")
# The notice gives the debtor a deadline (8 days in the built-in letter, plus postage): the court file waits
# 15 days after it.
COURT = PlanStep("court", "Dossier contentieux", "court", 15, anchor="previous", required=True, costs=True)
# CDE art. XIX.2 §1 (Belgium, consumers): a first reminder, free of charge, by letter or email, giving 14 days
# before anything may be charged; required before the formal notice and its costs.
BE_FIRST_REMINDER = PlanStep("first_reminder", "Premier rappel gratuit (14 jours)", "email", 3,
                             template="be_first_reminder", approval=False, required=True, act="first_reminder")
BE_LETTER = PlanStep("letter", "Deuxième rappel (courrier)", "letter", 15, template="reminder_letter")

BUILTIN_PLANS: dict[str, Plan] = {
    "fr_b2b": Plan("fr_b2b", "Professionnel (France)", _steps(COURTESY, REMINDER, CALL, LETTER, FORMAL_NOTICE, COURT)),
    "fr_b2c": Plan("fr_b2c", "Particulier (France)", _steps(COURTESY, REMINDER, CALL, LETTER, FORMAL_NOTICE, COURT)),
    "be_b2b": Plan("be_b2b", "Entreprise (Belgique)", _steps(COURTESY, REMINDER, CALL, LETTER, FORMAL_NOTICE, COURT)),
    "be_b2c": Plan("be_b2c", "Consommateur (Belgique)",
                   _steps(COURTESY, BE_FIRST_REMINDER, CALL, BE_LETTER, FORMAL_NOTICE, COURT)),
}
for _plan in BUILTIN_PLANS.values():
    check_plan(_plan)


@dataclass(frozen=True)
class StepDone:
    """A step's event: the day it was done, by whom, by which channel (the Belgian grace depends on it)."""

    key: str
    day: dt.date
    agent: str = ""
    channel: str = ""
    note: str = ""


@dataclass(frozen=True)
class Situation:
    """What the plan needs to know of one debtor, read from the base (store/plan.py)."""

    oldest_due: dt.date | None  # its oldest outstanding invoice not contested: sets the level
    balance_cents: int  # what it owes, credit notes applied
    contested: bool = False  # an invoice of its is disputed or before a court
    promise_due: dt.date | None = None  # its pending promise, if any
    done: tuple[StepDone, ...] = ()  # the steps done in this cycle (since the oldest invoice fell due - 60 days)
    belgian_consumer: bool = False


@dataclass(frozen=True)
class PlanState:
    plan: Plan
    done: tuple[tuple[PlanStep, StepDone], ...] = ()
    next: PlanStep | None = None
    due: dt.date | None = None  # when the next step is due (None: not before another step is done)
    skipped: tuple[PlanStep, ...] = ()
    stopped: str = ""  # why nothing is due ("" when the plan runs)
    waiting: str = ""  # why the next step is not due yet, beyond its date
    today: dt.date | None = None

    @property
    def is_due(self) -> bool:
        return self.next is not None and not self.stopped and self.due is not None and self.due <= self.today

    @property
    def late_days(self) -> int:
        """Days since the next step fell due (0: due today; negative: not yet)."""
        if self.due is None or self.today is None:
            return 0
        return (self.today - self.due).days

    def summary(self) -> str:
        """One line for the list and the card."""
        if self.stopped:
            return self.stopped
        if self.next is None:
            return "Plan terminé"
        if self.due is None:
            return f"{self.next.label} : {self.waiting or 'après l’étape précédente'}"
        if self.late_days > 0:
            return f"{self.next.label} (en retard de {self.late_days} j)"
        if self.late_days == 0:
            return f"{self.next.label} (aujourd'hui)"
        return f"{self.next.label} le {self.due:%d/%m/%Y}"


@dataclass
class _Dates:
    dates: list[dt.date | None] = field(default_factory=list)
    waits: list[str] = field(default_factory=list)


def plan_state(plan: Plan, situation: Situation, today: dt.date, calendar: OfficeCalendar) -> PlanState:
    """Where a debtor stands in ``plan`` on ``today`` (see the module's docstring for the rules)."""
    done_by_key: dict[str, StepDone] = {}
    for record in sorted(situation.done, key=lambda r: r.day):
        done_by_key.setdefault(record.key, record)
    done = tuple((s, done_by_key[s.key]) for s in plan.steps if s.key in done_by_key)
    base = PlanState(plan, done=done, today=today)
    stop = _stopped(situation, today)
    if situation.oldest_due is None:
        return replace(base, stopped=stop or "Rien à relancer")
    # the first required step not done bounds the plan: nothing after it, whatever was done (a call logged
    # early, an optional step done by hand) may carry the debtor past it
    wall = next((i for i, s in enumerate(plan.steps) if s.required and s.key not in done_by_key), len(plan.steps))
    last_done = max((i for i, s in enumerate(plan.steps[:wall]) if s.key in done_by_key), default=-1)
    dates = _step_dates(plan, situation, done_by_key, calendar)
    reachable = [i for i in range(last_done + 1, min(wall + 1, len(plan.steps)))
                 if plan.steps[i].key not in done_by_key]
    due_now = [i for i in reachable if dates.dates[i] is not None and dates.dates[i] <= today
               and not (plan.steps[i].before_due and today > situation.oldest_due)]
    if due_now:
        chosen = max(due_now)
    else:
        upcoming = [i for i in reachable if not (plan.steps[i].before_due and today > situation.oldest_due)]
        if not upcoming:
            return replace(base, stopped=stop)
        chosen = upcoming[0]
    step = plan.steps[chosen]
    skipped = tuple(plan.steps[i] for i in reachable if i < chosen)
    state = PlanState(plan, done=done, next=step, due=dates.dates[chosen], skipped=skipped,
                      waiting=dates.waits[chosen], today=today)
    reason = _stopped(situation, today, step)
    if reason:
        return replace(state, stopped=reason)
    return state


def _step_dates(plan: Plan, situation: Situation, done: dict[str, StepDone], calendar: OfficeCalendar) -> _Dates:
    """Each step's date, or None while the step it counts from is not done; and why it waits."""
    out = _Dates()
    first_reminder = next((done[s.key] for s in plan.steps if s.act == "first_reminder" and s.key in done), None)
    for i, step in enumerate(plan.steps):
        wait = ""
        if step.anchor == "due":
            day: dt.date | None = situation.oldest_due + dt.timedelta(days=step.offset)
        else:
            previous = next((done[s.key] for s in reversed(plan.steps[:i]) if s.key in done), None)
            if previous is None:
                day, wait = None, f"{step.offset} j après « {plan.steps[i - 1].label} »"
            else:
                day = previous.day + dt.timedelta(days=step.offset)
        if step.costs and situation.belgian_consumer and day is not None:
            if first_reminder is None:
                day, wait = None, "après le premier rappel gratuit et ses 14 jours (CDE art. XIX.2)"
            else:
                channel = first_reminder.channel if first_reminder.channel in ("email", "letter", "registered") \
                    else "letter"
                free_until = be_consumer_grace_end(first_reminder.day, channel, calendar)
                if day <= free_until:
                    day = free_until + dt.timedelta(days=1)
                    wait = f"14 jours du rappel gratuit : rien ne peut être facturé avant le {day:%d/%m/%Y}"
        out.dates.append(day)
        out.waits.append(wait)
    return out


def _stopped(situation: Situation, today: dt.date, step: PlanStep | None = None) -> str:
    """Why the plan does not run for this debtor now ("" when it does); with ``step``, only what stops it."""
    stops = step.stops if step is not None else frozenset(STOPS)
    if situation.balance_cents < 0 and "credit" in stops:
        return "Solde créditeur : rien à relancer"
    if situation.balance_cents == 0 and "payment" in stops:
        return "Soldé"
    if situation.oldest_due is None and situation.contested and "dispute" in stops:
        return "Litige à traiter"
    if situation.promise_due is not None and "promise" in stops:
        until = situation.promise_due + dt.timedelta(days=PROMISE_GRACE_DAYS)
        if today <= until:
            return f"Promesse au {situation.promise_due:%d/%m/%Y} : plan suspendu jusqu'au {until:%d/%m/%Y}"
    return ""


PROFILES = {"good": "bon payeur", "normal": "normal", "bad": "mauvais payeur"}


@dataclass(frozen=True)
class PlanBook:
    """The office's plans: the built-in ones, its own (plans.toml), and the plan each payer profile gets."""

    plans: dict[str, Plan]
    profiles: dict[str, str] = field(default_factory=dict)  # debtor profile (good, normal, bad) -> plan key

    def for_debtor(self, regime_key: str, chosen: str | None = None, profile: str | None = None) -> Plan:
        """A debtor's plan: the one chosen for it by hand, else its profile's, else its regime's (fr_b2b...);
        a choice naming a plan that no longer exists falls through to the next."""
        for key in (chosen, self.profiles.get(profile or ""), regime_key):
            plan = self.plans.get(key or "")
            if plan is not None and (regime_key != "be_b2c" or has_free_reminder(plan)):
                return plan
        return BUILTIN_PLANS[regime_key]  # a Belgian consumer's plan always starts with the free reminder


def has_free_reminder(plan: Plan) -> bool:
    """A plan fit for a Belgian consumer: a required free first reminder (CDE art. XIX.2) before any cost."""
    first = next((i for i, s in enumerate(plan.steps) if s.act == "first_reminder" and s.required), None)
    costly = next((i for i, s in enumerate(plan.steps) if s.costs), len(plan.steps))
    return first is not None and first < costly


def merge_plans(office: Iterable[Plan], profiles: dict[str, str] | None = None) -> PlanBook:
    """The built-in plans, with the office's added (or replacing a built-in one of the same key)."""
    plans = dict(BUILTIN_PLANS)
    for plan in office:
        plans[plan.key] = plan
    return PlanBook(plans, dict(profiles or {}))


DEFAULT_BOOK = PlanBook(dict(BUILTIN_PLANS))
