"""Finding the columns of an export by their header names, in French or English.

Header names are compared once folded (case, accents, punctuation and
spacing ignored). Each field lists its names from the most to the least
specific; ``--map FIELD=COLUMN`` and a saved mapping file settle the rest.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from relance_tui.domain.text import key


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # French, for messages
    synonyms: tuple[str, ...]


INVOICE_FIELDS: tuple[Field, ...] = (
    Field("number", "numéro de facture", (
        "n facture", "no facture", "num facture", "numero facture", "numero de facture", "n de facture",
        "n piece", "no piece", "numero de piece", "numero piece", "ref facture", "reference facture",
        "invoice number", "invoice no", "invoice", "facture", "piece", "ref", "reference", "document",
        "n document", "numero")),
    Field("debtor_name", "client (raison sociale)", (
        "raison sociale", "nom client", "nom du client", "client", "societe", "debiteur", "denomination",
        "customer name", "customer", "company", "nom")),
    Field("debtor_code", "code client", (
        "code client", "n client", "no client", "numero client", "compte client", "compte auxiliaire",
        "code tiers", "tiers", "customer id", "customer code", "account", "compte")),
    Field("siren", "SIREN", ("siren", "n siren", "siret", "n siret")),
    Field("issue_date", "date de facture", (
        "date facture", "date de facture", "date piece", "date de piece", "date emission", "date d emission",
        "invoice date", "issue date", "date document", "date")),
    Field("due_date", "date d'échéance", (
        "date d echeance", "date echeance", "echeance", "due date", "date limite de paiement",
        "date limite", "date de reglement prevue")),
    Field("amount", "montant TTC", (
        "montant ttc", "total ttc", "ttc", "net a payer", "montant facture", "montant", "amount incl tax",
        "total amount", "amount", "total")),
    Field("paid", "montant réglé", (
        "regle", "montant regle", "deja regle", "paye", "montant paye", "encaisse", "amount paid", "paid")),
    Field("remaining", "reste dû", (
        "reste du", "reste a payer", "restant du", "solde du", "solde", "montant du", "open amount",
        "amount due", "outstanding", "balance")),
    Field("email", "email", ("email", "e mail", "mail", "courriel", "adresse email", "adresse mail")),
    Field("phone", "téléphone", ("telephone", "tel", "n telephone", "phone", "portable", "mobile")),
    Field("contact", "contact", ("contact", "interlocuteur", "nom contact", "nom du contact")),
    Field("address", "adresse", ("adresse", "address", "rue")),
    Field("postcode", "code postal", ("code postal", "cp", "postcode", "zip")),
    Field("city", "ville", ("ville", "city", "localite")),
    Field("currency", "devise", ("devise", "currency", "monnaie")),
)

PAYMENT_FIELDS: tuple[Field, ...] = (
    Field("pay_date", "date du paiement", (
        "date de paiement", "date paiement", "date de reglement", "date reglement", "date encaissement",
        "date d encaissement", "date valeur", "payment date", "date")),
    Field("number", "numéro de facture", (
        "n facture", "no facture", "numero de facture", "numero facture", "facture", "invoice number",
        "invoice", "n piece", "piece")),
    Field("debtor_code", "code client", ("code client", "n client", "numero client", "compte client",
                                         "code tiers", "customer code", "compte")),
    Field("debtor_name", "client", ("raison sociale", "client", "nom client", "customer", "debiteur")),
    Field("amount", "montant", ("montant regle", "montant paye", "montant", "amount", "credit", "somme")),
    Field("reference", "référence du paiement", (
        "reference paiement", "reference du paiement", "ref paiement", "reference virement", "n cheque",
        "reference", "ref", "libelle", "label")),
)

FIELD_SETS = {"invoices": INVOICE_FIELDS, "payments": PAYMENT_FIELDS}


class MappingProblem(ValueError):
    """The columns of a file cannot be matched to the fields an import needs."""


@dataclass(frozen=True)
class ColumnMap:
    fields: dict[str, int]  # field name -> column index
    headers: list[str]
    forced: frozenset[str]  # fields set by --map or a mapping file

    def ignored(self) -> list[str]:
        used = set(self.fields.values())
        return [h for i, h in enumerate(self.headers) if i not in used and h.strip()]

    def describe(self, field_set: tuple[Field, ...]) -> list[str]:
        labels = {f.name: f.label for f in field_set}
        return [f"{self.headers[i]} → {labels[name]}{' (imposé)' if name in self.forced else ''}"
                for name, i in sorted(self.fields.items(), key=lambda kv: kv[1])]


def parse_map_options(options: list[str]) -> dict[str, str]:
    """``["amount=Total", ...]`` from --map options."""
    out = {}
    for opt in options:
        name, sep, column = opt.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise MappingProblem(f"--map {opt!r} : attendu CHAMP=COLONNE, par exemple amount=\"Total TTC\"")
        out[name.strip()] = column.strip()
    return out


def load_mapping_file(path: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingProblem(f"{path}: fichier de correspondance illisible : {exc}") from None
    columns = data.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise MappingProblem(f"{path}: attendu une section [columns] avec des lignes champ = \"Colonne\"")
    return dict(columns)


def save_mapping_file(path: Path, cmap: ColumnMap) -> None:
    lines = ["# relance: which column of the export holds which field", "[columns]"]
    lines += [f'{name} = "{cmap.headers[i]}"' for name, i in sorted(cmap.fields.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def map_columns(headers: list[str], field_set: tuple[Field, ...], forced: dict[str, str] | None = None) -> ColumnMap:
    forced = forced or {}
    known = {f.name for f in field_set}
    keys = [key(h) for h in headers]
    fields: dict[str, int] = {}
    for name, column in forced.items():
        if name not in known:
            raise MappingProblem(f"champ {name!r} inconnu (champs possibles : {', '.join(sorted(known))})")
        wanted = key(column)
        if column.isdigit() and 1 <= int(column) <= len(headers):
            fields[name] = int(column) - 1
        elif wanted in keys:
            fields[name] = keys.index(wanted)
        else:
            raise MappingProblem(f"{name}={column} : colonne absente de l'en-tête "
                                 f"(colonnes : {', '.join(h for h in headers if h.strip())})")
    taken = set(fields.values())
    for f in field_set:
        if f.name in fields:
            continue
        for synonym in f.synonyms:
            hits = [i for i, k in enumerate(keys) if k == synonym and i not in taken]
            if hits:
                fields[f.name] = hits[0]
                taken.add(hits[0])
                break
    return ColumnMap(fields, headers, frozenset(forced))
