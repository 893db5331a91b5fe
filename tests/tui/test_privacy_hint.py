"""Every free-text note field says not to write sensitive data there (RGPD art. 9: health, opinions...)."""

import datetime as dt

from textual.widgets import Input, Static

from relance_tui.domain.vocabulary import SENSITIVE_DATA_HINT
from relance_tui.tui.dialogs import GuardScreen
from relance_tui.tui.outcome import OutcomeScreen
from relance_tui.tui.card import ContactScreen, DebtorScreen, NoteScreen
from tests.helpers import FakeClock
from tests.tui.conftest import settle

MONDAY_1030 = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone.utc)  # 10:30 in Paris, calling hours


def test_the_hint_names_sensitive_data_in_one_short_sentence():
    assert "sensibles" in SENSITIVE_DATA_HINT and "santé" in SENSITIVE_DATA_HINT
    assert len(SENSITIVE_DATA_HINT) <= 50


async def test_call_outcome_notes_carry_the_hint(make_app, demo_store):
    demo_store.clock = FakeClock(MONDAY_1030)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_call(3)
        await settle(pilot)
        if isinstance(app.screen, GuardScreen):
            await pilot.press(*"test", "enter")
            await settle(pilot)
        await pilot.press("f", "p")
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        notes = app.screen.query_one("#notes", Input)
        assert SENSITIVE_DATA_HINT in notes.placeholder
        assert notes.display and notes.region.width >= len(notes.placeholder)  # shown whole, not cut


async def test_card_note_and_contact_notes_carry_the_hint(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        card = app.screen
        assert isinstance(card, DebtorScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        assert str(app.screen.query_one("#note-hint", Static).render()) == SENSITIVE_DATA_HINT
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is card
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ContactScreen)
        assert SENSITIVE_DATA_HINT in app.screen.query_one("#contact-notes", Input).placeholder
