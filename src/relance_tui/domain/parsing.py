"""Reading the numbers and dates that French accounting exports contain.

Pure functions; each error is a ``ValueError`` whose message says, in French,
what is wrong with the value (the importer adds file, line and field).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# Characters used as thousands separators in the wild.
THOUSANDS_CHARS = {" ": "espace", "\u00a0": "espace insécable", "\u202f": "espace fine insécable",
                   ".": "point", "'": "apostrophe", "\u2019": "apostrophe", ",": "virgule"}
_CURRENCY = re.compile(r"(?i)^\s*(€|eur|euros?)\s*|\s*(€|eur|euros?)\s*$")
_AMOUNT_OK = re.compile(r"^\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class NumberFormat:
    decimal: str  # "," or "."
    thousands: frozenset[str] = frozenset()

    def describe(self) -> str:
        dec = "virgule" if self.decimal == "," else "point"
        if not self.thousands:
            return f"décimales : {dec}, pas de séparateur de milliers"
        names = sorted({THOUSANDS_CHARS[c] for c in self.thousands})
        return f"décimales : {dec}, milliers : {', '.join(names)}"


def parse_amount(text: str, decimal: str = ",") -> int:
    """'1 234,56' -> 123456 cents. Negative as '-12,50', '12,50-' or '(12,50)'."""
    raw = text
    s = text.strip()
    if not s:
        raise ValueError("montant vide")
    # fast path: the shape nearly every row has ("1234,56", "1 234,56", "-12,50")
    if len(s) > 3 and s[-3] == decimal and s[-2:].isdigit():
        whole = s[:-3].replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        sign = 1
        if whole.startswith("-"):
            sign, whole = -1, whole[1:]
        if whole.isdigit() and whole.isascii():
            return sign * (int(whole) * 100 + int(s[-2:]))
    negative = False
    s = _CURRENCY.sub("", s).strip()
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
        s = _CURRENCY.sub("", s).strip()
    if s.startswith("-"):
        negative, s = not negative, s[1:].strip()
    elif s.endswith("-"):
        negative, s = not negative, s[:-1].strip()
    elif s.startswith("+"):
        s = s[1:].strip()
    for ch in (" ", "\u00a0", "\u202f", "'", "\u2019"):
        s = s.replace(ch, "")
    if decimal == ",":
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
    if not _AMOUNT_OK.match(s):
        raise ValueError(f"montant illisible ({raw.strip()})")
    whole, _, frac = s.partition(".")
    if len(frac) > 2:
        if frac[2:].strip("0"):
            raise ValueError(f"montant avec plus de deux décimales ({raw.strip()})")
        frac = frac[:2]
    cents = int(whole) * 100 + int((frac + "00")[:2])
    return -cents if negative else cents


def detect_number_format(values: Iterable[str]) -> NumberFormat:
    """Decide the decimal mark from sample amounts; never a silent coin toss.

    The decimal mark is the last '.' or ',' when one or two digits follow it.
    With no decimals at all in the sample, the French comma is assumed (and
    the detection report says so through ``describe``).
    """
    votes: Counter[str] = Counter()
    thousands: set[str] = set()
    samples = [v.strip() for v in values if v and v.strip()]
    for v in samples:
        m = re.search(r"([.,])(\d{1,2})\)?-?\s*(€|eur)?\s*$", v, re.IGNORECASE)
        if m and not re.search(r"[.,]\d{3}$", v):
            votes[m.group(1)] += 1
    decimal = "," if votes[","] >= votes["."] else "."
    for v in samples:
        body = v
        if decimal in body:
            body = body[: body.rindex(decimal)]
        for ch in THOUSANDS_CHARS:
            if ch != decimal and ch in body.strip("()-+ "):
                thousands.add(ch)
    return NumberFormat(decimal, frozenset(thousands))


DATE_FORMATS = {
    # name: (regex, day, month, year slices or parser), description
    "DD/MM/YYYY": re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"),
    "DD/MM/YY": re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2})$"),
    "DD.MM.YYYY": re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"),
    "DD-MM-YYYY": re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"),
    "YYYY-MM-DD": re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    "YYYYMMDD": re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
}
DATE_LABELS = {"DD/MM/YYYY": "JJ/MM/AAAA", "DD/MM/YY": "JJ/MM/AA", "DD.MM.YYYY": "JJ.MM.AAAA",
               "DD-MM-YYYY": "JJ-MM-AAAA", "YYYY-MM-DD": "AAAA-MM-JJ", "YYYYMMDD": "AAAAMMJJ"}


def parse_date(text: str, fmt: str) -> dt.date:
    """Parse ``text`` in the named format. 31/02/2026 is 'date impossible'."""
    s = text.strip()
    if fmt == "DD/MM/YYYY" and len(s) == 10 and s[2] == "/" and s[5] == "/":  # fast path
        try:
            return dt.date(int(s[6:10]), int(s[3:5]), int(s[0:2]))
        except ValueError:
            if s[:2].isdigit() and s[3:5].isdigit() and s[6:].isdigit():
                raise ValueError(f"date impossible ({s})") from None
    if " " in s:  # '15/03/2026 00:00:00' from spreadsheets
        s = s.split(" ", 1)[0]
    m = DATE_FORMATS[fmt].match(s)
    if not m:
        raise ValueError(f"date illisible, attendu {DATE_LABELS[fmt]} ({text.strip()})")
    a, b, c = (int(g) for g in m.groups())
    if fmt.startswith("YYYY"):
        year, month, day = a, b, c
    else:
        day, month, year = a, b, c
        if fmt == "DD/MM/YY":
            year += 2000 if year < 70 else 1900
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"date impossible ({text.strip()})") from None


def detect_date_format(values: Iterable[str]) -> str | None:
    """The format that reads every non-empty sample value, or None."""
    samples = [v.strip().split(" ", 1)[0] for v in values if v and v.strip()]
    if not samples:
        return None
    for fmt, rx in DATE_FORMATS.items():
        if all(rx.match(v) for v in samples):
            return fmt
    # the format most samples follow; the odd ones become row errors
    best = max(DATE_FORMATS, key=lambda f: sum(1 for v in samples if DATE_FORMATS[f].match(v)))
    return best if any(DATE_FORMATS[best].match(v) for v in samples) else None
