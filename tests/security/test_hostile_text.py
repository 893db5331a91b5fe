"""Issue 11, findings 3 and 4: text from imports, forms and settings is data.

It never reaches the terminal with a control character in it (a debtor's name holding OSC 52 wrote
the agent's clipboard through the overdue list, ESC [2J blanked the screen), it never reaches an
export or standard output with one, and it is never read as Textual markup ('Dupont [/] SARL'
crashed the card and every session holding it, 'ACME [France] SA' lost a word, '[@click=app.quit]x'
was a live action). Checked on the bytes the app writes to the terminal, on the screens an agent
goes through, on the exports, and on what imports and forms store.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from textual import events
from textual.widgets import Input

from relance_tui import cli
from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.store.calls import CallReport, Instalment, save_call
from relance_tui.store.queries import append_event
from relance_tui.store.queue import QueueItem
from relance_tui.store.search import refresh_search
from relance_tui.store.sessions import create_session
from relance_tui.tui.call import CallScreen
from relance_tui.tui.dialogs import ConfirmScreen, GuardScreen
from relance_tui.tui.followup import EmailScreen
from relance_tui.tui.outcome import OutcomeScreen
from relance_tui.tui.card import ContactScreen, DebtorScreen, NoteScreen, PaymentScreen
from relance_tui.tui.sessions import NewSessionScreen
from tests.conftest import TODAY
from tests.helpers import FakeClock
from tests.tui.conftest import make_app, settle  # noqa: F401 - make_app is a fixture

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday, 10:30 in Paris: calls allowed
SIZE = (160, 40)  # wide enough that no name is cut by a column

# What no output may carry: C0 controls but tab and line breaks, DEL, C1, bidi overrides/isolates/marks.
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What Textual itself writes to a terminal: CSI sequences, and OSC 22 (the mouse pointer's shape).
TEXTUAL_OWN = re.compile(r"\x1b\[[0-9;:?<=>]*[ -/]*[@-~]|\x1b\]22;[a-z-]*\x07")

OSC52 = "\x1b]52;c;SEVMTE8=\x07"  # sets the clipboard of the terminal that reads it


@dataclass(frozen=True)
class Hostile:
    name: str
    contact: str
    number: str
    note: str
    session: str


MARKUP = [
    Hostile("Dupont [/] SARL", "ACME [France] SA", "[@click=q]F", "[b]payé[/b] [France] ok", "[red]Matin[/red]"),
    Hostile("ACME [France] SA", "Jean [/] Martin", "F[b]7[/b]-", "voir [link=https://x.fr]ici[/link]", "[/] Matin"),
    Hostile("[@click=app.quit]x", "[@click=app.bell]Marie", "[/]F", "[i]rappel[/i] [/]", "[b]Matin"),
]
CONTROLS = Hostile(f"Pay{OSC52}Me\x1b[2J SARL\u202e", "Jean\x9b2J\x9d0;t\x9cDupont\x7f", "FA\x1b[?1049l-",
                   "appel\x07\x08\x08 note\u2066x\u2069", "Matin\x1b]0;titre\x07")


def settle_all(pilot):
    return settle(pilot, rounds=4)


def screen_text(app) -> str:
    """What the agent sees: the text of every line the screen paints."""
    return "\n".join("".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips())


@pytest.fixture
def clock(demo_store):
    c = FakeClock(NOW)
    demo_store.clock = c
    return c


def a_debtor(store) -> int:
    """A debtor with open invoices, contacts, and few calls lately (the call guard stays quiet)."""
    return store.db.execute("""
        SELECT d.id FROM debtors d
        WHERE EXISTS (SELECT 1 FROM invoices i WHERE i.debtor_id = d.id AND i.status = 'open'
                      AND i.amount_cents > i.paid_cents)
          AND EXISTS (SELECT 1 FROM contacts c WHERE c.debtor_id = d.id)
          AND (SELECT COUNT(*) FROM events e WHERE e.debtor_id = d.id AND e.kind = 'call'
               AND e.at >= '2026-10-24') < 2
        ORDER BY d.id LIMIT 1""").fetchone()[0]


def give_hostile_text(store, h: Hostile) -> tuple[int, int]:
    """Text already in the database (written before entry cleaning, or by an older version): the
    debtor's name, contacts, invoice numbers, a note, a promise of today and a session holding it.
    Returns the debtor and the session."""
    debtor = a_debtor(store)

    def write(db) -> None:  # noqa: ANN001
        db.execute("UPDATE debtors SET name = ?, code = 'ZQX7' WHERE id = ?", [h.name, debtor])
        db.execute("UPDATE contacts SET name = ? WHERE debtor_id = ?", [h.contact, debtor])
        ids = [r[0] for r in db.execute("SELECT id FROM invoices WHERE debtor_id = ? ORDER BY due_date, id",
                                        [debtor]).fetchall()]
        for n, invoice in enumerate(ids):
            db.execute("UPDATE invoices SET number = ? WHERE id = ?", [f"{h.number}{n}", invoice])
        refresh_search(db, [debtor])

    store.write(write)
    save_call(store, CallReport(debtor_id=debtor, outcome="promise", started_at=store.clock(), duration_s=60,
                                instalments=(Instalment(dt.date(2026, 12, 1), 10_000),)),
              today=TODAY, calendar=OfficeCalendar("FR"))
    store.write(lambda db: append_event(db, at=store.now(), agent=store.agent, kind="note", debtor_id=debtor,
                                        notes=h.note))
    session = create_session(store, h.session, [QueueItem(debtor, h.name, 10_000, 30, "priority", 1.0)])
    return debtor, session


async def walk(app, pilot, debtor: int, check=None) -> dict[str, str]:  # noqa: ANN001
    """The places an agent sees this debtor in, reached as the agent would; the text of each (``check``
    is called with each place's name once it is shown)."""
    seen: dict[str, str] = {}

    def shown(place: str) -> None:
        seen[place] = screen_text(app)
        if check is not None:
            check(place)

    await settle_all(pilot)
    await pilot.press("slash", *"zqx7", "enter")  # the filter (the debtor's code), then back to the list
    await settle_all(pilot)
    shown("list")
    await pilot.press("enter")
    await settle_all(pilot)
    assert isinstance(app.screen, DebtorScreen) and app.screen.debtor_id == debtor
    shown("card")
    await pilot.press("a")  # call from the card
    await settle_all(pilot)
    assert isinstance(app.screen, CallScreen)
    shown("call")
    await pilot.press("escape")  # leave the call without an outcome
    await settle_all(pilot)
    if isinstance(app.screen, ConfirmScreen):
        await pilot.press("o")
        await settle_all(pilot)
    assert isinstance(app.screen, DebtorScreen)
    await pilot.press("escape")
    await settle_all(pilot)
    await pilot.press("f3")
    await settle_all(pilot)
    shown("timeline")
    await pilot.press("a")  # the debtor under the list's cursor only
    await settle_all(pilot)
    await pilot.press("enter")  # an entry in full
    await settle_all(pilot)
    shown("timeline entry")
    await pilot.press("f4")
    await settle_all(pilot)
    shown("promises")
    await pilot.press("f5")
    await settle_all(pilot)
    shown("sessions")
    await pilot.press("enter")  # join the session (the newest open one is first)
    await settle_all(pilot)
    shown("session queue")
    assert app.return_code is None  # still running: nothing crashed on the way
    return seen


@pytest.mark.parametrize("hostile", MARKUP, ids=["closing-tag", "brackets", "click-action"])
async def test_markup_in_data_is_shown_literally_everywhere(make_app, demo_store, clock, hostile):
    debtor, _session = give_hostile_text(demo_store, hostile)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        seen = await walk(app, pilot, debtor)
    for place in ("list", "card", "call", "timeline", "timeline entry", "promises", "session queue"):
        assert hostile.name in seen[place], place
    for place in ("card", "call"):
        assert hostile.contact in seen[place], place
    for place in ("list", "card", "call"):
        assert hostile.number in seen[place], place
    for place in ("card", "call", "timeline"):
        assert hostile.note in seen[place], place
    assert hostile.session in seen["sessions"] and hostile.session in seen["session queue"]


async def test_a_click_on_a_name_that_looks_like_an_action_does_nothing(make_app, demo_store, clock):
    debtor, _session = give_hostile_text(demo_store, Hostile("[@click=app.quit]x", "Jean", "F-", "vu", "Matin"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle_all(pilot)
        app.open_debtor_card(debtor)
        await settle_all(pilot)
        card = app.screen
        for x in range(20):  # wherever the name is drawn on its line
            await pilot.click("#identity", offset=(x, 0))
        await settle_all(pilot)
        assert app.return_code is None and app.screen is card  # still there: no action ran
        assert "[@click=app.quit]x" in screen_text(app)


@pytest.fixture
def terminal(monkeypatch):
    """Everything the app writes to the terminal: a driver that draws (run_test's does not) into a list."""
    import textual.drivers.headless_driver as headless

    written: list[str] = []

    class Drawing(headless.HeadlessDriver):
        @property
        def is_headless(self) -> bool:
            return False

        def write(self, data: str) -> None:
            written.append(data)

    monkeypatch.setattr(headless, "HeadlessDriver", Drawing)
    return written


async def test_no_control_character_from_data_reaches_the_terminal(make_app, demo_store, clock, terminal,
                                                                     isolated_env):
    # also from the settings: an agent's display name shown on every screen that names who did what
    office = demo_store.path.parent / "relance.toml"
    office.write_text('[agents]\nmarie = "Marie\\u001b]52;c;QUdFTlQ=\\u0007 D."\n', encoding="utf-8")
    debtor, _session = give_hostile_text(demo_store, CONTROLS)

    def nothing_but_textual_sequences(place: str) -> None:
        stream = "".join(terminal)
        assert "\x1b]52" not in stream, place  # the clipboard
        assert "\x1b[2J" not in stream and "\x1b[?1049l" not in stream and "\x1b]0;" not in stream, place
        leftover = TEXTUAL_OWN.sub("", stream)
        assert "\x1b" not in leftover, place  # no escape sequence but Textual's own
        assert UNSAFE.findall(leftover) == [], place  # nor BEL, backspace, DEL, C1 or a bidi override

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        seen = await walk(app, pilot, debtor, check=nothing_but_textual_sequences)
    assert "SEVMTE8=Me[2J SARL" in "".join(terminal)  # the name was drawn, without its controls
    assert "Pay]52;c;SEVMTE8=Me[2J SARL" in seen["card"] and "Marie]52;c;QUdFTlQ= D." in seen["call"]


def unsafe_in(text: str) -> list[str]:
    return UNSAFE.findall(text)


def test_exports_and_standard_output_carry_no_control_character(demo_store, clock, tmp_path, capsys):
    give_hostile_text(demo_store, CONTROLS)
    demo_store.write(lambda db: db.execute("UPDATE promises SET notes = ?", ["promis\x1b[2J au tél.\x9b"]))
    db = str(demo_store.path)
    outputs = {}
    for what, argv in {
        "invoices csv": ["export", "invoices", "--as-of", "2026-11-23"],
        "invoices excel": ["export", "invoices", "--as-of", "2026-11-23", "--excel"],
        "debtors csv": ["export", "debtors", "--as-of", "2026-11-23"],
        "promises csv": ["export", "promises", "--date", "2026-11-23"],
        "promises md": ["export", "promises", "--date", "2026-11-23", "--format", "md"],
    }.items():
        assert cli.main(["--db", db, *argv]) == 0, what
        outputs[what] = capsys.readouterr().out
    for fmt in ("csv", "ics", "md"):
        path = tmp_path / f"promesses.{fmt}"
        assert cli.main(["--db", db, "export", "promises", "--date", "2026-11-23", "--format", fmt,
                         "-o", str(path)]) == 0
        outputs[f"promises {fmt} file"] = path.read_text(encoding="utf-8-sig")
    path = tmp_path / "factures.csv"
    assert cli.main(["--db", db, "export", "invoices", "--as-of", "2026-11-23", "--excel", "-o", str(path)]) == 0
    outputs["invoices excel file"] = path.read_text(encoding="utf-8-sig")
    for what, text in outputs.items():
        assert unsafe_in(text) == [], what
        assert "SEVMTE8=Me[2J SARL" in text, what  # the debtor is there, without the controls


def test_an_import_keeps_no_control_character_and_prints_none(tmp_path, capsys):
    db = str(tmp_path / "r.db")
    assert cli.main(["--db", db, "init"]) == 0
    rows = [
        ["N° facture", "Client", "Date facture", "Montant TTC", "Contact", "Email", "Adresse", f"Note{OSC52}"],
        ["FA\x1b[2J-1", f"Evil{OSC52}Corp [/] SARL\u202e", "15/01/2026", "100,00", "Jean\x9b2J Dupont",
         "a@b.fr\x7f", "12 rue X\r\n75001 Paris\x1b[2J", "x"],
        ["FA-2", "Tab\tCorp\r\nSA", "16/01/2026", "200,00", "", "", "", "y"],
    ]
    source = tmp_path / "factures.csv"
    source.write_text("\n".join(";".join(f'"{cell}"' for cell in row) for row in rows) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["--db", db, "import", str(source), "--as-of", "2026-11-23"]) == 0
    out, err = capsys.readouterr()
    assert "Import terminé" in out and unsafe_in(out) == [] and unsafe_in(err) == []
    assert "Note]52;c;SEVMTE8=" in out  # the ignored column is named, without its controls
    from relance_tui.store import open_store

    store = open_store(tmp_path / "r.db", agent="marie")
    names = sorted(r[0] for r in store.db.execute("SELECT name FROM debtors"))
    assert names == ["Evil]52;c;SEVMTE8=Corp [/] SARL", "Tab Corp SA"]
    assert sorted(r[0] for r in store.db.execute("SELECT number FROM invoices")) == ["FA-2", "FA[2J-1"]
    contact, email = store.db.execute("SELECT name, email FROM contacts").fetchone()
    assert (contact, email) == ("Jean2J Dupont", "a@b.fr")
    address = store.db.execute("SELECT address FROM debtors WHERE address <> ''").fetchone()[0]
    assert address == "12 rue X\n75001 Paris[2J"  # a two-line address keeps its line break
    for table, columns in (("debtors", "name, search, address"), ("contacts", "name, email"),
                           ("invoices", "number"), ("events", "notes, data")):
        for row in store.db.execute(f"SELECT {columns} FROM {table}"):
            assert not any(unsafe_in(str(v)) for v in row), (table, row)
    store.close()
    # a refused import quotes the file's text in its problems: without the controls
    bad = tmp_path / "bad.csv"
    bad.write_text("N° facture;Client;Date facture;Montant TTC\nFA-9;X;31/02/2026\x1b[2J;1,00\n", encoding="utf-8")
    assert cli.main(["--db", db, "import", str(bad)]) == 11
    out, err = capsys.readouterr()
    assert "31/02/2026[2J" in err and unsafe_in(out + err) == []


async def test_what_an_agent_types_or_pastes_on_the_card_is_saved_clean(make_app, demo_store, clock):
    debtor = a_debtor(demo_store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle_all(pilot)
        app.open_debtor_card(debtor)
        await settle_all(pilot)
        card = app.screen
        await pilot.press("n")
        await settle_all(pilot)
        assert isinstance(app.screen, NoteScreen)
        app.post_message(events.Paste(f"collé{OSC52} [b]ici[/b]\u202e"))  # a paste, as the terminal sends it
        await settle_all(pilot)
        assert app.screen.query_one(Input).value == "collé]52;c;SEVMTE8= [b]ici[/b]"
        app.screen.query_one(Input).value += " et\x1b[2J tapé"
        await pilot.press("enter")
        await settle_all(pilot)
        assert app.screen is card
        await pilot.press("e")
        await settle_all(pilot)
        assert isinstance(app.screen, ContactScreen)
        app.screen.query_one("#contact-name", Input).value = "Marie\x9b2J [/] Curie"
        await pilot.press("ctrl+s")
        await settle_all(pilot)
        assert app.screen is card
        await pilot.press("p")
        await settle_all(pilot)
        assert isinstance(app.screen, PaymentScreen)
        app.screen.query_one("#payment-amount", Input).value = "1,00"
        app.screen.query_one("#payment-reference", Input).value = "VIR\x1b]0;x\x07-1"
        await pilot.press("ctrl+s")
        await settle_all(pilot)
        assert app.screen is card
        assert "Marie2J [/] Curie" in screen_text(app)
    notes = [r[0] for r in demo_store.db.execute("SELECT notes FROM events WHERE debtor_id = ? AND kind = 'note'",
                                                 [debtor])]
    assert "collé]52;c;SEVMTE8= [b]ici[/b] et[2J tapé" in notes
    assert demo_store.db.execute("SELECT COUNT(*) FROM contacts WHERE name = 'Marie2J [/] Curie'").fetchone()[0] == 1
    assert demo_store.db.execute("SELECT COUNT(*) FROM payments WHERE reference = 'VIR]0;x-1'").fetchone()[0] == 1
    for (text,) in demo_store.db.execute("SELECT notes || ' ' || COALESCE(data, '') FROM events WHERE debtor_id = ?",
                                         [debtor]):
        assert unsafe_in(text) == []


async def test_what_an_agent_types_in_a_call_or_a_session_is_saved_clean(make_app, demo_store, clock):
    clock.t = dt.datetime(2026, 11, 11, 9, 30, tzinfo=UTC)  # Armistice: the guard asks for a reason
    debtor = a_debtor(demo_store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle_all(pilot)
        app.open_call(debtor)
        await settle_all(pilot)
        assert isinstance(app.screen, GuardScreen)
        app.screen.query_one(Input).value = "il\x1b[2J a demandé\u202e"
        await pilot.press("enter")
        await settle_all(pilot)
        call = app.screen
        assert isinstance(call, CallScreen)
        await pilot.press("f")
        await settle_all(pilot)
        assert isinstance(app.screen, OutcomeScreen)
        await pilot.press("m")  # voicemail
        await settle_all(pilot)
        app.screen.query_one("#notes", Input).value = f"message{OSC52} laissé [/]"
        await pilot.press("ctrl+s")
        await settle_all(pilot)
        if isinstance(app.screen, EmailScreen):  # the follow-up email: not sent
            await pilot.press("escape")
            await settle_all(pilot)
        assert not isinstance(app.screen, (OutcomeScreen, CallScreen, EmailScreen))
        await pilot.press("f5")
        await settle_all(pilot)
        await pilot.press("o")
        await settle_all(pilot)
        assert isinstance(app.screen, NewSessionScreen)
        app.screen.query_one("#new-session-name", Input).value = "Matin\x1b]0;x\x07 [b]"
        await pilot.press("ctrl+s")
        await settle_all(pilot)
        session_screen = screen_text(app)
    reason = demo_store.db.execute("SELECT data FROM events WHERE outcome = 'call_guard_override' AND debtor_id = ?",
                                   [debtor]).fetchone()[0]
    assert '"reason": "il[2J a demandé"' in reason
    notes = demo_store.db.execute("SELECT notes FROM events WHERE kind = 'call' AND debtor_id = ? ORDER BY id DESC",
                                  [debtor]).fetchone()[0]
    assert "message]52;c;SEVMTE8= laissé [/]" in notes and unsafe_in(notes) == []
    assert demo_store.db.execute("SELECT name FROM sessions ORDER BY id DESC").fetchone()[0] == "Matin]0;x [b]"
    assert "Matin]0;x [b]" in session_screen  # the session's title, as typed (and cleaned)


def test_doctor_and_the_import_print_host_names_agents_and_file_names_as_text(tmp_path, capsys):
    """What the shared database says about machines and agents, and a file's name, reach stdout clean."""
    db = str(tmp_path / "r.db")
    assert cli.main(["--db", db, "init"]) == 0
    from relance_tui.store import open_store

    store = open_store(tmp_path / "r.db", agent="marie")
    store.write(lambda d: d.execute(
        "INSERT INTO hosts (hostname, first_seen, last_seen, last_agent, last_pid) VALUES (?, ?, ?, ?, 1)",
        [f"poste{OSC52}\x1b[2J", "2026-11-20T08:00:00Z", "2026-11-23T08:00:00Z", "karim\x9b2J"]))
    store.close()
    source = tmp_path / f"factures{OSC52}.csv"
    source.write_text("N° facture;Client;Date facture;Montant TTC\nFA-1;Dupont;15/01/2026;100,00\n",
                      encoding="utf-8")
    capsys.readouterr()
    cli.main(["--db", db, "doctor"])
    cli.main(["--db", db, "import", str(source), "--as-of", "2026-11-23"])
    out, err = capsys.readouterr()
    assert "poste]52;c;SEVMTE8=[2J" in out and "karim2J" in out
    assert unsafe_in(out) == [] and unsafe_in(err) == []
