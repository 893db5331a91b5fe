"""Text folding for matching: accents, case, punctuation and spacing ignored."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str | None) -> str:
    """Lowercase, accents removed, runs of spaces collapsed: 'Société  Générale' -> 'societe generale'."""
    if not text:
        return ""
    return _SPACES.sub(" ", strip_accents(text).lower()).strip()


def key(text: str | None) -> str:
    """Letters and digits only, folded: for header names and identifiers ('N° Facture' -> 'n facture')."""
    if not text:
        return ""
    return _NON_ALNUM.sub(" ", strip_accents(text).lower()).strip()


LEGAL_FORMS = frozenset({"sarl", "sas", "sasu", "eurl", "sa", "sci", "snc", "scop", "selarl", "sprl", "srl", "bv",
                         "bvba", "nv", "ets", "etablissements", "eirl", "ei", "ste", "societe"})


@lru_cache(maxsize=65_536)  # an export repeats each debtor's name on every invoice
def name_key(name: str | None) -> str:
    """The key debtors are matched on: folded, punctuation and legal forms dropped.

    'SARL Garage Martin', 'Garage Martin S.A.R.L.' and 'garage  martin' give 'garage martin'.
    """
    words = key((name or "").replace(".", "")).split()
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)
