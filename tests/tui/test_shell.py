import contextlib

import pytest
from textual.worker import WorkerCancelled
from textual.widgets import DataTable, Static

from relance_tui.domain.money import format_cents


async def test_shell_shows_the_aging_summary_from_the_database(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.query_one("#summary", DataTable)
        assert table.row_count == 5
        rows = [table.get_row_at(i) for i in range(5)]
        assert [r[0] for r in rows] == ["Non échu", "1-30 j", "31-60 j", "61-90 j", "+90 j"]
        expected_total = demo_store.db.execute(
            "SELECT SUM(amount_cents - paid_cents) FROM invoices WHERE status IN ('open', 'disputed', 'litigation')"
        ).fetchone()[0]
        status = str(app.query_one("#status", Static).render())
        assert format_cents(expected_total) in status
        assert "marie" in app.sub_title and "demo.db" in app.sub_title


async def test_refresh_key_reloads_after_a_change(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        before = app.query_one("#summary", DataTable).get_row_at(4)[1]
        demo_store.write(lambda db: db.execute(
            "UPDATE invoices SET status = 'paid', paid_cents = amount_cents "
            "WHERE id = (SELECT id FROM invoices WHERE status = 'open' AND due_date < '2026-08-01' LIMIT 1)"))
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        after = app.query_one("#summary", DataTable).get_row_at(4)[1]
        assert int(after) == int(before) - 1


async def test_quit_key(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
    assert app.return_code == 0


async def test_worker_failure_is_a_message_not_a_crash(make_app, monkeypatch, isolated_env):
    import relance_tui.tui.app as app_module

    def broken(store, today):
        raise RuntimeError("base débranchée")

    monkeypatch.setattr(app_module, "aging_summary", broken)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert any("base débranchée" in str(n.message) for n in app._notifications)


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
def test_shell_snapshot(snap_compare, make_app, frozen_clock, size):
    async def settle(pilot):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("theme", ["relance-clair", "relance-contraste"])
def test_theme_snapshots(snap_compare, make_app, frozen_clock, theme):
    async def settle(pilot):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(theme=theme), terminal_size=(80, 24), run_before=settle)


async def test_keys_remapped_from_the_user_config(demo_store, isolated_env):
    from relance_tui.config import load_settings, resolve_paths
    from relance_tui.tui.app import RelanceApp
    from tests.conftest import TODAY

    (isolated_env / "config.toml").write_text('[keys]\n"app.refresh" = "f5"\n"app.quit" = "x"\n')
    settings = load_settings(resolve_paths(demo_store.path))
    app = RelanceApp(demo_store, settings, today=lambda: TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        demo_store.write(lambda db: db.execute("UPDATE invoices SET status = 'paid', paid_cents = amount_cents "
                                               "WHERE status IN ('open', 'disputed', 'litigation')"))
        await pilot.press("r")  # no longer bound
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "0 factures" not in str(app.query_one("#status").render())
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(app.query_one("#status").render()).startswith("0 factures")
        await pilot.press("x")
    assert app.return_code == 0


async def test_a_failing_action_shows_a_message_and_the_app_stays_up(make_app, monkeypatch, isolated_env):
    app = make_app()

    def broken_refresh():
        raise KeyError("colonne disparue")

    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        monkeypatch.setattr(app, "action_refresh", broken_refresh)
        await pilot.press("r")
        await pilot.pause()
        assert app.is_running
        assert any("colonne disparue" in str(n.message) for n in app._notifications)
        await pilot.press("q")
    log = (isolated_env / "log" / "relance.log").read_text()
    assert "Traceback" in log and "colonne disparue" in log


async def test_an_unhandled_error_exits_with_one_line_not_a_traceback(make_app, isolated_env, monkeypatch, capsys):
    from relance_tui.tui.app import RelanceApp

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()

        def explode(self, message):
            raise ValueError("état impossible")

        monkeypatch.setattr(RelanceApp, "on_summary_loaded", explode)
        app.load_summary()
        with contextlib.suppress(WorkerCancelled):  # the app is exiting under our feet
            await app.workers.wait_for_complete()
            await pilot.pause()
    assert app.return_code == 1
    printed = "".join(capsys.readouterr())
    assert "relance : erreur inattendue (ValueError: état impossible). Détails dans" in printed
    assert "Traceback" not in printed
    assert "Traceback" in (isolated_env / "log" / "relance.log").read_text()


async def test_import_from_inside_the_app(make_app, demo_store):
    from textual.widgets import Input, Log

    from tests.io.conftest import FIXTURES

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("i")
        await pilot.pause()
        path_input = app.screen.query_one("#import-path", Input)
        path_input.value = str(FIXTURES / "factures_cp1252.csv")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = "\n".join(app.screen.query_one("#import-log", Log).lines)
        assert "encodage Windows-1252" in text and "Import terminé" in text
        assert app.screen.query_one("#import-progress").progress == 100
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert demo_store.db.execute("SELECT COUNT(*) FROM invoices WHERE number IN ('FA-2026-001', 'FA-2026-002', 'FA-2026-003')").fetchone()[0] == 3


async def test_refused_import_in_the_app_shows_the_problems(make_app, demo_store, tmp_path):
    from textual.widgets import Input, Log

    bad = tmp_path / "bad.csv"
    bad.write_text("N° facture;Client;Date facture;Montant TTC\nFA-1;X;31/02/2026;1,00\n")
    before = demo_store.db.execute("SELECT COUNT(*) FROM invoices").fetchone()[0]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#import-path", Input).value = str(bad)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = "\n".join(app.screen.query_one("#import-log", Log).lines)
        assert "bad.csv:2: date de facture: date impossible (31/02/2026)" in text
        assert "rien n'a été importé" in text
    assert demo_store.db.execute("SELECT COUNT(*) FROM invoices").fetchone()[0] == before


def test_import_screen_snapshot(snap_compare, make_app, frozen_clock, monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # relative paths: same picture in any checkout

    async def import_fixture(pilot):
        await pilot.app.workers.wait_for_complete()
        await pilot.press("i")
        await pilot.pause()
        path = pilot.app.screen.query_one("#import-path")
        path.value = "tests/io/fixtures/factures_cp1252.csv"
        path.action_end()
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=import_fixture)
