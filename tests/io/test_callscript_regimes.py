"""The call script per regime (issue 13, item 7): what each of the four segments may be told, and identity first.

A French business owes L441-10 penalties and the 40 EUR indemnity "de plein droit"; a Belgian business owes
interest and the 40 EUR under the law of 2 August 2002 (art. 5-6); a French consumer owes neither, and legal
interest only from a formal notice; a Belgian consumer owes nothing for 14 days after a free first reminder
(CDE book XIX). The court step is the regime's. Nobody hears of the debt before saying who they are.
"""

import re

import pytest

from relance_tui.config import OfficeSettings
from relance_tui.domain.law import regime_for
from relance_tui.domain.money import format_cents
from relance_tui.io.callscript import call_context, load_script, pick_contact
from relance_tui.io.templates import Templates
from relance_tui.store.cards import debtor_card
from relance_tui.store.queries import load_rates
from tests.conftest import TODAY

REGIMES = [("FR", "b2b"), ("FR", "b2c"), ("BE", "b2b"), ("BE", "b2c")]
IDENTITY = "Je parle bien à"


@pytest.fixture
def debtor(demo_store):
    """A debtor with open invoices and a contact."""
    return demo_store.db.execute("""
        SELECT d.id FROM debtors d
        WHERE EXISTS (SELECT 1 FROM invoices i WHERE i.debtor_id = d.id AND i.status = 'open'
                      AND i.amount_cents > i.paid_cents AND i.due_date < '2026-10-01')
          AND EXISTS (SELECT 1 FROM contacts c WHERE c.debtor_id = d.id)
        ORDER BY d.id LIMIT 1""").fetchone()[0]


def script(demo_store, debtor, country, segment, **overrides):
    demo_store.write(lambda db: db.execute("UPDATE debtors SET country = ?, segment = ? WHERE id = ?",
                                           [country, segment, debtor]))
    card = debtor_card(demo_store, debtor, as_of=TODAY, rates=load_rates(demo_store))
    context = call_context(card, agent="Marie Dubois", today=TODAY, contact=pick_contact(card),
                           office=OfficeSettings(name="Acme SARL", phone="01 23 45 67 89", country=country))
    context.update(overrides)
    phases, objections, problems = load_script(Templates(None), context)
    assert problems == []
    return context, {p.code: p for p in phases}, {o.code: o for o in objections}


def debt_details(context) -> list[str]:
    """What names the debt: invoice numbers, amounts (with or without the euro sign)."""
    out = ["€"]
    for i in context["invoices"]:
        out += [i["number"], format_cents(i["due_cents"]).replace("\u00a0€", ""),
                format_cents(i["amount_cents"]).replace("\u00a0€", "")]
    out.append(format_cents(context["total_due"]).replace("\u00a0€", ""))
    return out


@pytest.mark.parametrize(("country", "segment"), REGIMES)
def test_the_regime_reaches_the_templates_as_plain_data(demo_store, debtor, country, segment):
    context, phases, _ = script(demo_store, debtor, country, segment)
    regime = regime_for(country, segment, country)  # an office of the same country
    assert context["regime"] == {"key": regime.key, "label": regime.label, "court_step": regime.court_step,
                                 "country": country, "consumer": segment == "b2c",
                                 "penalties_automatic": segment == "b2b"}
    assert regime.label in phases["prepare"].body


@pytest.mark.parametrize(("country", "segment"), REGIMES)
def test_the_introduction_asks_who_is_speaking_before_any_amount(demo_store, debtor, country, segment):
    context, phases, _ = script(demo_store, debtor, country, segment)
    intro = phases["introduce"]
    body = intro.body
    asked = body.index(IDENTITY)
    before = body[:asked]
    assert not any(d in before for d in debt_details(context)), before
    # the debt comes after the question, and after the step that says to wait for the answer
    oldest = context["oldest"]
    named = body.index(oldest["number"])
    assert asked < body.index("identité confirmée") < named
    assert body.index(format_cents(oldest["due_cents"])) > asked
    # the prompts of this step say so, and name no invoice nor amount either
    for prompt in intro.prompts:
        assert not any(d in prompt.text for d in debt_details(context)), prompt.text
    assert "Identité d'abord" in intro.prompts[0].text


@pytest.mark.parametrize(("country", "segment"), REGIMES)
def test_the_wrong_person_answer_names_nothing_of_the_debt(demo_store, debtor, country, segment):
    context, _, objections = script(demo_store, debtor, country, segment)
    wrong = objections["wrong_person"]
    said = " ".join([*wrong.answers, wrong.action_label])
    assert not any(d in said for d in debt_details(context)), said
    assert not re.search(r"\d+,\d\d", said)  # no amount of any kind
    if segment == "b2c":  # one person: when to reach them, a name and a number; nobody else pays for them
        assert "Quand puis-je joindre" in said
        assert "Acme SARL" in said and "01 23 45 67 89" in said
        assert not re.search(r"débloquer|règlement|paiement|qui décide|qui s'occupe", said), said
    else:
        assert "qui s'occupe du règlement des factures fournisseurs" in said.lower()


def test_the_consumer_preparation_does_not_look_for_someone_else_to_pay(demo_store, debtor):
    for country in ("FR", "BE"):
        context, phases, _ = script(demo_store, debtor, country, "b2c")
        assert "débloquer" not in phases["prepare"].body
        assert "en personne" in phases["prepare"].body
    context, phases, _ = script(demo_store, debtor, "FR", "b2b")
    assert "en personne" not in phases["prepare"].body


@pytest.mark.parametrize(("country", "segment", "court", "others"), [
    ("FR", "b2b", "injonction de payer", ("juge de paix", "1394/20")),
    ("FR", "b2c", "injonction de payer", ("juge de paix", "1394/20")),
    ("BE", "b2b", "recouvrement de dettes non contestées (art. 1394/20 C. jud.)", ("injonction", "juge de paix")),
    ("BE", "b2c", "citation devant le juge de paix", ("injonction", "1394/20")),
])
def test_the_next_step_named_is_the_regimes_court_step(demo_store, debtor, country, segment, court, others):
    _, phases, _ = script(demo_store, debtor, country, segment)
    negotiate = phases["negotiate"].body
    assert court in negotiate
    assert not any(o in negotiate for o in others)


PENALTIES = 123_45  # what the brief computed; the script quotes it, never another figure


def test_french_business_penalties_are_due_as_of_right(demo_store, debtor):
    _, phases, _ = script(demo_store, debtor, "FR", "b2b", total_penalties=PENALTIES)
    said = phases["negotiate"].body
    assert "123,45\u00a0€ de pénalités de retard et d'indemnité forfaitaire de 40 € par facture, exigibles de " \
           "plein droit, sans relance (C. com. L441-10 et D441-5)" in said
    assert "mise en demeure suivra, puis une injonction de payer" in said


def test_belgian_business_interest_and_indemnity_under_the_law_of_2_august_2002(demo_store, debtor):
    _, phases, _ = script(demo_store, debtor, "BE", "b2b", total_penalties=PENALTIES)
    said = phases["negotiate"].body
    assert "123,45\u00a0€ d'intérêts de retard et d'indemnité forfaitaire de 40 € par facture, dus de plein " \
           "droit, sans mise en demeure (loi du 2 août 2002, art. 5 et 6)" in said
    assert "L441-10" not in said and "exigibles" not in said


@pytest.mark.parametrize("penalties", [0, PENALTIES])
def test_a_french_consumer_hears_of_no_penalty_and_of_the_formal_notice(demo_store, debtor, penalties):
    _, phases, _ = script(demo_store, debtor, "FR", "b2c", total_penalties=penalties)
    said = phases["negotiate"].body
    assert "plein droit" not in said and "40 €" not in said and "L441-10" not in said
    assert not re.search(r"\d\u00a0€ de pénalités", said)
    assert "vous recevrez une mise en demeure par lettre recommandée" in said
    if penalties:
        assert "123,45\u00a0€ d'intérêts au taux légal, qui courent depuis la mise en demeure" in said
    else:  # before a formal notice no interest runs: none is announced
        assert "intérêts au taux légal" not in said
        assert "Pas d'intérêts non plus tant qu'il n'a pas reçu de mise en demeure" in said


@pytest.mark.parametrize("penalties", [0, PENALTIES])
def test_a_belgian_consumer_hears_of_the_free_reminder_and_no_uncomputed_cost(demo_store, debtor, penalties):
    context, phases, _ = script(demo_store, debtor, "BE", "b2c", total_penalties=penalties)
    said = phases["negotiate"].body
    assert "plein droit" not in said and "40 €" not in said and "L441-10" not in said
    # the only figures said are the ones computed: the balance, and the indemnity and interest if any
    amounts = set(re.findall(r"\d[\d\u202f\u00a0 .]*,\d\d\u00a0€", said))
    expected = {format_cents(context["total_due"])} | ({format_cents(penalties)} if penalties else set())
    assert amounts == expected, amounts
    if penalties:
        assert "d'indemnité et d'intérêts, dans les plafonds du Code de droit économique (livre XIX)" in said
    else:
        assert "14 jours qui suivent le premier rappel, gratuit (CDE livre XIX)" in said
