"""Rates that go stale: a period past a table's last entry reuses its value, and says so (issue 13, item 6)."""

import datetime as dt

import pytest

from relance_tui.domain.penalties import (
    MissingRate,
    PenaltyTerms,
    RateEntry,
    Rates,
    RateTable,
    compute_penalty,
    missing_rates_marker,
    needed_rate_kinds,
    rate_start_warning,
    unconfirmed_rates,
)

D = dt.date
B2B_FR = PenaltyTerms(segment="b2b", country="FR")
ECB_H2_2026 = ("Taux de refinancement BCE du 2e semestre 2026 non saisi "
               "(relance rates set ecb 2026-07-01 TAUX)")
LEGAL_H2_2026 = ("Taux d'intérêt légal (autres cas) du 2e semestre 2026 non saisi "
                 "(relance rates set legal-pro 2026-07-01 TAUX)")


def tables(ecb_july: bool = False) -> Rates:
    """Entered up to the first half of 2026 (2.15 % ECB, 2.62 % legal), the Belgian legal rate for 2026."""
    ecb = [RateEntry(D(2025, 6, 11), 215), RateEntry(D(2026, 1, 1), 215)]
    if ecb_july:
        ecb.append(RateEntry(D(2026, 7, 1), 200))
    return Rates(ecb=RateTable("ecb", ecb),
                 legal_pro=RateTable("legal_pro", [RateEntry(D(2026, 1, 1), 262)]),
                 legal_private=RateTable("legal_private", [RateEntry(D(2026, 1, 1), 667)]),
                 legal_be=RateTable("legal_be", [RateEntry(D(2026, 1, 1), 450)]))


def test_a_half_year_past_the_last_entry_is_unconfirmed_and_says_how_to_enter_it():
    rates = tables()
    assert rates.ecb.confirmed(D(2026, 6, 30))
    assert not rates.ecb.confirmed(D(2026, 7, 1))
    assert unconfirmed_rates(rates, D(2026, 12, 2), needed_rate_kinds(True)) == [ECB_H2_2026, LEGAL_H2_2026]
    # the Belgian legal rate is set per calendar year: 2026 was entered, 2027 not yet
    assert unconfirmed_rates(rates, D(2027, 1, 4), ("legal_be",)) == [
        "Taux d'intérêt légal belge de 2027 non saisi (relance rates set legal-be 2027-01-01 TAUX)"]


def test_the_penalty_over_a_carried_over_half_year_carries_the_line():
    # 10 000,00 € due 20/06/2026, on 10/07/2026: 21/06..30/06 (10 days) at 2.15 + 10 = 12.15 % (entered),
    # 01/07..10/07 (10 days) at 12.15 % again, the first half's ECB rate carried over:
    # 1 000 000 x 1215 x 20 / 3 650 000 = 6657.53 -> 66,58 €
    p = compute_penalty(1_000_000, D(2026, 6, 20), D(2026, 7, 10), B2B_FR, tables())
    assert [(x.days, x.rate_bp) for x in p.periods] == [(10, 1215), (10, 1215)]
    assert p.interest_cents == 6658
    assert p.unconfirmed == (ECB_H2_2026,)


def test_a_penalty_whose_days_all_fall_in_entered_periods_is_confirmed():
    # due 01/05/2026, on 30/06/2026: 60 days at 12.15 %: 1 000 000 x 1215 x 60 / 3 650 000 = 19972.60
    p = compute_penalty(1_000_000, D(2026, 5, 1), D(2026, 6, 30), B2B_FR, tables())
    assert (p.interest_cents, p.unconfirmed) == (19973, ())


def test_entering_the_rate_settles_the_figure():
    # with 2.00 % on 1 July: 10 days at 12.15 %, 10 at 12.00 %: 1 000 000 x (12150 + 12000) / 3 650 000 = 6616.44
    p = compute_penalty(1_000_000, D(2026, 6, 20), D(2026, 7, 10), B2B_FR, tables(ecb_july=True))
    assert (p.interest_cents, p.unconfirmed) == (6616, ())


def test_a_french_consumer_after_a_formal_notice_rests_on_the_legal_rate():
    # 1 000,00 € due 01/06/2026, formal notice 30/06, on 30/07: 30 days at 2.62 % (the first half's legal
    # rate carried over): 100 000 x 262 x 30 / 3 650 000 = 215.34 -> 2,15 €
    terms = PenaltyTerms(segment="b2c", country="FR", formal_notice=D(2026, 6, 30))
    p = compute_penalty(100_000, D(2026, 6, 1), D(2026, 7, 30), terms, tables(ecb_july=True))
    assert (p.interest_cents, p.indemnity_cents, p.unconfirmed) == (215, 0, (LEGAL_H2_2026,))


@pytest.mark.parametrize(("day", "marker"), [
    (D(2026, 6, 30), ""),
    (D(2026, 12, 2), "Taux à saisir : BCE, légal FR 2e sem. 2026"),
    (D(2027, 1, 4), "Taux à saisir : BCE, légal FR 1er sem. 2027, légal BE 2027"),
])
def test_the_title_bar_marker_names_the_tables_and_the_period(day, marker):
    assert missing_rates_marker(tables(), day, needed_rate_kinds(be_consumers=True)) == marker


def test_the_belgian_legal_rate_is_needed_only_where_a_belgian_consumer_is():
    # a France-only office is not asked every January for a rate no figure of its debtors reads
    assert needed_rate_kinds(be_consumers=False) == ("ecb", "legal_pro")
    assert needed_rate_kinds(be_consumers=True) == ("ecb", "legal_pro", "legal_be")
    assert missing_rates_marker(tables(ecb_july=True), D(2027, 1, 4), needed_rate_kinds(False)) == (
        "Taux à saisir : BCE, légal FR 1er sem. 2027")
    entered = Rates(ecb=RateTable("ecb", [RateEntry(D(2027, 1, 1), 215)]),
                    legal_pro=RateTable("legal_pro", [RateEntry(D(2027, 1, 1), 262)]),
                    legal_private=RateTable("legal_private", []),
                    legal_be=RateTable("legal_be", [RateEntry(D(2026, 1, 1), 450)]))
    assert missing_rates_marker(entered, D(2027, 1, 4), needed_rate_kinds(False)) == ""
    assert missing_rates_marker(entered, D(2027, 1, 4), needed_rate_kinds(True)) == "Taux à saisir : légal BE 2027"


def test_a_missing_rate_names_it_once():
    # "aucun taux Taux d'intérêt légal belge": the label already says "taux"
    assert str(MissingRate("legal_be", D(2026, 1, 1))) == (
        "aucun taux d'intérêt légal belge connu au 01/01/2026 "
        "(ajoutez-le avec : relance rates set legal-be AAAA-MM-JJ TAUX)")
    assert str(MissingRate("ecb", D(2026, 1, 1))).startswith("aucun taux de refinancement BCE connu au 01/01/2026")
    assert str(MissingRate("libor", D(2026, 1, 1))).startswith("aucun taux libor connu au 01/01/2026")


@pytest.mark.parametrize(("kind", "day"), [
    ("legal_be", D(2026, 1, 1)), ("legal_pro", D(2026, 1, 1)), ("legal_pro", D(2026, 7, 1)),
    ("legal_private", D(2026, 7, 1)),
    ("ecb", D(2025, 6, 11)), ("ecb", D(2026, 2, 5)),  # the ECB rate changes on the day the ECB decides
])
def test_a_rate_from_the_first_day_of_its_period_needs_no_warning(kind, day):
    assert rate_start_warning(kind, day) == ""


def test_a_yearly_rate_set_after_1_january_counts_only_from_the_next_year():
    # a penalty reads the Belgian legal rate in force on 1 January: 9 % from 01/02/2026 leaves 2026 at 4.5 %
    rates = Rates(ecb=RateTable("ecb", []), legal_pro=RateTable("legal_pro", []),
                  legal_private=RateTable("legal_private", []),
                  legal_be=RateTable("legal_be", [RateEntry(D(2026, 1, 1), 450), RateEntry(D(2026, 2, 1), 900)]))
    assert rates.legal_be.rate_on(D(2026, 1, 1)) == 450 and rates.legal_be.rate_on(D(2027, 1, 1)) == 900
    assert rate_start_warning("legal_be", D(2026, 2, 1)) == (
        "le taux d'intérêt légal belge est fixé par année civile : saisi au 01/02/2026, il ne compte qu'à partir "
        "du 01/01/2027 et l'année 2026 garde le taux précédent (pour l'année 2026 : relance rates set legal-be "
        "2026-01-01 TAUX)")
    assert rate_start_warning("legal_be", D(2026, 7, 1)).startswith("le taux d'intérêt légal belge est fixé par "
                                                                    "année civile : saisi au 01/07/2026")


def test_a_half_yearly_rate_set_on_another_day_than_1_january_or_1_july_is_warned():
    assert rate_start_warning("legal_pro", D(2026, 8, 3)) == (
        "le taux d'intérêt légal (autres cas) est fixé par semestre : saisi au 03/08/2026, il ne compte qu'à "
        "partir du 01/01/2027 et le semestre commencé le 01/07/2026 garde le taux précédent (pour le semestre "
        "commencé le 01/07/2026 : relance rates set legal-pro 2026-07-01 TAUX)")
    assert "saisi au 02/01/2026, il ne compte qu'à partir du 01/07/2026" in rate_start_warning(
        "legal_private", D(2026, 1, 2))
