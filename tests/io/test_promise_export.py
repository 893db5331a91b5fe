import csv
import datetime as dt
import io

import pytest

from relance_tui import cli
from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.io.promise_export import export_promises
from relance_tui.store.calls import CallReport, Instalment, save_call
from relance_tui.store.promises import promises_made
from tests.conftest import TODAY

UTC = dt.timezone.utc
DAY = dt.date(2026, 11, 23)


@pytest.fixture
def promises(demo_store):
    """Three promises today (one debtor named like a formula), one yesterday."""
    demo_store.write(lambda db: db.execute("UPDATE debtors SET name = '=HYPERLINK(\"x\")' WHERE id = 2"))
    plan = [(1, dt.datetime(2026, 11, 23, 8, 5, tzinfo=UTC), (Instalment(dt.date(2026, 12, 1), 250_00),), "marie"),
            (2, dt.datetime(2026, 11, 23, 9, 40, tzinfo=UTC),
             (Instalment(dt.date(2026, 12, 5), 1_000_00), Instalment(dt.date(2027, 1, 5), 1_000_00)), "karim"),
            (3, dt.datetime(2026, 11, 22, 15, 0, tzinfo=UTC), (Instalment(dt.date(2026, 12, 2), 99_99),), "marie")]
    for debtor, at, instalments, agent in plan:
        demo_store.clock = lambda at=at: at
        demo_store.agent = agent
        invoices = tuple(r[0] for r in demo_store.db.execute(
            "SELECT id FROM invoices WHERE debtor_id = ? AND status = 'open' LIMIT 2", [debtor]))
        save_call(demo_store, CallReport(debtor_id=debtor, outcome="promise", started_at=at, duration_s=300,
                                         notes="confirmé | par mail", instalments=instalments, invoice_ids=invoices),
                  today=TODAY, calendar=OfficeCalendar("FR"))
    demo_store.agent = "marie"
    return promises_made(demo_store, DAY, tz="Europe/Paris")


def names(login):
    return {"marie": "Marie Dubois", "karim": "Karim Benali"}.get(login, login)


def test_csv_round_trip_with_total(promises, tmp_path):
    assert len(promises) == 3
    out = tmp_path / "p.csv"
    export_promises(promises, str(out), fmt="csv", day=DAY, tz="Europe/Paris", names=names)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0][:5] == ["Débiteur", "Contact", "Factures", "Montant", "Date promise"]
    body, total = rows[1:-1], rows[-1]
    assert [(r[3], r[4], r[5], r[7]) for r in body] == [
        ("250.00", "2026-12-01", "", "Marie Dubois"),
        ("1000.00", "2026-12-05", "1/2", "Karim Benali"),
        ("1000.00", "2027-01-05", "2/2", "Karim Benali")]
    assert body[1][0] == "'=HYPERLINK(\"x\")"  # neutralised: a spreadsheet shows it as text
    assert body[0][8] == "2026-11-23 09:05"  # call time in the office's time zone, dates written one way (ISO)
    assert total[0] == "Total" and total[3] == "2250.00"
    assert body[0][2]  # invoice numbers


def test_excel_variant(promises, tmp_path):
    out = tmp_path / "p.csv"
    export_promises(promises, str(out), fmt="csv", day=DAY, tz="Europe/Paris", names=names, excel=True)
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][3] == "250,00" and rows[1][4] == "01/12/2026" and rows[-1][3] == "2250,00"
    assert rows[1][8] == "23/11/2026 09:05"  # the call, written as the promised date is


def test_ics_one_event_per_promised_date(promises, tmp_path):
    from icalendar import Calendar

    out = tmp_path / "p.ics"
    export_promises(promises, str(out), fmt="ics", day=DAY, tz="Europe/Paris", names=names)
    cal = Calendar.from_ical(out.read_bytes())
    events = cal.walk("VEVENT")
    assert [(e.decoded("dtstart"), str(e["summary"])) for e in events] == [
        (dt.date(2026, 12, 1), f"Promesse : {promises[0].debtor} — 250,00\u00a0€"),
        (dt.date(2026, 12, 5), f"Promesse : {promises[1].debtor} — 1\u00a0000,00\u00a0€"),
        (dt.date(2027, 1, 5), f"Promesse : {promises[2].debtor} — 1\u00a0000,00\u00a0€")]
    assert len({str(e["uid"]) for e in events}) == 3
    assert "Karim Benali" in str(events[1]["description"]) and "Échéance 1/2" in str(events[1]["description"])


def test_markdown_table_escapes_pipes_and_totals(promises, tmp_path):
    out = tmp_path / "p.md"
    export_promises(promises, str(out), fmt="md", day=DAY, tz="Europe/Paris", names=names)
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# Promesses de paiement du 23/11/2026"
    table = [line for line in lines if line.startswith("| ") and "Débiteur" not in line]
    assert len(table) == 3
    cells = [c.strip() for c in table[0].strip("|").split(" | ")]
    assert cells[3] == "250,00\u00a0€" and cells[-1] == "confirmé \\| par mail"
    assert "**Total : 2\u00a0250,00\u00a0€** (3 promesses)" in text


def test_cli_export_promises(promises, demo_store, tmp_path, capsys):
    out = tmp_path / "jour.md"
    code = cli.main(["--db", str(demo_store.path), "export", "promises", "--date", "2026-11-23", "--format", "md",
                     "-o", str(out)])
    err = capsys.readouterr().err.replace("\u00a0", " ")
    assert code == 0 and "3 promesses du 23/11/2026 (2 250,00 €)" in err
    assert out.read_text(encoding="utf-8").count("\n| ") == 4  # header + 3 rows
    code = cli.main(["--db", str(demo_store.path), "export", "promises", "--date", "2026-11-23", "--agent",
                     "karim", "--format", "csv"])
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert code == 0 and len(rows) == 4 and rows[-1][3] == "2000.00"


def test_cli_export_promises_bad_date(demo_store, capsys):
    code = cli.main(["--db", str(demo_store.path), "export", "promises", "--date", "23/13/2026"])
    err = capsys.readouterr().err
    assert code != 0 and "--date : date « 23/13/2026 » non reconnue (JJ/MM/AAAA" in err
