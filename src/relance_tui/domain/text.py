"""Untrusted text made safe (``clean``), and text folding for matching: accents, case, punctuation and
spacing ignored."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})

# -- untrusted text -------------------------------------------------------------------------------
# Anything clean() changes. C0 controls (ESC starts a terminal command: OSC 52 writes the clipboard,
# ESC [2J clears the screen; BEL ends an OSC), DEL, C1 controls (U+009B is a one-character CSI, U+009D
# an OSC), the bidi embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069 and the bidi
# marks U+200E, U+200F, U+061C (invisible, they reorder what is shown around them: an amount, an
# invoice number), the line and paragraph separators, and lone surrogates (no encoding can write them).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
                     "\ud800-\udfff]")
# What ends a line (as str.splitlines sees it): kept as LF in multi-line text, a space in one-line text.
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Everything else that is unsafe is dropped (the tab, U+0009, becomes a space).
_DROPPED = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e"
                      "\u2066-\u2069\ud800-\udfff]")


def clean(text: str | None, *, multiline: bool = False) -> str:
    r"""Untrusted text (an import, a form, a setting) without what could command a terminal or disguise it.

    Control characters (C0, DEL, C1), bidi overrides, embeddings, isolates and marks are removed; a tab
    becomes a space; a line break (CR LF, CR, LF and the other breaks of ``str.splitlines``) becomes a
    space, or "\n" when ``multiline`` (an address or a note kept on several lines). Everything else is
    kept as it is: letters of any script, combining accents, zero-width joiners, emoji, brackets.
    Unchanged text is returned as is, found in one pass (every character clean() changes is in a
    category ``str.isprintable`` refuses): cheap enough for every field of an import.
    """
    if not text:
        return ""
    if text.isprintable() or _UNSAFE.search(text) is None:
        return text
    text = _DROPPED.sub("", text).replace("\t", " ")
    return _LINE_BREAK.sub("\n" if multiline else " ", text)



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


# -- French counts and decimals -------------------------------------------------------------------
def number(n: int) -> str:
    """A whole number as counts are shown in French: '1 935', the thousands set apart by a no-break space (never
    split over two lines), as in ``count`` and the amounts (domain/money.py)."""
    return f"{n:,}".replace(",", "\u00a0")


def count(n: int, singular: str, plural: str | None = None) -> str:
    """A count and its noun, in French: '0 facture', '1 facture', '2 factures', '1 234 débiteurs' (the plural
    from 2; thousands set apart by a no-break space). ``plural``: when it is not ``singular`` + 's'
    ('1 facture ouverte', '3 factures ouvertes': give the whole phrase)."""
    return f"{number(n)} {agreed(n, singular, plural)}"


def agreed(n: int, singular: str, plural: str | None = None) -> str:
    """The words agreeing with a count, without it: 'créé' for 0 or 1, 'créés' from 2 (``count``'s rule)."""
    return singular if abs(n) < 2 else (plural or _plural_words(singular))


def _plural_words(phrase: str) -> str:
    """'facture' -> 'factures', 'facture ouverte' -> 'factures ouvertes' (each word takes an s, unless it ends
    in s, x or z: 'débiteur' -> 'débiteurs', 'prix' stays); a phrase with a little word ('de', 'à'...) needs
    its plural given."""
    return " ".join(w if w[-1:] in ("s", "x", "z") else w + "s" for w in phrase.split(" "))


def decimal(value: float, digits: int = 1) -> str:
    """A number in French: '1,1', '12,50' (a comma, never a point, in text)."""
    return f"{value:.{digits}f}".replace(".", ",")
