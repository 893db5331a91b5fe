"""The À faire tab (tui/agenda.py): the day's plan steps, selected, sent, done by hand (issue 15)."""

from __future__ import annotations

import pytest

from relance_tui.store.plan import agenda
from tests.tui.conftest import TODAY, settle
from tests.tui.test_screens import SIZES


def emails_due(store):
    return [i for i in agenda(store, TODAY) if i.state.next.channel == "email"]


async def show_agenda(pilot):
    await pilot.press("f6")
    await settle(pilot)
    return pilot.app.agenda_view


async def test_the_tab_lists_the_day_s_steps_with_counts_late_ones_first(make_app, demo_store):
    due = agenda(demo_store, TODAY)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = await show_agenda(pilot)
        assert [i.debtor_id for i in view.items] == [i.debtor_id for i in due] and len(due) > 5
        bar = str(view.query_one("#agenda-bar").render())
        assert bar.startswith(f"{len(due)} étape(s) : Email ")
        await pilot.press("space")
        assert str(view.query_one("#agenda-bar").render()).startswith(f"1 sélectionné(s) · {len(due)} étape(s)")
        from relance_tui.tui.tabbar import TabBar

        assert ("agenda", f"À faire ({len(due)})") in [(t, label) for t, label, _ in app.query_one(TabBar).tabs]
        # in each group, the late ones first
        for group in {i.group for i in view.items}:
            lates = [i.state.late_days for i in view.items if i.group == group]
            assert lates == sorted(lates, reverse=True)


async def test_select_two_emails_send_them_and_see_them_in_the_timeline(make_app, demo_store, tmp_path,
                                                                        monkeypatch):
    monkeypatch.setenv("RELANCE_DATA_DIR", str(tmp_path / "data"))
    emails = emails_due(demo_store)
    assert len(emails) >= 2
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = await show_agenda(pilot)
        table = view.table
        table.cursor = [i.debtor_id for i in view.items].index(emails[0].debtor_id)
        await pilot.press("space")  # selects, moves down: the next email
        table.cursor = [i.debtor_id for i in view.items].index(emails[1].debtor_id)
        await pilot.press("space")
        assert view.selected == {emails[0].debtor_id, emails[1].debtor_id}
        await pilot.press("e")
        await settle(pilot, rounds=6)
        said = [str(n.message) for n in app._notifications]
        assert any(m.startswith("2 email(s) envoyé(s)") for m in said), said
        assert not ({emails[0].debtor_id, emails[1].debtor_id} & {i.debtor_id for i in emails_due(demo_store)})
        assert emails[0].debtor_id not in {i.debtor_id for i in view.items if i.group == "Emails à envoyer"}
    for item in emails[:2]:
        notes = demo_store.conn.execute(
            "SELECT data FROM events WHERE debtor_id = ? AND kind = 'email' ORDER BY id DESC LIMIT 1",
            [item.debtor_id]).fetchone()[0]
        assert f'"plan_step": "{item.state.next.key}"' in notes and '"message_id": "<' in notes


async def test_a_letter_marked_done_by_hand_with_its_tracking_number(make_app, demo_store):
    letters = [i for i in agenda(demo_store, TODAY) if i.state.next.channel in ("letter", "registered")]
    target = letters[0]
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = await show_agenda(pilot)
        view.table.cursor = [i.debtor_id for i in view.items].index(target.debtor_id)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"poste", "enter", *"1A123", "enter")
        await settle(pilot, rounds=6)
        assert target.debtor_id not in {i.debtor_id for i in view.items if i.state.next.key == target.state.next.key}
    notes = demo_store.conn.execute("SELECT notes FROM events WHERE debtor_id = ? ORDER BY id DESC LIMIT 1",
                                    [target.debtor_id]).fetchone()[0]
    assert "poste" in notes and "n° de suivi 1A123" in notes


async def test_enter_previews_the_email_as_it_will_leave(make_app, demo_store):
    item = emails_due(demo_store)[0]
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = await show_agenda(pilot)
        view.table.cursor = [i.debtor_id for i in view.items].index(item.debtor_id)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "StepScreen"
        text = str(app.screen.query_one("#step-text").render())
        assert "Objet : " in text and item.name in text and "Cordialement" in text
        assert not [n for n in app._notifications if "Erreur" in str(n.message)]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query("#agenda-view") or app.agenda_view is not None


@pytest.mark.parametrize("size", SIZES)
def test_agenda_snapshot(snap_compare, make_app, frozen_clock, size):
    async def run(pilot):
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run)


async def test_the_card_shows_the_plan_steps_done_with_who_and_the_next(make_app, demo_store):
    from relance_tui.store.plan import record_step
    from relance_tui.tui.card import DebtorScreen

    item = next(i for i in agenda(demo_store, TODAY) if i.state.next.key == "formal_notice")
    record_step(demo_store, item.debtor_id, "formal_notice", today=TODAY, tracking="1A9")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_debtor_card(item.debtor_id)
        await settle(pilot, rounds=5)
        assert isinstance(app.screen, DebtorScreen)
        text = str(app.screen.query_one("#plan").render())
        assert text.startswith(f"{item.plan.label} : Dossier contentieux")
        assert "✓ Mise en demeure (recommandé) : fait le 23/11/2026 par" in text
        assert "→ Dossier contentieux : Injonction de payer : le 08/12/2026" in text


async def test_f_records_letters_by_hand_never_emails(make_app, demo_store):
    item = emails_due(demo_store)[0]
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = await show_agenda(pilot)
        view.table.cursor = [i.debtor_id for i in view.items].index(item.debtor_id)
        await pilot.press("f")
        await pilot.pause()
        assert type(app.screen).__name__ != "DoneScreen"
        assert any("les emails s'envoient avec e" in str(n.message) for n in app._notifications)
