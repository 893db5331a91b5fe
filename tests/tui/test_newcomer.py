"""Small things that cost a newcomer's trust (issue 17, items 4 and 6): one clock (the office's, in the title
bar as in the records), the command palette in French, a theme chosen there kept for the next start."""

from __future__ import annotations

import time_machine

from relance_tui.config import load_settings, resolve_paths, save_user_theme
from tests.tui.conftest import FIXED_NOW, settle

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
