"""One home for each rule (STYLE.md, "Data is data"; issue 14, item 3): SQL text lives in store/ only.

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

import relance_tui

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
