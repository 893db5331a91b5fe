"""Two agents, two Unix accounts, two SSH sessions, one database: a shared session played for real.

The office is laid out by scripts/office-setup.sh (moving a database first made the old way,
in the office folder), and sshd takes the ForceCommand block the script writes: agents get
relance and nothing else. Then agent B, given a shell anyway, tries to take the office over:
replace relance.toml or a template, export onto the database.

Needs root (it creates the accounts), Debian's openssh-server, and a system Python
that can make a venv the agents' accounts can run (pyenv under /root cannot be).
.ci/run installs what is missing; elsewhere the test skips and says why.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
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


def _profile(etc: Path) -> dict[str, str]:
    """The variables office-setup.sh exports for login shells (RELANCE_DB, RELANCE_OFFICE_CONFIG)."""
    lines = (etc / "profile.d" / "relance.sh").read_text().splitlines()
    return dict(line[len("export "):].split("=", 1) for line in lines if line.startswith("export "))


@pytest.fixture(scope="module")
def office():
    """A world-readable install of relance, the agents' accounts, the shared folder, sshd on loopback."""
    _skip_unless_possible()
    base = Path(tempfile.mkdtemp(prefix="relance-ssh-", dir="/tmp"))
    base.chmod(0o755)
    srv = base / "srv"
    today = time.strftime("%Y-%m-%d")
    srv.mkdir()
    # the database made the old way, in the office folder (office-setup.sh moves it to data/), by the
    # relance under test
    _run(sys.executable, "-m", "relance_tui", "demo", "--db", str(srv / "relance.db"), "--size", "small", "--seed",
         "3", "--today", today, env={**os.environ, "RELANCE_AGENT": "setup"})
    for user in AGENTS:
        subprocess.run(["userdel", "-r", user], capture_output=True)
    # relance installed for every agent by the README's documented command (--install: a venv from the
    # system Python), under this test's folder instead of /opt and /usr/local/bin
    _run("bash", str(ROOT / "scripts" / "office-setup.sh"), "--install", "--python", SYSTEM_PYTHON,
         "--prefix", str(base / "opt" / "relance"), "--bin-dir", str(base / "bin"), "--group", GROUP, "--dir",
         str(srv), "--agents", " ".join(AGENTS), "--create-users", "--supervisors", AGENTS[0],
         "--etc", str(base / "etc"), "--force-command", timeout=900)
    relance = base / "bin" / "relance"
    env = _profile(base / "etc")
    db = Path(env["RELANCE_DB"])
    settings = Path(env.get("RELANCE_OFFICE_CONFIG", db.parent / "relance.toml"))
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
Include {base}/etc/ssh/sshd_config.d/relance.conf
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
        yield {"base": base, "srv": srv, "relance": relance, "keys": keys, "port": port, "db": db,
               "settings": settings, "env": env}
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
    """An agent's SSH login: no command asked for, the ForceCommand office-setup.sh wrote runs relance."""
    command = ["ssh", "-tt", "-i", str(office["keys"] / user), "-p", str(office["port"]),
               "-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={office['base'] / 'known_hosts'}",
               "-o", "LogLevel=ERROR", f"{user}@127.0.0.1"]
    return TmuxSession(command, {}, width=110, height=32)


def agents_logs(last: int = 40) -> str:
    """The end of each agent's relance log (platformdirs' log folder in their home): what a failure on a
    screen was, said in CI's output rather than lost with the accounts."""
    parts = []
    for user in AGENTS:
        for log in sorted(Path(f"/home/{user}/.local/state/relance").rglob("*.log")):
            lines = log.read_text(encoding="utf-8", errors="replace").splitlines()[-last:]
            parts.append(f"--- {log} ---\n" + "\n".join(lines))
    return "\n".join(parts) or "(no agent log)"


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
    except AssertionError as failed:
        raise AssertionError(f"{failed}\nthe agents' logs:\n{agents_logs()}") from None
    finally:
        a.close()
        b.close()
    with sqlite3.connect(office["db"]) as conn:
        calls = conn.execute("SELECT agent, debtor_id FROM events WHERE kind = 'call' AND "
                             "json_extract(data, '$.session_id') IS NOT NULL").fetchall()
        done = conn.execute("SELECT done_by, COUNT(*) FROM session_items WHERE status = 'done' GROUP BY done_by"
                            ).fetchall()
    assert sorted(agent for agent, _ in calls) == sorted(AGENTS * 2)
    debtors = [d for _, d in calls]
    assert len(set(debtors)) == 4, f"a debtor was called twice: {calls}"
    assert dict(done) == {AGENTS[0]: 2, AGENTS[1]: 2}
    # the shared folder kept its group and modes: nobody else can read the database
    mode = office["db"].stat().st_mode & 0o777
    assert mode == 0o660


def as_agent(user: str, script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``script`` run by ``user`` in a shell of its own (which ForceCommand denies it over SSH: the worst case)."""
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    return subprocess.run(["su", "--login", "--shell", "/bin/bash", user, "--command",
                           f"umask 007; export {exports}; {script}"],  # --login: none of the test's RELANCE_*
                          capture_output=True, text=True, timeout=120)


def test_agent_b_cannot_replace_the_settings_or_a_template_nor_export_onto_the_database(office):
    agent = AGENTS[1]
    db, settings = office["db"], office["settings"]
    template = settings.parent / "templates" / "call" / "prepare.txt.j2"
    template.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "src" / "relance_tui" / "templates" / "call" / "prepare.txt.j2", template)
    shutil.chown(template.parent, "root", GROUP)
    template.parent.chmod(0o2750)
    shutil.chown(template, "root", GROUP)
    template.chmod(0o640)
    before = {p: p.read_bytes() for p in (settings, template)}
    with sqlite3.connect(db) as conn:
        invoices = conn.execute("SELECT COUNT(*) FROM invoices").fetchone()[0]
    mine = db.parent / "mine.toml"
    attempts = {
        "rename over relance.toml": f"mv -f {mine} {settings}",
        "write into relance.toml": f"echo 'supervisors = [\"{agent}\"]' >> {settings}",
        "delete relance.toml": f"rm -f {settings}",
        "rename over a template": f"mv -f {mine} {template}",
        "write into a template": f"echo x >> {template}",
        "add a template": f"echo x > {template.parent / 'listen.txt.j2'}",
        "replace the templates folder": f"mv {template.parent.parent} {settings.parent / 't'}",
        "export onto the database": f"{office['relance']} export invoices -o {db}",
        "export onto a -wal": f"{office['relance']} export invoices -o {db}-wal",
        "export onto relance.toml": f"{office['relance']} export invoices -o {settings}",
    }
    for what, command in attempts.items():
        done = as_agent(agent, f"printf '[office]\\nsupervisors = [\"{agent}\"]\\n' > {mine}; {command}",
                        office["env"])
        if what.startswith("export"):  # refused by relance (exit 1, naming the file), not by the system
            refused = done.returncode == 1 and command.split()[-1] in done.stderr
        else:
            refused = done.returncode != 0 and ("Permission denied" in done.stderr
                                                or "Operation not permitted" in done.stderr)
        assert refused, f"{agent} could {what} (exit {done.returncode}): {done.stdout}{done.stderr}"
    assert {p: p.read_bytes() for p in before} == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM invoices").fetchone()[0] == invoices
    # the layout that protects them: settings above the database's folder, which agents cannot change
    assert db == office["srv"] / "data" / "relance.db" and settings == office["srv"] / "relance.toml"
    assert settings.parent.stat().st_mode & 0o7777 == 0o2750 and db.parent.stat().st_mode & 0o7777 == 0o2770
    # what an agent may do, it still can: read the settings, export elsewhere (it wrote the database above)
    done = as_agent(agent, f"cat {settings} >/dev/null && {office['relance']} export invoices "
                           f"-o {db.parent / 'x.csv'}", office["env"])
    assert done.returncode == 0, done.stderr


def test_a_bashrc_an_agent_writes_does_not_open_a_way_around_the_force_command(office):
    """sshd runs the ForceCommand through the login shell; bash would read ~/.bashrc first."""
    agent = AGENTS[1]
    home = Path(f"/home/{agent}")
    marker = home / "bashrc-ran"
    marker.unlink(missing_ok=True)
    (home / ".bashrc").write_text(f"touch {marker}\n")
    shutil.chown(home / ".bashrc", agent, agent)
    login = ["ssh", "-T", "-i", str(office["keys"] / agent), "-p", str(office["port"]),
             "-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={office['base'] / 'known_hosts'}",
             "-o", "LogLevel=ERROR", f"{agent}@127.0.0.1", "bash -i"]  # the command asked for is ignored
    try:  # relance, given no terminal, gives up; a ~/.bashrc would have run before it started
        subprocess.run(login, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        pass
    assert not marker.exists(), "the agent's ~/.bashrc ran under the ForceCommand"
