"""Rates that go stale on the command line: doctor names the missing ones and fails until they are entered."""

import datetime as dt

import pytest
import time_machine

from relance_tui import cli

# 2 December 2026, office time (Paris): the seeds stop at the first half of 2026 for the ECB and French
# legal rates, and hold the Belgian legal rate for 2026
IN_H2_2026 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone.utc)
ECB = "  [À SAISIR] Taux de refinancement BCE du 2e semestre 2026 non saisi (relance rates set ecb 2026-07-01 TAUX)"
LEGAL = ("  [À SAISIR] Taux d'intérêt légal (autres cas) du 2e semestre 2026 non saisi "
         "(relance rates set legal-pro 2026-07-01 TAUX)")
PRIVATE = ("  [attention] Taux d'intérêt légal (créancier particulier) du 2e semestre 2026 non saisi "
           "(relance rates set legal-private 2026-07-01 TAUX) ; pour information, aucune pénalité ne s'en sert")


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "relance.db"
    run(capsys, "--db", str(path), "init")
    return str(path)


def test_doctor_fails_on_a_missing_half_year_rate_with_the_command_then_passes_once_entered(db, capsys):
    with time_machine.travel(IN_H2_2026, tick=False):
        code, out, _ = run(capsys, "--db", db, "doctor")
        assert code == 1
        lines = out.splitlines()
        assert "Taux en vigueur au 02/12/2026 : à compléter" in lines
        assert ECB in lines and LEGAL in lines and PRIVATE in lines
        assert "legal-be" not in out  # 2026 is entered

        assert run(capsys, "--db", db, "rates", "set", "ecb", "2026-07-01", "2,15")[0] == 0
        code, out, _ = run(capsys, "--db", db, "doctor")
        assert code == 1 and ECB not in out.splitlines() and LEGAL in out.splitlines()

        assert run(capsys, "--db", db, "rates", "set", "legal-pro", "2026-07-01", "2,50")[0] == 0
        code, out, _ = run(capsys, "--db", db, "doctor")
        # the rate for private creditors stays a warning: no penalty of relance reads it
        assert code == 0
        assert "Taux en vigueur au 02/12/2026 : saisis" in out.splitlines() and PRIVATE in out.splitlines()
        assert not [line for line in out.splitlines() if line.startswith("  [À SAISIR] Taux")]


def test_doctor_asks_for_the_belgian_legal_rate_of_a_new_year(db, capsys):
    with time_machine.travel(dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.timezone.utc), tick=False):
        code, out, _ = run(capsys, "--db", db, "doctor")
        assert code == 1
        assert ("  [À SAISIR] Taux d'intérêt légal belge de 2027 non saisi (relance rates set legal-be 2027-01-01 TAUX)"
                in out.splitlines())


def test_rates_list_and_set_know_the_belgian_legal_rate(db, capsys):
    with time_machine.travel(IN_H2_2026, tick=False):
        code, out, _ = run(capsys, "--db", db, "rates", "--kind", "legal-be")
        assert code == 0
        assert out.splitlines()[0] == "Taux d'intérêt légal belge (legal-be) :"
        assert "  depuis le 01/01/2026     4,50\u00a0%  (relance (valeurs publiées))" in out.splitlines()
        assert "à saisir" not in out.lower()  # 2026 is entered
        code, out, _ = run(capsys, "--db", db, "rates", "set", "legal-be", "2027-01-01", "4,25", "--source", "MB")
        assert code == 0 and out.strip() == "Taux ajouté : Taux d'intérêt légal belge au 01/01/2027 = 4,25\u00a0%"
        code, out, _ = run(capsys, "--db", db, "rates", "--kind", "legal-be")
        assert out.splitlines()[-1] == "  depuis le 01/01/2027     4,25\u00a0%  (MB)"


def test_rates_list_ends_with_what_is_missing_for_the_period_in_force(db, capsys):
    with time_machine.travel(IN_H2_2026, tick=False):
        code, out, _ = run(capsys, "--db", db, "rates", "--kind", "ecb")
        assert code == 0
        assert out.splitlines()[-2:] == [
            "À saisir pour la période en vigueur au 02/12/2026 (le dernier taux est repris d'ici là) :",
            "  Taux de refinancement BCE du 2e semestre 2026 non saisi (relance rates set ecb 2026-07-01 TAUX)"]
