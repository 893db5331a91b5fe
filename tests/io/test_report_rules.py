"""The HTML report's rules, word for word (io/report.py): the inline SVG bar chart (its geometry, every part
after the one before), the tables and legends, and the page's parts in their order, from a hand-built board
whose figures are all computed by hand below. tests/io/test_report.py reads a scripted month; this file pins
the markup a mutation would change."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from relance_tui.domain.dates import Bucket
from relance_tui.domain.kpi import Dso, Period, Slice
from relance_tui.io.report import (
    COLLECTED_METHOD,
    DSO_METHOD,
    HTML_STYLE,
    _html_table,
    _legend,
    _svg_bars,
    agent_rows,
    aging_legend,
    bar_widths,
    headline,
    md,
    promise_legend,
    slice_total,
    to_html,
    to_markdown,
)
from relance_tui.store.dashboard import AgentFigures, Dashboard, SliceFigures

NB = "\xa0"
MADE_ON = dt.date(2026, 11, 20)
PERIOD = Period("month", dt.date(2026, 11, 1), dt.date(2026, 11, 20))


def one_week_board(agents) -> Dashboard:
    """One slice (the week of 02/11): 100,00 not due and 300,00 over 90 days; 50,00 collected; 100,00 promised,
    kept."""
    week = SliceFigures(Slice(dt.date(2026, 11, 2), dt.date(2026, 11, 8), "sem. 02/11"),
                        {Bucket.NOT_DUE: 100_00, Bucket.D1_30: 0, Bucket.D31_60: 0, Bucket.D61_90: 0,
                         Bucket.OVER_90: 300_00},
                        collected_cents=50_00, promised={"kept": 100_00, "partly_kept": 0, "broken": 0, "pending": 0})
    return Dashboard(PERIOD, owed_cents=400_00, overdue_cents=300_00, over_90_cents=300_00, dso=Dso(Fraction(0), True),
                     slices=[week], promises_due=dict.fromkeys(("kept", "partly_kept", "broken", "pending"), 0),
                     disputes_opened=0, disputes_resolved=0, agents=agents)


def plain(text: str) -> str:
    return text.replace(NB, " ")


SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="{}" role="img" font-family="sans-serif" ' \
           'font-size="11">'


def test_a_bar_chart_draws_each_row_18_px_below_the_last_and_each_part_after_the_one_before():
    # scale 100 over 420 px: 50 -> 210 px, 25 -> 105 px (at x = 90 + 210 = 300); a part of 0 draws no rect;
    # labels at x 0, figures at x 90 + 420 + 8 = 518, both 12 px below the row's top (2, then 20); height 2 * 18 + 4
    svg = _svg_bars([("A", [("a", "#111", 50), ("b", "#222", 25)], "75"),
                     ("B<&>", [("c", "#333", 0), ("d<", "#444", 100)], "100 & plus")], 100)
    assert svg == (SVG_OPEN.format(40)
                   + '<text x="0" y="14">A</text>'
                   + '<rect x="90" y="2" width="210" height="14" fill="#111"><title>a</title></rect>'
                   + '<rect x="300" y="2" width="105" height="14" fill="#222"><title>b</title></rect>'
                   + '<text x="518" y="14">75</text>'
                   + '<text x="0" y="32">B&lt;&amp;&gt;</text>'
                   + '<rect x="90" y="20" width="420" height="14" fill="#444"><title>d&lt;</title></rect>'
                   + '<text x="518" y="32">100 &amp; plus</text>'
                   + "</svg>")


def test_a_chart_of_one_row_is_22_px_high_and_one_of_none_4():
    assert _svg_bars([("x", [("t", "#000", 1)], "1")], 1).startswith(SVG_OPEN.format(22))
    assert _svg_bars([], 0) == SVG_OPEN.format(4) + "</svg>"


def test_an_html_table_is_one_header_row_then_one_row_per_line_every_cell_escaped():
    assert _html_table(("Agent", "B<"), [("1", "2"), ("3", "&")]) == (
        "<table><thead><tr><th>Agent</th><th>B&lt;</th></tr></thead>"
        "<tbody><tr><td>1</td><td>2</td></tr><tr><td>3</td><td>&amp;</td></tr></tbody></table>")
    assert _html_table(("A",), []) == "<table><thead><tr><th>A</th></tr></thead><tbody></tbody></table>"


def test_a_legend_is_one_paragraph_of_coloured_squares_and_escaped_labels():
    assert _legend([("encaissé", "#2060a0"), ("a<b", "#fff")]) == (
        '<p class="legend"><span><i style="background:#2060a0"></i>encaissé</span> '
        '<span><i style="background:#fff"></i>a&lt;b</span></p>')


def test_the_html_page_gives_its_parts_in_order_one_a_line():
    paul = AgentFigures("paul", calls=2, reached=1, timed=1, seconds=125, promises=1, promised_cents=100_00,
                        collected_cents=50_00)
    page = plain(to_html(one_week_board([paul]), office="Cabinet & fils", made_on=MADE_ON,
                         name=lambda login: login.upper()))
    lines = page.split("\n")
    assert lines[0] == ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Tableau de bord — '
                        f"Cabinet &amp; fils</title><style>{HTML_STYLE}</style></head><body>")
    assert lines[1] == ("<h1>Tableau de bord — Cabinet &amp; fils</h1>"
                        "<p>Mois (du 01/11/2026 au 20/11/2026) · établi le 20/11/2026</p>")
    assert lines[2] == "<h2>Chiffres clés</h2>"
    assert lines[3] == _html_table(("Indicateur", "Valeur"), [
        ("Dû (tout l'encours)", "400,00 €"), ("En retard", "300,00 €"), ("dont plus de 90 jours", "300,00 € (100 %)"),
        ("DSO (par épuisement)", "0,0 j"), ("Encaissé (période)", "50,00 €"), ("Échéances promises", "100,00 €"),
        ("Promesses tenues", "— (aucune échue)"), ("Litiges de la période", "0 ouvert, 0 résolu")])
    assert lines[4] == "<h2>Balance âgée, à la fin de chaque semaine</h2>"
    assert lines[5] == ('<p class="legend"><span><i style="background:#8fbc8f"></i>Non échu</span> '
                        '<span><i style="background:#f0d264"></i>1-30 j</span> '
                        '<span><i style="background:#f0a030"></i>31-60 j</span> '
                        '<span><i style="background:#e06030"></i>61-90 j</span> '
                        '<span><i style="background:#b02020"></i>+90 j</span></p>')
    # 400,00 is the widest slice: 100,00 -> 105 px, 300,00 -> 315 px from x = 90 + 105 = 195
    assert lines[6] == (SVG_OPEN.format(22) + '<text x="0" y="14">sem. 02/11</text>'
                        '<rect x="90" y="2" width="105" height="14" fill="#8fbc8f"><title>Non échu : 100,00 €</title>'
                        '</rect><rect x="195" y="2" width="315" height="14" fill="#b02020"><title>+90 j : 300,00 €'
                        '</title></rect><text x="518" y="14">400,00 €</text></svg>')
    assert lines[7] == _html_table(("Semaine", "Non échu", "1-30 j", "31-60 j", "61-90 j", "+90 j", "Total"),
                                   [("sem. 02/11", "100,00 €", "0,00 €", "0,00 €", "0,00 €", "300,00 €", "400,00 €")])
    assert lines[8] == "<h2>Encaissé et promis</h2>"
    assert lines[9] == ('<p class="legend"><span><i style="background:#2060a0"></i>encaissé</span> '
                        '<span><i style="background:#2e8b57"></i>promis tenu</span> '
                        '<span><i style="background:#f0a030"></i>promis partiel</span> '
                        '<span><i style="background:#b02020"></i>promis non tenu</span> '
                        '<span><i style="background:#b0b0b0"></i>promis en attente</span></p>')
    # two rows a slice, scaled to 100,00 (the promised): the collected 50,00 -> 210 px, then the promised,
    # label-less, 100,00 kept -> 420 px
    assert lines[10] == (SVG_OPEN.format(40) + '<text x="0" y="14">sem. 02/11</text>'
                         '<rect x="90" y="2" width="210" height="14" fill="#2060a0"><title>encaissé</title></rect>'
                         '<text x="518" y="14">encaissé 50,00 €</text>'
                         '<text x="0" y="32"></text>'
                         '<rect x="90" y="20" width="420" height="14" fill="#2e8b57"><title>tenu : 100,00 €</title>'
                         '</rect><text x="518" y="32">promis 100,00 €</text></svg>')
    assert lines[11] == _html_table(("Semaine", "Encaissé", "Promis", "tenu", "partiel", "non tenu", "en attente"),
                                    [("sem. 02/11", "50,00 €", "100,00 €", "100,00 €", "0,00 €", "0,00 €", "0,00 €")])
    assert lines[12] == "<h2>Par agent</h2>"
    # 1 reached of 2 calls: 50 %; 125 s on the one timed call: 2 min 05
    assert lines[13] == _html_table(("Agent", "Appels", "Joints", "Promesses", "Obtenu", "Encaissé", "Durée moy."),
                                    [("PAUL", "2", "50 %", "1", "100,00 €", "50,00 €", "2 min 05")])
    assert lines[14] == (f"<h2>Méthode</h2><p>{DSO_METHOD.replace(chr(39), '&#x27;')}</p>"
                         f"<p>{COLLECTED_METHOD.replace(chr(39), '&#x27;')}</p>")
    assert lines[15] == "</body></html>"
    assert lines[16] == "" and len(lines) == 17


def test_a_period_without_calls_says_so_instead_of_an_empty_agents_table():
    for agents in ([], None):
        lines = to_html(one_week_board(agents), office="O", made_on=MADE_ON).split("\n")
        assert lines[12:14] == ["<h2>Par agent</h2>", "<p>Aucun appel sur la période.</p>"]


def test_a_board_without_slices_draws_empty_charts():
    board = one_week_board(None)
    board.slices = []
    lines = plain(to_html(board, office="O", made_on=MADE_ON)).split("\n")
    assert lines[6] == lines[10] == SVG_OPEN.format(4) + "</svg>"
    assert lines[7] == _html_table(("Semaine", "Non échu", "1-30 j", "31-60 j", "61-90 j", "+90 j", "Total"), [])


# -- the figures both the tab and the report give ------------------------------------------------------------
def test_bar_widths_give_each_part_its_share_rounded_by_largest_remainders():
    assert bar_widths([50, 30, 20], 100, 10) == [5, 3, 2]
    assert bar_widths([1, 1, 1], 3, 10) == [4, 3, 3]  # 3 1/3 each: the one cell left goes to the first of equals
    assert bar_widths([1, 2], 3, 10) == [3, 7]  # 3 1/3 and 6 2/3: the cell left goes to the larger remainder
    assert bar_widths([4, 1], 5, 4) == [3, 1]  # 3,2 and 0,8: to the larger remainder, not to the larger part
    # 2 000 over 7 cells, 1 000 drawn: 3,5 cells rounded half up to 4; 1,1655 / 1,1655 / 1,169: the last gets the 4th
    assert bar_widths([333, 333, 334], 2000, 7) == [1, 1, 2]


def test_bar_widths_draw_nothing_below_zero_nor_without_a_scale_or_a_width():
    assert bar_widths([-5, 10], 20, 10) == [0, 5]  # the negative part counts as 0: 10 of 20 over 10 cells
    assert bar_widths([0, 0], 0, 10) == [0, 0] and bar_widths([5], -1, 10) == [0]
    assert bar_widths([5, 5], 10, 0) == [0, 0]
    assert bar_widths([10], 10, 1) == [1] and bar_widths([1], 1, 4) == [4]  # a scale or a width of 1 draws


def test_a_slice_s_total_is_the_sum_of_its_buckets():
    assert slice_total({Bucket.NOT_DUE: 100, Bucket.OVER_90: 250}) == 350


def test_the_headline_gives_the_key_figures_in_order_with_their_french_labels():
    board = one_week_board(None)
    board.overdue_cents, board.over_90_cents = 300_00, 100_00  # a third of what is late: 33 %
    board.dso = Dso(Fraction(97, 2), False)
    board.promises_due = {"kept": 1, "partly_kept": 2, "broken": 3, "pending": 5}  # 1 kept of 6 judged: 17 %
    board.disputes_opened, board.disputes_resolved = 2, 1
    assert [(k, plain(v)) for k, v in headline(board)] == [
        ("Dû (tout l'encours)", "400,00 €"), ("En retard", "300,00 €"), ("dont plus de 90 jours", "100,00 € (33 %)"),
        ("DSO (par épuisement)", "≥ 48,5 j"), ("Encaissé (période)", "50,00 €"), ("Échéances promises", "100,00 €"),
        ("Promesses tenues", "17 % sur 6 jugées"), ("Litiges de la période", "2 ouverts, 1 résolu")]
    board.promises_due = {"kept": 0, "partly_kept": 0, "broken": 1, "pending": 5}
    assert headline(board)[6] == ("Promesses tenues", f"0{NB}% sur 1 jugée")


def test_an_agent_s_row_gives_reached_share_and_average_length_dash_when_none():
    board = one_week_board([AgentFigures("paul", calls=2, reached=1, timed=1, seconds=125, promises=1,
                                         promised_cents=100_00, collected_cents=50_00),
                            AgentFigures("ann", calls=3, timed=2, seconds=121), AgentFigures("zoe")])
    # names on one line; ann: 121 s over 2 timed calls: 60,5 rounds to 60 (half to even): 1 min 00; zoe: no call, no length
    assert [tuple(plain(c) for c in row) for row in agent_rows(board, name=lambda login: f"M.\n{login}")] == [
        ("M. paul", "2", "50 %", "1", "100,00 €", "50,00 €", "2 min 05"),
        ("M. ann", "3", "0 %", "0", "0,00 €", "0,00 €", "1 min 00"),
        ("M. zoe", "0", "—", "0", "0,00 €", "0,00 €", "—")]
    assert agent_rows(one_week_board(None)) == [] and agent_rows(one_week_board([])) == []


def test_the_legends_give_each_mark_its_french_label():
    assert aging_legend() == "· Non échu  ░ 1-30 j  ▒ 31-60 j  ▓ 61-90 j  █ +90 j"
    assert promise_legend() == "█ encaissé   promis : ▓ tenu  ▒ partiel  ░ non tenu  · en attente"


def test_md_escapes_what_markdown_reads_as_syntax_on_one_line():
    assert md("a\\b `c` *d* _e_ [f] <g> #h |i| ~j~ & k.") == (
        "a\\\\b \\`c\\` \\*d\\* \\_e\\_ \\[f\\] \\<g\\> \\#h \\|i\\| \\~j\\~ & k.")


# -- Markdown ------------------------------------------------------------------------------------------------
def test_the_markdown_report_word_for_word():
    paul = AgentFigures("paul", calls=2, reached=1, timed=1, seconds=125, promises=1, promised_cents=100_00,
                        collected_cents=50_00)
    text = plain(to_markdown(one_week_board([paul]), office="Cabinet | fils", made_on=MADE_ON,
                             name=lambda login: f"*{login}*"))
    # the aged bar: 400,00 over 40 cells, 100,00 not due -> 10 ·, 300,00 over 90 days -> 30 █;
    # the cash bars scaled to 100,00 over 24 cells: 50,00 collected -> 12 █, 100,00 kept -> 24 ▓
    assert text == "\n".join([
        "# Tableau de bord — Cabinet \\| fils", "",
        "Mois (du 01/11/2026 au 20/11/2026) · établi le 20/11/2026", "",
        "## Chiffres clés", "",
        "| Indicateur | Valeur |", "|---|---|",
        "| Dû (tout l'encours) | 400,00 € |", "| En retard | 300,00 € |",
        "| dont plus de 90 jours | 300,00 € (100 %) |", "| DSO (par épuisement) | 0,0 j |",
        "| Encaissé (période) | 50,00 € |", "| Échéances promises | 100,00 € |",
        "| Promesses tenues | — (aucune échue) |", "| Litiges de la période | 0 ouvert, 0 résolu |", "",
        "## Balance âgée", "",
        "À la fin de chaque semaine. · Non échu  ░ 1-30 j  ▒ 31-60 j  ▓ 61-90 j  █ +90 j", "",
        "```text",
        "sem. 02/11  " + "·" * 10 + "█" * 30 + " 400 €",
        "```", "",
        "| Semaine | Non échu | 1-30 j | 31-60 j | 61-90 j | +90 j | Total |", "|---|---|---|---|---|---|---|",
        "| sem. 02/11 | 100,00 € | 0,00 € | 0,00 € | 0,00 € | 300,00 € | 400,00 € |", "",
        "## Encaissé et promis", "",
        "█ encaissé   promis : ▓ tenu  ▒ partiel  ░ non tenu  · en attente", "",
        "```text",
        "sem. 02/11  " + "█" * 12 + " " * 12 + "      50 €  " + "▓" * 24 + "     100 €",
        "```", "",
        "| Semaine | Encaissé | Promis | tenu | partiel | non tenu | en attente |", "|---|---|---|---|---|---|---|",
        "| sem. 02/11 | 50,00 € | 100,00 € | 100,00 € | 0,00 € | 0,00 € | 0,00 € |", "",
        "## Par agent", "",
        "| Agent | Appels | Joints | Promesses | Obtenu | Encaissé | Durée moy. |", "|---|---|---|---|---|---|---|",
        "| \\*paul\\* | 2 | 50 % | 1 | 100,00 € | 50,00 € | 2 min 05 |", "",
        "## Méthode", "", DSO_METHOD, "", COLLECTED_METHOD, ""])


def test_a_markdown_report_without_calls_says_so():
    for agents in ([], None):
        text = to_markdown(one_week_board(agents), office="O", made_on=MADE_ON)
        assert "\n## Par agent\n\nAucun appel sur la période.\n\n## Méthode\n" in text


def test_a_markdown_report_without_slices_draws_empty_charts():
    board = one_week_board(None)
    board.slices = []
    text = to_markdown(board, office="O", made_on=MADE_ON)
    assert "+90 j\n\n```text\n```\n\n| Semaine |" in text and "en attente\n\n```text\n```\n\n| Semaine |" in text
