"""Documents from the debtor card (tui/documents.py, issue 16): d lists them, each shown as text, g makes the
PDF, keeps it beside the base and records it on the timeline."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.tui.conftest import TODAY, office_identity, settle
from tests.tui.test_screens import SIZES


def claimable_debtor(store) -> tuple[int, str]:
    return store.conn.execute(
        "SELECT d.id, d.name FROM debtors d WHERE d.segment = 'b2b' AND EXISTS (SELECT 1 FROM invoices i "
        "WHERE i.debtor_id = d.id AND i.status = 'open' AND i.amount_cents > i.paid_cents AND i.due_date < ?) "
        "ORDER BY d.id LIMIT 1", [TODAY.isoformat()]).fetchone()


async def test_d_on_the_card_previews_each_document_and_g_makes_the_pdf(make_app, demo_store, monkeypatch):
    office_identity(monkeypatch)
    debtor, name = claimable_debtor(demo_store)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_debtor_card(debtor)
        await settle(pilot, rounds=4)
        await pilot.press("d")
        await settle(pilot, rounds=4)
        screen = app.screen
        assert type(screen).__name__ == "DocumentScreen"
        text = str(screen.query_one("#doc-text").render())
        assert text.startswith("Lettre de relance") and f"À : {name}" in text and "Total restant dû : " in text
        assert "\u00a0€ restant dû\n" in text and "restant dus" not in text  # each invoice's line
        await pilot.press("2")
        await settle(pilot, rounds=4)
        text = str(screen.query_one("#doc-text").render())
        assert text.startswith("Mise en demeure") and "Lettre recommandée avec accusé de réception" in text
        assert "Mise en demeure de payer au plus tard le 1er décembre 2026" in text
        await pilot.press("g")
        await settle(pilot, rounds=6)
        said = [str(n.message) for n in app._notifications]
        assert any(m.startswith("Mise en demeure : ") and m.endswith(".pdf") for m in said), said
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "DebtorScreen"
    kept = list((demo_store.path.parent / "documents").glob("*.pdf"))
    assert len(kept) == 1
    data = json.loads(demo_store.conn.execute(
        "SELECT data FROM events WHERE debtor_id = ? AND outcome = 'document'", [debtor]).fetchone()[0])
    assert data["document"] == "formal_notice" and data["sha256"] == hashlib.sha256(kept[0].read_bytes()).hexdigest()


async def test_a_debtor_owing_nothing_gets_a_statement_but_no_letter(make_app, demo_store, monkeypatch):
    office_identity(monkeypatch)
    debtor = demo_store.conn.execute(
        "SELECT d.id FROM debtors d WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.debtor_id = d.id "
        "AND i.status IN ('open', 'disputed', 'litigation') AND i.amount_cents > i.paid_cents) LIMIT 1").fetchone()[0]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_debtor_card(debtor)
        await settle(pilot, rounds=4)
        await pilot.press("d")
        await settle(pilot, rounds=4)
        assert "impossible : " in str(app.screen.query_one("#doc-text").render())
        await pilot.press("g")
        await pilot.pause()
        assert any("Rien à produire" in str(n.message) for n in app._notifications)
        await pilot.press("3")
        await settle(pilot, rounds=4)
        assert "Solde dû : " in str(app.screen.query_one("#doc-text").render())


@pytest.mark.parametrize("size", SIZES)
def test_documents_snapshot(snap_compare, make_app, demo_store, frozen_clock, size, monkeypatch):
    office_identity(monkeypatch)
    debtor, _ = claimable_debtor(demo_store)

    async def run(pilot):
        await settle(pilot)
        pilot.app.open_debtor_card(debtor)
        await settle(pilot, rounds=4)
        await pilot.press("d", "2")
        await settle(pilot, rounds=4)

    assert snap_compare(make_app(), terminal_size=size, run_before=run)


async def test_l_on_the_card_chooses_the_language_the_documents_are_written_in(make_app, demo_store, monkeypatch):
    office_identity(monkeypatch)
    debtor, name = claimable_debtor(demo_store)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_debtor_card(debtor)
        await settle(pilot, rounds=4)
        assert "courriers en français" in str(app.screen.query_one("#identity").render())
        await pilot.press("l")
        await settle(pilot)
        assert type(app.screen).__name__ == "ChoiceScreen"
        await pilot.press("down", "enter")  # from French (current) to Dutch
        await settle(pilot, rounds=4)
        assert type(app.screen).__name__ == "DebtorScreen"
        assert "courriers en néerlandais" in str(app.screen.query_one("#identity").render())
        await pilot.press("d")
        await settle(pilot, rounds=4)
        text = str(app.screen.query_one("#doc-text").render())
        # the agent reads the letter in French, told that it goes out in Dutch; never Dutch figures in French text
        assert text.startswith("(Document en néerlandais : aperçu en français)\n\nLettre de relance")
        assert "Total restant dû : " in text and "\u00a0€\n" in text and "€\u00a0" not in text
        await pilot.press("escape", "l")
        await settle(pilot)
        await pilot.press("escape")  # Escape leaves the language as it is
        await settle(pilot)
    assert demo_store.conn.execute("SELECT language FROM debtors WHERE id = ?", [debtor]).fetchone()[0] == "nl"
    notes = [r[0] for r in demo_store.conn.execute(
        "SELECT notes FROM events WHERE debtor_id = ? AND outcome = 'language'", [debtor])]
    assert notes == ["Langue des courriers : français → néerlandais"]


@pytest.mark.parametrize("size", SIZES)
def test_language_choice_snapshot(snap_compare, make_app, demo_store, frozen_clock, size):
    debtor, _ = claimable_debtor(demo_store)

    async def run(pilot):
        await settle(pilot)
        pilot.app.open_debtor_card(debtor)
        await settle(pilot, rounds=4)
        await pilot.press("l")
        await settle(pilot, rounds=2)

    assert snap_compare(make_app(), terminal_size=size, run_before=run)
