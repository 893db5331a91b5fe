"""Small things that cost a newcomer's trust (issue 17, items 4 and 6): one clock (the office's, in the title
bar as in the records), the command palette in French, a theme chosen there kept for the next start."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import time_machine

from relance_tui.config import load_settings, resolve_paths
from relance_tui.settings_files import save_user_theme
from tests.tui.conftest import FIXED_NOW, TODAY, settle

TEXTUAL_ENGLISH = {"Theme", "Keys", "Screenshot", "Quit", "Maximize", "Minimize"}


async def test_the_title_bar_clock_shows_the_office_s_time_not_the_server_s(make_app) -> None:
    app = make_app()
    with time_machine.travel(FIXED_NOW, tick=False):  # 09:30 UTC on 23 November: 10:30 in Paris
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert app.settings.office.timezone == "Europe/Paris"
            bar = app.screen.query_one("TitleBar")
            assert "10:30" in str(bar.render()) and "09:30" not in str(bar.render())


async def test_the_palette_speaks_french(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert TEXTUAL_ENGLISH.isdisjoint(titles) and "Quitter relance" in titles
        await pilot.press("ctrl+p")
        await settle(pilot)
        field = app.screen.query_one("CommandInput")
        assert field.placeholder == "Chercher une commande…"


async def test_a_theme_chosen_in_the_palette_is_there_at_the_next_start(make_app, demo_store) -> None:
    app = make_app()
    user_file = app.settings.paths.user_file
    user_file.write_text("# mes réglages\n[user]\ndisplay_name = \"Marie\"  # mon nom\n\n[keys]\n", encoding="utf-8")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.action_use_theme("relance-clair")
        await settle(pilot)
    text = user_file.read_text(encoding="utf-8")
    assert text == "# mes réglages\n[user]\ntheme = \"relance-clair\"\ndisplay_name = \"Marie\"  # mon nom\n\n[keys]\n"
    again = load_settings(resolve_paths(demo_store.path))
    assert again.user.theme == "relance-clair" and again.user.display_name == "Marie"


def test_saving_a_theme_makes_the_file_or_replaces_the_line(tmp_path) -> None:
    path = tmp_path / "cfg" / "config.toml"
    save_user_theme(path, "relance-contraste")
    assert path.read_text() == "[user]\ntheme = \"relance-contraste\"\n" and oct(path.stat().st_mode)[-3:] == "600"
    save_user_theme(path, "relance-clair")
    assert path.read_text() == "[user]\ntheme = \"relance-clair\"\n"
    path.write_text("[keys]\n\"card.call\" = \"c\"\n")
    save_user_theme(path, "relance-sombre")
    assert path.read_text() == "[keys]\n\"card.call\" = \"c\"\n\n[user]\ntheme = \"relance-sombre\"\n"


# -- an empty database opens on the welcome screen ----------------------------------------------------------

@pytest.fixture
def empty_app(store):
    from relance_tui.tui.app import RelanceApp

    def make():
        return RelanceApp(store, load_settings(resolve_paths(store.path)), today=lambda: TODAY, live=False)
    return make


async def test_an_empty_base_opens_on_the_welcome_screen_and_i_imports(empty_app, store) -> None:
    app = empty_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, rounds=4)
        assert type(app.screen).__name__ == "WelcomeScreen"
        text = str(app.screen.query_one("#welcome-text").render())
        assert f"La base {store.path} est vide" in text and "relance demo --open" in text
        # the README section named for the first steps is one of its headings, and the one that has them
        # (relance init), not "Quick start" (install, demo and tests)
        [named] = re.findall(r"README, « ([^»]+) »", text)
        readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
        heading = re.search(rf"^#+ {re.escape(named)}\n", readme, re.M)
        assert heading, f"no heading {named!r} in README.md"
        assert "relance init" in re.split(r"^#+ ", readme[heading.end():], flags=re.M)[0]  # to the next heading
        await pilot.press("i")
        await settle(pilot)
        assert type(app.screen).__name__ == "ImportScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ != "WelcomeScreen"  # the list, empty: the welcome does not come back


async def test_escape_leaves_the_welcome_for_the_empty_list_and_q_quits(empty_app) -> None:
    app = empty_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, rounds=4)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.screen_stack[0]
    app = empty_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, rounds=4)
        await pilot.press("q")
        await settle(pilot)
        assert app.return_code == 0 and not app.is_running


async def test_a_base_with_data_opens_on_the_list(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, rounds=4)
        assert app.screen is app.screen_stack[0]


async def test_a_tab_key_over_the_card_closes_it_and_over_a_call_says_to_finish_first(make_app, demo_store) -> None:
    from relance_tui.tui.call import CallScreen
    from relance_tui.tui.card import DebtorScreen
    from relance_tui.tui.dialogs import GuardScreen

    debtor = demo_store.db.execute("SELECT id FROM debtors ORDER BY id LIMIT 1").fetchone()[0]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, rounds=4)
        app.open_debtor_card(debtor)
        await settle(pilot, rounds=4)
        assert isinstance(app.screen, DebtorScreen)
        await pilot.press("f3")  # the card closes and the timeline shows: nothing changes unseen behind it
        await settle(pilot, rounds=4)
        assert app.screen is app.screen_stack[0] and app.query_one("#places").current == "chronologie"
        app.open_call(debtor)
        await settle(pilot, rounds=4)
        if isinstance(app.screen, GuardScreen):  # the guard's warning first, when there is one: a reason
            await pilot.press(*"appel de test pour les touches")
            await pilot.press("enter")
            await settle(pilot, rounds=4)
        assert isinstance(app.screen, CallScreen)
        await pilot.press("f4")  # a call in progress is never closed by a tab key
        await settle(pilot)
        assert isinstance(app.screen, CallScreen) and app.query_one("#places").current == "chronologie"
        assert any("Terminez d'abord" in str(n.message) for n in app._notifications)
        from relance_tui.tui.palette import timeline_action

        everyone = app.timeline_view.everyone
        await timeline_action(app, "action_toggle_everyone")  # the palette's timeline command, over the call
        await settle(pilot)
        assert isinstance(app.screen, CallScreen) and app.timeline_view.everyone == everyone  # nothing unseen


@pytest.fixture
def fixed_place_app():
    """An empty base at a path that is the same on every machine (the welcome screen prints it)."""
    import shutil
    from pathlib import Path

    from relance_tui.store import open_store
    from relance_tui.tui.app import RelanceApp

    place = Path("/tmp/relance-welcome-snapshot")
    shutil.rmtree(place, ignore_errors=True)
    store = open_store(place / "relance.db", agent="marie", create=True)
    yield lambda: RelanceApp(store, load_settings(resolve_paths(store.path)), today=lambda: TODAY, live=False)
    store.close()
    shutil.rmtree(place, ignore_errors=True)


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
def test_welcome_snapshot(snap_compare, fixed_place_app, frozen_clock, size):
    async def run(pilot):
        await settle(pilot, rounds=4)

    assert snap_compare(fixed_place_app(), terminal_size=size, run_before=run)


# -- French everywhere: every screen scanned for the English a library or a slip would put there -------------

ENGLISH_WORDS = ("Search", "Theme", "slash", "question mark", "question_mark", "Keys", "Quit", "Loading",
                 "Cancel", "Save", "Submit", "Close", "Yes", "Error", "Warning", "Screenshot", "Maximize",
                 "command", "Filter", "Sort", "Invoice", "Debtor", "Total due", "Amount", "Due date", "Today",
                 "countback")


def screen_text(app) -> str:
    import html
    import re

    svg = app.export_screenshot()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", t)).replace("\xa0", " ")
                    for t in re.findall(r"<text[^>]*>(.*?)</text>", svg))


def english_on(text: str) -> list[str]:
    import re

    return [w for w in ENGLISH_WORDS if re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", text)]


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_no_screen_speaks_english(make_app, demo_store, size) -> None:
    from relance_tui.tui.call import CallScreen
    from relance_tui.tui.dialogs import GuardScreen

    debtor = demo_store.db.execute("SELECT debtor_id FROM invoices WHERE status = 'open' AND due_date < ? "
                                   "ORDER BY due_date LIMIT 1", [TODAY.isoformat()]).fetchone()[0]
    app = make_app()
    seen = {}
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        seen["liste"] = screen_text(app)
        for key, name in (("f3", "chronologie"), ("f4", "promesses"), ("f5", "session"), ("f6", "à faire"),
                          ("f7", "tableau de bord")):
            await pilot.press(key)
            await settle(pilot, rounds=4)
            seen[name] = screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        app.action_help()
        await settle(pilot)
        seen["aide"] = screen_text(app)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await settle(pilot)
        seen["palette"] = screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        app.open_debtor_card(debtor)
        await settle(pilot, rounds=4)
        seen["fiche"] = screen_text(app)
        await pilot.press("d")
        await settle(pilot, rounds=4)
        seen["documents"] = screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        app.open_call(debtor)
        await settle(pilot, rounds=4)
        if isinstance(app.screen, GuardScreen):  # the guard's warning first, when there is one: scanned too
            seen["garde-fou"] = screen_text(app)
            await pilot.press(*"appel de test")
            await pilot.press("enter")
            await settle(pilot, rounds=4)
        assert isinstance(app.screen, CallScreen)
        seen["appel"] = screen_text(app)
    assert {name: english_on(text) for name, text in seen.items() if english_on(text)} == {}
    assert len(seen) >= 11 and all(len(text) > 200 for text in seen.values())


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_no_dialog_speaks_english(make_app, monkeypatch, size) -> None:
    """The dialogs that tests/tui/test_dialogs_fit.py opens (its table: every ModalScreen of the app, the
    welcome screen among them), each scanned on top of the list."""
    from tests.tui.test_dialogs_fit import DIALOGS, _dialogs

    monkeypatch.setenv("HOME", "/home/marie")
    app = make_app()
    seen = {}
    async with app.run_test(size=size) as pilot:
        await settle(pilot, rounds=4)
        base = app.screen
        for name in DIALOGS:
            screen = _dialogs()[name](app)
            app.push_screen(screen)
            await settle(pilot, rounds=4)
            await pilot.pause(0.05)
            assert app.screen is screen, f"{name}: {type(app.screen).__name__} on top"
            seen[name] = screen_text(app)
            while app.screen is not base:
                app.pop_screen()
            await settle(pilot)
    assert len(seen) == len(DIALOGS) == 22 and all(len(text) > 200 for text in seen.values())  # 21 classes
    assert {name: english_on(text) for name, text in seen.items() if english_on(text)} == {}
