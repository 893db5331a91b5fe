"""Legal acts from the debtor card (m), and the limitation warnings the card, the list and the brief show."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Select

from relance_tui.store.cards import CardInvoice, DebtorCard
from relance_tui.store.overdue import OverdueRow
from relance_tui.tui.card import ActScreen, DebtorScreen, limitation_lines, limitation_notice
from relance_tui.tui.overdue import late_text, limitation_mark
from tests.conftest import TODAY
from tests.tui.conftest import settle

D = dt.date


def business_debtor(store) -> int:
    """A French business debtor of the demo with an invoice already due and still owed."""
    return store.db.execute(
        "SELECT d.id FROM debtors d WHERE d.segment = 'b2b' AND d.country IN ('FR', '') AND EXISTS (SELECT 1 "
        "FROM invoices i WHERE i.debtor_id = d.id AND i.status = 'open' AND i.amount_cents > i.paid_cents "
        "AND i.due_date < '2026-11-23') ORDER BY d.id LIMIT 1").fetchone()[0]


async def test_an_agent_records_a_formal_notice_then_an_acknowledgement_from_the_card(make_app, demo_store):
    debtor = business_debtor(demo_store)
    due = {r[0] for r in demo_store.db.execute(
        "SELECT id FROM invoices WHERE debtor_id = ? AND status IN ('open', 'disputed', 'litigation') "
        "AND amount_cents > paid_cents AND due_date <= '2026-11-23'", [debtor])}
    before = demo_store.db.execute("SELECT COUNT(*) FROM legal_acts").fetchone()[0]
    app = make_app()
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        app.open_debtor_card(debtor)
        await settle(pilot)
        card_screen = app.screen
        assert isinstance(card_screen, DebtorScreen)
        await pilot.press("m")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActScreen)
        # a French business debtor: no free first reminder on offer; a formal notice, registered, today
        assert [v for _, v in form.query_one("#act-kind", Select)._options] == ["formal_notice", "acknowledgement"]
        assert form.query_one("#act-channel", Select).value == "registered"
        date = form.query_one("#act-date", Input)
        assert date.value == "23/11/2026"
        # a date in the future is refused on the form, which stays as typed
        date.value = "24/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "date dans le futur" in str(form.query_one("#act-error").render())
        date.value = "20/11/2026"
        await pilot.click("#act-detail")
        await pilot.press(*"RAR 1A123")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is card_screen
        rows = demo_store.db.execute(
            "SELECT invoice_id, day, channel, detail, agent FROM legal_acts WHERE debtor_id = ? AND kind = "
            "'formal_notice' AND day = '2026-11-20'", [debtor]).fetchall()
        assert {r[0] for r in rows} == {i for i in due if demo_store.db.execute(
            "SELECT due_date <= '2026-11-20' FROM invoices WHERE id = ?", [i]).fetchone()[0]}
        assert {r[1:] for r in rows} == {("2026-11-20", "registered", "RAR 1A123", "marie")}
        # then an acknowledgement: its form (written promise, payment plan) shows, the channel may stay blank
        await pilot.press("m")
        await pilot.pause()
        form = app.screen
        form.query_one("#act-kind", Select).value = "acknowledgement"
        await pilot.pause()
        assert form.query_one("#act-form", Select).display
        assert form.query_one("#act-channel", Select).value == ""
        form.query_one("#act-form", Select).value = "payment_plan"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is card_screen
        await settle(pilot)
        fa = next(i for i in card_screen.card.outstanding if i.issue_date <= TODAY)
        assert fa.limitation == D(2031, 11, 23)  # 5 years from today's acknowledgement
        assert fa.limitation_reason == "5 ans depuis plan de paiement du 23/11/2026 (interruption)"
        totals = str(card_screen.query_one("#totals").render())
        assert "plan de paiement du 23/11/2026" in totals
    event = demo_store.db.execute("SELECT kind, direction, outcome, notes FROM events WHERE debtor_id = ? "
                                  "ORDER BY id DESC LIMIT 1", [debtor]).fetchone()
    assert event[:3] == ("note", "in", "acknowledgement")
    assert event[3].startswith("Reconnaissance de dette (plan de paiement) du 23/11/2026 : ")
    assert demo_store.db.execute("SELECT COUNT(*) FROM legal_acts").fetchone()[0] > before + len(rows)


async def test_a_belgian_consumer_is_offered_the_free_first_reminder(make_app, demo_store):
    debtor = demo_store.db.execute("SELECT id FROM debtors WHERE segment = 'b2c' AND country = 'BE' "
                                   "ORDER BY id LIMIT 1").fetchone()[0]
    app = make_app()
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        app.open_debtor_card(debtor)
        await settle(pilot)
        assert app.screen.card.outstanding  # the demo's Belgian consumer owes something
        await pilot.press("m")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActScreen)
        kinds = form.query_one("#act-kind", Select)
        assert kinds.value == "first_reminder"
        assert [v for _, v in form.query_one("#act-channel", Select)._options] == ["email", "letter", "registered"]
        kinds.value = "formal_notice"
        await pilot.pause()
        assert [v for _, v in form.query_one("#act-channel", Select)._options] == ["registered", "letter", "hand"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DebtorScreen)


# -- the warnings: 90 and 30 days before -----------------------------------------------------------------
def test_the_marks_at_90_and_30_days():
    day = D(2027, 2, 21)
    assert [limitation_mark(day, day - dt.timedelta(days=n)) for n in (91, 90, 31, 30, 0, -1)] == [
        "", "⚖", "⚖", "⚠", "⚠", "⚠"]
    assert limitation_mark(None, day) == ""
    row = OverdueRow(1, 1, "Garage Dupont", "FA-1", D(2022, 3, 3), 1726, 10_000, 0, "open", None, "", None,
                     limitation=D(2027, 2, 1))
    assert late_text(row, TODAY) == "⚖ 1726"  # 70 days before 01/02/2027


def card_with(*invoices: CardInvoice) -> DebtorCard:
    return DebtorCard(7, "GD", "Garage Dupont", "company", "b2b", None, None, "", "", "", None, "normal", None,
                      "phone", "", 1, [], list(invoices), [], [])


def invoice(number: str, limitation: D, reason: str, status: str = "open") -> CardInvoice:
    d = D(2021, 12, 20)
    return CardInvoice(hash(number) % 1000, number, d, d, 10_000, 0 if status == "open" else 10_000, status, 1000, 0,
                       limitation, limitation_reason=reason)


def test_the_card_and_the_brief_say_the_date_and_why():
    card = card_with(invoice("FA-1", D(2027, 2, 1), "5 ans depuis la facture du 01/02/2022"),
                     invoice("FA-2", D(2026, 12, 20), "5 ans depuis la facture du 20/12/2021"),
                     invoice("FA-3", D(2028, 1, 5), "5 ans depuis la livraison du 05/01/2023"),
                     invoice("FA-0", D(2026, 1, 2), "5 ans depuis la facture du 02/01/2021", status="paid"))
    assert limitation_lines(card, TODAY) == [
        "⚠ Prescription de FA-2 le 20/12/2026 (dans 27 j) : 5 ans depuis la facture du 20/12/2021",
        "⚖ Prescription de FA-1 le 01/02/2027 (dans 70 j) : 5 ans depuis la facture du 01/02/2022"]
    far = card_with(invoice("FA-3", D(2028, 1, 5), "5 ans depuis la livraison du 05/01/2023"),
                    invoice("FA-4", D(2028, 3, 1), "5 ans depuis la facture du 01/03/2023"))
    assert limitation_lines(far, TODAY) == [
        "Prescription la plus proche : FA-3 le 05/01/2028, 5 ans depuis la livraison du 05/01/2023"]
    assert limitation_notice(card, TODAY) == ("Prescription : FA-2 le 20/12/2026 (dans 27 j) ; 1 autre facture "
                                              "dans les 90 j")
    assert limitation_notice(card_with(invoice("FA-3", D(2028, 1, 5), "")), TODAY) is None  # far: no line
    barred = card_with(invoice("FA-9", D(2026, 6, 1), "5 ans depuis la facture du 01/06/2021"))
    assert limitation_notice(barred, TODAY) == "Prescription : FA-9 le 01/06/2026 (prescrite depuis le 02/06/2026)"
