#!/usr/bin/env python3
"""Where a filter keystroke's time goes on the large demo (issue 19), without the screen: the first screen's read
(the index walk, the rows with their penalties and the plan's next step) and the whole list's ids, per prefix
typed, the least of 5 reads each, in ms. A profile, not a benchmark: scripts/bench.py app times the keystroke.

    .venv/bin/python scripts/profile_filter.py /tmp/benchd/large.db
"""
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from relance_tui.config import load_settings, resolve_paths
from relance_tui.store import open_store
from relance_tui.store.overdue import OverdueQuery, matching_ids
from relance_tui.tui.overdue import first_screen
db = sys.argv[1]
store = open_store(db, agent="bench", record_host=False)
office = load_settings(resolve_paths(db)).office
as_of = dt.date(2026, 11, 23)
rows = []
for word in ("garage", "dupont", "hotel", "0123"):
    for n in range(1, len(word) + 1):
        q = OverdueQuery(as_of=as_of, text=word[:n])
        fs, ids = [], []
        for _ in range(5):
            t = time.perf_counter(); keys, r = first_screen(store, q, office, 32); fs.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter(); k = matching_ids(store, q); ids.append((time.perf_counter() - t) * 1000)
        rows.append((word[:n], min(fs), min(ids), len(k)))
print(f"{'typed':<8}{'first screen ms':>16}{'all ids ms':>12}{'matches':>9}")
for w, a, b, n in rows:
    print(f"{w:<8}{a:>16.1f}{b:>12.1f}{n:>9}")
print("first screen: median", round(statistics.median(r[1] for r in rows), 1), "max", round(max(r[1] for r in rows), 1))
