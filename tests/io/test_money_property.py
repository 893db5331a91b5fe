"""Property (issue 12, "Done when"): whatever the debtors, invoices, credit notes (named or not, larger than
the balance) and dated payments, imported through the real importer and the store, the aged balance
(``export debtors``), the open invoices (``export invoices --open``), the overdue list's footer and the cards
all say the same, to the cent; re-importing a corrected export (a credit note added, a payment added) moves
every one of them by the same amount.

The oracle is independent of relance's allocation: per debtor, what the invoices still owe in money less
every credit note is the net balance; the credit notes cover what is owed first (what they cannot cover is
unapplied credit). A payments-file line naming an invoice first dates the money the export showed paid
without a date (the README's rule), so only what exceeds that is new money.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relance_tui.io.export import export_debtors, export_invoices
from relance_tui.io.importer import import_file
from relance_tui.store import open_store
from relance_tui.store.cards import debtor_card, record_payment
from relance_tui.store.ledger import aged_balance
from relance_tui.store.overdue import OverdueQuery, aging_summary, fetch_rows, matching_ids
from relance_tui.store.queries import load_rates

AS_OF = dt.date(2026, 11, 23)
START = dt.date(2026, 1, 5)
NAMES = ("Boulangerie Martin", "Garage Dupont", "Hôtel du Lac", "Pharmacie Leroy")
INVOICES_HEADER = "N° facture;Client;Code client;Date facture;Échéance;Montant TTC;Reste dû;Facture d'origine\n"
PAYMENTS_HEADER = "Date de règlement;N° facture;Code client;Montant;Référence\n"


@dataclass
class Row:
    number: str
    code: str
    issue: dt.date
    due: dt.date
    amount: int  # negative: a credit note
    remaining: int
    origin: str = ""


@dataclass
class Debtor:
    code: str
    name: str
    invoices: list[Row] = field(default_factory=list)
    credits: list[Row] = field(default_factory=list)
    named: list[tuple[str, dt.date, int]] = field(default_factory=list)  # (invoice, day, cents)
    unnamed: list[tuple[dt.date, int]] = field(default_factory=list)


def day_between(draw, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=draw(st.integers(0, max(0, (last - first).days))))


@st.composite
def offices(draw) -> list[Debtor]:
    out, n = [], 0
    for d in range(draw(st.integers(1, 4))):
        debtor = Debtor(f"C{d + 1:02d}", NAMES[d])
        for _ in range(draw(st.integers(0, 4))):
            n += 1
            issue = day_between(draw, START, dt.date(2026, 11, 1))
            amount = draw(st.integers(100, 500_000))
            paid = draw(st.sampled_from(["none", "none", "part", "all"]))
            remaining = {"none": amount, "all": 0}.get(paid) or draw(st.integers(1, amount - 1))
            debtor.invoices.append(Row(f"FA-2026-{n:04d}", debtor.code, issue,
                                       issue + dt.timedelta(days=draw(st.sampled_from([0, 30, 45, 60]))),
                                       amount, remaining))
        for _ in range(draw(st.integers(0, 2))):
            n += 1
            day = day_between(draw, START, AS_OF)
            amount = draw(st.integers(100, 300_000))  # often larger than what it names, or than all
            names = draw(st.sampled_from(["", *(i.number for i in debtor.invoices)]))
            debtor.credits.append(Row(f"AV-2026-{n:04d}", debtor.code, day, day, -amount, -amount, names))
        free = 0
        for inv in debtor.invoices:
            if inv.remaining and draw(st.booleans()):
                cents = draw(st.integers(1, inv.remaining))
                debtor.named.append((inv.number, day_between(draw, inv.issue, AS_OF), cents))
                free += inv.remaining - cents
            else:
                free += inv.remaining
        if free and draw(st.booleans()):
            debtor.unnamed.append((day_between(draw, START, AS_OF), draw(st.integers(1, free))))
        out.append(debtor)
    return out


def money(cents: int) -> str:
    return f"{'-' if cents < 0 else ''}{abs(cents) // 100},{abs(cents) % 100:02d}"


def invoice_line(r: Row, name: str) -> str:
    return (f"{r.number};{name};{r.code};{r.issue:%d/%m/%Y};{r.due:%d/%m/%Y};{money(r.amount)};"
            f"{money(r.remaining)};{r.origin}\n")


class Oracle:
    """What each debtor owes in money (invoice by invoice) and in credit notes, from the generated data."""

    def __init__(self, debtors: list[Debtor]):
        self.money = {d.code: {i.number: i.amount - (i.amount - i.remaining) for i in d.invoices} for d in debtors}
        self.undated = {i.number: i.amount - i.remaining for d in debtors for i in d.invoices}
        self.credit = {d.code: sum(-c.amount for c in d.credits) for d in debtors}
        self.extra = dict.fromkeys(self.money, 0)  # money received without naming an invoice

    def pay(self, code: str, number: str | None, cents: int) -> None:
        if number is None:
            self.extra[code] += cents
            return
        dating = min(cents, self.undated[number])  # dates money the export showed paid: not new money
        self.undated[number] -= dating
        self.money[code][number] -= cents - dating

    def net(self, code: str) -> int:
        return sum(self.money[code].values()) - self.extra[code] - self.credit[code]


def cents(cell: str) -> int:
    return round(float(cell) * 100)


def check_everything_agrees(store, oracle: Oracle, codes: list[str]) -> dict[str, int]:
    rates = load_rates(store)
    ids = dict(store.conn.execute("SELECT code, id FROM debtors").fetchall())
    cards = {code: debtor_card(store, ids[code], as_of=AS_OF, rates=rates) for code in codes if code in ids}
    for code in codes:
        net = oracle.net(code)
        card = cards.get(code)
        due, credit = (card.due_cents, card.credit_cents) if card else (0, 0)
        assert (due, credit, due - credit) == (max(0, net), max(0, -net), net), code

    aged = {r.code: r for r in aged_balance(store, AS_OF, rates)}
    for code, card in cards.items():
        row = aged.get(code)
        if row is None:
            assert card.due_cents == 0 and card.credit_cents == 0, code
            continue
        assert (row.due_cents, row.unapplied_credit_cents, row.net_cents) == \
            (card.due_cents, card.credit_cents, card.net_cents), code
        if card.penalty_cents is None:
            assert row.claimable_penalty_cents is None, code
        else:
            assert row.claimable_penalty_cents == card.penalty_cents + card.paid_late_penalty_cents, code

    out = io.StringIO()
    export_debtors(store, out, as_of=AS_OF, excel=False)
    debtor_rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    out = io.StringIO()
    export_invoices(store, out, as_of=AS_OF, open_only=True, excel=False)
    invoice_rows = list(csv.DictReader(io.StringIO(out.getvalue())))

    buckets = ("Non échu", "1-30 j", "31-60 j", "61-90 j", "Plus de 90 j")
    exported_net = sum(cents(r["Total dû net des avoirs"]) for r in debtor_rows[:-1])
    exported_due = sum(cents(r[b]) for r in debtor_rows[:-1] for b in buckets)
    unapplied = -sum(cents(r["Avoirs non imputés"]) for r in debtor_rows[:-1])
    open_balances = sum(cents(r["Reste dû"]) for r in invoice_rows[:-1])
    footer = sum(b.due_cents for b in aging_summary(store, AS_OF))
    q = OverdueQuery(AS_OF, per_debtor=True)
    listed = fetch_rows(store, q, list(matching_ids(store, q)), rates)
    assert exported_net == cents(debtor_rows[-1]["Total dû net des avoirs"])
    assert open_balances == cents(invoice_rows[-1]["Reste dû"])
    assert exported_due == open_balances == footer == sum(r.due_cents for r in listed) \
        == sum(c.due_cents for c in cards.values()) == sum(max(0, oracle.net(c)) for c in codes)
    assert exported_net == open_balances - unapplied == sum(c.net_cents for c in cards.values()) \
        == sum(oracle.net(c) for c in codes)
    assert unapplied == sum(c.credit_cents for c in cards.values())
    return {code: oracle.net(code) for code in codes}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(debtors=offices(), data=st.data())
def test_every_total_agrees_to_the_cent_and_moves_together_on_reimport(debtors, data):
    codes = [d.code for d in debtors]
    names = {d.code: d.name for d in debtors}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        store = open_store(tmp_path / "r.db", agent="marie", create=True)
        try:
            oracle = Oracle(debtors)
            rows = [r for d in debtors for r in (*d.invoices, *d.credits)]
            if rows:
                first = tmp_path / "export.csv"
                first.write_text(INVOICES_HEADER + "".join(invoice_line(r, names[r.code]) for r in rows),
                                 encoding="utf-8")
                import_file(store, first, as_of=AS_OF)
            # named lines first: an unnamed payment may take what a named one was meant for
            lines = [(number, "", day, c) for d in debtors for number, day, c in d.named] + \
                [("", d.code, day, c) for d in debtors for day, c in d.unnamed]
            if lines:
                pay = tmp_path / "paiements.csv"
                pay.write_text(PAYMENTS_HEADER + "".join(
                    f"{day:%d/%m/%Y};{number};{code};{money(c)};VIR {n}\n"
                    for n, (number, code, day, c) in enumerate(lines)), encoding="utf-8")
                import_file(store, pay, as_of=AS_OF)
                by_number = {i.number: d.code for d in debtors for i in d.invoices}
                for number, code, _day, c in lines:
                    oracle.pay(by_number[number] if number else code, number or None, c)
            check_everything_agrees(store, oracle, codes)

            # a payment entered by hand, for one debtor that owes something
            owing = [c for c in codes if oracle.net(c) > 0]
            if owing:
                code = data.draw(st.sampled_from(owing))
                amount = data.draw(st.integers(1, oracle.net(code)))
                debtor_id = store.conn.execute("SELECT id FROM debtors WHERE code = ?", [code]).fetchone()[0]
                record_payment(store, debtor_id, day=data.draw(st.dates(START, AS_OF)), amount_cents=amount)
                oracle.pay(code, None, amount)
            before = check_everything_agrees(store, oracle, codes)

            # the next export: what the accounts say each invoice still owes, plus a credit note and a payment
            current = {number: (amount, paid - credited) for number, amount, paid, credited in store.conn.execute(
                "SELECT number, amount_cents, paid_cents, credited_cents FROM invoices")}
            for r in rows:
                r.remaining = current[r.number][0] - current[r.number][1]
            code = data.draw(st.sampled_from(codes))
            debtor = next(d for d in debtors if d.code == code)
            new_credit = data.draw(st.integers(100, 300_000))
            named = data.draw(st.sampled_from(["", *(i.number for i in debtor.invoices)]))
            day = data.draw(st.dates(START, AS_OF))
            rows.append(Row("AV-2026-9999", code, day, day, -new_credit, -new_credit, named))
            oracle.credit[code] += new_credit
            paid_now = 0
            payable = [r for r in rows if r.amount > 0 and r.remaining > 0]
            if payable:
                target = data.draw(st.sampled_from(payable))
                paid_now = data.draw(st.integers(1, target.remaining))
                target.remaining -= paid_now
                oracle.money[target.code][target.number] -= paid_now  # undated money: new money
            corrected = tmp_path / "export-2.csv"
            corrected.write_text(INVOICES_HEADER + "".join(invoice_line(r, names[r.code]) for r in rows),
                                 encoding="utf-8")
            import_file(store, corrected, as_of=AS_OF)
            after = check_everything_agrees(store, oracle, codes)
            assert sum(before.values()) - sum(after.values()) == new_credit + paid_now
        finally:
            store.close()
