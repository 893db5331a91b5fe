import datetime as dt
import sqlite3
import threading

import pytest
import time_machine

from relance_tui import cli
from relance_tui.store import open_store
from relance_tui.store.queries import append_event


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_creates_database_and_office_settings(tmp_path, capsys):
    db = tmp_path / "srv" / "relance.db"
    code, out, _ = run(capsys, "--db", str(db), "init")
    assert code == 0 and "créée" in out
    assert (tmp_path / "srv" / "relance.toml").read_text().startswith("# relance")
    code, out, _ = run(capsys, "--db", str(db), "init")
    assert code == 0 and "déjà présente" in out


def test_demo_uses_its_own_file_never_relance_db(tmp_path, capsys, monkeypatch, isolated_env):
    office_db = tmp_path / "office.db"
    monkeypatch.setenv("RELANCE_DB", str(office_db))
    code, out, _ = run(capsys, "demo", "--size", "small", "--today", "2026-11-23")
    assert code == 0 and "40 débiteurs" in out
    assert not office_db.exists()
    assert (isolated_env / "data" / "demo.db").exists()


def test_demo_refuses_data_then_force_recreates(tmp_path, capsys):
    db = tmp_path / "d.db"
    assert run(capsys, "demo", "--db", str(db), "--size", "small", "--seed", "3")[0] == 0
    code, _, err = run(capsys, "demo", "--db", str(db), "--size", "small")
    assert code == 1 and "contient déjà des données" in err and "--force" in err
    code, out, _ = run(capsys, "demo", "--db", str(db), "--size", "small", "--seed", "4", "--force")
    assert code == 0 and "graine 4" in out
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()[0].count('"seed": 4') == 1


# a day whose half-year has every rate entered (doctor fails on a missing one: tests/test_cli_rates.py)
RATES_ENTERED = dt.datetime(2026, 5, 15, 9, 0, tzinfo=dt.timezone.utc)


def test_doctor_reports_paths_journal_schema_integrity_hosts(tmp_path, capsys):
    db = tmp_path / "relance.db"
    run(capsys, "--db", str(db), "init")
    with time_machine.travel(RATES_ENTERED, tick=False):
        code, out, _ = run(capsys, "--db", str(db), "doctor")
    assert code == 0
    from relance_tui.store.schema import LATEST_VERSION

    for expected in (str(db), "relance.toml", "Mode de journal voulu : wal", "Mode de journal actuel : wal",
                     f"Schéma : v{LATEST_VERSION}", "Intégrité : ok", "(cette machine)", "SQLite", "journal",
                     f"documents      : {tmp_path / 'documents'}"):
        assert expected in out


def test_doctor_names_key_identifiers_that_do_nothing(tmp_path, capsys, isolated_env):
    db = tmp_path / "relance.db"
    run(capsys, "--db", str(db), "init")
    (isolated_env / "config.toml").write_text('[keys]\n"overdue.fitler" = "ctrl+f"\n"app.refresh" = "f5"\n')
    with time_machine.travel(RATES_ENTERED, tick=False):
        code, out, _ = run(capsys, "--db", str(db), "doctor")
    assert code == 0
    assert "[keys] : 2 touches redéfinies ; identifiant inconnu, sans effet : overdue.fitler" in out


def test_doctor_on_network_path_wants_rollback_journal(tmp_path, capsys, monkeypatch):
    db = tmp_path / "relance.db"
    monkeypatch.setenv("RELANCE_DATABASE_JOURNAL_MODE", "network")
    run(capsys, "--db", str(db), "init")
    code, out, _ = run(capsys, "--db", str(db), "doctor")
    assert "Mode de journal voulu : truncate" in out and "Mode de journal actuel : rollback" in out


@pytest.mark.parametrize(
    ("setup", "code", "message"),
    [
        (lambda p: None, 3, "base introuvable"),
        (lambda p: p.write_text("pas une base"), 4, "pas une base SQLite"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE x (a)"), 4, "pas une base relance"),
    ],
)
def test_database_errors_have_messages_and_exit_codes(tmp_path, capsys, setup, code, message):
    db = tmp_path / "x.db"
    setup(db)
    got, out, err = run(capsys, "--db", str(db), "rates")
    assert got == code and message in err
    assert "Traceback" not in err + out


def test_newer_schema_exit_code(tmp_path, capsys):
    db = tmp_path / "relance.db"
    run(capsys, "--db", str(db), "init")
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('relance', '0999_x', '')")
    code, _, err = run(capsys, "--db", str(db), "doctor")
    assert code == 5 and "plus récente" in err


def test_rates_list_and_set(tmp_path, capsys):
    db = tmp_path / "relance.db"
    run(capsys, "--db", str(db), "init")
    code, out, _ = run(capsys, "--db", str(db), "rates", "set", "ecb", "2027-01-01", "1,90", "--source", "BCE")
    assert code == 0 and "ajouté" in out and "1,90" in out
    code, out, _ = run(capsys, "--db", str(db), "rates", "set", "ecb", "2027-01-01", "1,95")
    assert "corrigé" in out
    code, out, _ = run(capsys, "--db", str(db), "rates", "--kind", "ecb")
    assert "01/01/2027" in out and "1,95" in out and "intérêt légal" not in out
    code, out, _ = run(capsys, "--db", str(db), "rates")
    assert "intérêt légal" in out and "2,62" in out
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM events WHERE outcome = 'rate_set'").fetchone()[0] == 2


@pytest.mark.parametrize(("args", "message"), [(("ecb", "2027-13-01", "2"), "date"),
                                                (("ecb", "2027-01-01", "deux"), "illisible")])
def test_rates_set_rejects_bad_input(tmp_path, capsys, args, message):
    db = tmp_path / "relance.db"
    run(capsys, "--db", str(db), "init")
    code, _, err = run(capsys, "--db", str(db), "rates", "set", *args)
    assert code == 2 and message in err


def test_backup_while_another_agent_writes(tmp_path, capsys):
    db = tmp_path / "relance.db"
    run(capsys, "--db", str(db), "init")
    writer = open_store(db, agent="karim")
    stop = threading.Event()

    def keep_writing():
        while not stop.is_set():
            writer.write(lambda d: append_event(d, at=writer.now(), agent="karim", kind="note", notes="x"))

    t = threading.Thread(target=keep_writing)
    t.start()
    try:
        code, out, _ = run(capsys, "--db", str(db), "backup", str(tmp_path / "copy.db"))
    finally:
        stop.set()
        t.join()
    assert code == 0 and "Sauvegarde écrite" in out
    with sqlite3.connect(tmp_path / "copy.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM rates").fetchone()[0] > 0
    code, _, err = run(capsys, "--db", str(db), "backup", str(tmp_path / "copy.db"))
    assert code == 1 and "--force" in err


def test_unexpected_error_goes_to_the_log_not_the_screen(tmp_path, capsys, monkeypatch, isolated_env):
    def boom(args, settings):
        raise RuntimeError("disque plein")

    monkeypatch.setitem(cli.COMMANDS, "doctor", boom)
    code, out, err = run(capsys, "doctor")
    assert code == cli.EXIT_UNEXPECTED
    assert "erreur inattendue" in err and "disque plein" in err and "Traceback" not in err + out
    log = (isolated_env / "log" / "relance.log").read_text()
    assert "Traceback" in log and "RuntimeError: disque plein" in log


def test_bad_settings_exit_code(tmp_path, capsys):
    db = tmp_path / "relance.db"
    (tmp_path / "relance.toml").write_text('[office]\ncountry = "XX"\n')
    code, _, err = run(capsys, "--db", str(db), "init")
    assert code == 9 and "relance.toml: [office] country" in err


def test_unknown_theme_lists_the_valid_ones(tmp_path, capsys):
    db = tmp_path / "relance.db"
    run(capsys, "--db", str(db), "init")
    code, _, err = run(capsys, "--db", str(db), "--theme", "rose")
    assert code == 9 and "relance-sombre" in err and "relance-contraste" in err


def test_files_relance_creates_are_never_readable_by_other_accounts(tmp_path):
    # the umask is the process's: set by the installed command (cli.run), so run that command
    import os
    import stat
    import subprocess
    import sys
    from pathlib import Path

    relance = Path(sys.executable).with_name("relance")
    db = tmp_path / "office" / "relance.db"
    subprocess.run([str(relance), "--db", str(db), "init"], check=True, capture_output=True,
                   preexec_fn=lambda: os.umask(0o022))
    for path in (db, db.parent / "relance.toml"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0, path


@pytest.mark.parametrize("what", ["invoices", "debtors"])
def test_an_export_as_of_too_far_ahead_is_refused_naming_the_option(tmp_path, capsys, what):
    # 9999-12-31 ended in "erreur inattendue (year 10000 is out of range)": the half-year after it has no date
    db = tmp_path / "d.db"
    assert run(capsys, "demo", "--db", str(db), "--size", "small", "--today", "2026-11-23")[0] == 0
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc), tick=False):
        for day in ("9999-12-31", "2037-01-01"):
            code, out, err = run(capsys, "--db", str(db), "export", what, "--as-of", day)
            assert (code, out) == (1, "")
            assert err == (f"relance : --as-of {day} : date trop lointaine, au plus le 31/12/2036 "
                           "(10 ans après cette année)\n")
        code, out, _ = run(capsys, "--db", str(db), "export", what, "--as-of", "2036-12-31")
        assert code == 0 and len(out.splitlines()) > 2


def test_an_import_as_of_that_is_not_a_date_is_refused_naming_the_option(tmp_path, capsys):
    # it ended in "erreur inattendue (Invalid isoformat string)"
    db = tmp_path / "d.db"
    assert run(capsys, "demo", "--db", str(db), "--size", "small", "--today", "2026-11-23")[0] == 0
    export = tmp_path / "f.csv"
    export.write_text("Client;Facture;Date;Echeance;Montant\nA;F-1;01/10/2026;31/10/2026;100,00\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", str(db), "import", str(export), "--as-of", "2026-13-45")
    assert (code, out) == (1, "")
    assert err == ("relance : --as-of : date « 2026-13-45 » non reconnue (JJ/MM/AAAA, JJ/MM, aujourd'hui, hier, "
                   "demain ou +N jours)\n")


def test_a_command_that_ends_well_leaves_no_log_and_one_that_fails_leaves_its_line(tmp_path, capsys, isolated_env):
    db = tmp_path / "r.db"
    log = isolated_env / "log" / "relance.log"
    assert run(capsys, "init", "--db", str(db))[0] == 0
    assert run(capsys, "--db", str(db), "export", "promises", "--date", "2026-11-23")[0] == 0
    assert not log.exists()  # nothing to say: the file is not even opened
    code, _, err = run(capsys, "--db", str(db), "export", "promises", "--date", "la semaine des quatre jeudis")
    assert code == 1 and "--date" in err
    assert log.read_text(encoding="utf-8").splitlines()[-1].endswith(
        f"INFO relance: exit 1: relance --db {db} export promises --date la semaine des quatre jeudis")


def test_a_session_ended_by_the_ssh_link_going_leaves_its_line(tmp_path, capsys, isolated_env, monkeypatch):
    """SIGHUP (cli._end_on_signal) ends the command with SystemExit(129): logged on its way out."""
    def hung_up(args, settings):
        raise SystemExit(129)

    monkeypatch.setitem(cli.COMMANDS, "doctor", hung_up)
    with pytest.raises(SystemExit):
        cli.main(["--db", str(tmp_path / "r.db"), "doctor"])
    log = isolated_env / "log" / "relance.log"
    assert log.read_text(encoding="utf-8").splitlines()[-1].endswith(f"exit 129: relance --db {tmp_path / 'r.db'} doctor")
