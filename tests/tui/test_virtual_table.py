"""The Line-API table reads the rows it lacks itself, and drops what was read for keys it no longer shows."""

import threading

from textual.app import App, ComposeResult

from relance_tui.tui.virtual_table import Column, VirtualTable
from tests.tui.conftest import settle


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield VirtualTable([Column("v", "Valeur", 0)], lambda row: [row], id="t")


def reader(tag: str, gate: threading.Event | None = None, asked: list | None = None):
    def read(keys: list[int]) -> dict[int, str]:
        if asked is not None:
            asked.append(list(keys))
        if gate is not None:
            gate.wait(5)
        return {k: f"{tag}{k}" for k in keys}
    return read


async def test_rows_missing_on_screen_are_read_through_the_owners_reader():
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(VirtualTable)
        asked: list = []
        table.set_keys(list(range(1000)), {0: "donné"}, read_rows=reader("lu", asked=asked))
        await settle(pilot)
        assert table.rows[0] == "donné" and table.rows[1] == "lu1"
        assert 999 not in table.rows and len(asked[0]) < 100  # the screens around the cursor, not everything
        await pilot.press("end")
        await settle(pilot)
        assert table.rows[999] == "lu999"


async def test_rows_read_for_an_older_set_of_keys_are_dropped():
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(VirtualTable)
        gate = threading.Event()
        table.set_keys(list(range(100)), {}, read_rows=reader("ancien", gate))
        await pilot.pause()  # the slow read is under way
        table.set_keys(list(range(100)), {}, read_rows=reader("nouveau"))
        await pilot.pause(0.2)
        gate.set()  # the old read ends last
        await settle(pilot)
        assert table.rows[0] == "nouveau0" and not any(str(v).startswith("ancien") for v in table.rows.values())


async def test_rows_read_before_a_change_are_dropped_and_read_again():
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(VirtualTable)
        gate = threading.Event()
        version = {"tag": "avant"}

        def read(keys: list[int]) -> dict[int, str]:
            tag = version["tag"]  # what the database held when the read began
            if tag == "avant":
                gate.wait(5)
            return {k: f"{tag}{k}" for k in keys}

        table.set_keys(list(range(100)), {}, read_rows=read)
        await pilot.pause()
        table.forget_rows()  # data changed while the first read was under way
        version["tag"] = "après"
        gate.set()
        await settle(pilot)
        assert table.rows[0] == "après0"
