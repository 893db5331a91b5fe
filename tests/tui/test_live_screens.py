"""Live screens (tui/base.LiveScreen): the app refreshes the debtor card or the call on top when another
agent's change concerns its debtor, and asks nothing of a form opened over it."""

from __future__ import annotations

from relance_tui.store.watch import Change
from relance_tui.tui.base import LiveScreen
from relance_tui.tui.call import CallScreen
from relance_tui.tui.card import DebtorScreen
from relance_tui.tui.card_forms import NoteScreen
from relance_tui.tui.live import DataChanged
from tests.tui.conftest import settle


def change_for(*debtors: int) -> DataChanged:
    return DataChanged(Change((10**9,), frozenset({"note"}), frozenset(debtors)))


def errors(app) -> list[str]:
    return [str(n.message) for n in app._notifications if n.severity == "error"]


def test_the_card_and_the_call_are_the_live_screens():
    assert issubclass(DebtorScreen, LiveScreen) and issubclass(CallScreen, LiveScreen)
    assert not issubclass(NoteScreen, LiveScreen)


async def test_a_change_refreshes_the_card_of_its_debtor_only(make_app, demo_store, monkeypatch):
    debtor, other = [r[0] for r in demo_store.db.execute("SELECT id FROM debtors ORDER BY id LIMIT 2")]
    refreshed: list[int] = []
    real = DebtorScreen.refresh_data

    def spy(self):
        refreshed.append(self.debtor_id)
        real(self)

    monkeypatch.setattr(DebtorScreen, "refresh_data", spy)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_debtor_card(debtor)
        await settle(pilot)
        app.post_message(change_for(other))
        await settle(pilot)
        assert refreshed == []
        app.post_message(change_for(debtor))
        await settle(pilot)
        assert refreshed == [debtor]
        app.post_message(DataChanged(Change((), frozenset(), frozenset())))  # a change naming no debtor
        await settle(pilot)
        assert refreshed == [debtor, debtor] and errors(app) == []


async def test_a_form_over_the_card_is_not_asked_to_refresh(make_app, demo_store):
    debtor = demo_store.db.execute("SELECT id FROM debtors ORDER BY id LIMIT 1").fetchone()[0]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_debtor_card(debtor)
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen) and app.screen.debtor_id == debtor
        app.post_message(change_for(debtor))
        await settle(pilot)
        assert errors(app) == []  # the form has a debtor_id but nothing to refresh: no AttributeError
        assert isinstance(app.screen, NoteScreen) and app.is_running
