"""Start-up of two checkouts side by side: process start to first painted list, headless, interleaved.

    python scripts/startup_compare.py BEFORE_TREE BEFORE_DB AFTER_TREE AFTER_DB [ROUNDS]

Each tree runs its own ``scripts/bench.py`` first-paint child (on its own copy of a dataset: a newer tree
migrates it); each round takes the median of 5 starts per tree and of a bare Textual app. Prints each
round, then min/median/max. A measurement, not a test: record it in docs/benchmarks.md.
"""

import importlib.util
import statistics
import sys


def _load(name: str, path: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> None:
    before_tree, before_db, after_tree, after_db = argv[:4]
    rounds = int(argv[4]) if len(argv) > 4 else 5
    before = _load("bench_before", f"{before_tree}/scripts/bench.py")
    after = _load("bench_after", f"{after_tree}/scripts/bench.py")
    res: dict[str, list[float]] = {"before": [], "after": [], "bare": []}
    for r in range(rounds):
        res["before"].append(before._to_first_paint(before._FIRST_PAINT_CHILD, before_db)[0])
        res["after"].append(after._to_first_paint(after._FIRST_PAINT_CHILD, after_db)[0])
        res["bare"].append(after._to_first_paint(after._BARE_CHILD)[0])
        print(r, {k: round(v[-1] * 1000) for k, v in res.items()}, flush=True)
    for k, v in res.items():
        print(f"{k}: min {min(v) * 1000:.0f} median {statistics.median(v) * 1000:.0f} max {max(v) * 1000:.0f} ms")


if __name__ == "__main__":
    main(sys.argv[1:])
