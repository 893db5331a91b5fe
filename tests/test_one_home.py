"""One home for each rule (STYLE.md, "Data is data"; issue 14, item 3): SQL text lives in store/ only; the
invoice status sets in domain/vocabulary.py (store/conditions.py spells them in SQL); money is formatted by
domain/money.py.

Read statically, as tests/test_layers.py reads imports: every string constant of every module outside
store/ (f-string pieces too) is matched against the words that start an SQL statement or join its
clauses, and every call of a connection's ``execute``/``executemany``/``executescript``/``backup`` is
flagged. The keywords are matched in capitals, as this code base writes its SQL, so French text ("select",
"delete" in a binding's id) does not trip it.

demo.py is held to the rule too: the demo's rows are written by store/demo_rows.py, so that a migration
that renames a column finds every statement naming it in store/.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import relance_tui
from relance_tui.domain.money import NBSP, format_compact, format_money
from relance_tui.domain.vocabulary import CONTESTED_STATUSES, INVOICE_STATUSES, OUTSTANDING_STATUSES, is_outstanding
from relance_tui.store.conditions import OUTSTANDING_SQL, codes_sql

SRC = Path(relance_tui.__file__).parent
STATEMENT = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|PRAGMA|BEGIN|CREATE|DROP|ALTER|REPLACE|COMMIT|"
                       r"ROLLBACK|SAVEPOINT|RELEASE|VACUUM|ATTACH|ANALYZE)\b")
CLAUSE = re.compile(r"\b(FROM|WHERE|JOIN|ORDER BY|GROUP BY|VALUES|SET|INTO)\b")
CONNECTION_CALLS = {"execute", "executemany", "executescript", "backup"}


def sql_in(path: Path) -> list[str]:
    """Where ``path`` holds SQL text or runs statements on a connection: 'line: what'."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if STATEMENT.search(node.value) or CLAUSE.search(node.value):
                found.append(f"{node.lineno}: {node.value[:60]!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in CONNECTION_CALLS:
            found.append(f"{node.lineno}: .{node.func.attr}(...)")
    return found


def modules_outside_store() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if p.relative_to(SRC).parts[0] != "store")


def test_the_walk_sees_every_layer_above_store():
    tops = {p.relative_to(SRC).parts[0] for p in modules_outside_store()}
    assert {"domain", "io", "tui", "cli.py", "config.py", "demo.py"} <= tops


def test_no_sql_outside_store():
    wrong = [f"{p.relative_to(SRC)}:{where}" for p in modules_outside_store() for where in sql_in(p)]
    assert wrong == []


def test_the_check_finds_the_sql_that_store_holds():
    # the check must not pass because it sees nothing: store/ is full of what it looks for
    assert len(sql_in(SRC / "store" / "cards.py")) >= 5
    assert any("PRAGMA" in w for w in sql_in(SRC / "store" / "maintenance.py"))


def test_the_check_sees_sql_hidden_in_an_f_string_or_a_fragment(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "def f(conn, cols, marks):\n"
        "    rows = conn.execute(f'SELECT {cols} FROM invoices WHERE id IN ({marks})')\n"
        "    where = f\"{cols} FROM invoices\"\n"
        "    ok = 'select the rows'  # French or English prose in lower case is not SQL\n"
        "    return rows, where, ok\n")
    assert sorted(sql_in(probe)) == ["2: ' FROM invoices WHERE id IN ('", "2: 'SELECT '", "2: .execute(...)",
                                     "3: ' FROM invoices'"]


# -- one vocabulary -----------------------------------------------------------------------------------
def _strings(path: Path) -> list[ast.Constant]:
    """The string constants of ``path`` (f-string pieces too), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docstrings]


SQL_LIST = re.compile(r"\(\s*'\w+'(?:\s*,\s*'\w+')+\s*\)")


def status_sets_in(path: Path) -> list[str]:
    """Where ``path`` spells a set of invoice statuses: a literal tuple, list or set naming two statuses or
    more, or an SQL list of them."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and len(node.elts) >= 2 \
                and all(isinstance(e, ast.Constant) and e.value in INVOICE_STATUSES for e in node.elts):
            found.append(f"{node.lineno}: {sorted(e.value for e in node.elts)}")
    for n in _strings(path):
        for sql_list in SQL_LIST.finditer(n.value):
            if all(code in INVOICE_STATUSES for code in re.findall(r"'(\w+)'", sql_list.group())):
                found.append(f"{n.lineno}: {sql_list.group()}")
    return found


# Migrations are history: 0005 wrote the outstanding condition out, as it ran on every base; the test
# below checks that the index it made still matches store/conditions.py.
STATUS_SETS_ALLOWED = {"domain/vocabulary.py", "store/schema.py", "store/schema_later.py"}  # migrations: frozen text


def test_the_status_sets_are_spelled_once():
    wrong = [f"{p.relative_to(SRC)}:{where}" for p in sorted(SRC.rglob("*.py"))
             if p.relative_to(SRC).as_posix() not in STATUS_SETS_ALLOWED for where in status_sets_in(p)]
    assert wrong == []


def test_the_status_check_sees_a_copy(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f(i):\n    return i.status in ('disputed', 'litigation')\n"
                     "SQL = \"status IN ('open', 'disputed')\"\n")
    assert sorted(status_sets_in(probe)) == ["2: ['disputed', 'litigation']", "3: ('open', 'disputed')"]
    assert status_sets_in(SRC / "domain" / "vocabulary.py")  # where they are spelled


@pytest.mark.parametrize("name", ["invoices_outstanding", "invoices_limitation_start"])
def test_the_outstanding_indexes_are_the_condition_the_queries_read(store, name):
    index = store.conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", [name]).fetchone()[0]
    assert index.endswith(f"WHERE {OUTSTANDING_SQL}")
    assert OUTSTANDING_SQL == f"status IN {codes_sql(OUTSTANDING_STATUSES)} AND amount_cents > paid_cents"


@pytest.mark.parametrize(("status", "amount", "paid", "owed"), [
    ("open", 100, 0, True), ("disputed", 100, 99, True), ("litigation", 100, 0, True),
    ("open", 100, 100, False),  # settled, whatever its status says
    ("open", -100, 0, False),  # a credit note owes nothing
    ("paid", 100, 0, False), ("written_off", 100, 0, False),
])
def test_outstanding_in_python_and_in_sql_agree(store, status, amount, paid, owed):
    assert is_outstanding(status, amount, paid) is owed
    sql = f"SELECT {OUTSTANDING_SQL} FROM (SELECT ? AS status, ? AS amount_cents, ? AS paid_cents)"
    assert bool(store.conn.execute(sql, [status, amount, paid]).fetchone()[0]) is owed


def test_contested_invoices_are_outstanding():
    assert set(CONTESTED_STATUSES) < set(OUTSTANDING_STATUSES) < set(INVOICE_STATUSES)


def test_codes_sql_takes_codes_only():
    assert codes_sql(["open", "paid"]) == "('open', 'paid')"
    for bad in ([], ["open'); DROP TABLE invoices; --"], ["Open"]):
        with pytest.raises(ValueError):
            codes_sql(bad)


# -- one money formatter ------------------------------------------------------------------------------
MONEY_FORMATTERS = {"money", "_money", "euros", "_euros", "compact"}
# '€' outside domain/money.py: where an amount is read, not written (parsing, an import's currency column),
# and the demo's call notes, which imitate what an agent types (changing them would change the demo).
EURO_ALLOWED = {"domain/money.py", "domain/parsing.py", "io/import_rows.py", "demo.py"}


def test_money_is_formatted_in_domain_money_only():
    wrong = []
    for p in sorted(SRC.rglob("*.py")):
        where = p.relative_to(SRC).as_posix()
        wrong += [f"{where}:{n.lineno} def {n.name}" for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                  if isinstance(n, ast.FunctionDef) and n.name in MONEY_FORMATTERS]
        if where not in EURO_ALLOWED:
            wrong += [f"{where}:{n.lineno} {n.value!r}" for n in _strings(p) if "€" in n.value]
    assert wrong == []


def test_an_amount_says_whether_it_carries_the_euro_sign():
    assert format_money(123456, symbol=True) == f"1{NBSP}234,56{NBSP}€"
    assert format_money(-5, symbol=False) == "-0,05"
    assert format_money(None, symbol=True) == format_money(None, symbol=False) == "?"  # unknown, never 0
    with pytest.raises(TypeError):
        format_money(100)  # type: ignore[call-arg]  # the symbol is said at each call


@pytest.mark.parametrize(("cents", "text"), [
    (925_849, f"9{NBSP}258 €"), (999_999_99, "1000,0 k€"), (1_000_000_00, "1,00 M€"),
    (1_060_000, "10,6 k€"), (163_000_000, "1,63 M€"), (0, "0 €"),
])
def test_compact_amounts_for_the_aging_bar(cents, text):
    assert format_compact(cents) == text
