"""What the whole-process benchmarks share (bench_plan.py, bench_dashboard.py, bench_sessions_tab.py): where the
project is, the installed command, its environment, a demo database, and how a figure's runs are printed."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent / "relance"  # the installed command, as the agents run it


def bench_env() -> dict[str, str]:
    """The environment of the commands and children the benchmarks start: the checkout's code, agent "bench"."""
    return {**os.environ, "RELANCE_AGENT": "bench", "PYTHONPATH": str(ROOT / "src")}


def make_demo(db: Path, env: dict[str, str], size: str = "large", *, quiet: bool = False) -> Path:
    """A demo database (seed 1) at ``db``: the large one (20,000 debtors, 200,000 invoices, 1,000,000 events)
    takes about 40 s."""
    subprocess.run([str(EXE), "demo", "--db", str(db), "--size", size, "--seed", "1"], check=True, env=env,
                   capture_output=quiet)
    return db


def spread(values: list[float]) -> str:
    """min / median / max of a figure's runs, in whole units."""
    return f"{min(values):8.0f} {statistics.median(values):8.0f} {max(values):8.0f}"


def large_copy(given: Path | None, env: dict[str, str], prefix: str) -> tuple[Path, Path]:
    """A private folder and, in it, a copy of the large demo ``given`` (built there when None): the benchmark's
    own file, and the commands' data folder inside it (``env`` gains RELANCE_DATA_DIR). Returns (folder, db)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix=prefix))
    db = folder / "large.db"
    if given is None:
        make_demo(db, {**env, "PYTHONPATH": str(ROOT / "src")})
    else:
        shutil.copyfile(given, db)
    env["RELANCE_DATA_DIR"] = str(folder / "data")
    return folder, db
