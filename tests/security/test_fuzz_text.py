"""Issue 11, findings 3 and 4, as properties: hostile text through import, every screen and every export.

``clean`` itself is checked with hypothesis on any text. Then 1,000 debtors whose names, contacts,
addresses and invoice numbers are drawn from a hostile alphabet (controls and escape sequences,
brackets and markup, bidi overrides, zero-width and combining characters, emoji, 500-character
strings) are imported from a CSV by the real importer, get notes and promises written as they are (as
an older version would have stored them), and go through every screen and every export: nothing
crashes, no control character reaches the terminal or a file, and every name comes back as
``clean`` leaves it. The data is drawn from a seeded generator (one hypothesis example of 1,000
long strings is beyond its buffer), so that a failure is reproducible.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from relance_tui import cli
from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.text import clean
from relance_tui.io.csvout import neutralise
from relance_tui.io.importer import import_file
from relance_tui.store import open_store
from relance_tui.store.calls import CallReport, Instalment, save_call
from relance_tui.store.queries import append_event
from relance_tui.store.queue import QueueItem
from relance_tui.store.sessions import create_session
from relance_tui.tui.call import CallScreen
from relance_tui.tui.dialogs import ConfirmScreen
from relance_tui.tui.card import DebtorScreen
from relance_tui.tui.plain import line, plain
from relance_tui.tui.virtual_table import VirtualTable, fit
from tests.conftest import TODAY
from tests.helpers import FakeClock
from tests.security.test_hostile_text import TEXTUAL_OWN, UNSAFE, terminal  # noqa: F401 - terminal is a fixture
from tests.tui.conftest import settle

NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone.utc)
COUNT = 1_000

# -- the alphabet -------------------------------------------------------------------------------------
CONTROLS = [chr(c) for c in range(1, 32)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]  # not NUL: a file
BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]  # with one is refused
SEQUENCES = ["\x1b]52;c;SEVMTE8=\x07", "\x1b[2J", "\x1b[?1049l", "\x9b2J", "\x1b]8;;http://x\x1b\\", "\x1b[31m",
             "\x1bP+q\x1b\\", "\x9d0;titre\x9c", "\r\n", "\u2028"]
MARKUP = ["[b]", "[/b]", "[/]", "[@click=app.quit]", "[@click=app.bell]x[/]", "[link=https://x.fr]", "[red on blue]",
          "[", "]", "\\[", "$var", "[i]", "[dim]"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u0301", "\u0308", "\u0327", "\u20dd", "\u0e31"]
EMOJI = ["😀", "👨‍👩‍👧", "🇫🇷", "👍🏽", "❤️", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"]
WORDS = ["Garage", "Martin", "SARL", "Société", "Générale", "Œuvres", "漢字", "مرحبا", "שלום", "Ñandú", "&", "-", "'",
         ";", '"', ",", "=SUM(A1)", "+33", "@x", "|", "  ", "\t"]
TOKENS = CONTROLS + BIDI + SEQUENCES + MARKUP + INVISIBLE + EMOJI + WORDS * 4


def hostile(rng: random.Random, *, longest: int = 40) -> str:
    text = ""
    while len(text) < rng.randint(1, longest):
        text += rng.choice(TOKENS) + (" " if rng.random() < 0.3 else "")
    return text


def names(rng: random.Random) -> list[str]:
    """1,000 names: every 97th is 500 characters long, a few are nothing but controls."""
    out = []
    for i in range(COUNT):
        if i % 97 == 5:
            text = ""
            while len(text) < 500:
                text += hostile(rng)
            out.append(text[:500])
        elif i % 101 == 3:
            out.append("".join(rng.choice(CONTROLS + BIDI) for _ in range(5)))
        else:
            out.append(hostile(rng))
    return out


# -- clean, on any text -----------------------------------------------------------------------------
def allowed(ch: str, multiline: bool) -> bool:
    return not UNSAFE.match(ch) and ch not in "\t\r\u2028\u2029\x85" and (multiline or ch != "\n")


any_text = st.lists(st.one_of(st.characters(codec="utf-8"), st.sampled_from(TOKENS)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_clean_leaves_no_control_and_keeps_everything_else(text):
    for multiline in (False, True):
        cleaned = clean(text, multiline=multiline)
        assert all(allowed(ch, multiline) for ch in cleaned)
        assert clean(cleaned, multiline=multiline) == cleaned  # idempotent
        kept = [ch for ch in text if allowed(ch, True) and ch != "\n"]
        assert [ch for ch in cleaned if ch not in " \n"] == [ch for ch in kept if ch != " "]  # nothing else lost
    assert clean(clean(text, multiline=True)) == clean(text)


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_display_helpers_never_read_markup_nor_pass_a_control(text):
    assert plain(text).plain == clean(text, multiline=True)  # the text, as it is: never markup
    assert line(text) == clean(text)
    assert all(allowed(ch, False) for ch in line(text))


# -- 1,000 hostile debtors, end to end ------------------------------------------------------------------
def write_csv(path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(["N° facture", "Code client", "Client", "Contact", "Téléphone", "Adresse", "Ville",
                      "Date facture", "Échéance", "Montant TTC"])
        out.writerows(rows)


def expected_name(original: str, code: str) -> str:
    return clean(original).strip() or code  # the importer strips a field; no name: the code stands for it


async def test_a_thousand_hostile_names_through_import_screens_and_exports(tmp_path, monkeypatch, terminal,
                                                                           capsys):
    from relance_tui.config import load_settings, resolve_paths
    from relance_tui.tui.app import RelanceApp

    rng = random.Random(11)
    originals = names(rng)
    codes = [f"C{i:04d}" for i in range(COUNT)]
    rows = []
    for i, (name, code) in enumerate(zip(originals, codes, strict=True)):
        rows.append([f"F{i:04d}{hostile(rng, longest=6)}", code, name, hostile(rng), "01 23 45 67 89",
                     hostile(rng), hostile(rng, longest=10), "15/01/2026", f"{15 + i % 10}/02/2026",
                     f"{100 + i},{i % 100:02d}"])
    source = tmp_path / "hostile.csv"
    write_csv(source, rows)

    # the import: every field cleaned where it enters
    db = tmp_path / "office" / "relance.db"
    store = open_store(db, agent="marie", create=True, clock=FakeClock(NOW))
    report = import_file(store, source, as_of=TODAY)
    assert report.valid == COUNT and not report.problems
    by_code = dict(store.db.execute("SELECT code, id FROM debtors").fetchall())
    stored = dict(store.db.execute("SELECT code, name FROM debtors").fetchall())
    for name, code in zip(originals, codes, strict=True):
        assert stored[code] == expected_name(name, code)  # every name intact, but for its controls
    ids = [by_code[c] for c in codes]
    name_of = {by_code[c]: stored[c] for c in codes}
    for table, columns in (("debtors", "name || address || city || search"), ("contacts", "name"),
                           ("invoices", "number")):
        for (text,) in store.db.execute(f"SELECT {columns} FROM {table}"):
            assert UNSAFE.findall(text) == [], table

    # notes and promises stored as they were typed (an older version did not clean them)
    notes = {debtor: hostile(rng) + f" n{n}" for n, debtor in enumerate(ids)}

    def write_notes(db) -> None:  # noqa: ANN001
        for debtor, text in notes.items():
            append_event(db, at=store.now(), agent="marie", kind="note", debtor_id=debtor, notes=text)

    store.write(write_notes)
    promised = ids[::4]
    for debtor in promised:
        save_call(store, CallReport(debtor_id=debtor, outcome="promise", started_at=NOW, duration_s=60,
                                    notes=hostile(rng), instalments=(Instalment(dt.date(2026, 12, 1), 5_000),)),
                  today=TODAY, calendar=OfficeCalendar("FR"))
    create_session(store, hostile(rng) + " session",
                   [QueueItem(d, "", 100, 10, "priority", 1.0) for d in ids])

    # every screen
    settings_ = load_settings(resolve_paths(db))
    app = RelanceApp(store, settings_, today=lambda: TODAY, live=False)
    sample = [ids[i] for i in (0, 5, 3, 102, 500, 999)] + rng.sample(ids, 6)  # long, control-only, any
    contact_of = dict(store.db.execute("SELECT debtor_id, name FROM contacts").fetchall())
    drawn_debtors: set[int] = set()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table = app.query_one("#overdue", VirtualTable)
        assert len(table.keys) == COUNT
        width = table.widths()[0]
        while True:  # the whole list, a screen at a time, as drawn
            await settle(pilot, rounds=2)
            top, height = table.scroll_offset.y, table.size.height
            for y in range(min(height, len(table.keys) - top)):
                row = table.rows[table.keys[top + y]]
                drawn = "".join(s.text for s in table.render_line(y))
                assert drawn.startswith(fit(name_of[row.debtor_id], width))  # the name, never read as markup
                drawn_debtors.add(row.debtor_id)
            if top + height >= len(table.keys):
                break
            await pilot.press("pagedown")
        assert drawn_debtors == set(ids)
        await pilot.press("t")  # per debtor
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        for debtor in sample:  # cards and call briefs: a sample
            app.open_debtor_card(debtor)
            await settle(pilot)
            assert isinstance(app.screen, DebtorScreen)
            assert str(app.screen.query_one("#identity").render()).startswith(name_of[debtor])
            assert line(notes[debtor]) in str(app.screen.query_one("#recent").render())
            await pilot.press("a")
            await settle(pilot)
            assert isinstance(app.screen, CallScreen)
            brief = str(app.screen.query_one("#brief-text").render())
            assert contact_of.get(debtor, "Aucun contact connu") in brief and line(notes[debtor]) in brief
            await pilot.press("escape")
            await settle(pilot)
            if isinstance(app.screen, ConfirmScreen):
                await pilot.press("o")
                await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        for key in ("f3", "pagedown", "pagedown", "end", "enter"):  # the timeline, an entry in full
            await pilot.press(key)
            await settle(pilot)
        assert len(app.query_one("#timeline", VirtualTable).keys) >= 2 * COUNT
        await pilot.press("f4", "end")  # the day's promises
        await settle(pilot)
        assert len(app.query_one("#promises-table", VirtualTable).keys) == len(promised)
        await pilot.press("f5", "enter")  # the session and its queue
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        queue = app.query_one("#session-table", VirtualTable)
        assert len(queue.keys) == COUNT
        last = queue.rows[queue.current_key]["name"]
        assert fit(line(last), 10)[:9].rstrip("…") in queue.render_line(queue.cursor - queue.scroll_offset.y).text
        assert app.return_code is None
    stream = "".join(terminal)
    assert "\x1b]52" not in stream and "\x1b[2J" not in stream and "\x9b" not in stream
    leftover = TEXTUAL_OWN.sub("", stream)
    assert "\x1b" not in leftover and UNSAFE.findall(leftover) == []
    store.close()

    # every export format
    capsys.readouterr()
    outputs = {}
    for what, argv in {"invoices": ["export", "invoices", "--as-of", "2026-11-23"],
                       "invoices excel": ["export", "invoices", "--as-of", "2026-11-23", "--excel"],
                       "promises csv": ["export", "promises", "--date", "2026-11-23"],
                       "promises md": ["export", "promises", "--date", "2026-11-23", "--format", "md"]}.items():
        assert cli.main(["--db", str(db), *argv]) == 0, what
        outputs[what] = capsys.readouterr().out
    ics = tmp_path / "promesses.ics"
    assert cli.main(["--db", str(db), "export", "promises", "--date", "2026-11-23", "--format", "ics",
                     "-o", str(ics)]) == 0
    outputs["promises ics"] = ics.read_text(encoding="utf-8")
    for what, text in outputs.items():
        assert UNSAFE.findall(text) == [], what
    for what, delimiter in (("invoices", ","), ("invoices excel", ";")):
        clients = {r[0]: r[1] for r in csv.reader(io.StringIO(outputs[what].lstrip("\ufeff")), delimiter=delimiter)}
        assert all(clients[c] == neutralise(stored[c]) for c in codes), what  # every name, intact
    promise_rows = list(csv.reader(io.StringIO(outputs["promises csv"])))[1:-1]
    assert sorted(r[0] for r in promise_rows) == sorted(neutralise(name_of[d]) for d in promised)
    assert len([ln for ln in outputs["promises md"].splitlines() if ln.startswith("| ")]) == len(promised) + 1
