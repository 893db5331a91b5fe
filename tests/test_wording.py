"""Wording rules that hold across the code (issue 17, item 4): a count agrees with its noun ('1 facture',
'2 factures', domain/text.count and agreed), never the '(s)' of a form letter nor a plural written after a
number ('{n} factures' says '1 factures')."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from itertools import pairwise
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


# Nouns that, right after a number, say the plural whatever the number: f"{n} factures" prints "1 factures".
PLURAL_NOUNS = ("factures", "débiteurs", "promesses", "appels", "emails", "e-mails", "mails", "courriels", "lignes",
                "courriers", "lettres", "documents", "étapes", "agents", "sessions", "invoices", "relances",
                "paiements", "événements", "contacts", "dossiers", "fichiers", "colonnes", "erreurs", "avoirs",
                "litiges", "rappels", "versements", "échéances", "écritures", "modèles", "machines", "jours", "ans",
                "années", "semaines", "heures", "minutes", "secondes")
AFTER_A_PLACEHOLDER = re.compile(r"^ (?:" + "|".join(map(re.escape, PLURAL_NOUNS)) + r")\b")
AFTER_A_TEMPLATE_VALUE = re.compile(r"\}\} (?:" + "|".join(map(re.escape, PLURAL_NOUNS)) + r")\b")
# (file under src/relance_tui, the placeholder and what follows it) -> why the number is never 0 or 1 there
COUNTED_BY_HAND = {
    ("io/import_fec.py", "{len(headers)} colonnes"):
        "detect_fec is reached only once FecReader.missing_columns found none of FEC_REQUIRED's six missing",
    ("commands/base.py", "{len(writers)} machines"): "said only when several machines wrote (len(writers) > 1)",
}


def _plurals_after_a_placeholder(source: str) -> list[tuple[int, str]]:
    """(line, '{placeholder} noun') of every f-string where a placeholder is followed by a space and a plural
    noun, in the order of the source; read from the syntax tree, so an f-string written in pieces over several
    lines is seen whole."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for value, text in pairwise(node.values):
                if (isinstance(value, ast.FormattedValue) and isinstance(text, ast.Constant)
                        and isinstance(text.value, str) and (m := AFTER_A_PLACEHOLDER.match(text.value))):
                    found.append(((node.lineno, node.col_offset), f"{{{ast.unparse(value.value)}}}{m.group(0)}"))
    return [(at[0], text) for at, text in sorted(found, key=lambda hit: hit[0])]


def _counted_by_hand(name: str, source: str) -> list[str]:
    return [f"{name}:{line}: {text}" for line, text in _plurals_after_a_placeholder(source)
            if (name, text) not in COUNTED_BY_HAND]


def test_no_message_writes_a_plural_after_a_number() -> None:
    found = [hit for path in sorted(SRC.rglob("*.py"))
             for hit in _counted_by_hand(path.relative_to(SRC).as_posix(), path.read_text(encoding="utf-8"))]
    found += [f"{path.relative_to(SRC)}: {m.group(0)}" for path in sorted((SRC / "templates").rglob("*"))
              if path.is_file() and path.suffix in (".j2", ".typ", ".toml", ".txt")
              for m in AFTER_A_TEMPLATE_VALUE.finditer(path.read_text(encoding="utf-8"))]
    assert found == [], "use domain/text.count(n, 'facture'), or add the line to COUNTED_BY_HAND with its reason"


def test_the_plural_scan_sees_a_number_before_a_plural_noun() -> None:  # the rule above can fail
    old = (  # lines as they were in commands/base.py and io/export.py
        'print(f"Base créée : {path} "\n'
        '      f"(schéma v{store.schema_version()}, {c.debtors} débiteurs, {c.invoices} factures)")\n'
        'sheet.row(("", f"Total ({len(invoices)} factures) au {as_of:%d/%m/%Y}", ""))\n'
        'x = f"{n:,} jours, {m} e-mails"\n')
    assert [text for _, text in _plurals_after_a_placeholder(old)] == [
        "{c.debtors} débiteurs", "{c.invoices} factures", "{len(invoices)} factures", "{n} jours", "{m} e-mails"]
    fixed = ('x = f"{count(c.debtors, \'débiteur\')}, {n} facture, {n} factures_csv, {n} facturesque, {path} "\n'
             'y = f"{n} {nouns}, {n}factures, une liste de factures {n}" + " factures"\n')
    assert _plurals_after_a_placeholder(fixed) == []
    assert _counted_by_hand("io/import_fec.py", 'f"{len(headers)} colonnes FEC"') == []
    assert _counted_by_hand("io/importer.py", 'f"{len(headers)} colonnes FEC"') != []
    assert AFTER_A_TEMPLATE_VALUE.search("{{ n }} factures") and not AFTER_A_TEMPLATE_VALUE.search(
        "{{ n|plural('facture') }} ouvertes")


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
