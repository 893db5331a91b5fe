"""``relance doctor`` on the shared drive: it only reads, names the machines that write, and says what to do
with a damaged file (issue 20)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import time_machine

from relance_tui.store.lease import HostLease
from tests.test_cli import RATES_ENTERED, run


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("journal", ["auto", "network"])
def test_doctor_never_writes_the_base(tmp_path: Path, capsys, monkeypatch, journal: str) -> None:
    monkeypatch.setenv("RELANCE_DATABASE_JOURNAL_MODE", journal)
    db = tmp_path / "office" / "relance.db"
    run(capsys, "--db", str(db), "init")
    with sqlite3.connect(db) as conn:  # the file as another machine left it: WAL checkpointed or a journal
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = {p.name: (digest(p), p.stat().st_mtime_ns) for p in db.parent.iterdir() if p.is_file()}
    monkeypatch.setattr("socket.gethostname", lambda: "poste-du-superviseur")  # not a machine seen before
    with time_machine.travel(RATES_ENTERED, tick=False):
        run(capsys, "--db", str(db), "doctor")
    after = {p.name: (digest(p), p.stat().st_mtime_ns) for p in db.parent.iterdir() if p.is_file()
             if not p.name.endswith(("-wal", "-shm"))}  # a WAL base is read through these (never its pages)
    before = {k: v for k, v in before.items() if not k.endswith(("-wal", "-shm"))}
    assert after == before  # the base unchanged to the byte, no lease taken, no host recorded
    hosts = sqlite3.connect(db).execute("SELECT hostname FROM hosts").fetchall()
    assert ("poste-du-superviseur",) not in hosts


def test_doctor_names_the_lease_holder_and_fails_when_two_machines_wrote(tmp_path: Path, capsys) -> None:
    db = tmp_path / "relance.db"
    run(capsys, "--db", str(db), "init")
    run(capsys, "--db", str(db), "init")  # the same machine again: one writer
    with time_machine.travel(RATES_ENTERED, tick=False):
        code, out, _ = run(capsys, "--db", str(db), "doctor")
    assert code == 0 and "Bail d'écriture : libre" in out and "machines ont écrit" not in out
    holder = HostLease(db, agent="paul", hostname="portable-paul")
    holder.acquire()
    code, out, _ = run(capsys, "--db", str(db), "doctor")
    assert "Bail d'écriture : portable-paul (agent paul" in out and "(actif)" in out
    assert "portable-paul" in out.split("Derniers passages de main")[1]
    assert code == 1
    assert "PROBLÈME : 2 machines ont écrit dans cette base" in out and "par SSH" in out
    holder.release()


def test_doctor_on_a_damaged_file_says_restore_the_backup_and_how(tmp_path: Path, capsys, monkeypatch) -> None:
    from relance_tui.store import connection, patient

    # a path treated as a share: doctor reads patiently (a page may be half-written by a writer elsewhere),
    # then calls the file damaged; the patience cut short for the test
    monkeypatch.setenv("RELANCE_DATABASE_JOURNAL_MODE", "network")
    monkeypatch.setattr(patient, "SHARED_READ_RETRY_S", 0.3)
    monkeypatch.setattr(connection, "OPEN_GLITCH_S", 0.3)
    db = tmp_path / "relance.db"
    run(capsys, "--db", str(db), "init")
    page = sqlite3.connect(db).execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(db.read_bytes())
    for offset in range(3 * page, min(len(data), 12 * page), 97):  # pages in the middle, header left intact
        data[offset] ^= 0x5A
    db.write_bytes(bytes(data))
    code, out, err = run(capsys, "--db", str(db), "doctor")
    assert code == 1 and "Traceback" not in out + err
    assert "Dommages probables dus à des accès simultanés à travers le partage réseau" in out
    assert "restaurez la dernière sauvegarde" in out and f"mv {db} {db}.abime" in out and "cp SAUVEGARDE.db" in out
    assert "\n  1. Fermez relance sur tous les postes.\n" in out  # one step a line


def test_doctor_says_which_office_settings_a_formal_notice_still_needs(tmp_path: Path, capsys, monkeypatch) -> None:
    """Before the first formal notice is refused for them (io/document_data.missing_creditor_fields)."""
    db = tmp_path / "relance.db"
    run(capsys, "--db", str(db), "init")
    monkeypatch.setenv("RELANCE_OFFICE_NAME", "Cabinet Dupuis")
    monkeypatch.setenv("RELANCE_OFFICE_CITY", "Lyon")
    with time_machine.travel(RATES_ENTERED, tick=False):
        _, out, _ = run(capsys, "--db", str(db), "doctor")
    assert ("[attention] identité du cabinet incomplète pour les mises en demeure et dossiers contentieux "
            "(adresse, SIREN) : renseignez address, siren dans [office]") in out
    monkeypatch.setenv("RELANCE_OFFICE_ADDRESS", "3 rue des Lilas")
    monkeypatch.setenv("RELANCE_OFFICE_SIREN", "732829320")
    with time_machine.travel(RATES_ENTERED, tick=False):
        _, out, _ = run(capsys, "--db", str(db), "doctor")
    assert "identité du cabinet incomplète" not in out


def test_doctor_gives_its_times_in_the_office_s_time_zone_as_the_app_does(tmp_path: Path, capsys) -> None:
    """One clock (#17): the lease, its log and the machines at the office's time (Paris: UTC+2 in May), never the
    UTC text the files keep ('2026-05-15T09:00:00Z')."""
    from relance_tui.domain.instants import format_local

    db = tmp_path / "relance.db"
    with time_machine.travel(RATES_ENTERED, tick=False):  # 09:00 UTC on 15 May 2026
        run(capsys, "--db", str(db), "init")  # this machine's first and last sight
        holder = HostLease(db, agent="paul", hostname="portable-paul")
        holder.acquire()  # the lease since then, its heartbeat and the log's line
        _, out, _ = run(capsys, "--db", str(db), "doctor")
        holder.release()
    office = format_local(RATES_ENTERED, "Europe/Paris", "%d/%m/%Y %H:%M:%S")
    assert office == "15/05/2026 11:00:00"
    assert "Heures           : celles du cabinet (Europe/Paris)" in out
    assert f"depuis le {office}, dernier signe de vie {office} (actif)" in out
    [logged] = [line for line in out.split("Derniers passages de main :\n")[1].splitlines()
                if line.startswith("    ") and "portable-paul" in line]
    assert logged.startswith(f"    {office} portable-paul (") and logged.endswith("prend la main"), logged
    assert f"(cette machine) : vue du {office} au {office}, dernier agent marie" in out
    assert "2026-05-15T09:00" not in out and "09:00:00" not in out
