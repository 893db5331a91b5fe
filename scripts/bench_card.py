#!/usr/bin/env python3
"""The debtor card of a large customer (issue 19), on the large demo (20,000 debtors, 200,000 invoices): the
card of the debtor with the most invoices (1,449 on seed 1), from the key that opens it to the frame that shows
its invoices, next to the card of a debtor with 11 invoices measured in the same runs (the baseline).

    .venv/bin/python scripts/bench_card.py --db /tmp/large.db --runs 5   # an existing large demo (copied)
    .venv/bin/python scripts/bench_card.py --runs 5                       # builds one first (about 40 s)

Goal: under 100 ms for the large card. Each figure: min / median / max, in ms.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from bench_common import ROOT, bench_env, large_copy, spread

_CARD_CHILD = r"""
import asyncio, sys, time
sys.path.insert(0, sys.argv[1])
from relance_tui.config import load_settings, resolve_paths
from relance_tui.store import open_store
from relance_tui.tui.app import RelanceApp
from relance_tui.tui.card import DebtorScreen

# from the moment the card is asked for to the end of the first refresh after its data is on screen
shown = {}
loaded = DebtorScreen.on_debtor_screen_loaded
def timed_loaded(self, message):
    loaded(self, message)
    self.app.call_after_refresh(lambda: shown.setdefault(self.debtor_id, time.perf_counter()))
DebtorScreen.on_debtor_screen_loaded = timed_loaded

async def main():
    db = sys.argv[2]
    store = open_store(db, agent="bench", record_host=False)
    app = RelanceApp(store, load_settings(resolve_paths(db)), live=False)
    out = []
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        for debtor in map(int, sys.argv[3:]):
            t0 = time.perf_counter()
            app.open_debtor_card(debtor)
            while debtor not in shown:
                await asyncio.sleep(0.001)
            out.append(f"{(shown[debtor] - t0) * 1000:.1f}")
            await pilot.pause(0.2)
            await pilot.press("escape")
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
    print("CARDS " + " ".join(out), flush=True)

asyncio.run(main())
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="a large demo database, copied (default: one built first)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = bench_env()
    folder, db = large_copy(args.db, env, "relance-bench-card-")
    with sqlite3.connect(db) as conn:
        big, many = conn.execute("SELECT debtor_id, COUNT(*) n FROM invoices GROUP BY debtor_id "
                                 "ORDER BY n DESC LIMIT 1").fetchone()
        small, few = conn.execute("SELECT debtor_id, COUNT(*) n FROM invoices GROUP BY debtor_id "
                                  "HAVING n BETWEEN 10 AND 12 ORDER BY debtor_id LIMIT 1").fetchone()
    print(f"relance: debtor cards on {args.db or db}; {args.runs} runs each, ms: min / median / max")
    timings: dict[str, list[float]] = {"small": [], "big": []}
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", _CARD_CHILD, str(ROOT / "src"), str(db), str(small), str(big)],
                             check=True, capture_output=True, text=True, env=env).stdout.split()
        timings["small"].append(float(out[1]))
        timings["big"].append(float(out[2]))
    print(f"  {f'card of a debtor with {few} invoices, asked for to shown (baseline)':<72}{spread(timings['small'])}")
    print(f"  {f'card of the debtor with {many:,} invoices, asked for to shown (goal < 100)':<72}"
          f"{spread(timings['big'])}")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
