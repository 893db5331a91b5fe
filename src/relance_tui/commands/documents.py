"""``relance document`` (one debtor's letter, formal notice or statement as PDF) and ``relance letters`` (the
day's agenda letters in one PDF to print). Every document is kept in the office's documents folder (beside
the base) and recorded on the debtor's timeline with its file's SHA-256."""

from __future__ import annotations

import argparse
import sys

from relance_tui.commands.common import add_output_options, open_db, output_errors, parse_day, protected_paths
from relance_tui.config import Settings
from relance_tui.domain.text import agreed, clean, count

# The command line's words for the built-in documents (io/documents.DOCUMENT_KINDS)
KIND_WORDS = {"lettre": "reminder_letter", "mise-en-demeure": "formal_notice", "releve": "statement",
              "echeancier": "payment_plan", "dossier": "litigation"}


def write_output(settings: Settings, store, pdf, output: str, force: bool) -> None:  # noqa: ANN001
    from relance_tui.io.outputs import open_output_file

    with output_errors(output), open_output_file(output, protected_paths(settings, store.path), overwrite=force,
                                                 binary=True) as out:
        out.write(pdf.data)


def cmd_document(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.io.document_data import document_label, produce_document
    from relance_tui.io.documents import DocumentPlace
    from relance_tui.store.purge import find_debtor

    kind = KIND_WORDS.get(args.kind, args.kind)
    day = parse_day(args.date, settings, "--date")
    store = open_db(settings, write=True)
    debtor = find_debtor(store.conn, args.debtor)
    pdf, kept, data = produce_document(store, debtor.id, kind, office=settings.office, today=day,
                                       agent=settings.agent_name, place=DocumentPlace.of(settings, store.path))
    for problem in pdf.problems:
        print(clean(f"attention : {problem}"), file=sys.stderr)
    if args.output and args.output.lower().endswith(".zip"):  # the file with its exhibits, for the lawyer
        files = _write_zip(settings, store, pdf, kept, data, args.output, args.force)
        print(clean(f"{document_label(data)} : {args.output} ({count(files, 'fichier')} ; PDF SHA-256 {pdf.sha256})"))
        return 0
    if args.output:
        write_output(settings, store, pdf, args.output, args.force)
    print(clean(f"{document_label(data)} : {args.output or kept} (SHA-256 {pdf.sha256})"))
    return 0


def _write_zip(settings: Settings, store, pdf, kept, data: dict, output: str, force: bool) -> int:  # noqa: ANN001
    """The document and the invoices' own files where the base knows them (``factures/``): one zip."""
    import io
    import zipfile

    from relance_tui.io.mail import invoice_files
    from relance_tui.io.outputs import open_output_file

    base_dir = store.path.parent.resolve()
    protected = protected_paths(settings, store.path)
    buffer, names = io.BytesIO(), set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(kept.name, pdf.data)
        count = 1
        for inv, number, found, recorded in invoice_files(store, data["invoice_ids"]):
            if found is None:
                continue
            real = found.resolve()
            # an invoice's file lives in the office's folder; never the base, the settings or a template
            if base_dir not in real.parents or protected.covers(real):
                print(clean(f"attention : {recorded} (facture {number}) hors du dossier de la base : non joint"),
                      file=sys.stderr)
                continue
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in clean(number))
            name = f"factures/{safe}{real.suffix}" if f"factures/{safe}{real.suffix}" not in names else \
                f"factures/{safe}-{inv}{real.suffix}"  # two issuers' FA-1: both kept
            try:
                archive.writestr(name, real.read_bytes())
            except OSError as exc:
                print(clean(f"attention : {recorded} (facture {number}) illisible : {exc.strerror or exc}"),
                      file=sys.stderr)
                continue
            names.add(name)
            count += 1
    with output_errors(output), open_output_file(output, protected_paths(settings, store.path), overwrite=force,
                                                 binary=True) as out:
        out.write(buffer.getvalue())
    return count


def cmd_letters(args: argparse.Namespace, settings: Settings) -> int:
    """The day's letters and formal notices of the agenda in one PDF (io/letters.py): simple letters recorded
    done (printed), registered ones left in the agenda until their tracking number is entered."""
    from relance_tui.commands.plan import plan_book
    from relance_tui.io.documents import DocumentPlace
    from relance_tui.io.letters import print_letters
    from relance_tui.store.agenda import agenda

    day = parse_day(args.date, settings, "--date")
    book = plan_book(settings)
    store = open_db(settings, write=True)
    steps = [i for i in agenda(store, day, book=book, office_country=settings.office.country)
             if i.channel in ("letter", "registered")]
    printed = print_letters(store, steps, office=settings.office, agent=settings.agent_name, today=day, book=book,
                            place=DocumentPlace.of(settings, store.path),
                            write=lambda pdf: write_output(settings, store, pdf, args.output, args.force))
    if printed.pdf is None:
        print("Aucun courrier à imprimer ce jour." if not printed.failed else "Aucun courrier produit.")
        return _said(printed.failed, printed.waiting)
    for problem in printed.pdf.problems:
        print(clean(f"attention : {problem}"), file=sys.stderr)
    print(clean(f"{count(printed.count, 'courrier')} dans {args.output} (SHA-256 {printed.pdf.sha256}) ; "
                f"{count(printed.registered, 'recommandé')} à noter {agreed(printed.registered, 'fait')} avec "
                f"{'leur' if printed.registered > 1 else 'son'} numéro de suivi une fois "
                f"{agreed(printed.registered, 'posté')}"))
    return _said(printed.failed, printed.waiting)


def _said(failed: list[str], waiting: list[str] = ()) -> int:
    for line in waiting:
        print(clean(f"  {line}"))
    for line in failed:
        print(clean(f"  ÉCHEC {line}"), file=sys.stderr)
    return 1 if failed else 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    doc = sub.add_parser("document", help="un document PDF d'un débiteur : lettre, mise-en-demeure, releve, "
                                          "echeancier, dossier")
    doc.add_argument("kind", metavar="DOCUMENT", help="lettre, mise-en-demeure, releve, echeancier (de la promesse en "
                                                      "cours), dossier (contentieux), ou un modèle du cabinet")
    doc.add_argument("debtor", metavar="DEBITEUR", help="code du débiteur (ou #id)")
    doc.add_argument("--date", help="date du document, JJ/MM/AAAA (défaut : aujourd'hui)")
    add_output_options(doc, "gardé dans le dossier documents, chemin affiché")
    letters = sub.add_parser("letters", help="les courriers du jour (agenda) en un seul PDF à imprimer")
    letters.add_argument("--date", help="jour, JJ/MM/AAAA (défaut : aujourd'hui)")
    letters.add_argument("-o", "--output", required=True, help="fichier PDF à écrire")
    letters.add_argument("--force", action="store_true", help="remplace le fichier s'il existe déjà")

