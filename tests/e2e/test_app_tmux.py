import subprocess

import pytest

from tests.e2e.tmux import TmuxSession, relance_command, require_tmux

pytestmark = pytest.mark.e2e


@pytest.fixture
def e2e_env(tmp_path, isolated_env):
    return {
        "RELANCE_DATA_DIR": str(isolated_env / "data"),
        "RELANCE_CONFIG": str(isolated_env / "config.toml"),
        "RELANCE_LOG_DIR": str(isolated_env / "log"),
        "RELANCE_AGENT": "marie",
    }


def test_demo_then_app_in_tmux(tmp_path, e2e_env):
    require_tmux()
    db = tmp_path / "demo.db"
    subprocess.run([relance_command(), "demo", "--db", str(db), "--size", "small", "--today", "2026-11-23"],
                   check=True, capture_output=True, env={**e2e_env, "PATH": "/usr/bin:/bin"})
    session = TmuxSession([relance_command(), "--db", str(db)], e2e_env)
    try:
        screen = session.wait_for("factures à recouvrer")
        assert "Impayés par ancienneté" in screen
        for label in ("Non échu", "1-30 j", "31-60 j", "61-90 j", "+90 j"):
            assert label in screen
        assert "Quitter" in screen
        session.send("q")
        session.wait_for("EXITED=0")
    finally:
        session.close()


def test_missing_database_message_in_a_terminal(tmp_path, e2e_env):
    require_tmux()
    session = TmuxSession([relance_command(), "--db", str(tmp_path / "absent.db")], e2e_env)
    try:
        screen = session.wait_for("EXITED=3")
        assert "base introuvable" in screen
        assert "Traceback" not in screen
    finally:
        session.close()
