"""Wording rules that hold across the code (issue 17, item 4): a count agrees with its noun ('1 facture',
'2 factures', domain/text.count and agreed), never the '(s)' of a form letter."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from relance_tui.domain.text import agreed, count

SRC = Path(__file__).resolve().parent.parent / "src" / "relance_tui"
HEDGED_PLURAL = re.compile(r"[a-zàâçéèêëîïôûùüÿ]\((?:e)?s\)", re.IGNORECASE)  # 'facture(s)', 'créé(e)s'


def _strings(path: Path) -> list[tuple[int, str]]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return [(t.start[0], t.string) for t in tokens if t.type == tokenize.STRING]


def test_no_message_hedges_a_plural_with_parentheses() -> None:
    found = [f"{path.relative_to(SRC)}:{line}: {text[:80]}" for path in sorted(SRC.rglob("*.py"))
             for line, text in _strings(path) if HEDGED_PLURAL.search(text)]
    found += [f"{path.relative_to(SRC)}: {m.group(0)}" for path in sorted((SRC / "templates").rglob("*"))
              if path.is_file() and path.suffix in (".j2", ".typ", ".toml", ".txt")
              for m in HEDGED_PLURAL.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_the_scan_sees_a_hedged_plural(tmp_path) -> None:  # the rule above can fail
    sample = tmp_path / "m.py"
    sample.write_text('x = f"{n} facture(s) créée(s)"\n# commentaire : facture(s)\n', encoding="utf-8")
    assert [text for _, text in _strings(sample) if HEDGED_PLURAL.search(text)] == ['f"{n} facture(s) créée(s)"']


@pytest.mark.parametrize(("n", "words"), [(0, "0 facture exportée"), (1, "1 facture exportée"),
                                          (2, "2 factures exportées"), (1500, "1\u00a0500 factures exportées")])
def test_a_count_agrees_with_its_noun(n, words) -> None:
    assert count(n, "facture exportée") == words
    assert agreed(n, "créé") == ("créés" if n > 1 else "créé")


def test_an_import_report_agrees_with_its_counts() -> None:
    from relance_tui.io.import_report import ImportReport
    from relance_tui.store.imports import MergeCounts

    report = ImportReport(path=Path("a.csv"), rows=1, valid=1)
    report.counts = MergeCounts(debtors_created=1, invoices_created=2, invoices_updated=1, unchanged=0,
                                invoices_paid=3, credit_notes=1)
    text = "\n".join(report.summary_lines())
    assert "1 ligne lue, 1 valide." in text and "Débiteurs : 1 créé, 0 complété" in text
    assert "Factures : 2 nouvelles (dont 1 avoir), 1 modifiée, 0 inchangée, 3 soldées" in text


@pytest.mark.parametrize(("city", "said"), [("Rennes", "de Rennes"), ("Le Mans", "du Mans"), ("Orléans", "d'Orléans"),
                                            ("Angers", "d'Angers"), ("Les Ulis", "des Ulis"), ("Liège", "de Liège"),
                                            ("La Rochelle", "de La Rochelle"), ("Arlon", "d'Arlon")])
def test_a_demo_town_is_named_as_the_french_write_it(city, said) -> None:
    from relance_tui.demo import of_place

    assert of_place(city) == said


def test_no_demo_business_is_named_after_a_town_with_du(store) -> None:
    from relance_tui.demo import CITIES, build_demo

    build_demo(store, size="small", seed=1)
    names = [r[0] for r in store.db.execute("SELECT name FROM debtors")]
    towns = [c[0] for c in CITIES if not c[0].startswith("Le ")]
    assert not [n for n in names for t in towns if f" du {t}" in n]
    assert any(" de " in n or " d'" in n for n in names)


@pytest.mark.parametrize(("value", "said"), [(1, "1 facture"), (2, "2 factures"), ("2", "2 factures"),
                                             ("2.0", "2 factures"), (2.7, "2 factures"), (None, "0 facture"),
                                             (float("inf"), "0 facture"), ("beaucoup", "0 facture")])
def test_the_templates_plural_filter_counts_what_it_can_and_never_fails(tmp_path, value, said) -> None:
    from relance_tui.io.templates import make_environment

    assert make_environment(tmp_path).from_string("{{ n|plural('facture') }}").render(n=value) == said
