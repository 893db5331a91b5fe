#!/usr/bin/env python3
"""A read-only command as a whole process (issue 19): ``relance export promises`` (the day's promises, CSV on
standard output) against a ``python3 -c`` process that runs the same query with sqlite3 and writes the same
rows with csv (the baseline: the same interpreter, the same SQL, no relance), started in turn in the same runs.

    .venv/bin/python scripts/bench_cli.py --db /tmp/large.db --runs 9   # an existing large demo (copied)
    .venv/bin/python scripts/bench_cli.py --runs 9                       # builds one first (about 40 s)

Goal: relance at most 2x the baseline (median of the pairwise ratios). Each figure: min / median / max.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_common import EXE, ROOT, bench_env, large_copy

DAY = "2026-11-23"

# the query relance runs (store/promises.py: _LINE_SQL and promises_made's condition), given by the parent
_BASELINE = r"""
import csv, sqlite3, sys
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
rows = conn.execute(sys.argv[2], sys.argv[3:5]).fetchall()
out = csv.writer(sys.stdout, delimiter=";")
out.writerow(["id", "debtor_id", "name", "contact", "invoices", "amount", "due", "status", "agent", "at", "notes",
              "instalments"])
out.writerows(rows)
"""


def wall(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="a large demo database, copied (default: one built first)")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    env = bench_env()
    env.pop("PYTHONPATH")  # the installed command, as agents run it
    folder, db = large_copy(args.db, env, "relance-bench-cli-")
    sys.path.insert(0, str(ROOT / "src"))
    from relance_tui.store.promises import _LINE_SQL, day_bounds

    start, end = day_bounds(dt.date.fromisoformat(DAY), "Europe/Paris")
    sql = f"{_LINE_SQL} WHERE p.created_at >= ? AND p.created_at < ? AND p.status <> 'cancelled' ORDER BY p.created_at, p.id"
    relance = [str(EXE), "--db", str(db), "export", "promises", "--date", DAY, "--format", "csv"]
    baseline = [sys.executable, "-c", _BASELINE, str(db), sql, start, end]
    for argv in (relance, baseline):  # warm the page cache and the bytecode
        wall(argv, env)
    ours, base = [], []
    for _ in range(args.runs):
        ours.append(wall(relance, env))
        base.append(wall(baseline, env))
    ratios = [a / b for a, b in zip(ours, base, strict=True)]
    ms = lambda xs: f"{min(xs) * 1000:8.0f} {statistics.median(xs) * 1000:8.0f} {max(xs) * 1000:8.0f}"  # noqa: E731
    print(f"relance: a read-only command on {args.db or db}; {args.runs} runs each, in turn: min / median / max")
    print(f"  {'relance export promises --format csv, whole process (ms)':<66}{ms(ours)}")
    print(f"  {'baseline: python3 -c, the same query with sqlite3 and csv (ms)':<66}{ms(base)}")
    print(f"  {'ratio, run by run (goal <= 2x)':<66}{min(ratios):8.2f} {statistics.median(ratios):8.2f} "
          f"{max(ratios):8.2f}")
    print(f"  (Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
