"""The Session tab with the Pilot: open, next, live board, supervisor actions."""

import datetime as dt

import pytest
from textual.widgets import Input, Static

from relance_tui.store import open_store
from relance_tui.store.queue import work_queue
from relance_tui.store.sessions import create_session, join_session, next_debtor
from relance_tui.tui.call import CallScreen
from relance_tui.tui.dialogs import ConfirmScreen, GuardScreen
from relance_tui.tui.outcome import OutcomeScreen
from relance_tui.tui.sessions import NewSessionScreen, SessionsView
from tests.conftest import TODAY
from tests.helpers import FakeClock
from tests.tui.conftest import settle

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture
def clock(demo_store):
    c = FakeClock(NOW)
    demo_store.clock = c
    return c


def text(widget, selector) -> str:
    return str(widget.query_one(selector, Static).render())


async def show_sessions(pilot) -> SessionsView:
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    return pilot.app.query_one("#sessions-view", SessionsView)


async def join_listed_session(pilot) -> SessionsView:
    """The Session tab, then Enter on the session under the cursor."""
    view = await show_sessions(pilot)
    await pilot.press("enter")
    await settle(pilot)
    return view


async def test_open_a_session_press_next_log_the_call_and_see_the_board(make_app, demo_store, clock):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        view = await show_sessions(pilot)
        assert "Aucune session" in text(view, "#session-board")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, NewSessionScreen)
        app.screen.query_one("#new-session-name", Input).value = "Lundi matin"
        await pilot.press("ctrl+s")
        await settle(pilot)
        if isinstance(app.screen, NewSessionScreen):
            pytest.fail(text(app.screen, "#new-session-status"))
        assert view.session_id is not None and view.items
        first = view.items[0].debtor_id
        assert "Session « Lundi matin »" in text(view, "#session-title")
        await pilot.press("n")
        await settle(pilot)
        if isinstance(app.screen, GuardScreen):
            await pilot.press(*"test", "enter")
            await settle(pilot)
        call = app.screen
        assert isinstance(call, CallScreen) and call.debtor_id == first and call.session_id == view.session_id
        clock.advance(75)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        await pilot.press("m", "ctrl+s")
        await settle(pilot)
        done = next(i for i in view.items if i.debtor_id == first)
        assert done.status == "done" and done.done_by == "marie" and done.outcome == "voicemail"
        board = text(view, "#session-board")
        assert "marie" in board and "00:01:15" not in board and "01:15" in board
        # another agent takes the next debtor: it shows who is on it, live
        karim = open_store(demo_store.path, agent="karim", clock=clock)
        join_session(karim, view.session_id)
        his = next_debtor(karim, view.session_id)
        view.reload()
        await settle(pilot)
        row = next(i for i in view.items if i.debtor_id == his)
        assert row.holder.agent == "karim"
        karim.close()
    row = demo_store.db.execute("SELECT json_extract(data, '$.session_id') FROM events WHERE kind = 'call' "
                                "ORDER BY id DESC LIMIT 1").fetchone()
    assert row[0] is not None


async def test_supervisor_actions_need_the_role(make_app, demo_store, clock):
    items = work_queue(demo_store, now=NOW, today=TODAY)[:3]
    sid = create_session(demo_store, "Test", items)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        view = await show_sessions(pilot)
        await pilot.press("enter")  # join the session under the cursor
        await settle(pilot)
        assert view.session_id == sid
        view.table.cursor = 2
        await pilot.press("plus")
        await settle(pilot)
        assert [i.debtor_id for i in view.items][:3] == [i.debtor_id for i in items]  # refused: not a supervisor
    (demo_store.path.parent / "relance.toml").write_text('[office]\nsupervisors = ["marie"]\n', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        view = await join_listed_session(pilot)
        view.table.cursor = 2
        await pilot.press("plus", "plus")
        await settle(pilot)
        assert view.items[0].debtor_id == items[2].debtor_id
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("o")
        await settle(pilot)
        assert "CLOSE" in text(view, "#session-title")
    assert demo_store.db.execute("SELECT status FROM sessions WHERE id = ?", [sid]).fetchone()[0] == "closed"


async def test_another_agents_call_updates_the_row_and_the_cursor_stays(make_app, demo_store, clock):
    items = work_queue(demo_store, now=NOW, today=TODAY)[:4]
    sid = create_session(demo_store, "Test", items)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        view = await join_listed_session(pilot)
        table = view.table
        table.cursor = 3
        karim = open_store(demo_store.path, agent="karim", clock=clock)
        join_session(karim, sid)
        his = next_debtor(karim, sid)
        view.reload()
        await settle(pilot)
        assert table.current_key == items[3].debtor_id  # the agent's place in the queue is kept
        assert table.rows[his]["who"] == "» karim"
        drawn = table.render_line(table.keys.index(his) - table.scroll_offset.y).text
        assert "» karim" in drawn and "[" not in drawn  # a cell is text, drawn as it is
        karim.close()


async def test_read_only_mode_shows_everything_and_refuses_writes(make_app, demo_store, clock):
    items = work_queue(demo_store, now=NOW, today=TODAY)[:3]
    create_session(demo_store, "Test", items)
    before = demo_store.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    demo_store.readonly = True  # what open_store sets for an agent who cannot write the file
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert any("lecture seule" in str(n.message) for n in app._notifications)
        await pilot.press("a")  # call: refused with a message, no call screen
        await settle(pilot)
        assert not isinstance(app.screen, CallScreen)
        view = await show_sessions(pilot)
        assert len(view.sessions) == 1  # sessions are visible
        await pilot.press("o")
        await pilot.pause()
        assert not isinstance(app.screen, NewSessionScreen)
        await pilot.press("enter")  # look at the session without joining it
        await settle(pilot)
        assert view.session_id is not None and len(view.items) == 3
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, CallScreen)
    assert demo_store.db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == before


async def test_leaving_a_session_call_without_outcome_sends_the_debtor_to_the_end(make_app, demo_store, clock):
    items = work_queue(demo_store, now=NOW, today=TODAY)[:3]
    sid = create_session(demo_store, "Test", items)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        view = await join_listed_session(pilot)
        await pilot.press("n")
        await settle(pilot)
        if isinstance(app.screen, GuardScreen):
            await pilot.press(*"test", "enter")
            await settle(pilot)
        assert isinstance(app.screen, CallScreen)
        await pilot.press("escape", "o")  # leave the call, confirmed
        await settle(pilot)
        assert not isinstance(app.screen, CallScreen)
        assert [i.debtor_id for i in view.items] == [items[1].debtor_id, items[2].debtor_id, items[0].debtor_id]
        assert all(i.holder is None for i in view.items)
    assert demo_store.db.execute("SELECT COUNT(*) FROM claims WHERE session_id = ?", [sid]).fetchone()[0] == 0


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_session_tab_snapshot(snap_compare, make_app, demo_store, frozen_clock, size):
    """The Session tab with a session just opened (issue 17: every screen at both sizes)."""
    demo_store.clock = FakeClock(NOW)

    async def run(pilot):
        await show_sessions(pilot)
        await pilot.press("o")
        await pilot.pause()
        pilot.app.screen.query_one("#new-session-name", Input).value = "Lundi matin"
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=5)
        await pilot.pause(0.1)

    assert snap_compare(make_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("failure", ["bug", "busy"])
async def test_a_session_that_cannot_be_built_says_why_on_the_form_and_can_be_tried_again(
        make_app, demo_store, clock, monkeypatch, failure):
    """Whatever stops the queue being built (a base locked past the retries, a bug), the form says so and
    Ctrl+S tries again: never "Construction de la file…" for ever, and never two sessions for one Ctrl+S."""
    import relance_tui.tui.sessions as sessions_tui
    from relance_tui.errors import DatabaseBusy

    def broken(*args, **kwargs):
        raise (RuntimeError("boom") if failure == "bug" else DatabaseBusy("la base est restée verrouillée"))

    real = sessions_tui.work_queue
    monkeypatch.setattr(sessions_tui, "work_queue", broken)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await show_sessions(pilot)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewSessionScreen)
        said = text(form, "#new-session-status")
        assert said.startswith("Session non ouverte : ") and "Ctrl+S pour réessayer" in said
        assert ("erreur inattendue (RuntimeError : boom)" if failure == "bug" else "restée verrouillée") in said
        monkeypatch.setattr(sessions_tui, "work_queue", real)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NewSessionScreen)
    assert demo_store.conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1


async def test_ctrl_s_pressed_twice_while_the_queue_is_built_opens_one_session(make_app, demo_store, clock,
                                                                              monkeypatch):
    import time

    import relance_tui.tui.sessions as sessions_tui

    real = sessions_tui.work_queue

    def slow(*args, **kwargs):  # a large office: the second Ctrl+S comes while the first one's queue is built
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(sessions_tui, "work_queue", slow)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await show_sessions(pilot)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+s")  # back on the Session tab: the form's key no longer applies
        await settle(pilot)
    assert demo_store.conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1
