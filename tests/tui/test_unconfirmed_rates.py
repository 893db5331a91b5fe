"""Rates that go stale, on screen (issue 13, item 6): the title bar asks for them, the list and the card mark
penalties computed with a carried-over rate "à confirmer", and entering the rate clears both.

Data: tests/io/fixtures/taux_h2_*.csv (figures worked out in tests/io/test_unconfirmed_rates.py), seen on
02/12/2026 with the seeded rates (nothing entered for the second half of 2026):
- FA-2026-401 (Menuiserie Leroy), paid 59 days late in the first half: 39.28 + 40 = 79.28 €, confirmed;
- FA-2026-402 (Menuiserie Leroy), open, 185 days late into the second half: 61.58 + 40 = 101.58 €, to confirm;
- FA-2026-502 (Traiteur Bernard), not due: no penalty.
"""

from __future__ import annotations

import datetime as dt

import pytest

from relance_tui.config import load_settings, resolve_paths
from relance_tui.io.importer import import_file
from relance_tui.store import open_store
from relance_tui.store.queries import set_rate
from relance_tui.tui.app import RelanceApp
from relance_tui.tui.card import DebtorScreen
from relance_tui.tui.titlebar import TitleBar
from tests.io.conftest import FIXTURES
from tests.tui.conftest import overdue, settle

TODAY = dt.date(2026, 12, 2)
MARKER = "Taux à saisir : BCE, légal FR 2e sem. 2026"
ECB_H2_2026 = "Taux de refinancement BCE du 2e semestre 2026 non saisi (relance rates set ecb 2026-07-01 TAUX)"


@pytest.fixture
def office(tmp_path):
    store = open_store(tmp_path / "office" / "relance.db", agent="marie", create=True)
    for name in ("taux_h2_factures.csv", "taux_h2_paiements.csv"):
        import_file(store, FIXTURES / name, as_of=dt.date(2026, 11, 25))
    yield store
    store.close()


def make_app(store) -> RelanceApp:
    return RelanceApp(store, load_settings(resolve_paths(store.path)), today=lambda: TODAY, live=False)


def enter_the_missing_rates(store) -> None:
    set_rate(store, "ecb", dt.date(2026, 7, 1), 215, source="BCE")
    set_rate(store, "legal_pro", dt.date(2026, 7, 1), 250, source="JORF")


def ids(store, *numbers: str) -> list[int]:
    return [store.conn.execute("SELECT id FROM invoices WHERE number = ?", [n]).fetchone()[0] for n in numbers]


def status_line(app) -> str:
    return str(app.query_one("#overdue-status").render())


async def test_the_title_bar_asks_for_the_rates_of_the_half_year_until_they_are_entered(office):
    app = make_app(office)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        bar = app.query_one(TitleBar)
        assert app.rates_alert == MARKER
        text = bar.render()
        assert text.plain.split(MARKER)[1].strip() == bar._shown_minute  # just before the clock
        start = text.plain.index(MARKER)
        assert any(s.start <= start and s.end >= start + len(MARKER) and s.style.bold for s in text.spans)
        enter_the_missing_rates(office)
        await pilot.press("r")
        await settle(pilot)
        assert app.rates_alert == ""
        assert "Taux à saisir" not in str(bar.render())


async def test_a_narrow_title_bar_keeps_the_title_and_a_short_marker(office):
    app = make_app(office)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        rendered = str(app.query_one(TitleBar).render())
        # 60 cells between the clock's two places: the title (28) and the whole marker (44) do not fit both
        assert "relance — marie · relance.db" in rendered and "…" not in rendered
        assert " Taux à saisir " in rendered and MARKER not in rendered


async def test_the_list_marks_a_penalty_over_the_unentered_half_year(office):
    fa402, fa502 = ids(office, "FA-2026-402", "FA-2026-502")
    app = make_app(office)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = overdue(app)
        view = app.query_one("#overdue-view")
        column = [c.key for c in table.columns].index("penalties")
        assert table.rows[fa402].penalty_unconfirmed
        assert view.cells(table.rows[fa402])[column] == "≈101,58"
        assert not table.rows[fa502].penalty_unconfirmed
        assert view.cells(table.rows[fa502])[column] == "0,00"
        assert status_line(app).endswith(" · ≈ pénalités à confirmer")
        enter_the_missing_rates(office)
        await pilot.press("r")
        await settle(pilot)
        assert view.cells(table.rows[fa402])[column] == "101,58"
        assert "à confirmer" not in status_line(app)


async def test_the_card_marks_the_penalty_to_confirm_and_names_the_rate_and_its_command(office):
    fa401, fa402 = ids(office, "FA-2026-401", "FA-2026-402")
    debtor = office.conn.execute("SELECT debtor_id FROM invoices WHERE id = ?", [fa402]).fetchone()[0]
    app = make_app(office)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_debtor_card(debtor)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DebtorScreen)
        invoices = screen.invoice_table
        column = [c.label for c in invoices.columns].index("Pénalités")

        def penalty(inv_id: int) -> str:
            return str(invoices.cells(invoices.rows[inv_id])[column]).replace("\u00a0", " ")

        assert penalty(fa402) == "≈101,58 €"
        assert penalty(fa401) == "79,28 €"  # paid late in the first half: every rate was entered
        totals = str(screen.query_one("#totals").render()).replace("\u00a0", " ")
        assert "pénalités et indemnités 101,58 € à confirmer" in totals
        assert f"≈ Pénalités à confirmer : {ECB_H2_2026}" in totals.splitlines()
        enter_the_missing_rates(office)
        screen.refresh_data()
        await settle(pilot)
        assert penalty(fa402) == "101,58 €"
        assert "à confirmer" not in str(screen.query_one("#totals").render())


async def test_the_title_bar_asks_for_the_belgian_legal_rate_only_once_a_belgian_consumer_is_there(office):
    # January 2027: the French office entered the ECB and legal rates of the half-year; the Belgian legal rate of
    # 2027 is not entered, and no figure reads it until a Belgian consumer is among the debtors
    for kind in ("ecb", "legal_pro"):
        set_rate(office, kind, dt.date(2027, 1, 1), 215, source="saisi")
    app = RelanceApp(office, load_settings(resolve_paths(office.path)), today=lambda: dt.date(2027, 1, 4),
                     live=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.rates_alert == ""
        assert "Taux à saisir" not in str(app.query_one(TitleBar).render())
        at = office.now()
        office.write(lambda d: d.execute(
            "INSERT INTO debtors (code, name, segment, country, created_at, updated_at) "
            "VALUES ('BE-C1', 'Sophie Peeters', 'b2c', 'BE', ?, ?)", [at, at]))
        await pilot.press("r")
        await settle(pilot)
        assert app.rates_alert == "Taux à saisir : légal BE 2027"
