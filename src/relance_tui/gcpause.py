"""The cyclic garbage collector paused while ``relance`` starts (relance_tui/launch.py), and resumed.

Each pass of the collector walks every object made so far, and the imports of relance, Textual and what
they need make some hundred thousand that live as long as the process (no cycle among them is garbage).
Paused from the console script's first line, the app's first screen of rows came about 20 ms sooner
(docs/benchmarks.md, issue 19). ``resume`` sets those objects aside (``gc.freeze``) and turns the
collector on: before a command starts its work (cli.py), once the app's list is loaded or a few seconds
after the app started, whichever comes first (tui/live.py, tui/app.py). A process that did not pause it
(tests, a program calling ``cli.main``) is left as it is.
"""

import gc

_paused = False


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """The collector on again if ``pause`` turned it off; otherwise nothing."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
