"""The language a debtor is written to (issue 16): French, Dutch or English.

Emails and documents follow the debtor's ``language`` column; the screens and the call script stay in French,
the agents' language. An empty column means the debtor's region's: Dutch for a Belgian address in Flanders (a
Flemish debtor gets Dutch), French elsewhere (``debtor_language``).
This module says which languages there are, reads one from what an export writes (``parse_language``), and
writes amounts and dates the way each language writes them.
"""

from __future__ import annotations

import datetime as dt

from relance_tui.domain.law import in_flanders
from relance_tui.domain.money import NBSP
from relance_tui.domain.text import key

LANGUAGES = {"fr": "français", "nl": "néerlandais", "en": "anglais"}
DEFAULT_LANGUAGE = "fr"

# What an accounting export writes in a language column, folded by text.key: ISO 639-1 and -2 codes, a
# locale (Odoo's partner lang "nl_BE", "fr_FR"), the one-letter codes of Belgian packages (F, N, E), the
# language's name in French, Dutch and English.
_NAMES = {
    "fr": ("fr", "fra", "fre", "f", "francais", "french", "frans", "franstalig", "francophone"),
    "nl": ("nl", "nld", "dut", "n", "neerlandais", "nederlands", "dutch", "flamand", "vlaams", "flemish",
           "nederlandstalig", "neerlandophone"),
    "en": ("en", "eng", "e", "anglais", "english", "engels", "engelstalig", "anglophone"),
}
_LOOKUP = {name: code for code, names in _NAMES.items() for name in names}
# Languages an export may name that relance does not write (German is Belgium's third official language):
# said plainly, never read as French.
_OTHERS = {"de": "allemand", "deu": "allemand", "ger": "allemand", "d": "allemand", "allemand": "allemand",
           "deutsch": "allemand", "german": "allemand", "duits": "allemand", "es": "espagnol",
           "espagnol": "espagnol", "spanish": "espagnol", "it": "italien", "italien": "italien",
           "italian": "italien", "lb": "luxembourgeois", "luxembourgeois": "luxembourgeois"}


class UnknownLanguage(ValueError):
    """A language cell relance cannot write to; the message says what it accepts."""


def parse_language(text: str) -> str:
    """The language code ('fr', 'nl', 'en') a cell names; '' for an empty cell (the office's language).

    >>> parse_language("nl_BE"), parse_language("Néerlandais"), parse_language(" E ")
    ('nl', 'nl', 'en')
    """
    folded = key(text)
    if not folded:
        return ""
    # a locale or a region: "nl_BE", "fr-BE", "en GB" -> its language part
    first = folded.split()[0]
    for candidate in (folded, first):
        if candidate in _LOOKUP:
            return _LOOKUP[candidate]
    other = _OTHERS.get(folded) or _OTHERS.get(first)
    accepted = "fr, nl ou en (français, néerlandais, anglais)"
    if other:
        raise UnknownLanguage(f"langue non prise en charge ({text.strip()}, {other}) : les courriers existent en "
                              f"{accepted} ; choisissez l'une d'elles pour ce client")
    raise UnknownLanguage(f"langue inconnue ({text.strip()}) : attendu {accepted}")


def language_of(column: str | None) -> str:
    """The language to write in for a debtor's column value ('' or anything unknown: French)."""
    return column if column in LANGUAGES else DEFAULT_LANGUAGE


def debtor_language(column: str | None, *, country: str | None, postcode: str) -> str:
    """The language a debtor is written to: its column's when an import or an agent set it; else Dutch for a
    Belgian address in Flanders (the region's language: a Flemish debtor gets Dutch), French otherwise (Brussels,
    Wallonia, France: French, which an agent may change on the card)."""
    if column in LANGUAGES:
        return column
    return "nl" if (country or "").upper() == "BE" and in_flanders(postcode) else DEFAULT_LANGUAGE


MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


def long_date(day: dt.date, lang: str = DEFAULT_LANGUAGE) -> str:
    """'1er mars 2027', '1 maart 2027', '1 March 2027'."""
    month = MONTHS[language_of(lang)][day.month - 1]
    first = "1er" if day.day == 1 and language_of(lang) == "fr" else str(day.day)
    return f"{first} {month} {day.year}"


def short_date(day: dt.date | None) -> str:
    """'02/12/2026' in the three languages (day first: Belgium, France and British English alike)."""
    return "" if day is None else f"{day:%d/%m/%Y}"


def percent(bp: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """A yearly rate in basis points: '12,15 %' (French, Dutch), '12.15%' (English)."""
    if language_of(lang) == "en":
        return f"{bp // 100}.{bp % 100:02d}%"
    return f"{bp // 100},{bp % 100:02d}{NBSP}%"
