import datetime as dt

from relance_tui.domain.dates import Bucket, bucket_for
from tests.conftest import TODAY
from tests.tui.conftest import overdue, settle, visible_rows

OUTSTANDING = "status IN ('open', 'disputed', 'litigation') AND amount_cents > paid_cents"


async def test_list_holds_every_outstanding_invoice_oldest_first(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = overdue(app)
        expected = [r[0] for r in demo_store.db.execute(
            f"SELECT id FROM invoices WHERE {OUTSTANDING} ORDER BY due_date, id").fetchall()]
        assert list(table.keys) == expected
        rows = visible_rows(table, 10)
        assert len(rows) == 10  # only what is on screen was fetched
        assert len(table.rows) < len(expected)
        assert rows[0].days_late >= rows[-1].days_late
        assert rows[0].penalty_cents > 0 and rows[0].next_action


async def test_filter_as_you_type_ignores_accents_and_case(make_app, demo_store):
    name, = demo_store.db.execute("SELECT c.name FROM contacts c JOIN invoices i ON i.debtor_id = c.debtor_id "
                                  f"WHERE i.{OUTSTANDING.replace(' AND ', ' AND i.')} AND c.name LIKE '%è%' "
                                  "LIMIT 1").fetchone()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        total = len(overdue(app).keys)
        await pilot.press("slash")
        typed = name.split()[-1].upper().replace("È", "E")
        await pilot.press(*typed)
        await settle(pilot)
        keys = list(overdue(app).keys)
        assert 0 < len(keys) < total
        debtor_ids = {r[0] for r in demo_store.db.execute("SELECT debtor_id FROM contacts WHERE name = ?", [name])}
        assert {overdue(app).rows[k].debtor_id for k in keys if k in overdue(app).rows} & debtor_ids


async def test_filter_by_invoice_number_siren_and_phone(make_app, demo_store):
    number, siren, phone = demo_store.db.execute(
        "SELECT i.number, d.siren, c.phone FROM invoices i JOIN debtors d ON d.id = i.debtor_id "
        "JOIN contacts c ON c.debtor_id = d.id "
        f"WHERE i.{OUTSTANDING.replace(' AND ', ' AND i.')} AND d.siren IS NOT NULL LIMIT 1").fetchone()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        total = len(overdue(app).keys)
        await pilot.press("slash")
        for typed in (number, siren, phone):  # the phone is typed with its spaces
            app.query_one("#filter").value = typed
            await settle(pilot)
            rows = visible_rows(overdue(app), 50)
            assert rows and any(r.number == number for r in rows), typed
            assert len(overdue(app).keys) < total, typed  # the filter kept only what it names


async def test_sort_keys_and_reverse(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("m")  # reste dû, largest first
        await settle(pilot)
        dues = [r.due_cents for r in visible_rows(overdue(app), 15)]
        assert dues == sorted(dues, reverse=True)
        await pilot.press("m")  # again: reversed
        await settle(pilot)
        dues = [r.due_cents for r in visible_rows(overdue(app), 15)]
        assert dues == sorted(dues)
        await pilot.press("d")
        await settle(pilot)
        names = [r.debtor.lower() for r in visible_rows(overdue(app), 15)]
        assert names == sorted(names)
        assert "Débiteur▲" in str(app.query_one("#overdue-header").render())


async def test_bucket_keys_filter_and_clear(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        total = len(overdue(app).keys)
        await pilot.press("5")
        await settle(pilot)
        rows = visible_rows(overdue(app), 30)
        assert rows and all(bucket_for(r.days_late) is Bucket.OVER_90 for r in rows)
        over_90 = len(overdue(app).keys)
        aging = {b.bucket: b.count for b in app.query_one("#overdue-view").buckets}
        assert over_90 == aging[Bucket.OVER_90]
        assert total == sum(aging.values()) and 0 < over_90 < total  # the filter shortened the list
        await pilot.press("1")
        await settle(pilot)
        rows = visible_rows(overdue(app), 30)
        assert rows and all(r.days_late <= 0 for r in rows)  # not an empty list that passes anything
        assert len(overdue(app).keys) == aging[Bucket.NOT_DUE] < total
        await pilot.press("1")  # the same key clears it
        await settle(pilot)
        assert len(overdue(app).keys) == total


async def test_per_debtor_toggle_keeps_the_debtor_under_the_cursor(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        debtor = overdue(app).current_row.debtor_id
        await pilot.press("t")
        await settle(pilot)
        debtors = demo_store.db.execute(f"SELECT COUNT(DISTINCT debtor_id) FROM invoices WHERE {OUTSTANDING}"
                                        ).fetchone()[0]
        assert len(overdue(app).keys) == debtors
        assert overdue(app).current_key == debtor
        row = overdue(app).current_row
        assert "facture" in row.number
        count = demo_store.db.execute(f"SELECT COUNT(*), SUM(amount_cents - paid_cents) FROM invoices "
                                      f"WHERE debtor_id = ? AND {OUTSTANDING}", [debtor]).fetchone()
        assert row.number.startswith(str(count[0])) and row.due_cents == count[1]


async def test_cursor_stays_on_the_same_invoice_when_data_changes(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down")
        key = overdue(app).current_key
        first = overdue(app).keys[0]
        demo_store.write(lambda db: db.execute("UPDATE invoices SET status = 'paid', paid_cents = amount_cents "
                                               "WHERE id = ?", [first]))
        await pilot.press("r")
        await settle(pilot)
        assert overdue(app).current_key == key
        assert first not in overdue(app).keys


async def test_paging_keys(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = overdue(app)
        await pilot.press("pagedown")
        assert table.cursor == table.size.height - 1
        await pilot.press("end")
        assert table.cursor == len(table.keys) - 1
        await settle(pilot)
        assert table.current_row is not None  # fetched on demand
        await pilot.press("home")
        assert table.cursor == 0


async def test_enter_opens_the_debtor_card(make_app, demo_store):
    from relance_tui.tui.card import DebtorScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        row = overdue(app).current_row
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DebtorScreen) and app.screen.debtor_id == row.debtor_id
        assert row.debtor in str(app.screen.query_one("#identity").render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DebtorScreen)


async def test_keys_remapped_from_the_user_config(demo_store, isolated_env):
    from relance_tui.config import load_settings, resolve_paths
    from relance_tui.tui.app import RelanceApp

    (isolated_env / "config.toml").write_text('[keys]\n"overdue.sort_due" = "f9"\n"app.quit" = "x"\n')
    settings = load_settings(resolve_paths(demo_store.path))
    app = RelanceApp(demo_store, settings, today=lambda: TODAY, live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("m")  # no longer bound
        await settle(pilot)
        assert app.query_one("#overdue-view").query_state.sort == "late"
        await pilot.press("f9")
        await settle(pilot)
        assert app.query_one("#overdue-view").query_state.sort == "due"
        await pilot.press("x")
    assert app.return_code == 0


async def test_no_text_field_blinks_once_focused(make_app):
    """Over SSH every blink is terminal traffic: inputs and text areas hold a steady cursor."""
    from textual.widgets import Input

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        field = app.query_one("#filter", Input)
        assert field.has_focus and field.cursor_blink is False
        await pilot.press("escape", "enter", "n")  # the debtor card, then its note form
        await settle(pilot)
        note = app.screen.query_one(Input)
        assert note.has_focus and note.cursor_blink is False


# -- issue 17, items 2 and 3: widths, totals and sort arrows that say what is shown ---------------------------

def test_the_debtor_and_the_amounts_get_their_width_first():
    from relance_tui.tui.overdue import FULL_COLUMNS, columns_for, debtor_min
    from relance_tui.tui.virtual_table import room_left as debtor_room

    for width in range(80, 201, 5):
        cols = columns_for(width)
        keys = [c.key for c in cols]
        assert keys[:2] == ["debtor", "number"] and {"late", "due", "penalties"} <= set(keys), width
        assert debtor_room(cols, width) >= debtor_min(width), (width, debtor_room(cols, width))
        assert keys == [c.key for c in FULL_COLUMNS if c.key in keys]  # dropped, never reordered
    assert debtor_room(columns_for(100), 100) >= 24 and "holder" in [c.key for c in columns_for(100)]
    assert [c.key for c in columns_for(200)] == [c.key for c in FULL_COLUMNS]  # wide: nothing given up


async def test_the_aging_bar_shows_the_overdue_total_apart_at_every_width(make_app, demo_store):
    from relance_tui.domain.money import format_compact

    count, cents = demo_store.db.execute(
        f"SELECT COUNT(*), SUM(amount_cents - paid_cents) FROM invoices WHERE {OUTSTANDING} AND due_date < ?",
        [TODAY.isoformat()]).fetchone()
    not_due = demo_store.db.execute(f"SELECT COUNT(*) FROM invoices WHERE {OUTSTANDING} AND due_date >= ?",
                                    [TODAY.isoformat()]).fetchone()[0]
    assert not_due > 0  # the demo has invoices not due yet: they must stay out of the total
    for size in ((80, 24), (100, 30), (140, 30)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            bar = str(app.query_one("#aging").render())
            assert bar.startswith(f"Échu {count} · {format_compact(cents)}"), (size, bar)
            assert f"1 {'à éch.' if size[0] < 100 else 'à échoir'} {not_due}" in bar and len(bar) <= size[0] - 2


async def test_the_aging_bar_groups_thousands_as_the_status_line_does(make_app, demo_store):
    """'Échu 1 063', as the status line says '1 081 factures' (a no-break space), never 'Échu 1063'."""
    debtor = demo_store.db.execute("SELECT MIN(id) FROM debtors").fetchone()[0]
    stamp = "2026-01-05T09:00:00Z"
    demo_store.db.conn.executemany(  # a thousand more invoices over 90 days late
        "INSERT INTO invoices (debtor_id, number, issue_date, due_date, amount_cents, paid_cents, status, created_at, "
        "updated_at) VALUES (?, ?, '2025-01-05', '2025-02-04', 10000, 0, 'open', ?, ?)",
        [(debtor, f"FX-{k:05d}", stamp, stamp) for k in range(1000)])
    overdue_count, over_90 = demo_store.db.execute(
        f"SELECT COUNT(*), SUM(due_date < ?) FROM invoices WHERE {OUTSTANDING} AND due_date < ?",
        [(TODAY - dt.timedelta(days=90)).isoformat(), TODAY.isoformat()]).fetchone()
    listed = demo_store.db.execute(f"SELECT COUNT(*) FROM invoices WHERE {OUTSTANDING}").fetchone()[0]
    assert 1000 < over_90 < overdue_count < 10_000
    grouped = {n: f"{n // 1000}\u00a0{n % 1000:03d}" for n in (overdue_count, over_90, listed)}
    for size in ((80, 24), (100, 30)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot, rounds=5)
            bar = str(app.query_one("#aging").render())
            status = str(app.query_one("#overdue-status").render())
            assert status.startswith(f"{grouped[listed]} factures"), (size, status)
            assert bar.startswith(f"Échu {grouped[overdue_count]} · "), (size, bar)
            assert f"5 +90{'' if size[0] < 100 else ' j'} {grouped[over_90]}" in bar, (size, bar)
            assert len(bar) <= size[0] - 2, (size, bar)


async def test_sort_arrows_follow_the_order_shown_and_a_new_sort_starts_at_the_top(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        header = str(app.query_one("#overdue-header").render())
        rows = visible_rows(overdue(app), 10)
        assert "Retard▼" in header and rows[0].days_late >= rows[-1].days_late  # the longest delay first
        await pilot.press("j")  # the delay, reversed: the shortest first, shown ▲
        await settle(pilot)
        rows = visible_rows(overdue(app), 10)
        assert "Retard▲" in str(app.query_one("#overdue-header").render())
        assert rows[0].days_late <= rows[-1].days_late
        await pilot.press("down", "down", "down")
        await settle(pilot)
        assert overdue(app).cursor == 3
        await pilot.press("m")
        await settle(pilot)
        assert overdue(app).cursor == 0 and "Reste dû▼" in str(app.query_one("#overdue-header").render())
