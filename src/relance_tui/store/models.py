"""Plain dataclasses the store returns; widgets never see database rows."""

from __future__ import annotations

from dataclasses import dataclass


class InvoiceAmounts:
    """What an invoice's amount and what reduced it say, for the dataclasses that carry both."""

    amount_cents: int
    paid_cents: int

    @property
    def is_credit_note(self) -> bool:
        return self.amount_cents < 0

    @property
    def balance_cents(self) -> int:
        """What is still owed on it (negative on a credit note: what is left of it to apply)."""
        return self.amount_cents - self.paid_cents


@dataclass(frozen=True)
class RateRow:
    kind: str
    valid_from: str
    basis_points: int
    source: str
    created_at: str
    created_by: str


@dataclass(frozen=True)
class Event:
    id: int
    at: str
    debtor_id: int | None
    kind: str
    direction: str | None
    outcome: str | None
    agent: str
    duration_s: int | None
    notes: str
    data: str | None


@dataclass(frozen=True)
class Counts:
    debtors: int
    contacts: int
    invoices: int
    open_invoices: int
    payments: int
    events: int
    promises: int
