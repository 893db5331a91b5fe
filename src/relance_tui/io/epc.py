"""The EPC QR code ("SEPA credit transfer" QR, European Payments Council EPC069-12, version 002) printed on
letters and statements: a banking app scans it and fills in the office's IBAN, the amount and the reference.

The payload is twelve lines at most, UTF-8: ``BCD``, ``002``, ``1`` (UTF-8), ``SCT``, the BIC (optional in
version 002), the beneficiary's name (70 characters at most), the IBAN, ``EUR`` and the amount (0.01 to
999,999,999.99; left empty above), the purpose (empty), a structured creditor reference or (exclusively) an
unstructured text of 140 characters at most: here the invoice numbers, which a bank statement then shows.
"""

from __future__ import annotations

import io

from relance_tui.domain.text import clean

MAX_AMOUNT_CENTS = 999_999_999_99
NAME_MAX = 70
TEXT_MAX = 140


def epc_payload(*, name: str, iban: str, amount_cents: int, text: str, bic: str = "") -> str:
    """The QR code's content; ``ValueError`` without an IBAN or a name (nothing to pay to)."""
    iban = "".join(iban.split()).upper()
    name = " ".join(clean(name).split())[:NAME_MAX]
    if not iban or not name:
        raise ValueError("un QR code de paiement demande l'IBAN et le nom du cabinet")
    amount = f"EUR{amount_cents // 100}.{amount_cents % 100:02d}" if 1 <= amount_cents <= MAX_AMOUNT_CENTS else ""
    text = " ".join(clean(text).split())[:TEXT_MAX]
    lines = ["BCD", "002", "1", "SCT", "".join(bic.split()).upper(), name, iban, amount, "", "", text]
    return "\n".join(lines).rstrip("\n")


def epc_svg(payload: str) -> str:
    """The QR code as SVG text (segno; error correction M, as EPC069-12 asks)."""
    import segno

    out = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(out, kind="svg", xmldecl=False, border=0)
    return out.getvalue().decode("utf-8")
