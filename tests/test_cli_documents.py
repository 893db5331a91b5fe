"""relance document and relance letters (issue 16): the PDF written, kept in the documents folder, recorded
on the timeline with its SHA-256; the day's letters in one file; a typed path never replaces the base."""

from __future__ import annotations

import hashlib
import io
import json

import pytest

from tests.conftest import TODAY
from tests.store.test_acts import add_debtor, add_invoice
from tests.test_cli import run

pypdf = pytest.importorskip("pypdf")


def office(store, monkeypatch):
    monkeypatch.setenv("RELANCE_OFFICE_NAME", "Cabinet Dupuis")
    monkeypatch.setenv("RELANCE_OFFICE_CITY", "Lyon")
    monkeypatch.setenv("RELANCE_OFFICE_ADDRESS", "3 rue des Lilas")
    monkeypatch.setenv("RELANCE_OFFICE_SIREN", "732829320")
    monkeypatch.setenv("RELANCE_OFFICE_IBAN", "FR76 3000 6000 0112 3456 7890 189")
    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", TODAY.replace(month=8, day=1), TODAY.replace(month=9, day=1), 100_000)
    store.write(lambda db: db.execute("UPDATE debtors SET code = 'C001' WHERE id = ?", [d]))
    return d


def test_a_document_is_written_kept_and_recorded_with_its_sha256(store, capsys, monkeypatch, tmp_path) -> None:
    d = office(store, monkeypatch)
    out = tmp_path / "med.pdf"
    code, said, err = run(capsys, "--db", str(store.path), "document", "mise-en-demeure", "C001",
                          "--date", TODAY.isoformat(), "-o", str(out))
    assert code == 0, err
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert said.strip() == f"Mise en demeure : {out} (SHA-256 {digest})"
    kept = list((store.path.parent / "documents").glob("*.pdf"))
    assert len(kept) == 1 and kept[0].read_bytes() == out.read_bytes()
    notes, data = store.conn.execute("SELECT notes, data FROM events WHERE debtor_id = ? AND outcome = 'document'",
                                     [d]).fetchone()
    assert json.loads(data)["sha256"] == digest and json.loads(data)["registered"] is True
    assert notes == f"Mise en demeure produite : {kept[0]}"
    text = pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "MISE EN DEMEURE" in text and "Garage Dupont" in text
    # the file exists now: refused without --force, and never the base itself
    code, _, err = run(capsys, "--db", str(store.path), "document", "lettre", "C001", "-o", str(out))
    assert code != 0 and "--force" in err
    before = store.path.read_bytes()
    code, _, err = run(capsys, "--db", str(store.path), "document", "lettre", "C001", "-o", str(store.path),
                       "--force")
    assert code != 0 and store.path.read_bytes() == before


def test_the_day_s_letters_in_one_pdf_letters_done_registered_ones_waiting(store, capsys, monkeypatch,
                                                                           tmp_path) -> None:
    from relance_tui.store.agenda import agenda
    from relance_tui.store.plan_steps import record_step

    notice = office(store, monkeypatch)  # 83 days late, nothing done: its formal notice is due
    letter = add_debtor(store, "Boulangerie Martin")
    add_invoice(store, letter, "FA-2", TODAY.replace(month=10, day=1), TODAY.replace(month=11, day=1), 30_000)
    record_step(store, letter, "reminder", today=TODAY.replace(month=11, day=4))
    record_step(store, letter, "call", today=TODAY.replace(month=11, day=9))
    assert {(i.debtor_id, i.channel) for i in agenda(store, TODAY)} == {(notice, "registered"), (letter, "letter")}
    out = tmp_path / "courriers.pdf"
    code, said, err = run(capsys, "--db", str(store.path), "letters", "--date", TODAY.isoformat(), "-o", str(out))
    assert code == 0, err
    assert said.startswith(f"2 courriers dans {out}") and "1 recommandé à noter fait avec son numéro" in said
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages]
    assert len(pages) == 2
    assert "MISE EN DEMEURE" in pages[0] and "Garage Dupont" in pages[0]  # agenda order: late ones first
    assert "Lettre recommandée" not in pages[1] and "Boulangerie Martin" in pages[1]
    # the letter is done (printed); the formal notice waits for its tracking number
    assert {(i.debtor_id, i.channel) for i in agenda(store, TODAY)} == {(notice, "registered")}
    recorded = store.conn.execute("SELECT debtor_id FROM events WHERE outcome = 'document' ORDER BY debtor_id")
    assert [r[0] for r in recorded] == sorted([notice, letter])


def test_an_iban_that_is_not_one_is_refused_with_the_setting_named(store, capsys, monkeypatch) -> None:
    monkeypatch.setenv("RELANCE_OFFICE_IBAN", "FR76 3000 6000 0112 3456 7890 180")  # a wrong check digit
    code, _, err = run(capsys, "--db", str(store.path), "document", "releve", "C001")
    assert code != 0 and "RELANCE_OFFICE_IBAN" in err and "un IBAN valide" in err


def test_a_plan_letter_naming_no_document_is_said_and_the_others_printed(store, capsys, monkeypatch,
                                                                         tmp_path) -> None:
    office(store, monkeypatch)
    plans = tmp_path / "office" / "plans.toml"
    plans.write_text('[plans.maison]\nlabel = "Maison"\n[[plans.maison.steps]]\nkey = "lettre"\nlabel = "Lettre maison"\n'
                     'channel = "letter"\ntemplate = "lettre_maison"\noffset = 10\n', encoding="utf-8")
    other = add_debtor(store, "Boulangerie Martin")
    add_invoice(store, other, "FA-2", TODAY.replace(month=9, day=1), TODAY.replace(month=10, day=1), 30_000)
    code, _, err = run(capsys, "--db", str(store.path), "plan", "set", "C001", "maison")
    assert code == 0, err
    out = tmp_path / "l.pdf"
    code, said, err = run(capsys, "--db", str(store.path), "letters", "--date", TODAY.isoformat(), "-o", str(out))
    assert code == 1 and "ÉCHEC Garage Dupont : aucun document « lettre_maison »" in err
    assert said.startswith(f"1 courrier dans {out}")  # Boulangerie Martin's formal notice all the same


def test_a_registered_letter_printed_is_not_printed_again_before_its_tracking_number(store, capsys, monkeypatch,
                                                                                   tmp_path) -> None:
    from relance_tui.store.agenda import agenda

    notice = office(store, monkeypatch)
    code, said, err = run(capsys, "--db", str(store.path), "letters", "--date", TODAY.isoformat(), "-o",
                          str(tmp_path / "a.pdf"))
    assert code == 0 and said.startswith("1 courrier"), err
    code, said, _ = run(capsys, "--db", str(store.path), "letters", "--date", TODAY.isoformat(), "-o",
                        str(tmp_path / "b.pdf"))
    assert code == 0 and "Aucun courrier à imprimer ce jour." in said
    assert "Garage Dupont : imprimée le " in said and "en attente de son numéro de suivi" in said
    assert not (tmp_path / "b.pdf").exists()
    # still in the agenda, free (no claim held): its tracking number entered there
    [step] = [i for i in agenda(store, TODAY) if i.debtor_id == notice]
    assert step.channel == "registered" and not step.claimed_by


def test_the_litigation_file_as_a_zip_holds_the_invoices_own_files(store, capsys, monkeypatch, tmp_path) -> None:
    import zipfile

    d = office(store, monkeypatch)
    (store.path.parent / "factures").mkdir()
    (store.path.parent / "factures" / "FA-1.pdf").write_bytes(b"%PDF-1.4 la facture")
    store.write(lambda db: db.execute("UPDATE invoices SET attachment_path = 'factures/FA-1.pdf' WHERE debtor_id = ?",
                                      [d]))
    out = tmp_path / "dossier.zip"
    code, said, err = run(capsys, "--db", str(store.path), "document", "dossier", "C001", "--date", TODAY.isoformat(),
                          "-o", str(out))
    assert code == 0, err
    assert said.startswith(f"Dossier contentieux : {out} (2 fichiers")
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert names[0].endswith(".pdf") and "litigation" in names[0]
        assert archive.read("factures/FA-1.pdf") == b"%PDF-1.4 la facture"
        assert archive.read(names[0]).startswith(b"%PDF")


def test_a_claim_left_by_a_crash_is_taken_again_and_no_claim_outlives_a_run(store, capsys, monkeypatch,
                                                                          tmp_path) -> None:
    from relance_tui.store.plan_steps import claim_step

    office(store, monkeypatch)
    letter = add_debtor(store, "Boulangerie Martin")
    add_invoice(store, letter, "FA-2", TODAY.replace(month=10, day=1), TODAY.replace(month=11, day=1), 30_000)
    from relance_tui.store.plan_steps import record_step

    record_step(store, letter, "reminder", today=TODAY.replace(month=11, day=4))
    record_step(store, letter, "call", today=TODAY.replace(month=11, day=9))
    assert claim_step(store, letter, "letter", today=TODAY) is not None  # then the process died
    store.conn.execute("UPDATE plan_steps SET at = '2026-01-01T00:00:00Z' WHERE status = 'claimed'")
    code, said, err = run(capsys, "--db", str(store.path), "letters", "--date", TODAY.isoformat(), "-o",
                          str(tmp_path / "l.pdf"))
    assert code == 0 and said.startswith("2 courriers"), (said, err)  # the letter and the formal notice
    # the simple letter done, the registered one waiting with no claim held
    assert store.conn.execute("SELECT COUNT(*) FROM plan_steps WHERE status = 'claimed'").fetchone()[0] == 0


def test_the_zip_joins_only_files_of_the_office_folder_and_says_the_others(store, capsys, monkeypatch,
                                                                          tmp_path) -> None:
    import zipfile

    d = office(store, monkeypatch)
    store.write(lambda db: db.execute("UPDATE invoices SET attachment_path = ? WHERE debtor_id = ?",
                                      [str(store.path), d]))  # the base itself, as an invoice's "file"
    out = tmp_path / "dossier.zip"
    code, said, err = run(capsys, "--db", str(store.path), "document", "dossier", "C001", "-o", str(out))
    assert code == 0 and "(1 fichier" in said and "non joint" in err
    with zipfile.ZipFile(out) as archive:
        assert [n for n in archive.namelist() if n.startswith("factures/")] == []


def test_a_registered_letter_another_run_printed_meanwhile_is_not_printed_twice(store, monkeypatch, tmp_path) -> None:
    import relance_tui.io.letters as letters
    from relance_tui.config import OfficeSettings
    from relance_tui.io.documents import DocumentPlace
    from relance_tui.io.outputs import Protected
    from relance_tui.store.agenda import agenda

    office(store, monkeypatch)
    looks = iter([None, "2026-12-02T10:00:00Z"])  # nothing printed at the first look; printed once claimed
    monkeypatch.setattr(letters, "last_document", lambda *args: next(looks))
    steps = [i for i in agenda(store, TODAY) if i.channel == "registered"]
    printed = letters.print_letters(store, steps, office=OfficeSettings(name="Cabinet Dupuis"), agent="Marie",
                                    today=TODAY, book=None, place=DocumentPlace(None, tmp_path / "d", Protected(), 8))
    assert printed.pdf is None and printed.count == 0
    assert "imprimée à l'instant sur un autre poste" in printed.waiting[0]
    assert store.conn.execute("SELECT COUNT(*) FROM plan_steps WHERE status = 'claimed'").fetchone()[0] == 0
