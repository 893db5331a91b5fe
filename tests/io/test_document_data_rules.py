"""The rules of io/document_data.py, one test a rule (issue 14: the mutation score of io/): what the terminal
preview of a document says line by line, the figures a document prints (worked out by hand, to the cent), the
office's and the debtor's identity, the Belgian consumer's 14 days, the litigation file's claim and chronology,
a payment plan's checks, and the EPC QR code's amount. The data are read straight from ``document_data`` (no PDF
rendered): fast enough to run for every mutant."""

from __future__ import annotations

import datetime as dt
from typing import Any

D = dt.date
NBSP = "\u00a0"


def euros(text: str) -> str:
    """An amount as the French documents write it: '1 300,00 €' with no-break spaces."""
    return text.replace(" ", NBSP)


# --- the terminal preview (preview_lines): a pure function of the data, so built by hand here ------------------

def preview_data(**over: Any) -> dict[str, Any]:
    """A reminder letter's data, as document_data gives it, in French: one invoice 10 days late, no IBAN."""
    data: dict[str, Any] = {
        "kind": "reminder_letter", "lang": "fr", "written_in": "fr", "title": "Lettre de relance",
        "place": "Lyon", "date": "23 novembre 2026", "registered": False,
        "debtor": {"name": "Garage Dupont", "address": "12 rue Haute", "postcode": "75002", "city": "Paris"},
        "invoices": [{"number": "FA-1", "issue": "01/09/2026", "due": "13/11/2026", "balance": "800,00 €",
                      "days_late": 10}],
        "credit": "", "total": "800,00 €", "penalties": "", "deadline": "1er décembre 2026",
        "regime": {"court_step": "Injonction de payer"}, "office": {"iban": ""}, "reference": "FA-1", "qr": "",
    }
    data.update(over)
    return data


def preview(**over: Any) -> list[str]:
    from relance_tui.io.document_data import preview_lines

    return preview_lines(preview_data(**over))


HEAD = ["Lettre de relance", "Lyon, le 23 novembre 2026", "", "À : Garage Dupont", "    12 rue Haute",
        "    75002 Paris", ""]


def test_the_preview_of_a_letter_is_its_title_place_and_date_addressee_invoices_and_total() -> None:
    """A French letter's preview: no language notice, the title, 'Lyon, le <date>', a blank line, the addressee
    and its address indented, a blank line, then one line an invoice and the total."""
    assert preview() == [*HEAD, "FA-1             du 01/09/2026, échue le 13/11/2026 : 800,00 € restant dû",
                         "Total restant dû : 800,00 €"]


def test_the_preview_of_a_letter_in_another_language_says_so_first_and_then_a_blank_line() -> None:
    lines = preview(written_in="nl")
    assert lines[:3] == ["(Document en néerlandais : aperçu en français)", "", "Lettre de relance"]


def test_a_preview_without_written_in_takes_the_data_s_language() -> None:
    """Data with no 'written_in' (an older caller): the language is 'lang' itself, so no notice."""
    data = preview_data()
    del data["written_in"]
    from relance_tui.io.document_data import preview_lines

    assert preview_lines(data)[0] == "Lettre de relance"


def test_a_preview_without_a_title_names_the_kind_and_without_a_place_starts_with_le() -> None:
    """An office's own document kind has no title: its key is shown. No city set: 'Le 23 novembre 2026'."""
    lines = preview(title="", kind="relance_amiable", place="")
    assert lines[:3] == ["relance_amiable", "Le 23 novembre 2026", ""]


def test_a_preview_skips_an_empty_address_and_says_a_registered_letter() -> None:
    lines = preview(registered=True, debtor={"name": "Jean Martin", "address": "", "postcode": "", "city": "Lyon"})
    assert lines[3:7] == ["À : Jean Martin", "    Lyon", "Lettre recommandée avec accusé de réception", ""]


def test_an_invoice_due_today_is_at_its_due_date_and_one_a_day_late_is_overdue() -> None:
    """0 days late: 'à échéance du'; 1 day late: 'échue le' (never 'échue' of an invoice not yet late)."""
    lines = preview(invoices=[
        {"number": "FA-1", "issue": "01/10/2026", "due": "23/11/2026", "balance": "100,00 €", "days_late": 0},
        {"number": "FA-2", "issue": "01/10/2026", "due": "22/11/2026", "balance": "200,00 €", "days_late": 1}])
    assert lines[7:9] == ["FA-1             du 01/10/2026, à échéance du 23/11/2026 : 100,00 € restant dû",
                          "FA-2             du 01/10/2026, échue le 22/11/2026 : 200,00 € restant dû"]


def test_a_preview_says_the_credit_deducted_the_penalties_and_the_payment_with_its_qr_code() -> None:
    lines = preview(credit="50,00 €", total="750,00 €", penalties="56,24 €", office={"iban": "FR76 3000 6000"},
                    qr="<svg/>")
    assert lines[8:] == ["Avoirs non encore imputés, déduits : 50,00 €", "Total restant dû : 750,00 €",
                         "Pénalités et indemnités à ce jour : 56,24 €",
                         "Virement : IBAN FR76 3000 6000, référence FA-1 (QR code de paiement imprimé)"]
    # no QR code (nothing owed, no office name): the transfer line alone
    assert preview(office={"iban": "FR76 3000 6000"})[-1] == "Virement : IBAN FR76 3000 6000, référence FA-1"


def test_the_preview_of_a_formal_notice_gives_its_deadline_and_what_follows() -> None:
    lines = preview(kind="formal_notice", title="Mise en demeure", registered=True)
    assert lines[-1] == ("Mise en demeure de payer au plus tard le 1er décembre 2026 ; à défaut : "
                         "Injonction de payer")
    assert not any(line.startswith("Mise en demeure de payer") for line in preview())  # a letter has none


def test_the_preview_of_a_payment_plan_lists_its_instalments_then_the_invoices() -> None:
    lines = preview(kind="payment_plan", title="Échéancier de paiement", plan_total="800,00 €", instalments=[
        {"n": 1, "amount": "300,00 €", "due": "01/12/2026"}, {"n": 2, "amount": "500,00 €", "due": "01/01/2027"}])
    assert lines == ["Échéancier de paiement", *HEAD[1:], "Échéance 1 : 300,00 € le 01/12/2026",
                     "Échéance 2 : 500,00 € le 01/01/2027", "Total de l'échéancier : 800,00 €",
                     "À retourner signé (vaut reconnaissance de dette)", "",
                     "FA-1             du 01/09/2026, échue le 13/11/2026 : 800,00 € restant dû",
                     "Total restant dû : 800,00 €"]


def test_the_preview_of_a_statement_is_its_lines_in_columns_and_the_balance() -> None:
    lines = preview(kind="statement", title="Relevé de compte", total="800,00 €", lines=[
        {"date": "01/09/2026", "label": "Facture FA-1", "debit": "1 000,00 €", "credit": "", "balance": "1 000,00 €"},
        {"date": "02/11/2026", "label": "Règlement VIR-7", "debit": "", "credit": "200,00 €", "balance": "800,00 €"}])
    assert lines == ["Relevé de compte", *HEAD[1:],
                     # date, two spaces, the label on 28, then debit, credit, balance right-aligned on 14, a
                     # space before each ("1 000,00 €" is 10 characters: 4 spaces ahead of it)
                     "01/09/2026  Facture FA-1" + " " * 16 + " " + " " * 4 + "1 000,00 €" + " " + " " * 14
                     + " " + " " * 4 + "1 000,00 €",
                     "02/11/2026  Règlement VIR-7" + " " * 13 + " " + " " * 14 + " " + " " * 6 + "200,00 €"
                     + " " + " " * 6 + "800,00 €",
                     "Solde dû : 800,00 €"]


def test_the_preview_of_a_litigation_file_is_the_claim_the_procedure_the_acts_and_the_contacts_count() -> None:
    lines = preview(kind="litigation", title="Dossier contentieux", registered=False,
                    claim={"principal": "1 300,00 €", "penalties": "102,73 €", "total": "1 402,73 €"},
                    grounds="Factures impayées FA-1, FA-2", contacts=[{}, {}, {}], acts=[
                        {"kind": "Mise en demeure", "day": "02/11/2026", "channel": "lettre recommandée AR",
                         "tracking": "1A234"},
                        {"kind": "Reconnaissance de dette", "day": "10/11/2026", "channel": "email", "tracking": ""}])
    assert lines == ["Dossier contentieux", *HEAD[1:],
                     "Créance au 23 novembre 2026 : principal 1 300,00 €, pénalités et indemnités 102,73 €, "
                     "total 1 402,73 €",
                     "Procédure : Injonction de payer", "Fondement : Factures impayées FA-1, FA-2", "", "Actes : 2",
                     "  Mise en demeure du 02/11/2026 (lettre recommandée AR, n° 1A234)",
                     "  Reconnaissance de dette du 10/11/2026 (email)",
                     "Démarches amiables : 3 (chronologie dans le PDF)"]


# --- the office and the debtor as a document names them ------------------------------------------------------

def test_the_office_block_is_each_setting_cleaned_the_signature_defaulting_to_the_name_and_the_iban_by_fours() -> None:
    """Every [office] key a template reads, '' when unset or absent; the signature is the office's name unless
    one is set; the IBAN is printed as banks print it, upper case in groups of four."""
    from types import SimpleNamespace

    from relance_tui.io.document_data import _office

    office = SimpleNamespace(name="Cabinet\x1b Dupuis", address="3 rue des Lilas", postcode="69003", city="Lyon",
                             siren="732829320", phone=None, email="compta@dupuis.fr",
                             iban="fr76 3000 6000 0112 3456 7890 189", bic="BNPAFRPP", signature="")
    assert _office(office) == {
        "name": "Cabinet Dupuis", "address": "3 rue des Lilas", "postcode": "69003", "city": "Lyon",
        "siren": "732829320", "enterprise_number": "", "phone": "", "email": "compta@dupuis.fr",
        "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "BNPAFRPP", "signature": "Cabinet Dupuis"}
    signed = _office(SimpleNamespace(name="Cabinet Dupuis", signature="Paul Dupuis, gérant", iban="BE68539007547034"))
    assert signed["signature"] == "Paul Dupuis, gérant" and signed["iban"] == "BE68 5390 0754 7034"
    assert signed["address"] == "" and signed["enterprise_number"] == ""  # settings the object lacks: ''


def test_the_debtor_block_is_its_identity_cleaned_an_absent_siren_number_or_code_empty() -> None:
    from types import SimpleNamespace

    from relance_tui.io.document_data import _debtor

    card = SimpleNamespace(name="Garage\x07 Dupont", address="12 rue Haute", postcode="75002", city="Paris",
                           siren="552100554", enterprise_number="0403.170.701", code="C001")
    assert _debtor(card) == {"name": "Garage Dupont", "address": "12 rue Haute", "postcode": "75002",
                             "city": "Paris", "siren": "552100554", "enterprise_number": "0403.170.701",
                             "code": "C001"}
    bare = SimpleNamespace(name="Jean Martin", address="", postcode="", city="", siren=None, enterprise_number=None,
                           code=None)
    assert _debtor(bare) == {"name": "Jean Martin", "address": "", "postcode": "", "city": "", "siren": "",
                             "enterprise_number": "", "code": ""}


def test_an_invoice_line_is_written_in_the_document_s_language_and_an_unknown_penalty_is_to_be_computed() -> None:
    """Dates day first, amounts the Dutch way ('€ 1.000,00'), the days late as a number; a penalty resting on a
    missing rate is 'te berekenen' (to be computed), never a figure."""
    from relance_tui.io.document_data import _invoice

    row = {"number": "FA-1", "issue_date": D(2026, 9, 1), "due_date": D(2026, 10, 1), "amount_cents": 100_000,
           "due_cents": 80_000, "days_late": 53, "penalty_cents": 5_624}
    assert _invoice(row, "nl") == {"number": "FA-1", "issue": "01/09/2026", "due": "01/10/2026",
                                   "amount": f"€{NBSP}1.000,00", "balance": f"€{NBSP}800,00", "days_late": 53,
                                   "penalty": f"€{NBSP}56,24"}
    assert _invoice({**row, "penalty_cents": None}, "nl")["penalty"] == "te berekenen"
    assert _invoice({**row, "penalty_cents": None}, "fr")["penalty"] == "à calculer"
    assert _invoice({**row, "penalty_cents": 0}, "en")["penalty"] == "€0.00"


def test_an_iso_day_of_an_event_is_written_day_first_and_anything_else_as_it_is() -> None:
    from relance_tui.io.document_data import _day

    assert _day("2026-11-02") == "02/11/2026"
    assert _day("2026-1-2") == "2026-1-2" and _day("") == "" and _day("2026-11-02T10") == "2026-11-02T10"


def test_the_qr_code_pays_the_office_by_name_and_iban_a_positive_amount_only() -> None:
    """EPC QR code: the office's name, IBAN (and BIC when set), the amount and the reference; none without an
    IBAN, without a name (even blank), or for nothing owed (0 cents); a single cent owed still gets one."""
    from types import SimpleNamespace

    from relance_tui.io.document_data import _qr
    from relance_tui.io.epc import epc_payload, epc_svg

    office = SimpleNamespace(name="Cabinet Dupuis", iban="FR7630006000011234567890189", bic="BNPAFRPP")
    assert _qr(office, 150_000, "FA-1, FA-2") == epc_svg(epc_payload(
        name="Cabinet Dupuis", iban="FR7630006000011234567890189", amount_cents=150_000, text="FA-1, FA-2",
        bic="BNPAFRPP"))
    assert _qr(office, 1, "FA-1") == epc_svg(epc_payload(name="Cabinet Dupuis", iban="FR7630006000011234567890189",
                                                         amount_cents=1, text="FA-1", bic="BNPAFRPP"))
    no_bic = SimpleNamespace(name="Cabinet Dupuis", iban="FR7630006000011234567890189", bic="")
    expected = epc_svg(epc_payload(name="Cabinet Dupuis", iban="FR7630006000011234567890189", amount_cents=500,
                                   text="FA-1"))
    assert _qr(no_bic, 500, "FA-1") == expected
    assert _qr(SimpleNamespace(name="Cabinet Dupuis", iban="FR7630006000011234567890189"), 500, "FA-1") == expected
    assert _qr(office, 0, "FA-1") == "" and _qr(office, -100, "FA-1") == ""
    assert _qr(SimpleNamespace(name="Cabinet Dupuis", iban="", bic=""), 500, "FA-1") == ""
    assert _qr(SimpleNamespace(name="Cabinet Dupuis"), 500, "FA-1") == ""  # no iban setting at all
    assert _qr(SimpleNamespace(name="  ", iban="FR7630006000011234567890189"), 500, "FA-1") == ""
    assert _qr(SimpleNamespace(name=None, iban="FR7630006000011234567890189"), 500, "FA-1") == ""
    assert _qr(SimpleNamespace(iban="FR7630006000011234567890189"), 500, "FA-1") == ""


# --- the creditor's identity a document needs (missing_creditor_fields) ---------------------------------------

def test_every_document_needs_the_office_s_name_a_blank_or_absent_one_is_missing() -> None:
    from types import SimpleNamespace

    from relance_tui.io.document_data import missing_creditor_fields

    assert missing_creditor_fields(SimpleNamespace(name="Cabinet Dupuis"), "reminder_letter") == []
    assert missing_creditor_fields(SimpleNamespace(name="  "), "statement") == ["name"]
    assert missing_creditor_fields(SimpleNamespace(name=None), "statement") == ["name"]
    assert missing_creditor_fields(SimpleNamespace(), "reminder_letter", "fr_b2b") == ["name"]


def test_a_legal_document_needs_the_address_city_and_siren_or_a_belgian_office_s_enterprise_number() -> None:
    """A formal notice and a litigation file identify the creditor fully: address, city and its SIREN (France)
    or enterprise number (a Belgian office); an office with no country setting is French."""
    from types import SimpleNamespace

    from relance_tui.io.document_data import missing_creditor_fields

    for kind in ("formal_notice", "litigation"):
        assert missing_creditor_fields(SimpleNamespace(name="X"), kind) == ["address", "city", "siren"]
        assert missing_creditor_fields(SimpleNamespace(name="X", country="BE"), kind) == [
            "address", "city", "enterprise_number"]
        assert missing_creditor_fields(SimpleNamespace(name="X", country="FR", address="1 rue", city="Lyon",
                                                       siren="732829320"), kind) == []
    assert missing_creditor_fields(SimpleNamespace(name="X", country="BE", address="Rue Neuve 1", city="Bruxelles",
                                                   siren="732829320"), "formal_notice") == ["enterprise_number"]
    # and the name first, as every document needs it
    assert missing_creditor_fields(SimpleNamespace(), "litigation") == ["name", "address", "city", "siren"]


def test_a_belgian_consumer_s_reminder_letter_needs_the_creditor_s_enterprise_number_and_nothing_else_does() -> None:
    """CDE XIX.2 §1: the free first reminder states the creditor's enterprise number; a reminder to anyone else,
    or another document to a Belgian consumer, does not ask for it."""
    from types import SimpleNamespace

    from relance_tui.io.document_data import missing_creditor_fields

    office = SimpleNamespace(name="Bureau Peeters", country="BE")
    assert missing_creditor_fields(office, "reminder_letter", "be_b2c") == ["enterprise_number"]
    assert missing_creditor_fields(office, "reminder_letter", "be_b2b") == []
    assert missing_creditor_fields(office, "statement", "be_b2c") == []
    assert missing_creditor_fields(SimpleNamespace(name="B", enterprise_number="0403.170.701"), "reminder_letter",
                                   "be_b2c") == []


def test_an_incomplete_office_is_refused_naming_each_missing_setting_in_french_and_by_its_key() -> None:
    from types import SimpleNamespace

    import pytest

    from relance_tui.io.document_data import _check_creditor
    from relance_tui.io.documents import DocumentError

    with pytest.raises(DocumentError) as caught:
        _check_creditor(SimpleNamespace(name="X", country="BE"), "litigation", "be_b2b")
    assert str(caught.value) == ("identité du cabinet incomplète (adresse, ville, numéro d'entreprise) : renseignez "
                                 "address, city, enterprise_number dans la section [office] de relance.toml")
    with pytest.raises(DocumentError, match=r"^identité du cabinet incomplète \(numéro d'entreprise\) : renseignez "
                                            r"enterprise_number dans"):
        _check_creditor(SimpleNamespace(name="X"), "reminder_letter", "be_b2c")
    _check_creditor(SimpleNamespace(name="X"), "reminder_letter", "be_b2b")  # nothing missing: no error


# --- how a document is named on the timeline (document_label, in_language) -------------------------------------

def test_a_document_is_named_in_french_with_its_language_when_it_is_not_french() -> None:
    from relance_tui.io.document_data import document_label, in_language

    assert document_label({"kind": "formal_notice", "lang": "fr", "written_in": "nl"}) == \
        "Mise en demeure en néerlandais"
    assert document_label({"kind": "formal_notice", "lang": "fr", "written_in": "fr"}) == "Mise en demeure"
    assert document_label({"kind": "relance_amiable", "lang": "en"}) == "relance_amiable en anglais"  # its own kind
    # 'written_in' wins over 'lang' (a Dutch letter previewed in French is still a Dutch letter)
    assert in_language("Relance par courrier", {"lang": "fr", "written_in": "nl"}) == \
        "Relance par courrier en néerlandais"
    assert in_language("Relance par courrier", {"lang": "nl", "written_in": "fr"}) == "Relance par courrier"
    assert in_language("Relance par courrier", {"lang": "nl"}) == "Relance par courrier en néerlandais"


# --- the rate a formal notice states (_rate) ------------------------------------------------------------------

def test_the_rate_stated_is_the_ecb_rate_plus_10_points_in_france_and_plus_8_rounded_up_in_belgium(store) -> None:
    """On 23 Nov 2026 the ECB rate is 2.15 %: France 2.15 + 10 = 12.15 %; Belgium 2.15 + 8 = 10.15 %, rounded up
    to the next half point, 10.50 %. Written the document's way ('12.15%' in English); a consumer: no rate."""
    from types import SimpleNamespace

    from relance_tui.io.document_data import _rate
    from relance_tui.store.queries import load_rates

    rates, today, card = load_rates(store), D(2026, 11, 23), SimpleNamespace(contract_rate_bp=None)
    assert _rate(card, "fr_b2b", today, rates, "fr") == {
        "label": "la Banque centrale européenne majoré de 10 points", "value": f"12,15{NBSP}%"}
    assert _rate(card, "be_b2b", today, rates, "fr") == {
        "label": "la Banque centrale européenne majoré de 8 points, arrondi au demi-point supérieur",
        "value": f"10,50{NBSP}%"}
    assert _rate(card, "fr_b2b", today, rates, "en")["value"] == "12.15%"
    assert _rate(card, "fr_b2c", today, rates, "fr") == {"label": "", "value": ""}
    assert _rate(card, "be_b2c", today, rates, "nl") == {"label": "", "value": ""}


def test_a_contract_rate_is_said_as_our_terms_and_never_below_three_times_the_legal_rate(store) -> None:
    """A contract's 15 % is stated as such; a contract's 5 % is raised to 3 x the legal rate (2.62 % in 2026:
    7.86 %, C. com. L441-10)."""
    from types import SimpleNamespace

    from relance_tui.io.document_data import _rate
    from relance_tui.store.queries import load_rates, set_rate

    set_rate(store, "legal_pro", D(2026, 7, 1), 262)
    rates, today = load_rates(store), D(2026, 11, 23)
    assert _rate(SimpleNamespace(contract_rate_bp=1500), "fr_b2b", today, rates, "fr") == {
        "label": "le taux fixé par nos conditions", "value": f"15,00{NBSP}%"}
    assert _rate(SimpleNamespace(contract_rate_bp=500), "fr_b2b", today, rates, "fr")["value"] == f"7,86{NBSP}%"


def test_a_rate_nobody_entered_is_stated_as_a_rate_to_enter_never_a_figure(store) -> None:
    from types import SimpleNamespace

    from relance_tui.io.document_data import _rate
    from relance_tui.store.queries import load_rates

    card = SimpleNamespace(contract_rate_bp=None)
    assert _rate(card, "fr_b2b", D(1990, 1, 1), load_rates(store), "fr") == {
        "label": "la Banque centrale européenne majoré de 10 points", "value": "(taux à saisir)"}
    assert _rate(card, "be_b2b", D(1990, 1, 1), load_rates(store), "nl")["value"] == "(rentevoet in te voeren)"


# --- a litigation file's chronology: relance's own notes said again in the file's language (contact_note) -------

def note(kind: str, outcome: str, data: Any = None, *, notes: str = "Note telle qu'écrite", invoices: str = ""):
    import json

    from relance_tui.store.documents import Contact

    raw = data if isinstance(data, str) or data is None else json.dumps(data)
    return Contact("2026-11-02T10:00:00Z", kind, "out", outcome, "marie", notes, raw or "", invoices)


def nl(cents: int) -> str:
    return f"€{NBSP}" + f"{cents // 100:,}".replace(",", ".") + f",{cents % 100:02d}"


PROMISES = {7: (40_000, "2026-11-10", "1/2"), 8: (12_345, "2026-12-01", "")}

SAID_AGAIN = [
    # a call recorded with the agent's words apart: its outcome, each instalment, a payment said sent, the words
    (note("call", "promise", {"notes": "Le gérant paiera.", "instalments": [
        {"amount_cents": 40_000, "due_date": "2026-12-01"}, {"amount_cents": "x", "due_date": "2027-01-04"}, "junk"],
        "paid": {"date": "2026-11-20", "reference": "VIR 9"}}),
     f"Betalingsbelofte · {nl(40_000)} tegen 01/12/2026 · ? tegen 04/01/2027 · verzonden op 20/11/2026 (ref. VIR 9)"
     " · Le gérant paiera."),
    (note("call", "paid_already", {"notes": "", "paid": {"date": "2026-11-20"}}),
     "Betaling reeds verzonden · verzonden op 20/11/2026"),
    (note("call", "voicemail", {"notes": "", "paid": {}}), "Voicemail · verzonden op "),
    (note("call", "voicemail", {"notes": "", "paid": "2026-11-20"}), "Voicemail"),  # a paid of another shape
    (note("call", "voicemail", {"instalments": []}), "Note telle qu'écrite"),  # no agent's words kept apart
    (note("call", "odd_outcome", {"notes": "x"}), "Note telle qu'écrite"),
    # a document made (not said sent), registered or not, of a kind the file may not know
    (note("letter", "document", {"document": "formal_notice", "registered": True}),
     "Document opgemaakt: Ingebrekestelling (aangetekend)"),
    (note("letter", "document", {"document": "statement", "registered": False}), "Document opgemaakt: Rekeningoverzicht"),
    (note("letter", "document", {"document": "rappel_x"}), "Document opgemaakt: rappel_x"),
    (note("letter", "document", {"document": ""}), "Note telle qu'écrite"),
    (note("email", "document", {"document": "statement"}), "Note telle qu'écrite"),
    (note("letter", "sent", {"document": "statement"}), "Note telle qu'écrite"),
    # a promise: its amount, date and instalment mark; once settled, its status and what came in
    (note("promise", "pending", {"promise_id": 7}), f"Betalingsbelofte van {nl(40_000)} tegen 10/11/2026 (termijn 1/2)"),
    (note("promise", "pending", {"promise_id": 8}), f"Betalingsbelofte van {nl(12_345)} tegen 01/12/2026"),
    (note("promise", "broken", {"promise_id": 7, "covered_cents": 10_000}),
     f"Betalingsbelofte van {nl(40_000)} tegen 10/11/2026: niet nagekomen ({nl(10_000)} ontvangen) (termijn 1/2)"),
    (note("promise", "kept", {"promise_id": 8}), f"Betalingsbelofte van {nl(12_345)} tegen 01/12/2026: nagekomen "
                                                 "(? ontvangen)"),
    (note("promise", "odd", {"promise_id": 8}), "Note telle qu'écrite"),
    (note("promise", "pending", {"promise_id": 99}), "Note telle qu'écrite"),  # a promise the file does not hold
    (note("call", "pending", {"promise_id": 7}), "Note telle qu'écrite"),
    # a dispute opened: its category and invoices
    (note("dispute", "opened", {"category": "price"}, invoices="FA-2"),
     "Betwisting (prijs) over FA-2: invordering opgeschort"),
    (note("dispute", "opened", {"category": "weather"}, invoices="FA-2, FA-3"),
     "Betwisting (weather) over FA-2, FA-3: invordering opgeschort"),
    (note("dispute", "opened", {"category": "price"}), "Note telle qu'écrite"),  # no invoice named
    (note("dispute", "opened", {}, invoices="FA-2"), "Note telle qu'écrite"),
    (note("dispute", "closed", {"category": "price"}, invoices="FA-2"), "Note telle qu'écrite"),
    # an email sent or only queued
    (note("email", "sent", {"to": "a@b.be", "subject": "Herinnering"}), "E-mail verzonden aan a@b.be: Herinnering"),
    (note("email", "outbox", {"to": "a@b.be", "subject": "Herinnering"}),
     "E-mail klaargezet voor a@b.be, nog niet verzonden: Herinnering"),
    (note("email", "sent", {"subject": "Herinnering"}), "E-mail verzonden aan : Herinnering"),
    (note("email", "sent", {"to": "a@b.be"}), "Note telle qu'écrite"),
    (note("email", "failed", {"to": "a@b.be", "subject": "S"}), "Note telle qu'écrite"),
    (note("sms", "sent", {"to": "a@b.be", "subject": "S"}), "Note telle qu'écrite"),
    # payments: a full export's settlement, a payment with its day and reference, a credit note, a reversal
    (note("payment", "paid", {"rule": "full", "number": "FA-1"}),
     "Factuur FA-1 staat niet meer in de volledige boekhoudexport: als betaald beschouwd"),
    (note("payment", "paid", {"rule": "full"}, invoices="FA-4"),
     "Factuur FA-4 staat niet meer in de volledige boekhoudexport: als betaald beschouwd"),
    (note("payment", "paid", {"amount_cents": 6_273, "day": "2026-10-02", "reference": "VIR 5", "number": "FA-1"},
          invoices="FA-9"), f"Betaling van {nl(6_273)} op factuur FA-1 op 02/10/2026 (ref. VIR 5)"),
    (note("payment", "partial", {"amount_cents": 6_273}, invoices="FA-9"), f"Betaling van {nl(6_273)} op factuur FA-9"),
    (note("payment", "partial", {"amount_cents": 6_273, "day": "", "reference": ""}), f"Betaling van {nl(6_273)}"),
    (note("payment", "paid", {"amount_cents": "6273"}), "Betaling van ?"),
    (note("payment", "paid", {"day": "2026-10-02"}), "Note telle qu'écrite"),  # no amount: the note as written
    (note("payment", "credit", {"amount_cents": 10_000, "credit_number": "AV-1", "day": "2026-10-02"},
          invoices="FA-1"), f"Creditnota AV-1 verrekend met factuur FA-1: {nl(10_000)} op 02/10/2026"),
    (note("payment", "credit", {"amount_cents": 10_000}), f"Creditnota ? verrekend met factuur ?: {nl(10_000)}"),
    (note("payment", "credit", {"credit_number": "AV-1"}), "Note telle qu'écrite"),
    (note("payment", "reversed", {}, invoices="FA-1"), "Betaling of verrekening op factuur FA-1 geannuleerd"),
    (note("payment", "credit_released", {"number": "FA-2"}), "Betaling of verrekening op factuur FA-2 geannuleerd"),
    (note("payment", "odd", {"amount_cents": 100}), "Note telle qu'écrite"),
    (note("note", "added", {"amount_cents": 100}), "Note telle qu'écrite"),
    # data that is no object (a list, broken JSON, none): read as no data at all
    (note("payment", "reversed", "[1, 2]", invoices="FA-1"), "Betaling of verrekening op factuur FA-1 geannuleerd"),
    (note("payment", "reversed", "{", invoices="FA-1"), "Betaling of verrekening op factuur FA-1 geannuleerd"),
    (note("payment", "reversed", None, invoices="FA-1"), "Betaling of verrekening op factuur FA-1 geannuleerd"),
    # words kept apart make a call's note only: an email whose data holds "notes" is still an email
    (note("email", "sent", {"to": "a@b.be", "subject": "S", "notes": "x"}), "E-mail verzonden aan a@b.be: S"),
]


def test_a_dutch_chronology_says_each_of_relance_s_own_notes_from_its_data_and_keeps_the_others_as_written() -> None:
    from relance_tui.io.document_data import contact_note

    for contact, expected in SAID_AGAIN:
        assert contact_note(contact, "nl", PROMISES) == expected, contact
    # an event whose data is NULL in the base: no data, never an error
    from relance_tui.store.documents import Contact

    bare = Contact("2026-11-02T10:00:00Z", "payment", "in", "reversed", "import", "Rejet", None, "FA-1")
    assert contact_note(bare, "nl") == "Betaling of verrekening op factuur FA-1 geannuleerd"


def test_a_call_recorded_without_its_words_apart_keeps_its_note_as_written() -> None:
    from relance_tui.io.document_data import contact_note

    # the demo's calls and those recorded before save_call kept the agent's words apart have no data "notes"
    for data in ({"instalments": []}, None, {"outcome": "voicemail"}):
        assert contact_note(note("call", "promise", data, notes="Rappel demandé"), "nl") == "Rappel demandé"
        assert contact_note(note("call", "no_answer", data, notes="Pas de réponse"), "en") == "Pas de réponse"
    assert contact_note(note("call", "unknown_outcome", {"notes": "x"}, notes="Autre issue"), "nl") == "Autre issue"


def test_an_english_chronology_writes_amounts_and_words_the_english_way() -> None:
    from relance_tui.io.document_data import contact_note

    assert contact_note(note("promise", "pending", {"promise_id": 7}), "en", PROMISES) == \
        "Promise to pay €400.00 by 10/11/2026 (instalment 1/2)"
    assert contact_note(note("call", "promise", {"notes": "", "instalments": [
        {"amount_cents": 123_456, "due_date": "2026-12-01"}]}), "en") == "Promise to pay · €1,234.56 by 01/12/2026"
    assert contact_note(note("promise", "partly_kept", {"promise_id": 8, "covered_cents": 5_000}), "en", PROMISES) == \
        "Promise to pay €123.45 by 01/12/2026: partly kept (€50.00 received)"
    assert contact_note(note("dispute", "opened", {"category": "not_delivered"}, invoices="FA-1"), "en") == \
        "Dispute (not delivered) about FA-1: collection suspended"
    # without the promises (none given): the note as written
    assert contact_note(note("promise", "pending", {"promise_id": 7}), "en") == "Note telle qu'écrite"


def test_a_french_chronology_is_the_timeline_s_note_without_the_document_s_path_on_the_server() -> None:
    from relance_tui.io.document_data import contact_note

    path = "/srv/relance/documents/2026-11-02-statement-1.pdf"
    made = note("letter", "document", {"path": path, "document": "statement"},
                notes=f"Relevé de compte produit : {path}")
    assert contact_note(made, "fr") == "Relevé de compte produit"
    # only a document's note loses its path; a note not ending with it is kept whole
    assert contact_note(note("email", "document", {"path": path}, notes=f"Envoyé : {path}"), "fr") == \
        f"Envoyé : {path}"
    assert contact_note(note("letter", "sent", {"path": path}, notes=f"Envoyé : {path}"), "fr") == f"Envoyé : {path}"
    assert contact_note(note("letter", "document", {"path": path}, notes=f"{path} : fait"), "fr") == f"{path} : fait"
    assert contact_note(note("letter", "document", {}, notes="Relevé : "), "fr") == "Relevé : "
    assert contact_note(note("promise", "pending", {"promise_id": 7}), "fr", PROMISES) == "Note telle qu'écrite"


# --- a Belgian consumer's formal notice waits for the 14 days of the free first reminder (_after_be_grace) -------

BE_OFFICE_KW = dict(name="Bureau Peeters", address="Rue Neuve 1", postcode="1000", city="Bruxelles", country="BE",
                    enterprise_number="0403.170.701", iban="BE68539007547034")
TODAY = D(2026, 11, 23)


def be_consumer(store, name: str) -> tuple[int, list[int]]:
    from tests.store.test_acts import add_debtor, add_invoice

    d = add_debtor(store, name, segment="b2c", country="BE")
    return d, [add_invoice(store, d, f"{name[:2].upper()}-{n}", D(2026, 9, n), D(2026, 10, n), 10_000 * n)
               for n in (1, 2, 3)]


def test_a_belgian_consumer_is_put_on_notice_only_for_invoices_whose_14_days_ended_before_today(store) -> None:
    """CDE XIX.2: a first reminder emailed on 2 Nov ends its 14 days on 16 Nov: that invoice may be claimed on the
    23rd; one emailed on 9 Nov ends them on the 23rd itself: not yet; one never reminded: not at all."""
    from relance_tui.config import OfficeSettings
    from relance_tui.io.document_data import document_data
    from relance_tui.store.acts import record_act

    office = OfficeSettings(**BE_OFFICE_KW)
    d, (a, b, _c) = be_consumer(store, "Luc Peeters")
    record_act(store, d, "first_reminder", D(2026, 11, 2), "email", [a], today=TODAY)
    record_act(store, d, "first_reminder", D(2026, 11, 9), "email", [b], today=TODAY)
    data = document_data(store, d, "formal_notice", office=office, today=TODAY, agent="Marie")
    assert data["invoice_ids"] == [a] and data["total_cents"] == 10_000
    assert (data["first_reminder"], data["grace_end"]) == ("02/11/2026", "16/11/2026")


def test_a_belgian_consumer_s_notice_before_the_14_days_end_is_refused_saying_until_when(store) -> None:
    """The 14 days of a free reminder still run on their last day (23 Nov): refused, naming the earliest last day
    among the invoices' reminders (23 Nov, not 26 Nov); no reminder at all: refused, saying to send one first."""
    import pytest

    from relance_tui.config import OfficeSettings
    from relance_tui.io.document_data import document_data
    from relance_tui.io.documents import DocumentError
    from relance_tui.store.acts import record_act

    office = OfficeSettings(**BE_OFFICE_KW)
    d, (a, b, _c) = be_consumer(store, "Luc Peeters")
    with pytest.raises(DocumentError) as caught:
        document_data(store, d, "formal_notice", office=office, today=TODAY, agent="Marie")
    assert str(caught.value) == ("Luc Peeters : pas de mise en demeure avant la fin du délai du premier rappel gratuit"
                                 " : envoyez d'abord le premier rappel gratuit (CDE art. XIX.2), puis attendez ses 14 "
                                 "jours")
    record_act(store, d, "first_reminder", D(2026, 11, 12), "email", [b], today=TODAY)  # ends 26 Nov
    record_act(store, d, "first_reminder", D(2026, 11, 9), "email", [a], today=TODAY)  # ends 23 Nov: today
    with pytest.raises(DocumentError) as caught:
        document_data(store, d, "formal_notice", office=office, today=TODAY, agent="Marie")
    assert str(caught.value) == ("Luc Peeters : pas de mise en demeure avant la fin du délai du premier rappel gratuit"
                                 " : délai de 14 jours en cours jusqu'au 23/11/2026")


# --- what a letter claims, and its figures (document_data) ----------------------------------------------------

def french_business(store) -> tuple[int, list[int]]:
    """A French business owing FA-1 (1,000 EUR, due 1 Oct: 53 days late on 23 Nov), FA-2 (500 EUR, due 15 Oct:
    39 days late), FA-3 (200 EUR, due today), FA-4 (300 EUR, due tomorrow) and holding a 50 EUR credit note."""
    from relance_tui.store.queries import set_rate
    from tests.store.test_acts import add_debtor, add_invoice

    set_rate(store, "ecb", D(2026, 7, 1), 215)  # 2.15 %: 12.15 % a year for a French business (L441-10)
    set_rate(store, "legal_pro", D(2026, 7, 1), 262)
    d = add_debtor(store, "Garage\x07 Dupont")
    return d, [add_invoice(store, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 100_000),
               add_invoice(store, d, "FA-2", D(2026, 9, 15), D(2026, 10, 15), 50_000),
               add_invoice(store, d, "FA-3", D(2026, 11, 1), D(2026, 11, 23), 20_000),
               add_invoice(store, d, "FA-4", D(2026, 11, 1), D(2026, 11, 24), 30_000),
               add_invoice(store, d, "AV-1", D(2026, 11, 2), D(2026, 11, 2), -5_000)]


def office():
    from relance_tui.config import OfficeSettings

    return OfficeSettings(name="Cabinet Dupuis", address="3 rue des Lilas", postcode="69003", city="Lyon",
                          siren="732829320", iban="FR7630006000011234567890189", bic="BNPAFRPP", country="FR")


def test_a_letter_claims_every_invoice_due_by_today_less_the_credit_note_with_each_penalty_to_the_cent(store) -> None:
    """Claimed: FA-1, FA-2 and FA-3 (due today), not FA-4 (due tomorrow): 1,700 EUR, less the 50 EUR credit note,
    1,650 EUR. Penalties at 12.15 %: FA-1 1000 x 0.1215 x 53 / 365 = 17.64 + 40 = 57.64; FA-2 500 x 0.1215 x 39
    / 365 = 6.49 + 40 = 46.49; FA-3, not late yet, 0.00 (no 40 EUR before a day late): 104.13 in all."""
    from relance_tui.io.document_data import document_data

    d, (a, b, c, _e, _f) = french_business(store)
    data = document_data(store, d, "reminder_letter", office=office(), today=TODAY, agent="Marie\x1b Dubois")
    data.pop("qr"), data.pop("office")
    assert data.pop("regime")["court_step"] == "Injonction de payer"
    assert data == {
        "kind": "reminder_letter", "lang": "fr", "written_in": "fr", "title": "Lettre de relance",
        "date": "23 novembre 2026", "agent": "Marie Dubois", "place": "Lyon", "registered": False,
        "debtor": {"name": "Garage Dupont", "address": "", "postcode": "", "city": "", "siren": "",
                   "enterprise_number": "", "code": ""},
        "invoices": [
            {"number": "FA-1", "issue": "01/09/2026", "due": "01/10/2026", "amount": euros("1 000,00 €"),
             "balance": euros("1 000,00 €"), "days_late": 53, "penalty": euros("57,64 €")},
            {"number": "FA-2", "issue": "15/09/2026", "due": "15/10/2026", "amount": euros("500,00 €"),
             "balance": euros("500,00 €"), "days_late": 39, "penalty": euros("46,49 €")},
            {"number": "FA-3", "issue": "01/11/2026", "due": "23/11/2026", "amount": euros("200,00 €"),
             "balance": euros("200,00 €"), "days_late": 0, "penalty": euros("0,00 €")}],
        "invoice_ids": [a, b, c], "credit": euros("50,00 €"), "total_cents": 165_000, "total": euros("1 650,00 €"),
        "penalties_cents": 10_413, "penalties": euros("104,13 €"), "deadline": "1er décembre 2026",
        "partial_payments": False, "reference": "FA-1, FA-2, FA-3",
        "rate": {"label": "la Banque centrale européenne majoré de 10 points", "value": euros("12,15 %")},
        "first_reminder": "", "grace_end": "", "penalties_claimed": True}


def test_a_plan_step_s_letter_claims_its_own_invoices_only_those_due_and_the_credit_up_to_them(store) -> None:
    """A plan step names FA-2 and FA-4: FA-4 is not due, so FA-2 alone, 500 EUR less the 50 EUR credit: 450 EUR,
    paid by the QR code; its penalty alone, 46.49. A credit larger than the claim stops at the claim."""
    from relance_tui.io.document_data import document_data
    from relance_tui.io.epc import epc_payload, epc_svg
    from tests.store.test_acts import add_invoice

    d, (_a, b, _c, e, _f) = french_business(store)
    data = document_data(store, d, "reminder_letter", office=office(), today=TODAY, agent="M", invoice_ids=[b, e])
    assert (data["invoice_ids"], data["total_cents"], data["credit"]) == ([b], 45_000, euros("50,00 €"))
    assert (data["penalties_cents"], data["reference"]) == (4_649, "FA-2")
    assert data["qr"] == epc_svg(epc_payload(name="Cabinet Dupuis", iban="FR7630006000011234567890189",
                                             amount_cents=45_000, text="FA-2", bic="BNPAFRPP"))
    add_invoice(store, d, "AV-2", D(2026, 11, 3), D(2026, 11, 3), -60_000)  # 650 EUR of credit now
    data = document_data(store, d, "reminder_letter", office=office(), today=TODAY, agent="M", invoice_ids=[b])
    assert (data["credit"], data["total_cents"], data["total"], data["qr"]) == (euros("500,00 €"), 0,
                                                                                euros("0,00 €"), "")


def test_a_letter_without_any_credit_says_none_and_deducts_nothing(store) -> None:
    from relance_tui.io.document_data import document_data

    d, (a, *_rest) = french_business(store)
    store.write(lambda db: db.execute("DELETE FROM invoices WHERE number = 'AV-1'"))
    data = document_data(store, d, "reminder_letter", office=office(), today=TODAY, agent="M", invoice_ids=[a])
    assert (data["credit"], data["total_cents"], data["total"]) == ("", 100_000, euros("1 000,00 €"))


def test_a_formal_notice_is_registered_unless_its_plan_step_says_otherwise_and_gives_the_office_s_deadline(
        store) -> None:
    """Registered with receipt by default; a plan step's channel decides otherwise; the deadline is today plus
    the office's notice days (8 by default: 1 December; 15: 8 December); a part payment is said."""
    from relance_tui.io.document_data import document_data
    from relance_tui.store.cards import record_payment

    d, (a, *_rest) = french_business(store)
    kw = dict(office=office(), today=TODAY, agent="M")
    assert document_data(store, d, "formal_notice", **kw)["registered"] is True
    assert document_data(store, d, "formal_notice", registered=False, **kw)["registered"] is False
    assert document_data(store, d, "reminder_letter", registered=True, **kw)["registered"] is True
    assert document_data(store, d, "formal_notice", notice_days=15, **kw)["deadline"] == "8 décembre 2026"
    assert document_data(store, d, "formal_notice", **kw)["partial_payments"] is False
    record_payment(store, d, day=D(2026, 11, 2), amount_cents=20_000, today=TODAY)  # on FA-1, the oldest
    assert document_data(store, d, "formal_notice", **kw)["partial_payments"] is True


def test_a_letter_with_nothing_to_claim_is_refused_naming_the_debtor(store) -> None:
    import pytest

    from relance_tui.io.document_data import document_data
    from relance_tui.io.documents import DocumentError
    from tests.store.test_acts import add_debtor

    d = add_debtor(store, "Garage Dupont")
    with pytest.raises(DocumentError) as caught:
        document_data(store, d, "reminder_letter", office=office(), today=TODAY, agent="M")
    assert str(caught.value) == ("Garage Dupont : aucune facture à réclamer (réglées, contestées, pas encore échues "
                                 "ou prescrites)")


def test_the_payment_reference_is_the_invoice_numbers_cut_at_140_characters(store) -> None:
    """The EPC QR code's unstructured text holds 140 characters: the reference is cut there."""
    from relance_tui.io.document_data import document_data
    from tests.store.test_acts import add_debtor, add_invoice

    d = add_debtor(store, "Garage Dupont")
    for n in range(1, 13):
        add_invoice(store, d, f"FACTURE-2026-{n:04d}", D(2026, 9, 1), D(2026, 10, 1), 1_000)
    reference = document_data(store, d, "reminder_letter", office=office(), today=TODAY, agent="M")["reference"]
    numbers = ", ".join(f"FACTURE-2026-{n:04d}" for n in range(1, 13))  # 12 x 17 + 11 x 2 = 226 characters
    assert reference == numbers[:140] and len(reference) == 140


def test_penalties_resting_on_a_missing_rate_are_to_be_computed_with_the_reason_in_french_only(store) -> None:
    """No ECB rate for the second half of 2026: no figure, 'à calculer' and why (the reason is French text: a
    Dutch letter says 'te berekenen' alone); the rate is one to enter; the penalties are still claimed."""
    from relance_tui.io.document_data import document_data

    d, (a, b, *_rest) = french_business(store)
    store.write(lambda db: db.execute("DELETE FROM rates WHERE kind = 'ecb'"))
    data = document_data(store, d, "formal_notice", office=office(), today=TODAY, agent="M")
    assert data["penalties_cents"] is None and data["penalties_claimed"] is True
    assert data["penalties"] == ("à calculer (aucun taux de refinancement BCE connu au 01/07/2026 (ajoutez-le avec : "
                                 "relance rates set ecb AAAA-MM-JJ TAUX))")
    assert data["rate"]["value"] == "(taux à saisir)"
    assert [i["penalty"] for i in data["invoices"]] == ["à calculer", "à calculer", euros("0,00 €")]
    store.write(lambda db: db.execute("UPDATE debtors SET language = 'nl' WHERE id = ?", [d]))
    data = document_data(store, d, "formal_notice", office=office(), today=TODAY, agent="M")
    assert (data["penalties"], data["rate"]["value"]) == ("te berekenen", "(rentevoet in te voeren)")


def test_penalties_on_a_rate_carried_over_are_to_be_confirmed_and_waived_ones_are_not_claimed(store) -> None:
    """The ECB rate of the second half not entered but the first half's known: the figure stands, 'à confirmer'
    beside it and beside the rate; penalties waived by a supervisor: nothing said, nothing claimed."""
    from relance_tui.io.document_data import document_data
    from relance_tui.store.cards import waive_penalties

    d, (a, b, *_rest) = french_business(store)
    store.write(lambda db: db.execute("DELETE FROM rates WHERE kind = 'ecb' AND valid_from = '2026-07-01'"))
    data = document_data(store, d, "formal_notice", office=office(), today=TODAY, agent="M", invoice_ids=[a, b])
    assert data["penalties"] == f"{euros('104,13 €')} à confirmer (taux de la période en cours non encore saisi)"
    assert data["rate"]["value"] == f"{euros('12,15 %')} à confirmer"
    waive_penalties(store, d, [a, b], reason="geste commercial")
    data = document_data(store, d, "formal_notice", office=office(), today=TODAY, agent="M", invoice_ids=[a, b])
    assert (data["penalties_cents"], data["penalties"], data["penalties_claimed"]) == (0, "", False)


# --- the statement of account (_statement) --------------------------------------------------------------------

def test_a_statement_lists_every_line_with_its_running_balance_and_says_what_to_pay_when_it_differs(store) -> None:
    """2,000 EUR invoiced, a 50 EUR credit note and a 200 EUR payment: 1,750 EUR on the account; to pay now, the
    invoices due (FA-4 is due tomorrow, 300 EUR): 1,450 EUR, said since it differs from the balance."""
    from relance_tui.io.document_data import document_data
    from relance_tui.store.cards import record_payment

    d, _ = french_business(store)
    record_payment(store, d, day=D(2026, 11, 2), amount_cents=20_000, reference="VIR 77", today=TODAY)
    data = document_data(store, d, "statement", office=office(), today=TODAY, agent="M")
    assert data["lines"] == [
        {"date": "01/09/2026", "label": "Facture FA-1", "debit": euros("1 000,00 €"), "credit": "",
         "balance": euros("1 000,00 €")},
        {"date": "15/09/2026", "label": "Facture FA-2", "debit": euros("500,00 €"), "credit": "",
         "balance": euros("1 500,00 €")},
        {"date": "01/11/2026", "label": "Facture FA-3", "debit": euros("200,00 €"), "credit": "",
         "balance": euros("1 700,00 €")},
        {"date": "01/11/2026", "label": "Facture FA-4", "debit": euros("300,00 €"), "credit": "",
         "balance": euros("2 000,00 €")},
        {"date": "02/11/2026", "label": "Avoir AV-1", "debit": "", "credit": euros("50,00 €"),
         "balance": euros("1 950,00 €")},
        {"date": "02/11/2026", "label": "Règlement VIR 77", "debit": "", "credit": euros("200,00 €"),
         "balance": euros("1 750,00 €")}]
    assert (data["total"], data["account_balance_cents"], data["owed_cents"], data["total_cents"], data["to_pay"]) \
        == (euros("1 750,00 €"), 175_000, 145_000, 145_000, euros("1 450,00 €"))
    store.write(lambda db: db.execute("UPDATE debtors SET language = 'en' WHERE id = ?", [d]))
    data = document_data(store, d, "statement", office=office(), today=TODAY, agent="M")
    assert data["lines"][0] == {"date": "01/09/2026", "label": "Invoice FA-1", "debit": "€1,000.00", "credit": "",
                                "balance": "€1,000.00"}
    assert data["lines"][-1] == {"date": "02/11/2026", "label": "Payment VIR 77", "debit": "", "credit": "€200.00",
                                 "balance": "€1,750.00"}
    assert (data["total"], data["to_pay"]) == ("€1,750.00", "€1,450.00")


def test_a_statement_whose_balance_is_what_is_due_or_a_credit_says_no_separate_amount_to_pay(store) -> None:
    from relance_tui.io.document_data import document_data
    from tests.store.test_acts import add_debtor, add_invoice

    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 100_000)
    data = document_data(store, d, "statement", office=office(), today=TODAY, agent="M")
    assert (data["total"], data["owed_cents"], data["to_pay"]) == (euros("1 000,00 €"), 100_000, "")
    # a credit note alone: the account owes the debtor 50 EUR; nothing is to be paid, and nothing else said
    c = add_debtor(store, "Boulangerie Martin")
    add_invoice(store, c, "AV-1", D(2026, 11, 2), D(2026, 11, 2), -5_000)
    data = document_data(store, c, "statement", office=office(), today=TODAY, agent="M")
    assert (data["total"], data["account_balance_cents"], data["owed_cents"], data["to_pay"], data["qr"]) == (
        euros("-50,00 €"), -5_000, 0, "", "")


# --- the litigation file (_litigation) ------------------------------------------------------------------------

def test_a_litigation_file_gives_the_claim_s_parts_the_notice_and_its_proof_and_the_court_s_place(store) -> None:
    """FA-1 and FA-2: 1,500 EUR less the 50 EUR credit, 1,450 EUR; interest 17.64 + 6.49 = 24.13 EUR apart from the
    2 x 40 EUR indemnities, 104.13 EUR; 1,554.13 EUR in all. The formal notice of 2 Nov, its tracking number, in
    the grounds and the exhibits; the court of the debtor's postcode and city; no QR code, not registered."""
    from relance_tui.io.document_data import document_data
    from relance_tui.store.plan_steps import record_step
    from tests.store.test_agenda import log_call

    d, ids = french_business(store)
    store.write(lambda db: db.execute("UPDATE debtors SET postcode = '75002', city = 'Paris' WHERE id = ?", [d]))
    log_call(store, d, D(2026, 10, 10))
    record_step(store, d, "formal_notice", today=D(2026, 11, 2), tracking="1A 234")
    data = document_data(store, d, "litigation", office=office(), today=TODAY, agent="M", invoice_ids=ids[:2])
    notice = {"kind": "Mise en demeure", "code": "formal_notice", "day": "02/11/2026",
              "channel": "lettre recommandée AR", "tracking": "1A 234", "invoices": "FA-1, FA-2"}
    assert data["acts"] == [notice] and data["notice"] == notice
    assert data["claim"] == {"principal": euros("1 450,00 €"), "penalties": euros("104,13 €"),
                             "interest": euros("24,13 €"), "indemnities": euros("80,00 €"),
                             "interest_from": "du lendemain de l'échéance de chaque facture (C. com. art. L441-10)",
                             "rate": euros("12,15 %"), "total": euros("1 554,13 €")}
    assert data["court_place"] == "75002 Paris"
    assert data["grounds"] == ("Factures impayées FA-1, FA-2 ; mise en demeure du 02/11/2026 (lettre recommandée AR, "
                               "n° 1A 234) restée sans effet")
    assert data["exhibits"] == ["Facture FA-1 du 01/09/2026", "Facture FA-2 du 15/09/2026",
                                "Mise en demeure du 02/11/2026 et preuve d'envoi",
                                "Chronologie des relances amiables (ci-après)"]
    assert (data["registered"], data["qr"], data["total_cents"]) == (False, "", 145_000)
    assert [(c["kind"], c["agent"]) for c in data["contacts"]] == [("Appel", "marie"), ("Courrier", "marie")]
    assert data["contacts"][0]["date"] == "10/10/2026 11:00"  # 09:00 UTC, in the office's time (Paris, summer)
    # an office elsewhere dates each contact in its own time zone; none set: Paris
    from dataclasses import replace

    there = document_data(store, d, "litigation", office=replace(office(), timezone="America/Martinique"),
                          today=TODAY, agent="M", invoice_ids=ids[:2])
    assert there["contacts"][0]["date"] == "10/10/2026 05:00"
    unset = document_data(store, d, "litigation", office=replace(office(), timezone=""), today=TODAY, agent="M",
                          invoice_ids=ids[:2])
    assert unset["contacts"][0]["date"] == "10/10/2026 11:00"
    # a plan step sending the file by registered letter: the file itself is never a registered letter
    assert document_data(store, d, "litigation", office=office(), today=TODAY, agent="M", invoice_ids=ids[:2],
                         registered=True)["registered"] is False
    assert data["contacts"][1]["notes"] == ("Mise en demeure (lettre recommandée AR) du 02/11/2026 : FA-1, FA-2 — "
                                            "n° de suivi 1A 234")


def test_a_litigation_file_without_notice_or_rate_says_so_and_claims_no_made_up_figure(store) -> None:
    """No formal notice: the grounds are the invoices alone, no notice among the exhibits; no ECB rate: every
    part of the penalties 'à calculer', the total the principal 'hors pénalités'; no address: '—'."""
    from relance_tui.io.document_data import document_data

    d, ids = french_business(store)
    store.write(lambda db: db.execute("DELETE FROM rates WHERE kind = 'ecb'"))
    data = document_data(store, d, "litigation", office=office(), today=TODAY, agent="M", invoice_ids=ids[:1])
    assert (data["acts"], data["notice"], data["court_place"]) == ([], {}, "—")
    assert data["grounds"] == "Factures impayées FA-1"
    assert data["exhibits"] == ["Facture FA-1 du 01/09/2026", "Chronologie des relances amiables (ci-après)"]
    assert data["claim"] == {"principal": euros("950,00 €"), "penalties": "à calculer", "interest": "à calculer",
                             "indemnities": "à calculer",
                             "interest_from": "du lendemain de l'échéance de chaque facture (C. com. art. L441-10)",
                             "rate": "(taux à saisir)", "total": f"{euros('950,00 €')} hors pénalités (à calculer)"}


def test_a_flemish_court_s_file_is_in_dutch_its_figures_to_the_cent_and_relance_s_notes_said_again(store) -> None:
    """A Belgian business in Ghent (postcode 9000: a Dutch-speaking court), chased by a Belgian office: the file is
    in Dutch. FA-1, 1,000 EUR due 1 Oct, 53 days late at 2.15 + 8 = 10.15 %, rounded up to 10.50 %: 1000 x 0.105 x
    53 / 365 = 15.25 EUR of interest, + 40 EUR = 55.25 EUR, 1,055.25 EUR in all. A notice sent without a tracking
    number says none; each note at most 300 characters."""
    from relance_tui.config import OfficeSettings
    from relance_tui.domain.calendar import OfficeCalendar
    from relance_tui.io.document_data import document_data
    from relance_tui.store.acts import record_act
    from relance_tui.store.calls import CallReport, Instalment, save_call
    from relance_tui.store.queries import set_rate
    from tests.store.test_acts import add_debtor, add_invoice

    set_rate(store, "ecb", D(2026, 7, 1), 215)
    d = add_debtor(store, "Brouwerij De Smet", country="BE")
    store.write(lambda db: db.execute("UPDATE debtors SET postcode = '9000', city = 'Gent' WHERE id = ?", [d]))
    a = add_invoice(store, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 100_000)
    save_call(store, CallReport(debtor_id=d, outcome="promise", started_at=dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC),
                                duration_s=60, notes="x" * 400, invoice_ids=(a,),
                                instalments=(Instalment(D(2026, 12, 15), 40_000),)),
              today=D(2026, 11, 2), calendar=OfficeCalendar("BE"))
    record_act(store, d, "formal_notice", D(2026, 11, 3), "registered", today=TODAY, office_country="BE")
    data = document_data(store, d, "litigation", office=OfficeSettings(**BE_OFFICE_KW), today=TODAY, agent="M")
    assert data["lang"] == "nl" and data["court_place"] == "9000 Gent"
    # the court step named in the court's language (Judicial Code art. 1394/20: uncontested debts)
    assert data["regime"]["court_step"] == "invordering van onbetwiste geldschulden (art. 1394/20 Gerechtelijk Wetboek)"
    assert data["claim"] == {"principal": f"€{NBSP}1.000,00", "penalties": f"€{NBSP}55,25",
                             "interest": f"€{NBSP}15,25", "indemnities": f"€{NBSP}40,00",
                             "interest_from": "vanaf de dag na de vervaldag van elke factuur (wet van 2 augustus "
                                              "2002, art. 5)",
                             "rate": f"10,50{NBSP}%", "total": f"€{NBSP}1.055,25"}
    assert data["acts"] == [{"kind": "Ingebrekestelling", "code": "formal_notice", "day": "03/11/2026",
                             "channel": "aangetekende brief met ontvangstbewijs", "tracking": "", "invoices": "FA-1"}]
    assert data["grounds"] == ("Onbetaalde facturen FA-1; ingebrekestelling van 03/11/2026 (aangetekende brief met "
                               "ontvangstbewijs) zonder gevolg gebleven")
    assert data["exhibits"] == ["Factuur FA-1 van 01/09/2026", "Ingebrekestelling van 03/11/2026 en bewijs van "
                                "verzending", "Chronologie van de minnelijke invorderingspogingen (hierna)"]
    call, promise, letter = data["contacts"]
    head = f"Betalingsbelofte · €{NBSP}400,00 tegen 15/12/2026 · "
    assert (call["kind"], call["notes"]) == ("Telefoon", head + "x" * (300 - len(head)))
    assert (promise["kind"], promise["notes"]) == ("Belofte", f"Betalingsbelofte van €{NBSP}400,00 tegen 15/12/2026")
    assert letter["kind"] == "Brief"


def test_of_two_free_reminders_the_notice_names_the_latest_ending_one_with_its_own_end(store) -> None:
    """Both reminders on Monday 2 Nov: FB-1 emailed (14 days from the day after, 3-16 Nov), FB-2 posted (14 days
    from the third business day after posting, Thursday 5 Nov: 5-18 Nov). The notice names the reminder whose
    days ended last, with its own end: 02/11/2026 and 18/11/2026."""
    from relance_tui.config import OfficeSettings
    from relance_tui.io.document_data import document_data
    from relance_tui.store.acts import record_act

    d, (a, b, _c) = be_consumer(store, "Luc Peeters")
    record_act(store, d, "first_reminder", D(2026, 11, 2), "email", [a], today=TODAY)
    record_act(store, d, "first_reminder", D(2026, 11, 2), "letter", [b], today=TODAY)
    data = document_data(store, d, "formal_notice", office=OfficeSettings(**BE_OFFICE_KW), today=TODAY, agent="M")
    assert (data["invoice_ids"], data["first_reminder"], data["grace_end"]) == ([a, b], "02/11/2026", "18/11/2026")


def test_a_dutch_notice_writes_its_dates_and_every_amount_the_dutch_way(store) -> None:
    """The French business of the tests above, written to in Dutch: the same figures (1,650 EUR after the 50 EUR
    credit, 104.13 EUR of penalties), '€ 1.650,00', '23 november 2026', deadline '1 december 2026'."""
    from relance_tui.io.document_data import document_data

    d, _ = french_business(store)
    store.write(lambda db: db.execute("UPDATE debtors SET language = 'nl' WHERE id = ?", [d]))
    data = document_data(store, d, "formal_notice", office=office(), today=TODAY, agent="M")
    assert {k: data[k] for k in ("title", "date", "deadline", "credit", "penalties", "total")} == {
        "title": "Ingebrekestelling", "date": "23 november 2026", "deadline": "1 december 2026",
        "credit": f"€{NBSP}50,00", "penalties": f"€{NBSP}104,13", "total": f"€{NBSP}1.650,00"}
    assert data["invoices"][0]["amount"] == f"€{NBSP}1.000,00"
