#!/usr/bin/env python3
"""The dunning plan at scale (issue 15): ``relance plan run --dry-run`` on the large demo (20,000 debtors,
200,000 invoices, 1,000,000 events), and the À faire tab's first paint next to the overdue list's, measured in
the same run.

    .venv/bin/python scripts/bench_plan.py --db /tmp/large.db --runs 5      # an existing large demo
    .venv/bin/python scripts/bench_plan.py --runs 5                          # builds one first (about 40 s)

Goals: the run under 2 s; the tab no slower than the list. Each figure: min / median / max of the runs.
"""

from __future__ import annotations

import argparse
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
from relance_tui.tui.virtual_table import VirtualTable

# the first row drawn of each table, after a mark: the list from the app's start, the agenda from F6
first = {}
render_line = VirtualTable.render_line
def drawing(self, y):
    if self.rows and self.id not in first:
        first[self.id] = time.perf_counter()
    return render_line(self, y)
VirtualTable.render_line = drawing

async def main():
    db = sys.argv[2]
    t0 = time.perf_counter()
    prefetch = sys.argv[3] == "prefetch"
    store = open_store(db, agent="bench", record_host=False)
    app = RelanceApp(store, load_settings(resolve_paths(db)), live=False, prefetch_agenda=prefetch)
    async with app.run_test(size=(100, 30)) as pilot:
        while "overdue" not in first:
            await asyncio.sleep(0.005)
        list_ms = (first["overdue"] - t0) * 1000
        await asyncio.sleep(0.5)  # the list settled (its counts, the aging bar)
        if prefetch:  # as an agent finds it a few seconds after start: read in the background
            while app.agenda_view is None or not app.agenda_view.items:
                await asyncio.sleep(0.01)
        t1 = time.perf_counter()
        await pilot.press("f6")
        while "agenda-table" not in first:
            await asyncio.sleep(0.005)
        agenda_ms = (first["agenda-table"] - t1) * 1000
    print(f"LIST {list_ms:.1f} AGENDA {agenda_ms:.1f}", flush=True)

asyncio.run(main())
"""



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="a large demo database (default: built in a temporary folder)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    exe = EXE
    env = bench_env()
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp(prefix="relance-bench-plan-")) / "large.db"
        make_demo(db, env)
    env["RELANCE_DATA_DIR"] = str(db.parent / "data")
    counts = subprocess.run([str(exe), "--db", str(db), "plan", "run", "--dry-run", "--send"], check=True,
                            capture_output=True, text=True, env=env).stdout.splitlines()[0]
    print(f"relance: the dunning plan on {db} ({counts}); {args.runs} runs each, ms: min / median / max")
    timings: dict[str, list[float]] = {"version": [], "run": [], "list": [], "agenda": [], "scratch": []}
    for _ in range(args.runs):
        for key, argv in (("version", ["--version"]), ("run", ["plan", "run", "--dry-run", "--send"])):
            t0 = time.perf_counter()
            subprocess.run([str(exe), "--db", str(db), *argv], check=True, capture_output=True, env=env)
            timings[key].append((time.perf_counter() - t0) * 1000)
        for mode, key in (("prefetch", "agenda"), ("scratch", "scratch")):
            out = subprocess.run([sys.executable, "-c", _PAINT_CHILD, str(ROOT / "src"), str(db), mode], check=True,
                                 capture_output=True, text=True, env=env).stdout.split()
            if mode == "prefetch":
                timings["list"].append(float(out[1]))
            timings[key].append(float(out[3]))
    print(f"  {'relance plan run --dry-run --send (whole process; goal < 2,000)':<72}{spread(timings['run'])}")
    print(f"  {'  for scale: relance --version (process start alone)':<72}{spread(timings['version'])}")
    print(f"  {'overdue list: app start to its first rows painted (baseline)':<72}{spread(timings['list'])}")
    print(f"  {'À faire tab: F6 to first rows, read in the background at start (<= list)':<72}"
          f"{spread(timings['agenda'])}")
    print(f"  {'  the same, F6 pressed before that reading (computed from scratch)':<72}{spread(timings['scratch'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
