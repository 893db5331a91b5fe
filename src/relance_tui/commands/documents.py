"""``relance document`` (one debtor's letter, formal notice or statement as PDF) and ``relance letters`` (the
day's agenda letters in one PDF to print). Every document is kept in the office's documents folder (beside
the base) and recorded on the debtor's timeline with its file's SHA-256."""

from __future__ import annotations

import argparse
import contextlib
import sys

from relance_tui.commands.common import add_output_options, open_db, output_errors, parse_day, protected_paths
from relance_tui.config import Settings
from relance_tui.domain.text import clean
from relance_tui.errors import RelanceError

# The command line's words for the built-in documents (io/documents.DOCUMENT_KINDS)
KIND_WORDS = {"lettre": "reminder_letter", "mise-en-demeure": "formal_notice", "releve": "statement",
              "echeancier": "payment_plan", "dossier": "litigation"}


def office_templates(settings: Settings):  # noqa: ANN201 - the office's templates folder
    return settings.paths.office_file.parent / "templates"


def documents_folder(settings: Settings):  # noqa: ANN201 - where documents are kept, beside the base
    return settings.paths.db.parent / "documents"


def write_output(settings: Settings, store, pdf, output: str, force: bool) -> None:  # noqa: ANN001
    from relance_tui.io.outputs import open_output_file

    with output_errors(output), open_output_file(output, protected_paths(settings, store.path), overwrite=force,
                                                 binary=True) as out:
        out.write(pdf.data)


def cmd_document(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.io.document_data import produce_document
    from relance_tui.store.purge import find_debtor

    kind = KIND_WORDS.get(args.kind, args.kind)
    day = parse_day(args.date, settings, "--date")
    store = open_db(settings, write=True)
    debtor = find_debtor(store.conn, args.debtor)
    pdf, kept, data = produce_document(store, debtor.id, kind, office=settings.office, today=day,
                                       agent=settings.agent_name, office_dir=office_templates(settings),
                                       folder=documents_folder(settings),
                                       protected=protected_paths(settings, store.path),
                                       notice_days=settings.documents.notice_days)
    for problem in pdf.problems:
        print(clean(f"attention : {problem}"), file=sys.stderr)
    if args.output and args.output.lower().endswith(".zip"):  # the file with its exhibits, for the lawyer
        files = _write_zip(settings, store, pdf, kept, data, args.output, args.force)
        print(clean(f"{data['title'] or kind} : {args.output} ({files} fichier(s) ; PDF SHA-256 {pdf.sha256})"))
        return 0
    if args.output:
        write_output(settings, store, pdf, args.output, args.force)
    print(clean(f"{data['title'] or kind} : {args.output or kept} (SHA-256 {pdf.sha256})"))
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
    """The day's letters and formal notices of the agenda in one PDF; simple letters recorded done (printed),
    registered ones left in the agenda until their tracking number is entered, and not printed again
    meanwhile. Each step is claimed while it is printed: two agents at once print it once."""
    from relance_tui.commands.plan import plan_book
    from relance_tui.io.documents import DocumentError, keep_document, render_documents
    from relance_tui.store.agenda import agenda
    from relance_tui.store.documents import record_document
    from relance_tui.store.plan_steps import record_step, release_claim

    day = parse_day(args.date, settings, "--date")
    book = plan_book(settings)
    store = open_db(settings, write=True)
    # every step due, claimed or not: claim_step takes a claim left by a crash (older than CLAIM_STALE) again
    steps = [i for i in agenda(store, day, book=book, office_country=settings.office.country)
             if i.channel in ("letter", "registered")]
    held: list[str] = []  # the claims this run holds and has not settled yet
    try:
        items, failed, waiting = _claimed_letters(store, steps, settings, day, book, held)
        if not items:
            print("Aucun courrier à imprimer ce jour." if not failed else "Aucun courrier produit.")
            return _said(failed, waiting)
        try:
            pdf = render_documents([(s.state.next.template, d) for s, d, _ in items],
                                   office_dir=office_templates(settings))
        except DocumentError as exc:
            raise RelanceError(f"courriers non produits : {exc}") from None
        kept = str(keep_document(pdf, documents_folder(settings), f"{day.isoformat()}-courriers",
                                 protected_paths(settings, store.path)))
        write_output(settings, store, pdf, args.output, args.force)
        registered = 0
        for step, data, token in items:
            record_document(store, step.debtor_id, step.state.next.template, title=step.label, path=kept,
                            sha256=pdf.sha256, invoice_ids=data["invoice_ids"],
                            registered=step.channel == "registered")
            if step.channel == "registered":
                registered += 1  # done once posted: its tracking number is entered then (agenda f, plan done)
                continue
            try:
                record_step(store, step.debtor_id, step.state.next.key, today=day, note="imprimée (relance letters)",
                            claim=token, channel="letter", book=book, office_country=settings.office.country)
                held.remove(token)
            except RelanceError as exc:
                failed.append(f"{step.name} : imprimée, non notée faite : {exc}")
    finally:  # whatever ended the run (an error, Ctrl-C, a hang-up): nothing stays held
        for token in held:
            with contextlib.suppress(Exception):
                release_claim(store, token)
    for problem in pdf.problems:
        print(clean(f"attention : {problem}"), file=sys.stderr)
    print(clean(f"{len(items)} courrier(s) dans {args.output} (SHA-256 {pdf.sha256}) ; "
                f"{registered} recommandé(s) à noter faits avec leur numéro de suivi une fois postés"))
    return _said(failed, waiting)


def _claimed_letters(store, steps, settings: Settings, day, book, held: list[str]):  # noqa: ANN001, ANN202
    """The letters to print: (step, data, claim) each; failures said per debtor; registered letters already
    printed since their step fell due, waiting for their tracking number (reprint one: relance document)."""
    from relance_tui.io.document_data import document_data
    from relance_tui.io.documents import document_exists
    from relance_tui.store.documents import last_document
    from relance_tui.store.plan_steps import claim_step, release_claim

    items, failed, waiting = [], [], []
    for step in steps:
        template = step.state.next.template
        if not document_exists(template, office_templates(settings)):
            failed.append(f"{step.name} : aucun document « {template} » (templates/documents/{template}.typ du "
                          "cabinet, ou un document intégré)")
            continue
        if step.channel == "registered":
            printed = last_document(store.conn, step.debtor_id, template, step.state.due or day)
            if printed:
                waiting.append(f"{step.name} : imprimée le {printed[8:10]}/{printed[5:7]}, en attente de son numéro "
                               "de suivi (f dans À faire ; une copie : relance document)")
                continue
        try:
            claimed = claim_step(store, step.debtor_id, step.state.next.key, today=day, book=book,
                                 office_country=settings.office.country)
        except RelanceError as exc:  # settled, done by hand since the agenda was read
            waiting.append(f"{step.name} : {exc}")
            continue
        if claimed is None:
            waiting.append(f"{step.name} : en cours sur un autre poste")
            continue
        held.append(claimed[1])
        try:
            items.append((step, document_data(store, step.debtor_id, template, office=settings.office, today=day,
                                              agent=settings.agent_name, invoice_ids=list(step.invoice_ids),
                                              notice_days=settings.documents.notice_days,
                                              registered=step.channel == "registered"), claimed[1]))
        except RelanceError as exc:
            release_claim(store, claimed[1])
            held.remove(claimed[1])
            failed.append(f"{step.name} : {exc}")
    return items, failed, waiting


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
    doc.add_argument("--date", help="date du document AAAA-MM-JJ (défaut : aujourd'hui)")
    add_output_options(doc)
    letters = sub.add_parser("letters", help="les courriers du jour (agenda) en un seul PDF à imprimer")
    letters.add_argument("--date", help="jour AAAA-MM-JJ (défaut : aujourd'hui)")
    letters.add_argument("-o", "--output", required=True, help="fichier PDF à écrire")
    letters.add_argument("--force", action="store_true", help="remplace le fichier s'il existe déjà")

