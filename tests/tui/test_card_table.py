"""The debtor card's invoices table: drawn row by row (a customer with 1,500 invoices opens as fast as one
with ten), its columns chosen by the card's width and its amounts' widths, and the forms act on the invoice
under its cursor."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from rich.cells import cell_len

from relance_tui.store.cards import CardInvoice
from relance_tui.tui.card import ActScreen, DebtorScreen
from relance_tui.tui.card_lines import INVOICE_COLUMNS, INVOICE_LAYOUT, invoice_columns, invoice_values, invoice_widths
from tests.tui.conftest import settle

AS_OF = dt.date(2026, 11, 23)
STAMP = "2026-01-05T09:00:00Z"


def names(width: int, widths: dict[int, int] | None = None) -> list[str]:
    return [INVOICE_COLUMNS[n] for n in invoice_columns(width, widths)]


def test_a_narrow_card_keeps_the_number_what_is_left_and_how_late_then_due_date_status_penalties_limitation():
    assert names(75) == ["Facture", "Échéance", "Reste dû", "Retard", "Statut"]
    assert names(76) == ["Facture", "Échéance", "Reste dû", "Retard", "Pénalités", "Statut"]
    assert names(94) == ["Facture", "Échéance", "Reste dû", "Retard", "Pénalités", "Statut", "Prescription"]
    assert names(200) == list(INVOICE_COLUMNS)
    assert names(5) == ["Facture"]  # whatever the width, the number


def test_the_columns_chosen_always_fit_the_width_and_the_next_one_would_not():
    for width in range(14, 140):
        shown = invoice_columns(width)
        used = sum(INVOICE_LAYOUT[n][0] for n in shown) + len(shown) - 1
        assert used <= width, width
        best_left_out = min((n for n in range(len(INVOICE_COLUMNS)) if n not in shown),
                            key=lambda n: INVOICE_LAYOUT[n][2], default=None)
        assert best_left_out is None or used + INVOICE_LAYOUT[best_left_out][0] + 1 > width, width


def invoice(number: str, amount: int, **kw) -> CardInvoice:
    base = dict(id=1, number=number, issue_date=dt.date(2026, 1, 5), due_date=dt.date(2026, 2, 4),
                amount_cents=amount, paid_cents=0, status="open", days_late=292, penalty_cents=4_000,
                limitation=dt.date(2031, 1, 5))
    return CardInvoice(**{**base, **kw})


def test_an_amount_is_never_cut_whatever_its_size():
    big = invoice("FA-1", 123_456_789_00, penalty_cents=98_765_432_10, penalty_unconfirmed=("BCE",))
    credit = invoice("AV-1", -12_345_678_90, days_late=0, penalty_cents=0)
    widths = invoice_widths([big, credit])
    for row in (big, credit):
        values = invoice_values(row, AS_OF)
        for n in (3, 4, 5, 7):
            assert cell_len(values[n]) <= widths[n], (INVOICE_COLUMNS[n], values[n])
    assert widths[3] == cell_len("123 456 789,00 €") and widths[5] == widths[3]
    assert widths[7] == cell_len("≈98 765 432,10 €")
    # the words the penalties column may hold
    assert invoice_widths([invoice("FA-2", 100, penalty_cents=None, penalty_unknown="taux manquant")])[7] == 14
    # and small figures keep the column's own width, never less than its title
    assert invoice_widths([invoice("FA-3", 100, penalty_cents=0)])[3] == len("Montant")


def test_a_card_too_narrow_for_the_limitation_date_marks_the_days_late_as_the_list_does():
    near = invoice("FA-9", 50_000, limitation=AS_OF + dt.timedelta(days=20))
    assert invoice_values(near, AS_OF, marked=True)[6] == "⚠ 292"
    assert invoice_values(near, AS_OF)[6] == "292"  # the Prescription column says it
    paid = replace(near, status="paid", paid_cents=50_000)
    assert invoice_values(paid, AS_OF, marked=True)[6] == ""  # nothing owed: no mark


def add_invoices(store, debtor: int, rows: list[tuple[str, str, str, int]]) -> None:
    store.db.conn.executemany(
        "INSERT INTO invoices (debtor_id, number, issue_date, due_date, amount_cents, paid_cents, status, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, 0, 'open', ?, ?)",
        [(debtor, number, issue, due, amount, STAMP, STAMP) for number, issue, due, amount in rows])


def many_invoices(store, debtor: int, n: int) -> None:
    """``n`` more open invoices for ``debtor``, issued on 5 January 2026 and due later that year."""
    add_invoices(store, debtor, [(f"FX-{k:05d}", "2026-01-05", f"2026-{2 + k % 9:02d}-{1 + k % 27:02d}", 10_000 + k)
                                 for k in range(n)])


def b2b_debtor(store) -> int:
    return store.db.execute("SELECT MIN(id) FROM debtors WHERE segment = 'b2b' AND country = 'FR'").fetchone()[0]


async def open_card(pilot, debtor: int) -> DebtorScreen:
    """The list on screen, then ``debtor``'s card, read and laid out."""
    await settle(pilot)
    pilot.app.open_debtor_card(debtor)
    await settle(pilot)
    assert isinstance(pilot.app.screen, DebtorScreen)
    return pilot.app.screen


def header_of(screen) -> list[str]:
    text = str(screen.query_one("#invoices-header").render())
    return [name for name in INVOICE_COLUMNS if name in text]


async def test_a_card_with_six_hundred_invoices_lists_them_all_and_m_takes_the_one_under_the_cursor(
        make_app, demo_store):
    debtor = b2b_debtor(demo_store)
    many_invoices(demo_store, debtor, 600)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_card(pilot, debtor)
        table = screen.invoice_table
        assert len(table.keys) == len(screen.card.invoices) >= 600
        assert table.size.height == 11  # eleven at a time; the rest scroll
        assert {"Facture", "Échéance", "Reste dû", "Retard", "Pénalités", "Statut"} <= set(header_of(screen))
        await pilot.click("#invoices")
        await pilot.press("pagedown", "down", "down")
        await pilot.pause()
        under = screen.card.invoices[table.cursor]
        assert table.cursor == 12 and table.current_row is under
        assert under.number in str(table.render_line(table.cursor - table.scroll_offset.y).text)
        # the cursor stays on its invoice when the card is read again (a colleague's change, a form saved)
        screen.load()
        await settle(pilot)
        assert table.current_row == under and table.current_row is not under  # the new reading's own row
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ActScreen)
        assert under in screen.card.outstanding and app.screen.invoice == under


async def test_the_columns_follow_the_terminal_and_a_narrow_card_marks_a_limitation_near(make_app, demo_store):
    debtor = b2b_debtor(demo_store)
    # invoiced five years ago less a few weeks: time-barred in about a month (a French business debt)
    add_invoices(demo_store, debtor, [("FX-OLD", "2021-12-20", "2022-01-19", 123_456_789_00)])
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_card(pilot, debtor)
        table = screen.invoice_table
        old = next(i for i in screen.card.invoices if i.number == "FX-OLD")

        def row_text() -> str:
            index = table.keys.index(old.id)
            table.scroll_to(y=index, animate=False, immediate=True)
            return str(table.render_line(index - table.scroll_offset.y).text).replace("\u00a0", " ")

        assert "Prescription" in header_of(screen) and "Montant" in header_of(screen)
        assert "123 456 789,00 €" in row_text()  # whole, never cut
        await pilot.resize_terminal(80, 30)
        await settle(pilot)
        assert "Prescription" not in header_of(screen) and "Montant" not in header_of(screen)
        assert "⚠" in row_text() and "123 456 789,00 €" in row_text()
        await pilot.resize_terminal(140, 40)
        await settle(pilot)
        assert "Prescription" in header_of(screen)


async def test_a_debtor_without_invoices_says_so(make_app, demo_store):
    demo_store.write(lambda d: d.execute("INSERT INTO debtors (code, name, created_at, updated_at) "
                                         "VALUES ('NEW1', 'Nouveau Client SAS', ?, ?)", [STAMP, STAMP]))
    debtor = demo_store.db.execute("SELECT id FROM debtors WHERE code = 'NEW1'").fetchone()[0]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_card(pilot, debtor)
        assert str(screen.query_one("#invoices-header").render()) == "Aucune facture."
        assert not screen.invoice_table.display
