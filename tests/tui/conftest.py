import datetime as dt

import pytest
import time_machine

from relance_tui.config import load_settings, resolve_paths
from relance_tui.tui.app import RelanceApp
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
        return RelanceApp(demo_store, settings, today=lambda: TODAY, **kw)
    return make
