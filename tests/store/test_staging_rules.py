"""An import's staging tables and what a full export closes (store/staging.py, store/imports.py), pinned rule by
rule on rows staged by hand: lines and numbers set aside with their raw cells, and --full's guard against a file
that is not the whole export (more than 20 open invoices missing and more than the share allowed)."""

from __future__ import annotations

from relance_tui.domain.text import name_key
from relance_tui.store import Store, staging
from relance_tui.store import imports as st

AT = "2026-11-23T10:00:00+00:00"


def invoice_row(line: int, number: str, amount: int = 10_000, paid: int = 0, debtor: str = "Garage Martin") -> tuple:
    """One staged invoice (staging.INVOICE_COLUMNS), due a month after its issue."""
    nkey = name_key(debtor)
    return (line, number, "", debtor, nkey, "", "", "2026-01-15", "2026-02-14", amount, paid, None, "", "", "", "",
            "", "", "EUR", f"N{nkey}|{number}|{amount}|{paid}", f"{number}\x1f{debtor}\x1f{amount}", f"N{nkey}", "", "", "",
            None, "")


def payment_row(line: int, number: str, amount: int, day: str = "2026-03-01") -> tuple:
    """One staged dated payment (staging.PAYMENT_COLUMNS)."""
    return (line, number, "", "", day, amount, "", "", f"pay\x1f{number}\x1f{amount}", "payment")


def stage(store: Store, invoices: list[tuple], payments: list[tuple] = ()) -> None:
    with staging.staging_transaction(store.conn, "import de test"):
        staging.reset_staging(store.conn)
        staging.stage_invoices(store.conn, invoices)
        staging.stage_payments(store.conn, payments)
        staging.index_staging(store.conn)


def staged_lines(store: Store, table: str) -> list[int]:
    return [r[0] for r in store.conn.execute(f"SELECT line FROM temp.{table} ORDER BY line")]


# -- lines and numbers set aside --------------------------------------------------------------------------------


def test_a_line_set_aside_leaves_both_staging_tables_with_its_raw_cells_for_each(store):
    # one row per payment: line 3 is both an invoice row and its payment
    stage(store, [invoice_row(2, "FA-1"), invoice_row(3, "FA-2")], [payment_row(3, "FA-2", 4_000)])
    out = staging.drop_staged_lines(store.conn, {3: "montant: faux"})
    assert out == [(3, "FA-2\x1fGarage Martin\x1f10000", "montant: faux"), (3, "pay\x1fFA-2\x1f4000", "montant: faux")]
    assert staged_lines(store, "imp_invoices") == [2] and staged_lines(store, "imp_payments") == []


def test_numbers_set_aside_beyond_one_statement_are_all_returned_and_removed(store):
    # 502 numbers asked: two statements of at most 500, each finding rows
    stage(store, [invoice_row(i, f"FA-{i}") for i in range(2, 602)])
    asked = ["FA-2", *(f"X-{i}" for i in range(499)), "FA-502", "FA-102"]
    out = staging.drop_staged_numbers(store.conn, asked)
    assert sorted(out) == [(i, f"FA-{i}\x1fGarage Martin\x1f10000") for i in (2, 102, 502)]
    left = staged_lines(store, "imp_invoices")
    assert len(left) == 597 and not {2, 102, 502} & set(left)


# -- --full: what is missing from a full export was paid, within a share ---------------------------------------


def merge(store: Store, rows: list[tuple], *, full: bool = False, share: float | None = 0.5) -> st.MergeCounts:
    stage(store, rows)
    return store.write(lambda db: st.merge_invoices(db, at=AT, agent="marie", as_of="2026-11-24", file_label="j.csv",
                                                   sha256="0" * 64, default_terms=30, full=full,
                                                   max_full_share=share))


def open_invoices(store: Store) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM invoices WHERE status <> 'paid'").fetchone()[0]


def seed(store: Store, how_many: int) -> list[tuple]:
    rows = [invoice_row(i + 2, f"FA-{i}") for i in range(how_many)]
    assert merge(store, rows).invoices_created == how_many
    return rows


def test_a_full_export_missing_20_invoices_closes_them_whatever_their_share(store):
    rows = seed(store, 30)
    kept = rows[:9] + [invoice_row(11, "FA-9", paid=10_000)]  # FA-9 paid in this file: one payment more
    c = merge(store, kept, full=True)
    assert c.problems == [] and c.closed_by_full == 20  # 20 of 30: two thirds, but not more than 20
    assert c.payments_created == 21  # FA-9's payment and the 20 closed
    assert open_invoices(store) == 9


def test_a_full_export_missing_21_of_42_closes_them_half_is_not_more_than_half(store):
    rows = seed(store, 42)
    c = merge(store, rows[:21], full=True)
    assert c.problems == [] and c.closed_by_full == 21
    assert open_invoices(store) == 21


def test_a_full_export_missing_21_of_31_is_refused_and_closes_nothing(store):
    rows = seed(store, 30)
    summaries = "SELECT COUNT(*) FROM events WHERE kind = 'import'"
    before = store.conn.execute(summaries).fetchone()[0]
    c = merge(store, [*rows[:9], invoice_row(40, "FA-NEW")], full=True)  # FA-NEW: the 31st open invoice
    assert c.problems == [(0, "--full", "21 des 31 factures ouvertes sont absentes de ce fichier : est-ce bien "
                                       "l'export complet ? Rien n'a été importé. Si c'est voulu, relancez avec "
                                       "--full --allow-mass-close")]
    assert c.closed_by_full == 0 and c.payments_created == 0
    assert open_invoices(store) == 31
    # the merge stops there (the caller rolls back): no summary of the import, its events not counted
    assert store.conn.execute(summaries).fetchone()[0] == before
    assert c.events == 0


def test_a_full_export_allowed_to_close_en_masse_closes_every_missing_invoice(store):
    rows = seed(store, 25)
    c = merge(store, rows[:1], full=True, share=None)  # --allow-mass-close
    assert c.problems == [] and c.closed_by_full == 24 and c.payments_created == 24
    assert open_invoices(store) == 1
