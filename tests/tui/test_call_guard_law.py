"""The call guard per debtor (issue 13, items 1 and 7): the debtor's country's holidays and local time, a
consumer's lower caps, and overriding the guard for a consumer left to supervisors."""

import datetime as dt
import json

import pytest
from textual.widgets import Input, Label, Static

from relance_tui.store.queries import append_event
from relance_tui.tui.call import CallScreen
from relance_tui.tui.dialogs import GuardScreen
from tests.helpers import FakeClock
from tests.tui.conftest import settle

UTC = dt.timezone.utc
ARMISTICE_1030 = dt.datetime(2026, 11, 11, 9, 30, tzinfo=UTC)  # a public holiday in France and Belgium


def text(screen, selector) -> str:
    return str(screen.query_one(selector, Static).render())


def a_debtor(store, segment: str, country: str) -> int:
    """A demo debtor of this segment with open invoices and the fewest calls lately, moved to this country."""
    debtor = store.db.execute("""
        SELECT d.id FROM debtors d
        WHERE d.segment = ? AND EXISTS (SELECT 1 FROM invoices i WHERE i.debtor_id = d.id AND i.status = 'open'
                                        AND i.amount_cents > i.paid_cents)
        ORDER BY (SELECT COUNT(*) FROM events e WHERE e.debtor_id = d.id AND e.kind = 'call'
                  AND e.at >= '2026-10-24'), d.id LIMIT 1""", [segment]).fetchone()[0]
    store.write(lambda db: db.execute("UPDATE debtors SET country = ? WHERE id = ?", [country, debtor]))
    return debtor


def overrides(store, debtor) -> list[dict]:
    return [json.loads(r[0]) for r in store.db.execute(
        "SELECT data FROM events WHERE outcome = 'call_guard_override' AND debtor_id = ?", [debtor])]


@pytest.mark.parametrize(("country", "instant", "holiday"), [
    # Tuesday 21 July 2026, 10:30 in Brussels and Paris: Belgium's national day, a working day in France
    ("BE", dt.datetime(2026, 7, 21, 8, 30, tzinfo=UTC), "Jour férié : Fête nationale (Belgique)."),
    ("FR", dt.datetime(2026, 7, 21, 8, 30, tzinfo=UTC), None),
    # Tuesday 14 July 2026: France's national day, a working day in Belgium
    ("FR", dt.datetime(2026, 7, 14, 8, 30, tzinfo=UTC), "Jour férié : Fête nationale (France)."),
    ("BE", dt.datetime(2026, 7, 14, 8, 30, tzinfo=UTC), None),
])
async def test_the_guard_uses_the_debtors_country_holidays(make_app, demo_store, country, instant, holiday):
    # the demo's calls run up to November: in July they all fall "within 30 days"; the caps are not tested here
    (demo_store.path.parent / "relance.toml").write_text(
        "[calling]\nmax_calls_30d = 100\nmax_calls_30d_debtor_b2b = 100\n", encoding="utf-8")
    demo_store.clock = FakeClock(instant)
    debtor = a_debtor(demo_store, "b2b", country)
    app = make_app()  # the office is French (no relance.toml): only the debtor's country differs
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_call(debtor)
        await settle(pilot)
        if holiday is None:
            assert isinstance(app.screen, CallScreen) and app.screen.started is not None
        else:
            assert isinstance(app.screen, GuardScreen)
            assert text(app.screen, "#guard-reasons") == f"• {holiday}"


async def test_the_calling_hours_are_the_debtors_local_time(make_app, demo_store):
    # 18:30 UTC on Friday 20 November 2026 is 19:30 in Brussels: within the hours; 19:00 UTC is 20:00, past them
    debtor = a_debtor(demo_store, "b2b", "BE")
    demo_store.clock = FakeClock(dt.datetime(2026, 11, 20, 19, 0, tzinfo=UTC))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_call(debtor)
        await settle(pilot)
        assert isinstance(app.screen, GuardScreen)
        assert "il est 20:00" in text(app.screen, "#guard-reasons")


async def test_a_consumers_third_call_in_30_days_stops_at_the_guard(make_app, demo_store):
    """Three calls to a consumer in 30 days through two numbers: the per-debtor cap, where a business goes on."""
    demo_store.clock = FakeClock(dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
    debtor = a_debtor(demo_store, "b2c", "FR")
    known = demo_store.db.execute("SELECT COUNT(*) FROM events WHERE debtor_id = ? AND kind = 'call' AND "
                                  "direction = 'out' AND at >= '2026-10-24T09:30:00Z'", [debtor]).fetchone()[0]
    for n in range(3 - known):  # to no contact in particular: another number of the household
        demo_store.write(lambda db, n=n: append_event(db, at=f"2026-11-1{n}T10:00:00Z", agent="karim", kind="call",
                                                      debtor_id=debtor, direction="out", outcome="voicemail",
                                                      data={"contact_id": -1}))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_call(debtor)
        await settle(pilot)
        assert isinstance(app.screen, GuardScreen)
        assert text(app.screen, "#guard-reasons") == (
            "• Déjà 3 appels à ce débiteur en 30 jours, tous contacts confondus (limite 3, particulier).")


async def test_an_agent_cannot_override_the_guard_for_a_consumer(make_app, demo_store):
    demo_store.clock = FakeClock(ARMISTICE_1030)
    debtor = a_debtor(demo_store, "b2c", "FR")
    app = make_app()  # marie, no supervisor in the office's settings
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_call(debtor)
        await settle(pilot)
        guard = app.screen
        assert isinstance(guard, GuardScreen)
        assert "Armistice" in text(guard, "#guard-reasons")
        assert "seul un superviseur peut appeler malgré ces alertes" in text(guard, "#guard-refused")
        assert not guard.query(Input)  # nowhere to type a reason
        await pilot.press(*"le client a insisté", "enter")
        await settle(pilot)
        assert app.screen is guard  # still stopped
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, (GuardScreen, CallScreen))
    assert overrides(demo_store, debtor) == []
    assert demo_store.db.execute("SELECT COUNT(*) FROM claims WHERE debtor_id = ?", [debtor]).fetchone()[0] == 0


async def test_a_supervisor_can_override_the_guard_for_a_consumer(make_app, demo_store):
    (demo_store.path.parent / "relance.toml").write_text('[office]\nsupervisors = ["marie"]\n', encoding="utf-8")
    demo_store.clock = FakeClock(ARMISTICE_1030)
    debtor = a_debtor(demo_store, "b2c", "BE")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_call(debtor)
        await settle(pilot)
        guard = app.screen
        assert isinstance(guard, GuardScreen)
        assert "Jour de l'Armistice (Belgique)" in text(guard, "#guard-reasons")
        assert not guard.query("#guard-refused")
        assert "3 caractères au moins" in str(guard.query(Label)[1].render())  # the rule, said before typing
        await pilot.press(*"ok", "enter")  # too short: refused, and said how short
        await settle(pilot)
        assert app.screen is guard and "Motif trop court (2 caractères sur 3 au moins)" in text(guard, "#guard-error")
        await pilot.press("backspace", "backspace")
        await pilot.press(*"rappel demandé par le client", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen) and app.screen.started is not None
        assert app.screen.guard_override == "rappel demandé par le client"
    assert overrides(demo_store, debtor)[0]["reason"] == "rappel demandé par le client"


async def test_an_agent_still_overrides_the_guard_for_a_business(make_app, demo_store):
    demo_store.clock = FakeClock(ARMISTICE_1030)
    debtor = a_debtor(demo_store, "b2b", "FR")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_call(debtor)
        await settle(pilot)
        assert isinstance(app.screen, GuardScreen) and not app.screen.query("#guard-refused")
        await pilot.press(*"rappel demandé", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CallScreen)
