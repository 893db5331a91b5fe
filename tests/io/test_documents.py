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
    with pytest.raises(DocumentError) as caught:
        make(store, d, "reminder_letter", office=OfficeSettings())
    assert str(caught.value) == ("identité du cabinet incomplète (nom) : renseignez name dans la section [office] "
                                 "de relance.toml")
    with pytest.raises(DocumentError, match=r"^identité du cabinet incomplète \(nom\)"):  # an office's own kind
        make(store, d, "relance_amiable", office=OfficeSettings())
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
            "(C. com. art. L441-10), au taux de la Banque centrale européenne majoré de 10 points, soit 12,15 % l'an "
            "à ce jour") in words  # the rate in force today: the interest ran at each half-year's own rate
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
    assert set(seen) >= {"fr_b2b", "fr_b2c", "be_b2c"}, seen  # the Belgian consumer's free reminders are over
    made = 0
    for key, debtor in seen.items():
        card = debtor_card(demo_store, debtor, as_of=TODAY, rates=load_rates(demo_store))
        context = call_context(card, agent="M", office=OFFICE, today=TODAY, contact=pick_contact(card))
        due = [i for i in context["invoices"] if i["status"] == "open" and i["due_date"] <= TODAY]
        expected = sum(i["due_cents"] for i in due) - min(context["unapplied_credit"] or 0, sum(i["due_cents"] for i in due))
        for kind in ("reminder_letter", "formal_notice", "statement", "litigation"):
            # (a Belgian consumer's reminder states the creditor's enterprise number: CDE XIX.2 §1); every one made,
            # the Belgian consumer's formal notice too (its free reminders' 14 days are over in the demo)
            data, text = make(demo_store, debtor, kind, office=replace(OFFICE, enterprise_number="0403.170.701"))
            made += 1
            words = flat(text)
            assert card.name in words.replace("\n", " ") or card.name[:20] in words
            if kind in ("reminder_letter", "formal_notice"):
                assert f"Total restant dû : {format_cents(expected)}".replace("\xa0", " ") in words, (key, kind)
            if kind == "formal_notice":
                assert "MISE EN DEMEURE" in words and "Lettre recommandée avec accusé de réception" in words
                assert ("40 € par facture" in words) == (key in ("fr_b2b", "be_b2b") and data["penalties_claimed"])
                assert ("intérêt légal" in words) == (key == "fr_b2c")
                assert ("premier rappel gratuit" in words) == (key == "be_b2c")
    assert made == 4 * len(seen)


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


# -- from the demo base, each document's figures worked out by hand (issue 16: "every document is generated from
# the demo database [...] checked for the mandatory mentions of each segment and for the amounts to the cent") --
BE_OFFICE = OfficeSettings(name="Bureau Peeters", address="Rue Neuve 1", postcode="1000", city="Bruxelles",
                           country="BE", enterprise_number="0403.170.701", iban="BE68539007547034", bic="GKCCBEBB")


def euros(cents: int, lang: str = "fr") -> str:
    """An amount as the PDF's text reads back in that language (no-break spaces made plain)."""
    from relance_tui.domain.money import format_cents_in

    return format_cents_in(cents, lang).replace("\xa0", " ")


def interest_by_hand(balance: int, start: dt.date, rate_bp: int, paid: tuple[tuple[dt.date, int], ...] = ()) -> int:
    """Simple interest at one yearly rate from the day after ``start`` to TODAY, balance x rate x days / 365, the
    balance lowered from the day after each (day, cents) paid; rounded half up to the cent once per invoice."""
    numerator, day = 0, start
    for when, cents in [*sorted(paid), (TODAY, 0)]:
        assert when >= day
        numerator += balance * rate_bp * (when - day).days
        balance, day = balance - cents, when
    return (2 * numerator + 3_650_000) // 7_300_000


def unpaid_demo_debtor(store, country: str, where: str = "") -> tuple[int, list[tuple[int, str, dt.date, dt.date, int]]]:
    """The demo's business of ``country`` (and ``where``, more SQL on ``d``, its debtors row) whose outstanding invoices are all open, late, untouched by any payment
    and due since 1 July 2025 (so that one statutory rate runs on each to TODAY once the second half of 2026's is
    entered), the one with most payments on its account; its invoices (id, number, issue, due, amount) by due date."""
    debtor = store.conn.execute(
        f"SELECT d.id FROM debtors d JOIN invoices i ON i.debtor_id = d.id WHERE d.country = ? AND d.segment = 'b2b' {where}"
        "AND i.amount_cents > i.paid_cents AND i.status NOT IN ('paid', 'written_off') GROUP BY d.id "
        "HAVING MIN(i.status = 'open' AND i.paid_cents = 0 AND i.due_date >= '2025-07-01' AND i.due_date < ?) = 1 "
        "ORDER BY (SELECT COUNT(*) FROM payments p WHERE p.debtor_id = d.id) DESC, COUNT(*) DESC, d.id LIMIT 1",
        [country, TODAY.isoformat()]).fetchone()[0]
    rows = store.conn.execute("SELECT id, number, issue_date, due_date, amount_cents FROM invoices WHERE debtor_id = ? "
                              "AND amount_cents > paid_cents AND status = 'open' ORDER BY due_date, id", [debtor])
    return debtor, [(i, n, D.fromisoformat(issue), D.fromisoformat(due), cents) for i, n, issue, due, cents in rows]


def invoice_row(number: str, issue: dt.date, due: dt.date, amount: int, balance: int, penalty: int | None = None,
                lang: str = "fr") -> str:
    """An invoice table's line as read back: number, date, due date, amount, balance (and penalties)."""
    cells = [number, f"{issue:%d/%m/%Y}", f"{due:%d/%m/%Y}", euros(amount, lang), euros(balance, lang)]
    return " ".join(cells + ([euros(penalty, lang)] if penalty is not None else []))


def statement_by_hand(store, debtor: int) -> list[str]:
    """The statement's lines from the base's rows: invoices and credit notes on their date, payments received on
    theirs (a day's invoices first), each with the running balance."""
    conn, lines = store.conn, []
    for number, day, cents in conn.execute("SELECT number, issue_date, amount_cents FROM invoices WHERE debtor_id = ? "
                                           "AND status <> 'written_off' ORDER BY issue_date, id", [debtor]):
        lines.append((D.fromisoformat(day), 0, f"Facture {number}" if cents > 0 else f"Avoir {number}", cents))
    for day, cents, reference in conn.execute("SELECT day, amount_cents, reference FROM payments WHERE debtor_id = ? "
                                              "AND kind = 'payment' ORDER BY day, id", [debtor]):
        lines.append((D.fromisoformat(day), 1, f"Règlement {reference}".strip(), -cents))
    balance, out = 0, []
    for day, _, label, cents in sorted(lines, key=lambda line: line[:2]):
        balance += cents
        out.append(f"{day:%d/%m/%Y} {label} {euros(abs(cents))} {euros(balance)}")
    return out


def in_order(words: str, parts: list[str]) -> None:
    at = 0
    for part in parts:
        assert part in words[at:], part
        at = words.index(part, at) + len(part)


def test_the_demo_s_litigation_file_gives_principal_interest_and_indemnities_to_the_cent(demo_store) -> None:
    enter_rates(demo_store)
    d, invoices = unpaid_demo_debtor(demo_store, "FR")
    # ECB 2.15 % + 10 points in every half-year since July 2025 (C. com. L441-10), from the day after the due date
    interest = {n: interest_by_hand(cents, due, 1215) for _, n, _, due, cents in invoices}
    principal, interests, indemnities = sum(i[4] for i in invoices), sum(interest.values()), 4_000 * len(invoices)
    total = principal + interests + indemnities
    data, text = make(demo_store, d, "litigation")
    words = flat(text)
    in_order(words, [f"Principal restant dû {euros(principal)}", f"Intérêts de retard à ce jour {euros(interests)}",
                     f"Indemnités forfaitaires pour frais de recouvrement {euros(indemnities)}",
                     f"Total de la créance au 23 novembre 2026 {euros(total)}"])
    for _, number, issue, due, cents in invoices:  # each invoice's penalties: its interest and its 40 EUR
        assert invoice_row(number, issue, due, cents, cents, interest[number] + 4_000) in words
    # the court form's page, the same parts
    in_order(words, [f"Montant en principal {euros(principal)}",
                     f"Intérêts de retard {euros(interests)} au 23 novembre 2026, courant du lendemain de "
                     "l'échéance de chaque facture (C. com. art. L441-10), au taux de la Banque centrale européenne "
                     "majoré de 10 points, soit 12,15 % l'an à ce jour",
                     f"Indemnités forfaitaires {euros(indemnities)}", f"Total réclamé {euros(total)}"])
    assert data["total_cents"] == principal and data["penalties_cents"] == interests + indemnities


def test_the_demo_s_statement_lists_every_invoice_and_payment_with_its_running_balance(demo_store) -> None:
    from relance_tui.store.cards import debtor_card
    from relance_tui.store.queries import load_rates

    enter_rates(demo_store)
    d, invoices = unpaid_demo_debtor(demo_store, "FR")
    lines = statement_by_hand(demo_store, d)
    assert sum(" Règlement " in line for line in lines) >= 3  # an account that payments moved
    balance = sum(i[4] for i in invoices)  # what the payments left: the open invoices, untouched
    assert lines[-1].endswith(f" {euros(balance)}")
    card = debtor_card(demo_store, d, as_of=TODAY, rates=load_rates(demo_store))
    assert balance == sum(i.amount_cents - i.paid_cents for i in card.invoices if i.status != "written_off")
    data, text = make(demo_store, d, "statement")
    words = flat(text)
    in_order(words, lines)
    assert len(re.findall(r"\d\d/\d\d/\d{4} (?:Facture|Avoir|Règlement) ", words)) == len(lines)  # no other line
    penalties = sum(interest_by_hand(cents, due, 1215) + 4_000 for *_, due, cents in invoices)
    assert f"Solde dû : {euros(balance)} Pénalités et indemnités exigibles à ce jour : {euros(penalties)}" in words
    assert "Montant à régler" not in words  # all the balance is claimable: said once
    assert data["total_cents"] == data["account_balance_cents"] == balance


def test_a_credit_note_on_a_demo_account_is_a_statement_line_and_lowers_the_balance_and_penalties(demo_store) -> None:
    from relance_tui.store.credits import reallocate

    enter_rates(demo_store)
    d, invoices = unpaid_demo_debtor(demo_store, "FR")
    _, number, _, due, cents = invoices[-1]
    day = D(2026, 11, 10)
    assert due < day

    def credit(db) -> None:  # as an import brings one: a negative invoice naming the one it reduces
        at = demo_store.now()
        db.execute("INSERT INTO invoices (number, debtor_id, issue_date, due_date, amount_cents, credit_for, "
                   "created_at, updated_at) VALUES ('AV-2026-9001', ?, ?, ?, -20000, ?, ?, ?)",
                   [d, day.isoformat(), day.isoformat(), number, at, at])
        reallocate(db, [d], at=at, agent="marie")

    demo_store.write(credit)
    lines = statement_by_hand(demo_store, d)
    assert "10/11/2026 Avoir AV-2026-9001 200,00 €" in " ".join(lines)
    balance = sum(i[4] for i in invoices) - 20_000
    assert lines[-1].endswith(f" {euros(balance)}")
    data, text = make(demo_store, d, "statement")
    words = flat(text)
    in_order(words, lines)  # the credit note's line, its running balance, and every line after it lowered
    # the credit note reduces the invoice it names from its date: interest on 200 EUR less from 11 November
    penalties = sum(interest_by_hand(c, u, 1215, ((day, 20_000),) if n == number else ()) + 4_000
                    for _, n, _, u, c in invoices)
    assert f"Solde dû : {euros(balance)} Pénalités et indemnités exigibles à ce jour : {euros(penalties)}" in words
    assert data["total_cents"] == balance
    notice = flat(make(demo_store, d, "formal_notice")[1])
    assert invoice_row(number, invoices[-1][2], due, cents, cents - 20_000) in notice
    assert f"Total restant dû : {euros(balance)}" in notice and f"la somme de {euros(balance)} au plus tard" in notice


def test_the_demo_s_payment_plan_states_its_instalments_and_totals_to_the_cent(demo_store) -> None:
    from relance_tui.domain.calendar import OfficeCalendar
    from relance_tui.store.calls import CallReport, Instalment, save_call
    from tests.helpers import FakeClock

    demo_store.clock = FakeClock(dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone.utc))
    d = demo_store.conn.execute(  # a demo business with two late invoices or more and no promise running
        "SELECT i.debtor_id FROM invoices i JOIN debtors d ON d.id = i.debtor_id WHERE d.country = 'FR' "
        "AND d.segment = 'b2b' AND i.status = 'open' AND i.amount_cents > i.paid_cents AND i.due_date < ? "
        "AND i.debtor_id NOT IN (SELECT debtor_id FROM promises WHERE status = 'pending') GROUP BY i.debtor_id "
        "HAVING COUNT(*) >= 2 ORDER BY COUNT(*) DESC, i.debtor_id LIMIT 1", [TODAY.isoformat()]).fetchone()[0]
    rows = demo_store.conn.execute("SELECT id, number, issue_date, due_date, amount_cents, paid_cents FROM invoices "
                                   "WHERE debtor_id = ? AND status = 'open' AND amount_cents > paid_cents "
                                   "AND due_date < ? ORDER BY due_date, id LIMIT 2", [d, TODAY.isoformat()]).fetchall()
    owed = sum(amount - paid for *_, amount, paid in rows)
    third = owed // 300 * 100  # whole euros; the last instalment takes the cents, and 25 EUR stay owed after
    parts = [(D(2026, 12, 1), third), (D(2027, 1, 4), third), (D(2027, 2, 1), owed - 2 * third - 2_500)]
    save_call(demo_store, CallReport(debtor_id=d, outcome="promise", started_at=demo_store.clock(), duration_s=240,
                                     instalments=tuple(Instalment(day, cents) for day, cents in parts),
                                     invoice_ids=tuple(r[0] for r in rows)), today=TODAY, calendar=OfficeCalendar("FR"))
    data, text = make(demo_store, d, "payment_plan")
    words = flat(text)
    assert "Échéancier de paiement" in words
    for _, number, issue, due, amount, paid in rows:
        assert invoice_row(number, D.fromisoformat(issue), D.fromisoformat(due), amount, amount - paid) in words
    others = demo_store.conn.execute("SELECT number FROM invoices WHERE debtor_id = ? AND id NOT IN (?, ?)",
                                     [d, rows[0][0], rows[1][0]]).fetchall()
    assert not any(f"{n} " in words for (n,) in others)  # the promise's invoices, no other
    in_order(words, [f"Total restant dû : {euros(owed)}",
                     *(f"{n} {day:%d/%m/%Y} {euros(cents)}" for n, (day, cents) in enumerate(parts, 1)),
                     f"Total {euros(owed - 2_500)}",
                     "Le solde de 25,00 € restera dû après ces échéances",
                     "vaut reconnaissance de la dette (C. civ. art. 2240)", "« Bon pour accord »"])
    assert data["total_cents"] == owed
    assert data["qr"] == epc_svg(epc_payload(name="Cabinet Dupuis", iban=IBAN, amount_cents=third,
                                             text=f"{rows[0][1]}, {rows[1][1]}", bic="BNPAFRPP"))  # the first one


def test_a_dutch_notice_and_court_file_from_the_demo_say_belgian_law_and_write_amounts_in_dutch(demo_store) -> None:
    from relance_tui.store.cards import set_language

    enter_rates(demo_store)
    d, invoices = unpaid_demo_debtor(demo_store, "BE", "AND d.postcode BETWEEN '1000' AND '1299' ")  # Brussels
    set_language(demo_store, d, "nl")  # its court, a Brussels one, may hear the case in Dutch
    # ECB 2.15 % + 8 points rounded up to the half point: 10.50 % (law of 2 August 2002, art. 5)
    interest = {n: interest_by_hand(cents, due, 1050) for _, n, _, due, cents in invoices}
    principal, interests, indemnities = sum(i[4] for i in invoices), sum(interest.values()), 4_000 * len(invoices)
    data, text = make(demo_store, d, "formal_notice", office=BE_OFFICE)
    words = flat(text)
    assert data["lang"] == "nl" and "MISE EN DEMEURE" not in words and "factures" not in words
    for mention in ("Aangetekende brief met ontvangstbewijs", "Ondernemingsnummer 0403.170.701",
                    "Bruxelles, 23 november 2026", "INGEBREKESTELLING TOT BETALING",
                    "wet van 2 augustus 2002 (art. 5 en 6)", "hetzij 10,50 % per jaar op vandaag",
                    "forfaitaire schadevergoeding van € 40 per factuur"):
        assert mention in words, mention
    for _, number, issue, due, cents in invoices:
        assert invoice_row(number, issue, due, cents, cents, interest[number] + 4_000, "nl") in words
    assert f"Totaal openstaand: {euros(principal, 'nl')}" in words
    assert f"Interesten en vergoedingen op vandaag: {euros(interests + indemnities, 'nl')}." in words
    assert f"het bedrag van {euros(principal, 'nl')} te betalen uiterlijk op 1 december 2026" in words
    # the court file in Dutch (a Brussels or Flemish court), its claim in parts
    data, text = make(demo_store, d, "litigation", office=BE_OFFICE)
    words = flat(text)
    assert data["lang"] == "nl" and words.startswith("Geschillendossier")
    in_order(words, [f"Openstaande hoofdsom {euros(principal, 'nl')}",
                     f"Nalatigheidsinteresten op vandaag {euros(interests, 'nl')}",
                     f"Forfaitaire invorderingsvergoedingen {euros(indemnities, 'nl')}",
                     f"Totaal van de schuldvordering op 23 november 2026 "
                     f"{euros(principal + interests + indemnities, 'nl')}"])


def test_an_english_notice_from_the_demo_says_french_law_and_writes_amounts_the_english_way(demo_store) -> None:
    from relance_tui.store.cards import set_language

    enter_rates(demo_store)
    d, invoices = unpaid_demo_debtor(demo_store, "FR")
    set_language(demo_store, d, "en")
    interest = {n: interest_by_hand(cents, due, 1215) for _, n, _, due, cents in invoices}
    principal, penalties = sum(i[4] for i in invoices), sum(interest.values()) + 4_000 * len(invoices)
    data, text = make(demo_store, d, "formal_notice")
    words = flat(text)
    assert data["lang"] == "en" and "MISE EN DEMEURE" not in words and "Madame" not in words
    for mention in ("Registered letter with acknowledgement of receipt", "Lyon, 23 November 2026",
                    "FORMAL NOTICE TO PAY", "article L441-10 of the French Commercial Code",
                    "i.e. 12.15% per year as of today", "€40 per invoice (art. D441-5)", "SIREN 732829320"):
        assert mention in words, mention
    for _, number, issue, due, cents in invoices:
        assert invoice_row(number, issue, due, cents, cents, interest[number] + 4_000, "en") in words
    assert f"Total outstanding: {euros(principal, 'en')}" in words
    assert f"Penalties and indemnities to date: {euros(penalties, 'en')}." in words
    assert f"the sum of {euros(principal, 'en')} by 1 December 2026 at the latest" in words
    assert "," in euros(principal, "en") or principal < 100_000  # thousands with a comma, cents with a point


def be_consumer_claim(store) -> tuple[int, list[tuple]]:
    """The demo's Belgian consumer and its claimable invoices: (number, amount, balance, free reminder's day and
    channel, payments (day, cents)) by due date."""
    d = store.conn.execute("SELECT id FROM debtors WHERE country = 'BE' AND segment = 'b2c' ORDER BY id").fetchone()[0]
    out = []
    for inv, number, amount, paid in store.conn.execute(
            "SELECT id, number, amount_cents, paid_cents FROM invoices WHERE debtor_id = ? AND status = 'open' "
            "AND amount_cents > paid_cents AND due_date < ? ORDER BY due_date, id", [d, TODAY.isoformat()]):
        reminder = store.conn.execute("SELECT day, channel FROM legal_acts WHERE invoice_id = ? AND "
                                      "kind = 'first_reminder' ORDER BY day LIMIT 1", [inv]).fetchone()
        pays = tuple((D.fromisoformat(day), cents) for day, cents in store.conn.execute(
            "SELECT day, amount_cents FROM payments WHERE invoice_id = ? ORDER BY day", [inv]))
        out.append((number, amount, amount - paid, reminder and (D.fromisoformat(reminder[0]), reminder[1]), pays))
    return d, out


def test_the_demo_s_belgian_consumer_is_put_on_notice_once_its_free_reminder_s_14_days_are_over(demo_store) -> None:
    from relance_tui.store.acts import record_act

    d, claim = be_consumer_claim(demo_store)
    # an invoice without its free reminder yet: reminded by email more than 14 days before TODAY
    if any(reminder is None for _, _, _, reminder, _ in claim):
        record_act(demo_store, d, "first_reminder", D(2026, 11, 2), "email", today=TODAY)
        d, claim = be_consumer_claim(demo_store)
    grace = {}
    interest = 0
    for number, amount, _, (sent, channel), pays in claim:
        assert channel == "email"  # its 14 days run from the day after (CDE XIX.2 §1)
        grace[number] = sent + dt.timedelta(days=14)
        start = max(grace[number], dt.date(2025, 12, 31))  # nothing charged before; the 2026 legal rate: 4.50 %
        assert start == grace[number] and start < TODAY
        before = sum(c for day, c in pays if day <= start)
        interest += interest_by_hand(amount - before, start, 450, tuple(p for p in pays if p[0] > start))
    owed = sum(balance for _, _, balance, _, _ in claim)
    office = replace(BE_OFFICE, name="Cabinet Dupuis")
    data, text = make(demo_store, d, "formal_notice", office=office)
    words = flat(text)
    assert data["regime"]["key"] == "be_b2c" and data["invoice_ids"]
    for mention in ("MISE EN DEMEURE", "Lettre recommandée avec accusé de réception", "N° d'entreprise 0403.170.701",
                    "Un premier rappel gratuit vous a été adressé le",
                    "le délai de quatorze jours calendrier qu'il ouvrait a expiré le",
                    "(Code de droit économique, livre XIX)"):
        assert mention in words, mention
    said = re.search(r"adressé le (\S+) ; le délai de quatorze jours calendrier qu'il ouvrait a expiré le (\S+) ",
                     words)
    assert said[1] in {f"{r[0]:%d/%m/%Y}" for *_, r, _ in claim}  # a free reminder of the claimed invoices
    assert said[2] in {f"{g:%d/%m/%Y}" for g in grace.values()}  # and the end of one of their 14 days
    for number, amount, balance, *_ in claim:
        assert f"{number} " in words and f" {euros(amount)} {euros(balance)}" in words
    assert f"Total restant dû : {euros(owed)}" in words
    assert f"Montants dus au titre du retard à ce jour : {euros(interest)}." in words  # interest only: no clause
    assert f"la somme de {euros(owed)} au plus tard le 1er décembre 2026" in words
    assert "40 € par facture" not in words and "L441-10" not in words and "indemnité forfaitaire" not in words


def test_the_demo_s_belgian_consumer_s_notice_pairs_each_free_reminder_with_its_own_14_days(demo_store) -> None:
    d, claim = be_consumer_claim(demo_store)
    words = flat(make(demo_store, d, "formal_notice", office=replace(BE_OFFICE, name="Cabinet Dupuis"))[1])
    said = re.findall(r"adressé le (\S+) ; le délai de quatorze jours calendrier qu'il ouvrait a expiré le (\S+) ",
                      words)
    pairs = {(f"{r[0]:%d/%m/%Y}", f"{r[0] + dt.timedelta(days=14):%d/%m/%Y}") for *_, r, _ in claim}
    assert said and set(said) <= pairs


def test_notice_days_moves_the_formal_notice_s_deadline_from_the_office_settings(demo_store) -> None:
    from relance_tui.config import load_settings, resolve_paths
    from relance_tui.io.document_data import produce_document
    from relance_tui.io.documents import DocumentPlace

    d, _ = unpaid_demo_debtor(demo_store, "FR")
    assert "au plus tard le 1er décembre 2026" in flat(make(demo_store, d, "formal_notice")[1])  # 8 days by default
    data, text = make(demo_store, d, "formal_notice", notice_days=14)
    assert data["deadline"] == "7 décembre 2026" and "au plus tard le 7 décembre 2026" in flat(text)
    # the office's setting, [documents] notice_days, read from relance.toml beside the base
    (demo_store.path.parent / "relance.toml").write_text(
        '[office]\nname = "Cabinet Dupuis"\naddress = "3 rue des Lilas"\npostcode = "69003"\ncity = "Lyon"\n'
        'siren = "732829320"\n\n[documents]\nnotice_days = 12\n', encoding="utf-8")
    settings = load_settings(resolve_paths(demo_store.path))
    place = DocumentPlace.of(settings, demo_store.path)
    assert place.notice_days == 12
    pdf, kept, data = produce_document(demo_store, d, "formal_notice", office=settings.office, today=TODAY,
                                       agent="Marie", place=place)
    assert data["deadline"] == "5 décembre 2026" and "au plus tard le 5 décembre 2026" in flat(text_of(pdf.data))
    assert kept.read_bytes() == pdf.data
