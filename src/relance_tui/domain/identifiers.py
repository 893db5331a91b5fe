"""Company identifiers: French SIREN (9 digits) and SIRET (14), Luhn-checked; the Belgian enterprise number
(BCE/KBO, 10 digits, 97-modulus check digits), checked by python-stdnum (``stdnum.be.vat``: the enterprise
number is also the Belgian VAT number without its "BE"). Nothing else imports stdnum: its rules stay here."""

from __future__ import annotations


def luhn_sum(digits: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body + digit`` pass the Luhn check."""
    return str((10 - luhn_sum(body + "0") % 10) % 10)


def normalise_siren(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def siren_valid(text: str) -> bool:
    s = normalise_siren(text)
    return len(s) == 9 and s.isdigit() and luhn_sum(s) % 10 == 0


def siret_valid(text: str) -> bool:
    s = normalise_siren(text)
    if len(s) != 14 or not s.isdigit():
        return False
    # La Poste's establishments (SIREN 356000000) use a different rule: digit sum % 5
    if s.startswith("356000000"):
        return sum(int(c) for c in s) % 5 == 0
    return luhn_sum(s) % 10 == 0


def format_siren(siren: str) -> str:
    s = normalise_siren(siren)
    return f"{s[:3]} {s[3:6]} {s[6:9]}" if len(s) == 9 else siren


# -- Belgium: the enterprise number (numéro d'entreprise BCE / ondernemingsnummer KBO) -------------------
# Ten digits, the first 0 or 1; the last two are 97 - (the first eight mod 97). Written 0123.456.749; the
# VAT number is the same with "BE" in front; older documents give nine digits (a leading 0 implied).
def normalise_bce(text: str) -> str:
    """'BE 0123.456.749', '(0)123456749', '123456749' -> '0123456749' (not checked: see ``bce_valid``)."""
    from stdnum.be import vat  # imported when first needed: most offices never see a Belgian number

    return vat.compact(text or "")


def bce_valid(text: str) -> bool:
    """A Belgian enterprise number, in any usual writing (dots, spaces, a "BE" prefix), with right check digits."""
    from stdnum.be import vat

    return bool(text) and vat.is_valid(text)


def format_bce(number: str) -> str:
    """'0123456749' -> '0123.456.749', the way the BCE/KBO writes it; anything else is returned as is."""
    s = normalise_bce(number)
    return f"{s[:4]}.{s[4:7]}.{s[7:]}" if len(s) == 10 and s.isdigit() else number


def iban_valid(text: str) -> bool:
    """An IBAN in any usual writing (spaces, lower case), with its country's length and right check digits."""
    from stdnum import iban

    return bool(text) and iban.is_valid(text)
