"""The Tableau de bord tab (F7, tui/dashboard.py): the period's figures, charts with their figures, the period
cycled with p, the history rebuilt when shown; snapshots at 80x24 and 100x30 in each theme."""

from __future__ import annotations

import datetime as dt

import pytest

from relance_tui.domain.kpi import period_of
from relance_tui.domain.money import format_cents
from relance_tui.io.report import bar_widths
from relance_tui.store.dashboard import dashboard
from tests.conftest import TODAY
from tests.tui.conftest import settle


def shown(app) -> str:
    view = app.dashboard_view
    return "\n".join(str(static.render()) for static in view.query("Static"))


async def open_tab(pilot):
    await settle(pilot)
    await pilot.press("f7")
    await settle(pilot)
    return pilot.app.dashboard_view


async def test_f7_shows_the_month_s_figures_as_the_report_computes_them(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_tab(pilot)
        assert view is not None and view.has_focus
        text = shown(app)
        board = dashboard(demo_store, period_of("month", TODAY), today=TODAY, tz="Europe/Paris")
        assert "Mois (du 01/11/2026 au 23/11/2026)" in text
        assert format_cents(board.owed_cents) in text and board.dso.text() in text
        assert format_cents(board.collected_cents) in text
        for agent in board.agents:  # each agent's line, with the display name and the calls
            assert app.settings.display_name(agent.agent)[:13] in text
        assert "Balance âgée" in text and "Par agent" in text
        assert "DSO (par épuisement)" in text and "countback" not in text  # French, not the method's English name
        assert [s.slice.label for s in board.slices] == ["dim. 01/11", "sem. 02/11", "sem. 09/11", "sem. 16/11",
                                                         "lun. 23/11"]
        for label in ("dim. 01/11", "sem. 02/11", "lun. 23/11"):
            assert label in text


async def test_p_cycles_the_periods_and_the_figures_follow(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_tab(pilot)
        seen = []
        for _ in range(3):
            await pilot.press("p")
            await settle(pilot)
            seen.append((view.kind, view.board.period.kind, view.board.period.start))
        assert seen == [("year", "year", dt.date(2025, 11, 24)), ("week", "week", dt.date(2026, 11, 23)),
                        ("month", "month", dt.date(2026, 11, 1))]
        await pilot.press("p")
        await settle(pilot)
        text = shown(app)
        assert "12 mois (du 24/11/2025 au 23/11/2026)" in text
        assert "nov. 25" in text and "nov. 26" in text


async def test_showing_the_tab_rebuilds_the_days_nobody_kept(make_app, demo_store):
    app = make_app()
    assert demo_store.conn.execute("SELECT COUNT(*) FROM aging_days").fetchone()[0] == 0
    async with app.run_test(size=(100, 30)) as pilot:
        await open_tab(pilot)
        kept = demo_store.conn.execute("SELECT COUNT(*), MIN(day), MAX(day) FROM aging_days").fetchone()
        # the 400 days before today; today's is the live snapshot, the app's to take at its start
        assert kept == (399, (TODAY - dt.timedelta(days=399)).isoformat(), (TODAY - dt.timedelta(days=1)).isoformat())
        assert app.dashboard_view.board.computed_days == 0  # every slice read from what was kept


async def test_a_call_saved_elsewhere_moves_the_figures_when_the_tab_is_shown(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_tab(pilot)
        before = {a.agent: a.calls for a in view.board.agents}
        at = dt.datetime.combine(TODAY, dt.time(9), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        debtor = demo_store.conn.execute("SELECT MIN(id) FROM debtors").fetchone()[0]
        demo_store.write(lambda db: db.execute(
            "INSERT INTO events (at, debtor_id, kind, direction, outcome, agent, duration_s) "
            "VALUES (?, ?, 'call', 'out', 'voicemail', 'zoe', 30)", [at, debtor]))
        app.action_refresh()
        await settle(pilot)
        after = {a.agent: a.calls for a in view.board.agents}
        assert after == {**before, "zoe": 1}
        assert "zoe" in shown(app)


async def test_the_aged_balance_bar_is_as_long_as_its_share_of_the_largest(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_tab(pilot)
        aging = shown(app).split("Balance âgée")[1].split("Encaissé")[0]  # the cash chart has weeks too
        bars = {li[:10]: sum(li.count(mark) for mark in "·░▒▓█") for li in aging.splitlines()
                if li[:10] in {s.slice.label for s in view.board.slices}}
        totals = {s.slice.label: sum(s.aging.values()) for s in view.board.slices if s.aging}
        largest = max(totals, key=totals.get)
        full = bars[largest]  # the largest bar fills the chart's width
        assert full > 40
        for label, total in totals.items():
            assert bars[label] == sum(bar_widths([total], totals[largest], full)), label


def test_bar_widths_share_the_cells_by_largest_remainders():
    assert bar_widths([50, 30, 20], 100, 10) == [5, 3, 2]
    assert bar_widths([1, 1, 1], 3, 10) == [4, 3, 3]  # 10 cells, the remainders broken in order
    assert bar_widths([0, 0], 0, 10) == [0, 0] and bar_widths([-5, 10], 20, 10) == [0, 5]
    assert sum(bar_widths([333, 333, 334], 2000, 7)) == 4  # half of 7 rounds up


SIZES = [(80, 24), (100, 30)]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("theme", ["relance-sombre", "relance-clair", "relance-contraste"])
def test_dashboard_snapshot(snap_compare, make_app, frozen_clock, size, theme):
    async def run(pilot):
        await open_tab(pilot)

    assert snap_compare(make_app(theme=theme), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
async def test_no_chart_or_table_line_wraps(make_app, size):
    """At 80 columns too, each line of the charts and of the agents' table holds on one screen line (a
    wrapped bar or row reads as two)."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        view = await open_tab(pilot)
        for _ in range(3):
            await pilot.press("p")
            await settle(pilot)
            for part in ("title", "head", "aging", "cash", "agents"):
                static = view.query_one(f"#dashboard-{part}")
                assert static.size.height == len(str(static.render()).splitlines()), (view.kind, part)


async def test_the_agents_table_fills_in_after_the_charts_and_an_older_reading_is_dropped(make_app, demo_store):
    from relance_tui.store.dashboard import AgentFigures
    from relance_tui.tui.dashboard import DashboardView

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_tab(pilot)
        board = dashboard(demo_store, period_of("week", TODAY), today=TODAY, tz="Europe/Paris", agents=False)
        view.generation += 1
        view.kind = "week"
        view.post_message(DashboardView.Loaded(view.generation, board))
        await pilot.pause()
        assert "Semaine (du 23/11/2026" in shown(app) and "Calcul en cours…" in shown(app)
        view.post_message(DashboardView.AgentsLoaded(view.generation - 1, [AgentFigures("ancien", calls=9)]))
        await pilot.pause()
        assert "ancien" not in shown(app) and "Calcul en cours…" in shown(app)
        view.post_message(DashboardView.AgentsLoaded(view.generation, [AgentFigures("zoe", calls=4, reached=1)]))
        await pilot.pause()
        row = next(li for li in shown(app).splitlines() if li.startswith("zoe"))
        assert row.split()[:3] == ["zoe", "4", "25"] and "Calcul en cours" not in shown(app)


async def test_changes_re_read_the_twelve_months_at_most_every_thirty_seconds(make_app):
    from relance_tui.tui import dashboard as tab

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_tab(pilot)
        await pilot.press("p")  # twelve months: read at once
        await settle(pilot)
        read = view.generation
        view.reload()  # another agent's change, just after
        view.reload()
        await settle(pilot)
        assert view.generation == read and view._later is not None  # one reading later, not two now
        view.read_at -= tab.YEAR_REFRESH_S  # the half-minute has passed
        view._reload_later()
        await settle(pilot)
        assert view.generation == read + 1 and view._later is None
        await pilot.press("p", "p", "p")  # a key reads at once
        await settle(pilot)
        assert view.generation == read + 4
