"""The follow-up email after a call: its draft from the call's report, then a preview the agent edits and sends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea
from textual.worker import Worker, WorkerState

from relance_tui.domain.text import clean
from relance_tui.errors import RelanceError
from relance_tui.io.callscript import email_context
from relance_tui.io.mail import Draft, check_draft, deliver, make_draft
from relance_tui.store.calls import CallReport
from relance_tui.tui.plain import line, plain, styled
from relance_tui.tui.survive import Survives, logged_failure


def followup_draft(templates, script_context: dict, report: CallReport, *, kind: str, to: str,  # noqa: ANN001
                   ids: list[int], files: list[tuple[int, str, Path | None, str | None]],
                   numbers: dict[int, str], tz: str) -> tuple[Draft, list[str]]:
    """The email after ``report`` (template ``email/<kind>.txt.j2``), on the call script's context: the
    invoices ``ids`` (all owed, or those the promise or dispute is about), ``files`` found for them,
    ``numbers`` of the debtor's invoices by id. Returns the draft and template problems."""
    callback_at: dt.datetime | None = report.callback_at.astimezone(ZoneInfo(tz)) if report.callback_at else None
    context = email_context(
        script_context, outcome=report.outcome, instalments=report.instalments, paid_date=report.paid_date,
        paid_reference=report.paid_reference, callback_at=callback_at,
        dispute_category=report.dispute_category,
        dispute_invoices=[numbers[i] for i in report.invoice_ids if i in numbers])
    if kind == "invoice" or report.outcome == "dispute":
        context["invoices"] = [i for i in script_context["invoices"] if i["id"] in set(ids)]
    return make_draft(templates, context, kind=kind, debtor_id=report.debtor_id, to=to, files=files)


class EmailScreen(Survives, ModalScreen[bool]):
    """Preview and edit the follow-up email; Ctrl+S sends it (or writes it to the outbox)."""

    DEFAULT_CSS = """
    EmailScreen { align: center middle; }
    EmailScreen > Vertical { width: 96%; height: 96%; border: round $primary; background: $surface; padding: 0 1; }
    EmailScreen Input { margin: 0 0 1 0; }
    EmailScreen TextArea { height: 1fr; }
    #email-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("ctrl+s", "send", "Envoyer", id="email.send", priority=True),
                Binding("escape", "skip", "Ne pas envoyer", id="email.skip")]

    class Done(Message):
        def __init__(self, result: str | None, error: str | None) -> None:
            super().__init__()
            self.result, self.error = result, error

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft
        self.sending = False

    def compose(self) -> ComposeResult:
        d = self.draft
        how = "par le serveur d'envoi" if self.app.settings.smtp.host else "dans la boîte d'envoi (pas de SMTP)"
        with Vertical():
            yield Label(styled(("Email de suivi", "bold"), f" — Ctrl+S l'envoie {how} · Échap : ne pas envoyer"))
            yield Input(value=line(d.to), placeholder="Destinataire", id="email-to", compact=True)
            yield Input(value=line(d.subject), placeholder="Objet", id="email-subject", compact=True)
            yield TextArea(clean(d.body, multiline=True), id="email-body", soft_wrap=True)
            attached = ", ".join(p.name for p in d.attachments) or "aucune"
            missing = f" · fichier introuvable pour {', '.join(d.missing_attachments)}" if d.missing_attachments else ""
            yield Static(plain(f"Pièces jointes : {attached}{missing}"), id="email-attachments")
            yield Static("", id="email-error")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_send(self) -> None:
        if self.sending:
            return
        self.draft.to = self.query_one("#email-to", Input).value.strip()
        self.draft.subject = self.query_one("#email-subject", Input).value.strip()
        self.draft.body = self.query_one(TextArea).text
        try:  # what the agent left in the form is checked before anything is built or sent
            check_draft(self.draft)
        except RelanceError as exc:
            self._not_sent(str(exc))
            return
        self.sending = True
        self.query_one("#email-error", Static).update("Envoi…")
        settings = self.app.settings
        self._send(self.app.store, settings.smtp, settings.smtp.sender or settings.office.email,
                   settings.paths.outbox)

    @work(thread=True, exclusive=True, group="email-send", exit_on_error=False)
    def _send(self, store, smtp, sender: str, outbox) -> None:
        try:
            delivery = deliver(store, self.draft, smtp=smtp, sender=sender, outbox=outbox)
        except RelanceError as exc:
            self.post_message(self.Done(None, str(exc)))
            return
        where = "envoyé" if delivery.via == "smtp" else f"déposé dans {delivery.where}"
        self.post_message(self.Done(f"Email {where}.", None))

    def _not_sent(self, error: str) -> None:
        self.sending = False
        self.query_one("#email-error", Static).update(
            plain(f"Non envoyé : {error}. Le texte est gardé : corrigez puis Ctrl+S, ou Échap."))

    def on_email_screen_done(self, message: Done) -> None:
        if message.error:
            self._not_sent(message.error)
            return
        self.sending = False
        self.notify(message.result or "Email envoyé.", timeout=6)
        self.dismiss(True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Anything else that makes the send fail (a bug, a full disk): logged, said on the form, and the
        form can be sent again; never "Envoi…" for ever."""
        if event.worker.group != "email-send" or event.state != WorkerState.ERROR or event.worker.error is None:
            return
        event.prevent_default()  # said here, on the form, rather than in a notification (Survives)
        self._not_sent(logged_failure(event.worker.error, "email de suivi"))

    def action_skip(self) -> None:
        self.dismiss(False)
