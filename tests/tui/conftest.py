import contextlib
import datetime as dt

import pytest
import time_machine

from textual.worker import WorkerCancelled

from relance_tui.config import load_settings, resolve_paths
from relance_tui.tui.app import RelanceApp
from relance_tui.tui.virtual_table import VirtualTable
from tests.conftest import TODAY

FIXED_NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def frozen_clock():
    """A fixed instant for snapshots (time_machine, since freezegun hangs run_test)."""
    with time_machine.travel(FIXED_NOW, tick=False):
        yield


@pytest.fixture
def make_app(demo_store):
    def make(**kw):
        settings = load_settings(resolve_paths(demo_store.path))
        kw.setdefault("live", False)
        return RelanceApp(demo_store, settings, today=lambda: TODAY, **kw)
    return make


def office_identity(monkeypatch) -> None:
    """The office's identity a formal notice and a litigation file need (io/document_data._check_creditor)."""
    for key, value in (("NAME", "Cabinet Dupuis"), ("ADDRESS", "3 rue des Lilas"), ("POSTCODE", "69003"),
                       ("CITY", "Lyon"), ("SIREN", "732829320"), ("IBAN", "FR7630006000011234567890189")):
        monkeypatch.setenv(f"RELANCE_OFFICE_{key}", value)


async def settle(pilot, rounds: int = 3):
    """Let workers finish and their messages land (they may start more workers)."""
    for _ in range(rounds):
        with contextlib.suppress(WorkerCancelled):  # superseded by a newer worker of its group
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def overdue(app) -> VirtualTable:
    return app.query_one("#overdue", VirtualTable)


def visible_rows(table: VirtualTable, n: int = 20):
    return [table.rows[k] for k in table.keys[:n] if k in table.rows]
