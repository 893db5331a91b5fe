"""Which law a debtor's invoices follow, and the rules that differ between them.

A debtor falls under one of four regimes: (law FR or BE) x (business "b2b" or consumer "b2c"), chosen
by its ``country`` column and its segment (Regulation (EC) 593/2008, "Rome I", absent a choice of law
in the contract):
- a consumer: the law of its habitual residence (Rome I art. 6.1: the professional directs its activity
  to that country), so a Belgian consumer is protected by the CDE livre XIX whoever the creditor is;
- a business: the law of the seller, the office (Rome I art. 4.1.a for a sale of goods, 4.1.b for
  services), which also governs limitation (art. 12.1.d). The issue asked for the debtor's country here;
  a review against Rome I showed it would give a French creditor's Belgian customers ten years of
  limitation where French law (L110-4) gives five, so the office's law governs and the debtor's country
  decides only what is local: its time zone and public holidays for calls, and the court (a debtor in
  another member state is pursued by the European order for payment, Regulation (EC) 1896/2006).
A debtor in another country, or with none, is placed in the office's country.

Everything here is data or a pure function; the store reads the debtor and asks here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from relance_tui.domain.calendar import OfficeCalendar

COUNTRIES = ("FR", "BE")
SEGMENTS = ("b2b", "b2c")


@dataclass(frozen=True)
class Regime:
    country: str  # FR or BE: where the debtor is (its time zone, its public holidays, its court)
    segment: str  # b2b or b2c
    label: str
    timezone: str  # the debtor's local time, for the calling hours
    limitation_years: int
    limitation_basis: str  # the text that sets the period
    court_step: str  # the last step of the dunning plan
    penalties_automatic: bool  # owed from the day after the due date, without any reminder
    law: str = ""  # FR or BE: whose law sets the figures and the limitation ('' = ``country``)

    def __post_init__(self) -> None:
        if not self.law:
            object.__setattr__(self, "law", self.country)

    @property
    def key(self) -> str:
        """The law and the segment: "fr_b2b", "be_b2c"... (the script's wording follows it)."""
        return f"{self.law.lower()}_{self.segment}"

    @property
    def consumer(self) -> bool:
        return self.segment == "b2c"


REGIMES: dict[tuple[str, str], Regime] = {
    ("FR", "b2b"): Regime(
        "FR", "b2b", "professionnel (France)", "Europe/Paris",
        # C. com. L110-4: obligations between traders are time-barred after five years.
        5, "C. com. art. L110-4 (5 ans entre commerçants)",
        "Injonction de payer", True),
    ("FR", "b2c"): Regime(
        "FR", "b2c", "particulier (France)", "Europe/Paris",
        # C. conso L218-2: a professional's action for goods or services sold to a consumer: two years.
        2, "C. conso. art. L218-2 (2 ans contre un consommateur)",
        "Injonction de payer", False),
    ("BE", "b2b"): Regime(
        "BE", "b2b", "entreprise (Belgique)", "Europe/Brussels",
        # Old Civil Code art. 2262bis §1 (still in force: the new Civil Code has no book on limitation
        # yet): personal actions are time-barred after ten years.
        10, "C. civ. (ancien) art. 2262bis §1 (10 ans)",
        # Judicial Code art. 1394/20 ff. (law of 19 October 2015): uncontested money debts between
        # enterprises registered at the BCE, recovered through a bailiff without a judge.
        "Recouvrement de dettes non contestées (art. 1394/20 C. jud.)", True),
    ("BE", "b2c"): Regime(
        "BE", "b2c", "consommateur (Belgique)", "Europe/Brussels",
        # Old Civil Code art. 2272 al. 2: a trader's action for goods sold to private persons is
        # time-barred after one year. Services to a consumer may run ten years (art. 2262bis), but the
        # shorter period is the one that must never be missed, so relance warns against it.
        1, "C. civ. (ancien) art. 2272 al. 2 (1 an, marchandises vendues à un particulier)",
        # The procedure of art. 1394/20 Judicial Code is open only between enterprises registered at
        # the BCE ("les particuliers ne peuvent invoquer cette procédure"); against a consumer the
        # creditor summons before the justice of the peace (Judicial Code art. 590: up to 5,000 EUR).
        "Citation devant le juge de paix", False),
}


# Overseas departments and regions have ISO codes of their own but are France: the Code de commerce and
# the Code de la consommation apply there in full (Constitution art. 73, "identité législative").
FRENCH_OVERSEAS = {"GP": "FR", "MQ": "FR", "GF": "FR", "RE": "FR", "YT": "FR"}


# Another member state: a debtor there is pursued by the European order for payment.
EU_MEMBERS = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
CROSS_BORDER_COURT_STEP = "Injonction de payer européenne (règl. CE 1896/2006)"
LAW_NAMES = {"FR": "français", "BE": "belge"}


# The last step as a Dutch or English letter names it (issue 16; French is the Regime's own text). The French
# procedure keeps its French name beside the translation: it is the one the court knows.
COURT_STEP_WORDS = {
    "Injonction de payer": {
        "nl": "betalingsbevel (Franse procedure « injonction de payer »)",
        "en": "order for payment (French « injonction de payer » procedure)"},
    "Recouvrement de dettes non contestées (art. 1394/20 C. jud.)": {
        "nl": "invordering van onbetwiste geldschulden (art. 1394/20 Gerechtelijk Wetboek)",
        "en": "recovery of uncontested debts (Belgian Judicial Code, art. 1394/20)"},
    "Citation devant le juge de paix": {
        "nl": "dagvaarding voor de vrederechter",
        "en": "summons before the justice of the peace"},
    CROSS_BORDER_COURT_STEP: {
        "nl": "Europees betalingsbevel (Verordening (EG) nr. 1896/2006)",
        "en": "European order for payment (Regulation (EC) No 1896/2006)"},
}


def court_step_in(court_step: str, lang: str) -> str:
    """A regime's last step in ``lang`` ('fr', 'nl', 'en'); French, or a step with no translation, as is."""
    return COURT_STEP_WORDS.get(court_step, {}).get(lang, court_step)


def regime_for(country: str | None, segment: str, office_country: str = "FR") -> Regime:
    """The regime of a debtor from its country column and segment (see the module's docstring)."""
    if segment not in SEGMENTS:
        raise ValueError(f"segment {segment!r}: attendu b2b ou b2c")
    office = office_country if office_country in COUNTRIES else "FR"
    code = (country or "").strip().upper()
    code = FRENCH_OVERSEAS.get(code, code)
    place = code if code in COUNTRIES else office
    law = place if segment == "b2c" else office
    regime = REGIMES[(law, segment)]
    if place != law:  # a business in the other country: the office's law, its own country's calendar
        local = REGIMES[(place, segment)]
        regime = replace(regime, country=place, timezone=local.timezone,
                         label=f"{local.label}, droit {LAW_NAMES[law]}")
    if code and code != office and code in EU_MEMBERS:
        regime = replace(regime, court_step=CROSS_BORDER_COURT_STEP)
    return regime


# -- Belgium, consumers: Code de droit économique, livre XIX (in force 1 September 2023) ---------------
BE_CONSUMER_GRACE_DAYS = 14
BE_CONSUMER_POSTED_START_BUSINESS_DAYS = 3
# Later reminders: at most 7.50 EUR plus postage each (CDE art. XIX.4 §2) - for the dunning plan.
BE_LATER_REMINDER_MAX_CENTS = 750
# The damage clause's scale (CDE art. XIX.4 §1): (upper bound of the balance, fixed part, per mille of
# the part above the previous bound); 2,000 EUR in all.
BE_CONSUMER_INDEMNITY_CAP_CENTS = 2_000_00


def be_consumer_indemnity(balance_cents: int) -> int:
    """The most a damage clause may charge a Belgian consumer on a balance (CDE art. XIX.4 §1).

    At most 20 EUR up to 150 EUR; 30 EUR plus 10 % of the part between 150.01 and 500 EUR; 65 EUR plus
    5 % of the part above 500 EUR; never more than 2,000 EUR. Rounded half up to the cent.
    """
    if balance_cents <= 0:
        return 0
    if balance_cents <= 150_00:
        return 20_00
    if balance_cents <= 500_00:
        return 30_00 + (10 * (balance_cents - 150_00) + 50) // 100
    return min(BE_CONSUMER_INDEMNITY_CAP_CENTS, 65_00 + (5 * (balance_cents - 500_00) + 50) // 100)


def be_consumer_grace_end(sent_on: dt.date, channel: str, calendar: OfficeCalendar) -> dt.date:
    """The last day of the 14 days a Belgian consumer has after the free first reminder (CDE XIX.2 §1).

    The period runs "à compter du troisième jour ouvrable qui suit l'envoi du rappel sur papier ou à
    compter du jour qui suit l'envoi du rappel par voie électronique"; it counts 14 calendar days, its
    first day included (the FPS Economy's example: an email sent on 1 October, the period runs from 2 to
    15 October). Nothing may be charged up to and including this day.
    """
    if channel == "email":
        first = sent_on + dt.timedelta(days=1)
    elif channel in ("letter", "registered", "post"):
        first = calendar.add_business_days(sent_on, BE_CONSUMER_POSTED_START_BUSINESS_DAYS)
    else:
        raise ValueError(f"canal du premier rappel {channel!r} : attendu email ou courrier")
    return first + dt.timedelta(days=BE_CONSUMER_GRACE_DAYS - 1)


# -- legal acts: the channels each may go by (store/acts.record_act checks them) ----------------------
# A formal notice must show what it says and that it was received (C. civ. 1344: "une sommation ou un acte
# portant interpellation suffisante"): a registered letter, a letter, or a copy handed over against a
# signature. The Belgian free first reminder goes on paper or electronically (CDE XIX.2 §1), which decides
# when its 14 days start (be_consumer_grace_end). An acknowledgement comes from the debtor, in any form.
ACT_ALLOWED_CHANNELS: dict[str, tuple[str, ...]] = {
    "formal_notice": ("registered", "letter", "hand"),
    "first_reminder": ("email", "letter", "registered"),
    "acknowledgement": ("", "email", "letter", "registered", "hand"),
}


# -- limitation ("prescription") --------------------------------------------------------------------
# Warn this many days before an invoice's limitation date (a list marker, queue priority, the brief).
LIMITATION_WARN_DAYS = (90, 30)


@dataclass(frozen=True)
class Limitation:
    day: dt.date  # the last day to act: the claim is time-barred the day after
    reason: str  # what it counts from, in French: "5 ans depuis la livraison du 03/02/2024"


def limitation(regime: Regime, *, issue_date: dt.date, delivery_date: dt.date | None = None,
               acknowledgements: Iterable[tuple[dt.date, str]] = ()) -> Limitation:
    """When an invoice becomes time-barred, and why.

    The period runs from delivery or performance (Cass. com. 26 Feb 2020 n° 18-25.036; Civ. 1re 19 May
    2021 n° 20-12.520), else from the issue date, which is never after it; never from the due date.
    An acknowledgement of the debt (a written promise, a payment plan, a part-payment: C. civ. 2240;
    old Belgian C. civ. 2248) made before the period ran out interrupts it, and a new period of the same
    length starts (C. civ. 2231). One made after it ran out revives nothing. ``acknowledgements`` are
    (day, what) pairs, ``what`` in French ("paiement partiel").
    """
    years = regime.limitation_years
    if delivery_date is not None:  # before the invoice, or after it (an invoice issued in advance)
        start, what = delivery_date, f"la livraison du {delivery_date:%d/%m/%Y}"
    else:
        start, what = issue_date, f"la facture du {issue_date:%d/%m/%Y}"
    end = _add_years(start, years)
    for day, label in sorted(acknowledgements):
        if start < day <= end:
            start, what, end = day, f"{label} du {day:%d/%m/%Y} (interruption)", _add_years(day, years)
    return Limitation(end, f"{years} an{'s' if years > 1 else ''} depuis {what}")


def limitation_warning(day: dt.date, as_of: dt.date) -> str | None:
    """A short French warning when ``day`` (a limitation date) is near or past; None when far."""
    left = (day - as_of).days
    if left < 0:
        return f"prescrite depuis le {day + dt.timedelta(days=1):%d/%m/%Y}"
    if left <= LIMITATION_WARN_DAYS[-1]:
        return f"prescription dans {left} j ({day:%d/%m/%Y})"
    if left <= LIMITATION_WARN_DAYS[0]:
        return f"prescription le {day:%d/%m/%Y}"
    return None


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February: the period ends on 28 February (C. civ. 2229: last day of the term)
        return day.replace(year=day.year + years, day=28)


# -- keeping personal data (relance purge) ------------------------------------------------------------
# The GDPR lets the office keep a debtor's data as long as it may be needed to bring or defend a legal
# claim (RGPD art. 17.3.e; art. 5.1.e, storage limitation). ``limitation_years`` above is the SHORTEST
# period that may apply, on purpose: a warning must never come late. A deletion must never come early,
# so retention takes the LONGEST period that may apply to the claims against a debtor, with its text.
# (A judgment's enforcement, ten years in France, CPCE L111-4, concerns a debtor that still owes: never
# a candidate for the purge.)
RETENTION: dict[str, tuple[int, str]] = {
    # C. com. L110-4 between traders; C. civ. 2224 for a business that is not a trader: five years both.
    "fr_b2b": (5, "C. com. art. L110-4 et C. civ. art. 2224 (5 ans)"),
    # C. conso L218-2's two years cover the goods and services supplied to the consumer; any other claim
    # against it falls under the general period of C. civ. 2224.
    "fr_b2c": (5, "C. civ. art. 2224 (5 ans ; 2 ans seulement pour les biens et services, C. conso. L218-2)"),
    # Old C. civ. 2262bis §1: personal actions, ten years.
    "be_b2b": (10, "C. civ. (ancien) art. 2262bis §1 (10 ans)"),
    # Old C. civ. 2272 al. 2's one year covers only goods sold to a private person; services and every
    # other claim against a consumer run the ten years of art. 2262bis §1.
    "be_b2c": (10, "C. civ. (ancien) art. 2262bis §1 (10 ans ; 1 an seulement pour des marchandises, art. 2272)"),
}


def retention(regime: Regime) -> tuple[int, str]:
    """The least time a debtor's personal data is kept after its last activity, in years, and the text that
    sets it: the longest limitation period that may apply to it (see RETENTION).

    Both the law ``regime_for`` chose and the law of the debtor's own country count: a choice of law in
    the contract, or a court, may apply the other, and the longer period is the one that must be kept.
    """
    keys = {regime.key, f"{regime.country.lower()}_{regime.segment}"}
    return max(RETENTION[k] for k in keys)


# The language a court reads (the litigation file, issue 16). France: French (ordonnance de Villers-Cotterêts,
# 1539, art. 111). Belgium: the language of the region of the court, which for a debt is the defendant's
# domicile's (C. jud. art. 624, 1°): law of 15 June 1935 on the use of languages in judicial matters, art. 1
# (courts in the Walloon provinces: French), art. 2 (the Flemish ones: Dutch), art. 4 § 1 (Brussels: French
# or Dutch at the claimant's choice for a defendant domiciled there: the debtor's own language is chosen).
# The German-speaking courts (Eupen, art. 2bis) are not served: the file is made in French and needs a
# translation there.
BE_DUTCH_POSTCODES = ((1500, 3999), (8000, 9999))  # Flemish Brabant, Antwerp, Limburg, West and East Flanders
BE_BRUSSELS_POSTCODES = (1000, 1299)


def be_postcode(postcode: str) -> int | None:
    """A Belgian postcode's number (four digits, 'B-9000' too), None when it is not one."""
    digits = "".join(ch for ch in postcode if ch.isdigit())
    return int(digits) if len(digits) == 4 else None


def in_flanders(postcode: str) -> bool:
    """A Belgian address in the Flemish region (by its postcode; Brussels is not)."""
    code = be_postcode(postcode)
    return code is not None and any(lo <= code <= hi for lo, hi in BE_DUTCH_POSTCODES)


def court_language(country: str, postcode: str, debtor_language: str) -> str:
    """The language of the court that would hear a claim against this debtor: 'fr' or 'nl' (``country``: the
    regime's, 'FR' or 'BE'; ``debtor_language``: the one the debtor is written to, '' for French)."""
    if country != "BE":
        return "fr"
    code = be_postcode(postcode)
    if in_flanders(postcode):
        return "nl"
    if code is None or BE_BRUSSELS_POSTCODES[0] <= code <= BE_BRUSSELS_POSTCODES[1]:
        return "nl" if debtor_language == "nl" else "fr"  # Brussels, or no usable postcode: the debtor's
    return "fr"  # the Walloon region (and the German-speaking one, see above)
