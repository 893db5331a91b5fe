"""Exports mark penalties computed with a carried-over rate "à confirmer" (issue 13, item 6).

The fixture (tests/io/fixtures/taux_h2_factures.csv, then taux_h2_paiements.csv), exported on 02/12/2026 with
the seeded rates (ECB 2.15 % entered up to the first half of 2026, nothing for the second):
- Menuiserie Leroy (ML): FA-401 2,000 € due 01/04, paid 30/05: 59 days late, all in the first half:
  200000 x 1215 x 59 / 3650000 = 3927.95 -> 39.28 € + 40 €, confirmed;
  FA-402 1,000 € due 31/05, open: 01/06..02/12 = 185 days, 30 in the first half and 155 in the second at the
  first half's rate carried over: 100000 x 1215 x 185 / 3650000 = 6158.22 -> 61.58 € + 40 €, "à confirmer".
- Traiteur Bernard (TB): FA-501 1,500 € due 03/03, paid 31/03: 28 days late, all in the first half:
  150000 x 1215 x 28 / 3650000 = 1398.08 -> 13.98 € + 40 €, confirmed; FA-502 600 € due 20/12: not late.
"""

from __future__ import annotations

import pytest

from tests.io.conftest import FIXTURES
from tests.io.test_cli_import_export import run
from tests.io.test_export_debtors import export

ECB_H2_2026 = "Taux de refinancement BCE du 2e semestre 2026 non saisi (relance rates set ecb 2026-07-01 TAUX)"


@pytest.fixture
def office(tmp_path, capsys):
    db = tmp_path / "r.db"
    run(capsys, "--db", str(db), "init")
    for name in ("taux_h2_factures.csv", "taux_h2_paiements.csv"):
        assert run(capsys, "--db", str(db), "import", str(FIXTURES / name), "--as-of", "2026-11-25")[0] == 0
    return db


def test_invoices_export_marks_the_penalty_over_an_unentered_half_year_and_not_the_others(office, capsys):
    rows = export(capsys, office, "invoices", "--as-of", "2026-12-02")
    by_number = {r["Facture"]: r for r in rows[:-1]}
    fa401, fa402, fa501, fa502 = (by_number[f"FA-2026-{n}"] for n in (401, 402, 501, 502))
    assert (fa402["Jours de retard"], fa402["Pénalités de retard"], fa402["Indemnité forfaitaire"]) == \
        ("185", "61.58", "40.00")
    assert (fa402["Pénalités à confirmer"], fa402["Remarque"]) == ("oui", f"à confirmer : {ECB_H2_2026}")
    assert (fa401["Jours de retard"], fa401["Pénalités de retard"], fa401["Pénalités à confirmer"],
            fa401["Remarque"]) == ("59", "39.28", "non", "")
    assert (fa501["Pénalités de retard"], fa501["Pénalités à confirmer"]) == ("13.98", "non")
    assert (fa502["Pénalités de retard"], fa502["Pénalités à confirmer"]) == ("0.00", "non")
    total = rows[-1]
    assert (total["Pénalités à confirmer"], total["Remarque"]) == ("oui", "pénalités à confirmer sur 1 facture")


def test_debtors_export_marks_the_debtor_whose_penalties_rest_on_it(office, capsys):
    rows = export(capsys, office, "debtors", "--as-of", "2026-12-02")
    by_code = {r["Code client"]: r for r in rows[:-1]}
    ml, tb = by_code["ML"], by_code["TB"]
    assert ml["Pénalités et indemnités"] == "180.86"  # 39.28 + 40 + 61.58 + 40
    assert (ml["Pénalités à confirmer"], ml["Remarque"]) == ("oui", f"pénalités à confirmer : {ECB_H2_2026}")
    assert (tb["Pénalités et indemnités"], tb["Pénalités à confirmer"], tb["Remarque"]) == ("53.98", "non", "")
    assert rows[-1]["Pénalités à confirmer"] == "oui"


def test_entering_the_rate_confirms_the_figures(office, capsys):
    assert run(capsys, "--db", str(office), "rates", "set", "ecb", "2026-07-01", "2,15", "--source", "BCE")[0] == 0
    rows = export(capsys, office, "invoices", "--as-of", "2026-12-02")
    fa402 = next(r for r in rows if r["Facture"] == "FA-2026-402")
    # the same 2.15 %, now entered: the same figure, no longer provisional
    assert (fa402["Pénalités de retard"], fa402["Pénalités à confirmer"], fa402["Remarque"]) == ("61.58", "non", "")
    assert (rows[-1]["Pénalités à confirmer"], rows[-1]["Remarque"]) == ("non", "")
    debtors = export(capsys, office, "debtors", "--as-of", "2026-12-02")
    assert [r["Pénalités à confirmer"] for r in debtors] == ["non", "non", "non"]


def test_an_export_dated_in_an_entered_half_year_is_confirmed(office, capsys):
    # on 30/06/2026 FA-402 has 30 days late, all in the first half: 100000 x 1215 x 30 / 3650000 = 998.63
    rows = export(capsys, office, "invoices", "--as-of", "2026-06-30")
    fa402 = next(r for r in rows if r["Facture"] == "FA-2026-402")
    assert (fa402["Pénalités de retard"], fa402["Pénalités à confirmer"]) == ("9.99", "non")
