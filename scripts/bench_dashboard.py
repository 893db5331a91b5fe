#!/usr/bin/env python3
"""The supervisor's figures at scale (issue 18), on the large demo (20,000 debtors, 200,000 invoices, 1,000,000
events): the Tableau de bord tab's first paint and ``relance report --format md`` next to the overdue list's
first paint, measured in the same runs; then what the aged balance kept day by day costs on disk for an office
of 600 debtors.

    .venv/bin/python scripts/bench_dashboard.py --db /tmp/large.db --runs 5   # an existing large demo
    .venv/bin/python scripts/bench_dashboard.py --runs 5                       # builds one first (about 40 s)

Goals: the tab under 300 ms, the report under 2 s, the history under 1 MB a year for 600 debtors. Each figure:
min / median / max of the runs, in ms.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import EXE, ROOT, bench_env, make_demo, spread

_PAINT_CHILD = r"""
import asyncio, sys, time
sys.path.insert(0, sys.argv[1])
from relance_tui.config import load_settings, resolve_paths
from relance_tui.store import open_store
from relance_tui.tui.app import RelanceApp
from relance_tui.tui.dashboard import DashboardView
from relance_tui.tui.virtual_table import VirtualTable

# the list's first row drawn from the app's start; the tab's figures on screen after F7, then after p
first = {}
render_line = VirtualTable.render_line
def drawing(self, y):
    if self.rows and self.id not in first:
        first[self.id] = time.perf_counter()
    return render_line(self, y)
VirtualTable.render_line = drawing
loaded = DashboardView.on_dashboard_view_loaded
def shown(self, message):
    loaded(self, message)
    kind = self.kind
    self.app.call_after_refresh(lambda: first.setdefault(kind, time.perf_counter()))
DashboardView.on_dashboard_view_loaded = shown
agents_loaded = DashboardView.on_dashboard_view_agents_loaded
def agents_shown(self, message):
    agents_loaded(self, message)
    kind = self.kind + "-agents"
    self.app.call_after_refresh(lambda: first.setdefault(kind, time.perf_counter()))
DashboardView.on_dashboard_view_agents_loaded = agents_shown

async def main():
    db = sys.argv[2]
    t0 = time.perf_counter()
    store = open_store(db, agent="bench", record_host=False)
    app = RelanceApp(store, load_settings(resolve_paths(db)), live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        while "overdue" not in first:
            await asyncio.sleep(0.005)
        list_ms = (first["overdue"] - t0) * 1000
        await asyncio.sleep(0.5)  # the list settled (its counts, the aging bar)
        t1 = time.perf_counter()
        await pilot.press("f7")
        while "month-agents" not in first:
            await asyncio.sleep(0.005)
        month_ms, month_agents_ms = (first["month"] - t1) * 1000, (first["month-agents"] - t1) * 1000
        t2 = time.perf_counter()
        await pilot.press("p")
        while "year-agents" not in first:
            await asyncio.sleep(0.005)
        year_ms, year_agents_ms = (first["year"] - t2) * 1000, (first["year-agents"] - t2) * 1000
    print(f"LIST {list_ms:.1f} MONTH {month_ms:.1f} {month_agents_ms:.1f} YEAR {year_ms:.1f} {year_agents_ms:.1f}",
          flush=True)

asyncio.run(main())
"""



def history_bytes(exe: Path, env: dict[str, str]) -> tuple[int, int]:
    """Bytes a year of history adds to an office demo (600 debtors), measured on a vacuumed file; and its rows."""
    folder = Path(tempfile.mkdtemp(prefix="relance-bench-history-"))
    db = folder / "office.db"
    make_demo(db, env, "office", quiet=True)
    with sqlite3.connect(db) as conn:
        conn.execute("VACUUM")
    before = db.stat().st_size
    subprocess.run([str(exe), "--db", str(db), "snapshots", "rebuild"], check=True, capture_output=True, env=env)
    with sqlite3.connect(db) as conn:
        days, rows = conn.execute("SELECT (SELECT COUNT(*) FROM aging_days), (SELECT COUNT(*) FROM aging_history)"
                                  ).fetchone()
        conn.execute("VACUUM")
    return round((db.stat().st_size - before) * 365 / days), round(rows * 365 / days)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="a large demo database (default: built in a temporary folder)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    exe = EXE
    env = bench_env()
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp(prefix="relance-bench-dashboard-")) / "large.db"
        make_demo(db, env)
    env["RELANCE_DATA_DIR"] = str(db.parent / "data")
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM aging_history")
        conn.execute("DELETE FROM aging_days")
    t0 = time.perf_counter()
    subprocess.run([str(exe), "--db", str(db), "snapshots", "rebuild"], check=True, capture_output=True, env=env)
    rebuild_ms = (time.perf_counter() - t0) * 1000
    print(f"relance: the supervisor's figures on {db}; {args.runs} runs each, ms: min / median / max")
    timings: dict[str, list[float]] = {"version": [], "report": [], "report_year": [], "list": [], "month": [],
                                       "month_agents": [], "year": [], "year_agents": []}
    for _ in range(args.runs):
        for key, argv in (("version", ["--version"]), ("report", ["report", "--format", "md"]),
                          ("report_year", ["report", "--format", "md", "--period", "year"])):
            t0 = time.perf_counter()
            subprocess.run([str(exe), "--db", str(db), *argv], check=True, capture_output=True, env=env)
            timings[key].append((time.perf_counter() - t0) * 1000)
        out = subprocess.run([sys.executable, "-c", _PAINT_CHILD, str(ROOT / "src"), str(db)], check=True,
                             capture_output=True, text=True, env=env).stdout.split()
        timings["list"].append(float(out[1]))
        timings["month"].append(float(out[3]))
        timings["month_agents"].append(float(out[4]))
        timings["year"].append(float(out[6]))
        timings["year_agents"].append(float(out[7]))
    print(f"  {'overdue list: app start to its first rows painted (baseline)':<72}{spread(timings['list'])}")
    print(f"  {'Tableau de bord: F7 to the month figures and charts on screen (goal < 300)':<72}"
          f"{spread(timings['month'])}")
    print(f"  {'  and its agents table filled in':<72}{spread(timings['month_agents'])}")
    print(f"  {'  then p: the twelve months figures and charts on screen (goal < 300)':<72}{spread(timings['year'])}")
    print(f"  {'  and its agents table filled in (290,000 calls read)':<72}{spread(timings['year_agents'])}")
    print(f"  {'relance report --format md, month (whole process; goal < 2,000)':<72}{spread(timings['report'])}")
    print(f"  {'  the same, twelve months':<72}{spread(timings['report_year'])}")
    print(f"  {'  for scale: relance --version (process start alone)':<72}{spread(timings['version'])}")
    print(f"  {'relance snapshots rebuild: 400 days, once (whole process)':<72}{rebuild_ms:8.0f}")
    size, rows = history_bytes(exe, env)
    print(f"  {'history of an office of 600 debtors: bytes a year (goal < 1,000,000)':<72}{size:>8,}")
    print(f"  {'  rows a year':<72}{rows:>8,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
