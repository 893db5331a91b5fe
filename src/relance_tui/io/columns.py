"""Finding the columns of an export by their header names, in French, English or Dutch.

Header names are compared once folded (case, accents, punctuation and spacing ignored; a trailing unit such
as "(EUR)" or "(UTC)" dropped). Each field lists its names in two tiers: ``synonyms``, specific, tried for
every field first, then ``generic`` names ("montant", "date", "total", "statut"...) for the fields still
missing, so that a generic name never takes a column another field names exactly. Within a tier the order
of the names is the order of preference. ``--map FIELD=COLUMN``, ``--ignore COLUMN`` and a saved mapping
file settle the rest.

A column whose name says it holds an amount or a date, that no field names and that is not in the list of
columns relance knows it does not need (HT, VAT, creation date...), is never silently ignored: the import
stops and says which ``--map`` line would place it (``unplaced``).

The names themselves, and where they come from: io/column_names.py.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from relance_tui.domain.text import key
from relance_tui.io.column_names import (  # INVOICE_FIELDS, PAYMENT_FIELDS: callers find them here too
    AMOUNT_PHRASES,
    AMOUNT_WORDS,
    DATE_WORDS,
    INVOICE_FIELDS,
    KNOWN_UNUSED,
    PAYMENT_FIELDS,
    TRAILING_UNITS,
    Field,
)

IGNORE = "ignore"  # --map ignore=COLUMN, the same as --ignore COLUMN


def header_key(text: str | None) -> str:
    """A header folded for matching: 'Montant TTC (€)' -> 'montant ttc', 'Due Date (UTC)' -> 'due date'."""
    folded = key(text)
    for unit in TRAILING_UNITS:
        if folded.endswith(" " + unit):
            folded = folded[: -len(unit) - 1].strip()
    return folded


def looks_like(folded: str) -> str:
    """'amount', 'date' or '' for a folded header that names money or a date."""
    words = set(folded.split())
    if words & DATE_WORDS:
        return "date"
    if words & AMOUNT_WORDS or any(p in folded for p in AMOUNT_PHRASES):
        return "amount"
    return ""


def known_names(field_sets: tuple[tuple[Field, ...], ...] = (INVOICE_FIELDS, PAYMENT_FIELDS)) -> frozenset[str]:
    return frozenset(s for fields in field_sets for f in fields for s in (*f.synonyms, *f.generic))


class MappingProblem(ValueError):
    """The columns of a file cannot be matched to the fields an import needs."""


@dataclass(frozen=True)
class Unplaced:
    """A column that names money or a date and that no field names: the import stops on it."""
    column: str
    looks: str  # 'amount' or 'date'
    suggestion: str  # the field it most probably is

    def hint(self) -> str:
        return (f"colonne « {self.column} » : {'un montant' if self.looks == 'amount' else 'une date'} que "
                f"relance ne sait pas placer. Dites ce qu'elle contient, par exemple "
                f"--map {self.suggestion}={_quoted(self.column)} ; ou --ignore {_quoted(self.column)} "
                "si elle doit être ignorée")


class UnplacedColumns(MappingProblem):
    """Columns to place (or ignore on purpose) before an import can run; ``also``: another problem of the
    header found at the same time (a required column missing)."""

    def __init__(self, columns: list[Unplaced], labels: dict[str, str], also: str = ""):
        self.columns = columns
        self.labels = labels  # field -> French label, for the choices offered
        self.also = also
        super().__init__("\n".join([*(u.hint() for u in columns), *([also] if also else [])]))


def _quoted(column: str) -> str:
    return f'"{column}"' if not column.replace("-", "").replace("_", "").isalnum() else column


def suggest_field(folded: str, looks: str) -> str:
    """The field a column so named most probably holds (for the --map hint and the app's dialog)."""
    words = set(folded.split())
    if looks == "date":
        if words & {"echeance", "verval", "vervaldatum", "vervaldag", "due", "limite", "expiry"}:
            return "due_date"
        if words & {"livraison", "prestation", "execution", "delivery", "delivered", "supply", "levering",
                    "leveringsdatum", "uitvoering"}:
            return "delivery_date"
        if words & {"paiement", "reglement", "encaissement", "payment", "paid", "betaling", "betaaldatum",
                    "regle", "paye", "virement", "versement", "cheque", "recu", "received", "ontvangen"}:
            return "pay_date"
        return "issue_date"
    if words & {"paiement", "reglement", "payment", "betaling"}:
        return "pay_amount"
    if (words & {"reste", "restant", "solde", "saldo", "openstaand", "uitstaand", "outstanding", "remaining",
                 "balance", "open", "ouvert", "encours", "due", "du", "verschuldigd", "owed", "owing"}
            or any(p in folded for p in ("a payer", "a regler", "a encaisser", "to pay", "te betalen"))):
        return "remaining"
    if words & {"regle", "paye", "encaisse", "paid", "betaald", "voldaan", "ontvangen", "recu", "received"}:
        return "paid"
    return "amount"


@dataclass(frozen=True)
class ColumnMap:
    fields: dict[str, int]  # field name -> column index
    headers: list[str]
    forced: frozenset[str]  # fields set by --map or a mapping file
    ignored_on_purpose: frozenset[int] = frozenset()  # columns set aside by --ignore
    known_unused: frozenset[int] = frozenset()  # HT, VAT, creation date...: not needed
    unplaced: tuple[Unplaced, ...] = ()

    def ignored(self) -> list[str]:
        used = set(self.fields.values())
        return [h for i, h in enumerate(self.headers) if i not in used and h.strip()]

    def describe(self, field_set: tuple[Field, ...]) -> list[str]:
        labels = {f.name: f.label for f in field_set}
        return [f"{self.headers[i]} → {labels[name]}{' (imposé)' if name in self.forced else ''}"
                for name, i in sorted(self.fields.items(), key=lambda kv: kv[1])]

    def ignored_columns(self) -> list[str]:
        """The ignored columns, each with why, for the report."""
        out = []
        used = set(self.fields.values())
        for i, h in enumerate(self.headers):
            if i in used or not h.strip():
                continue
            why = (" (ignorée à la demande)" if i in self.ignored_on_purpose
                   else " (inutile à relance)" if i in self.known_unused else "")
            out.append(h + why)
        return out


def parse_map_options(options: list[str]) -> dict[str, str]:
    """``["amount=Total", ...]`` from --map options (``ignore=COLUMN`` is returned under ``ignore``,
    several joined by a line break: use ``split_ignored``)."""
    out: dict[str, str] = {}
    for opt in options:
        name, sep, column = opt.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise MappingProblem(f"--map {opt!r} : attendu CHAMP=COLONNE, par exemple amount=\"Total TTC\"")
        name = name.strip()
        if name in (IGNORE, "-"):
            out[IGNORE] = "\n".join(filter(None, (out.get(IGNORE, ""), column.strip())))
        else:
            out[name] = column.strip()
    return out


def split_ignored(forced: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """(the field mapping, the columns to ignore) from a parsed --map / mapping-file dict."""
    forced = dict(forced)
    ignored = [c for c in forced.pop(IGNORE, "").split("\n") if c.strip()]
    return forced, ignored


def load_mapping_file(path: Path) -> dict[str, str]:
    """The ``[columns]`` of a mapping file; its ``ignore = [...]`` list comes under ``ignore`` (see
    ``split_ignored``)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingProblem(f"{path}: fichier de correspondance illisible : {exc}") from None
    columns = data.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise MappingProblem(f"{path}: attendu une section [columns] avec des lignes champ = \"Colonne\"")
    out = dict(columns)
    ignore = data.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(v, str) for v in ignore):
        raise MappingProblem(f"{path}: attendu ignore = [\"Colonne\", ...] avant la section [columns]")
    if ignore:
        out[IGNORE] = "\n".join(ignore)
    return out


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def save_mapping_file(path: Path, cmap: ColumnMap) -> None:
    path.write_text(mapping_file_text(cmap), encoding="utf-8")


def mapping_file_text(cmap: ColumnMap) -> str:
    """The text of a mapping file (``--save-mapping``) for ``cmap``."""
    lines = ["# relance: which column of the export holds which field"]
    ignored = [cmap.headers[i] for i in sorted(cmap.ignored_on_purpose)]
    if ignored:
        lines.append("ignore = [" + ", ".join(_toml_string(h) for h in ignored) + "]")
    lines.append("[columns]")
    lines += [f"{name} = {_toml_string(cmap.headers[i])}" for name, i in sorted(cmap.fields.items())]
    return "\n".join(lines) + "\n"


def _column_index(headers: list[str], keys: list[str], column: str, what: str) -> int:
    wanted = header_key(column)
    if column.isdigit() and 1 <= int(column) <= len(headers):
        return int(column) - 1
    if wanted in keys:
        return keys.index(wanted)
    raise MappingProblem(f"{what}{column} : colonne absente de l'en-tête "
                         f"(colonnes : {', '.join(h for h in headers if h.strip())})")


@dataclass
class _Assign:
    fields: dict[str, int] = field(default_factory=dict)
    taken: set[int] = field(default_factory=set)


def map_columns(headers: list[str], field_set: tuple[Field, ...], forced: dict[str, str] | None = None,
                ignore: list[str] | None = None) -> ColumnMap:
    forced = forced or {}
    known = {f.name for f in field_set}
    keys = [header_key(h) for h in headers]
    out = _Assign()
    for name, column in forced.items():
        if name not in known:
            raise MappingProblem(f"champ {name!r} inconnu (champs possibles : {', '.join(sorted(known))})")
        out.fields[name] = _column_index(headers, keys, column, f"{name}=")
    ignored = {_column_index(headers, keys, column, "--ignore ") for column in ignore or ()}
    out.taken = set(out.fields.values()) | ignored
    for tier in ("synonyms", "generic"):
        for f in field_set:
            if f.name in out.fields:
                continue
            for synonym in getattr(f, tier):
                hits = [i for i, k in enumerate(keys) if k == synonym and i not in out.taken]
                if hits:
                    out.fields[f.name] = hits[0]
                    out.taken.add(hits[0])
                    break
    names = known_names()
    unused = frozenset(i for i, k in enumerate(keys) if k in KNOWN_UNUSED and i not in out.taken)
    unplaced = []
    for i, k in enumerate(keys):
        if i in out.taken or i in unused or not k or k in names:
            continue
        looks = looks_like(k)
        if looks:
            unplaced.append(Unplaced(headers[i].strip(), looks, suggest_field(k, looks)))
    return ColumnMap(out.fields, headers, frozenset(forced), frozenset(ignored), unused, tuple(unplaced))


# -- what a status or a document type says -----------------------------------------------------------------
# Values seen in exports (Dolibarr bills.lang: Payée, Impayée, Règlement commencé, Abandonnée, Brouillon,
# Validée, Payée (partiellement), Fermée; Odoo: Paid, Not Paid, In Payment, Partially Paid, Reversed, Payé,
# En paiement, Extourné, Betaald; Sellsy: à régler, paiement partiel, payée, retard, annulée; Stripe: draft,
# open, paid, uncollectible, void; Zoho: draft, sent, overdue, paid, partially paid, void).
STATUS_DRAFT = ("brouillon", "draft", "concept", "proforma", "pro forma", "a valider", "devis")
STATUS_VOID = ("annulee", "annule", "abandonnee", "abandonne", "void", "voided", "cancelled", "canceled",
               "cancel", "extournee", "extourne", "reversed", "geannuleerd", "supprimee", "fermee")
STATUS_PARTIAL = ("partiel", "partielle", "partiellement", "partial", "partially", "gedeeltelijk", "deels",
                  "commence", "commencee", "started", "acompte")
STATUS_UNPAID = ("non payee", "non paye", "non reglee", "non regle", "non soldee", "impayee", "impaye",
                 "unpaid", "not paid", "niet betaald", "onbetaald", "nog niet betaald")
STATUS_PAID = ("payee", "paye", "paid", "reglee", "regle", "soldee", "solde", "acquittee", "acquitte",
               "encaissee", "encaisse", "betaald", "voldaan", "afgeletterd", "lettree", "lettre")
STATUS_OPEN = ("open", "ouverte", "ouvert", "en retard", "retard", "late", "overdue", "a regler", "a payer",
               "due", "emise", "envoyee", "sent", "validee", "issued", "en attente", "pending", "outstanding",
               "uncollectible", "openstaand", "vervallen", "te betalen", "achterstallig", "verstuurd",
               "en paiement", "in payment", "in betaling", "posted", "comptabilisee", "relancee", "en cours",
               "a encaisser", "litige", "contestee", "disputed")
YES = ("oui", "yes", "true", "vrai", "ja", "1", "x", "o", "y")
NO = ("non", "no", "false", "faux", "nee", "0", "n")


def classify_status(text: str) -> str:
    """'paid', 'partial', 'open', 'void' (cancelled: not owed), 'draft' (never issued) or '' (unknown)."""
    folded = key(text)
    if not folded:
        return ""
    words = set(folded.split())

    def has(terms: tuple[str, ...]) -> bool:
        return any((t in words) if " " not in t else (t in folded) for t in terms)

    if folded in YES:
        return "paid"
    if folded in NO:
        return "open"
    if has(STATUS_DRAFT):
        return "draft"
    if has(STATUS_VOID):
        return "void"
    if has(STATUS_PARTIAL):
        return "partial"
    if has(STATUS_UNPAID):
        return "open"
    if has(STATUS_PAID):
        return "paid"
    if has(STATUS_OPEN):
        return "open"
    return ""


# -- what a country cell says ----------------------------------------------------------------------------
# ISO 3166-1 alpha-2 codes (https://www.iso.org/iso-3166-country-codes.html; the same list as tzdata's
# iso3166.tab), and the names and alpha-3 codes offices write for France, Belgium and their neighbours, in
# French, Dutch, English and German, folded by domain.text.key. Overseas departments keep their own codes
# (GP, MQ, GF, RE, YT): their time zone is not Paris's.
ISO_COUNTRIES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO
FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE
JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO
MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM
TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split())
COUNTRY_NAMES = {
    "FR": ("france", "republique francaise", "frankrijk", "frankreich", "fra"),
    "BE": ("belgique", "belgie", "belgium", "belgien", "royaume de belgique", "koninkrijk belgie", "bel"),
    "LU": ("luxembourg", "luxemburg", "grand duche de luxembourg", "lux"),
    "NL": ("pays bas", "nederland", "netherlands", "the netherlands", "hollande", "holland", "nld"),
    "DE": ("allemagne", "duitsland", "germany", "deutschland", "deu"),
    "CH": ("suisse", "zwitserland", "switzerland", "schweiz", "che"),
    "MC": ("monaco", "mco"),
    "ES": ("espagne", "spanje", "spain", "espana", "esp"),
    "IT": ("italie", "italy", "italia", "ita"),
    "PT": ("portugal", "prt"),
    "GB": ("royaume uni", "verenigd koninkrijk", "united kingdom", "grande bretagne", "great britain", "uk",
           "gbr"),
    "IE": ("irlande", "ierland", "ireland", "irl"),
    "AT": ("autriche", "oostenrijk", "austria", "osterreich", "aut"),
    "US": ("etats unis", "etats unis d amerique", "verenigde staten", "united states", "usa"),
}
_COUNTRY_BY_NAME = {name: code for code, names in COUNTRY_NAMES.items() for name in names}


def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code a country cell names ('Belgique', 'België', 'be', 'BEL' -> 'BE'); '' for an
    empty cell; None for a value relance does not know (the import says so rather than guess)."""
    folded = key(text)
    if not folded:
        return ""
    if folded in _COUNTRY_BY_NAME:
        return _COUNTRY_BY_NAME[folded]
    code = folded.upper()
    return code if code in ISO_COUNTRIES else None


DOC_CREDIT = ("avoir", "avoirs", "credit", "creditnota", "creditnote", "creditfactuur", "refund", "remboursement")
DOC_PAYMENT = ("paiement", "payment", "reglement", "betaling", "encaissement", "receipt", "recu")
DOC_INVOICE = ("facture", "invoice", "factuur", "verkoopfactuur", "standard", "remplacement", "acompte", "deposit",
               "situation", "debit", "vente", "sale", "sales", "bill", "note", "rekening")


def classify_doc_type(text: str) -> str:
    """'credit' (a credit note), 'invoice', 'payment' or '' (unknown) from a document-type cell."""
    words = set(key(text).split())
    if not words:
        return "invoice"
    if words & set(DOC_CREDIT):
        return "credit"
    if words & set(DOC_PAYMENT):
        return "payment"
    if words & set(DOC_INVOICE):
        return "invoice"
    return ""


_ORIGIN_AFTER = re.compile(
    r"(?:factuur|facture|fact\.?|fac\.?|invoice|inv\.?|sur|pour|op|on|for|of|de|van|avoir|credit\s*note|"
    r"creditnota)\s*(?:n\s*°|n°|no\.?|nr\.?|num\.?|#)?\s*:?\s*([A-Za-z0-9][A-Za-z0-9/_.-]*\d[A-Za-z0-9/_-]*)",
    re.IGNORECASE)
_INVOICE_WORD = re.compile(r"factuur|facture|fact\.?|fac\.?|invoice|inv\.?", re.IGNORECASE)


def origin_in_label(label: str, own_number: str) -> str:
    """The invoice a credit note's label names ('Avoir sur facture FA-2026-012' -> 'FA-2026-012'), or ''.
    A number right after an invoice word wins over one after 'avoir'; the credit note's own number never."""
    best, best_rank = "", 9
    for m in _ORIGIN_AFTER.finditer(label or ""):
        token = m.group(1).rstrip(".-/")
        if token == own_number:
            continue
        rank = 0 if _INVOICE_WORD.fullmatch(m.group(0).split()[0].rstrip(":")) or _INVOICE_WORD.match(
            m.group(0)) else 1
        if rank < best_rank:
            best, best_rank = token, rank
    return best


def absent_columns(missing: list[str]) -> str:
    """'colonne obligatoire absente : X' or 'colonnes obligatoires absentes : X, Y'."""
    what = "colonnes obligatoires absentes" if len(missing) > 1 else "colonne obligatoire absente"
    return f"{what} : {', '.join(missing)}"
