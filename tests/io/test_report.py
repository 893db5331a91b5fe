"""``relance report`` and ``relance snapshots`` (io/report.py, commands/report.py): the tab's figures, written out
as Markdown, HTML and PDF, names kept as data; the history taken and rebuilt from the command line."""

from __future__ import annotations

import datetime as dt
import re

from relance_tui.domain.kpi import period_of
from relance_tui.domain.money import format_cents
from relance_tui.io.report import bar_widths, to_html, to_markdown, to_pdf
from relance_tui.store.dashboard import dashboard
from tests.store.test_dashboard import AS_OF, month  # noqa: F401 - the scripted month, a fixture
from tests.test_cli import run

HOSTILE = "Zoé <script>alert(1)</script> | *gras* [lien](x) #titre"


def board_of(store, kind: str = "month"):
    return dashboard(store, period_of(kind, AS_OF), today=AS_OF, tz="Europe/Paris")


def names(login: str) -> str:
    return HOSTILE if login == "paul" else login


def test_markdown_gives_the_tab_s_figures_and_keeps_names_as_text(month):  # noqa: F811
    board = board_of(month)
    text = to_markdown(board, office="Cabinet | Dupuis", made_on=AS_OF, name=names).replace("\xa0", " ")
    assert text.startswith("# Tableau de bord — Cabinet \\| Dupuis\n")
    assert "Mois (du 01/11/2026 au 20/11/2026) · établi le 20/11/2026" in text
    assert f"| Dû (tout l'encours) | {format_cents(board.owed_cents)} |".replace("\xa0", " ") in text
    assert "| DSO (par épuisement) | 71,4 j |" in text
    assert "| Promesses tenues | 50 % sur 2 jugées |" in text
    assert "| Litiges de la période | 1 ouvert, 1 résolu |" in text
    # paul's line: the name escaped (no table cell, emphasis, link or heading made of it), then his figures
    assert ("| Zoé \\<script\\>alert(1)\\</script\\> \\| \\*gras\\* \\[lien\\](x) \\#titre | 3 | 33 % | 0 | 0,00 € "
            "| 3 600,00 € | 2 min 00 |") in text
    assert "| sem. 09/11 | 3 000,00 € | 3 000,00 € | 3 000,00 € | 0,00 € | 0,00 € | 0,00 € |" in text
    assert "DSO par épuisement du chiffre d'affaires" in text.split("## Méthode")[1]


def test_html_escapes_every_name_and_draws_bars_to_scale(month):  # noqa: F811
    board = board_of(month)
    page = to_html(board, office="Cabinet <b>Dupuis</b>", made_on=AS_OF, name=names)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Dupuis" not in page and "Cabinet &lt;b&gt;Dupuis&lt;/b&gt;" in page
    assert format_cents(board.collected_cents) in page
    # the cash chart: each slice's collected bar is its share of the largest figure, 420 px wide
    widths = [int(w) for w in re.findall(r'<rect x="90" y="\d+" width="(\d+)" height="14" fill="#2060a0">', page)]
    scale = max(max(s.collected_cents, s.promised_cents) for s in board.slices)
    assert widths == [bar_widths([s.collected_cents], scale, 420)[0] for s in board.slices if s.collected_cents]


def test_the_pdf_compiles_whatever_the_names_hold(month):  # noqa: F811
    pdf = to_pdf(board_of(month, "year"), office='Cabinet #set page(width: 1cm) ] "x', made_on=AS_OF, name=names)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000


def test_relance_report_writes_the_file_and_refuses_to_replace_one(month, capsys, tmp_path):  # noqa: F811
    out = tmp_path / "rapport.md"
    base = ["--db", str(month.path), "report", "--period", "month", "--as-of", AS_OF.isoformat()]
    code, _, err = run(capsys, *base, "-o", str(out))
    assert code == 0 and "écrit dans" in err
    assert "| Litiges de la période | 1 ouvert, 1 résolu |" in out.read_text(encoding="utf-8")
    code, _, err = run(capsys, *base, "-o", str(out))
    assert code != 0 and "--force" in err
    code, _, err = run(capsys, *base, "-o", str(month.path), "--force")
    assert code != 0 and month.path.read_bytes()[:16] == b"SQLite format 3\x00"  # never the database
    code, _, err = run(capsys, "--db", str(month.path), "report", "--as-of", "31/12/2099")
    assert code != 0 and "date future" in err


def test_relance_report_computes_the_past_days_nobody_kept(month, capsys):  # noqa: F811
    code, out, err = run(capsys, "--db", str(month.path), "report", "--period", "week", "--as-of", "13/11/2026",
                         "--format", "md")
    assert code == 0 and "5 jours sans balance âgée gardée, calculés à partir des factures" in err
    # 13/11 as it closed: A1 2 000,00 left after its payment of 10/11, B1 1 500,00, C1 900,00
    assert "| Dû (tout l'encours) | 4\u00a0400,00\u00a0€ |" in out
    code, out, _ = run(capsys, "--db", str(month.path), "report", "--period", "week", "--as-of", "06/11/2026")
    assert "| Dû (tout l'encours) | 7\u00a0400,00\u00a0€ |" in out  # before A's payment


def test_relance_snapshots_rebuild_then_take(month, capsys):  # noqa: F811
    code, out, _ = run(capsys, "--db", str(month.path), "snapshots", "rebuild", "--since", "01/11/2026",
                       "--to", "10/11/2026")
    assert code == 0 and "Historique du 01/11/2026 au 10/11/2026 : 10 jours reconstitués." in out
    assert month.conn.execute("SELECT COUNT(*) FROM aging_days WHERE source = 'rebuilt'").fetchone()[0] == 10
    code, out, _ = run(capsys, "--db", str(month.path), "snapshots", "take")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    assert code == 0 and f"Balance âgée du {yesterday:%d/%m/%Y} à la clôture : enregistrée." in out
    code, out, _ = run(capsys, "--db", str(month.path), "snapshots", "take")
    assert "déjà enregistrée." in out
    assert month.conn.execute("SELECT source FROM aging_days WHERE day = ?", [yesterday.isoformat()]).fetchone() == (
        "live",)
    code, _, err = run(capsys, "--db", str(month.path), "snapshots", "rebuild", "--since", "10/11/2026",
                       "--to", "01/11/2026")
    assert code != 0 and "--since 10/11/2026 après --to 01/11/2026" in err
    code, _, err = run(capsys, "--db", str(month.path), "snapshots", "rebuild", "--to", dt.date.today().isoformat())
    assert code != 0 and "l'historique s'arrête à hier" in err


def test_a_report_before_any_invoice_says_so(month, capsys):  # noqa: F811
    code, out, err = run(capsys, "--db", str(month.path), "report", "--as-of", "01/01/2020")
    assert code == 0 and "aucune facture émise au 01/01/2020 : rien à compter" in err
    assert "| Dû (tout l'encours) | 0,00\u00a0€ |" in out
