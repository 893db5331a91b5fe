"""The Tableau de bord tab (F7): the supervisor's figures for a period, as charts with their figures beside them.

What it shows is ``store.dashboard.dashboard`` for the period (``p`` cycles: this week, this month, the last
twelve months), drawn with io/report.py's bars and marks: the report (``relance report``) prints the same
object, so both agree to the cent. Each chart part has its own mark as well as its colour, so the charts read
in the high-contrast theme and without colour. Today is the invoices as they stand; the past, the aged balance
kept as each day closed (store/history.py: yesterday's at the app's first start of the day, the days nobody
kept rebuilt then, or when the tab is shown).
"""

from __future__ import annotations

import datetime as dt
import time

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from relance_tui.domain.dates import BUCKET_LABELS, Bucket
from relance_tui.domain.kpi import SLICE_NAMES, TAB_PERIODS, period_of
from relance_tui.domain.money import format_compact
from relance_tui.errors import RelanceError
from relance_tui.io.report import (
    AGENT_HEADERS,
    BUCKET_MARKS,
    COLLECTED_MARK,
    COLLECTED_METHOD,
    DSO_METHOD,
    PROMISE_LABELS,
    PROMISE_MARKS,
    agent_rows,
    bar_widths,
    headline,
    slice_total,
)
from relance_tui.logs import log
from relance_tui.store.dashboard import PROMISE_OUTCOMES, AgentFigures, Dashboard
from relance_tui.tui.base import RelanceNode
from relance_tui.tui.plain import lines, styled
from relance_tui.tui.survive import Survives
from relance_tui.tui.tabview import ReadsWhenShown
from relance_tui.tui.virtual_table import fit

# The theme's colours of each part (its mark tells them apart where the theme has fewer colours)
BUCKET_STYLES = {Bucket.NOT_DUE: "$success", Bucket.D1_30: "$secondary", Bucket.D31_60: "$warning",
                 Bucket.D61_90: "$accent", Bucket.OVER_90: "$error"}
PROMISE_STYLES = {"kept": "$success", "partly_kept": "$warning", "broken": "$error", "pending": "$foreground 50%"}
COLLECTED_STYLE = "$primary"
PERIOD_KEYS = {"week": "semaine", "month": "mois", "year": "12 mois"}  # what p cycles through, in short
YEAR_REFRESH_S = 30.0  # another agent's change re-reads the twelve months at most this often
# Appels, Joints, Promesses, Obtenu, Encaissé, Durée moy. ("12 345 678,90 €": 15)
FIGURE_WIDTHS = (6, 6, 9, 15, 15, 10)


def _bar(parts: list[tuple[str, str, int]], scale: int, width: int) -> Content:
    """A stacked bar: (mark, style, value) parts, ``width`` cells for ``scale``, padded to ``width``."""
    cells = bar_widths([v for *_, v in parts], scale, width)
    drawn = [(mark * n, style) for (mark, style, _), n in zip(parts, cells, strict=True) if n]
    return styled(*drawn, " " * (width - sum(cells)))


def head_lines(board: Dashboard, width: int) -> list[Content]:
    pairs = [styled(f"{label:<22}", (f"{value:>24}", "bold")) for label, value in headline(board)]
    if width >= 94:  # two figures a line
        return [Content("  ").join(pairs[i:i + 2]) for i in range(0, len(pairs), 2)]
    return pairs


def aging_lines(board: Dashboard, width: int) -> list[Content]:
    scale = max((slice_total(s.aging) for s in board.slices), default=0)
    bar_w = max(10, width - 24)
    out = [styled(("Balance âgée", "bold"), f" à la fin de chaque {SLICE_NAMES[board.period.kind]}"),
           styled(*[part for b in Bucket for part in ((BUCKET_MARKS[b], BUCKET_STYLES[b]), f" {BUCKET_LABELS[b]}  ")])]
    for s in board.slices:
        bar = _bar([(BUCKET_MARKS[b], BUCKET_STYLES[b], s.aging[b]) for b in Bucket], scale, bar_w)
        out.append(styled(f"{s.slice.label:<11} ", bar, f" {format_compact(slice_total(s.aging)):>10}"))
    return out


def cash_lines(board: Dashboard, width: int) -> list[Content]:
    scale = max((max(s.collected_cents, s.promised_cents) for s in board.slices), default=0)
    bar_w = max(6, (width - 11 - 2 * 10 - 4) // 2)
    unit = SLICE_NAMES[board.period.kind]
    out = [styled(("Encaissé et promis", "bold"), f" par {unit} (promis : les promesses qui y tombent)"),
           styled((COLLECTED_MARK, COLLECTED_STYLE), " encaissé   promis : ",
                  *[part for k in PROMISE_OUTCOMES
                    for part in ((PROMISE_MARKS[k], PROMISE_STYLES[k]), f" {PROMISE_LABELS[k]}  ")])]
    for s in board.slices:
        collected = _bar([(COLLECTED_MARK, COLLECTED_STYLE, s.collected_cents)], scale, bar_w)
        promised = _bar([(PROMISE_MARKS[k], PROMISE_STYLES[k], s.promised[k]) for k in PROMISE_OUTCOMES],
                        scale, bar_w)
        out.append(styled(f"{s.slice.label:<11} ", collected, f" {format_compact(s.collected_cents):>9}  ",
                          promised, f" {format_compact(s.promised_cents):>9}"))
    return out


def agent_lines(board: Dashboard, name, width: int = 74) -> list[Content]:  # noqa: ANN001 - settings.display_name
    """The agents' table: the figures' columns of FIGURE_WIDTHS (each after a space), the name in what is left
    (at least 8 cells: 76 in all at 80 columns, less the padding and the scrollbar)."""
    first_width = max(8, min(30, width - sum(FIGURE_WIDTHS) - len(FIGURE_WIDTHS)))

    def row(cells) -> str:  # noqa: ANN001
        first, *rest = cells
        return fit(first, first_width) + "".join(  # a name in screen cells (an emoji takes two)
            " " + fit(c, w, "right") for c, w in zip(rest, FIGURE_WIDTHS, strict=True))

    out = [styled(("Par agent", "bold"), " (appels de la période)"), styled((row(AGENT_HEADERS), "bold"))]
    if board.agents is None:
        return [*out, styled(("Calcul en cours…", "dim"))]
    rows = agent_rows(board, name)
    out += [styled(row(r)) for r in rows] if rows else [styled(("Aucun appel sur la période.", "dim"))]
    return out


class DashboardView(Survives, RelanceNode, ReadsWhenShown, VerticalScroll):
    DEFAULT_CSS = """
    DashboardView { height: 1fr; padding: 0 1; }
    DashboardView > Static { width: 100%; margin: 0 0 1 0; }
    #dashboard-title { background: $panel; margin: 0; }
    """
    BINDINGS = [Binding("p", "next_period", "Période", id="dashboard.period")]
    can_focus = True

    class Loaded(Message):
        def __init__(self, generation: int, board: Dashboard) -> None:
            super().__init__()
            self.generation, self.board = generation, board

    class AgentsLoaded(Message):
        def __init__(self, generation: int, agents: list[AgentFigures]) -> None:
            super().__init__()
            self.generation, self.agents = generation, agents

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.kind = "month"
        self.generation = 0  # of the reading under way: what an older one posts is dropped
        self.board: Dashboard | None = None
        self.history_checked: dt.date | None = None  # the day the missing history was last rebuilt
        self.read_at = 0.0  # time.monotonic() of the last reading
        self._later = None  # a timer for the reading a change asked for within YEAR_REFRESH_S

    def compose(self) -> ComposeResult:
        for part in ("title", "head", "aging", "cash", "agents", "method"):
            yield Static("", id=f"dashboard-{part}")

    def on_mount(self) -> None:
        self.query_one("#dashboard-title", Static).update("Calcul des chiffres…")
        self.reload(force=True)

    def on_resize(self) -> None:
        self._show()

    def reload(self, *, force: bool = False) -> None:
        """Read the figures again now if the tab is on screen, else when it is shown next. Another agent's change
        re-reads the twelve months at most every YEAR_REFRESH_S seconds (their calls take 0.7 s to read on a
        large base, and a busy desk changes something every few seconds); a key press reads at once."""
        if not self.should_read(force):
            return
        waited = time.monotonic() - self.read_at
        if not force and self.kind == "year" and waited < YEAR_REFRESH_S:
            if self._later is None:
                self._later = self.set_timer(YEAR_REFRESH_S - waited, self._reload_later)
            return
        self.read_at = time.monotonic()
        app = self.relance
        today = app.today()
        rebuild = not app.store.readonly and self.history_checked != today
        self.history_checked = today
        self.generation += 1
        self._load(self.generation, self.kind, app.store, today, app.settings.office.timezone, rebuild)

    def _reload_later(self) -> None:
        self._later = None
        self.reload()

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def _load(self, generation: int, kind: str, store, today: dt.date, tz: str, rebuild: bool) -> None:
        from relance_tui.store.dashboard import agent_figures, dashboard
        from relance_tui.store.history import fill_missing

        if rebuild:  # the days nobody started the app (the app's own worker usually did it at start)
            try:
                fill_missing(store, today)
            except RelanceError as exc:  # the base busy past the retries: the days are computed for the figures
                log.warning("aged balance history not rebuilt: %s", exc)
        period = period_of(kind, today)
        # the figures and charts first; then the agents, the longest read (a year of calls: 290,000 on the
        # large demo), which fill their table when done
        self.post_message(self.Loaded(generation, dashboard(store, period, today=today, tz=tz, agents=False)))
        self.post_message(self.AgentsLoaded(generation, agent_figures(store, period, tz)))

    def on_dashboard_view_loaded(self, message: Loaded) -> None:
        if message.generation == self.generation:
            if self.board is not None and self.board.period == message.board.period:
                message.board.agents = self.board.agents  # a refresh: the table stays until its new figures
            self.board = message.board
            self._show()

    def on_dashboard_view_agents_loaded(self, message: AgentsLoaded) -> None:
        if message.generation == self.generation and self.board is not None:
            self.board.agents = message.agents
            self._show()

    def _show(self) -> None:
        board = self.board
        if board is None:
            return
        width = max(40, self.size.width - 2)
        periods = Content("  ").join(styled((PERIOD_KEYS[k], "reverse" if k == self.kind else ""))
                                     for k in TAB_PERIODS)
        self.query_one("#dashboard-title", Static).update(styled(
            (board.period.label, "bold"), "   p : ", periods))
        self.query_one("#dashboard-head", Static).update(lines(head_lines(board, width)))
        self.query_one("#dashboard-aging", Static).update(lines(aging_lines(board, width)))
        self.query_one("#dashboard-cash", Static).update(lines(cash_lines(board, width)))
        self.query_one("#dashboard-agents", Static).update(
            lines(agent_lines(board, self.relance.settings.display_name, width)))
        self.query_one("#dashboard-method", Static).update(styled((f"{COLLECTED_METHOD}\n{DSO_METHOD}", "dim")))

    def action_next_period(self) -> None:
        self.kind = TAB_PERIODS[(TAB_PERIODS.index(self.kind) + 1) % len(TAB_PERIODS)]
        self.reload(force=True)
