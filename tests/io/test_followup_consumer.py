"""A follow-up email names the debt in writing: never to a consumer's relative (DOMAIN.md)."""

import dataclasses

from relance_tui.io.callscript import email_refusal
from relance_tui.store.cards import debtor_card
from relance_tui.store.queries import load_rates
from tests.conftest import TODAY


def _card(demo_store):
    debtor = demo_store.db.execute(
        "SELECT d.id FROM debtors d WHERE EXISTS (SELECT 1 FROM contacts c WHERE c.debtor_id = d.id) "
        "ORDER BY d.id LIMIT 1").fetchone()[0]
    return debtor_card(demo_store, debtor, as_of=TODAY, rates=load_rates(demo_store))


def test_no_email_about_a_consumers_debt_to_someone_else(demo_store):
    card = _card(demo_store)
    consumer = dataclasses.replace(card, name="Jean Martin", segment="b2c")
    spouse = dataclasses.replace(card.contacts[0], name="Sophie Martin (épouse)")
    assert "pas le débiteur" in email_refusal(consumer, spouse)
    himself = dataclasses.replace(card.contacts[0], name="M. Martin Jean")
    assert email_refusal(consumer, himself) is None
    # a business: the accounts contact is whom the email is for
    business = dataclasses.replace(card, name="Garage Martin SARL", segment="b2b")
    assert email_refusal(business, spouse) is None
