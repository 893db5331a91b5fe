"""Draw a random sample of mutants, for scripts/mutation.sh --sample: the score of a layer estimated in minutes.

All the mutants of store/ and io/ take more than ten hours on a 2-core machine (each runs the tests that reach
its function, hundreds for the store's plumbing); a sample of a few hundred, drawn at random with a fixed seed,
estimates the share killed with a known margin (the report gives its 95 % interval). The draw is by a hash of
each mutant's name and the seed, so the same seed draws mostly the same mutants before and after a change
elsewhere (the N first by hash: a module's mutants renumbered move only the draw's margin).

Usage (from the project root, by scripts/mutation.sh): python scripts/mutation_sample.py --size N --seed S
    [--jobs J] --out FILE PREFIX ...   where PREFIX is relance_tui.store, relance_tui.io.columns...
It makes mutmut generate the mutants (in mutants/, as `mutmut run` does first; mutmut prints as it goes), then
writes the sample's names to FILE, one a line, sorted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path


def generate(jobs: int) -> None:
    """mutmut's own first step of `mutmut run` (copy src/ and mutate it), without running anything."""
    try:
        from mutmut import __main__ as mm
        steps = (mm.copy_src_dir, mm.copy_also_copy_files, mm.setup_source_paths, mm.store_lines_covered_by_tests)
    except (ImportError, AttributeError) as exc:  # mutmut's internals moved: say so rather than guess
        sys.exit(f"mutation_sample: this mutmut has no generation step where 3.8 had it ({exc})")
    Path("mutants").mkdir(exist_ok=True)
    mm.set_mutant_under_test("mutant_generation")
    for step in steps:
        step()
    mm.create_mutants(jobs)


def mutant_names(prefixes: list[str]) -> list[str]:
    """Every mutant of these modules, from the .meta files mutmut writes beside each mutated file."""
    names = []
    for meta in sorted(Path("mutants/src").rglob("*.py.meta")):
        for name in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]:
            module = re.split(r"\.x[_ǁ]", name, maxsplit=1)[0]
            if any(module == p or module.startswith(p + ".") for p in prefixes):
                names.append(name)
    return sorted(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("prefixes", nargs="+")
    args = parser.parse_args()
    generate(args.jobs)
    names = mutant_names(args.prefixes)
    if not names:
        sys.exit("mutation_sample: no mutant in " + ", ".join(args.prefixes))
    # each mutant's place in the draw is a hash of its name and the seed: after other modules changed (their
    # mutants renumbered) the same seed draws mostly the same mutants, only the margin of the N first moving
    sample = sorted(names, key=lambda name: hashlib.sha256(f"{args.seed}:{name}".encode()).digest())[:args.size]
    print(f"mutation_sample: {len(sample)} of {len(names)} mutants (seed {args.seed})", file=sys.stderr)
    args.out.write_text("".join(f"{name}\n" for name in sorted(sample)), encoding="utf-8")


if __name__ == "__main__":
    main()
