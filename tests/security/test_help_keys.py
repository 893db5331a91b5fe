"""The help lists the user's own [keys] values as data: a key spec holding markup ('[/]') neither ends
the app when the help opens nor loses text; an unknown [keys] identifier is shown as it is."""

from __future__ import annotations

import dataclasses

from textual.widgets import DataTable

from relance_tui.config import load_settings, resolve_paths
from relance_tui.tui.app import HelpScreen, RelanceApp
from tests.conftest import TODAY
from tests.tui.conftest import settle


async def test_help_shows_a_key_spec_holding_markup_as_it_is(demo_store):
    settings = load_settings(resolve_paths(demo_store.path))
    settings = dataclasses.replace(settings, keys={"app.refresh": "[/]", "[bold]nope[/]": "x"})
    app = RelanceApp(demo_store, settings, today=lambda: TODAY, live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.action_help()
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(value) for value in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["[/]", "app.refresh"] in [[row[0].strip(), row[2]] for row in rows]
        warnings = [n.message for n in app._notifications]
        assert any("[bold]nope[/]" in message for message in warnings)
    assert app.return_code in (None, 0)
