"""Every dialog fits the smallest terminal an agent uses (issue 17, item 2): at 80x24 and 100x30 each one is
whole on the screen, its text wrapped inside its frame (never cut at the right edge), and a snapshot of each
keeps it so. One rule for all: a dialog's frame is at most the screen, its lines wrap (tui/app.py CSS)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.containers import ScrollableContainer
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Select, SelectionList, Static, TextArea

from tests.tui.conftest import TODAY, settle

SIZES = [(80, 24), (100, 30)]
LONG_QUESTION = ("Le fichier /srv/relance/exports/promesses-2026-12-03-session-du-matin-equipe-nord.csv existe déjà. "
                 "Le remplacer par cet export ?")


def _card(app, debtor: int):
    from relance_tui.store.cards import debtor_card
    from relance_tui.store.queries import load_rates

    return debtor_card(app.store, debtor, as_of=TODAY, rates=load_rates(app.store), country="FR")


def _debtor(app) -> int:
    """A debtor of the demo with open invoices and a contact: the same one in every run."""
    return app.store.conn.execute(
        "SELECT d.id FROM debtors d WHERE EXISTS (SELECT 1 FROM invoices i WHERE i.debtor_id = d.id "
        "AND i.status = 'open' AND i.due_date < ?) AND EXISTS (SELECT 1 FROM contacts c WHERE c.debtor_id = d.id) "
        "ORDER BY d.id LIMIT 1", [TODAY.isoformat()]).fetchone()[0]


def _step(app):
    from relance_tui.store.agenda import agenda

    return agenda(app.store, TODAY)[0]


def _email(app):
    from relance_tui.io.callscript import call_context, pick_contact
    from relance_tui.io.mail import make_draft

    card = _card(app, _debtor(app))
    context = call_context(card, agent="Marie Dubois", office=app.settings.office, today=TODAY,
                           contact=pick_contact(card))
    listed = context["invoices"]
    context.update(listed=listed, listed_total=sum(i["due_cents"] for i in listed), listed_credit=0, plan={})
    draft, _ = make_draft(app.templates, context, kind="reminder", debtor_id=card.id, to="compta@exemple.fr",
                          files=[])
    return draft


def _outcome(app):
    from relance_tui.tui.outcome import OutcomeScreen

    def refuse(*_args):
        raise ValueError("non enregistré")

    return OutcomeScreen(_card(app, _debtor(app)), build=refuse, save=refuse)


def _objections(app):
    from relance_tui.io.callscript import call_context, load_script, pick_contact

    card = _card(app, _debtor(app))
    context = call_context(card, agent="Marie Dubois", office=app.settings.office, today=TODAY,
                           contact=pick_contact(card))
    return load_script(app.templates, context)[1]


def _unplaced():
    from relance_tui.io.columns import Unplaced

    return [Unplaced("Montant réglé au 30/11 (TTC, après escompte)", "amount", "paid"),
            Unplaced("Date de relance client prévue", "date", "due_date")]


def _dialogs():
    from relance_tui.tui.agenda import DoneScreen, StepScreen
    from relance_tui.tui.card_forms import ActScreen, ContactScreen, NoteScreen, PaymentScreen, WaiverScreen
    from relance_tui.tui.dialogs import AgentScreen, ChoiceScreen, ConfirmScreen, GuardScreen, ObjectionScreen
    from relance_tui.tui.documents import DocumentScreen
    from relance_tui.tui.followup import EmailScreen
    from relance_tui.tui.help import HelpScreen
    from relance_tui.tui.import_screen import ColumnsScreen, ImportScreen
    from relance_tui.tui.promises import ExportScreen
    from relance_tui.tui.sessions import NewSessionScreen
    from relance_tui.tui.welcome import WelcomeScreen

    def waiver(app):
        card = _card(app, _debtor(app))
        return WaiverScreen(card.id, card.outstanding[0], list(card.outstanding))

    return {
        "confirm": lambda app: ConfirmScreen(LONG_QUESTION),
        "guard": lambda app: GuardScreen([
            "Déjà 4 appels à ce contact en 30 jours (limite 4).",
            "Hors des heures d'appel de ce débiteur (8:00 à 20:00, heure de Paris) : il est 20:30.",
            "Jour férié : Armistice (France)."]),
        "guard_refused": lambda app: GuardScreen(["Déjà 3 appels à ce débiteur en 30 jours, tous contacts confondus "
                                                  "(limite 3, particulier)."],
                                                 refused="Un particulier : seul un superviseur peut appeler malgré "
                                                         "ces alertes (relance.toml, [office] supervisors)."),
        "objections": lambda app: ObjectionScreen(_objections(app)),
        "agent": lambda app: AgentScreen(),
        "choice": lambda app: ChoiceScreen("Langue des courriers de ce débiteur",
                                           {"fr": "français", "nl": "néerlandais", "en": "anglais"}, "fr"),
        "note": lambda app: NoteScreen(_debtor(app)),
        "payment": lambda app: PaymentScreen(_debtor(app), 123_456),
        "contact": lambda app: ContactScreen(_card(app, _debtor(app)).contacts[0]),
        "act": lambda app: ActScreen(_debtor(app), ["formal_notice", "first_reminder", "acknowledgement"], TODAY),
        "waiver": waiver,
        "documents": lambda app: DocumentScreen(_debtor(app), _card(app, _debtor(app)).name),
        "email": lambda app: EmailScreen(_email(app)),
        "outcome": _outcome,
        "export": lambda app: ExportScreen(TODAY),
        "new_session": lambda app: NewSessionScreen(),
        "step": lambda app: StepScreen(_step(app)),
        "done": lambda app: DoneScreen([_step(app)]),
        "columns": lambda app: ColumnsScreen(_unplaced()),
        "import": lambda app: ImportScreen(start_dir=Path("/srv/relance/exports")),  # the same in any checkout
        "help": lambda app: HelpScreen(),
        "welcome": lambda app: WelcomeScreen(app.store.path, app.settings.paths.office_file),
    }


DIALOGS = sorted(_dialogs())


def _frame(screen: ModalScreen) -> Widget:
    """The dialog's frame: the screen's first child (a Vertical with its border)."""
    return screen.children[0]


def _inside(outer, inner) -> bool:
    return (inner.x >= outer.x and inner.right <= outer.right and inner.y >= outer.y
            and inner.bottom <= outer.bottom)


async def _open(app, pilot, name: str) -> ModalScreen:
    await settle(pilot, rounds=4)
    screen = _dialogs()[name](app)
    app.push_screen(screen)
    await settle(pilot, rounds=4)
    await pilot.pause(0.1)
    assert app.screen is screen, f"{name}: {type(app.screen).__name__} on top"
    return screen


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", DIALOGS)
async def test_every_dialog_is_whole_on_the_screen_and_its_text_inside_its_frame(make_app, name, size) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await _open(app, pilot, name)
        frame = _frame(screen)
        whole = screen.region
        assert _inside(whole, frame.region), f"{name}: frame {frame.region} outside the screen {whole}"
        inner = frame.content_region
        scrolled = [w for w in frame.query("*") if isinstance(w, (ScrollableContainer, TextArea, OptionList,
                                                                   SelectionList))]
        for widget in frame.query("*"):
            if not widget.display or not widget.region.area:
                continue
            if any(widget in s.query("*") for s in scrolled):
                continue  # inside a list or a scrolling pane: scrolled into view, not cut
            region = widget.region
            assert region.x >= inner.x and region.right <= inner.right, \
                f"{name}: {widget!r} at {region} sticks out of its frame {inner} (text cut at the right)"
            assert region.bottom <= inner.bottom, \
                f"{name}: {widget!r} at {region} below its frame {inner} (cut at the bottom)"
            if isinstance(widget, (Label, Static)) and not isinstance(widget, (Input, Select)):
                width = widget.get_content_width(widget.size, widget.app.size)
                assert width <= region.width or region.height > 1 or widget.styles.overflow_x == "hidden", \
                    f"{name}: {widget!r} says {width} columns in {region.width}"


async def test_the_help_shows_every_key_and_its_identifier_without_scrolling_sideways_at_80(make_app) -> None:
    from textual.widgets import DataTable

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot, "help")
        table = screen.query_one(DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width, \
            f"{table.virtual_size.width} columns in {table.scrollable_content_region.width}: identifiers cut"
        assert table.row_count > 50 and any(str(table.get_row_at(i)[2]) == "help.close" for i in range(table.row_count))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", [n for n in DIALOGS if n not in ("welcome", "documents", "choice")])
def test_dialog_snapshot(snap_compare, make_app, frozen_clock, monkeypatch, name, size) -> None:
    """Each dialog not already drawn at both sizes by its screen's own tests (the welcome, the documents and
    the language choice are), at 80x24 and 100x30."""
    monkeypatch.setenv("HOME", "/home/marie")  # the export's default path: the same on every machine

    async def run(pilot):
        await _open(pilot.app, pilot, name)

    assert snap_compare(make_app(), terminal_size=size, run_before=run)


def test_the_table_names_every_dialog_of_the_app() -> None:
    """A dialog added later is added here too: the test can fail."""
    import importlib
    import pkgutil

    import relance_tui.tui as tui

    found = set()
    for module in pkgutil.iter_modules(tui.__path__):
        mod = importlib.import_module(f"relance_tui.tui.{module.name}")
        found |= {cls.__name__ for cls in vars(mod).values()
                  if isinstance(cls, type) and issubclass(cls, ModalScreen) and cls.__module__ == mod.__name__}
    names = {"ConfirmScreen", "GuardScreen", "ObjectionScreen", "AgentScreen", "ChoiceScreen", "NoteScreen",
             "PaymentScreen", "ContactScreen", "ActScreen", "WaiverScreen", "DocumentScreen", "EmailScreen",
             "OutcomeScreen", "ExportScreen", "NewSessionScreen", "StepScreen", "DoneScreen", "ColumnsScreen",
             "ImportScreen", "HelpScreen", "WelcomeScreen"}
    assert found == names, f"not covered: {sorted(found - names)}"


@pytest.mark.parametrize(("name", "widest"), [("step", 100), ("import", 110), ("export", 84), ("columns", 100)])
async def test_a_dialog_keeps_its_own_width_on_a_wide_terminal(make_app, name, widest) -> None:
    """The fit-the-screen rule never lifts a dialog's own cap (the app's CSS outranks a widget's own)."""
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await _open(app, pilot, name)
        assert _frame(screen).region.width <= widest
