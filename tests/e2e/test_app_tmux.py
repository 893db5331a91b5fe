import sqlite3
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


def test_demo_filter_open_debtor_in_tmux(tmp_path, e2e_env):
    require_tmux()
    db = tmp_path / "demo.db"
    subprocess.run([relance_command(), "demo", "--db", str(db), "--size", "small", "--seed", "7",
                    "--today", "2026-11-23"], check=True, capture_output=True, env={**e2e_env, "PATH": "/usr/bin:/bin"})
    with sqlite3.connect(db) as conn:
        name, siren = conn.execute(
            "SELECT d.name, d.siren FROM debtors d JOIN invoices i ON i.debtor_id = d.id WHERE d.siren IS NOT NULL "
            "AND i.status = 'open' AND i.amount_cents > i.paid_cents ORDER BY d.id LIMIT 1").fetchone()
    session = TmuxSession([relance_command(), "--db", str(db)], e2e_env)
    try:
        screen = session.wait_for("factures · tri : retard")
        session.wait_for("⏎ Ouvrir")
        for text in ("Impayés", "Chronologie", "Débiteur", "Reste dû", "Pénalités", "1 à échoir", "5 +90 j", "Σ"):
            assert text in screen
        session.send("/")
        session.wait_without("⏎ Ouvrir")  # the filter has the focus: the list's keys leave the footer
        session.send(siren)
        screen = session.wait_for(f"« {siren} »")
        assert name[:18] in screen
        session.send("Enter")  # back to the list
        session.send("Enter")  # open the debtor under the cursor
        screen = session.wait_for(f"{name}  (professionnel)")
        assert "Contacts (la personne qui peut débloquer le paiement d'abord)" in screen
        assert "Reste dû" in screen and "SIREN" in screen
        session.send("Escape")
        session.wait_for("factures · ")
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
