#!/usr/bin/env bash
# Mutation testing of domain/, store/ and io/ with mutmut 3: do the tests notice when the code is changed?
# A developer tool, slow (minutes per module; store/ and io/ whole take more than ten hours on a 2-core machine,
# hence --sample): not part of .ci/run.
#
# Usage: scripts/mutation.sh [-j N] [--report] [--sample N [--seed S] [--again]] [TARGET ...]
#   TARGET   domain, store, io (the default: all three), or one module: domain/dates, store/queue.py,
#            relance_tui.io.csvout
#   -j N     mutmut's --max-children (default 1: the machine is shared; 2 on an idle 2-core machine)
#   --report only print the scores of the last run, without running mutmut
#   --sample N  run N mutants drawn at random (seed S, default 1) among the targets' and report the score
#            of the sample with its 95 % interval: store/ and io/ whole take more than ten hours here
#            (scripts/mutation_sample.py draws them; --report --sample reads the last sample's names)
#   --again  with --sample, in a workspace that ran the same sample before: run only the drawn mutants no
#            test killed then (and those of changed modules, which mutmut made anew, and the timeouts, which a
#            loaded machine can give a survivor); a killed mutant stays
#            killed when tests were only added. Not after a test was changed or removed, nor after
#            [tool.mutmut]'s test selection changed (mutmut then forgets every result): run it whole.
#
# mutmut's settings are in pyproject.toml ([tool.mutmut]); it works in mutants/ (ignored by git and by
# pytest). The score of a layer or module is killed / total, where killed counts the mutants a test failed
# on (or timed out on) plus the survivors docs/mutation.md records as equivalent under its heading
# "## Equivalent mutants" (one line each: "- `relance_tui.….x_name__mutmut_N`: why"). Every other
# survivor is listed. Mutant numbers follow the source: after a module changes, re-check its equivalents
# (an equivalent name that did not survive this run is reported as stale).
set -euo pipefail
cd "$(dirname "$0")/.."

MUTMUT=${MUTMUT:-.venv/bin/mutmut}
PYTHON=${PYTHON:-.venv/bin/python}
jobs=1
report_only=0
sample=0
seed=1
again=0
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        -j) jobs="$2"; shift 2 ;;
        -j*) jobs="${1#-j}"; shift ;;
        --report) report_only=1; shift ;;
        --sample) sample="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --again) again=1; shift ;;
        -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=(domain store io)

# each target as a module prefix (relance_tui.domain, relance_tui.domain.dates) and as mutmut's pattern
prefixes=()
for t in "${targets[@]}"; do
    t="${t%.py}"
    t="${t#src/}"
    t="${t#relance_tui/}"
    t="${t#relance_tui.}"
    t="${t//\//.}"
    case "$t" in
        domain|store|io|domain.*|store.*|io.*) ;;
        *) echo "unknown target: $t (domain, store, io or one of their modules)" >&2; exit 2 ;;
    esac
    module="relance_tui.$t"
    if [ ! -e "src/${module//.//}.py" ] && [ ! -d "src/${module//.//}" ]; then
        echo "unknown target: $t (neither src/${module//.//}.py nor src/${module//.//}/)" >&2
        exit 2
    fi
    prefixes+=("$module")
done

sample_file=""
if [ "$sample" != 0 ]; then
    sample_file=mutants/sample.txt
    if [ "$report_only" = 0 ]; then
        "$PYTHON" scripts/mutation_sample.py --size "$sample" --seed "$seed" --jobs "$jobs" \
            --out "$sample_file" "${prefixes[@]}"
        to_run="$sample_file"
        if [ "$again" = 1 ]; then
            to_run=mutants/sample-again.txt
            # the drawn mutants whose last result is not a kill (or that have none: made anew); a timeout is run
            # again too: on a loaded machine a survivor can overrun mutmut's wall-clock limit
            "$MUTMUT" results --all true 2>/dev/null | "$PYTHON" -c '
import sys
drawn = set(open(sys.argv[1], encoding="utf-8").read().split())
detected = ("killed", "caught by type check", "segfault")  # as the report counts them, less timeouts
done = {n for n, _, s in (line.strip().rpartition(": ") for line in sys.stdin) if s in detected}
sys.stdout.write("".join(f"{n}\n" for n in sorted(drawn - done)))' "$sample_file" > "$to_run"
            echo "running again $(grep -c . "$to_run") of the sample's $(grep -c . "$sample_file") mutants"
        fi
        # named mutants are run again even when an older run has their result
        # (-r: nothing left to run must not become a run of every mutant)
        [ ! -s "$to_run" ] || xargs -r -a "$to_run" "$MUTMUT" run --max-children "$jobs"
    fi
    [ -s "$sample_file" ] || { echo "no sample drawn yet (run with --sample N first)" >&2; exit 2; }
elif [ "$report_only" = 0 ]; then
    patterns=()
    for p in "${prefixes[@]}"; do patterns+=("$p.*"); done
    # named patterns make mutmut run their mutants again rather than keep results of an older run
    "$MUTMUT" run --max-children "$jobs" "${patterns[@]}"
fi

# (the report reads mutmut's results itself: its own stdin is this here-document)
MUTMUT="$MUTMUT" SAMPLE="$sample_file" "$PYTHON" - "${prefixes[@]}" <<'PY'
"""Read `mutmut results --all true` ("    name: status" lines) and print the score per layer and module."""

import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

DETECTED = {"killed", "timeout", "caught by type check", "segfault"}
prefixes = sys.argv[1:]


def equivalents() -> dict[str, str]:
    """Mutant name -> why it is equivalent, from docs/mutation.md's "## Equivalent mutants" section.

    One item per line: "- `relance_tui.mod.x_fn__mutmut_3`, `…_5`: why"; `…_N` is the previous full
    name's function with another number.
    """
    doc = Path("docs/mutation.md")
    out, inside = {}, False
    for line in doc.read_text(encoding="utf-8").splitlines() if doc.exists() else ():
        if line.startswith("## "):
            inside = line.strip().lower() == "## equivalent mutants"
            continue
        if not inside or not line.lstrip().startswith(("- ", "* ")):
            continue
        why = line.rsplit("`:", 1)[-1].strip()
        function = None
        for token in re.findall(r"`([^`]+)`", line):
            full = re.fullmatch(r"(relance_tui\.\S+)__mutmut_(\d+)", token)
            short = re.fullmatch(r"(?:…|\.\.\.)_(\d+)", token)
            if full:
                function = full.group(1)
                out[token] = why
            elif short and function:
                out[f"{function}__mutmut_{short.group(1)}"] = why
    return out


def module_of(name: str) -> str:
    return re.split(r"\.x[_ǁ]", name, maxsplit=1)[0]


status = {}
results = subprocess.run([os.environ["MUTMUT"], "results", "--all", "true"], capture_output=True, text=True,
                         check=True).stdout
for line in results.splitlines():
    name, sep, state = line.strip().rpartition(": ")
    if sep and "__mutmut_" in name:
        status[name] = state
wanted = {n: s for n, s in status.items()
          if any(module_of(n) == p or module_of(n).startswith(p + ".") for p in prefixes)}
sample = os.environ.get("SAMPLE")
if sample:  # the score of a random sample: only its mutants count, with the margin of a sample
    drawn = set(Path(sample).read_text(encoding="utf-8").split())
    wanted = {n: s for n, s in wanted.items() if n in drawn}
# a run stopped before its end: the mutants it never ran are counted apart, not as survivors
unchecked = sorted(n for n, s in wanted.items() if s == "not checked")
wanted = {n: s for n, s in wanted.items() if s != "not checked"}
if not wanted:
    sys.exit("no mutmut results for " + ", ".join(prefixes) + " (run the script without --report)")
equiv = equivalents()

by_module: dict[str, list[str]] = defaultdict(list)
for name in wanted:
    by_module[module_of(name)].append(name)


def score(names: list[str]) -> tuple[int, int, int]:
    detected = sum(wanted[n] in DETECTED for n in names)
    equivalent = sum(wanted[n] not in DETECTED and n in equiv for n in names)
    return detected + equivalent, len(names), equivalent


def wilson(killed: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % interval of a share measured on a random sample (Wilson's, sound near 0 and 100 %)."""
    p = killed / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * ((p * (1 - p) + z * z / (4 * total)) / total) ** 0.5 / (1 + z * z / total)
    return 100 * (centre - half), 100 * (centre + half)


def line(label: str, names: list[str]) -> str:
    killed, total, equivalent = score(names)
    note = f" ({equivalent} of them equivalent)" if equivalent else ""
    if sample:
        low, high = wilson(killed, total)
        note = f"  [95 %: {low:.1f} to {high:.1f}]" + note
    return f"{label:<40} {killed:>5} / {total:<5} {100 * killed / total:6.1f} %{note}"


layers = sorted({".".join(m.split(".")[:2]) for m in by_module})
print(f"{'module':<40} {'killed':>5} / total")
for layer in layers:
    modules = sorted(m for m in by_module if m == layer or m.startswith(layer + "."))
    for module in modules:
        print(line("  " + module.removeprefix("relance_tui."), by_module[module]))
    print(line(layer.removeprefix("relance_tui.") + "/", [n for m in modules for n in by_module[m]]))
print(line("all", list(wanted)))
if unchecked:
    modules = sorted({module_of(n).removeprefix("relance_tui.") for n in unchecked})
    print(f"\nNot run (the run was stopped): {len(unchecked)} mutants, in {', '.join(modules)}")

survivors = sorted(n for n, s in wanted.items() if s not in DETECTED and n not in equiv)
if survivors:
    print(f"\nSurvivors ({len(survivors)}; '.venv/bin/mutmut show NAME' shows the change):")
    for n in survivors:
        print(f"  {n}: {wanted[n]}")
stale = sorted(n for n in equiv if n in wanted and wanted[n] in DETECTED)
stale += sorted(n for n in equiv if any(n.startswith(p + ".") for p in prefixes) and n not in status)
if stale:
    print("\nEquivalents in docs/mutation.md that were killed or no longer exist (stale, review them):")
    for n in stale:
        print(f"  {n}: {status.get(n, 'absent')}")
PY
