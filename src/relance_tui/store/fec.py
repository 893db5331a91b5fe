"""FEC imports, on the database side: the customer-account lines of a FEC in TEMP tables.

io/import_fec.py reads the file and decides what the lines mean; the SQL lives here. ``imp_fec``
holds the 411 lines (one row per line, private to this connection, no lock on the shared file);
``imp_fec_marks`` says which journal entries also touch revenue or output VAT (a sale or a credit
note) and which touch a treasury account (a payment), from their other lines.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

STAGING = """
CREATE TEMP TABLE IF NOT EXISTS imp_fec (
    line INTEGER, aux TEXT, auxlib TEXT, journal TEXT, num TEXT, day TEXT, piece TEXT, piece_day TEXT,
    label TEXT, debit INTEGER, credit INTEGER, letter TEXT, datelet TEXT, open INTEGER, after INTEGER,
    own_piece INTEGER NOT NULL DEFAULT 1,  -- its PieceRef names this entry's document alone (see mark_shared_pieces)
    multi_aux INTEGER NOT NULL DEFAULT 0,  -- its entry touches several customer accounts
    note INTEGER NOT NULL DEFAULT 0        -- a credit that comes from a credit note (avoir), not a payment
)
"""
STAGING_MARKS = """
CREATE TEMP TABLE IF NOT EXISTS imp_fec_marks (journal TEXT, num TEXT, sales INTEGER, treasury INTEGER)
"""
LINE_COLUMNS = ("line", "aux", "auxlib", "journal", "num", "day", "piece", "piece_day", "label", "debit", "credit",
                "letter", "datelet", "open", "after")


class FecRow(NamedTuple):
    """A staged 411 line, as the allocation reads it (dated up to --as-of)."""

    line: int
    aux: str
    auxlib: str
    journal: str
    num: str
    day: str
    piece: str  # '' when the file had a placeholder
    piece_day: str | None
    label: str
    debit: int
    credit: int
    letter: str
    datelet: str | None
    open: bool
    own_piece: bool
    multi_aux: bool
    note: bool


def reset_staging(conn: sqlite3.Connection) -> None:
    conn.execute(STAGING)
    conn.execute(STAGING_MARKS)
    conn.execute("DELETE FROM temp.imp_fec")
    conn.execute("DELETE FROM temp.imp_fec_marks")


def drop_staging(conn: sqlite3.Connection) -> None:
    for table in ("imp_fec", "imp_fec_marks", "imp_fec_shared", "imp_fec_losers"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")


def stage_lines(conn: sqlite3.Connection, rows: Iterable[Sequence]) -> None:
    conn.executemany(f"INSERT INTO temp.imp_fec ({', '.join(LINE_COLUMNS)}) "
                     f"VALUES ({', '.join('?' for _ in LINE_COLUMNS)})", rows)


def stage_marks(conn: sqlite3.Connection, rows: Iterable[Sequence]) -> None:
    """(journal, num, sales, treasury) for entries whose other lines say what they are."""
    conn.executemany("INSERT INTO temp.imp_fec_marks VALUES (?, ?, ?, ?)", rows)


def unbalanced_letterings(conn: sqlite3.Connection) -> list[tuple[str, str, int, int, int]]:
    """(aux, letter, first line, debit, credit) of each lettering whose debits and credits differ."""
    return conn.execute(
        "SELECT aux, letter, MIN(line), SUM(debit), SUM(credit) FROM temp.imp_fec WHERE letter <> '' "
        "GROUP BY aux, letter HAVING SUM(debit) <> SUM(credit) ORDER BY MIN(line)").fetchall()


def mark_shared_pieces(conn: sqlite3.Connection) -> None:
    """A PieceRef carried by the debit (or credit) lines of more than one journal entry or customer names
    several documents: the earliest entry (by date, then line) keeps it, the others lose it (own_piece = 0).
    Every staged line counts, those after --as-of too, so a reference keeps its owner as the file grows."""
    conn.execute("DROP TABLE IF EXISTS temp.imp_fec_shared")
    # (entry, customer) differs within a piece when one of its parts does: MIN/MAX, cheaper than DISTINCT
    conn.execute(
        "CREATE TEMP TABLE imp_fec_shared AS SELECT debit > 0 AS side, piece FROM temp.imp_fec "
        "WHERE piece <> '' AND (debit > 0 OR credit > 0) GROUP BY piece, debit > 0 "
        "HAVING MIN(journal) <> MAX(journal) OR MIN(num) <> MAX(num) OR MIN(aux) <> MAX(aux)")
    conn.execute(
        "CREATE TEMP TABLE imp_fec_losers AS SELECT side, piece, journal, num, aux FROM ("
        "SELECT f.debit > 0 AS side, f.piece, f.journal, f.num, f.aux, ROW_NUMBER() OVER ("
        "PARTITION BY f.debit > 0, f.piece ORDER BY MIN(f.day), MIN(f.line)) AS rank "
        "FROM temp.imp_fec f JOIN temp.imp_fec_shared s ON s.piece = f.piece AND s.side = (f.debit > 0) "
        "WHERE f.debit > 0 OR f.credit > 0 GROUP BY f.debit > 0, f.piece, f.journal, f.num, f.aux) WHERE rank > 1")
    if conn.execute("SELECT EXISTS (SELECT 1 FROM temp.imp_fec_losers)").fetchone()[0]:
        conn.execute("CREATE INDEX temp.imp_fec_losers_piece ON imp_fec_losers (piece)")
        conn.execute(
            "UPDATE temp.imp_fec SET own_piece = 0 WHERE piece <> '' AND EXISTS (SELECT 1 FROM temp.imp_fec_losers l "
            "WHERE l.piece = imp_fec.piece AND l.side = (imp_fec.debit > 0) AND l.journal = imp_fec.journal "
            "AND l.num = imp_fec.num AND l.aux = imp_fec.aux)")
    conn.execute("DROP TABLE temp.imp_fec_shared")
    conn.execute("DROP TABLE temp.imp_fec_losers")
    conn.execute("UPDATE temp.imp_fec SET multi_aux = 1 WHERE (journal, num) IN (SELECT journal, num "
                 "FROM temp.imp_fec GROUP BY journal, num HAVING MIN(aux) <> MAX(aux))")


def journals(conn: sqlite3.Connection) -> list[tuple[str, bool]]:
    """(journal, debits customer accounts) for each journal of the staged lines."""
    return [(j, bool(d)) for j, d in conn.execute(
        "SELECT journal, MAX(debit > 0) FROM temp.imp_fec GROUP BY journal ORDER BY journal")]


def mark_credit_notes(conn: sqlite3.Connection, sales_journals: Iterable[str] | None = None) -> None:
    """A credit on a customer account is a credit note when its entry touches revenue or output VAT and no
    treasury account. A file without the other lines of its entries (an extract of the customer ledger)
    cannot say that: then, when its journal is one of ``sales_journals``."""
    if sales_journals is None:
        conn.execute(
            "UPDATE temp.imp_fec SET note = 1 WHERE credit > 0 AND (journal, num) IN (SELECT journal, num "
            "FROM temp.imp_fec_marks GROUP BY journal, num HAVING MAX(sales) = 1 AND MAX(treasury) = 0)")
        return
    names = sorted(set(sales_journals))
    if names:
        conn.execute(f"UPDATE temp.imp_fec SET note = 1 WHERE credit > 0 "
                     f"AND journal IN ({', '.join('?' for _ in names)})", names)


def lines_by_debtor(conn: sqlite3.Connection) -> Iterator[FecRow]:
    """The lines dated up to --as-of, customer after customer, each customer's in date order."""
    for row in conn.execute(
            "SELECT line, aux, auxlib, journal, num, day, piece, piece_day, label, debit, credit, letter, datelet, "
            "open, own_piece, multi_aux, note FROM temp.imp_fec WHERE after = 0 ORDER BY aux, day, line"):
        yield FecRow(*row[:13], bool(row[13]), bool(row[14]), bool(row[15]), bool(row[16]))
