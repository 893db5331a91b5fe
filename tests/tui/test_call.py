"""The call screen driven with the Pilot and a fake clock."""

import datetime as dt
import json

import pytest
from textual import events
from textual.widgets import Input, Label, Static

from relance_tui.domain.text import count
from relance_tui.errors import DatabaseBusy
from relance_tui.store import open_store
from relance_tui.store.claims import claim
from relance_tui.tui.call import CallScreen
from relance_tui.tui.dialogs import ConfirmScreen, GuardScreen, ObjectionScreen
from relance_tui.tui.followup import EmailScreen
from relance_tui.tui.outcome import OutcomeScreen
from relance_tui.tui.promises import ExportScreen
from tests.helpers import FakeClock
from tests.tui.conftest import settle

UTC = dt.timezone.utc
MONDAY_1030 = dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # 10:30 in Paris


@pytest.fixture
def clock(demo_store):
    c = FakeClock(MONDAY_1030)
    demo_store.clock = c
    return c


@pytest.fixture
def debtor(demo_store):
    """A debtor with open invoices, a contact with an email, and fewer than 4 calls in 30 days."""
    return demo_store.db.execute("""
        SELECT d.id FROM debtors d
        WHERE EXISTS (SELECT 1 FROM invoices i WHERE i.debtor_id = d.id AND i.status = 'open'
                      AND i.amount_cents > i.paid_cents)
          AND EXISTS (SELECT 1 FROM contacts c WHERE c.debtor_id = d.id AND c.email <> '')
          AND (SELECT COUNT(*) FROM events e WHERE e.debtor_id = d.id AND e.kind = 'call'
               AND e.at >= '2026-10-24') < 2
        ORDER BY d.id LIMIT 1""").fetchone()[0]


def text(screen, selector) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_call(app, pilot, debtor) -> CallScreen:
    await settle(pilot)
    app.open_call(debtor)
    await settle(pilot)
    assert isinstance(app.screen, CallScreen), type(app.screen)
    return app.screen


async def choose_outcome(app, pilot, key: str):
    """f on the call screen, then the outcome's key: the outcome form (OutcomeScreen) open on its fields."""
    await pilot.press("f")
    await pilot.pause()
    assert isinstance(app.screen, OutcomeScreen)
    await pilot.press(key)
    await pilot.pause()
    return app.screen


def last_call(store, debtor):
    row = store.db.execute("SELECT outcome, duration_s, data, notes FROM events WHERE kind = 'call' AND debtor_id = ? "
                           "ORDER BY id DESC LIMIT 1", [debtor]).fetchone()
    return row[0], row[1], json.loads(row[2]), row[3]


async def test_a_whole_call_phases_prompts_objection_promise(make_app, demo_store, clock, debtor):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        call = await open_call(app, pilot, debtor)
        assert "Appel 00:00 · étape 00:00" in text(call, "#timers")
        assert call.phase_index == 0 and text(call, "#phases").startswith(" 1 Préparer  › 2")
        # the prepare phase's prompt shows at 90 s, not before
        clock.advance(89)
        call.tick()
        assert text(call, "#prompts") == ""
        clock.advance(1)
        call.tick()
        assert "Numérotez" in text(call, "#prompts")
        await pilot.press("s")
        assert call.phase_index == 1 and "étape 00:00" in text(call, "#timers")
        assert text(call, "#prompts") == ""
        await pilot.press("s")
        clock.advance(59)
        call.tick()
        assert "Reformulez" not in text(call, "#prompts")
        clock.advance(1)
        call.tick()
        assert "Reformulez" in text(call, "#prompts") and "Appel 02:30 · étape 01:00" in text(call, "#timers")
        # an objection: the picker shows answers and the action, Enter notes it in the call
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ObjectionScreen)
        await pilot.press("down")
        await pilot.pause()
        assert "référence" in text(app.screen, "#objection-detail")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is call and "Déjà payé" in text(call, "#raised")
        await pilot.press("p")
        assert call.phase_index == 1
        await pilot.press("s", "s", "s")
        assert call.phase_index == 4 and call.reached == ["prepare", "introduce", "listen", "negotiate", "conclude"]
        clock.advance(30)
        # the outcome: p for a promise, then the date; the amount defaults to what is owed
        await choose_outcome(app, pilot, "p")
        assert app.screen.focused.id == "amount"  # the first field: what is owed, selected to type over
        await pilot.press("tab", *"12/12/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EmailScreen)
        assert "au plus tard le 12/12/2026" in app.screen.query_one("#email-body").text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CallScreen)
    outcome, duration, data, notes = last_call(demo_store, debtor)
    assert (outcome, duration) == ("promise", 180)
    assert data["phases"] == ["prepare", "introduce", "listen", "negotiate", "conclude"]
    assert data["objections"] == ["already_paid"] and "12/12/2026" in notes
    owed = demo_store.db.execute("SELECT SUM(amount_cents - paid_cents) FROM invoices WHERE debtor_id = ? AND status "
                                 "IN ('open', 'disputed', 'litigation') AND amount_cents > paid_cents",
                                 [debtor]).fetchone()[0]
    assert demo_store.db.execute("SELECT amount_cents, due_date FROM promises WHERE debtor_id = ? ORDER BY id DESC "
                                 "LIMIT 1", [debtor]).fetchone() == (owed, "2026-12-12")
    assert demo_store.db.execute("SELECT kind, due_at FROM next_actions WHERE debtor_id = ?", [debtor]).fetchone() == \
        ("promise_check", "2026-12-15")
    assert demo_store.db.execute("SELECT COUNT(*) FROM claims WHERE debtor_id = ?", [debtor]).fetchone()[0] == 0


OUTCOMES = [
    ("m", [], "voicemail", ("retry", "2026-11-24"), False),
    ("i", [], "unreachable", ("retry", "2026-11-24"), False),
    ("n", [], "wrong_number", ("retry", "2026-11-24"), False),
    ("x", [], "refused", ("formal_notice", "2026-11-24"), False),
    ("r", ["24/11/2026", "tab", "16h00"], "callback", ("callback", "2026-11-24T15:00:00Z"), True),
    ("d", ["20/11/2026", "tab", "VIR-2026-118"], "paid_already", ("payment_check", "2026-11-24"), True),
    ("l", [], "dispute", ("dispute", "2026-11-23"), True),
    ("v", [], "not_received", ("call", "2026-11-25"), True),
    ("a", [], "awaiting_approval", ("call", "2026-11-25"), True),
]


@pytest.mark.parametrize(("key", "typed", "outcome", "next_action", "email"), OUTCOMES,
                         ids=[o[2] for o in OUTCOMES])
async def test_each_outcome_is_saved_with_its_next_action(make_app, demo_store, clock, debtor, key, typed, outcome,
                                                          next_action, email):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_call(app, pilot, debtor)
        clock.advance(95)
        await choose_outcome(app, pilot, key)
        for item in typed:
            await pilot.press(*([item] if item == "tab" else item))
        if outcome == "dispute":
            app.screen.query_one("#category").value = "quality"
        await pilot.press("ctrl+s")
        await settle(pilot)
        if isinstance(app.screen, OutcomeScreen):
            pytest.fail(text(app.screen, "#outcome-error"))
        assert isinstance(app.screen, EmailScreen) == email
        if email:
            await pilot.press("escape")
            await settle(pilot)
    assert last_call(demo_store, debtor)[:2] == (outcome, 95)
    assert demo_store.db.execute("SELECT kind, due_at FROM next_actions WHERE debtor_id = ?",
                                 [debtor]).fetchone() == next_action
    if outcome == "paid_already":
        assert last_call(demo_store, debtor)[2]["paid"] == {"date": "2026-11-20", "reference": "VIR-2026-118"}
    if outcome == "dispute":
        assert demo_store.db.execute("SELECT category FROM disputes WHERE debtor_id = ?", [debtor]).fetchone() == \
            ("quality",)


async def test_a_failed_save_keeps_the_form_and_says_why(make_app, demo_store, clock, debtor, monkeypatch):
    import relance_tui.tui.call as call_module

    real = call_module.save_call

    def busy(*a, **kw):
        raise DatabaseBusy("la base est restée verrouillée 120 s par un autre agent. Rien n'a été enregistré")

    monkeypatch.setattr(call_module, "save_call", busy)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_call(app, pilot, debtor)
        await choose_outcome(app, pilot, "p")
        await pilot.press("tab", *"20/12/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OutcomeScreen)
        error = text(form, "#outcome-error")
        assert "Non enregistré" in error and "verrouillée" in error and "Rien n'est perdu" in error
        assert form.query_one("#date", Input).value == "20/12/2026"
        assert demo_store.db.execute("SELECT COUNT(*) FROM promises WHERE due_date = '2026-12-20'").fetchone()[0] == 0
        # a typing mistake is caught before any write, naming the field
        form.query_one("#date", Input).value = "31/02/2027"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Date promise" in text(form, "#outcome-error")
        form.query_one("#date", Input).value = "20/12/2026"
        monkeypatch.setattr(call_module, "save_call", real)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EmailScreen)
    assert demo_store.db.execute("SELECT COUNT(*) FROM promises WHERE due_date = '2026-12-20'").fetchone()[0] == 1


async def test_guard_on_a_public_holiday_reason_is_logged(make_app, demo_store, clock, debtor):
    clock.t = dt.datetime(2026, 11, 11, 9, 30, tzinfo=UTC)  # Armistice, 10:30 in Paris
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_call(debtor)
        await settle(pilot)
        guard = app.screen
        assert isinstance(guard, GuardScreen)
        assert "Jour férié : Armistice (France)." in text(guard, "#guard-reasons")
        await pilot.press("escape")  # do not call
        await settle(pilot)
        assert not isinstance(app.screen, (GuardScreen, CallScreen))
        assert demo_store.db.execute("SELECT COUNT(*) FROM claims WHERE debtor_id = ?", [debtor]).fetchone()[0] == 0
        app.open_call(debtor)
        await settle(pilot)
        await pilot.press("enter")  # no reason: refused
        assert "motif est nécessaire" in text(app.screen, "#guard-error")
        await pilot.press(*"rappel demandé par le client")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
    note = demo_store.db.execute("SELECT notes, data FROM events WHERE outcome = 'call_guard_override' AND "
                                 "debtor_id = ?", [debtor]).fetchone()
    assert "Armistice" in note[0] and json.loads(note[1])["reason"] == "rappel demandé par le client"


@pytest.mark.parametrize(("instant", "expected"), [
    (dt.datetime(2026, 11, 12, 9, 30, tzinfo=UTC), None),  # the day after the holiday, 10:30
    (dt.datetime(2026, 11, 23, 12, 30, tzinfo=UTC), "Hors des heures d'appel"),  # 13:30: lunch
    (dt.datetime(2026, 11, 23, 8, 59, tzinfo=UTC), "Hors des heures d'appel"),  # 09:59
    (dt.datetime(2026, 11, 22, 10, 0, tzinfo=UTC), "Pas d'appel le dimanche"),
])
async def test_calling_hours(make_app, demo_store, clock, debtor, instant, expected):
    clock.t = instant
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_call(debtor)
        await settle(pilot)
        if expected is None:
            assert isinstance(app.screen, CallScreen)
        else:
            assert isinstance(app.screen, GuardScreen) and expected in text(app.screen, "#guard-reasons")


async def test_a_debtor_claimed_by_another_agent_needs_a_confirmed_steal(make_app, demo_store, clock, debtor):
    karim = open_store(demo_store.path, agent="karim", clock=clock)
    assert claim(karim, debtor).ok
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        name = demo_store.db.execute("SELECT name FROM debtors WHERE id = ?", [debtor]).fetchone()[0]
        await pilot.press("slash")
        app.query_one("#filter", Input).value = name
        await settle(pilot)
        view = app.query_one("#overdue-view")
        row = view.table.current_row
        assert row.debtor_id == debtor and row.holder == "karim"  # "who is on it now" in the list
        assert view.cells(row)[-1] == "karim"
        app.open_call(debtor)
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "est sur ce débiteur" in text(app.screen, "#confirm-question")
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, CallScreen)
        assert demo_store.db.execute("SELECT agent FROM claims WHERE debtor_id = ?", [debtor]).fetchone()[0] == "karim"
        app.open_call(debtor)
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
    assert demo_store.db.execute("SELECT agent FROM claims WHERE debtor_id = ?", [debtor]).fetchone()[0] == "marie"
    assert demo_store.db.execute("SELECT COUNT(*) FROM events WHERE outcome = 'steal' AND debtor_id = ?",
                                 [debtor]).fetchone()[0] == 1
    karim.close()


async def test_call_from_the_list_then_promises_tab_and_export(make_app, demo_store, clock, tmp_path):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        first = app.query_one("#overdue").current_row
        await pilot.press("a")
        await settle(pilot)
        if isinstance(app.screen, GuardScreen):
            await pilot.press(*"test", "enter")
            await settle(pilot)
        assert isinstance(app.screen, CallScreen) and app.screen.debtor_id == first.debtor_id
        await pilot.press("f", "p")
        app.screen.query_one("#amount", Input).value = "123,45"
        await pilot.press("tab", *"+5", "ctrl+s")
        await settle(pilot)
        if isinstance(app.screen, EmailScreen):
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        view = app.query_one("#promises-view")
        assert [(p.debtor_id, p.amount_cents) for p in view.lines] == [(first.debtor_id, 123_45)]
        assert "1 promesse, total 123,45" in text(view, "#promises-total").replace("\u00a0", " ")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("ctrl+t")  # csv -> the CSV a French Excel opens
        assert app.screen.query_one(Input).value.endswith("-excel.csv")
        sheet = tmp_path / "jour.csv"
        app.screen.query_one(Input).value = str(sheet)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
        await pilot.press("x")
        await pilot.pause()
        out = tmp_path / "jour.md"
        await pilot.press("ctrl+t", "ctrl+t", "ctrl+t")  # csv -> excel -> ics -> md
        app.screen.query_one(Input).value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
    assert "123,45" in out.read_text(encoding="utf-8") and out.read_text(encoding="utf-8").startswith("# Promesses")
    rows = sheet.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("Débiteur;Contact;Factures;Montant;Date promise") and ";123,45;" in rows[1]
    import re

    assert re.findall(r"\d{4}-\d{2}-\d{2}", rows[1]) == []  # one way of writing dates: JJ/MM/AAAA
    assert len(re.findall(r"\d{2}/\d{2}/\d{4}", rows[1])) == 2  # the date promised, the call's


@pytest.mark.parametrize("phase", range(6))
def test_call_screen_snapshot_in_each_phase(snap_compare, make_app, demo_store, frozen_clock, phase):
    clock = FakeClock(MONDAY_1030)
    demo_store.clock = clock
    debtor = 3  # fixed data: the same debtor in every run

    async def run(pilot):
        app = pilot.app
        await settle(pilot)
        app.open_call(debtor)
        await settle(pilot)
        if isinstance(app.screen, GuardScreen):
            await pilot.press(*"snapshot", "enter")
            await settle(pilot)
        for _ in range(phase):
            await pilot.press("s")
        clock.advance(200)  # far enough into the phase that its timed prompts show
        app.screen.tick()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run)


async def open_fixed_call(pilot) -> None:
    """The snapshots' call: the demo's debtor 3, past the guard when the clock puts it up."""
    await settle(pilot)
    pilot.app.open_call(3)
    await settle(pilot)
    if isinstance(pilot.app.screen, GuardScreen):
        await pilot.press(*"snapshot", "enter")
        await settle(pilot)


def test_call_screen_snapshot_at_80_columns(snap_compare, make_app, demo_store, frozen_clock):
    """The call screen at the smallest terminal (issue 17: every screen at both sizes)."""
    demo_store.clock = FakeClock(MONDAY_1030)

    async def run(pilot):
        await open_fixed_call(pilot)
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


def test_outcome_form_snapshot(snap_compare, make_app, demo_store, frozen_clock):
    demo_store.clock = FakeClock(MONDAY_1030)

    async def run(pilot):
        await open_fixed_call(pilot)
        await pilot.press("f", "p")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)


async def test_a_payment_entered_on_the_card_keeps_a_promise(make_app, demo_store, clock, debtor):
    from relance_tui.tui.card import DebtorScreen, PaymentScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_call(app, pilot, debtor)
        await pilot.press("f", "p")
        app.screen.query_one("#amount", Input).value = "10,00"
        await pilot.press("tab", *"+3", "ctrl+s")
        await settle(pilot)
        await pilot.press("escape")  # no email
        await settle(pilot)
        app.open_debtor_card(debtor)
        await settle(pilot)
        card = app.screen
        assert isinstance(card, DebtorScreen)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PaymentScreen)
        app.screen.query_one("#payment-amount", Input).value = "10,00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is card
        assert "Promesse de 10,00\u00a0€ pour le 26/11/2026 : Tenue" in text(card, "#promises")


async def test_every_form_moves_on_tab_before_the_keys_behind_it_the_payment_dialog(make_app, demo_store, clock,
                                                                                   debtor):
    """The same race on another form (Tab is the app's priority binding, not one form's): the payment's date typed
    right behind Tab lands in the date, the amount kept."""
    from relance_tui.tui.card import DebtorScreen, PaymentScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_debtor_card(debtor)
        await settle(pilot)
        assert isinstance(app.screen, DebtorScreen)
        await pilot.press("p")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PaymentScreen)
        form.query_one("#payment-amount", Input).focus()
        await pilot.pause()
        owed = form.query_one("#payment-amount", Input).value
        for key, character in (("tab", None), ("plus", "+"), ("3", "3"), ("tab", None), ("v", "v")):
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert form.query_one("#payment-date", Input).value == "+3"
        assert form.query_one("#payment-reference", Input).value == "v"
        assert form.query_one("#payment-amount", Input).value == owed


async def test_switching_contact_mid_call_runs_the_guard_for_that_contact(make_app, demo_store, clock):
    from relance_tui.store.cards import debtor_card
    from relance_tui.store.queries import append_event, load_rates

    debtor = demo_store.db.execute("""
        SELECT d.id FROM debtors d
        WHERE EXISTS (SELECT 1 FROM invoices i WHERE i.debtor_id = d.id AND i.status = 'open'
                      AND i.amount_cents > i.paid_cents)
          AND (SELECT COUNT(*) FROM contacts c WHERE c.debtor_id = d.id) >= 2
          AND (SELECT COUNT(*) FROM events e WHERE e.debtor_id = d.id AND e.kind = 'call'
               AND e.at >= '2026-10-24') = 0
        ORDER BY d.id LIMIT 1""").fetchone()[0]
    card = debtor_card(demo_store, debtor, as_of=clock().date(), rates=load_rates(demo_store))
    first = card.contacts[0].id  # the call opens on the releaser, listed first
    other = card.contacts[1].id  # "c" goes to the next one
    for days in (3, 6, 9, 12):  # four calls to the other contact this month
        at = (MONDAY_1030 - dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        demo_store.write(lambda db, at=at: append_event(db, at=at, agent="karim", kind="call", debtor_id=debtor,
                                                        direction="out", outcome="voicemail",
                                                        data={"contact_id": other}))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        call = await open_call(app, pilot, debtor)  # no warning for the first contact, a Monday at 10:30
        assert call.contact_id == first and call.started is not None
        await pilot.press("c")
        await settle(pilot)
        guard = app.screen
        assert isinstance(guard, GuardScreen)
        assert "Déjà 4 appels à ce contact" in text(guard, "#guard-reasons")
        assert any("Échap : garder le contact actuel" in str(label.render()) for label in guard.query(Label))
        await pilot.press("escape")  # keep the first contact: the call goes on
        await settle(pilot)
        assert app.screen is call and call.contact_id == first and call.started is not None
        await pilot.press("c")
        await settle(pilot)
        await pilot.press(*"il a demandé à être rappelé", "enter")
        await settle(pilot)
        assert app.screen is call and call.contact_id == other and call.calls_30d == 4
        assert call.guard_override == "il a demandé à être rappelé"
    note = demo_store.db.execute("SELECT data FROM events WHERE outcome = 'call_guard_override' AND debtor_id = ?",
                                 [debtor]).fetchone()
    assert json.loads(note[0])["reason"] == "il a demandé à être rappelé"
    assert "Déjà 4 appels" in json.loads(note[0])["reasons"][0]


async def test_promises_tab_lists_the_days_promises_and_enter_opens_the_debtor(make_app, demo_store, clock):
    from relance_tui.domain.calendar import OfficeCalendar
    from relance_tui.store.calls import CallReport, Instalment, save_call
    from relance_tui.tui.card import DebtorScreen

    debtors = [r[0] for r in demo_store.db.execute(
        "SELECT DISTINCT debtor_id FROM invoices WHERE status = 'open' AND amount_cents > paid_cents "
        "ORDER BY debtor_id LIMIT 40")]
    for k, debtor in enumerate(debtors):  # more promises than the screen holds
        save_call(demo_store, CallReport(debtor_id=debtor, outcome="promise", started_at=clock(), duration_s=60,
                                         instalments=(Instalment(dt.date(2026, 12, 1 + k % 20), 1_000 + k),)),
                  today=clock().date(), calendar=OfficeCalendar("FR"))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        view = app.query_one("#promises-view")
        table = app.query_one("#promises-table")
        assert len(debtors) > table.size.height  # more than a screen: the table draws only what shows
        assert table.has_focus and len(table.keys) == len(debtors)
        assert "Débiteur" in text(view, "#promises-header") and "Montant" in text(view, "#promises-header")
        assert count(len(debtors), "promesse") in text(view, "#promises-total")
        await pilot.press("end")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DebtorScreen) and app.screen.debtor_id == view.lines[-1].debtor_id


async def test_the_date_typed_right_behind_tab_lands_in_the_date_not_over_the_amount(make_app, demo_store, clock,
                                                                                    debtor):
    """Keys typed fast (a paste, a terminal's burst): Tab, then the date. Tab must move the focus before the
    characters behind it reach a field (a priority binding): they once replaced the amount."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_call(app, pilot, debtor)
        form = await choose_outcome(app, pilot, "p")
        assert isinstance(form, OutcomeScreen) and form.focused.id == "amount"
        owed = form.query_one("#amount", Input).value
        # all at once, as a terminal delivers them (the Pilot's press waits for each key's handling)
        for key, character in (("tab", None), ("plus", "+"), ("7", "7")):
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert form.query_one("#date", Input).value == "+7"
        assert form.query_one("#amount", Input).value == owed
        for key in ("shift+tab", "9"):  # and back
            app.post_message(events.Key(key, "9" if key == "9" else None))
        await settle(pilot)
        assert form.focused.id == "amount" and form.query_one("#date", Input).value == "+7"
