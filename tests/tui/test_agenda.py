"""The À faire tab (tui/agenda.py): the day's plan steps, selected, sent, done by hand (issue 15)."""

from __future__ import annotations

import datetime as dt

import pytest

from relance_tui.store.agenda import agenda, day_agenda
from tests.tui.conftest import TODAY, office_identity, settle
from tests.tui.test_screens import SIZES


def emails_due(store):
    return [i for i in agenda(store, TODAY) if i.state.next.channel == "email"]


async def show_agenda(pilot):
    await pilot.press("f6")
    await settle(pilot)
    return pilot.app.agenda_view


async def test_the_tab_lists_the_day_s_steps_with_counts_late_ones_first(make_app, demo_store):
    due = day_agenda(demo_store, TODAY)
    assert {i.kind for i in due} == {"plan", "thanks"}  # the demo has a balance settled to thank for
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = await show_agenda(pilot)
        assert [i.key for i in view.items] == [i.key for i in due] and len(due) > 5
        bar = str(view.query_one("#agenda-bar").render())
        assert bar.startswith(f"{len(due)} à faire : Email ")
        await pilot.press("space")
        assert str(view.query_one("#agenda-bar").render()).startswith(f"1 sélectionné · {len(due)} à faire")
        from relance_tui.tui.tabbar import TabBar

        assert ("agenda", f"À faire ({len(due)})") in [(t, label) for t, label, _ in app.query_one(TabBar).tabs]
        # in each group, the late ones first
        for group in {i.group for i in view.items}:
            lates = [i.late_days for i in view.items if i.group == group]
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
        table.cursor = [i.key for i in view.items].index(emails[0].key)
        await pilot.press("space")  # selects, moves down: the next email
        table.cursor = [i.key for i in view.items].index(emails[1].key)
        await pilot.press("space")
        assert view.selected == {emails[0].debtor_id, emails[1].debtor_id}
        await pilot.press("e")
        await settle(pilot, rounds=6)
        said = [str(n.message) for n in app._notifications]
        assert any(m.startswith("2 emails envoyés") for m in said), said
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
        view.table.cursor = [i.key for i in view.items].index(target.key)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"poste", "enter", *"1A123", "enter")
        await settle(pilot, rounds=6)
        assert target.key not in {i.key for i in view.items if i.kind == "plan" and i.state.next.key == target.state.next.key}
    notes = demo_store.conn.execute("SELECT notes FROM events WHERE debtor_id = ? ORDER BY id DESC LIMIT 1",
                                    [target.debtor_id]).fetchone()[0]
    assert "poste" in notes and "n° de suivi 1A123" in notes


async def test_enter_previews_the_email_as_it_will_leave(make_app, demo_store):
    item = emails_due(demo_store)[0]
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = await show_agenda(pilot)
        view.table.cursor = [i.key for i in view.items].index(item.key)
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
    from relance_tui.store.plan_steps import record_step
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
        view.table.cursor = [i.key for i in view.items].index(item.key)
        await pilot.press("f")
        await pilot.pause()
        assert type(app.screen).__name__ != "DoneScreen"
        assert any("les emails s'envoient avec e" in str(n.message) for n in app._notifications)


async def test_a_thank_you_is_previewed_then_sent_with_e_and_leaves_the_agenda(make_app, demo_store, tmp_path,
                                                                               monkeypatch):
    monkeypatch.setenv("RELANCE_DATA_DIR", str(tmp_path / "data"))
    [thanks] = [r for r in day_agenda(demo_store, TODAY) if r.kind == "thanks"]
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = await show_agenda(pilot)
        view.table.cursor = [i.key for i in view.items].index(thanks.key)
        await pilot.press("enter")
        await settle(pilot)
        text = str(app.screen.query_one("#step-text").render())
        assert "Objet : Merci pour votre règlement" in text and "qui solde votre compte" in text
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("e")
        await settle(pilot, rounds=6)
        assert any(str(n.message).startswith("1 email envoyé") for n in app._notifications)
        assert thanks.key not in {i.key for i in view.items}
    outcome, data = demo_store.conn.execute("SELECT outcome, data FROM events WHERE debtor_id = ? AND kind = 'email' "
                                            "ORDER BY id DESC LIMIT 1", [thanks.debtor_id]).fetchone()
    assert outcome == "thanks" and '"message_id": "<' in data


async def test_a_promise_to_check_opens_the_card_and_joins_a_calling_session(make_app, demo_store):
    from relance_tui.tui.card import DebtorScreen
    from tests.store.test_agenda import add_promise

    debtor = next(r for r in day_agenda(demo_store, TODAY) if r.kind == "plan" and r.channel == "letter").debtor_id
    add_promise(demo_store, debtor, TODAY - dt.timedelta(days=2), 10_000)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = await show_agenda(pilot)
        keys = [i.key for i in view.items]
        promise = next(i for i in view.items if i.kind == "promise")
        assert promise.debtor_id == debtor and promise.late_days == 2
        assert "Promesse 1" in str(view.query_one("#agenda-bar").render())
        view.table.cursor = keys.index(promise.key)
        await pilot.press("enter")
        await settle(pilot, rounds=4)
        assert isinstance(app.screen, DebtorScreen) and app.screen.debtor_id == debtor
        await pilot.press("escape")
        await settle(pilot)
        view.table.cursor = keys.index(promise.key)
        await pilot.press("s")
        await settle(pilot, rounds=6)
        assert any("Session n°" in str(n.message) and "1 appel " in str(n.message) for n in app._notifications)
    [(session_debtor,)] = demo_store.conn.execute("SELECT debtor_id FROM session_items").fetchall()
    assert session_debtor == debtor


async def test_p_prints_the_selected_letters_into_one_pdf_and_the_letter_leaves_the_agenda(make_app, demo_store,
                                                                                         monkeypatch):
    office_identity(monkeypatch)
    rows = agenda(demo_store, TODAY)
    letter = next(i for i in rows if i.channel == "letter")
    notice = next(i for i in rows if i.channel == "registered")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        view = await show_agenda(pilot)
        keys = [i.key for i in view.items]
        view.table.cursor = keys.index(letter.key)
        await pilot.press("space")
        view.table.cursor = keys.index(notice.key)
        await pilot.press("space")
        await pilot.press("p")
        await settle(pilot, rounds=6)
        said = [str(n.message) for n in app._notifications]
        assert any(m.startswith("2 courriers à imprimer : ") and "1 recommandé :" in m for m in said), said
        left = {i.key for i in view.items}
        assert letter.key not in left and notice.key in left  # the letter printed is done; the notice waits
    kept = list((demo_store.path.parent / "documents").glob("*-courriers-*.pdf"))
    assert len(kept) == 1
