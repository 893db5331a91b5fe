import contextlib
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.widgets import Input, Log
from textual.worker import WorkerCancelled

from relance_tui.store.timeline import EVERYONE_LIMIT
from relance_tui.tui.card import ContactScreen, DebtorScreen, NoteScreen
from tests.conftest import TODAY
from tests.tui.conftest import overdue, settle


async def open_card(app, pilot):
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, DebtorScreen)
    return app.screen


async def test_note_from_the_card_lands_in_the_timeline(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        card = await open_card(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"Rappeler mardi")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is card
        assert "Rappeler mardi" in str(card.query_one("#recent").render())
    row = demo_store.db.execute("SELECT debtor_id, agent, kind FROM events WHERE notes = 'Rappeler mardi'").fetchone()
    assert row == (card.debtor_id, "marie", "note")


async def test_contact_edit_saves_with_version_and_logs_it(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        card = await open_card(app, pilot)
        contact = card.card.contacts[0]
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ContactScreen)
        app.screen.query_one("#contact-phone", Input).value = "01 99 99 99 99"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is card
    phone, version = demo_store.db.execute("SELECT phone, version FROM contacts WHERE id = ?",
                                           [contact.id]).fetchone()
    assert (phone, version) == ("01 99 99 99 99", contact.version + 1)
    assert demo_store.db.execute("SELECT COUNT(*) FROM events WHERE kind = 'edit' AND debtor_id = ?",
                                 [card.debtor_id]).fetchone()[0] == 1
    assert "0199999999" in demo_store.db.execute("SELECT search FROM debtors WHERE id = ?",
                                                 [card.debtor_id]).fetchone()[0]


async def test_concurrent_contact_edit_is_refused_and_the_form_kept(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_card(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        contact = form.contact
        # another agent saves first
        demo_store.write(lambda db: db.execute("UPDATE contacts SET email = 'karim@x.fr', version = version + 1, "
                                               "updated_by = 'karim' WHERE id = ?", [contact.id]))
        form.query_one("#contact-email", Input).value = "marie@x.fr"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # still open, nothing typed is lost
        assert form.query_one("#contact-email", Input).value == "marie@x.fr"
        message = str(form.query_one("#contact-error").render())
        assert "modifié entre-temps par karim" in message
    assert demo_store.db.execute("SELECT email FROM contacts WHERE id = ?", [contact.id]).fetchone()[0] == \
        "karim@x.fr"


async def test_timeline_follows_the_list_and_expands_an_entry(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        debtor = overdue(app).current_row.debtor_id
        await pilot.press("f3")
        await settle(pilot)
        timeline = app.query_one("#timeline-view")
        # the office-wide feed: the latest EVERYONE_LIMIT events, newest first
        latest = [r[0] for r in demo_store.db.execute("SELECT id FROM events ORDER BY id DESC LIMIT ?",
                                                      [EVERYONE_LIMIT])]
        assert latest and list(timeline.table.keys) == latest
        await pilot.press("a")  # only the debtor under the list's cursor
        await settle(pilot)
        ids = [r[0] for r in demo_store.db.execute("SELECT id FROM events WHERE debtor_id = ? ORDER BY id DESC",
                                                   [debtor])]
        assert list(timeline.table.keys) == ids
        await pilot.press("k")  # calls only
        await settle(pilot)
        calls = [r[0] for r in demo_store.db.execute(
            "SELECT id FROM events WHERE debtor_id = ? AND kind = 'call' ORDER BY id DESC", [debtor])]
        assert list(timeline.table.keys) == calls
        await pilot.press("enter")
        await pilot.pause()
        detail = str(app.query_one("#timeline-detail").render())
        notes = demo_store.db.execute("SELECT notes FROM events WHERE id = ?", [calls[0]]).fetchone()[0]
        assert notes in detail and "Appel" in detail


async def test_the_office_feed_says_it_shows_the_latest_and_follows_the_newest(make_app, demo_store, monkeypatch):
    import relance_tui.store.timeline as store_timeline
    import relance_tui.tui.timeline as tui_timeline
    from relance_tui.store.queries import append_event

    for module in (store_timeline, tui_timeline):  # the demo's 2,401 events stand for an office's 45,000
        monkeypatch.setattr(module, "EVERYONE_LIMIT", 1_000)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        timeline = app.query_one("#timeline-view")
        total = demo_store.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        assert total > 1_000 and len(timeline.table.keys) == 1_000
        title = str(app.query_one("#timeline-title").render())
        assert f"1\u00a0000 dernières entrées sur {total:,}".replace(",", "\u00a0") in title

        def new_event(notes: str) -> int:
            return demo_store.write(lambda db: append_event(db, at=demo_store.now(), agent="karim", kind="note",
                                                            debtor_id=1, notes=notes))

        # the cursor on the newest entry: it stays on the newest as others arrive above it
        for n in range(3):
            newest = new_event(f"arrivée {n}")
            timeline.reload(force=True)
            await settle(pilot)
            assert timeline.table.current_key == newest and timeline.table.cursor == 0
        # the cursor moved down to read an older entry: it stays on that entry
        await pilot.press("down", "down")
        reading = timeline.table.current_key
        new_event("une de plus")
        timeline.reload(force=True)
        await settle(pilot)
        assert timeline.table.current_key == reading and timeline.table.cursor == 3


async def test_another_process_event_appears_live(demo_store, isolated_env):
    from relance_tui.config import load_settings, resolve_paths
    from relance_tui.tui.app import RelanceApp
    from tests.conftest import TODAY

    app = RelanceApp(demo_store, load_settings(resolve_paths(demo_store.path)), today=lambda: TODAY, live=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        code = ("import sys; from relance_tui.store import open_store; from relance_tui.store.queries import "
                "append_event; s = open_store(sys.argv[1], agent='karim'); "
                "s.write(lambda db: append_event(db, at=s.now(), agent='karim', kind='call', debtor_id=1, "
                "outcome='voicemail', notes='Appel de Karim depuis son poste'))")
        subprocess.run([sys.executable, "-c", code, str(demo_store.path)], check=True)
        written = time.monotonic()
        timeline = app.query_one("#timeline-view")
        seen = None
        while time.monotonic() - written < 5:
            await pilot.pause(0.1)
            await app.workers.wait_for_complete()
            rows = [timeline.table.rows.get(k) for k in list(timeline.table.keys)[:3]]
            if any(r and r.event.notes == "Appel de Karim depuis son poste" for r in rows):
                seen = time.monotonic() - written
                break
        assert seen is not None and seen < 2.0, "another agent's call must appear within 2 seconds"


async def test_help_lists_every_key(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        table = app.screen.query_one("DataTable")
        ids = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert {"app.quit", "app.import", "overdue.filter", "overdue.per_debtor", "overdue.sort_due",
                "overdue.bucket_5", "table.select", "timeline.kind", "card.note", "card.edit_contact"} <= ids
        await pilot.press("escape")


async def test_command_palette_offers_every_action(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for wanted in ("Actualiser", "Importer un export comptable", "Filtrer les impayés",
                       "Impayés : par facture / par débiteur", "Trier par reste dû", "Ancienneté : +90 j",
                       "Chronologie : type suivant", "Thème relance : relance-contraste"):
            assert wanted in titles
        theme = next(c for c in app.get_system_commands(app.screen) if c.title == "Thème relance : relance-clair")
        theme.callback()
        assert app.theme == "relance-clair"


async def test_a_failing_action_shows_a_message_and_the_app_stays_up(make_app, monkeypatch, isolated_env):
    app = make_app()

    def broken_refresh():
        raise KeyError("colonne disparue")

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "action_refresh", broken_refresh)
        await pilot.press("r")
        await pilot.pause()
        assert app.is_running
        assert any("colonne disparue" in str(n.message) for n in app._notifications)
        await pilot.press("q")
    log = (isolated_env / "log" / "relance.log").read_text()
    assert "Traceback" in log and "colonne disparue" in log


async def test_an_error_it_cannot_carry_on_from_exits_with_one_line_not_a_traceback(make_app, isolated_env,
                                                                                     monkeypatch, capfd):
    """A screen whose mount failed never runs: the app ends, with one line (a failing handler, callback,
    timer or worker does not end it: tests/security/test_app_survives.py)."""
    from relance_tui.tui.app import HelpScreen

    def explode(self):
        raise ValueError("état impossible")

    monkeypatch.setattr(HelpScreen, "on_mount", explode)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.action_help()
        with contextlib.suppress(WorkerCancelled):  # the app is exiting under our feet
            await app.workers.wait_for_complete()
    assert app.return_code == 1
    printed = "".join(capfd.readouterr())
    assert "relance : erreur inattendue (ValueError: état impossible). Détails dans" in printed
    assert "Traceback" not in printed


async def test_import_from_inside_the_app(make_app, demo_store):
    from tests.io.conftest import FIXTURES

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = len(overdue(app).keys)
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#import-path", Input).value = str(FIXTURES / "factures_cp1252.csv")
        await pilot.press("enter")
        await settle(pilot)
        text = "\n".join(app.screen.query_one("#import-log", Log).lines)
        assert "encodage Windows-1252" in text and "Import terminé" in text
        assert app.screen.query_one("#import-progress").progress == 100
        await pilot.press("escape")
        await settle(pilot)
        assert len(overdue(app).keys) == before + 3  # the list refreshed itself
    assert demo_store.db.execute("SELECT COUNT(*) FROM invoices WHERE number IN "
                                 "('FA-2026-001', 'FA-2026-002', 'FA-2026-003')").fetchone()[0] == 3


async def test_refused_import_in_the_app_shows_the_problems(make_app, demo_store, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("N° facture;Client;Date facture;Montant TTC\nFA-1;X;31/02/2026;1,00\n")
    before = demo_store.db.execute("SELECT COUNT(*) FROM invoices").fetchone()[0]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#import-path", Input).value = str(bad)
        await pilot.press("enter")
        await settle(pilot)
        text = "\n".join(app.screen.query_one("#import-log", Log).lines)
        assert "bad.csv:2: date de facture: date impossible (31/02/2026)" in text
    assert demo_store.db.execute("SELECT COUNT(*) FROM invoices").fetchone()[0] == before


# -- snapshots: fixed data (seed 7), fixed clock, both sizes ---------------------------------------
SIZES = [(100, 30), (80, 24)]


@pytest.mark.parametrize("size", SIZES)
def test_overdue_snapshot(snap_compare, make_app, frozen_clock, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_per_debtor_snapshot(snap_compare, make_app, frozen_clock, size):
    async def run(pilot):
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_card_snapshot(snap_compare, make_app, frozen_clock, size):
    async def run(pilot):
        await settle(pilot)
        await pilot.press("enter")
        # the card's tables are filled by a worker, then laid out: once seen half drawn (the first rows in
        # the widths of an earlier layout) when the machine was busy
        await settle(pilot, rounds=5)
        await pilot.pause(0.2)

    assert snap_compare(make_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_timeline_snapshot(snap_compare, make_app, frozen_clock, size):
    async def run(pilot):
        await settle(pilot)
        await pilot.press("f3", "a")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_promises_snapshot(snap_compare, make_app, demo_store, frozen_clock, size):
    from relance_tui.domain.calendar import OfficeCalendar
    from relance_tui.store.calls import CallReport, Instalment, save_call

    debtors = [r[0] for r in demo_store.db.execute(
        "SELECT DISTINCT debtor_id FROM invoices WHERE status = 'open' AND amount_cents > paid_cents "
        "ORDER BY debtor_id LIMIT 3")]
    for k, debtor in enumerate(debtors):
        save_call(demo_store, CallReport(debtor_id=debtor, outcome="promise", started_at=demo_store.clock(),
                                         duration_s=60, instalments=tuple(
                                             Instalment(dt.date(2026, 12, 1 + 7 * n), 10_000 * (k + 1))
                                             for n in range(1 + k % 2))),
                  today=TODAY, calendar=OfficeCalendar("FR"))

    async def run(pilot):
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run)


def test_help_snapshot(snap_compare, make_app, frozen_clock):
    async def run(pilot):
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run)


@pytest.mark.parametrize("theme", ["relance-clair", "relance-contraste"])
def test_theme_snapshots(snap_compare, make_app, frozen_clock, theme):
    assert snap_compare(make_app(theme=theme), terminal_size=(80, 24), run_before=settle)


def test_import_screen_snapshot(snap_compare, make_app, frozen_clock, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # relative paths: same picture in any checkout

    async def import_fixture(pilot):
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        path = pilot.app.screen.query_one("#import-path")
        path.value = "tests/io/fixtures/factures_cp1252.csv"
        path.action_end()
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=import_fixture)
