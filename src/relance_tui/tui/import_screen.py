"""Importing an accounting export from inside the app: file prompt, progress bar, report."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Log, ProgressBar, Select

from relance_tui.io.columns import IGNORE, INVOICE_FIELDS, Unplaced
from relance_tui.io.importer import Detection, ImportRefused, ImportReport, import_file
from relance_tui.errors import RelanceError
from relance_tui.io.outputs import Protected
from relance_tui.tui.plain import line, styled
from relance_tui.tui.survive import Survives

# What a column that names money or a date can be, in the dialog that places it.
CHOICES = ("amount", "paid", "remaining", "pay_amount", "issue_date", "due_date", "pay_date", "last_pay_date")
FIELD_LABELS = {f.name: f.label for f in INVOICE_FIELDS}


class ColumnsScreen(Survives, ModalScreen[dict[str, str] | None]):
    """Which field each unplaced column holds, or that it is ignored on purpose. Returns column -> field
    (or ``ignore``), None when the agent gives up (nothing is imported)."""

    DEFAULT_CSS = """
    ColumnsScreen { align: center middle; }
    #columns-box { width: 90%; max-width: 100; height: auto; max-height: 90%; border: round $warning;
                   background: $surface; padding: 0 1; }
    #columns-title { text-style: bold; padding: 0 0 1 0; }
    .columns-row { height: auto; margin: 0 0 1 0; }
    .columns-row Label { width: 1fr; padding: 1 1 0 0; }
    .columns-row Select { width: 44; }
    #columns-buttons { height: auto; align-horizontal: right; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="import.columns.cancel")]

    def __init__(self, unplaced: list[Unplaced]) -> None:
        super().__init__()
        self.unplaced = unplaced

    def compose(self) -> ComposeResult:
        options = [(f"{FIELD_LABELS[name]} ({name})", name) for name in CHOICES]
        options.append(("ignorer cette colonne", IGNORE))
        with Vertical(id="columns-box"):
            yield Label("Colonnes à placer avant l'import : que contient chacune ?", id="columns-title")
            for i, u in enumerate(self.unplaced):
                with Horizontal(classes="columns-row"):
                    yield Label(styled(("« " + u.column + " »", "bold"),
                                       " : un montant" if u.looks == "amount" else " : une date"))
                    yield Select(options, value=u.suggestion if u.suggestion in CHOICES else IGNORE,
                                 allow_blank=False, id=f"columns-{i}")
            with Horizontal(id="columns-buttons"):
                yield Button("Importer", id="columns-go", variant="primary")
                yield Button("Annuler", id="columns-cancel")

    def on_mount(self) -> None:
        self.query_one("#columns-0", Select).focus()

    @on(Button.Pressed, "#columns-go")
    def go(self) -> None:
        self.dismiss({u.column: str(self.query_one(f"#columns-{i}", Select).value)
                      for i, u in enumerate(self.unplaced)})

    @on(Button.Pressed, "#columns-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ImportScreen(Survives, ModalScreen[bool]):
    """Returns True when something was imported (the caller refreshes)."""

    DEFAULT_CSS = """
    ImportScreen { align: center middle; }
    #import-box { width: 90%; max-width: 110; height: 90%; border: round $primary; background: $surface;
                  padding: 0 1; }
    #import-title { text-style: bold; padding: 0 0 1 0; }
    #import-options { height: auto; margin: 0 0 1 0; }
    #import-options Checkbox { width: auto; }
    #import-progress { margin: 1 0; }
    #import-log { height: 1fr; border: tall $panel; }
    #import-buttons { height: auto; align-horizontal: right; }
    """
    BINDINGS = [Binding("escape", "close", "Fermer", id="import.close")]

    class Progress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    class Detected(Message):
        def __init__(self, lines: list[str]) -> None:
            super().__init__()
            self.lines = lines

    class Finished(Message):
        def __init__(self, lines: list[str], imported: bool, unplaced: list[Unplaced] | None = None) -> None:
            super().__init__()
            self.lines, self.imported = lines, imported
            self.unplaced = unplaced or []

    def __init__(self, *, start_dir: Path | None = None) -> None:
        super().__init__()
        self.start_dir = start_dir or Path.cwd()
        self.imported = False
        self.running = False
        self.path: Path | None = None
        self.forced: dict[str, str] = {}  # field -> column, chosen in the columns dialog
        self.ignored: list[str] = []  # columns set aside on purpose in that dialog

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Label("Importer un export comptable (CSV de factures, FEC, paiements)", id="import-title")
            yield Input(placeholder="Chemin du fichier, puis Entrée", id="import-path",
                        value=str(self.start_dir) + "/", select_on_focus=False)
            with Vertical(id="import-options"):  # one a line, compact: all three on an 80-column screen
                yield Checkbox("Simulation (rien n'est écrit)", id="import-dry-run", compact=True)
                yield Checkbox("Export complet (absentes = payées)", id="import-full", compact=True)
                yield Checkbox("Écarter les lignes invalides", id="import-skip", compact=True)
            yield ProgressBar(id="import-progress", show_eta=False)
            yield Log(id="import-log", highlight=False)
            with Horizontal(id="import-buttons"):
                yield Button("Importer", id="import-go", variant="primary")
                yield Button("Fermer", id="import-close")

    def on_mount(self) -> None:
        path = self.query_one("#import-path", Input)
        self.set_focus(path)  # at once (Widget.focus waits its turn): the path typed right after i lands in it
        path.action_end()

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#import-go")
    def start(self) -> None:
        if self.running:
            return
        typed = self.query_one("#import-path", Input).value.strip()
        log = self.query_one("#import-log", Log)
        log.clear()
        if not typed:
            log.write_line("Indiquez le chemin du fichier à importer.")
            return
        path = Path(typed).expanduser()
        if not path.is_absolute():
            path = self.start_dir / path
        if path.is_dir():
            log.write_line(line(f"{path} est un dossier ; fichiers qu'il contient : "
                                + ", ".join(sorted(p.name for p in path.iterdir() if p.is_file())[:15])))
            return
        if not path.is_file():
            log.write_line(line(f"{path} : fichier introuvable."))
            return
        if path != self.path:  # the columns placed in the dialog belong to the file they were placed for
            self.path, self.forced, self.ignored = path, {}, []
        self.running = True
        self.query_one("#import-progress", ProgressBar).update(total=100, progress=0)
        log.write_line(line(f"Fichier : {typed}"))
        app = self.app
        self.run_import(path, app.store, app.today(), app.settings.office.payment_terms_days,
                        dry_run=self.query_one("#import-dry-run", Checkbox).value,
                        full=self.query_one("#import-full", Checkbox).value,
                        skip_invalid=self.query_one("#import-skip", Checkbox).value,
                        forced=dict(self.forced), ignored=list(self.ignored),
                        # the rejects file is never the database, the settings or a template (as on the
                        # command line), and never replaces a file: import_file picks a free name
                        protected=Protected.of_paths(app.settings.paths, app.store.path))

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_import(self, path: Path, store, as_of, default_terms: int, *, dry_run: bool, full: bool,
                   skip_invalid: bool, forced: dict[str, str] | None = None, ignored: list[str] | None = None,
                   protected: Protected | None = None) -> None:

        def detected(detection: Detection) -> None:
            self.post_message(self.Detected(detection.lines()))

        def progress(done: int, total: int) -> None:
            self.post_message(self.Progress(done, total))

        try:
            report: ImportReport = import_file(
                store, path, as_of=as_of, dry_run=dry_run, full=full, skip_invalid=skip_invalid,
                default_terms=default_terms, on_detection=detected, progress=progress, forced_map=forced,
                ignore_columns=ignored, protected=protected)
        except ImportRefused as exc:
            self.post_message(self.Finished(exc.report.problem_summary().splitlines(), False,
                                            exc.report.unplaced))
            return
        except RelanceError as exc:  # e.g. the rejects file refused: said, and the dialog can be closed
            self.post_message(self.Finished([f"Import refusé, rien n'a été importé : {exc}"], False))
            return
        lines = []
        if report.previous_import:
            lines.append(f"Note : ce même fichier a déjà été importé le {report.previous_import[0]} "
                         f"par {report.previous_import[1]}.")
        lines += report.problem_lines() + report.summary_lines()
        self.post_message(self.Finished(lines, not dry_run))

    def on_import_screen_detected(self, message: Detected) -> None:
        log = self.query_one("#import-log", Log)
        for text in message.lines:
            log.write_line(f"  {line(text)}")

    def on_import_screen_progress(self, message: Progress) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=message.total, progress=message.done)

    def on_import_screen_finished(self, message: Finished) -> None:
        self.running = False
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=100, progress=100)
        log = self.query_one("#import-log", Log)
        for text in message.lines:  # file names, columns, quoted values: the file's text, made safe
            log.write_line(line(text.replace("\u00a0", " ")))
        self.imported = self.imported or message.imported
        if message.unplaced:  # nothing was imported: the agent places those columns, then it goes on
            self.app.push_screen(ColumnsScreen(message.unplaced), self.columns_placed)

    def columns_placed(self, choices: dict[str, str] | None) -> None:
        log = self.query_one("#import-log", Log)
        if choices is None:
            log.write_line("Import abandonné : aucune colonne placée, rien n'a été importé.")
            return
        for column, name in choices.items():
            if name == IGNORE:
                self.ignored.append(column)
            else:
                self.forced[name] = column
        self.start()

    @on(Button.Pressed, "#import-close")
    def action_close(self) -> None:
        if self.running:
            self.notify("Import en cours : attendez la fin.", severity="warning")
            return
        self.dismiss(self.imported)

