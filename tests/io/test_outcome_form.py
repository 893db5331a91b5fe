"""The call's outcome form, read without a screen (io/outcome_form.py): what the agent typed becomes a report,
or a ValueError that names the field to correct."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from relance_tui.io.outcome_form import CallSoFar, report_from_form
from relance_tui.store.calls import Instalment

TZ = "Europe/Paris"
TODAY = dt.date(2026, 11, 23)
STARTED = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc)
NOW = STARTED + dt.timedelta(seconds=95)
CALL = CallSoFar(debtor_id=7, started_at=STARTED, phases=("prepare", "introduce"), contact_id=3, open_invoice_ids=(11, 12),
                 objections=("not_received",), guard_override="rappel demandé", session_id=4)


def read(outcome: str, **fields):
    return report_from_form(outcome, {"notes": "", **fields}, CALL, today=TODAY, now=NOW, tz=TZ)


def refused(outcome: str, **fields) -> str:
    with pytest.raises(ValueError) as caught:
        read(outcome, **fields)
    return str(caught.value)


def test_a_promise_with_more_instalments_carries_what_the_call_was():
    report = read("promise", amount="1 250,50", date="20/12/2026", more=" 15/01/2027 500; 15/02/2027 499,50 ;",
                  notes="paiera en trois fois")
    assert report.instalments == (Instalment(dt.date(2026, 12, 20), 125_050), Instalment(dt.date(2027, 1, 15), 50_000),
                                  Instalment(dt.date(2027, 2, 15), 49_950))
    assert report.outcome == "promise" and report.debtor_id == 7 and report.contact_id == 3
    assert report.duration_s == 95 and report.started_at == STARTED
    assert report.phases == ("prepare", "introduce") and report.objections == ("not_received",)
    assert report.guard_override == "rappel demandé" and report.session_id == 4
    assert report.invoice_ids == (11, 12)  # a promise is about every invoice owed
    assert report.notes == "paiera en trois fois"
    assert report.paid_date is None and report.callback_at is None and report.dispute_category is None


def test_a_promise_names_the_field_that_is_wrong():
    assert refused("promise", amount="deux cents", date="20/12/2026") == \
        "Montant : « deux cents » n'est pas un montant (ex. 250,00)"
    assert refused("promise", amount="200", date="31/02/2027").startswith("Date promise : ")
    assert refused("promise", amount="200", date="").startswith("Date promise : ")
    assert refused("promise", amount="200", date="20/12/2026", more="15/01/2027 500; 15/02/2027") == \
        "Autres échéances, n°2 : « 15/02/2027 » (attendu : JJ/MM/AAAA montant)"
    assert refused("promise", amount="200", date="20/12/2026", more="15/01/2027 cinq") == \
        "Autres échéances, n°1 : « 15/01/2027 cinq » (attendu : JJ/MM/AAAA montant)"
    assert refused("promise", amount="200", date="20/12/2026", more="32/01/2027 500").startswith(
        "Autres échéances, n°1 : ")


def test_a_promise_is_never_in_the_past_nor_of_nothing():
    assert refused("promise", amount="200", date="22/11/2026") == \
        "Date promise : une date passée n'est pas une promesse"
    assert refused("promise", amount="200", date="20/12/2026", more="22/11/2026 100") == \
        "Date promise : une date passée n'est pas une promesse"
    assert read("promise", amount="200", date="aujourd'hui").instalments == (Instalment(TODAY, 20_000),)
    assert refused("promise", amount="0", date="20/12/2026") == "promesse : chaque montant doit être positif"


def test_a_payment_already_sent_is_dated_today_unless_told():
    report = read("paid_already", paid_date="", paid_ref="  VIR-2026-118 ")
    assert report.paid_date == TODAY and report.paid_reference == "VIR-2026-118"
    assert read("paid_already", paid_date="20/11/2026").paid_date == dt.date(2026, 11, 20)
    assert read("paid_already", paid_date="hier").paid_date == TODAY - dt.timedelta(days=1)
    assert refused("paid_already", paid_date="avant-hier").startswith("Date du paiement : ")
    assert read("paid_already").instalments == ()


def test_a_dispute_is_about_the_invoices_ticked_only():
    report = read("dispute", category="quality", invoices=[12])
    assert report.dispute_category == "quality" and report.invoice_ids == (12,)
    assert refused("dispute", category=None, invoices=[12]) == "litige : choisissez une catégorie"
    assert refused("dispute", category="quality", invoices=[]) == "litige : cochez au moins une facture concernée"


def test_a_callback_is_a_moment_to_come_in_the_offices_time_zone():
    report = read("callback", cb_date="24/11/2026", cb_time="16h30")
    assert report.callback_at == dt.datetime(2026, 11, 24, 16, 30, tzinfo=ZoneInfo(TZ))
    assert report.callback_at.utcoffset() == dt.timedelta(hours=1)
    assert refused("callback", cb_date="24/11/2026", cb_time="seize heures").startswith("Heure du rappel : ")
    assert refused("callback", cb_date="", cb_time="16:00").startswith("Date du rappel : ")
    # now is 10:01:35 in Paris (9:01:35 UTC): 10:00 today has passed, 10:02 has not
    assert refused("callback", cb_date="aujourd'hui", cb_time="10:00") == \
        "Date du rappel : ce moment est déjà passé"
    later = read("callback", cb_date="aujourd'hui", cb_time="10:02")
    assert later.callback_at == dt.datetime(2026, 11, 23, 10, 2, tzinfo=ZoneInfo(TZ))


def test_other_outcomes_keep_the_notes_and_ignore_the_other_parts():
    report = read("voicemail", amount="abc", date="hier", notes="messagerie pleine")
    assert report.outcome == "voicemail" and report.notes == "messagerie pleine"
    assert report.instalments == () and report.invoice_ids == (11, 12)
    assert refused("teleport") == "issue d'appel inconnue : 'teleport'"
