"""The folded search text of each debtor, kept in ``debtors.search``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from relance_tui.domain.text import fold

if TYPE_CHECKING:
    from sqlite_utils import Database


def digits(text: str | None) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit())


def search_text(name: str, code: str | None, siren: str | None, contacts: Iterable[tuple[str, str, str, str]],
                enterprise_number: str | None = None) -> str:
    """'garage martin sarl | c00012 | 732829320 | jean dupond 0123456789 j.dupond@x.fr'; a Belgian enterprise
    number as its digits, as the BCE writes it and as the VAT number ('0123456749 0123.456.749
    be0123456749'), so that any of the three typed finds the debtor."""
    bce = digits(enterprise_number)
    parts = [fold(name), (code or "").lower(), siren or "",
             f"{bce} {bce[:4]}.{bce[4:7]}.{bce[7:]} be{bce}" if len(bce) == 10 else bce]
    for cname, phone, phone2, email in contacts:
        parts.append(" ".join(p for p in (fold(cname), digits(phone), digits(phone2), (email or "").lower()) if p))
    return " | ".join(p for p in parts if p)


def refresh_search(db: Database, debtor_ids: Iterable[int] | None = None) -> int:
    """Recompute the search text of these debtors (all when None); returns how many."""
    where, params = "", []
    if debtor_ids is not None:
        ids = sorted(set(debtor_ids))
        if not ids:
            return 0
        db.execute("CREATE TEMP TABLE IF NOT EXISTS search_ids (id INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM temp.search_ids")
        db.conn.executemany("INSERT INTO temp.search_ids (id) VALUES (?)", [(i,) for i in ids])
        where = "WHERE d.id IN (SELECT id FROM temp.search_ids)"
    contacts: dict[int, list[tuple[str, str, str, str]]] = {}
    for debtor_id, cname, phone, phone2, email in db.execute(
        f"SELECT c.debtor_id, c.name, c.phone, c.phone2, c.email FROM contacts c JOIN debtors d ON d.id = c.debtor_id "
        f"{where} ORDER BY c.id", params
    ):
        contacts.setdefault(debtor_id, []).append((cname, phone, phone2, email))
    # the enterprise number came with migration 0009; earlier migrations refresh the search text too
    has_bce = any(c[1] == "enterprise_number" for c in db.execute("PRAGMA table_info(debtors)"))
    rows = db.execute(f"SELECT d.id, d.name, d.code, d.siren, {'d.enterprise_number' if has_bce else 'NULL'} "
                      f"FROM debtors d {where}", params).fetchall()
    db.conn.executemany("UPDATE debtors SET search = ? WHERE id = ?",
                        [(search_text(name, code, siren, contacts.get(i, []), bce), i)
                         for i, name, code, siren, bce in rows])
    return len(rows)
