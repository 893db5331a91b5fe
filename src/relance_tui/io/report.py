"""The supervisor's figures written out: the bars and rows the Tableau de bord tab draws, and ``relance report``
in Markdown, HTML (charts as inline SVG) and PDF (typst, as the documents).

Everything here formats a ``store.dashboard.Dashboard``: the tab and the report print the same object, so
their figures agree to the cent. Names (agents, the office) are data: escaped for Markdown and HTML, handed
to typst as JSON, never spliced into markup.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

from relance_tui.domain.dates import BUCKET_LABELS, Bucket
from relance_tui.domain.kpi import SLICE_NAMES, percent
from relance_tui.domain.money import format_cents, format_compact
from relance_tui.domain.text import clean, count
from relance_tui.store.dashboard import PROMISE_OUTCOMES, Dashboard

# Each part of a bar has its own mark, so a chart reads without colour (high contrast, a printed page):
# the older the debt, the darker.
BUCKET_MARKS = {Bucket.NOT_DUE: "·", Bucket.D1_30: "░", Bucket.D31_60: "▒", Bucket.D61_90: "▓", Bucket.OVER_90: "█"}
PROMISE_MARKS = {"kept": "▓", "partly_kept": "▒", "broken": "░", "pending": "·"}  # collected: █
PROMISE_LABELS = {"kept": "tenu", "partly_kept": "partiel", "broken": "non tenu", "pending": "en attente"}
COLLECTED_MARK = "█"
# Colours of the HTML and PDF charts (the tab uses the theme's): greens for what is not late, then warmer.
BUCKET_COLOURS = {Bucket.NOT_DUE: "#8fbc8f", Bucket.D1_30: "#f0d264", Bucket.D31_60: "#f0a030",
                  Bucket.D61_90: "#e06030", Bucket.OVER_90: "#b02020"}
PROMISE_COLOURS = {"kept": "#2e8b57", "partly_kept": "#f0a030", "broken": "#b02020", "pending": "#b0b0b0"}
COLLECTED_COLOUR = "#2060a0"

# "Obtenu": the amount of the promises the agent obtained in the period (the headline's "Échéances promises" are
# the promises falling due in it, whoever obtained them)
AGENT_HEADERS = ("Agent", "Appels", "Joints", "Promesses", "Obtenu", "Encaissé", "Durée moy.")
DSO_METHOD = ("DSO par épuisement du chiffre d'affaires : le dû du dernier jour est rapproché des ventes nettes "
              "(factures moins avoirs, par date d'émission), du mois en cours puis des mois précédents, jusqu'à ce qu'un "
              "mois couvre le reste ; « ≥ » : l'historique des ventes ne couvre pas tout le dû.")
COLLECTED_METHOD = ("Encaissé par agent : paiements reçus sur la période de débiteurs que l'agent a appelés sur "
                    "la période, à partir du jour de son premier appel ; deux agents qui ont appelé le même "
                    "débiteur comptent chacun le paiement : la colonne ne s'additionne pas.")


def bar_widths(values: Sequence[int], scale: int, width: int) -> list[int]:
    """The cells of each part of a stacked bar whose ``width`` cells stand for ``scale``: each part's share,
    rounded so the parts add up to the whole bar's rounded length (largest remainders first)."""
    values = [max(v, 0) for v in values]
    if scale <= 0 or width <= 0:
        return [0] * len(values)
    total = min(width, (2 * sum(values) * width + scale) // (2 * scale))
    exact = [v * width for v in values]
    cells = [e // scale for e in exact]
    for i in sorted(range(len(values)), key=lambda i: -(exact[i] % scale))[:max(0, total - sum(cells))]:
        cells[i] += 1
    return cells


def slice_total(aging: dict[Bucket, int]) -> int:
    return sum(aging.values())


def aging_rows(board: Dashboard) -> list[tuple[str, ...]]:
    """The aged balance at the end of each slice: its label, each bucket, the total."""
    return [(s.slice.label, *(format_cents(s.aging[b]) for b in Bucket), format_cents(slice_total(s.aging)))
            for s in board.slices]


def headline(board: Dashboard) -> list[tuple[str, str]]:
    """The key figures, label and value, in the order the tab and the report give them."""
    judged = sum(board.promises_due[k] for k in ("kept", "partly_kept", "broken"))
    return [
        ("Dû (tout l'encours)", format_cents(board.owed_cents)),
        ("En retard", format_cents(board.overdue_cents)),
        ("dont plus de 90 jours", f"{format_cents(board.over_90_cents)} ({percent(board.over_90_share)})"),
        ("DSO (par épuisement)", board.dso.text()),
        ("Encaissé (période)", format_cents(board.collected_cents)),
        ("Échéances promises", format_cents(board.promised_cents)),
        ("Promesses tenues", f"{percent(board.keeping_rate)} sur {count(judged, 'jugée')}" if judged
         else "— (aucune échue)"),
        ("Litiges de la période", f"{count(board.disputes_opened, 'ouvert')}, {count(board.disputes_resolved, 'résolu')}"),
    ]


def agent_rows(board: Dashboard, name: Callable[[str], str] = str) -> list[tuple[str, ...]]:
    """One row per agent under AGENT_HEADERS (no total: two agents who called one debtor both count its
    payment, so their collected amounts do not add up)."""
    rows = []
    for a in board.agents or ():
        average = a.average_call_s
        rows.append((clean(name(a.agent)), str(a.calls), percent(a.reached_rate), str(a.promises),
                     format_cents(a.promised_cents), format_cents(a.collected_cents),
                     "—" if average is None else f"{average // 60} min {average % 60:02d}"))
    return rows


def aging_legend() -> str:
    return "  ".join(f"{BUCKET_MARKS[b]} {BUCKET_LABELS[b]}" for b in Bucket)


def promise_legend() -> str:
    return f"{COLLECTED_MARK} encaissé   promis : " + "  ".join(f"{PROMISE_MARKS[k]} {PROMISE_LABELS[k]}"
                                                            for k in PROMISE_OUTCOMES)


# -- Markdown ----------------------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")  # what Markdown reads as syntax anywhere in a line


def md(text: str) -> str:
    """Data as Markdown text: one line, every character Markdown could read as syntax escaped."""
    return _MD_SPECIAL.sub(r"\\\1", clean(text))


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
    return out


def _text_bar(parts: Sequence[tuple[str, int]], scale: int, width: int) -> str:
    cells = bar_widths([v for _, v in parts], scale, width)
    return "".join(mark * n for (mark, _), n in zip(parts, cells, strict=True))


def to_markdown(board: Dashboard, *, office: str, made_on: dt.date, name: Callable[[str], str] = str) -> str:
    p = board.period
    lines = [f"# Tableau de bord — {md(office)}", "",
             f"{md(p.label)} · établi le {made_on:%d/%m/%Y}", "", "## Chiffres clés", ""]
    lines += _md_table(("Indicateur", "Valeur"), headline(board))
    scale = max((slice_total(s.aging) for s in board.slices), default=0)
    unit = SLICE_NAMES[board.period.kind]
    lines += ["", "## Balance âgée", "", f"À la fin de chaque {unit}. {aging_legend()}", "", "```text"]
    for s in board.slices:
        bar = _text_bar([(BUCKET_MARKS[b], s.aging[b]) for b in Bucket], scale, 40)
        lines.append(f"{s.slice.label:<11} {bar:<40} {format_compact(slice_total(s.aging))}")
    lines += ["```", ""]
    lines += _md_table((unit.capitalize(), *(BUCKET_LABELS[b] for b in Bucket), "Total"), aging_rows(board))
    scale = max((max(s.collected_cents, s.promised_cents) for s in board.slices), default=0)
    lines += ["", "## Encaissé et promis", "", promise_legend(), "", "```text"]
    for s in board.slices:
        collected = _text_bar([(COLLECTED_MARK, s.collected_cents)], scale, 24)
        promised = _text_bar([(PROMISE_MARKS[k], s.promised[k]) for k in PROMISE_OUTCOMES], scale, 24)
        lines.append(f"{s.slice.label:<11} {collected:<24} {format_compact(s.collected_cents):>9}  "
                     f"{promised:<24} {format_compact(s.promised_cents):>9}")
    lines += ["```", ""]
    lines += _md_table((unit.capitalize(), "Encaissé", "Promis", *(PROMISE_LABELS[k] for k in PROMISE_OUTCOMES)),
                       [(s.slice.label, format_cents(s.collected_cents), format_cents(s.promised_cents),
                         *(format_cents(s.promised[k]) for k in PROMISE_OUTCOMES)) for s in board.slices])
    lines += ["", "## Par agent", ""]
    lines += _md_table(AGENT_HEADERS, agent_rows(board, name)) if board.agents else ["Aucun appel sur la période."]
    lines += ["", "## Méthode", "", DSO_METHOD, "", COLLECTED_METHOD]
    return "\n".join(lines) + "\n"


# -- HTML --------------------------------------------------------------------------------------------------
def _svg_bars(rows: Sequence[tuple[str, Sequence[tuple[str, str, int]], str]], scale: int) -> str:
    """A horizontal stacked bar chart: one row per (label, parts (title, colour, value), figure)."""
    width, label_w, bar_w, row_h = 640, 90, 420, 18
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{row_h * len(rows) + 4}" '
           'role="img" font-family="sans-serif" font-size="11">']
    for n, (label, parts, figure) in enumerate(rows):
        y = n * row_h + 2
        out.append(f'<text x="0" y="{y + 12}">{html.escape(label)}</text>')
        x = label_w
        for (title, colour, _), cells in zip(parts, bar_widths([v for *_, v in parts], scale, bar_w), strict=True):
            if cells:
                out.append(f'<rect x="{x}" y="{y}" width="{cells}" height="{row_h - 4}" fill="{colour}">'
                           f'<title>{html.escape(title)}</title></rect>')
                x += cells
        out.append(f'<text x="{label_w + bar_w + 8}" y="{y + 12}">{html.escape(figure)}</text>')
    out.append("</svg>")
    return "".join(out)


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _legend(items: Sequence[tuple[str, str]]) -> str:
    return '<p class="legend">' + " ".join(
        f'<span><i style="background:{colour}"></i>{html.escape(label)}</span>' for label, colour in items) + "</p>"


HTML_STYLE = ("body{font-family:sans-serif;max-width:760px;margin:2em auto;color:#222}"
              "table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #bbb;padding:3px 6px;"
              "text-align:right}td:first-child,th:first-child{text-align:left}.legend span{margin-right:1em}"
              ".legend i{display:inline-block;width:10px;height:10px;margin-right:4px}")


def to_html(board: Dashboard, *, office: str, made_on: dt.date, name: Callable[[str], str] = str) -> str:
    e = html.escape
    p = board.period
    parts = [f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Tableau de bord — {e(office)}'
             f"</title><style>{HTML_STYLE}</style></head><body>",
             f"<h1>Tableau de bord — {e(office)}</h1><p>{e(p.label)} · établi le {made_on:%d/%m/%Y}</p>",
             "<h2>Chiffres clés</h2>", _html_table(("Indicateur", "Valeur"), headline(board))]
    scale = max((slice_total(s.aging) for s in board.slices), default=0)
    unit = SLICE_NAMES[board.period.kind]
    parts += [f"<h2>Balance âgée, à la fin de chaque {unit}</h2>",
              _legend([(BUCKET_LABELS[b], BUCKET_COLOURS[b]) for b in Bucket]),
              _svg_bars([(s.slice.label, [(f"{BUCKET_LABELS[b]} : {format_cents(s.aging[b])}", BUCKET_COLOURS[b],
                                           s.aging[b]) for b in Bucket], format_cents(slice_total(s.aging)))
                         for s in board.slices], scale),
              _html_table((unit.capitalize(), *(BUCKET_LABELS[b] for b in Bucket), "Total"), aging_rows(board))]
    scale = max((max(s.collected_cents, s.promised_cents) for s in board.slices), default=0)
    rows = []
    for s in board.slices:
        rows.append((s.slice.label, [("encaissé", COLLECTED_COLOUR, s.collected_cents)],
                     f"encaissé {format_cents(s.collected_cents)}"))
        rows.append(("", [(f"{PROMISE_LABELS[k]} : {format_cents(s.promised[k])}", PROMISE_COLOURS[k], s.promised[k])
                          for k in PROMISE_OUTCOMES], f"promis {format_cents(s.promised_cents)}"))
    parts += ["<h2>Encaissé et promis</h2>",
              _legend([("encaissé", COLLECTED_COLOUR), *((f"promis {PROMISE_LABELS[k]}", PROMISE_COLOURS[k])
                                                         for k in PROMISE_OUTCOMES)]),
              _svg_bars(rows, scale),
              _html_table((unit.capitalize(), "Encaissé", "Promis", *(PROMISE_LABELS[k] for k in PROMISE_OUTCOMES)),
                          [(s.slice.label, format_cents(s.collected_cents), format_cents(s.promised_cents),
                            *(format_cents(s.promised[k]) for k in PROMISE_OUTCOMES)) for s in board.slices]),
              "<h2>Par agent</h2>",
              _html_table(AGENT_HEADERS, agent_rows(board, name)) if board.agents
              else "<p>Aucun appel sur la période.</p>",
              f"<h2>Méthode</h2><p>{e(DSO_METHOD)}</p><p>{e(COLLECTED_METHOD)}</p>"]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# -- PDF ---------------------------------------------------------------------------------------------------
def report_data(board: Dashboard, *, office: str, made_on: dt.date, name: Callable[[str], str] = str) -> dict:
    """What the PDF's template (templates/report.typ) reads: text made here, bars as fractions of the
    chart's width."""
    aging_scale = max((slice_total(s.aging) for s in board.slices), default=0) or 1
    cash_scale = max((max(s.collected_cents, s.promised_cents) for s in board.slices), default=0) or 1
    return {
        "office": clean(office), "period": board.period.label, "made_on": f"{made_on:%d/%m/%Y}",
        "unit": SLICE_NAMES[board.period.kind],
        "headline": [[k, v] for k, v in headline(board)],
        "buckets": [[BUCKET_LABELS[b], BUCKET_COLOURS[b]] for b in Bucket],
        "promise_kinds": [["encaissé", COLLECTED_COLOUR], *([f"promis {PROMISE_LABELS[k]}", PROMISE_COLOURS[k]]
                                                           for k in PROMISE_OUTCOMES)],
        "aging": [{"label": s.slice.label, "total": format_cents(slice_total(s.aging)),
                   "parts": [[s.aging[b] / aging_scale, BUCKET_COLOURS[b]] for b in Bucket]}
                  for s in board.slices],
        "cash": [{"label": s.slice.label, "collected": format_cents(s.collected_cents),
                  "promised": format_cents(s.promised_cents),
                  "collected_part": max(s.collected_cents, 0) / cash_scale,
                  "promised_parts": [[s.promised[k] / cash_scale, PROMISE_COLOURS[k]] for k in PROMISE_OUTCOMES]}
                 for s in board.slices],
        "agent_headers": list(AGENT_HEADERS), "agents": [list(r) for r in agent_rows(board, name)],
        "methods": [DSO_METHOD, COLLECTED_METHOD],
    }


def to_pdf(board: Dashboard, *, office: str, made_on: dt.date, name: Callable[[str], str] = str) -> bytes:
    from relance_tui.io.documents import compile_typst

    template = resources.files("relance_tui").joinpath("templates", "report.typ").read_bytes()
    data = json.dumps(report_data(board, office=office, made_on=made_on, name=name), ensure_ascii=False)
    stamp = dt.datetime.combine(made_on, dt.time(12), dt.timezone.utc)
    return compile_typst({"main.typ": template, "data.json": data.encode("utf-8")}, stamp)


@dataclass(frozen=True)
class Format:
    suffix: str
    binary: bool
    write: Callable[..., str | bytes]


FORMATS = {"md": Format(".md", False, to_markdown), "html": Format(".html", False, to_html),
           "pdf": Format(".pdf", True, to_pdf)}
