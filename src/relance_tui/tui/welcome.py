"""The first screen of an empty database (issue 17, item 1): what relance needs to start, and the key that
does it (i: import the accountant's export), instead of an empty table and no hint."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from relance_tui.tui.plain import plain, styled
from relance_tui.tui.survive import Survives


def welcome_lines(db: str, office_file: str, readonly: bool) -> list[str]:
    """What the welcome screen says, as plain lines of at most 74 characters (it fits 80 columns); names and
    paths are data: printed, never markup."""
    lines = [f"La base {db} est vide :", "aucune facture, aucun débiteur pour l'instant.", ""]
    if readonly:
        lines += ["Elle est ouverte en lecture seule : le premier import se fait par un agent",
                  "qui peut écrire dans son dossier (relance import FICHIER, ou i ici).", ""]
    else:
        lines += ["Pour commencer :",
                  "  i  importer l'export comptable (factures CSV, FEC ou paiements) :",
                  "     relance montre ce qu'il a compris des colonnes avant d'importer.", ""]
    lines += ["Pour essayer sur des données fictives : quittez (q), puis lancez",
              "     relance demo --open   (une base à part, jamais celle-ci).", "",
              "Premiers pas (README, « Starting for real ») :",
              "  1. compléter les réglages du cabinet (nom, adresse, SIREN, IBAN) :",
              f"     {office_file}",
              "  2. saisir les taux du semestre : relance rates set ecb JJ/MM/AAAA TAUX",
              "  3. importer, puis F2 : la liste des impayés ; a : appeler le débiteur."]
    return lines


class WelcomeScreen(Survives, ModalScreen[str | None]):
    """Returns "import" (i), "quit" (q) or None (Escape: the empty list)."""

    DEFAULT_CSS = """
    WelcomeScreen { align: center middle; }
    WelcomeScreen > Vertical { width: 96; max-width: 100%; height: auto; max-height: 100%;
                               border: round $primary; background: $surface; padding: 0 1; }
    #welcome-body { height: auto; max-height: 1fr; }
    """
    BINDINGS = [
        Binding("i", "choose('import')", "Importer un fichier", id="welcome.import"),
        Binding("q", "choose('quit')", "Quitter", id="welcome.quit"),
        Binding("escape", "choose(None)", "Aller à la liste", id="welcome.close"),
    ]

    def __init__(self, db: str, office_file: str, readonly: bool = False) -> None:
        super().__init__()
        self.db, self.office_file, self.readonly = db, office_file, readonly

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(styled(("Bienvenue dans relance", "bold")))
            with VerticalScroll(id="welcome-body"):
                yield Static(plain("\n".join(welcome_lines(self.db, self.office_file, self.readonly))),
                             id="welcome-text")
            keys = "q quitte · Échap : la liste (vide)" if self.readonly else \
                "i importe · q quitte · Échap : la liste (vide)"
            yield Label(keys, id="welcome-keys")

    def action_choose(self, choice: str | None) -> None:
        if choice == "import" and self.readonly:
            return
        self.dismiss(choice)


def check_empty(app) -> None:  # noqa: ANN001 - the RelanceApp
    """Open the welcome screen when the base holds nothing yet: read in a worker (a base on a network share
    may make a reader wait), shown only if the agent has not gone elsewhere meanwhile."""
    from relance_tui.store.queries import has_business_data

    def look() -> None:
        if not has_business_data(app.store):
            app.call_from_thread(show)

    def show() -> None:
        if len(app.screen_stack) > 1:  # a key pressed meanwhile took the agent somewhere
            return

        def chosen(choice: str | None) -> None:
            if choice == "import":
                app.action_import_file()
            elif choice == "quit":
                app.exit()

        app.push_screen(WelcomeScreen(str(app.store.path), str(app.settings.paths.office_file),
                                      readonly=app.store.readonly), chosen)

    app.run_worker(look, thread=True, group="empty", exclusive=True, exit_on_error=False)
