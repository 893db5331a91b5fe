#!/usr/bin/env python3
"""Two machines on one database file through a network share: writes lost, doubled, or none (issue 20).

One folder is mounted twice with sshfs over a loopback sshd; each mount plays another machine (its writers
run in their own UTS namespace, with their own host name). Writers enter numbered rows through relance's own
``Store.write`` for a set time, through the server's local path and through both mounts, and log every write
they were told succeeded (outside the share). Then the harness counts:

  committed   writes the writers were told were stored
  present     rows in the file
  lost        told stored, not in the file
  duplicated  rows entered twice
  phantom     told failed, yet in the file (a retry would enter them twice)
  integrity   PRAGMA integrity_check of the file

With ``--kill``, the writers of the machine that holds the write lease are SIGKILLed half-way, and the run goes
on: another machine must take the lease over after its timeout.

    sudo scripts/shared_drive.py --seconds 60 --runs 5                # relance as it is
    sudo scripts/shared_drive.py --seconds 60 --baseline-src /tmp/wt-base/src   # and a baseline, same run

Needs root (mounts, namespaces), sshfs, /dev/fuse and Debian's openssh-server. tests/e2e/test_shared_drive.py
runs it and asserts; this script prints the table docs/benchmarks.md records.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WRITER = r'''
import os, sys, time, traceback
from pathlib import Path

db, name, seconds, out, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], float(sys.argv[5])
from relance_tui.store import open_store

log = open(out, "a", buffering=1)
end = time.monotonic() + seconds
store, n, said = None, 0, False


def open_it():
    try:
        return open_store(db, agent=name, lease_timeout=timeout, when_leased="readonly", retry_bound_s=20)
    except TypeError:  # a relance without the lease (a baseline)
        return open_store(db, agent=name, retry_bound_s=20)


while time.monotonic() < end:
    if store is None:
        try:
            store = open_it()
        except Exception as exc:
            log.write(f"openfail {type(exc).__name__}: {str(exc)[:300]}\n")
            time.sleep(0.5)
            continue
    if store.readonly:
        if not said:
            log.write(f"readonly {(store.notice() or '').replace(chr(10), ' ')}\n")
            said = True
        store.shutdown() if hasattr(store, "shutdown") else store.close()
        store = None
        time.sleep(0.5)  # as an agent would: open relance again a moment later
        continue
    n += 1
    log.write(f"try {n}\n")
    try:
        store.write(lambda d: d.execute("INSERT INTO probe (writer, n, at) VALUES (?, ?, ?)",
                                        [name, n, time.time()]), what="essai")
        log.write(f"ok {n}\n")
    except Exception as exc:
        log.write(f"fail {n} {type(exc).__name__}: {str(exc)[:200]}\n")
        try:
            store.close()
        except Exception:
            pass
        store = None
        time.sleep(0.2)
log.write("end\n")
'''


@dataclass
class Outcome:
    committed: int = 0
    present: int = 0
    lost: int = 0
    duplicated: int = 0
    phantom: int = 0
    failed: int = 0
    integrity: str = ""
    readonly_messages: dict[str, str] = field(default_factory=dict)
    writers_that_wrote: set[str] = field(default_factory=set)
    # how many times the machine writing changed, rows in time order: 0 for one machine, 1 for a takeover;
    # two machines writing together would alternate thousands of times
    handovers: int = 0
    fuse_hidden: int = 0

    def row(self) -> str:
        return (f"| {self.committed:,} | {self.present:,} | {self.lost:,} | {self.duplicated:,} | {self.phantom:,} "
                f"| {self.failed:,} | {self.integrity} |")


def possible() -> str | None:
    """Why this machine cannot run the scenario, or None."""
    if os.geteuid() != 0:
        return "needs root (FUSE mounts and UTS namespaces)"
    if not shutil.which("sshfs"):
        return "needs sshfs (Debian: apt-get install sshfs)"
    if not Path("/dev/fuse").exists():
        return "needs /dev/fuse (FUSE)"
    if not Path("/usr/sbin/sshd").exists() or not shutil.which("unshare"):
        return "needs Debian's openssh-server and util-linux's unshare"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The setups of issue 20's table: (writers on the server's local path, through mount a, through mount b,
# extra sshfs options)
SETUPS = {
    "one-mount": (0, 4, 0, ""),
    "two-mounts": (0, 2, 2, ""),
    "two-mounts-cache-no": (0, 2, 2, "cache=no"),
    "two-mounts-direct-io": (0, 2, 2, "cache=no,direct_io"),
    "local-and-mount": (1, 1, 0, ""),
    "mixed": (1, 2, 2, ""),
}


@contextlib.contextmanager
def shared_folder(options: str = "") -> Iterator[tuple[Path, Path, Path]]:
    """The server's folder and two sshfs mounts of it (two 'machines'); everything undone afterwards."""
    base = Path(tempfile.mkdtemp(prefix="relance-share-"))
    srv, a, b, keys = base / "srv", base / "a", base / "b", base / "keys"
    for d in (srv, a, b, keys):
        d.mkdir()
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / "id")], check=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / "host")], check=True)
    port = _free_port()
    (base / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\nPidFile {base / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {keys / 'id.pub'}\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        "UsePAM no\nPermitRootLogin prohibit-password\nStrictModes no\nSubsystem sftp internal-sftp\n")
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(base / "sshd_config")],
                            stderr=subprocess.DEVNULL)
    mounted: list[Path] = []
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        for mount in (a, b):
            subprocess.run(["sshfs", "-p", str(port), "-o",
                            f"IdentityFile={keys / 'id'},StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,"
                            f"BatchMode=yes{',' + options if options else ''}", f"root@127.0.0.1:{srv}", str(mount)],
                           check=True, timeout=30)
            mounted.append(mount)
        yield srv, a, b
    finally:
        for mount in mounted:
            subprocess.run(["fusermount3", "-u", "-z", str(mount)], capture_output=True)
        sshd.terminate()
        sshd.wait(timeout=10)
        shutil.rmtree(base, ignore_errors=True)


def _start(src: Path, db: Path, name: str, seconds: float, out: Path, timeout: float,
           host: str | None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(src), "RELANCE_AGENT": name}
    cmd = [sys.executable, "-c", WRITER, str(db), name, str(seconds), str(out), str(timeout)]
    if host:  # another machine: its own host name
        cmd = ["unshare", "--uts", "sh", "-c", f'hostname {host} && exec "$@"', "sh", *cmd]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _prepare(src: Path, db: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(src)}
    code = ("import sys; from relance_tui.store import open_store; s = open_store(sys.argv[1], agent='setup', "
            "create=True); s.write(lambda d: d.execute('CREATE TABLE probe (writer TEXT, n INTEGER, at REAL)')); "
            "getattr(s, 'shutdown', s.close)()")
    subprocess.run([sys.executable, "-c", code, str(db)], env=env, check=True, timeout=120)


def _holder(db: Path) -> str | None:
    try:
        import json

        return json.loads(db.with_name(db.name + ".lease").read_bytes().decode().strip())["host"]
    except (OSError, ValueError, KeyError):
        return None


def run_scenario(src: Path, seconds: float, *, kill_holder: bool = False, lease_timeout: float = 10.0,
                 setup: str = "mixed") -> Outcome:
    """The writers of ``setup`` (SETUPS) for ``seconds``; with ``kill_holder``, the lease holder's writers are
    SIGKILLed after ``seconds`` and the run goes on for ``seconds`` more."""
    local, on_a, on_b, options = SETUPS[setup]
    with shared_folder(options) as (srv, a, b), tempfile.TemporaryDirectory(prefix="relance-share-logs-") as logs:
        logs = Path(logs)
        _prepare(src, srv / "relance.db")
        server_host = socket.gethostname()
        total = seconds * (2 if kill_holder else 1)
        writers: dict[str, tuple[subprocess.Popen, str, Path]] = {}
        plan = ([(f"serveur-{i}", srv, None) for i in range(local)]
                + [(f"machine-a-{i}", a, "machine-a") for i in range(on_a)]
                + [(f"machine-b-{i}", b, "machine-b") for i in range(on_b)])
        for name, folder, host in plan:
            out = logs / f"{name}.log"
            writers[name] = (_start(src, folder / "relance.db", name, total, out, lease_timeout, host),
                             host or server_host, out)
            if name == plan[0][0]:  # the first agent starts alone, and takes the lease before the others come
                deadline = time.monotonic() + 60
                while _holder(srv / "relance.db") is None and time.monotonic() < deadline:
                    time.sleep(0.1)
                time.sleep(0.5)
        if kill_holder:
            time.sleep(seconds)
            holder = _holder(srv / "relance.db")
            for proc, host, _ in writers.values():
                if host == holder:
                    proc.send_signal(signal.SIGKILL)
        for proc, _, _ in writers.values():
            try:
                proc.wait(timeout=total + 120)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        time.sleep(0.5)
        outcome = _count(srv / "relance.db", writers)
        outcome.fuse_hidden = sum(1 for p in srv.iterdir() if p.name.startswith(".fuse_hidden"))
        return outcome


def _count(db: Path, writers: dict[str, tuple[subprocess.Popen, str, Path]]) -> Outcome:
    outcome = Outcome()
    told_ok: set[tuple[str, int]] = set()
    told_failed: set[tuple[str, int]] = set()
    for name, (_, host, out) in writers.items():
        for line in out.read_text(errors="replace").splitlines() if out.exists() else []:
            word, _, rest = line.partition(" ")
            if word == "ok":
                told_ok.add((name, int(rest)))
            elif word == "fail":
                told_failed.add((name, int(rest.split(" ", 1)[0])))
            elif word == "readonly":
                outcome.readonly_messages.setdefault(host, rest)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        outcome.integrity = "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()[:3])
        rows = conn.execute("SELECT writer, n FROM probe ORDER BY at").fetchall()
    except sqlite3.DatabaseError as exc:
        outcome.integrity = f"integrity_check fails: {exc}"
        rows = []
    finally:
        conn.close()
    present = set(rows)
    outcome.committed = len(told_ok)
    outcome.present = len(rows)
    outcome.duplicated = len(rows) - len(present)
    outcome.lost = len(told_ok - present)
    outcome.phantom = len(told_failed & present)
    outcome.failed = len(told_failed)
    outcome.writers_that_wrote = {writers[w][1] for w, _ in present if w in writers}
    machines = [writers[w][1] for w, _ in rows if w in writers]
    outcome.handovers = sum(1 for a, b in zip(machines, machines[1:]) if a != b)
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kill", action="store_true", help="SIGKILL the lease holder half-way")
    parser.add_argument("--lease-timeout", type=float, default=10.0,
                        help="seconds without a heartbeat before another machine takes the lease (relance: 30); "
                             "below a few seconds, a holder stalled by a loaded disk counts as gone")
    parser.add_argument("--setup", choices=sorted(SETUPS), default="mixed",
                        help="who writes through what (default: 1 local, 2 + 2 through two mounts)")
    parser.add_argument("--baseline-src", type=Path, help="another relance's src/ (e.g. a worktree before the lease)")
    args = parser.parse_args(argv)
    why = possible()
    if why:
        print(f"shared_drive: cannot run here: {why}", file=sys.stderr)
        return 2
    sources = [("relance (this checkout)", ROOT / "src")]
    if args.baseline_src:
        sources.insert(0, ("baseline", args.baseline_src))
    local, on_a, on_b, options = SETUPS[args.setup]
    print(f"{args.runs} run(s) of {args.seconds:.0f} s{' + kill of the holder, then as long again' if args.kill else ''}"
          f", setup {args.setup}: {local} writer(s) on the server's local path, {on_a} through mount a, {on_b} "
          f"through mount b{f' (sshfs -o {options})' if options else ''}")
    print("| code | committed | present | lost | duplicated | phantom | failed | integrity |")
    print("|---|---|---|---|---|---|---|---|")
    for label, src in sources:
        outcomes = []
        for _ in range(args.runs):
            outcome = run_scenario(src, args.seconds, kill_holder=args.kill, setup=args.setup,
                                   lease_timeout=args.lease_timeout)
            outcomes.append(outcome)
            print(f"| {label} {outcome.row()}  machines that wrote: {', '.join(sorted(outcome.writers_that_wrote))} "
                  f"({outcome.handovers} handover(s)); "
                  f".fuse_hidden left: {outcome.fuse_hidden}; read-only: {', '.join(sorted(outcome.readonly_messages))}",
                  flush=True)
        committed = [o.committed for o in outcomes]
        print(f"  {label}: committed min/median/max {min(committed):,} / {statistics.median(committed):,.0f} / "
              f"{max(committed):,}; lost total {sum(o.lost for o in outcomes):,}; duplicated total "
              f"{sum(o.duplicated for o in outcomes):,}; integrity not ok in "
              f"{sum(o.integrity != 'ok' for o in outcomes)} run(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
