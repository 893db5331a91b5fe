"""store/conditions.in_chunks: the one way store/ reads rows for a list of ids longer than SQLite takes."""

from __future__ import annotations

import sqlite3

from relance_tui.store.conditions import IN_CHUNK, in_chunks


def test_slices_keep_order_drop_duplicates_and_carry_their_marks() -> None:
    assert list(in_chunks([3, 1, 3, 2, 1], size=2)) == [([3, 1], "?, ?"), ([2], "?")]
    assert list(in_chunks([])) == []
    assert list(in_chunks(iter(["a"]))) == [(["a"], "?")]


def test_every_slice_fits_one_statement_and_together_they_find_every_row() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(5000)])
    ids = list(range(0, 5000, 2)) + [0, 2]  # 2,500 ids and two repeated: three statements
    found = []
    slices = 0
    for part, marks in in_chunks(ids):
        assert len(part) <= IN_CHUNK < 999
        found += [r[0] for r in conn.execute(f"SELECT id FROM t WHERE id IN ({marks})", part)]
        slices += 1
    assert slices == 3 and sorted(found) == list(range(0, 5000, 2))
