#!/usr/bin/env python3
"""The day's 500 letters into one PDF (issue 16): time and peak memory with typst, the engine relance uses,
next to the same 500 one-page letters drawn with fpdf2, the runner-up, in the same run.

    .venv/bin/python scripts/bench_documents.py --runs 5           # builds an "office" demo first (~10 s)
    .venv/bin/python scripts/bench_documents.py --db /tmp/office.db --runs 5

Three figures, each the min / median / max of the runs, each run a fresh process (its peak resident memory
is the process's own, ru_maxrss):
- data: reading the 500 letters' figures from the base (io/document_data.document_data, the same for both);
- typst: the 500 letters compiled into one PDF (io/documents.render_documents);
- fpdf2: the same letters (same data: letterhead, invoice table, totals, payment lines and the same EPC QR code,
  the SVG segno drew for typst, placed from memory) drawn with fpdf2.
No goal is named by the issue beyond the comparison; docs/benchmarks.md records the run. fpdf2 needs a
Unicode font file for the euro sign (its core fonts are Latin-1): DejaVu Sans from /usr/share/fonts (Debian's
fonts-dejavu-core); typst embeds its own.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LETTERS = 500

_CHILD = r"""
import datetime as dt, json, resource, sys, time
sys.path.insert(0, sys.argv[1])
db, engine, out = sys.argv[2], sys.argv[3], sys.argv[4]
from relance_tui.config import OfficeSettings
from relance_tui.io.document_data import document_data
from relance_tui.io.documents import render_documents
from relance_tui.store import open_store

office = OfficeSettings(name="Cabinet Dupuis", address="3 rue des Lilas", postcode="69003", city="Lyon",
                        siren="732829320", iban="FR7630006000011234567890189", bic="BNPAFRPP")
store = open_store(db, agent="bench", readonly=True)
today = dt.date(2026, 11, 23)
ids = [r[0] for r in store.conn.execute(
    "SELECT DISTINCT debtor_id FROM invoices WHERE status = 'open' AND amount_cents > paid_cents "
    "AND due_date < '2026-11-01' ORDER BY debtor_id")]
t0 = time.perf_counter()
items, wanted, turn = [], int(sys.argv[5]), 0
while len(items) < wanted:  # the debtors with something to claim, again from the first if there are too few
    try:
        items.append(("reminder_letter", document_data(store, ids[turn % len(ids)], "reminder_letter",
                                                       office=office, today=today, agent="Marie Dubois")))
    except Exception:
        if turn >= len(ids) and not items:
            raise
    turn += 1
t1 = time.perf_counter()
if engine == "typst":
    data = render_documents(items).data
else:
    import io, warnings
    from fpdf import FPDF
    warnings.filterwarnings("ignore", message=".*viewBox")  # segno's SVG gives its size, not a viewBox
    pdf = FPDF(format="A4")
    pdf.set_margins(22, 20, 22)
    # fpdf2's core fonts are Latin-1 (no euro sign): a Unicode font from the system, as an office would need
    fonts = "/usr/share/fonts/truetype/dejavu/"
    pdf.add_font("dejavu", "", fonts + "DejaVuSans.ttf")
    pdf.add_font("dejavu", "B", fonts + "DejaVuSans-Bold.ttf")
    for _, d in items:
        pdf.add_page()
        pdf.set_font("dejavu", "B", 12)
        pdf.cell(0, 6, d["office"]["name"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("dejavu", "", 10)
        for line in (d["office"]["address"], f"{d['office']['postcode']} {d['office']['city']}"):
            pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(110)
        pdf.multi_cell(0, 5, "\n".join([d["debtor"]["name"], d["debtor"]["address"],
                                       f"{d['debtor']['postcode']} {d['debtor']['city']}"]), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
        pdf.cell(0, 5, f"{d['place']}, le {d['date']}", align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("dejavu", "B", 10)
        pdf.cell(0, 6, "Objet : Facture(s) impayée(s)", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("dejavu", "", 10)
        pdf.multi_cell(0, 5, "Madame, Monsieur, sauf erreur ou omission de notre part, les factures suivantes "
                             "restent impayées à ce jour :", new_x="LMARGIN", new_y="NEXT")
        with pdf.table(col_widths=(30, 25, 25, 30, 30)) as table:
            table.row(["Facture", "Date", "Échéance", "Montant", "Reste dû"])
            for i in d["invoices"]:
                table.row([i["number"], i["issue"], i["due"], i["amount"], i["balance"]])
        pdf.set_font("dejavu", "B", 10)
        pdf.cell(0, 6, f"Total restant dû : {d['total']}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("dejavu", "", 10)
        # how to pay, as the typst letter lays it out: the lines on the left, the EPC QR code 2.8 cm wide on the
        # right (the very SVG segno drew for typst, d["qr"], read from memory)
        top, qr_mm = pdf.get_y() + 4, 28
        pdf.set_y(top)
        lines = [f"IBAN : {d['office']['iban']} — BIC : {d['office']['bic']}",
                 f"Référence à indiquer : {d['reference']}"]
        if d["qr"]:
            lines.append("Scannez le code avec l'application de votre banque : le virement est prérempli.")
        pdf.multi_cell(pdf.epw - qr_mm - 6, 5, "\n".join(["Règlement par virement", *lines]), new_x="LMARGIN",
                       new_y="NEXT")
        if d["qr"]:
            pdf.image(io.BytesIO(d["qr"].encode("utf-8")), x=pdf.w - pdf.r_margin - qr_mm, y=top, w=qr_mm)
            pdf.set_y(max(pdf.get_y(), top + qr_mm) + 4)
        pdf.multi_cell(0, 5, "Nous vous prions d'agréer nos salutations distinguées.", new_x="LMARGIN", new_y="NEXT")
    data = bytes(pdf.output())
t2 = time.perf_counter()
open(out, "wb").write(data)
print(json.dumps({"letters": len(items), "data_s": t1 - t0, "render_s": t2 - t1, "bytes": len(data),
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def one(db: Path, engine: str, out: Path, letters: int) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT / "src"), str(db), engine, str(out), str(letters)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{engine}: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def spread(values: list[float], unit: str, scale: float = 1.0) -> str:
    v = [x * scale for x in values]
    return f"min {min(v):.0f} / median {statistics.median(v):.0f} / max {max(v):.0f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing demo base (else an 'office' demo is built)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--letters", type=int, default=LETTERS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "office.db"
            subprocess.run([sys.executable, "-m", "relance_tui", "--db", str(db), "demo", "--size", "office",
                            "--seed", "7", "--today", "2026-11-23"], check=True, capture_output=True,
                           env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
        res: dict[str, list[dict]] = {"typst": [], "fpdf2": []}
        for r in range(args.runs):
            for engine in res:  # interleaved: both engines see the same machine
                res[engine].append(one(db, engine, Path(tmp) / f"{engine}.pdf", args.letters))
            print(r, {e: round(v[-1]["render_s"] * 1000) for e, v in res.items()}, flush=True)
    count = res["typst"][0]["letters"]
    print(f"{count} letters, {args.runs} runs each")
    print(f"  data (document_data, both): {spread([x['data_s'] for x in res['typst']], 'ms', 1000)}")
    for engine, runs in res.items():
        print(f"  {engine:<6} render: {spread([x['render_s'] for x in runs], 'ms', 1000)}; "
              f"peak memory {spread([x['maxrss_mb'] for x in runs], 'MB')}; "
              f"file {runs[0]['bytes'] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
