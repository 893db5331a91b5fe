"""French company identifiers: SIREN (9 digits) and SIRET (14), Luhn-checked."""

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
