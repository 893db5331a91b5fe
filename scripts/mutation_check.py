"""Run one module's mutants against a few chosen test files: minutes, where mutmut's own run takes hours.

mutmut runs, for each mutant, every selected test that reaches its function (hundreds for the store's plumbing)
after a statistics pass and a clean run of the whole selection. While writing tests for one module, the question
is narrower: which of this module's mutants do *these* tests miss? This script answers it in a scratch copy of
the project: it applies each mutant in turn (`mutmut apply`), runs the named tests with `-x` against the copy's
src/ (PYTHONPATH), and puts the file back. A survivor here may still be killed by a test elsewhere in the
suite; a kill here is a kill.

Usage, from the root of a scratch copy (never the working checkout: `mutmut apply` rewrites src/):
    git archive HEAD | tar -x -C /tmp/scratch && cd /tmp/scratch
    python scripts/mutation_sample.py --size 1 --out /dev/null relance_tui.store.lease   # generates mutants/
    python scripts/mutation_check.py relance_tui.store.lease tests/store/test_lease.py [more tests...]
        [--only NAME_OR_FUNCTION ...] [--out survivors.txt]
It prints each survivor (with `mutmut show`'s diff when --diff is given) and the count.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path


def mutants_of(module: str) -> list[str]:
    meta = Path("mutants/src", *module.split(".")).with_suffix(".py.meta")
    if not meta.exists():
        sys.exit(f"mutation_check: {meta} not found: generate the mutants first (see --help)")
    names = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return sorted(names, key=lambda n: (n.rsplit("__mutmut_", 1)[0], int(n.rsplit("__mutmut_", 1)[1])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("module", help="relance_tui.store.lease, relance_tui.io.import_rows...")
    parser.add_argument("tests", nargs="+", help="test files or node ids to run against each mutant")
    parser.add_argument("--only", nargs="*", default=[], help="mutant names or parts of them (a function name)")
    parser.add_argument("--out", type=Path, help="write the survivors' names here, one a line")
    parser.add_argument("--diff", action="store_true", help="print each survivor's diff")
    args = parser.parse_args()
    if Path(".git").exists():
        sys.exit("mutation_check: this looks like a git checkout; run it in a scratch copy (mutmut apply rewrites src/)")
    source = Path("src", *args.module.split(".")).with_suffix(".py")
    names = [n for n in mutants_of(args.module) if not args.only or any(o in n for o in args.only)]
    pristine = source.read_bytes()
    mutmut = Path(sys.executable).with_name("mutmut")
    env = dict(os.environ, PYTHONPATH="src")
    basetemp = Path(f"/tmp/mutation_check-{os.getpid()}")

    def run_tests() -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
             "--timeout=60", "--timeout-method=thread", f"--basetemp={basetemp}", *args.tests],
            env=env, capture_output=True, text=True)
        shutil.rmtree(basetemp, ignore_errors=True)
        return done

    clean = run_tests()  # a test failing on the original code would count every mutant killed
    if clean.returncode != 0:
        sys.exit(f"mutation_check: the tests fail on the original code:\n{clean.stdout[-3000:]}{clean.stderr[-2000:]}")
    survivors, started = [], time.monotonic()
    try:
        for i, name in enumerate(names, 1):
            subprocess.run([str(mutmut), "apply", name], check=True, capture_output=True)
            done = run_tests()
            source.write_bytes(pristine)
            verdict = {0: "survived", 1: "killed"}.get(done.returncode, f"exit {done.returncode}")
            print(f"[{i}/{len(names)}] {verdict:9} {name}", flush=True)
            if done.returncode == 0:
                survivors.append(name)
                if args.diff:
                    print(subprocess.run([str(mutmut), "show", name], capture_output=True, text=True).stdout)
            elif done.returncode not in (0, 1):
                print(re.sub(r"(?m)^", "    ", done.stdout[-2000:] + done.stderr[-2000:]))
    finally:
        source.write_bytes(pristine)
    print(f"{len(survivors)} of {len(names)} survived ({time.monotonic() - started:.0f} s)")
    if args.out:
        args.out.write_text("".join(f"{n}\n" for n in survivors), encoding="utf-8")


if __name__ == "__main__":
    main()
