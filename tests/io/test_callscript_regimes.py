"""The call script per regime (issue 13, item 7): what each of the four segments may be told, and identity first.

A French business owes L441-10 penalties and the 40 EUR indemnity "de plein droit"; a Belgian business owes
interest and the 40 EUR under the law of 2 August 2002 (art. 5-6); a French consumer owes neither, and legal
interest only from a formal notice; a Belgian consumer owes nothing for 14 days after a free first reminder
(CDE book XIX). The court step is the regime's. Nobody hears of the debt before saying who they are.
"""

import datetime as dt
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
# the figure as final (every rate entered: the demo's second half of 2026 has no ECB rate) and no notice sent
SETTLED = {"penalties_unconfirmed": False, "formal_notice": None}


def test_french_business_penalties_are_due_as_of_right(demo_store, debtor):
    _, phases, _ = script(demo_store, debtor, "FR", "b2b", total_penalties=PENALTIES, **SETTLED)
    said = phases["negotiate"].body
    assert "123,45\u00a0€ de pénalités de retard et d'indemnité forfaitaire de 40 € par facture, exigibles de " \
           "plein droit, sans relance (C. com. L441-10 et D441-5)" in said
    assert "mise en demeure suivra, puis une injonction de payer" in said


def test_belgian_business_interest_and_indemnity_under_the_law_of_2_august_2002(demo_store, debtor):
    _, phases, _ = script(demo_store, debtor, "BE", "b2b", total_penalties=PENALTIES, **SETTLED)
    said = phases["negotiate"].body
    assert "123,45\u00a0€ d'intérêts de retard et d'indemnité forfaitaire de 40 € par facture, dus de plein " \
           "droit, sans mise en demeure (loi du 2 août 2002, art. 5 et 6)" in said
    assert "L441-10" not in said and "exigibles" not in said


@pytest.mark.parametrize("penalties", [0, PENALTIES])
def test_a_french_consumer_hears_of_no_penalty_and_of_the_formal_notice(demo_store, debtor, penalties):
    _, phases, _ = script(demo_store, debtor, "FR", "b2c", total_penalties=penalties, **SETTLED)
    said = phases["negotiate"].body
    assert "plein droit" not in said and "40 €" not in said and "L441-10" not in said
    assert not re.search(r"\d\u00a0€ de pénalités", said)
    assert "vous recevrez une mise en demeure par lettre recommandée" in said
    if penalties:
        assert "123,45\u00a0€ d'intérêts au taux légal, qui courent depuis la mise en demeure" in said
    else:  # before a formal notice no interest runs: none is announced
        assert "intérêts au taux légal" not in said
        assert "Pas d'intérêts non plus tant qu'il n'a pas reçu de mise en demeure" in said


@pytest.mark.parametrize(("penalties", "clause"), [(0, False), (PENALTIES, False), (PENALTIES, True)])
def test_a_belgian_consumer_hears_of_the_free_reminder_and_no_uncomputed_cost(demo_store, debtor, penalties, clause):
    # clause: our terms of sale hold a damage clause, the only ground for an indemnity (CDE XIX.4 caps it)
    context, phases, _ = script(demo_store, debtor, "BE", "b2c", total_penalties=penalties, be_damage_clause=clause,
                                **SETTLED)
    said = phases["negotiate"].body
    assert "plein droit" not in said and "40 €" not in said and "L441-10" not in said
    # the only figures said are the ones computed: the balance, and the indemnity and interest if any
    amounts = set(re.findall(r"\d[\d\u202f\u00a0 .]*,\d\d\u00a0€", said))
    expected = {format_cents(context["total_due"])} | ({format_cents(penalties)} if penalties else set())
    assert amounts == expected, amounts
    if penalties and clause:
        assert "123,45\u00a0€ d'indemnité et d'intérêts, dans les plafonds du Code de droit économique " \
               "(livre XIX)" in said
    elif penalties:  # no damage clause: interest only
        assert "123,45\u00a0€ d'intérêts, dans les plafonds du Code de droit économique (livre XIX)" in said
        assert "indemnité" not in said
    else:
        assert "14 jours qui suivent le premier rappel, gratuit (CDE livre XIX)" in said


# -- a consumer's contact who is not the debtor (review of issue 13, item 7) ----------------------------------
# DOMAIN.md: "Name the debt only to the debtor or someone entitled to speak for it". The identity asked is the
# debtor's, whoever is on the card as the contact; the script says plainly when the contact is someone else.

NOT_THE_DEBTOR = ("Le contact n'est pas le débiteur : ne parlez de la dette qu'au débiteur lui-même ou à une "
                  "personne qu'il a mandatée")


def name_people(demo_store, debtor, debtor_name, contact_name):
    """The debtor's name, and that of the contact the call goes to (pick_contact: releasers first)."""
    def write(db):
        db.execute("UPDATE debtors SET name = ? WHERE id = ?", [debtor_name, debtor])
        db.execute("UPDATE contacts SET name = ? WHERE id = (SELECT id FROM contacts WHERE debtor_id = ? "
                   "ORDER BY can_release_payment DESC, id LIMIT 1)", [contact_name, debtor])
    demo_store.write(write)


@pytest.mark.parametrize("country", ["FR", "BE"])
def test_a_consumer_is_asked_for_by_name_when_the_contact_is_a_relative(demo_store, debtor, country):
    name_people(demo_store, debtor, "Jean Martin", "Sophie Martin (épouse)")
    context, phases, objections = script(demo_store, debtor, country, "b2c")
    assert context["contact"]["name"] == "Sophie Martin (épouse)"
    intro = phases["introduce"].body
    assert "« Je parle bien à Jean Martin en personne ? »" in intro
    assert "Je parle bien à Sophie" not in intro
    # the debt comes only once the person said they are the debtor
    assert intro.index("Je parle bien à Jean Martin") < intro.index("la personne dit être Jean Martin") \
        < intro.index(context["oldest"]["number"])
    prepare = phases["prepare"].body
    assert NOT_THE_DEBTOR in prepare
    assert "Demander : Jean Martin en personne" in prepare
    assert "Sophie Martin (épouse) en personne" not in prepare
    wrong = objections["wrong_person"]
    assert "« Excusez-moi. Quand puis-je joindre Jean Martin ? »" in wrong.answers


@pytest.mark.parametrize("contact_name", ["Jean Martin", "M. Jean MARTIN", "Martin Jean"])
def test_a_consumer_reached_in_person_is_not_warned_about(demo_store, debtor, contact_name):
    name_people(demo_store, debtor, "Jean Martin", contact_name)
    context, phases, _ = script(demo_store, debtor, "FR", "b2c")
    assert context["contact_is_debtor"]
    assert NOT_THE_DEBTOR not in phases["prepare"].body
    assert "« Je parle bien à Jean Martin en personne ? »" in phases["introduce"].body


def test_a_business_is_still_asked_for_the_contact_who_handles_payments(demo_store, debtor):
    name_people(demo_store, debtor, "Martin Bâtiment SARL", "Sophie Martin")
    _, phases, _ = script(demo_store, debtor, "FR", "b2b")
    assert "« Je parle bien à Sophie Martin" in phases["introduce"].body
    assert ", chez Martin Bâtiment SARL ? »" in phases["introduce"].body
    assert NOT_THE_DEBTOR not in phases["prepare"].body


# -- penalties "à confirmer" and penalties unknown -----------------------------------------------------------

def test_penalties_on_a_carried_over_rate_are_said_to_be_provisional(demo_store, debtor):
    # the demo has no ECB rate for the second half of 2026 (TODAY is 23/11/2026): the figure is provisional
    context, phases, _ = script(demo_store, debtor, "FR", "b2b")
    assert context["penalties_unconfirmed"] and context["total_penalties"]
    figure = format_cents(context["total_penalties"])
    assert f"plus {figure} (à confirmer) de pénalités de retard" in phases["negotiate"].body
    prepare = phases["prepare"].body
    assert f"(+ {figure} de pénalités et indemnités, à confirmer)" in prepare
    assert "relance rates set ecb 2026-07-01" in prepare  # what settles it


def undated_payment(demo_store, debtor):
    """A part-payment an export gave without its day: the penalties of that invoice cannot be computed."""
    def write(db):
        inv = db.execute("SELECT id FROM invoices WHERE debtor_id = ? AND status = 'open' AND amount_cents > "
                         "paid_cents + 100 ORDER BY due_date, id LIMIT 1", [debtor]).fetchone()[0]
        db.execute("INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, source, created_at, created_by, "
                   "undated) VALUES (?, ?, '2026-11-20', 100, 'import', '2026-11-20T09:00:00Z', 'marie', 1)",
                   [debtor, inv])
        db.execute("UPDATE invoices SET paid_cents = paid_cents + 100 WHERE id = ?", [inv])
    demo_store.write(write)


@pytest.mark.parametrize(("country", "segment"), REGIMES)
def test_penalties_that_cannot_be_computed_are_never_said_to_be_nil(demo_store, debtor, country, segment):
    undated_payment(demo_store, debtor)
    context, phases, _ = script(demo_store, debtor, country, segment)
    assert context["total_penalties"] is None and context["total_claimable"] is None
    assert "paiement sans date" in context["penalties_unknown"]
    negotiate, prepare = phases["negotiate"].body, phases["prepare"].body
    assert "non calculables pour l'instant : n'en citez aucun montant" in negotiate
    assert "non calculables pour l'instant" in prepare
    assert "paiement sans date" in prepare  # the agent sees why
    for said in (negotiate, prepare):
        assert "Pas d'intérêts" not in said and "?" not in said.replace(" ? »", "")
    # the only figure said in the negotiation is the balance
    amounts = set(re.findall(r"\d[\d\u202f\u00a0 .]*,\d\d\u00a0€", negotiate))
    assert amounts == {format_cents(context["total_due"])}, amounts


# -- what was already sent: a formal notice, a Belgian consumer's free first reminder ---------------------------

def record(demo_store, debtor, kind, day, channel):
    from relance_tui.store.acts import record_act
    return record_act(demo_store, debtor, kind, day, channel, today=TODAY)


def set_regime(demo_store, debtor, country, segment):
    demo_store.write(lambda db: db.execute("UPDATE debtors SET country = ?, segment = ? WHERE id = ?",
                                           [country, segment, debtor]))


def test_a_french_consumer_with_a_formal_notice_hears_that_interest_runs_since_it(demo_store, debtor):
    set_regime(demo_store, debtor, "FR", "b2c")
    # the demo recorded a notice of 26/05/2026 on one invoice; this one covers the others (all due by then)
    record(demo_store, debtor, "formal_notice", dt.date(2026, 11, 2), "registered")
    context, phases, _ = script(demo_store, debtor, "FR", "b2c")
    assert context["formal_notice"]["all"]
    said = phases["negotiate"].body
    assert "recevrez une mise en demeure" not in said and "suivra" not in said
    assert "Nos mises en demeure (du 26/05/2026 au 02/11/2026) : les intérêts au taux légal courent depuis la " \
           "mise en demeure de chaque facture." in said
    assert "« Vous avez reçu nos mises en demeure (du 26/05/2026 au 02/11/2026) ; sans solution de votre part, " \
           "nous demanderons au juge une injonction de payer. »" in said
    assert "Pas d'intérêts" not in said
    assert "Mises en demeure déjà envoyées du 26/05/2026 au 02/11/2026." in phases["prepare"].body


def test_a_french_consumer_without_a_notice_on_every_invoice_is_told_one_will_follow_for_the_others(
        demo_store, debtor):
    set_regime(demo_store, debtor, "FR", "b2c")
    context, phases, _ = script(demo_store, debtor, "FR", "b2c")
    notice = context["formal_notice"]  # the demo's notice of 26/05/2026 on one invoice
    assert notice["day"] == dt.date(2026, 5, 26) and not notice["all"]
    said = phases["negotiate"].body
    assert f"Notre mise en demeure du 26/05/2026 ({notice['invoices'][0]}) : les intérêts au taux légal courent " \
           "depuis cette date." in said
    assert f"vous recevrez une mise en demeure par lettre recommandée pour {', '.join(notice['without'])} ;" in said


def test_a_business_with_a_formal_notice_on_every_invoice_is_not_told_one_will_follow(demo_store, debtor):
    set_regime(demo_store, debtor, "FR", "b2b")
    record(demo_store, debtor, "formal_notice", dt.date(2026, 11, 2), "registered")
    _, phases, _ = script(demo_store, debtor, "FR", "b2b")
    said = phases["negotiate"].body
    assert "une mise en demeure suivra" not in said
    assert "« Vous avez reçu nos mises en demeure (du 26/05/2026 au 02/11/2026) ; sans solution de votre part, " \
           "ce sera une injonction de payer. »" in said


def test_a_belgian_consumer_after_the_14_days_hears_what_may_now_be_charged(demo_store, debtor):
    set_regime(demo_store, debtor, "BE", "b2c")
    # an email on 01/11/2026: the 14 days run from 02/11 to 15/11 (CDE XIX.2 §1); TODAY is 23/11/2026
    record(demo_store, debtor, "first_reminder", dt.date(2026, 11, 1), "email")
    context, phases, _ = script(demo_store, debtor, "BE", "b2c")
    reminder = context["first_reminder"]
    assert (reminder["day"], reminder["grace_end"], reminder["over"], reminder["all"]) == (
        dt.date(2026, 11, 1), dt.date(2026, 11, 15), True, True)
    said = phases["negotiate"].body
    assert "vous recevrez un rappel écrit" not in said and "Rien d'autre n'est dû aujourd'hui" not in said
    assert "Les 14 jours qui suivent le premier rappel gratuit du 01/11/2026 ont pris fin le 15/11/2026 : " in said
    assert "« Sans solution de votre part, ce sera une " in said
    assert "les 14 jours ont pris fin le 15/11/2026, les intérêts peuvent (pas d'indemnité : nos conditions n'en " \
           "prévoient pas) désormais s'ajouter" in phases["prepare"].body


def test_a_belgian_consumer_within_the_14_days_hears_that_nothing_may_be_added_until_they_end(demo_store, debtor):
    set_regime(demo_store, debtor, "BE", "b2c")
    # an email on 20/11/2026: the 14 days run from 21/11 to 04/12/2026
    record(demo_store, debtor, "first_reminder", dt.date(2026, 11, 20), "email")
    context, phases, _ = script(demo_store, debtor, "BE", "b2c")
    assert context["total_penalties"] == 0
    said = phases["negotiate"].body
    assert "vous recevrez un rappel écrit" not in said
    assert "Premier rappel gratuit du 20/11/2026 : rien ne peut s'ajouter (ni frais, ni indemnité, ni intérêts) " \
           "jusqu'au 04/12/2026 inclus" in said
    assert "« Sans solution de votre part d'ici le 04/12/2026, des intérêts pourront s'ajouter" in said


# -- a time-barred invoice --------------------------------------------------------------------------------------

def bar(demo_store, debtor):
    """Make the oldest open invoice of the debtor with no payment five years older (FR business: C. com.
    L110-4): issued 10/01/2021, limitation date 10/01/2026, before TODAY. Returns its number."""
    def write(db):
        inv_id, number = db.execute(
            "SELECT id, number FROM invoices i WHERE debtor_id = ? AND status = 'open' AND paid_cents = 0 "
            "AND amount_cents > 0 AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.invoice_id = i.id) "
            "ORDER BY due_date, id LIMIT 1", [debtor]).fetchone()
        db.execute("UPDATE invoices SET issue_date = '2021-01-10', due_date = '2021-02-09', delivery_date = NULL "
                   "WHERE id = ?", [inv_id])
        return number
    return demo_store.write(write)


def test_a_time_barred_invoice_is_not_claimed_and_the_brief_says_so(demo_store, debtor):
    set_regime(demo_store, debtor, "FR", "b2b")
    card = debtor_card(demo_store, debtor, as_of=TODAY, rates=load_rates(demo_store))
    number = bar(demo_store, debtor)
    barred = next(i for i in card.outstanding if i.number == number)
    owed = card.due_cents - (barred.amount_cents - barred.paid_cents)
    context, phases, _ = script(demo_store, debtor, "FR", "b2b")
    assert context["total_due"] == owed
    assert [i["number"] for i in context["time_barred"]] == [number]
    assert number not in [i["number"] for i in context["invoices"]]
    negotiate, prepare = phases["negotiate"].body, phases["prepare"].body
    assert f"• Dû : {format_cents(owed)}" in negotiate
    assert f"Prescrite, hors du montant demandé : {number}." in negotiate
    assert f"Prescrite, hors du montant demandé : {number} ({format_cents(barred.amount_cents)}, prescrite " \
           "depuis le 11/01/2026)." in prepare
    assert "le client peut encore la régler de lui-même" in prepare


def test_when_every_invoice_is_time_barred_nothing_is_threatened(demo_store, debtor):
    set_regime(demo_store, debtor, "FR", "b2b")

    def write(db):  # every open invoice issued in 2021; its part-payments and acknowledgements of 01/03/2021
        ids = [r[0] for r in db.execute("SELECT id FROM invoices WHERE debtor_id = ? AND status <> 'paid' "
                                        "AND amount_cents > 0", [debtor])]
        for inv_id in ids:
            db.execute("UPDATE invoices SET issue_date = '2021-01-10', due_date = '2021-02-09', delivery_date = NULL "
                       "WHERE id = ?", [inv_id])
            db.execute("UPDATE payments SET day = '2021-03-01' WHERE invoice_id = ?", [inv_id])
            db.execute("UPDATE legal_acts SET day = '2021-03-01' WHERE invoice_id = ? AND kind = 'acknowledgement'",
                       [inv_id])
    demo_store.write(write)
    context, phases, _ = script(demo_store, debtor, "FR", "b2b")
    assert context["invoices"] == [] and context["time_barred"]  # at the latest 01/03/2026 + 5 years: barred
    said = phases["negotiate"].body
    assert context["total_due"] == 0 and "Factures prescrites : rien à exiger" in context["goal"]
    assert "mise en demeure" not in said and "injonction" not in said and "Sans accord" not in said


@pytest.mark.parametrize(("country", "segment"), [("FR", "b2b"), ("BE", "b2b"), ("FR", "b2c"), ("BE", "b2c")])
def test_an_invoice_not_yet_due_is_never_in_the_amount_asked_for(demo_store, debtor, country, segment):
    """'Dû' in the negotiation is what may be asked today; an invoice due later is said apart, not claimed."""
    from tests.store.test_acts import add_invoice

    set_regime(demo_store, debtor, country, segment)
    before, _, _ = script(demo_store, debtor, country, segment)
    add_invoice(demo_store, debtor, "FA-FUTURE", TODAY - dt.timedelta(days=5), TODAY + dt.timedelta(days=25),
                123_456)
    context, phases, _ = script(demo_store, debtor, country, segment)
    assert context["total_due"] == before["total_due"] + 123_456  # owed
    assert context["total_exigible"] == before["total_exigible"] and context["coming_cents"] == 123_456
    if context["total_claimable"] is not None:
        assert context["total_claimable"] == context["total_exigible"] + context["total_penalties"]
    negotiate = phases["negotiate"].body
    assert f"• Dû : {format_cents(context['total_exigible'])} (+ {format_cents(123_456)} à échoir à partir du " \
           f"{TODAY + dt.timedelta(days=25):%d/%m/%Y} : pas encore exigible, ne le réclamez pas)" in negotiate
    assert format_cents(before["total_due"] + 123_456) not in negotiate
