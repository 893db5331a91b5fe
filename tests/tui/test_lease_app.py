"""The app beside another machine that writes the base (the write lease, issue 20): read-only with the reason,
and told at once when another machine takes the lease over."""

from __future__ import annotations

import datetime as dt

from relance_tui.store import open_store
from relance_tui.store.lease import _KEEPER, HostLease
from relance_tui.tui.app import RelanceApp
from relance_tui.tui.call import CallScreen
from tests.tui.conftest import TODAY, settle


def _settings(path):
    from relance_tui.config import load_settings, resolve_paths

    return load_settings(resolve_paths(path))


async def test_the_app_opened_beside_another_writer_says_which_machine_and_refuses_calls(demo_store):
    path = demo_store.path
    demo_store.shutdown()
    paul = HostLease(path, agent="paul", hostname="portable-paul")
    paul.acquire()
    store = open_store(path, agent="marie", when_leased="readonly")
    app = RelanceApp(store, _settings(path), today=lambda: TODAY, live=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert any("la machine portable-paul (agent paul" in m and "par SSH" in m for m in said), said
        assert app.sub_title.endswith("lecture seule")
        await pilot.press("a")  # a call: refused, saying why
        await settle(pilot)
        assert not isinstance(app.screen, CallScreen)
        assert any(str(n.message).startswith("Impossible d'enregistrer un appel. Base en lecture seule : la machine "
                                             "portable-paul") for n in app._notifications)
    paul.release()


async def test_an_app_whose_lease_is_taken_over_is_told_at_once(demo_store):
    assert demo_store.lease is not None and demo_store.lease.held
    demo_store.lease.timeout, demo_store.lease.heartbeat = 3, 0.5
    _KEEPER.discard(demo_store.lease)  # this machine went silent (suspended)
    app = RelanceApp(demo_store, _settings(demo_store.path), today=lambda: TODAY, live=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert not app.sub_title.endswith("lecture seule")
        # this machine was silent for an hour: another one took the base over
        HostLease(demo_store.path, agent="paul", hostname="portable-paul", timeout=3,
                  clock=lambda: dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).acquire()
        demo_store.lease.check()
        app.check_lease()
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert any(m.startswith("Une autre machine a pris la main sur la base") and "portable-paul" in m
                   for m in said), said
        assert app.sub_title.endswith("lecture seule")
        app.check_lease()  # said once
        assert sum("pris la main" in str(n.message) for n in app._notifications) == 1
