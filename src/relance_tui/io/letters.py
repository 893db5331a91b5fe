"""The day's letters printed (relance letters, p in the À faire tab): the plan's letter and registered-letter
steps made into one PDF, kept beside the base, each recorded on its debtor's timeline with the file's
SHA-256; simple letters recorded done (printed), registered ones left in the agenda until their tracking
number is entered, and not printed again meanwhile. Each step is claimed while it is printed (two agents at
once print it once) and no claim outlives the run, whatever ends it."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relance_tui.domain.plan import PlanBook
from relance_tui.errors import RelanceError
from relance_tui.io.document_data import document_data, in_language
from relance_tui.io.documents import DocumentError, Pdf, document_exists, keep_document, render_documents
from relance_tui.store.connection import Store
from relance_tui.store.documents import last_document, record_document
from relance_tui.store.plan import DebtorPlan
from relance_tui.store.plan_steps import claim_step, record_step, release_claim


@dataclass
class Printed:
    pdf: Pdf | None = None  # None: nothing printed
    kept: Path | None = None
    count: int = 0
    registered: int = 0  # registered letters among them: done once posted, with their tracking number
    failed: list[str] = field(default_factory=list)  # per debtor, what went wrong
    waiting: list[str] = field(default_factory=list)  # per debtor, why it was not printed now


def print_letters(store: Store, steps: Iterable[DebtorPlan], *, office: Any, agent: str, today: dt.date,
                  book: PlanBook | None, place: Any, write: Callable[[Pdf], None] | None = None) -> Printed:
    """Print these agenda rows' letters (``place``: io/documents.DocumentPlace; ``write``: also write the PDF
    where the person said, before anything is recorded)."""
    steps = [s for s in steps if s.channel in ("letter", "registered")]
    out, held = Printed(), []  # held: the claims this run holds and has not settled yet
    country = getattr(office, "country", "FR")
    try:
        items = _claimed(store, steps, out, held, office=office, agent=agent, today=today, book=book, place=place)
        if not items:
            return out
        try:
            pdf = render_documents([(s.state.next.template, d) for s, d, _ in items], office_dir=place.office_dir)
        except DocumentError as exc:
            raise RelanceError(f"courriers non produits : {exc}") from None
        kept = keep_document(pdf, place.folder, f"{today.isoformat()}-courriers", place.protected)
        if write is not None:
            write(pdf)
        out.pdf, out.kept, out.count = pdf, kept, len(items)
        for step, data, token in items:
            record_document(store, step.debtor_id, step.state.next.template, title=in_language(step.label, data), path=str(kept),
                            sha256=pdf.sha256, invoice_ids=data["invoice_ids"],
                            registered=step.channel == "registered")
            if step.channel == "registered":
                out.registered += 1  # done once posted: its tracking number is entered then (F6 f, plan done)
                continue
            try:
                record_step(store, step.debtor_id, step.state.next.key, today=today, note="imprimée",
                            claim=token, channel="letter", book=book, office_country=country)
                held.remove(token)
            except RelanceError as exc:
                out.failed.append(f"{step.name} : imprimée, non notée faite : {exc}")
    finally:  # whatever ended the run (an error, Ctrl-C, a hang-up): nothing stays held
        for token in held:
            with contextlib.suppress(Exception):
                release_claim(store, token)
    return out


def _claimed(store: Store, steps: list[DebtorPlan], out: Printed, held: list[str], *, office: Any, agent: str,
             today: dt.date, book: PlanBook | None, place: Any) -> list[tuple[DebtorPlan, dict, str]]:
    """The letters to print: (step, data, claim) each; failures said per debtor; registered letters already
    printed since their step fell due wait for their tracking number (a copy: relance document)."""
    items = []
    for step in steps:
        template = step.state.next.template
        if not document_exists(template, place.office_dir):
            out.failed.append(f"{step.name} : aucun document « {template} » (templates/documents/{template}.typ du "
                              "cabinet, ou un document intégré)")
            continue
        if step.channel == "registered":
            printed = last_document(store.conn, step.debtor_id, template, step.state.due or today)
            if printed:
                out.waiting.append(f"{step.name} : imprimée le {printed[8:10]}/{printed[5:7]}, en attente de son "
                                   "numéro de suivi (f dans À faire ; une copie : relance document)")
                continue
        try:
            claimed = claim_step(store, step.debtor_id, step.state.next.key, today=today, book=book,
                                 office_country=getattr(office, "country", "FR"))
        except RelanceError as exc:  # settled, done by hand since the agenda was read
            out.waiting.append(f"{step.name} : {exc}")
            continue
        if claimed is None:
            out.waiting.append(f"{step.name} : en cours sur un autre poste")
            continue
        held.append(claimed[1])
        if step.channel == "registered" and last_document(store.conn, step.debtor_id, template,
                                                          step.state.due or today):
            # printed by another run between the look above and this claim (it records the document before
            # it lets the claim go): not twice
            release_claim(store, claimed[1])
            held.remove(claimed[1])
            out.waiting.append(f"{step.name} : imprimée à l'instant sur un autre poste, en attente de son numéro "
                               "de suivi")
            continue
        try:
            items.append((step, document_data(store, step.debtor_id, template, office=office, today=today,
                                              agent=agent, invoice_ids=list(step.invoice_ids),
                                              notice_days=place.notice_days,
                                              registered=step.channel == "registered",
                                              office_dir=place.office_dir), claimed[1]))
        except RelanceError as exc:
            release_claim(store, claimed[1])
            held.remove(claimed[1])
            out.failed.append(f"{step.name} : {exc}")
    return items
