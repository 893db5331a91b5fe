"""The lower layers never import Textual (or anything above them)."""

import subprocess
import sys


def test_domain_and_store_do_not_import_textual():
    code = (
        "import sys, relance_tui.domain.penalties, relance_tui.domain.priority, relance_tui.domain.vocabulary, "
        "relance_tui.store.connection, relance_tui.store.queries, relance_tui.store.overdue, relance_tui.demo, "
        "relance_tui.config; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith('relance_tui.tui')); "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_domain_imports_nothing_of_ours_outside_domain():
    code = (
        "import sys, pkgutil, importlib, relance_tui.domain as d; "
        "[importlib.import_module('relance_tui.domain.' + m.name) for m in pkgutil.iter_modules(d.__path__)]; "
        "print(','.join(sorted(m for m in sys.modules if m.startswith('relance_tui.') "
        "and not m.startswith('relance_tui.domain'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
