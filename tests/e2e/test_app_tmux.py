import re
import sqlite3
import subprocess

import pytest

from relance_tui.domain.money import format_cents
from tests.e2e.tmux import SESSION_DEADLINE_S, TmuxSession, relance_command, require_tmux

pytestmark = pytest.mark.e2e
NBSP = "\u00a0"


@pytest.fixture
def e2e_env(tmp_path, isolated_env):
    return {
        "RELANCE_DATA_DIR": str(isolated_env / "data"),
        "RELANCE_CONFIG": str(isolated_env / "config.toml"),
        "RELANCE_LOG_DIR": str(isolated_env / "log"),
        "RELANCE_AGENT": "marie",
    }


def test_demo_filter_open_debtor_in_tmux(tmp_path, e2e_env):
    require_tmux()
    db = tmp_path / "demo.db"
    subprocess.run([relance_command(), "demo", "--db", str(db), "--size", "small", "--seed", "7",
                    "--today", "2026-11-23"], check=True, capture_output=True, env={**e2e_env, "PATH": "/usr/bin:/bin"})
    with sqlite3.connect(db) as conn:
        name, siren = conn.execute(
            "SELECT d.name, d.siren FROM debtors d JOIN invoices i ON i.debtor_id = d.id WHERE d.siren IS NOT NULL "
            "AND i.status = 'open' AND i.amount_cents > i.paid_cents ORDER BY d.id LIMIT 1").fetchone()
        owed = format_cents(conn.execute(
            "SELECT SUM(i.amount_cents - i.paid_cents) FROM invoices i JOIN debtors d ON d.id = i.debtor_id "
            "WHERE d.siren = ? AND i.status IN ('open', 'disputed', 'litigation') AND i.amount_cents > i.paid_cents",
            [siren]).fetchone()[0], symbol=False)
    session = TmuxSession([relance_command(), "--db", str(db)], e2e_env)
    try:
        # the first screenful: on a loaded machine the first start compiles bytecode and reads cold files
        session.wait_for("factures · tri : retard", timeout=SESSION_DEADLINE_S)
        session.wait_for("⏎ Ouvrir")
        session.wait_for("5 +90")  # the aging bar follows once the whole list is counted
        # the tabs' whole labels: the layout of the pane's 100 columns (Textual may draw a first frame at 80x24
        # before it reads the terminal's size; at 80 columns the tab line shortens its labels)
        screen = session.wait_for("f3 Chronologie")
        for text in ("Impayés", "Chronologie", "Débiteur", "Reste dû", "Pénalités", "1 à éch", "5 +90", "Échu"):
            assert text in screen
        session.send("/")
        session.wait_without("⏎ Ouvrir")  # the filter has the focus: the list's keys leave the footer
        session.send(siren)
        screen = session.wait_for(f"« {siren} »")
        assert name[:18] in screen
        session.send("Enter")  # back to the list
        # the list has the focus again (its keys are back) before the next Enter: sent together, both
        # Enters reached the filter and the card never opened
        session.wait_for("⏎ Ouvrir")
        session.send("Enter")  # open the debtor under the cursor
        session.wait_for(f"{name}  (professionnel (France))")  # its regime (docs/law.md)
        # each looked for on its own: a capture can catch the card's frame half written (tmux applies the app's
        # output as it comes), the name drawn and the lines below it not yet
        for text in ("Contacts (la personne qui peut débloquer le paiement d'abord)", "SIREN", "Reste dû"):
            session.wait_for(text)
        # call them from the card and log a promise of what they owe, in a week
        session.send("a")
        # the call starts (timers run) at once, or after the guard when run outside calling hours
        seen, _ = session.wait_for_any("Appel 00:0", "Attention avant d'appeler")
        if seen != "Appel 00:0":
            session.type("test de bout en bout")
            session.send("Enter")
            session.wait_for("Appel 00:0")
        for _ in range(5):
            session.send("s")
        session.wait_for("Notez les accords")  # the sixth step, Documenter
        session.send("f")
        session.wait_for("une touche, puis Ctrl+S")
        session.send("p")
        session.wait_for("Montant promis et date")
        session.wait_for(f"{owed.replace(NBSP, ' ')} ")  # the amount defaults to what is owed
        session.send("Tab")  # from the amount (the first field) to the date
        session.type("+7")
        session.send("C-s")
        seen, _ = session.wait_for_any("Email de suivi", "Appel enregistré")
        if seen == "Email de suivi":
            session.send("Escape")
        session.wait_for(f"{name}  (professionnel (France))")  # back on the card
        session.send("Escape")
        session.wait_for(" · tri : retard")  # "1 facture" or "N factures", then the filter
        session.send("F4")  # the Promesses tab: today's promises and their total
        screen = session.wait_for(f"1 promesse, total {owed.replace(NBSP, ' ')}")
        assert name[:12] in screen  # cut to its column at 80 wide
        session.send("q")
        session.wait_for("EXITED=0")
    finally:
        session.close()
    # the day's promises, in one command
    out = tmp_path / "promesses.md"
    subprocess.run([relance_command(), "--db", str(db), "export", "promises", "--format", "md", "-o", str(out)],
                   check=True, capture_output=True, env={**e2e_env, "PATH": "/usr/bin:/bin"})
    text = out.read_text(encoding="utf-8")
    assert name in text and f"**Total : {owed}\u00a0€** (1 promesse)" in text


def test_missing_database_message_in_a_terminal(tmp_path, e2e_env):
    require_tmux()
    session = TmuxSession([relance_command(), "--db", str(tmp_path / "absent.db")], e2e_env)
    try:
        screen = session.wait_for("EXITED=3")
        assert "base introuvable" in screen
        assert "Traceback" not in screen
    finally:
        session.close()


def test_agenda_select_two_emails_send_them_see_them_in_the_timeline(tmp_path, e2e_env):
    """The À faire tab as an agent uses it: two reminder emails chosen with Space, sent with e (to the outbox:
    no SMTP server set), then read on the timeline (issue 15)."""
    require_tmux()
    db = tmp_path / "demo.db"
    # built for today: the app's agenda is today's
    subprocess.run([relance_command(), "demo", "--db", str(db), "--size", "small", "--seed", "7"], check=True,
                   capture_output=True, env={**e2e_env, "PATH": "/usr/bin:/bin"})
    session = TmuxSession([relance_command(), "--db", str(db)], e2e_env)
    try:
        session.wait_for("factures · tri : retard", timeout=SESSION_DEADLINE_S)
        session.send("F6")
        screen = session.wait_for(" à faire : Email ")
        first_rows = [line for line in screen.splitlines() if line.strip().startswith("Email ")]
        assert len(first_rows) >= 2, screen  # the emails come first
        session.send("Space")
        session.wait_for("1 sélectionné ·")
        session.send("Space")
        session.wait_for("2 sélectionnés")
        session.send("e")
        session.wait_for("2 emails envoyés")
        session.send("F3")  # the timeline, newest first: both emails, by marie
        timeline = session.wait_for("Chronologie : tout le cabinet")
        session.send("q")
        session.wait_for("EXITED=0")
    finally:
        session.close()
    with sqlite3.connect(db) as conn:
        sent = conn.execute("SELECT COUNT(*) FROM plan_steps WHERE status = 'done' AND channel = 'email'").fetchone()[0]
        names = [r[0] for r in conn.execute(
            "SELECT d.name FROM events e JOIN debtors d ON d.id = e.debtor_id WHERE e.kind = 'email' "
            "AND json_extract(e.data, '$.plan_step') IS NOT NULL")]
    assert sent >= 2 and len(names) == 2  # each email once, recorded with its plan step
    newest = timeline.splitlines()[4:6]  # newest first: the two emails, by marie
    assert all(" Email " in line and " marie " in line for line in newest), timeline
    assert all(any(name[:8] in line for line in newest) for name in names), (names, timeline)
    assert len(list((db.parent / "outbox").glob("*.eml"))) == 2  # no SMTP server: the outbox, beside the base


def test_a_formal_notice_from_the_card_as_an_agent_makes_it(tmp_path, e2e_env):
    """The debtor card's documents (issue 16): d lists them, 2 shows the formal notice as text, g makes the
    PDF; it is kept beside the base and on the debtor's timeline with its SHA-256."""
    import hashlib
    import json

    require_tmux()
    db = tmp_path / "demo.db"
    subprocess.run([relance_command(), "demo", "--db", str(db), "--size", "small", "--seed", "7",
                    "--today", "2026-11-23"], check=True, capture_output=True, env={**e2e_env, "PATH": "/usr/bin:/bin"})
    with sqlite3.connect(db) as conn:
        siren, debtor = conn.execute(
            "SELECT d.siren, d.id FROM debtors d JOIN invoices i ON i.debtor_id = d.id WHERE d.siren IS NOT NULL "
            "AND d.segment = 'b2b' AND i.status = 'open' AND i.amount_cents > i.paid_cents AND i.due_date < date('now') "
            "ORDER BY d.id LIMIT 1").fetchone()
    session = TmuxSession([relance_command(), "--db", str(db)],
                          {**e2e_env, "RELANCE_OFFICE_NAME": "Cabinet Dupuis",
                           "RELANCE_OFFICE_ADDRESS": "3 rue des Lilas", "RELANCE_OFFICE_CITY": "Lyon",
                           "RELANCE_OFFICE_SIREN": "732829320", "RELANCE_OFFICE_IBAN": "FR7630006000011234567890189"})
    try:
        session.wait_for("factures · tri : retard", timeout=SESSION_DEADLINE_S)
        session.wait_for("⏎ Ouvrir")
        session.send("/")
        session.wait_without("⏎ Ouvrir")
        session.send(siren)
        session.wait_for(f"« {siren} »")
        session.send("Enter")
        session.wait_for("⏎ Ouvrir")
        session.send("Enter")  # the card
        session.wait_for("Contacts (la personne qui peut débloquer le paiement d'abord)")
        session.send("d")
        session.wait_for("1 Lettre · 2 Mise en demeure")
        session.send("2")
        screen = session.wait_for("Mise en demeure de payer au plus tard le")
        assert "Lettre recommandée avec accusé de réception" in screen
        session.send("g")
        session.wait_for(".pdf")
        session.send("Escape")
        session.wait_without("g produit le PDF")  # the documents closed: the card has the keys again
        session.send("Escape")
        session.wait_for("⏎ Ouvrir")  # the list
        session.send("q")
        session.wait_for("EXITED=0")
    finally:
        session.close()
    [kept] = list((db.parent / "documents").glob("*.pdf"))
    with sqlite3.connect(db) as conn:
        data = json.loads(conn.execute("SELECT data FROM events WHERE debtor_id = ? AND outcome = 'document'",
                                       [debtor]).fetchone()[0])
    assert data["document"] == "formal_notice" and data["sha256"] == hashlib.sha256(kept.read_bytes()).hexdigest()


def retype(session: TmuxSession, text: str, shown: str, empty: str = "Chemin du fichier") -> None:
    """Replace a field's text with ``text`` and wait until ``shown`` (its end) is on screen. The field is
    emptied first and the text typed once ``empty`` (its placeholder) shows: Ctrl+U is a binding, run after
    the keys typed right behind it reached the field (seen in CI: the path's first characters deleted with
    the old text, the import looking for a relative path). Keys sent while a dialog is still taking the
    focus can land before it: typed again then (seen once on a loaded CI machine, the field left empty)."""
    for attempt in range(3):
        session.send("C-u")
        try:
            session.wait_for(empty, timeout=10)
            session.send("-l", text)
            session.wait_for(shown, timeout=10)
            return
        except AssertionError:
            if attempt == 2:
                raise


def test_a_newcomer_s_first_hour_from_init_to_the_day_s_promises_for_excel(tmp_path, e2e_env):
    """Issue 17: as a newcomer at an 80x24 terminal: `relance init` with the office's options, relance on the
    empty base (the welcome screen), import a French CSV from there, call the first debtor, export the day's
    promises for Excel."""
    import datetime as dt

    require_tmux()
    office = tmp_path / "cabinet"
    db = office / "relance.db"
    env = {**e2e_env, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([relance_command(), "init", "--db", str(db), "--cabinet", "Cabinet Dupuis", "--ville", "Lyon",
                           "--siren", "732 829 320", "--iban", "FR76 3000 6000 0112 3456 7890 189", "--telephone",
                           "04 72 00 00 00", "--nom-agent", "Marie Dubois", "--no-input"],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    today = dt.date.today()
    issued, due = today - dt.timedelta(days=75), today - dt.timedelta(days=45)
    export = tmp_path / "factures.csv"
    export.write_text(
        "N° facture;Raison sociale;SIREN;Date facture;Date d'échéance;Montant TTC;Réglé;Téléphone;E-mail\n"
        f"FA-101;Librairie de Rennes SARL;552 100 554;{issued:%d/%m/%Y};{due:%d/%m/%Y};1 234,56 €;0,00 €;"
        "02 99 00 00 01;compta@librairie-rennes.fr\n"
        f"FA-102;Garage d'Angers SAS;;{issued:%d/%m/%Y};{due:%d/%m/%Y};500,00 €;;02 41 00 00 02;\n",
        encoding="utf-8")
    sheet = tmp_path / "promesses.csv"
    session = TmuxSession([relance_command(), "--db", str(db)], e2e_env, width=80, height=24)
    try:
        session.wait_for("Bienvenue dans relance", timeout=SESSION_DEADLINE_S)  # the empty base's first screen
        session.send("i")
        session.wait_for("Importer un export comptable")
        retype(session, str(export), "factures.csv")
        session.send("Enter")
        session.wait_for("100%", timeout=60)  # the import's progress bar, full (the log is three lines tall)
        session.send("Escape")
        session.wait_for("2 factures · tri : retard")
        session.send("a")  # call the first debtor of the list: the one most late, then the largest
        seen, _ = session.wait_for_any("Appel 00:0", "Attention avant d'appeler")
        if seen != "Appel 00:0":  # outside calling hours when the test runs: the reason is logged
            session.type("essai de bout en bout")
            session.send("Enter")
            session.wait_for("Appel 00:0")
        session.send("f")
        session.wait_for("une touche, puis Ctrl+S")
        session.send("p")
        session.wait_for("Montant promis et date")
        session.send("Tab")  # the amount (what is owed) first, then the date
        session.type("+7")
        session.send("C-s")
        seen, _ = session.wait_for_any("Email de suivi", "Appel enregistré")
        if seen == "Email de suivi":
            session.send("Escape")
        session.wait_for(" · tri : retard")
        session.send("F4")
        session.wait_for("1 promesse, total 1")
        session.send("x")
        session.wait_for("Exporter les promesses")
        session.send("C-t")  # the CSV a French Excel opens
        session.wait_for("-excel.csv")
        retype(session, str(sheet), "promesses.csv")
        session.send("Enter")
        session.wait_for("1 promesse exportée")
        session.send("q")
        session.wait_for("EXITED=0")
    finally:
        session.close()
    rows = sheet.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("Débiteur;Contact;Factures;Montant;Date promise")
    promised = today + dt.timedelta(days=7)
    assert rows[1].startswith("Librairie de Rennes SARL;") and ";1234,56;" in rows[1]
    assert f";{promised:%d/%m/%Y};" in rows[1] and "Marie Dubois" in rows[1]
    assert rows[-1].startswith("Total;;1 promesse;1234,56")


def test_the_supervisor_opens_the_dashboard_changes_period_and_reads_the_report_s_figures(tmp_path, e2e_env):
    """Issue 18: F7 at 80x24 shows the month's figures (those ``relance report`` prints, to the cent), p goes
    to the twelve months (their history rebuilt when the tab was first shown), then to the week."""
    require_tmux()
    db = tmp_path / "demo.db"
    env = {**e2e_env, "PATH": "/usr/bin:/bin"}
    subprocess.run([relance_command(), "demo", "--db", str(db), "--size", "small", "--seed", "7"], check=True,
                   capture_output=True, env=env)
    report = subprocess.run([relance_command(), "report", "--db", str(db), "--period", "month"], check=True,
                            capture_output=True, text=True, env=env).stdout
    owed = re.search(r"\| Dû \(tout l'encours\) \| ([^|]+) \|", report).group(1).strip()
    dso = re.search(r"\| DSO \(par épuisement\) \| ([^|]+) \|", report).group(1).strip()
    session = TmuxSession([relance_command(), "--db", str(db)], e2e_env, width=80, height=24)
    try:
        session.wait_for("⏎ Ouvrir", timeout=SESSION_DEADLINE_S)
        session.send("F7")
        screen = session.wait_for("Balance âgée")
        assert "Mois (du " in screen and owed in screen and dso in screen
        assert "f7 Chiffres" in screen  # the tab line fits 80 columns
        session.send("p")
        screen = session.wait_for("12 mois (du ")
        months = re.findall(r"^\s*(?:janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)\.? \d\d ", screen, re.M)
        assert len(months) >= 3 and "pas d'historique" not in screen  # rebuilt when the tab was first shown
        session.send("p")
        session.wait_for("Semaine (du ")
        session.send("q")
        session.wait_for("EXITED=0")
    finally:
        session.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM aging_days").fetchone()[0] >= 365
