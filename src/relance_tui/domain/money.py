"""Money as integer cents, formatted the French way ("1 234,56 €")."""

from __future__ import annotations

NBSP = "\u00a0"  # no-break space: never splits "1 234" or "56 €" over two lines


def format_cents(cents: int, *, symbol: bool = True, sign: bool = False) -> str:
    """Format integer cents as French money.

    >>> format_cents(123456)
    '1\\xa0234,56\\xa0€'
    """
    if not isinstance(cents, int):
        raise TypeError(f"amounts are integer cents, got {type(cents).__name__}")
    negative = cents < 0
    units, rest = divmod(abs(cents), 100)
    digits = f"{units:,}".replace(",", NBSP)
    text = f"{digits},{rest:02d}"
    if negative:
        text = "-" + text
    elif sign and cents > 0:
        text = "+" + text
    if symbol:
        text += NBSP + "€"
    return text


def format_cents_in(cents: int, lang: str) -> str:
    """An amount as a debtor's language writes it (domain/language.py): '1 234,56 €' (French), '€ 1.234,56'
    (Dutch, as in Belgium and the Netherlands), '€1,234.56' (English)."""
    if lang == "nl":
        text = format_cents(abs(cents), symbol=False).replace(NBSP, ".")
        return f"{'-' if cents < 0 else ''}€{NBSP}{text}"
    if lang == "en":
        if not isinstance(cents, int):
            raise TypeError(f"amounts are integer cents, got {type(cents).__name__}")
        units, rest = divmod(abs(cents), 100)
        return f"{'-' if cents < 0 else ''}€{units:,}.{rest:02d}"
    return format_cents(cents)


def format_money(cents: int | None, *, symbol: bool) -> str:
    """An amount that may be unknown (a penalty whose rate nobody entered): '?' then, else ``format_cents``.

    ``symbol`` is said at each call: a table column of amounts goes without '€' (its header says the
    currency), a sentence or a total carries it.
    """
    return "?" if cents is None else format_cents(cents, symbol=symbol)


def format_compact(cents: int) -> str:
    """An amount in three or four figures, for a summary bar: '9 258 €', '10,6 k€', '1,63 M€'."""
    euros = cents / 100
    if euros >= 1_000_000:
        return f"{euros / 1_000_000:.2f} M€".replace(".", ",")
    if euros >= 10_000:
        return f"{euros / 1_000:.1f} k€".replace(".", ",")
    return format_cents(round(euros) * 100, symbol=False)[:-3] + " €"


def percent_of(cents: int, basis_points: int) -> int:
    """``cents`` x ``basis_points`` / 10 000, rounded half away from zero."""
    return round_half_up(cents * basis_points, 10_000)


def round_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounded half away from zero (what accountants expect)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return q if numerator >= 0 else -q


def format_rate(basis_points: int) -> str:
    """Basis points (hundredths of a percent) as a French percentage: 1215 -> '12,15 %'."""
    whole, frac = divmod(abs(basis_points), 100)
    sign = "-" if basis_points < 0 else ""
    return f"{sign}{whole},{frac:02d}{NBSP}%"


def parse_rate(text: str) -> int:
    """A percentage typed by a person ('2,15', '2.15 %', '12') as basis points.

    Raises ValueError with a message that says what was expected.
    """
    cleaned = text.strip().replace("%", "").replace(NBSP, "").replace(" ", "").replace(",", ".")
    if not cleaned:
        raise ValueError("taux vide : attendu un pourcentage comme 2,15")
    try:
        whole, _, frac = cleaned.partition(".")
        negative = whole.startswith("-")
        whole = whole.lstrip("+-")
        if not (whole or frac) or not (whole or "0").isdigit() or (frac and not frac.isdigit()):
            raise ValueError
        if len(frac) > 2:
            raise ValueError("précision")
        value = int(whole or "0") * 100 + int((frac + "00")[:2])
    except ValueError as exc:
        if str(exc) == "précision":
            raise ValueError(f"taux {text!r} : au plus deux décimales (ex. 2,15)") from None
        raise ValueError(f"taux {text!r} illisible : attendu un pourcentage comme 2,15") from None
    return -value if negative else value
