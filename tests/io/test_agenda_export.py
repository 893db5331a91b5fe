"""The day's agenda as a file (io/agenda_export, `relance agenda`): every column of the CSV and every line of
the Markdown, word for word, and a debtor's name kept as text in both (issue 14's survivors)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from relance_tui.io.agenda_export import HEADER, write_agenda_csv, write_agenda_markdown
from relance_tui.store.agenda import THANKS, Check, agenda
from tests.conftest import TODAY

D = dt.date
PROMISE = Check("promise", 7, "Garage Dupont", "Promesse de 500,00 € du 20/11", D(2026, 11, 20), 3, 150_000,
                (11, 12), ref=4)
SOON = Check("limitation", 9, "Boulangerie Martin", "Prescription le 30/11", D(2026, 11, 30), -7, 99_99, (13,))
TODAY_PROMISE = Check("promise", 8, "Atelier Roux", "Promesse de 1 200,00 € du 23/11", TODAY, 0, 1_234_567, (14,))
THANK = Check(THANKS, 5, "Fromagerie Thomas", "Remerciement : payé le 20/11", D(2026, 11, 20), 0, 0, (15,), ref=15,
              claimed_by="karim")


def csv_rows(items, *, excel=False) -> list[list[str]]:
    out = io.StringIO()
    write_agenda_csv(items, out, excel=excel)
    return list(csv.reader(io.StringIO(out.getvalue()), delimiter=";" if excel else ","))


def markdown(items, day=TODAY) -> str:
    out = io.StringIO()
    write_agenda_markdown(items, out, day=day)
    return out.getvalue().replace("\u00a0", " ")


def test_the_csv_has_one_row_per_item_under_its_header():
    rows = csv_rows([THANK, PROMISE, SOON])
    assert rows[0] == HEADER == ["groupe", "debiteur_id", "debiteur", "etape", "canal", "due_le", "retard_jours",
                                 "factures", "solde", "plan", "validation", "en_cours_par"]
    assert rows[1:] == [
        ["Emails à envoyer", "5", "Fromagerie Thomas", "Remerciement : payé le 20/11", "email", "2026-11-20", "0",
         "1", "0.00", "", "agent", "karim"],
        ["Promesses à vérifier", "7", "Garage Dupont", "Promesse de 500,00 € du 20/11", "vérification", "2026-11-20",
         "3", "2", "1500.00", "", "agent", ""],
        ["Prescriptions proches", "9", "Boulangerie Martin", "Prescription le 30/11", "vérification", "2026-11-30",
         "-7", "1", "99.99", "", "agent", ""]]


def test_the_excel_csv_writes_french_numbers_and_dates():
    rows = csv_rows([PROMISE], excel=True)
    assert rows[1][5:9] == ["20/11/2026", "3", "2", "1500,00"]


def test_a_plan_step_s_row_names_its_channel_plan_and_whether_an_agent_must_approve(demo_store):
    plans = [i for i in agenda(demo_store, TODAY) if i.kind == "plan"]
    auto = next(p for p in plans if p.state.next.channel == "email" and not p.state.next.approval)
    approved = next(p for p in plans if p.state.next.approval)
    rows = csv_rows([auto, approved])
    assert rows[1][:5] == ["Emails à envoyer", str(auto.debtor_id), auto.name, auto.label, "Email"]
    assert rows[1][9:11] == [auto.plan.key, "automatique"] and auto.plan.key
    assert rows[2][9:11] == [approved.plan.key, "agent"]
    assert rows[1][5] == auto.due.isoformat() and rows[1][7] == str(len(auto.invoice_ids))


def test_the_markdown_groups_items_with_their_count_and_says_how_late_each_is():
    assert markdown([THANK, PROMISE, TODAY_PROMISE, SOON]) == (
        "# Agenda du 23/11/2026\n\n"
        "## Emails à envoyer (1)\n\n"
        "| Débiteur | Étape | Due le | Retard | Factures | Solde |\n|---|---|---|---|---|---|\n"
        "| Fromagerie Thomas | Remerciement : payé le 20/11 (en cours : karim) | 20/11/2026 | aujourd'hui | 1 | "
        "0,00 € |\n"
        "\n## Promesses à vérifier (2)\n\n"
        "| Débiteur | Étape | Due le | Retard | Factures | Solde |\n|---|---|---|---|---|---|\n"
        "| Garage Dupont | Promesse de 500,00 € du 20/11 | 20/11/2026 | 3 j | 2 | 1 500,00 € |\n"
        "| Atelier Roux | Promesse de 1 200,00 € du 23/11 | 23/11/2026 | aujourd'hui | 1 | 12 345,67 € |\n"
        "\n## Prescriptions proches (1)\n\n"
        "| Débiteur | Étape | Due le | Retard | Factures | Solde |\n|---|---|---|---|---|---|\n"
        "| Boulangerie Martin | Prescription le 30/11 | 30/11/2026 | dans 7 j | 1 | 99,99 € |\n")


def test_an_empty_agenda_says_there_is_nothing_to_do():
    assert markdown([], D(2026, 12, 1)) == "# Agenda du 01/12/2026\n\nRien à faire aujourd'hui.\n"


def test_a_name_is_text_in_markdown_never_a_table_cell_a_link_or_emphasis():
    hostile = Check("promise", 3, "*Gras* | [lien](http://x.fr) <b>&amp; `code` #1 ~x_y! \\ www.pirate.fr",
                    "Promesse", TODAY, 0, 100, (1,), claimed_by="a|b")
    line = markdown([hostile]).splitlines()[-1]
    assert line.startswith("| \\*Gras\\* \\| \\[lien\\](http\\://x.fr) \\<b\\>\\&amp; \\`code\\` \\#1 \\~x\\_y\\! "
                           "\\\\ www\\.pirate.fr | Promesse (en cours : a\\|b) |")
    assert line.count(" | ") == 5  # six cells: the name's pipe is escaped
    assert markdown([Check("promise", 3, "FTP:serveur HTTPS://a.fr", "x", TODAY, 0, 0)]).splitlines()[-1] \
        .startswith("| FTP\\:serveur HTTPS\\://a.fr |")


def test_a_terminal_escape_in_a_name_is_dropped_in_markdown():
    line = markdown([Check("promise", 3, "Garage\x1b[31m Dupont", "x", TODAY, 0, 0)]).splitlines()[-1]
    assert "\x1b" not in line and line.startswith("| Garage")
