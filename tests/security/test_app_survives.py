"""Issue 11, finding 6: no exception in a callback, a timer, a message handler or a worker ends an agent's
session; it is logged with its traceback and shown in one line. And the two ways ordinary use ended it:
the key bar's NoScreen after closing a card, and an email header holding a line break."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest
from textual import events
from textual.widgets import Input, Static

import relance_tui.tui.call as call_module
import relance_tui.tui.followup as followup_module
from relance_tui.errors import MailError
from relance_tui.io.mail import Draft, build_message, make_draft
import relance_tui.tui.card as card_module
from relance_tui.store.watch import Change
from relance_tui.tui.app import DataChanged, RelanceApp
from relance_tui.tui.call import CallScreen
from relance_tui.tui.dialogs import GuardScreen
from relance_tui.tui.followup import EmailScreen
from relance_tui.tui.outcome import OutcomeScreen
from relance_tui.tui.card import DebtorScreen
from relance_tui.tui.keybar import KeyBar
from relance_tui.tui.overdue import OverdueView
from relance_tui.tui.titlebar import TitleBar
from tests.helpers import FakeClock
from tests.tui.conftest import make_app, settle  # noqa: F401 - fixtures

UTC = dt.timezone.utc
MONDAY_1030 = dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # 10:30 in Paris: calling hours
ARMISTICE_1030 = dt.datetime(2026, 11, 11, 9, 30, tzinfo=UTC)  # a public holiday: the guard shows
INJECTION = "\r\nBcc: pirate@example.com"


@pytest.fixture
def clock(demo_store):
    c = FakeClock(MONDAY_1030)
    demo_store.clock = c
    return c


@pytest.fixture
def debtor(demo_store):
    """A debtor with open invoices and a contact with an email."""
    return demo_store.db.execute("""
        SELECT d.id FROM debtors d
        WHERE EXISTS (SELECT 1 FROM invoices i WHERE i.debtor_id = d.id AND i.status = 'open'
                      AND i.amount_cents > i.paid_cents)
          AND EXISTS (SELECT 1 FROM contacts c WHERE c.debtor_id = d.id AND c.email <> '')
          AND (SELECT COUNT(*) FROM events e WHERE e.debtor_id = d.id AND e.kind = 'call'
               AND e.at >= '2026-10-24') < 2
        ORDER BY d.id LIMIT 1""").fetchone()[0]


def errors_shown(app: RelanceApp) -> list[str]:
    return [str(n.message) for n in app._notifications if n.severity == "error"]


def log_text(app: RelanceApp) -> str:
    path = app.settings.paths.log_file
    return path.read_text(encoding="utf-8") if path.exists() else ""


def assert_survived(app: RelanceApp, text: str) -> None:
    """Still running; the error logged with its traceback and shown in one line."""
    assert app.is_running and not app._exit, "the app ended"
    shown = [m for m in errors_shown(app) if text in m]
    assert shown, errors_shown(app)
    assert all("\n" not in m for m in shown)
    assert str(app.settings.paths.log_file) in shown[0]
    log = log_text(app)
    assert "Traceback" in log and text in log


async def wait_until(pilot, condition, what: str = "", rounds: int = 600) -> None:
    """Until ``condition()`` holds (a timer fires within a second or two; the bound is generous)."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what or condition}")


def type_keys(app: RelanceApp, *keys: str) -> None:
    """Keys as a terminal delivers them: all queued at once, the app not waiting to be idle between
    them (the Pilot's press waits after each key, which hides the race)."""
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app.post_message(event)


# -- the key bar ---------------------------------------------------------------------------------------

async def test_card_call_guard_outcome_then_escape_escape_o_f4_f5_escape_at_80x24(make_app, demo_store, debtor):
    """The sequence that ended the app with "erreur inattendue (NoScreen)": the card's key bar read its
    screen after Esc had closed it (its update was queued on the screen under it, which ran it once the
    card was gone). A race: the keys are typed as fast as a terminal sends them, the whole sequence
    twice, then its end (a card, F4, F5, Esc: where the race is) many times."""
    demo_store.clock = FakeClock(ARMISTICE_1030)
    app = make_app(live=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for attempt in range(24):
            app.open_debtor_card(debtor)
            await settle(pilot)
            assert isinstance(app.screen, DebtorScreen)
            if attempt < 2:
                await pilot.press("a")
                await settle(pilot)
                assert isinstance(app.screen, GuardScreen)
                await pilot.press(*"motif consigné", "enter")
                await settle(pilot)
                assert isinstance(app.screen, CallScreen)
                await pilot.press("f")
                await settle(pilot)
                assert isinstance(app.screen, OutcomeScreen)
                # Esc: back to the call; Esc: leave it?; o: yes; F4, F5: tabs under the card; Esc: the card
                type_keys(app, "escape", "escape", "o", "f4", "f5", "escape")
            else:
                type_keys(app, "f4", "f5", "escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, (DebtorScreen, CallScreen)) or app._exit)
            await settle(pilot)
            assert app.is_running and not app._exit, f"the app ended (attempt {attempt + 1})"
            assert errors_shown(app) == []
            # the main screen's key bar follows its focus: the Session tab's keys
            await wait_until(pilot, lambda: any(d == "Nouvelle session" for _, d, _ in
                                                app.screen.query_one(KeyBar).shown),
                             "the key bar shows the Session tab's keys (it stopped following the focus)")
            await pilot.press("f2")
            await settle(pilot)


# -- callbacks, timers, message handlers, workers ------------------------------------------------------

async def test_a_failing_timer_callback_is_reported_and_the_session_goes_on(make_app, demo_store, monkeypatch):
    def broken_clock(self):
        raise RuntimeError("horloge cassée")

    monkeypatch.setattr(TitleBar, "_tick", broken_clock)  # the title bar's one-second timer
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: errors_shown(app) or app._exit)
        assert_survived(app, "horloge cassée")
        await pilot.press("f3")  # and the app still answers
        await settle(pilot)
        assert app.timeline_view is not None and app.timeline_view.display


async def test_a_failing_after_refresh_callback_is_reported_and_the_others_still_run(make_app, demo_store,
                                                                                     monkeypatch):
    def broken_start(self):
        raise RuntimeError("surveillance impossible")

    monkeypatch.setattr(RelanceApp, "_start_watching", broken_start)  # a call_after_refresh at mount
    app = make_app(live=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: errors_shown(app) or app._exit)
        assert_survived(app, "surveillance impossible")
        assert app.query_one(OverdueView).table.keys  # the list loaded all the same


@pytest.mark.parametrize("where", ["app", "screen", "widget"])
async def test_a_failing_message_handler_is_reported_and_the_session_goes_on(make_app, demo_store, debtor,
                                                                             monkeypatch, where):
    def explode(self, message):
        raise ValueError("état impossible")

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if where == "app":
            monkeypatch.setattr(RelanceApp, "on_data_changed", explode)
            app.post_message(DataChanged(Change((), frozenset({"payment"}), frozenset())))
        elif where == "screen":
            monkeypatch.setattr(DebtorScreen, "on_debtor_screen_loaded", explode)
            app.open_debtor_card(debtor)
        else:
            monkeypatch.setattr(OverdueView, "on_overdue_view_loaded", explode)
            app.query_one("#overdue-view", OverdueView).reload()
        await settle(pilot)
        assert_survived(app, "état impossible")
        # the loop that ran the handler is alive: the next message is handled
        monkeypatch.undo()
        if where == "app":
            app.post_message(DataChanged(Change((), frozenset({"payment"}), frozenset())))
        elif where == "screen":
            app.screen.refresh_data()
        else:
            app.query_one("#overdue-view", OverdueView).reload()
        await settle(pilot)
        assert app.is_running and not app._exit
        if where == "screen":
            assert app.screen.card is not None and app.screen.card.id == debtor
        if where == "widget":
            assert app.query_one(OverdueView).table.keys


async def test_a_failing_worker_of_a_screen_is_reported(make_app, demo_store, debtor, monkeypatch):
    """Worker.StateChanged goes to the screen that started the worker, not to the app: its failure was
    silently lost."""
    def broken(*args, **kwargs):
        raise RuntimeError("fiche illisible")

    monkeypatch.setattr(card_module, "debtor_card", broken)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_debtor_card(debtor)
        await settle(pilot)
        assert_survived(app, "fiche illisible")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, DebtorScreen)


async def test_a_failing_worker_started_with_exit_on_error_is_reported(make_app, demo_store):
    def broken() -> None:
        raise RuntimeError("tâche en échec")

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        worker = app.run_worker(broken, thread=True, exit_on_error=True)
        await wait_until(pilot, lambda: worker.is_finished and (errors_shown(app) or app._exit))
        assert_survived(app, "tâche en échec")


def test_every_screen_and_widget_of_relance_survives_its_errors():
    """A new screen or widget without Survives would end the app on a failing handler, and its workers'
    failures would be lost (Worker.StateChanged goes to the node that started the worker only)."""
    import importlib
    import inspect
    import pkgutil

    import relance_tui.tui
    from textual.message_pump import MessagePump

    from relance_tui.tui.survive import Survives

    found, missing = [], []
    for info in pkgutil.iter_modules(relance_tui.tui.__path__):
        module = importlib.import_module(f"relance_tui.tui.{info.name}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, MessagePump):
                found.append(cls.__name__)
                if not issubclass(cls, Survives):
                    missing.append(f"{module.__name__}.{cls.__name__}")
    assert {"RelanceApp", "MainScreen", "CallScreen", "EmailScreen", "OverdueView", "KeyBar"} <= set(found)
    assert missing == []


# -- the follow-up email -------------------------------------------------------------------------------

async def open_email(app, pilot, debtor) -> EmailScreen:
    """A call on ``debtor`` ending in a promise: the follow-up email's form."""
    await settle(pilot)
    app.open_call(debtor)
    await settle(pilot)
    assert isinstance(app.screen, CallScreen), type(app.screen)
    await pilot.press("f")
    await pilot.pause()
    await pilot.press("p")
    await pilot.press("tab", *"20/12/2026")
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(app.screen, EmailScreen), type(app.screen)
    return app.screen


def form_error(screen: EmailScreen) -> str:
    return str(screen.query_one("#email-error", Static).render())


async def send(pilot, screen: EmailScreen) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    await wait_until(pilot, lambda: not screen.sending or not screen.is_attached)


def outbox_files(app) -> list:
    outbox = app.settings.paths.outbox
    return sorted(outbox.glob("*.eml")) if outbox.exists() else []


async def test_a_contact_email_and_a_debtor_name_holding_a_line_break(make_app, demo_store, clock, debtor):
    """Data with CR/LF (an old import) in the recipient and, through the template, in the subject:
    the form says what is wrong, no header is injected, nothing hangs on "Envoi…"."""
    demo_store.db.execute("UPDATE contacts SET email = email || ? WHERE debtor_id = ?", [INJECTION, debtor])
    demo_store.db.execute("UPDATE debtors SET name = name || ? WHERE id = ?", [INJECTION, debtor])
    demo_store.db.commit()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_email(app, pilot, debtor)
        to, subject = form.query_one("#email-to", Input), form.query_one("#email-subject", Input)
        for field in (to, subject):  # a header is one line
            assert "\r" not in field.value and "\n" not in field.value
        await send(pilot, form)
        assert app.is_running and app.screen is form
        assert not form.sending and "Envoi…" not in form_error(form)
        assert "Non envoyé" in form_error(form) and "destinataire" in form_error(form)
        assert outbox_files(app) == []
        # the agent corrects the address: the email goes, with a one-line subject and one recipient
        to_address = to.value.split()[0]
        to.value = to_address
        await send(pilot, form)
        assert not isinstance(app.screen, EmailScreen), form_error(form)
    [eml] = outbox_files(app)
    sent = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert sent["Bcc"] is None
    assert [a.addr_spec for a in sent["To"].addresses] == [to_address]
    assert "\n" not in str(sent["Subject"]) and "\r" not in str(sent["Subject"])


@pytest.mark.parametrize(("field", "value", "said"), [
    ("#email-subject", "Relance" + INJECTION, "objet"),
    ("#email-to", "client@example.com" + INJECTION, "destinataire"),
    ("#email-to", "client@example.com, pirate@example.com", "une seule adresse"),
])
async def test_a_header_typed_with_a_line_break_or_a_second_address_is_refused_on_the_form(
        make_app, demo_store, clock, debtor, field, value, said):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_email(app, pilot, debtor)
        form.query_one(field, Input).value = value
        await send(pilot, form)
        assert app.is_running and app.screen is form
        assert not form.sending and "Envoi…" not in form_error(form)
        assert "Non envoyé" in form_error(form) and said in form_error(form)
        assert outbox_files(app) == []


async def test_any_failure_of_the_send_resets_the_form_and_says_why(make_app, demo_store, clock, debtor,
                                                                    monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("panne imprévue")

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_email(app, pilot, debtor)
        monkeypatch.setattr(followup_module, "deliver", broken)
        await send(pilot, form)
        assert app.is_running and app.screen is form
        assert not form.sending and "Envoi…" not in form_error(form)
        assert "Non envoyé" in form_error(form) and "panne imprévue" in form_error(form)
        assert "panne imprévue" in log_text(app) and "Traceback" in log_text(app)
        monkeypatch.undo()  # the text is kept: Ctrl+S again sends it
        await send(pilot, form)
        assert not isinstance(app.screen, EmailScreen), form_error(form)
    assert len(outbox_files(app)) == 1


# -- email headers: data never adds a header or a recipient --------------------------------------------

def draft(**kw) -> Draft:
    values = {"debtor_id": 1, "kind": "recap", "to": "compta@client.fr", "subject": "Suite à notre appel",
              "body": "Bonjour,\n"}
    return Draft(**{**values, **kw})


NOW = dt.datetime(2026, 11, 23, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(("fields", "said"), [
    ({"to": "compta@client.fr" + INJECTION}, "destinataire"),
    ({"to": "compta@client.fr\nBcc: pirate@example.com"}, "destinataire"),
    ({"to": "compta@client.fr, pirate@example.com"}, "une seule adresse"),
    ({"to": "compta@client.fr; pirate@example.com"}, "destinataire"),
    ({"to": "équipe: compta@client.fr, pirate@example.com;"}, "destinataire"),
    ({"subject": "Relance" + INJECTION}, "objet"),
    ({"subject": "Relance\x1b]52;c;aGk=\x07"}, "objet"),
])
def test_a_header_with_a_line_break_or_a_second_recipient_is_a_clear_refusal(fields, said):
    with pytest.raises(MailError, match=said):
        build_message(draft(**fields), sender="relance@cabinet.fr", now=NOW)


def test_a_sender_setting_with_a_line_break_is_a_clear_refusal():
    with pytest.raises(MailError, match="expéditeur"):
        build_message(draft(), sender="relance@cabinet.fr" + INJECTION, now=NOW)


def test_names_and_file_names_from_data_stay_in_their_header(tmp_path):
    invoice = tmp_path / "FA-1.pdf"
    invoice.write_bytes(b"%PDF-1.4")
    odd = tmp_path / "FA-2\rBcc: pirate@example.com.pdf"
    odd.write_bytes(b"%PDF-1.4")
    msg = build_message(draft(to='"Dupont, SARL" <compta@client.fr>', attachments=[invoice, odd]),
                        sender="Cabinet Martin <relance@cabinet.fr>", now=NOW)
    sent = email.message_from_bytes(bytes(msg), policy=email.policy.default)
    assert [a.addr_spec for a in sent["To"].addresses] == ["compta@client.fr"]
    assert sent["To"].addresses[0].display_name == "Dupont, SARL"
    assert sent["Bcc"] is None
    assert sorted(p.get_filename() for p in sent.iter_attachments()) == [
        "FA-1.pdf", "FA-2 Bcc: pirate@example.com.pdf"]
    assert sent["Message-ID"].endswith("@cabinet.fr>")


def test_a_draft_built_from_data_has_one_line_headers(tmp_path):
    """The contact's address and the debtor's name (in the subject) come from data: one line each, so
    the form shows them whole and the agent can correct them."""
    from relance_tui.io.templates import Templates

    office = tmp_path / "templates"
    (office / "email").mkdir(parents=True)
    (office / "email" / "recap.txt.j2").write_text(  # the built-in subject, with a shorter body
        '+++\nsubject = "Suite à notre appel — {{ debtor.name }}"\n+++\nBonjour,\n', encoding="utf-8")
    context = {"debtor": {"name": "Dupont" + INJECTION}}
    made, _problems = make_draft(Templates(office), context, kind="recap", debtor_id=1,
                                 to="compta@client.fr" + INJECTION, files=[])
    for header in (made.to, made.subject):
        assert "\r" not in header and "\n" not in header
    assert "Dupont" in made.subject
    with pytest.raises(MailError, match="destinataire"):
        build_message(made, sender="relance@cabinet.fr", now=NOW)


async def test_any_failure_of_the_outcome_save_resets_the_form_and_says_why(make_app, demo_store, clock, debtor,
                                                                            monkeypatch):
    """The same trap on the call's outcome: an error the save did not foresee left "Enregistrement…"
    and a form that Ctrl+S no longer saved."""
    def broken(*args, **kwargs):
        raise RuntimeError("panne imprévue")

    monkeypatch.setattr(call_module, "save_call", broken)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_call(debtor)
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("p")
        await pilot.press("tab", *"20/12/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OutcomeScreen) and app.is_running
        error = str(form.query_one("#outcome-error", Static).render())
        assert not form.saving and "Enregistrement…" not in error
        assert "Non enregistré" in error and "panne imprévue" in error
        assert "panne imprévue" in log_text(app)
        monkeypatch.undo()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EmailScreen)  # saved: the follow-up email comes next
