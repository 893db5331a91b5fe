"""The debtor card's invoices table: drawn row by row (a customer with 1,500 invoices opens as fast as one
with ten), its columns chosen by the card's width, and the forms act on the invoice under its cursor."""

from __future__ import annotations

from relance_tui.tui.card import ActScreen, DebtorScreen
from relance_tui.tui.card_lines import INVOICE_COLUMNS, INVOICE_LAYOUT, invoice_columns
from tests.tui.conftest import settle


def names(width: int) -> list[str]:
    return [INVOICE_COLUMNS[n] for n in invoice_columns(width)]


def test_a_narrow_card_keeps_the_number_what_is_left_and_how_late_then_the_due_date_status_and_penalties():
    assert names(76) == ["Facture", "Échéance", "Reste dû", "Retard", "Pénalités", "Statut"]
    assert names(94) == ["Facture", "Échéance", "Montant", "Reste dû", "Retard", "Pénalités", "Statut"]
    assert names(75) == ["Facture", "Échéance", "Reste dû", "Retard", "Statut"]
    assert names(200) == list(INVOICE_COLUMNS)
    assert names(5) == ["Facture"]  # whatever the width, the number


def test_the_columns_chosen_always_fit_the_width():
    for width in range(14, 140):
        shown = invoice_columns(width)
        assert sum(INVOICE_LAYOUT[n][0] for n in shown) + len(shown) - 1 <= width, width
        # and a column left out would not have fitted
        left_out = [n for n in range(len(INVOICE_COLUMNS)) if n not in shown]
        used = sum(INVOICE_LAYOUT[n][0] for n in shown) + len(shown) - 1
        best = min(left_out, key=lambda n: INVOICE_LAYOUT[n][2], default=None)
        assert best is None or used + INVOICE_LAYOUT[best][0] + 1 > width, width


def many_invoices(store, debtor: int, n: int) -> None:
    """``n`` more open invoices for ``debtor``, due one a day before the demo's today."""
    store.db.conn.executemany(
        "INSERT INTO invoices (debtor_id, number, issue_date, due_date, amount_cents, paid_cents, status, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, 0, 'open', '2026-01-05T09:00:00Z', '2026-01-05T09:00:00Z')",
        [(debtor, f"FX-{k:05d}", "2026-01-05", f"2026-{2 + k % 9:02d}-{1 + k % 27:02d}", 10_000 + k)
         for k in range(n)])


async def test_a_card_with_six_hundred_invoices_lists_them_all_and_m_takes_the_one_under_the_cursor(
        make_app, demo_store):
    debtor = demo_store.db.execute("SELECT MIN(id) FROM debtors WHERE segment = 'b2b'").fetchone()[0]
    many_invoices(demo_store, debtor, 600)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_debtor_card(debtor)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DebtorScreen)
        table = screen.invoice_table
        assert len(table.keys) == len(screen.card.invoices) >= 600
        assert table.size.height == 11  # eleven at a time; the rest scroll
        header = str(screen.query_one("#invoices-header").render())
        assert header.split() == ["Facture", "Échéance", "Montant", "Reste", "dû", "Retard", "Pénalités", "Statut"]
        await pilot.click("#invoices")
        await pilot.press("pagedown", "down", "down")
        await pilot.pause()
        under = screen.card.invoices[table.cursor]
        assert table.cursor == 12 and table.current_row is under
        assert under.number in str(table.render_line(table.cursor - table.scroll_offset.y).text)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ActScreen)
        assert under in screen.card.outstanding and app.screen.invoice is under
