"""In the app: a column the importer cannot place opens a dialog to say what it holds, then the import
goes on with that choice."""

from textual.widgets import Log, Select

from relance_tui.tui.import_screen import ColumnsScreen, ImportScreen
from tests.tui.conftest import make_app, settle  # noqa: F401  (fixture)

CONTENT = ("N° facture;Client;Date facture;Montant TTC;Montant restant à encaisser;Date du bon de livraison\n"
           "FD-1;Scierie Vosgienne;15/01/2026;1 000,00;400,00;10/01/2026\n")


async def open_import(pilot, path):
    await settle(pilot)
    await pilot.press("i")
    await pilot.pause()
    field = pilot.app.screen.query_one("#import-path")
    field.value = str(path)
    field.action_end()
    await pilot.press("enter")
    await settle(pilot)


async def test_unplaced_columns_are_placed_in_a_dialog_then_the_import_completes(make_app, tmp_path):  # noqa: F811
    path = tmp_path / "export.csv"
    path.write_text(CONTENT, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(110, 36)) as pilot:
        await open_import(pilot, path)
        dialog = app.screen
        assert isinstance(dialog, ColumnsScreen)
        assert [u.column for u in dialog.unplaced] == ["Montant restant à encaisser", "Date du bon de livraison"]
        assert dialog.query_one("#columns-0", Select).value == "remaining"  # the suggestion comes first
        assert app.store.db.execute("SELECT COUNT(*) FROM invoices WHERE number = 'FD-1'").fetchone()[0] == 0
        dialog.query_one("#columns-1", Select).value = "ignore"  # the delivery date: not needed
        await pilot.click("#columns-go")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        log = "\n".join(app.screen.query_one("#import-log", Log).lines)
        assert "Import terminé" in log and "Date du bon de livraison (ignorée à la demande)" in log
        row = app.store.db.execute("SELECT amount_cents, paid_cents FROM invoices WHERE number = 'FD-1'").fetchone()
        assert tuple(row) == (100000, 60000)  # 400 left of 1 000


async def test_giving_up_in_the_dialog_imports_nothing(make_app, tmp_path):  # noqa: F811
    path = tmp_path / "export.csv"
    path.write_text(CONTENT, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(110, 36)) as pilot:
        await open_import(pilot, path)
        assert isinstance(app.screen, ColumnsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        assert "rien n'a été importé" in "\n".join(app.screen.query_one("#import-log", Log).lines)
        assert app.store.db.execute("SELECT COUNT(*) FROM invoices WHERE number = 'FD-1'").fetchone()[0] == 0
