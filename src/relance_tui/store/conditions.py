"""The SQL conditions that spell domain/vocabulary.py's status sets: the one place store/ writes them.

Every query on "outstanding" invoices reads ``OUTSTANDING_SQL`` (unqualified, so that SQLite matches the
partial index ``invoices_outstanding``, whose WHERE is this condition word for word: migration 0005 wrote
it out, as a migration must, and tests/test_one_home.py checks that the two still agree).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from relance_tui.domain.vocabulary import OUTSTANDING_STATUSES

_CODE = re.compile(r"[a-z_]+")


def codes_sql(codes: Iterable[str]) -> str:
    """``('open', 'paid')``: fixed codes of ours for an SQL ``IN``, never data (refused unless plain codes)."""
    codes = list(codes)
    if not codes or not all(_CODE.fullmatch(c) for c in codes):
        raise ValueError(f"not a list of codes: {codes!r}")
    return "(" + ", ".join(f"'{c}'" for c in codes) + ")"


# Host parameters per statement: under SQLite's default limit (999 before 3.32) with room for a few more
IN_CHUNK = 900


def in_chunks(values: Iterable, size: int = IN_CHUNK) -> Iterator[tuple[list, str]]:
    """``values`` (duplicates dropped, order kept) in slices one statement can take as ``IN (...)``
    parameters, each with its ``?, ?, ...`` marks."""
    values = list(dict.fromkeys(values))
    for start in range(0, len(values), size):
        part = values[start:start + size]
        yield part, ", ".join("?" for _ in part)


# An outstanding status, whatever is left to pay (what doctor counts as open invoices).
OUTSTANDING_STATUS_SQL = f"status IN {codes_sql(OUTSTANDING_STATUSES)}"
# Still chased or still owed (domain/vocabulary.is_outstanding): a contested invoice stays in the balance.
OUTSTANDING_SQL = f"{OUTSTANDING_STATUS_SQL} AND amount_cents > paid_cents"

# Money the debtor paid, on the day it was paid (not a credit note applied; not an amount an export showed paid
# with no date): a payment received, or its reversal (a cheque returned) as a negative amount. What "collected"
# means in the supervisor's figures (store/dashboard.py).
CASH_SQL = "kind = 'payment' AND undated = 0"
# Money received on a day: CASH_SQL without the reversals (what a thank-you follows, store/agenda.py).
RECEIVED_SQL = f"amount_cents > 0 AND {CASH_SQL}"
