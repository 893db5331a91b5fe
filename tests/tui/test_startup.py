"""Start-up: what the first screen needs and nothing more, then the rest once it is painted."""

import os
import subprocess
import sys

from relance_tui.tui.keybar import KeyBar
from tests.tui.conftest import overdue, settle

# The real command line, headless; at the first frame that draws invoice rows it notes which
# modules are loaded and what the list holds, then leaves.
FIRST_FRAME = r"""
import sys
from relance_tui.tui.app import RelanceApp
from relance_tui.tui.virtual_table import VirtualTable
render = VirtualTable.render_line
def spy(self, y):
    if self.id == "overdue" and self.rows and not hasattr(spy, "seen"):
        spy.seen = sorted({m.split(".")[0] for m in sys.modules} & {"sqlite_utils", "click", "pluggy", "dateutil"})
        spy.rows = len(self.rows)
        self.app.call_after_refresh(self.app.exit)
    return render(self, y)
VirtualTable.render_line = spy
run = RelanceApp.run
RelanceApp.run = lambda self, **kw: run(self, headless=True, size=(100, 30))
from relance_tui.cli import main
main(["--db", sys.argv[1]])
print("LOADED", ",".join(spy.seen), "ROWS", spy.rows)
"""


def test_first_frame_shows_rows_without_loading_the_write_machinery(demo_store):
    """sqlite-utils (with click and pluggy) and dateutil cost ~60 ms: the first rows come without them."""
    demo_store.close()
    out = subprocess.run([sys.executable, "-c", FIRST_FRAME, str(demo_store.path)], capture_output=True,
                         text=True, timeout=60, env={**os.environ, "RELANCE_AGENT": "marie"})
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if x.startswith("LOADED"))
    loaded, rows = line.removeprefix("LOADED ").split(" ROWS ")
    assert loaded == "" and int(rows) >= 24


async def test_the_first_screen_is_there_at_mount_and_the_whole_list_follows(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table = overdue(app)
        assert len(table.keys) >= 24 and all(k in table.rows for k in table.keys[:24])  # before any worker
        await settle(pilot)
        total = demo_store.conn.execute(
            "SELECT COUNT(*) FROM invoices WHERE status IN ('open', 'disputed', 'litigation') "
            "AND amount_cents > paid_cents").fetchone()[0]
        assert len(table.keys) == total
        assert "factures" in str(app.query_one("#overdue-status").render())


async def test_the_timeline_is_built_when_first_shown_and_then_catches_up_when_shown_again(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.timeline_view is None  # not built, not read, at start-up
        await pilot.press("down", "down")  # the list's cursor moves: the timeline will follow that debtor
        await settle(pilot)
        debtor = overdue(app).current_row.debtor_id
        await pilot.press("f3")
        await settle(pilot)
        timeline = app.timeline_view
        count = demo_store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        assert timeline.debtor_id == debtor and len(timeline.table.keys) == count
        await pilot.press("f2")  # hidden again: changes are noted, not read
        await settle(pilot)
        demo_store.write(lambda db: db.execute(
            "INSERT INTO events (at, debtor_id, kind, agent, notes) VALUES (?, 1, 'note', 'karim', 'vu en caché')",
            [demo_store.now()]))
        app.action_refresh()
        await settle(pilot)
        assert len(timeline.table.keys) == count and timeline.stale
        await pilot.press("f3")
        await settle(pilot)
        assert timeline.table.rows[timeline.table.keys[0]].event.notes == "vu en caché"
        assert len(timeline.table.keys) == count + 1


async def test_timeline_commands_from_the_palette_build_the_tab_first(make_app):
    from relance_tui.tui.palette import timeline_action

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await timeline_action(app, "action_next_kind")
        await settle(pilot)
        assert app.timeline_view is not None and app.timeline_view.kind == "call"
        assert app.query_one("#places").current == "chronologie"


async def test_the_host_is_recorded_once_the_list_is_shown(make_app, demo_store):
    demo_store.write(lambda db: db.execute("DELETE FROM hosts"))
    app = make_app(record_host=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        rows = demo_store.conn.execute("SELECT hostname, last_agent, last_pid FROM hosts").fetchall()
    assert rows == [(demo_store.hostname, "marie", os.getpid())]


async def test_the_key_bar_shows_the_keys_of_the_focused_place(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        bar = app.query_one(KeyBar)
        keys = {description for _key, description, _enabled in bar.shown}
        assert {"Ouvrir", "Filtrer", "Appeler", "Quitter", "Aide"} <= keys
        assert "Ouvrir" in str(bar.render())
        await pilot.press("slash")  # the filter: the list's keys leave the bar
        await settle(pilot)
        keys = {description for _key, description, _enabled in bar.shown}
        assert "Ouvrir" not in keys and "Appeler" not in keys and "Aide" in keys
        assert "Ouvrir" not in str(bar.render())
        await pilot.press("escape", "enter")  # the debtor card has its own bar
        await settle(pilot)
        card_keys = {d for _k, d, _e in app.screen.query_one(KeyBar).shown}
        assert "Note" in " ".join(card_keys)


async def test_the_key_bar_shows_keys_remapped_in_the_config(make_app, isolated_env):
    (isolated_env / "config.toml").write_text('[keys]\n"overdue.call" = "f7"\n')
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = {d: k for k, d, _e in app.query_one(KeyBar).shown}
        assert shown["Appeler"] == "f7"


async def test_the_tab_line_shows_each_tabs_key_and_a_click_shows_that_tab(make_app, isolated_env):
    from relance_tui.tui.tabbar import TabBar

    (isolated_env / "config.toml").write_text('[keys]\n"app.tab_timeline" = "f8"\n')
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        bar = app.query_one(TabBar)
        line = str(bar.render())
        assert "f2 Impayés" in line and "f8 Chronologie" in line and "f3" not in line
        await pilot.click(TabBar, offset=(line.index("Promesses"), 0))
        await settle(pilot)
        assert app.query_one("#places").current == "promesses" and bar.active == "promesses"
        assert app.promises_view is not None and app.query_one("#promises-table").has_focus
        await pilot.press("f8")
        await settle(pilot)
        assert bar.active == "chronologie" and app.timeline_view.table.has_focus


async def test_the_filter_field_takes_the_hints_place_on_slash_or_a_click(make_app):
    from textual.widgets import Input

    from relance_tui.tui.overdue import FilterHint

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not app.query("#filter") and "/ pour filtrer" in str(app.query_one(FilterHint).render())
        await pilot.press("slash", *"dupont")  # typed at once: nothing lost while the field is built
        await settle(pilot)
        field = app.query_one("#filter", Input)
        assert field.has_focus and field.value == "dupont" and not app.query(FilterHint)
        assert app.query_one("#overdue-view").query_state.text == "dupont"
        await pilot.press("escape")
        assert overdue(app).has_focus

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.click(FilterHint)
        await settle(pilot)
        assert app.query_one("#filter", Input).has_focus


async def test_a_filter_paints_its_first_screen_then_the_whole_list_follows(make_app, demo_store, monkeypatch):
    import dataclasses

    from relance_tui.store.overdue import matching_ids
    from relance_tui.tui.overdue import OverdueView

    seen = []
    loaded = OverdueView.on_overdue_view_loaded
    monkeypatch.setattr(OverdueView, "on_overdue_view_loaded",
                        lambda self, m: (seen.append((m.partial, len(m.keys))), loaded(self, m))[1])

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.query_one("#overdue-view")
        seen.clear()
        await pilot.press("slash", "e")
        await settle(pilot)
        expected = matching_ids(demo_store, dataclasses.replace(view.query_state, text="e"))
        assert len(expected) > 30  # more than a screen, so the two steps differ
        screen = max(30, overdue(app).size.height + 2)
        assert seen == [(True, screen), (False, len(expected))]
        assert list(overdue(app).keys) == list(expected)
        assert str(app.query_one("#overdue-status").render()).startswith(f"{len(expected)} factures")


async def test_a_commit_holding_the_file_at_start_up_does_not_hold_the_first_frame(demo_db_template, tmp_path,
                                                                                   isolated_env):
    """Rollback journal (a network share): a reader waits while another agent's commit holds the file.
    The first frame comes at once with an empty list, the rows once the file is free."""
    import shutil
    import sqlite3
    import threading

    from relance_tui.config import load_settings, resolve_paths
    from relance_tui.store import open_store
    from relance_tui.tui.app import RelanceApp
    from tests.conftest import TODAY

    path = tmp_path / "partage" / "relance.db"
    path.parent.mkdir()
    shutil.copy(demo_db_template, path)
    store = open_store(path, agent="marie", journal_override="delete")
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")  # another agent's commit, writing the file
    release = threading.Timer(1.5, lambda: other.execute("COMMIT"))
    release.start()
    try:
        app = RelanceApp(store, load_settings(resolve_paths(path)), today=lambda: TODAY, live=True)
        async with app.run_test(size=(100, 30)) as pilot:
            assert release.is_alive() and len(overdue(app).keys) == 0  # on screen, the file still held
            for _ in range(100):
                await pilot.pause(0.1)
                if len(overdue(app).keys) > 24 and app.watcher is not None:
                    break
            assert len(overdue(app).keys) > 24 and app.watcher is not None
    finally:
        release.join()
        other.close()
        store.close()


async def test_another_machine_on_the_same_file_is_warned_once_the_list_shows(make_app, demo_store, monkeypatch):
    now = demo_store.now()
    demo_store.write(lambda db: db.execute(
        "INSERT INTO hosts (hostname, first_seen, last_seen, last_agent, last_pid) "
        "VALUES ('poste-compta', ?, ?, 'karim', 1)", [now, now]))
    app = make_app()
    said = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: said.append(message))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
    assert any("autre machine" in m and "poste-compta (karim" in m for m in said)


async def test_an_unknown_key_identifier_in_the_config_is_reported(make_app, isolated_env, monkeypatch):
    from relance_tui.tui.app import binding_ids

    assert {"overdue.filter", "app.refresh", "call.next", "card.note"} <= binding_ids()
    (isolated_env / "config.toml").write_text('[keys]\n"overdue.fitler" = "ctrl+f"\n"app.refresh" = "f5"\n')
    app = make_app()
    said = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: said.append(message))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
    warning = next(m for m in said if "[keys]" in m)
    assert "overdue.fitler" in warning and "app.refresh" not in warning and "config.toml" in warning


async def test_promises_past_their_grace_are_judged_once_the_list_is_shown(make_app, demo_store):
    """The app judges promises when the list's first full load lands (tui/live.py handles OverdueView.Loaded
    by name, as a mixin of the app): the demo's promise past its date plus grace is no longer pending."""
    def pending() -> int:
        return demo_store.db.execute("SELECT COUNT(*) FROM promises WHERE status = 'pending'").fetchone()[0]

    before = pending()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert pending() < before


async def test_the_collector_paused_for_the_start_is_on_again_once_the_list_is_loaded(make_app):
    """relance_tui/launch.py pauses the garbage collector while the app starts: on for good afterwards."""
    import gc

    from relance_tui import gcpause

    gcpause.pause()
    try:
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert overdue(app).rows  # the first rows are on screen
            assert gc.isenabled()
    finally:
        gcpause.resume()
        gc.enable()


async def test_the_collector_is_on_again_a_few_seconds_after_start_even_when_the_list_never_loads(
        make_app, monkeypatch):
    import gc

    from relance_tui import gcpause
    from relance_tui.tui import app as app_module
    from relance_tui.tui.overdue import OverdueView

    monkeypatch.setattr(app_module, "GC_RESUME_S", 0.3)
    monkeypatch.setattr(OverdueView, "_load", lambda *args, **kwargs: None)  # a base that never answers
    gcpause.pause()
    try:
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause(0.1)
            assert not gc.isenabled()
            await pilot.pause(0.5)
            assert gc.isenabled()
    finally:
        gcpause.resume()
        gc.enable()


def test_importing_the_command_line_leaves_the_collector_alone():
    code = "import gc, relance_tui.cli, relance_tui.launch; print(gc.isenabled())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "True", done.stderr


def test_a_command_started_as_relance_turns_the_collector_on_before_its_work(tmp_path):
    code = ("import gc, sys; from relance_tui import gcpause; gcpause.pause(); assert not gc.isenabled(); "
            "from relance_tui import cli; "
            "cli.collector_on = lambda on=cli.collector_on: (print('OFF' if not gc.isenabled() else 'ON'), on()); "
            "code = cli.main(['--db', sys.argv[1], 'init']); print('ON' if gc.isenabled() else 'OFF'); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "r.db")], capture_output=True, text=True,
                          env={**os.environ, "RELANCE_AGENT": "marie"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:1] == ["OFF"] and done.stdout.split()[-1] == "ON"
