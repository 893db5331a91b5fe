"""What the app does not survive, and what it does not repeat: a MemoryError ends the app cleanly (one
line, return code 1) instead of being reported and carried on from; the same failure whose text changes
every time (a timer, every frame) is shown once, not once per occurrence."""

from __future__ import annotations

from relance_tui.tui.survive import Reporter
from relance_tui.tui.titlebar import TitleBar
from tests.tui.conftest import make_app, settle  # noqa: F401 - fixtures


class FakeApp:
    def __init__(self) -> None:
        self.shown: list[str] = []

    def notify(self, text, **_kw) -> None:
        self.shown.append(text)


def failing(n: int) -> BaseException:
    try:
        raise ValueError(f"image {n} ratée")  # the same place, a different text each time
    except ValueError as error:
        return error


def test_an_error_whose_text_changes_every_time_is_shown_once(isolated_env):
    app, reporter = FakeApp(), Reporter()
    for n in range(20):
        reporter.report(app, failing(n), "timer")
    assert len(app.shown) == 1 and "image 0 ratée" in app.shown[0]
    reporter.report(app, KeyError("ailleurs"), "timer")  # another failure is still shown
    assert len(app.shown) == 2


async def test_a_memory_error_ends_the_app_cleanly(make_app, monkeypatch, capsys):
    def out_of_memory(self):
        raise MemoryError("plus de mémoire")

    monkeypatch.setattr(TitleBar, "_tick", out_of_memory)  # the title bar's one-second timer
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app._exit:
                break
    assert app.return_code == 1
    assert "relance : erreur inattendue (MemoryError" in "".join(capsys.readouterr())
