"""An unexpected error in a callback, a timer, a message handler or a worker does not end the session.

Textual ends the app on any unhandled exception (``App._handle_exception``). Whether carrying on is
safe depends on where the error was caught (Textual 8.2):

- a message handler raising inside ``MessagePump._process_messages_loop`` stops that widget's (or
  screen's, or the app's) message loop for good: the widget is dead, and so would the app be. So the
  app, its screens and relance's own widgets (``Survives``) catch the error around each message
  dispatch, before it reaches that loop: the message is lost, the loop goes on.
- a callback (``call_next``, ``call_later``, ``call_after_refresh``), a timer's callback, a worker
  started with ``exit_on_error=True`` and a screen's layout are caught by Textual in places where the
  loop goes on afterwards (``SURVIVABLE``): those errors are reported and the app carries on. Callbacks
  scheduled by a ``Survives`` node are guarded one by one as well: in Textual one failing callback
  drops the others queued with it (the key bar's and the screen's own).
- a worker with ``exit_on_error=False`` sends ``Worker.StateChanged`` to its node only (the message
  does not bubble): ``Survives`` reports its failure on the node that started it.
- the rest is not survivable and ends the app with one line (``RelanceApp._handle_exception``): a
  widget or screen whose compose or mount failed (its message loop never starts), a message loop that
  Textual stopped (a failing handler of one of Textual's own widgets), the start-up and terminal output.

Reported means: the traceback goes to the log (``log_unexpected``), the agent sees one line.

A ``MemoryError`` is never reported and carried on from: nothing says the next allocation will succeed,
so it goes on up and ends the app with its one line (``RelanceApp._handle_exception``).
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable
from time import monotonic
from types import CodeType
from typing import Any

from textual import events
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerFailed, WorkerState

from relance_tui.errors import RelanceError
from relance_tui.logs import log_unexpected

# Where Textual catches an error and the failing code's message loop keeps running afterwards.
SURVIVABLE: frozenset[CodeType] = frozenset({
    MessagePump._flush_next_callbacks.__code__,  # call_next / after-refresh callbacks
    Timer._tick.__code__,  # a timer's callback: the timer goes on
    Worker._run.__code__,  # a worker with exit_on_error=True: it is over, its node untouched
    Screen._refresh_layout.__code__,  # a layout or render failure: the next refresh tries again
})
REPEAT_S = 5.0  # the same error again within this time (a timer, every frame) is not reported again
MESSAGE_CHARS = 200


def survivable(caller: CodeType) -> bool:
    """Textual called ``_handle_exception`` from ``caller``: does the failing code's loop go on?"""
    return caller in SURVIVABLE


def one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= MESSAGE_CHARS else text[:MESSAGE_CHARS - 1] + "…"


def logged_failure(error: BaseException, context: str) -> str:
    """Log an unexpected failure with its traceback; the line a form shows for it."""
    where = log_unexpected(error, context)
    return (f"erreur inattendue ({type(error).__name__} : {one_line(error)})"
            + (f", détails dans {where}" if where else ""))


def details(where: object) -> str:
    return f"Détails dans {where}." if where else "Détails : journal indisponible."


class Reporter:
    """Logs and shows unexpected errors; the same error repeating (a failing timer, a render failure
    on every frame) is logged and shown once per ``REPEAT_S``, not once per occurrence."""

    def __init__(self) -> None:
        self._reported: dict[tuple[str, str, str], float] = {}

    def report(self, app: Any, error: BaseException, context: str) -> None:
        if isinstance(error, WorkerFailed):
            error = error.error
        if isinstance(error, MemoryError):
            raise error  # not survivable: the app ends (RelanceApp._handle_exception)
        # the same failure is the same type raised at the same place: its text may change every time
        key = (type(error).__name__, where_raised(error), context)
        now = monotonic()
        last = self._reported.get(key)
        if last is not None and now - last < REPEAT_S:
            return
        if len(self._reported) > 256:
            self._reported.clear()
        self._reported[key] = now
        where = log_unexpected(error, context)
        if isinstance(error, RelanceError):  # a worker's expected failure: its own message says it all
            text = f"Échec : {one_line(error)}. {details(where)}"
        else:
            text = (f"Erreur inattendue ({type(error).__name__} : {one_line(error)}), l'application "
                    f"continue. {details(where)}")
        app.notify(text, severity="error", timeout=10, markup=False)


def where_raised(error: BaseException) -> str:
    """The file and line ``error`` was raised at (its text when it has no traceback)."""
    frames = traceback.extract_tb(error.__traceback__) if error.__traceback__ is not None else []
    if not frames:
        return f"? {error}"
    return f"{frames[-1].filename}:{frames[-1].lineno}"


def report(node: MessagePump, error: BaseException, context: str) -> None:
    """Log ``error`` with its traceback and show it in one line, in the app ``node`` belongs to."""
    try:
        app = node.app
        reporter = getattr(app, "reporter", None)
    except Exception:  # noqa: BLE001 - no app any more (shutting down): the log is all there is
        app = reporter = None
    if reporter is None:
        log_unexpected(error, context)
        return
    reporter.report(app, error, context)


def _name(callback: Callable) -> str:
    return getattr(callback, "__qualname__", None) or type(callback).__name__


def guarded(node: MessagePump, callback: Callable, how: str) -> Callable:
    """``callback`` (sync or async), reporting what it raises instead of raising it."""

    async def run(*args: Any, **kwargs: Any) -> None:
        try:
            result = callback(*args, **kwargs)
            if inspect.isawaitable(result):
                await result
        except MemoryError:
            raise  # not survivable
        except Exception as error:  # noqa: BLE001 - reported: log + one line
            report(node, error, f"{how} {_name(callback)}")

    return run


class Survives:
    """Mixed into the app, its screens and relance's widgets (before the Textual class): a message
    handler, a scheduled callback or a worker that fails is reported and the message loop goes on."""

    async def _dispatch_message(self, message: Message) -> None:
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:
            if isinstance(message, (events.Compose, events.Mount)) or isinstance(error, MemoryError):
                raise  # it never started: not survivable (RelanceApp._handle_exception ends the app)
            report(self, error, f"{type(self).__name__} : {type(message).__name__}")  # type: ignore[arg-type]

    def call_later(self, callback: Callable, *args: Any, **kwargs: Any) -> bool:
        return super().call_later(guarded(self, callback, "call_later"), *args, **kwargs)  # type: ignore[misc,arg-type]

    def call_after_refresh(self, callback: Callable, *args: Any, **kwargs: Any) -> bool:
        return super().call_after_refresh(  # type: ignore[misc]
            guarded(self, callback, "call_after_refresh"), *args, **kwargs)  # type: ignore[arg-type]

    def call_next(self, callback: Callable, *args: Any, **kwargs: Any) -> None:
        super().call_next(guarded(self, callback, "call_next"), *args, **kwargs)  # type: ignore[misc,arg-type]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker.StateChanged goes to the worker's node only: each node reports its own workers'
        failures (a subclass handling one itself calls ``event.prevent_default()``)."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            report(self, event.worker.error, f"worker {event.worker.name}")  # type: ignore[arg-type]
