"""Two agents, two Unix accounts, two SSH sessions, one database: a shared session played for real.

Needs root (it creates the accounts), Debian's openssh-server, and a system Python
that can make a venv the agents' accounts can run (pyenv under /root cannot be).
.ci/run installs what is missing; elsewhere the test skips and says why.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.e2e.tmux import TmuxSession, require_tmux

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
AGENTS = ("relance-e2e-a", "relance-e2e-b")
GROUP = "relance-e2e"
SYSTEM_PYTHON = "/usr/bin/python3"


def _skip_unless_possible() -> None:
    require_tmux()
    if os.geteuid() != 0:
        pytest.skip("needs root to create the agents' accounts (CI runs as root)")
    if not Path("/usr/sbin/sshd").exists() or not shutil.which("ssh"):
        pytest.skip("needs Debian's openssh-server and openssh-client (.ci/run installs them)")
    if not Path(SYSTEM_PYTHON).exists() or subprocess.run(
            [SYSTEM_PYTHON, "-c", "import ensurepip, sys; assert sys.version_info >= (3, 11)"],
            capture_output=True).returncode != 0:
        pytest.skip("needs a system Python 3.11+ with venv (python3-venv) for the agents' accounts")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(*cmd: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def office():
    """A world-readable install of relance, the agents' accounts, the shared folder, sshd on loopback."""
    _skip_unless_possible()
    base = Path(tempfile.mkdtemp(prefix="relance-ssh-", dir="/tmp"))
    base.chmod(0o755)
    venv = base / "venv"
    _run(SYSTEM_PYTHON, "-m", "venv", str(venv))
    _run(str(venv / "bin" / "pip"), "install", "-q", str(ROOT), timeout=900)
    relance = venv / "bin" / "relance"
    srv = base / "srv"
    today = time.strftime("%Y-%m-%d")
    srv.mkdir()
    _run(str(relance), "demo", "--db", str(srv / "relance.db"), "--size", "small", "--seed", "3", "--today", today,
         env={**os.environ, "RELANCE_AGENT": "setup"})
    for user in AGENTS:
        subprocess.run(["userdel", "-r", user], capture_output=True)
    _run("bash", str(ROOT / "scripts" / "office-setup.sh"), "--group", GROUP, "--dir", str(srv), "--agents",
         " ".join(AGENTS), "--create-users", "--supervisors", AGENTS[0], "--relance", str(relance),
         "--etc", str(base / "etc"))
    # keys: root's ssh client logs in as each agent
    keys = base / "keys"
    keys.mkdir(mode=0o700)
    for user in AGENTS:
        _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / user))
        ssh_dir = Path(f"/home/{user}/.ssh")
        ssh_dir.mkdir(mode=0o700, exist_ok=True)
        shutil.copy(keys / f"{user}.pub", ssh_dir / "authorized_keys")
        (ssh_dir / "authorized_keys").chmod(0o600)
        _run("chown", "-R", f"{user}:{user}", str(ssh_dir))
    host_key = base / "host_key"
    _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(host_key))
    port = _free_port()
    config = base / "sshd_config"
    config.write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {base}/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers {' '.join(AGENTS)}
AcceptEnv LANG LC_*
""")
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        if sshd.poll() is not None:
            pytest.skip(f"sshd could not start: {sshd.stderr.read()[-500:]}")
        time.sleep(0.1)
    try:
        yield {"base": base, "srv": srv, "relance": relance, "keys": keys, "port": port}
    finally:
        sshd.terminate()
        sshd.wait(timeout=10)
        for user in AGENTS:
            subprocess.run(["pkill", "-u", user], capture_output=True)
            subprocess.run(["userdel", "-r", user], capture_output=True)
        subprocess.run(["groupdel", GROUP], capture_output=True)
        if not os.environ.get("RELANCE_E2E_KEEP"):
            shutil.rmtree(base, ignore_errors=True)


def agent_session(office, user: str) -> TmuxSession:
    command = ["ssh", "-tt", "-i", str(office["keys"] / user), "-p", str(office["port"]),
               "-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={office['base'] / 'known_hosts'}",
               "-o", "LogLevel=ERROR", f"{user}@127.0.0.1",
               f"TERM=xterm-256color RELANCE_DB={office['srv'] / 'relance.db'} {office['relance']}"]
    return TmuxSession(command, {}, width=110, height=32)


def take_next_and_log_voicemail(session: TmuxSession) -> None:
    session.send("n")
    seen, _ = session.wait_for_any("Appel 00:0", "Attention avant d'appeler", "Plus personne", timeout=30)
    if seen == "Plus personne":
        raise AssertionError("the queue ran out")
    if seen != "Appel 00:0":  # outside calling hours when CI runs: give the reason, it is logged
        session.send("essai de bout en bout", "Enter")
        session.wait_for("Appel 00:0", timeout=30)
    session.send("f")
    session.wait_for("une touche, puis Ctrl+S")
    session.send("m")
    session.wait_for("Messagerie — Ctrl+S")
    session.send("C-s")
    session.wait_for("Session «", timeout=30)  # back on the Session tab


def test_two_agents_over_ssh_share_one_session(office):
    a, b = (agent_session(office, user) for user in AGENTS)
    try:
        for s in (a, b):
            s.wait_for("factures · tri", timeout=60)
        # agent A (a supervisor) opens the morning's session; agent B joins it
        a.send("F5")
        a.wait_for("Sessions :")
        a.send("o")
        a.wait_for("Ctrl+S l'ouvre")
        a.send("C-s")
        a.wait_for("Session «", timeout=60)
        b.send("F5")
        b.wait_for("ouverte")
        b.send("Enter")
        b.wait_for("Session «", timeout=30)
        # both take the next debtor and log a call, twice, interleaved
        for _ in range(2):
            take_next_and_log_voicemail(a)
            take_next_and_log_voicemail(b)
        # each sees the other's work appear without a key press
        a.wait_for(f"fait par {AGENTS[1]}", timeout=10)
        b.wait_for(f"fait par {AGENTS[0]}", timeout=10)
        for s in (a, b):
            s.send("q")
            s.wait_for("EXITED=", timeout=20)
    finally:
        a.close()
        b.close()
    with sqlite3.connect(office["srv"] / "relance.db") as conn:
        calls = conn.execute("SELECT agent, debtor_id FROM events WHERE kind = 'call' AND "
                             "json_extract(data, '$.session_id') IS NOT NULL").fetchall()
        done = conn.execute("SELECT done_by, COUNT(*) FROM session_items WHERE status = 'done' GROUP BY done_by"
                            ).fetchall()
    assert sorted(agent for agent, _ in calls) == sorted(AGENTS * 2)
    debtors = [d for _, d in calls]
    assert len(set(debtors)) == 4, f"a debtor was called twice: {calls}"
    assert dict(done) == {AGENTS[0]: 2, AGENTS[1]: 2}
    # the shared folder kept its group and modes: nobody else can read the database
    mode = (office["srv"] / "relance.db").stat().st_mode & 0o777
    assert mode == 0o660
