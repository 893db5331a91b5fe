"""Documents from the debtor card (d): the reminder letter, the formal notice, the statement of account, the
payment plan of the promise running and the litigation file;
each shown as text before it is made, then made as PDF (g), kept in the documents folder beside the base,
recorded on the timeline, its path said (issue 16)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from relance_tui.errors import RelanceError
from relance_tui.io.documents import DOCUMENT_KINDS
from relance_tui.tui.base import RelanceNode
from relance_tui.tui.plain import plain
from relance_tui.tui.survive import Survives

# the documents, by the key that chooses them
CHOICES = {"1": "reminder_letter", "2": "formal_notice", "3": "statement", "4": "payment_plan", "5": "litigation"}
SHORT = {"reminder_letter": "Lettre", "formal_notice": "Mise en demeure", "statement": "Relevé",
         "payment_plan": "Échéancier", "litigation": "Dossier contentieux"}  # the menu fits 80 columns


class DocumentScreen(Survives, RelanceNode, ModalScreen[None]):
    DEFAULT_CSS = """
    DocumentScreen { align: center middle; }
    DocumentScreen > Vertical { width: 95%; max-width: 110; height: 90%; border: round $primary;
                                background: $surface; padding: 0 1; }
    #doc-body { height: 1fr; }
    """
    BINDINGS = [
        Binding("1", "choose('1')", "Lettre", id="document.letter"),
        Binding("2", "choose('2')", "Mise en demeure", id="document.notice"),
        Binding("3", "choose('3')", "Relevé", id="document.statement"),
        Binding("4", "choose('4')", "Échéancier", id="document.plan"),
        Binding("5", "choose('5')", "Dossier contentieux", id="document.litigation"),
        Binding("g", "generate", "Produire le PDF", id="document.generate"),
        Binding("escape", "close", "Fermer", id="document.close"),
    ]

    class Shown(Message):
        def __init__(self, kind: str, text: str, ready: bool) -> None:
            super().__init__()
            self.kind, self.text, self.ready = kind, text, ready

    class Made(Message):
        def __init__(self, text: str, error: bool) -> None:
            super().__init__()
            self.text, self.error = text, error

    def __init__(self, debtor_id: int, name: str) -> None:
        super().__init__()
        self.debtor_id, self.debtor_name = debtor_id, name
        self.kind = "reminder_letter"
        self.ready = False  # the previewed document can be made
        self.busy = False

    def compose(self) -> ComposeResult:
        menu = " · ".join(f"{key} {SHORT[kind]}" for key, kind in CHOICES.items())
        with Vertical():
            yield Label(plain(f"Documents — {self.debtor_name}"))
            yield Label(plain(menu))
            with VerticalScroll(id="doc-body"):
                yield Static("…", id="doc-text")
            yield Label("g produit le PDF · Échap ferme", id="doc-status")

    def on_mount(self) -> None:
        self.action_choose("1")

    def action_choose(self, key: str) -> None:
        self.kind, self.ready = CHOICES[key], False
        self.query_one("#doc-text", Static).update("…")
        app = self.relance
        self._preview(app.store, self.kind, app.settings, app.today())

    @work(thread=True, exclusive=True, group="document-preview", exit_on_error=False)
    def _preview(self, store, kind: str, settings, today) -> None:  # noqa: ANN001
        from relance_tui.io.document_data import document_data, preview_lines
        from relance_tui.io.documents import DocumentPlace

        try:
            data = document_data(store, self.debtor_id, kind, office=settings.office, today=today,
                                 agent=settings.agent_name, notice_days=settings.documents.notice_days,
                                 office_dir=DocumentPlace.of(settings, store.path).office_dir, in_french=True)
        except RelanceError as exc:
            self.post_message(self.Shown(kind, f"{DOCUMENT_KINDS[kind]} impossible : {exc}", False))
            return
        self.post_message(self.Shown(kind, "\n".join(preview_lines(data)), True))

    def on_document_screen_shown(self, message: Shown) -> None:
        if message.kind != self.kind:
            return  # another document was chosen meanwhile
        self.ready = message.ready
        self.query_one("#doc-text", Static).update(plain(message.text))

    def action_generate(self) -> None:
        if self.busy:
            return
        if not self.ready:
            self.notify("Rien à produire : choisissez un document (1, 2, 3) possible pour ce débiteur.",
                        severity="warning")
            return
        if self.relance.store.readonly:
            self.notify(f"Production impossible. {self.relance.store.notice() or 'Base en lecture seule.'}",
                        severity="warning", markup=False)
            return
        self.busy = True
        self.query_one("#doc-status", Label).update(plain(f"{DOCUMENT_KINDS[self.kind]} : production…"))
        app = self.relance
        self._make(app.store, self.kind, app.settings, app.today())

    @work(thread=True, exclusive=True, group="document-make", exit_on_error=False)
    def _make(self, store, kind: str, settings, today) -> None:  # noqa: ANN001
        from relance_tui.io.document_data import document_label, produce_document
        from relance_tui.io.documents import DocumentPlace

        try:
            pdf, kept, data = produce_document(store, self.debtor_id, kind, office=settings.office, today=today,
                                               agent=settings.agent_name, place=DocumentPlace.of(settings, store.path))
        except RelanceError as exc:
            self.post_message(self.Made(f"{DOCUMENT_KINDS[kind]} non produit(e) : {exc}", True))
            return
        note = f" (attention : {pdf.problems[0]})" if pdf.problems else ""
        self.post_message(self.Made(f"{document_label(data)} : {kept}{note}", bool(pdf.problems)))

    def on_document_screen_made(self, message: Made) -> None:
        self.busy = False
        self.query_one("#doc-status", Label).update(plain(message.text))
        self.notify(message.text, severity="warning" if message.error else "information", markup=False,
                    timeout=15)

    def action_close(self) -> None:
        self.dismiss(None)
