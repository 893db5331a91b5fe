"""Documents as PDF (io/documents.py, io/document_data.py; issue 16): the text read back from each PDF holds
what the law asks of it for the debtor's regime, the amounts to the cent (worked out by hand), a hostile
name printed literally and nothing else changed, and the EPC QR code paying the right amount."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace

import pytest

from relance_tui.config import OfficeSettings
from relance_tui.io.document_data import document_data
from relance_tui.io.documents import BUILTIN_DIR, DocumentError, render_documents
from relance_tui.io.epc import epc_payload, epc_svg
from relance_tui.store.acts import record_act
from relance_tui.store.cards import record_payment
from tests.store.test_acts import add_debtor, add_invoice

pypdf = pytest.importorskip("pypdf")

D = dt.date
TODAY = D(2026, 11, 23)
IBAN = "FR7630006000011234567890189"
OFFICE = OfficeSettings(name="Cabinet Dupuis", address="3 rue des Lilas", postcode="69003", city="Lyon",
                        siren="732829320", iban=IBAN, bic="BNPAFRPP", country="FR", phone="04 72 00 00 00")


def text_of(pdf: bytes) -> str:
    """The PDF's text, one line a line, spaces made plain (no-break spaces of amounts, typst's kerning)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(p.extract_text() for p in reader.pages).replace("\u00a0", " ").replace("\u2019", "'")


def flat(text: str) -> str:
    return " ".join(text.split())


def debtor_with_invoices(store, name="Garage Dupont", *, segment="b2b", country="FR",
                         prefix="FA") -> tuple[int, list[int]]:
    d = add_debtor(store, name, segment=segment, country=country)
    store.write(lambda db: db.execute("UPDATE debtors SET siren = '552100554', address = '12 rue Haute', "
                                      "postcode = '75002', city = 'Paris', code = ? WHERE id = ?", [f"C{d:03d}", d]))
    a = add_invoice(store, d, f"{prefix}-1", D(2026, 9, 1), D(2026, 10, 1), 100_000)  # 53 days late on TODAY
    b = add_invoice(store, d, f"{prefix}-2", D(2026, 9, 15), D(2026, 10, 15), 50_000)  # 39 days late
    return d, [a, b]


def make(store, debtor: int, kind: str, office=OFFICE, **kw) -> tuple[dict, str]:
    data = document_data(store, debtor, kind, office=office, today=TODAY, agent="Marie Dubois", **kw)
    return data, text_of(render_documents([(kind, data)]).data)


def enter_rates(store) -> None:
    """The rates of the second half of 2026, as an office enters them (relance rates set)."""
    from relance_tui.store.queries import set_rate

    set_rate(store, "ecb", D(2026, 7, 1), 215)  # unchanged since June 2025: 2.15 %
    set_rate(store, "legal_pro", D(2026, 7, 1), 262)
    set_rate(store, "legal_private", D(2026, 7, 1), 667)


def test_a_formal_notice_or_a_court_file_is_refused_until_the_office_s_identity_is_set(store) -> None:
    """A formal notice and a litigation file identify the creditor (name, address, SIREN, or a Belgian office's
    enterprise number): refused with the settings to fill in, never printed with a blank creditor."""
    d, _ = debtor_with_invoices(store)
    bare = OfficeSettings(name="Cabinet Dupuis")
    for kind in ("formal_notice", "litigation"):
        with pytest.raises(DocumentError, match=r"identité du cabinet incomplète \(adresse, ville, SIREN\) : "
                                                r"renseignez address, city, siren dans la section \[office\]"):
            make(store, d, kind, office=bare)
    with pytest.raises(DocumentError, match=r"\(numéro d'entreprise\) : renseignez enterprise_number"):
        make(store, d, "formal_notice", office=replace(OFFICE, country="BE", enterprise_number=""))
    make(store, d, "reminder_letter", office=bare)  # a simple letter needs the office's name alone
    with pytest.raises(DocumentError, match=r"Lettre de relance : identité du cabinet incomplète \(nom\)"):
        make(store, d, "reminder_letter", office=OfficeSettings())
    # a Belgian consumer's reminder states the creditor's enterprise number (CDE XIX.2 §1)
    consumer, _ = debtor_with_invoices(store, "Luc Peeters", segment="b2c", country="BE", prefix="FB")
    with pytest.raises(DocumentError, match="enterprise_number"):
        make(store, consumer, "reminder_letter")
    assert make(store, consumer, "reminder_letter", office=replace(OFFICE, enterprise_number="0403.170.701"))[0]


def test_a_formal_notice_to_a_french_business_says_all_the_law_asks_to_the_cent(store) -> None:
    enter_rates(store)
    d, _ = debtor_with_invoices(store)
    record_payment(store, d, day=D(2026, 11, 2), amount_cents=20_000, today=TODAY)  # on FA-1, the oldest
    data, text = make(store, d, "formal_notice")
    words = flat(text)
    for mention in ("MISE EN DEMEURE", "Lettre recommandée avec accusé de réception", "Cabinet Dupuis",
                    "SIREN 732829320", "Garage Dupont", "SIREN 552100554", "Lyon, le 23 novembre 2026",
                    "article L441-10 du Code de commerce", "40 € par facture",
                    "(art. D441-5)", "au plus tard le 1er décembre 2026", "Injonction de payer"):
        assert mention in words, mention
    # every invoice: number, date, due date, amount, what is left
    assert "FA-1 01/09/2026 01/10/2026 1 000,00 € 800,00 €" in words
    assert "FA-2 15/09/2026 15/10/2026 500,00 € 500,00 €" in words
    assert "Total restant dû : 1 300,00 €" in words and "la somme de 1 300,00 € au plus tard" in words
    # ECB 2.15 % + 10 points in the second half of 2026 (C. com. L441-10)
    assert "soit 12,15 % l'an à ce jour" in words
    # FA-1 at 12.15 %: 1,000 EUR from 2 Oct through the day of the payment, 2 Nov (32 days; a payment lowers
    # the base from the day after it, domain/penalties.py), then 800 EUR for 21 days (3-23 Nov):
    # 1000 x 0.1215 x 32 / 365 = 10.652 and 800 x 0.1215 x 21 / 365 = 5.592, 16.24 in all; + 40 = 56.24
    # FA-2: 500 x 0.1215 x 39 / 365 = 6.49; + 40 = 46.49. Together 102.73
    assert "FA-1 01/09/2026 01/10/2026 1 000,00 € 800,00 € 56,24 €" in words
    assert "Pénalités et indemnités à ce jour : 102,73 €" in words
    assert "imputés sur le principal" in words  # the rule applied to the part payment, said (C. civ. 1343-1)
    assert data["total_cents"] == 130_000 and data["penalties_cents"] == 10_273


def test_a_french_consumer_is_owed_legal_interest_from_the_notice_never_the_40_euros(store) -> None:
    d, _ = debtor_with_invoices(store, "Jean Martin", segment="b2c")
    _, text = make(store, d, "formal_notice")
    words = flat(text)
    assert "MISE EN DEMEURE" in words and "taux de l'intérêt légal (C. civ. art. 1344-1)" in words
    assert "40 €" not in words and "L441-10" not in words and "Pénalités" not in words
    assert "Aucune indemnité forfaitaire" in words


def test_a_belgian_consumer_s_notice_names_the_free_reminder_and_its_14_days(store) -> None:
    office = OfficeSettings(name="Bureau Peeters", address="Rue Neuve 1", city="Bruxelles", country="BE",
                            enterprise_number="0403.170.701", iban="BE68539007547034")
    d, _ = debtor_with_invoices(store, "Luc Peeters", segment="b2c", country="BE")
    # no free reminder yet: no formal notice (nothing may be threatened before its 14 days, CDE XIX.2)
    with pytest.raises(DocumentError, match="envoyez d'abord le premier rappel gratuit"):
        document_data(store, d, "formal_notice", office=office, today=TODAY, agent="Marie")
    # a reminder emailed on 20 November: its 14 days run to 4 December, and the notice waits for them
    record_act(store, d, "first_reminder", D(2026, 11, 20), "email", today=TODAY)
    with pytest.raises(DocumentError, match="délai de 14 jours en cours jusqu'au 04/12/2026"):
        document_data(store, d, "formal_notice", office=office, today=TODAY, agent="Marie")
    store.write(lambda db: db.execute("DELETE FROM legal_acts"))
    record_act(store, d, "first_reminder", D(2026, 11, 2), "email", today=TODAY)
    _, text = make(store, d, "formal_notice", office=office)
    words = flat(text)
    # sent by email on 2 November: the 14 days run from the day after, to 16 November (CDE XIX.2)
    assert "Un premier rappel gratuit vous a été adressé le 02/11/2026" in words
    assert "a expiré le 16/11/2026 (Code de droit économique, livre XIX)" in words
    assert "N° d'entreprise 0403.170.701" in words and "Bruxelles, le 23 novembre 2026" in words
    assert "la procédure suivante : Citation devant le juge de paix" in words  # not the BCE-only procedure


def test_the_reminder_letter_and_the_statement_to_the_cent(store) -> None:
    d, _ = debtor_with_invoices(store)
    record_payment(store, d, day=D(2026, 11, 2), amount_cents=20_000, reference="VIR 77", today=TODAY)
    _, letter = make(store, d, "reminder_letter")
    words = flat(letter)
    assert "les factures suivantes restent impayées" in words and "Total restant dû : 1 300,00 €" in words
    assert "MISE EN DEMEURE" not in words and "recommandée" not in words
    assert "IBAN : FR76 3000 6000 0112 3456 7890 189 — BIC : BNPAFRPP" in words and "Référence à indiquer : FA-1, FA-2" in words
    data, statement = make(store, d, "statement")
    words = flat(statement)
    assert "01/09/2026 Facture FA-1 1 000,00 € 1 000,00 €" in words
    assert "15/09/2026 Facture FA-2 500,00 € 1 500,00 €" in words
    assert "02/11/2026 Règlement VIR 77 200,00 € 1 300,00 €" in words
    assert "Solde dû : 1 300,00 €" in words and data["total_cents"] == 130_000


def test_a_hostile_name_prints_literally_and_changes_nothing_else(store) -> None:
    plain, _ = debtor_with_invoices(store, "Garage Dupont")
    hostile_name = '#set text(red)] *gras* $x$ <l> @ref \\ #pagebreak() #{panic("x")}'
    hostile, _ = debtor_with_invoices(store, hostile_name, prefix="FB")
    _, a = make(store, plain, "formal_notice")
    _, b = make(store, hostile, "formal_notice")
    assert "".join(hostile_name.split()) in "".join(b.split())  # every character, as text (wrapped in its column)
    # and nothing else moved: the same lines, the same pages (its own invoice numbers and client code aside)
    lines = [line for line in b.splitlines() if not any(part in line for part in ("#set", "#page", "break()"))]
    assert "\n".join(lines).replace("FB-", "FA-").replace(f"C{hostile:03d}", f"C{plain:03d}") == a.replace(
        "Garage Dupont\n", "", 1)
    assert len(pypdf.PdfReader(io.BytesIO(render_documents(
        [("formal_notice", document_data(store, hostile, "formal_notice", office=OFFICE, today=TODAY,
                                         agent="Marie"))]).data)).pages) == 1


def test_the_epc_qr_code_pays_the_balance_to_the_office_with_the_invoices_as_reference(store) -> None:
    d, _ = debtor_with_invoices(store)
    data = document_data(store, d, "reminder_letter", office=OFFICE, today=TODAY, agent="Marie")
    expected = "\n".join(["BCD", "002", "1", "SCT", "BNPAFRPP", "Cabinet Dupuis", IBAN, "EUR1500.00", "", "",
                          "FA-1, FA-2"])
    assert epc_payload(name="Cabinet Dupuis", iban="fr76 3000 6000 0112 3456 7890 189", amount_cents=150_000,
                       text="FA-1, FA-2", bic="bnpafrpp") == expected
    assert data["qr"] == epc_svg(expected)  # the very code segno draws for that payload
    # no IBAN, or nothing owed: no code (a code paying nothing, or no one, is worse than none)
    assert document_data(store, d, "reminder_letter", office=OfficeSettings(name="X"), today=TODAY,
                         agent="M")["qr"] == ""
    assert epc_payload(name="X", iban=IBAN, amount_cents=1_000_000_000_00, text="")[-20:].count("EUR") == 0


def test_an_office_template_that_fails_is_said_and_the_built_in_one_used(store, tmp_path) -> None:
    d, _ = debtor_with_invoices(store)
    own = tmp_path / "templates"
    (own / "documents").mkdir(parents=True)
    (own / "documents" / "reminder_letter.typ").write_text("#let document(d) = { [oops] + }\n")
    data = document_data(store, d, "reminder_letter", office=OFFICE, today=TODAY, agent="Marie")
    pdf = render_documents([("reminder_letter", data)], office_dir=own)
    assert pdf.problems and "reminder_letter.typ" in pdf.problems[0] and "typst" in pdf.problems[0]
    assert "Total restant dû : 1 500,00 €" in flat(text_of(pdf.data))
    # a letterhead of its own is used
    (own / "documents" / "reminder_letter.typ").unlink()
    lib = (BUILTIN_DIR / "lib.typ").read_text(encoding="utf-8")
    (own / "documents" / "lib.typ").write_text(lib.replace("Nous vous prions d'agréer", "Bien à vous. Nous vous prions d'agréer"))
    pdf = render_documents([("reminder_letter", data)], office_dir=own)
    assert pdf.problems == [] and "Bien à vous." in flat(text_of(pdf.data))
    with pytest.raises(DocumentError, match="document inconnu"):
        render_documents([("../../etc/passwd", data)], office_dir=own)


def test_no_letter_claims_nothing(store) -> None:
    d = add_debtor(store, "Garage Dupont")
    with pytest.raises(DocumentError, match="aucune facture à réclamer"):
        document_data(store, d, "formal_notice", office=OFFICE, today=TODAY, agent="Marie")
    assert re.search(r"Solde dû : 0,00", flat(make(store, d, "statement")[1]))


def test_doctor_compiles_each_office_document_template_on_its_own(tmp_path) -> None:
    from relance_tui.io.documents import check_office_documents

    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "lib.typ").write_text((BUILTIN_DIR / "lib.typ").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "reminder_letter.typ").write_text("#let document(d) = { [oops] + }\n", encoding="utf-8")
    (folder / "final_letter.typ").write_text("#let document(d) = [Bonjour #d.debtor.name]\n", encoding="utf-8")
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    found = dict(check_office_documents(tmp_path))
    assert found["documents/lib.typ"] is None and found["documents/final_letter.typ"] is None
    assert "reminder_letter.typ" in found["documents/reminder_letter.typ"]
    assert "typst" in found["documents/reminder_letter.typ"]
    assert found["documents/notes.txt"].endswith("fichier ignoré")


def test_an_office_logo_in_svg_beside_its_letterhead_is_printed(store, tmp_path) -> None:
    d, _ = debtor_with_invoices(store)
    folder = tmp_path / "templates" / "documents"
    folder.mkdir(parents=True)
    (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10">'
                                     '<rect width="40" height="10" fill="#036"/></svg>', encoding="utf-8")
    lib = (BUILTIN_DIR / "lib.typ").read_text(encoding="utf-8")
    (folder / "lib.typ").write_text(lib.replace("  let o = d.office\n", '  let o = d.office\n  image("logo.svg", width: 3cm)\n'),
                                    encoding="utf-8")
    data = document_data(store, d, "reminder_letter", office=OFFICE, today=TODAY, agent="Marie")
    with_logo = render_documents([("reminder_letter", data)], office_dir=tmp_path / "templates")
    assert with_logo.problems == []
    assert len(with_logo.data) > len(render_documents([("reminder_letter", data)]).data)


def add_plan(store, debtor: int, invoice: int, parts: list[tuple[dt.date, int]]) -> None:
    """Promises as a call records them: one event, an instalment each, all on the invoice."""
    from relance_tui.store.queries import append_event

    def write(db):
        event = append_event(db, at="2026-11-20T10:00:00Z", agent="marie", kind="call", debtor_id=debtor,
                             direction="out", outcome="promise")
        for n, (day, cents) in enumerate(parts, 1):
            pid = db.execute("INSERT INTO promises (debtor_id, event_id, amount_cents, due_date, instalments, agent, "
                             "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'marie', '2026-11-20T10:00:00Z', "
                             "'2026-11-20T10:00:00Z')",
                             [debtor, event, cents, day.isoformat(), f"{n}/{len(parts)}"]).lastrowid
            db.execute("INSERT INTO promise_invoices (promise_id, invoice_id) VALUES (?, ?)", [pid, invoice])

    store.write(write)


def test_a_payment_plan_lists_the_instalments_agreed_to_sign_and_pays_the_next_one(store) -> None:
    d, (a, _b) = debtor_with_invoices(store)
    with pytest.raises(DocumentError, match="aucune promesse en cours"):
        document_data(store, d, "payment_plan", office=OFFICE, today=TODAY, agent="Marie")
    add_plan(store, d, a, [(D(2026, 11, 20), 20_000), (D(2026, 12, 1), 40_000), (D(2027, 1, 4), 40_000)])
    record_payment(store, d, day=D(2026, 11, 20), amount_cents=20_000, today=TODAY)  # the first one, kept
    from relance_tui.domain.calendar import OfficeCalendar
    from relance_tui.store.promises import evaluate_promises

    evaluate_promises(store, TODAY, calendar=OfficeCalendar("FR"))
    data, text = make(store, d, "payment_plan")
    words = flat(text)
    # FA-1 alone (the plan settles it, not FA-2), its balance after the 200 EUR paid; the two instalments left
    assert "Échéancier de paiement" in words and "FA-1 01/09/2026 01/10/2026 1 000,00 € 800,00 €" in words
    assert "FA-2" not in words and "Total restant dû : 800,00 €" in words
    assert "1 01/12/2026 400,00 €" in words and "2 04/01/2027 400,00 €" in words and "Total 800,00 €" in words
    assert "20/11/2026" not in words and "restera dû" not in words  # nothing left after the plan
    assert "vaut reconnaissance de la dette (C. civ. art. 2240)" in words and "« Bon pour accord »" in words
    assert data["qr"] == epc_svg(epc_payload(name="Cabinet Dupuis", iban=IBAN, amount_cents=40_000,
                                             text="FA-1", bic="BNPAFRPP"))  # the next instalment
    # instalments asking more than the invoices' balance: refused before a debtor signs them
    add_plan(store, d, a, [(D(2027, 2, 1), 90_000)])
    with pytest.raises(DocumentError, match="échéances de 900,00\xa0€ pour un solde de 800,00\xa0€"):
        document_data(store, d, "payment_plan", office=OFFICE, today=TODAY, agent="Marie")


def test_the_litigation_file_holds_the_claim_the_notice_and_its_proof_and_every_contact(store) -> None:
    from relance_tui.store.plan_steps import record_step
    from tests.store.test_agenda import log_call

    enter_rates(store)
    d, _ = debtor_with_invoices(store)
    log_call(store, d, D(2026, 10, 10))
    record_step(store, d, "formal_notice", today=D(2026, 11, 2), tracking="1A 234 567 8901 2")
    data, text = make(store, d, "litigation")
    words = flat(text)
    assert words.startswith("Dossier contentieux Garage Dupont — établi le 23 novembre 2026")
    # 1,500 EUR owed; FA-1: 1000 x 12.15 % x 53 / 365 = 17.64, FA-2: 500 x 12.15 % x 39 / 365 = 6.49, + 2 x 40
    assert "Principal restant dû 1 500,00 €" in words and "Intérêts de retard à ce jour 24,13 €" in words
    assert "Indemnités forfaitaires pour frais de recouvrement 80,00 €" in words  # interest and indemnities apart
    # the court form's page: each part, from when interest runs and at what rate
    assert ("Intérêts de retard 24,13 € au 23 novembre 2026, courant du lendemain de l'échéance de chaque facture "
            "(C. com. art. L441-10), au taux annuel de 12,15 %") in words
    assert "Indemnités forfaitaires 80,00 €" in words
    assert "Total de la créance au 23 novembre 2026 1 604,13 €" in words
    assert "Mise en demeure 02/11/2026 lettre recommandée AR 1A 234 567 8901 2 FA-1, FA-2" in words
    assert "Chronologie des démarches amiables" in words and "10/10/2026" in words  # the call
    assert "02/11/2026" in words.split("Chronologie des démarches amiables")[1]  # the notice, on the timeline too
    assert ("Factures impayées FA-1, FA-2 ; mise en demeure du 02/11/2026 (lettre recommandée AR, n° 1A 234 567 "
            "8901 2) restée sans effet") in words
    assert "Injonction de payer" in words and "Demandeur Cabinet Dupuis" in words and data["qr"] == ""


def test_an_office_template_reads_no_file_of_the_machine_and_fetches_no_package(store, tmp_path, monkeypatch) -> None:
    from relance_tui.io.documents import SAMPLE

    monkeypatch.chdir(tmp_path)  # typst's default root is the current folder: an agent's home, say
    (tmp_path / "note.txt").write_text("SECRET-TEXT", encoding="utf-8")
    folder = tmp_path / "templates" / "documents"
    folder.mkdir(parents=True)
    (folder / "spy.typ").write_text('#let document(d) = [#read("note.txt")]\n', encoding="utf-8")
    (folder / "pkg.typ").write_text('#import "@preview/cetz:0.2.0": canvas\n#let document(d) = [x]\n',
                                    encoding="utf-8")
    with pytest.raises(DocumentError, match="file not found"):
        render_documents([("spy", dict(SAMPLE))], office_dir=tmp_path / "templates")
    with pytest.raises(DocumentError, match="ne peut pas importer de paquet"):
        render_documents([("pkg", dict(SAMPLE))], office_dir=tmp_path / "templates")


def test_penalties_resting_on_a_rate_nobody_entered_are_never_stated_as_final(store) -> None:
    d, _ = debtor_with_invoices(store)  # no ECB rate entered for the second half of 2026: the last one carried over
    words = flat(make(store, d, "formal_notice")[1])
    assert "soit 12,15 % à confirmer l'an à ce jour" in words
    assert "Pénalités et indemnités à ce jour : 104,13 € à confirmer (taux de la période en cours non encore saisi)" in words


def test_a_letter_claims_neither_a_disputed_invoice_nor_one_not_yet_due(store) -> None:
    enter_rates(store)
    d, (a, b) = debtor_with_invoices(store)
    store.write(lambda db: db.execute("UPDATE invoices SET status = 'disputed' WHERE id = ?", [b]))
    add_invoice(store, d, "FA-3", D(2026, 11, 15), D(2026, 12, 15), 30_000)  # due next month
    data, text = make(store, d, "formal_notice")
    words = flat(text)
    assert data["invoice_ids"] == [a] and "FA-2" not in words and "FA-3" not in words
    assert "la somme de 1 000,00 € au plus tard" in words and "la facture suivante reste impayée" in words
    # waived by a supervisor: the notice no longer asserts penalties nor the 40 EUR
    from relance_tui.store.cards import waive_penalties

    waive_penalties(store, d, [a], reason="geste commercial")
    words = flat(make(store, d, "formal_notice")[1])
    assert "L441-10" not in words and "40 €" not in words and "Pénalités" not in words
    # the statement shows the whole account, and says what is to be paid now
    words = flat(make(store, d, "statement")[1])
    assert "Solde dû : 1 800,00 €" in words and "Montant à régler (factures échues, hors litiges et prescrites) : 1 000,00 €" in words


def test_every_document_from_the_demo_base_states_the_card_s_figures(demo_store) -> None:
    """One debtor of each law in the demo: each document made, read back, its total the card's to the cent."""
    from relance_tui.domain.law import regime_for
    from relance_tui.domain.money import format_cents
    from relance_tui.io.callscript import call_context, pick_contact
    from relance_tui.store.cards import debtor_card
    from relance_tui.store.queries import load_rates

    rows = demo_store.conn.execute(
        "SELECT DISTINCT d.id, d.segment, d.country FROM debtors d JOIN invoices i ON i.debtor_id = d.id "
        "WHERE i.status = 'open' AND i.amount_cents > i.paid_cents AND i.due_date < ? ORDER BY d.id",
        [TODAY.isoformat()]).fetchall()
    seen: dict[str, int] = {}
    for debtor, segment, country in rows:
        seen.setdefault(regime_for(country, segment, "FR").key, debtor)
    assert set(seen) >= {"fr_b2b", "fr_b2c"}, seen
    made = 0
    for key, debtor in seen.items():
        card = debtor_card(demo_store, debtor, as_of=TODAY, rates=load_rates(demo_store))
        context = call_context(card, agent="M", office=OFFICE, today=TODAY, contact=pick_contact(card))
        due = [i for i in context["invoices"] if i["status"] == "open" and i["due_date"] <= TODAY]
        expected = sum(i["due_cents"] for i in due) - min(context["unapplied_credit"] or 0, sum(i["due_cents"] for i in due))
        for kind in ("reminder_letter", "formal_notice", "statement", "litigation"):
            try:  # (a Belgian consumer's reminder states the creditor's enterprise number: CDE XIX.2 §1)
                data, text = make(demo_store, debtor, kind, office=replace(OFFICE, enterprise_number="0403.170.701"))
            except DocumentError as exc:  # a Belgian consumer without its free reminder's 14 days: said why
                assert key == "be_b2c" and kind == "formal_notice" and "premier rappel gratuit" in str(exc)
                continue
            made += 1
            words = flat(text)
            assert card.name in words.replace("\n", " ") or card.name[:20] in words
            if kind in ("reminder_letter", "formal_notice"):
                assert f"Total restant dû : {format_cents(expected)}".replace("\xa0", " ") in words, (key, kind)
            if kind == "formal_notice":
                assert "MISE EN DEMEURE" in words and "Lettre recommandée avec accusé de réception" in words
                assert ("40 € par facture" in words) == (key in ("fr_b2b", "be_b2b") and data["penalties_claimed"])
                assert ("intérêt légal" in words) == (key == "fr_b2c")
    assert made >= 7


def test_a_statement_leaves_out_a_written_off_invoice_and_what_was_paid_on_it(store) -> None:
    d, (a, _b) = debtor_with_invoices(store)
    record_payment(store, d, day=D(2026, 11, 2), amount_cents=30_000, today=TODAY)  # on FA-1
    store.write(lambda db: db.execute("UPDATE invoices SET status = 'written_off' WHERE id = ?", [a]))
    data, text = make(store, d, "statement")
    words = flat(text)
    assert "FA-1" not in words and "02/11/2026 Règlement" not in words
    assert "Solde dû : 500,00 €" in words and "Montant à régler" not in words and data["total_cents"] == 50_000


def test_a_payment_plan_may_cover_an_invoice_not_yet_due_and_names_only_the_promise_s(store) -> None:
    alone = add_debtor(store, "Boulangerie Martin")  # nothing overdue: the plan of an invoice not yet due
    inv = add_invoice(store, alone, "FB-1", D(2026, 11, 15), D(2026, 12, 20), 12_000)
    add_plan(store, alone, inv, [(D(2026, 12, 20), 12_000)])
    assert "FB-1 15/11/2026 20/12/2026 120,00 €" in flat(make(store, alone, "payment_plan")[1])
    d, _ = debtor_with_invoices(store)
    c = add_invoice(store, d, "FA-3", D(2026, 11, 15), D(2026, 12, 15), 30_000)  # due next month
    add_plan(store, d, c, [(D(2026, 12, 15), 30_000)])
    words = flat(make(store, d, "payment_plan")[1])
    assert "FA-3 15/11/2026 15/12/2026 300,00 € 300,00 €" in words and "FA-1" not in words and "FA-2" not in words
    assert "Total restant dû : 300,00 €" in words and "restera dû" not in words
