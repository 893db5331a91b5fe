"""Text folding for matching: accents, case, punctuation and spacing ignored."""

from __future__ import annotations

import re
import unicodedata

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
