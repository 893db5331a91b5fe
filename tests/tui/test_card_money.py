"""The debtor card with the Pilot: what is owed net of credit notes, penalties on invoices paid late, waivers."""

from __future__ import annotations

from textual.widgets import Input

from relance_tui.domain.vocabulary import SENSITIVE_DATA_HINT
from relance_tui.tui.card import DebtorScreen, WaiverScreen, totals_lines
from tests.tui.conftest import settle


def paid_late_debtor(store) -> int:
    """A demo debtor with an invoice paid after its due date (the demo has some)."""
    return store.db.execute(
        "SELECT i.debtor_id FROM invoices i JOIN debtors d ON d.id = i.debtor_id WHERE d.segment = 'b2b' "
        "AND i.status = 'paid' AND i.paid_date > i.due_date AND i.amount_cents > 0 ORDER BY i.id LIMIT 1"
    ).fetchone()[0]


def card_text(screen) -> str:
    return str(screen.query_one("#totals").render())


async def test_supervisor_waives_penalties_of_invoices_paid_late(make_app, demo_store):
    (demo_store.path.parent / "relance.toml").write_text('[office]\nsupervisors = ["marie"]\n', encoding="utf-8")
    debtor = paid_late_debtor(demo_store)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_debtor_card(debtor)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DebtorScreen)
        assert "réglées en retard" in card_text(screen)
        before = screen.card.paid_late_penalty_cents
        assert before and before > 0
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WaiverScreen)
        reason = app.screen.query_one("#waiver-reason", Input)  # a free text: the reason may hold health data
        assert SENSITIVE_DATA_HINT in reason.placeholder
        assert reason.content_region.width >= len(reason.placeholder)  # shown whole, not cut
        await pilot.click("#waiver-all")
        await pilot.click("#waiver-reason")
        await pilot.press(*"ok")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WaiverScreen)  # two characters: refused, the form kept
        assert "3 caractères" in str(app.screen.query_one("#waiver-error").render())
        await pilot.press(*" geste")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        await settle(pilot)
        assert screen.card.paid_late_penalty_cents == 0
        assert "abandonnée" in card_text(screen)
    notes = demo_store.db.execute("SELECT notes, agent FROM events WHERE outcome = 'waiver'").fetchall()
    assert len(notes) == 1 and notes[0][0].endswith(": ok geste") and notes[0][1] == "marie"


async def test_waiving_is_refused_to_an_agent(make_app, demo_store):
    debtor = paid_late_debtor(demo_store)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_debtor_card(debtor)
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, DebtorScreen)
    assert demo_store.db.execute("SELECT COUNT(*) FROM penalty_waivers").fetchone()[0] == 0


def test_totals_say_creditor_and_each_credit_note_applied():
    import datetime as dt

    from relance_tui.store.cards import CardAllocation, CardInvoice, DebtorCard

    d = dt.date(2026, 1, 5)
    inv = CardInvoice(1, "FA-1", d, d, 30000, 30000, "paid", 0, 0, d, credited_cents=30000)
    note = CardInvoice(2, "AV-1", d, d, -45000, -30000, "open", 0, 0, d, credit_for=None)
    card = DebtorCard(7, "BM", "Boulangerie Martin", "company", "b2b", None, None, "", "", "", None, "normal", None,
                      "phone", "", 1, [], [inv, note], [], [], allocations=[CardAllocation("AV-1", "FA-1",
                                                                                           "2026-03-10", 30000)])
    text = "\n".join(str(x) for x in totals_lines(card, d))
    assert "Créditeur : 150,00" in text
    assert "avoir AV-1 imputé sur FA-1 (300,00\u00a0€ au 10/03/2026)" in text


def test_the_total_claimable_today_leaves_out_an_invoice_not_yet_due():
    """'Total exigible' is what may be asked today: an invoice due later is owed but not claimable, said apart."""
    import datetime as dt

    from relance_tui.store.cards import CardInvoice, DebtorCard

    today = dt.date(2026, 12, 3)
    late = CardInvoice(1, "FA-1", dt.date(2026, 10, 1), dt.date(2026, 11, 1), 100_000, 20_000, "open", 32, 4_250,
                       today)
    due_today = CardInvoice(2, "FA-2", dt.date(2026, 11, 3), today, 10_000, 0, "open", 0, 0, today)
    coming = CardInvoice(3, "FA-3", dt.date(2026, 11, 24), dt.date(2026, 12, 24), 50_000, 0, "open", 0, 0, today)
    card = DebtorCard(7, "BM", "Boulangerie Martin", "company", "b2b", None, None, "", "", "", None, "normal", None,
                      "phone", "", 1, [], [late, due_today, coming], [], [])
    text = "\n".join(str(x) for x in totals_lines(card, today))
    # owed: 800 + 100 + 500; claimable: 800 + 100 + 42.50 of penalties
    assert "Reste dû 1\u00a0400,00\u00a0€ (dont à échoir 500,00\u00a0€)" in text
    assert "total exigible 942,50\u00a0€" in text and "3 factures ouvertes" in text
    assert "à échoir" not in "\n".join(str(x) for x in totals_lines(card, dt.date(2026, 12, 24)))
