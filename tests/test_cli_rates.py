"""Rates that go stale on the command line: doctor names the missing ones and fails until they are entered."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from relance_tui import cli
from relance_tui.store import open_store

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


IN_JANUARY_2027 = dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.timezone.utc)
LEGAL_BE_2027 = "Taux d'intérêt légal belge de 2027 non saisi (relance rates set legal-be 2027-01-01 TAUX)"


def add_debtor(db: str, code: str, segment: str, country: str) -> None:
    store = open_store(Path(db), agent="marie")
    at = store.now()
    store.write(lambda d: d.execute("INSERT INTO debtors (code, name, segment, country, created_at, updated_at) "
                                    "VALUES (?, ?, ?, ?, ?, ?)", [code, f"Débiteur {code}", segment, country, at, at]))
    store.close()


def enter_h1_2027(db: str, capsys) -> None:
    assert run(capsys, "--db", db, "rates", "set", "ecb", "2027-01-01", "2,15")[0] == 0
    assert run(capsys, "--db", db, "rates", "set", "legal-pro", "2027-01-01", "2,50")[0] == 0


def test_doctor_asks_for_the_belgian_legal_rate_of_a_new_year_when_a_belgian_consumer_is_chased(db, capsys):
    add_debtor(db, "F1", "b2c", "FR")
    add_debtor(db, "B1", "b2c", "BE")
    with time_machine.travel(IN_JANUARY_2027, tick=False):
        enter_h1_2027(db, capsys)
        code, out, _ = run(capsys, "--db", db, "doctor")
        assert code == 1
        assert f"  [À SAISIR] {LEGAL_BE_2027}" in out.splitlines()


@pytest.mark.parametrize(("debtors", "office"), [
    ([], ""),
    ([("F1", "b2c", "FR"), ("B1", "b2b", "BE"), ("X1", "b2c", "")], ""),  # a Belgian business: the ECB rate
    ([("X1", "b2c", "DE")], ""),  # a consumer elsewhere follows the French office
    ([("B1", "b2b", "BE"), ("F1", "b2c", "FR"), ("R1", "b2c", "RE")], "[office]\ncountry = \"BE\"\n"),
])
def test_doctor_passes_in_january_without_the_belgian_legal_rate_when_no_belgian_consumer(db, capsys, debtors,
                                                                                           office):
    # a France-only office was told every January to enter a rate none of its figures reads
    (Path(db).parent / "relance.toml").write_text(office, encoding="utf-8")
    for debtor in debtors:
        add_debtor(db, *debtor)
    with time_machine.travel(IN_JANUARY_2027, tick=False):
        enter_h1_2027(db, capsys)
        code, out, _ = run(capsys, "--db", db, "doctor")
        assert code == 0
        assert f"  [attention] {LEGAL_BE_2027} ; pour information, aucune pénalité ne s'en sert" in out.splitlines()


@pytest.mark.parametrize(("country", "office"), [("BE", ""), ("be ", ""), ("", "BE"), ("LU", "BE")])
def test_a_belgian_consumer_makes_the_belgian_legal_rate_needed(db, capsys, country, office):
    (Path(db).parent / "relance.toml").write_text(f'[office]\ncountry = "{office}"\n' if office else "",
                                                 encoding="utf-8")
    add_debtor(db, "C1", "b2c", country)
    with time_machine.travel(IN_JANUARY_2027, tick=False):
        enter_h1_2027(db, capsys)
        code, out, _ = run(capsys, "--db", db, "doctor")
        assert code == 1 and f"  [À SAISIR] {LEGAL_BE_2027}" in out.splitlines()


@pytest.mark.parametrize(("argv", "warned"), [
    (("legal-be", "2026-02-01", "9"), "Attention : le taux d'intérêt légal belge est fixé par année civile : saisi "
     "au 01/02/2026, il ne compte qu'à partir du 01/01/2027 et l'année 2026 garde le taux précédent (pour l'année "
     "2026 : relance rates set legal-be 2026-01-01 TAUX).\n"),
    (("legal-be", "2026-07-01", "9"), "Attention : le taux d'intérêt légal belge est fixé par année civile : saisi "
     "au 01/07/2026"),
    (("legal-pro", "2026-03-15", "3"), "Attention : le taux d'intérêt légal (autres cas) est fixé par semestre : "
     "saisi au 15/03/2026, il ne compte qu'à partir du 01/07/2026"),
    (("legal-private", "2026-07-02", "3"), "Attention : le taux d'intérêt légal (créancier particulier) est fixé "
     "par semestre"),
    (("legal-be", "2027-01-01", "4,25"), ""),
    (("legal-pro", "2026-07-01", "3"), ""),
    (("ecb", "2026-02-05", "2"), ""),  # the ECB rate changes on the day the ECB decides
])
def test_rates_set_warns_of_a_day_its_rate_does_not_change_on(db, capsys, argv, warned):
    code, out, err = run(capsys, "--db", db, "rates", "set", *argv)
    assert code == 0 and out.startswith("Taux ajouté : ")  # recorded all the same
    assert err.startswith(warned) if warned else err == ""


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
