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

Where the names come from (each list below says which export uses which name):
- Odoo: addons/account/i18n/fr.po and nl.po (github:odoo/odoo): "Amount Due" = "Montant dû" / "Verschuldigd
  bedrag", "Amount Due Signed" = "Openstaand bedrag", "Amount Paid" = "Montant payé" / "Bedrag betaald",
  "Payment Status" = "État du paiement" / "Status betaling", "Payment Date" = "Date de règlement" /
  "Betaaldatum", "Reversal of" = "Extourne de", "Refund" = "Avoir", "In Payment" = "En paiement".
- Dolibarr: htdocs/langs/fr_FR/bills.lang and htdocs/core/modules/modFacture.class.php (github:Dolibarr/
  dolibarr): "Réf. facture", "Date facturation", "Date échéance", "Date limite règlement", "Déjà réglé",
  "Reste à payer", "Statut facture", "Facture payée", "Date paiement", "Montant règlement", "Numéro paiement";
  its export "Factures clients et règlements" gives one row per payment of an invoice.
- Stripe: invoice object fields number, customer_name, customer_email, due_date, total, amount_due,
  amount_paid, amount_remaining, status (draft/open/paid/uncollectible/void), as documented in
  https://endash-guidance-docs.gitbook.io/cigro-data-templates/data-model-templates/stripe-invoice-details;
  the Dashboard's CSV export titles them "Amount Due", "Amount Remaining", "Due Date (UTC)"...
- Zoho Invoice/Books: invoice_number, customer_name, date, due_date, total, balance, status, last_payment_date
  (https://docs.cashflowy.io/library/jobs/zoho_books/fetch_invoices; https://www.zoho.com/invoice/api/v3/).
- Yuki: "Factuurnr.", "Relatie", "Onderwerp", "Factuurdatum", "Vervaldatum", "Btw-bedrag", "Bedrag",
  "Uitstaand", "Dagen achterstallig" (https://support.yuki.nl/nl/support/solutions/articles/11000062384);
  "Open", "Oorspronkelijk" in the open items list (http://help.yuki.nl/documents/debiteuren-crediteuren-
  hoofdscherm).
- Sellsy: statuses "à régler", "paiement partiel", "payée", "retard", "annulée", "brouillon"
  (https://help.sellsy.com/fr/collections/3289325-facturation).
- The debtor's country, Belgian enterprise number and VAT number, the delivery date (issue 13): Dolibarr
  htdocs/langs/fr_FR/companies.lang (github:Dolibarr/dolibarr): "Pays", "Code pays" (its invoice exports
  carry c.code = CountryCode), "Numéro de TVA" / "Numéro TVA" (s.tva_intra), a Belgian company's
  "Id. prof. 1 (N° professionnel)"; OCA l10n_be_partner_kbo_bce i18n/fr.po and nl.po (github:OCA/
  l10n-belgium): "KBO/BCE Number" = "Numéro BCE" / "KBO Nummer"; python-stdnum stdnum/be/vat.py: "BTW,
  TVA, NWSt, ondernemingsnummer"; Odoo: res.partner "Tax ID" (vat) and "Country", account.move
  "Delivery Date" (delivery_date, shown on French sales invoices by addons/l10n_fr_account/models/
  account_move.py, github:odoo/odoo); NumNum (Belgian invoicing) customer files: vat_id, address_country
  (https://help.numnum.be/fr/premiers-pas/comment-importer-mes-clients-existants).
- Sage 100, EBP, Cegid, QuickBooks FR, Pennylane, Axonaut, Exact Online and Winbooks: their export layouts
  were not found in the reference sources searched; the names marked for them below are the labels their
  screens show (N° pièce, Reste à régler, Solde ouvert, Reste à payer, Openstaand...), to be confirmed
  against a real file from an office using them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from relance_tui.domain.text import key


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # French, for messages
    synonyms: tuple[str, ...]
    generic: tuple[str, ...] = ()


INVOICE_FIELDS: tuple[Field, ...] = (
    Field("number", "numéro de facture", (
        "n facture", "no facture", "num facture", "numero facture", "numero de facture", "n de facture",
        "ref facture", "reference facture", "ref de la facture", "invoice number", "invoice no", "invoice nr",
        "invoice", "facture",
        "n piece", "no piece", "numero de piece", "numero piece",  # Sage 100, EBP, Cegid (N° pièce)
        "n document", "numero document", "numero de document", "document number", "document no",
        "factuurnummer", "factuurnr", "factuur nr", "factuur", "documentnummer",  # Exact Online, Yuki
        "boekstuknummer", "boekstuk nr", "boekstuk"),
        ("piece", "ref", "reference", "document", "numero", "number", "nummer", "no", "n")),
    Field("debtor_name", "client (raison sociale)", (
        "raison sociale", "nom client", "nom du client", "client", "nom du tiers", "nom tiers", "societe",
        "nom de la societe", "debiteur", "denomination", "customer name", "customer", "client name",
        "company name", "partner", "partenaire",  # Odoo
        "klant", "klantnaam", "naam klant", "relatie", "relatienaam", "debiteurnaam", "bedrijfsnaam"),
        ("company", "nom", "name", "naam")),
    Field("debtor_code", "code client", (
        "code client", "n client", "no client", "numero client", "numero de client", "compte client",
        "compte auxiliaire", "code tiers", "n compte tiers", "compte tiers", "customer id", "customer code",
        "customer number", "account number", "klantnummer", "klantcode", "code klant", "debiteurnummer",
        "debiteurnr", "debiteur nr", "relatienummer", "relatiecode", "code relatie"),
        ("tiers", "account", "compte", "code")),
    Field("siren", "SIREN", ("siren", "n siren", "siret", "n siret")),
    # the debtor's country, its Belgian enterprise number, its VAT number (a Belgian one is the enterprise
    # number after "BE"): sources in the module docstring; Exact Online, Yuki, Winbooks and Sage BOB are
    # the screens' labels (Land, Ondernemingsnummer, Btw-nummer / Pays, Numéro d'entreprise, N° TVA), to
    # be confirmed against a real file
    Field("country", "pays", (
        "pays", "code pays", "pays du client", "pays client", "code pays client", "pays de facturation",
        "country", "country code", "customer country", "billing country", "partner country", "address country",
        "land", "landcode", "land klant", "code land")),
    Field("enterprise_number", "numéro d'entreprise (BCE/KBO)", (
        "numero d entreprise", "n d entreprise", "no d entreprise", "numero entreprise", "n entreprise",
        "numero bce", "n bce", "no bce", "bce", "numero bce kbo", "n bce kbo", "bce kbo", "kbo bce",
        "kbo", "n kbo", "kbo nummer", "kbo nr", "kbo bce number", "ondernemingsnummer", "ondernemingsnr",
        "onderneming nr", "enterprise number", "enterprise no", "cbe number",
        "id prof 1 n professionnel")),  # Dolibarr, a Belgian company's professional id 1
    Field("vat_number", "numéro de TVA", (
        "numero de tva", "numero tva", "n tva", "no tva", "n de tva", "tva intracommunautaire",
        "n tva intracommunautaire", "numero de tva intracommunautaire", "numero tva intracommunautaire",
        "tva intra", "n tva intra", "vat number", "vat no", "vat id", "vat nr", "tax id", "btw nummer",
        "btw nr", "btw nummer klant", "ondernemingsnummer btw")),
    Field("issue_date", "date de facture", (
        "date facture", "date de facture", "date de facturation", "date facturation", "date piece",
        "date de piece", "date emission", "date d emission", "date document", "date du document",
        "invoice date", "invoice bill date", "issue date", "date of issue", "factuurdatum", "datum factuur",
        "documentdatum", "factuur datum"),
        ("date", "datum")),
    Field("due_date", "date d'échéance", (
        "date d echeance", "date echeance", "echeance", "due date", "date limite de paiement",
        "date limite reglement", "date limite de reglement", "date limite", "date de reglement prevue",
        "payment due date", "vervaldatum", "vervaldag", "uiterste betaaldatum", "verval datum")),
    # delivery or performance: the limitation period runs from it (issue 13); Odoo's "Delivery Date"
    Field("delivery_date", "date de livraison", (
        "date de livraison", "date livraison", "livraison", "date de la livraison", "date de prestation",
        "date prestation", "date de la prestation", "date d execution", "date de realisation",
        "date de fourniture", "delivery date", "date of delivery", "date delivered", "service date",
        "date of supply", "supply date", "performance date", "leveringsdatum", "leverdatum",
        "datum levering", "datum van levering", "prestatiedatum", "uitvoeringsdatum")),
    Field("amount", "montant TTC", (
        "montant ttc", "total ttc", "ttc", "net a payer", "montant facture", "montant de la facture",
        "montant total", "montant facture ttc", "total facture", "amount incl tax", "total amount",
        "invoice amount", "invoice total", "amount total",
        "montant initial", "montant d origine", "original amount", "oorspronkelijk",  # Yuki open items
        "factuurbedrag", "totaalbedrag", "bedrag incl btw", "totaal incl btw", "bedrag"),
        ("montant", "amount", "total", "totaal")),
    Field("paid", "montant réglé", (
        "regle", "montant regle", "deja regle", "total regle", "paye", "montant paye", "deja paye",
        "encaisse", "montant encaisse", "amount paid", "total paid", "paid amount", "paid",
        "betaald", "bedrag betaald", "betaald bedrag", "voldaan", "ontvangen", "reeds betaald")),
    Field("remaining", "reste dû", (
        "reste du", "reste a payer", "restant du", "reste a regler", "reste a encaisser", "restant a payer",
        "solde restant du", "solde du", "solde restant", "montant du", "montant restant", "montant ouvert",
        "solde ouvert",  # QuickBooks (Solde ouvert / Open balance)
        "encours", "open amount", "open balance",
        "amount remaining", "amount outstanding",  # Stripe: its amount_due comes before the customer's credit
        "outstanding amount", "remaining amount", "amount due", "balance due", "left to pay", "outstanding",
        "remaining",
        "balance",  # Zoho (balance)
        "openstaand", "openstaand bedrag", "verschuldigd bedrag", "uitstaand", "nog te betalen",
        "te betalen", "resterend bedrag", "open saldo", "saldo", "open",
        "solde")),
    Field("status", "statut", (
        "etat du paiement", "statut du paiement", "statut de paiement", "statut paiement", "statut facture",
        "etat de la facture", "etat facture", "statut de la facture", "payment status", "payment state",
        "invoice status", "status betaling", "betaalstatus", "betalingsstatus", "facture payee",
        "invoice paid"),
        ("statut", "status", "etat")),
    Field("state", "état du document", (
        "etat du document", "statut du document", "document status", "document state", "state",
        "documentstatus"),
        ("statut", "status", "etat")),
    Field("doc_type", "type de pièce", (
        "type de document", "type document", "type de piece", "type piece", "type de facture",
        "type facture", "nature de la piece", "nature piece", "type d operation", "type de transaction",
        "transaction type", "document type", "invoice type", "move type", "documentsoort", "soort document",
        "factuursoort", "factuurtype", "soort"),
        ("type", "nature")),
    Field("origin", "facture d'origine", (
        "facture d origine", "facture origine", "facture liee", "facture associee", "avoir sur facture",
        "reference facture origine", "ref facture origine", "facture source", "facture corrigee",
        "facture rectifiee", "facture initiale", "n facture d origine", "numero facture origine",
        "extourne de", "reversal of", "reversed entry", "original invoice", "original invoice number",
        "related invoice", "credited invoice", "gecrediteerde factuur", "oorspronkelijke factuur",
        "originele factuur", "bijbehorende factuur")),
    Field("label", "libellé", (
        "libelle", "libelle ecriture", "description", "designation", "objet", "intitule", "memo",
        "omschrijving", "onderwerp", "label", "commentaire", "communication")),
    Field("pay_date", "date du paiement", (
        "date de paiement", "date paiement", "date du paiement", "date de reglement", "date reglement",
        "date du reglement", "date encaissement", "date d encaissement", "payment date", "date paid",
        "paid date", "paid at", "betaaldatum", "datum betaling", "betalingsdatum")),
    Field("pay_amount", "montant du paiement", (
        "montant paiement", "montant du paiement", "montant reglement", "montant du reglement",
        "montant encaissement", "payment amount", "amount of payment", "betaalbedrag", "bedrag betaling",
        "betalingsbedrag")),
    Field("pay_reference", "référence du paiement", (
        "numero paiement", "n paiement", "reference paiement", "reference du paiement", "ref paiement",
        "ref reglement", "reference reglement", "payment reference", "payment number", "betaalreferentie")),
    Field("last_pay_date", "date du dernier paiement", (
        "date du dernier paiement", "date dernier paiement", "date du dernier reglement",
        "date dernier reglement", "dernier reglement", "dernier paiement", "last payment date",
        "last payment", "laatste betaaldatum", "laatste betaling")),
    Field("email", "email", ("email", "e mail", "mail", "courriel", "adresse email", "adresse mail",
                             "customer email", "e mailadres", "emailadres")),
    Field("phone", "téléphone", ("telephone", "tel", "n telephone", "phone", "portable", "mobile", "telefoon",
                                 "telefoonnummer", "gsm")),
    Field("contact", "contact", ("contact", "interlocuteur", "nom contact", "nom du contact", "contactpersoon")),
    Field("address", "adresse", ("adresse", "address", "rue", "adres", "straat")),
    Field("postcode", "code postal", ("code postal", "cp", "postcode", "zip", "postal code")),
    Field("city", "ville", ("ville", "city", "localite", "plaats", "gemeente", "woonplaats")),
    Field("currency", "devise", ("devise", "currency", "monnaie", "valuta", "munt")),
)

PAYMENT_FIELDS: tuple[Field, ...] = (
    Field("pay_date", "date du paiement", (
        "date de paiement", "date paiement", "date du paiement", "date de reglement", "date reglement",
        "date encaissement", "date d encaissement", "date valeur", "payment date", "betaaldatum",
        "datum betaling", "betalingsdatum"),
        ("date", "datum")),
    Field("number", "numéro de facture", (
        "n facture", "no facture", "numero de facture", "numero facture", "facture", "invoice number",
        "invoice", "n piece", "piece", "factuurnummer", "factuurnr", "factuur")),
    Field("debtor_code", "code client", ("code client", "n client", "numero client", "compte client",
                                         "code tiers", "customer code", "klantnummer", "debiteurnummer"),
          ("compte",)),
    Field("debtor_name", "client", ("raison sociale", "client", "nom client", "customer", "debiteur", "klant",
                                    "relatie")),
    Field("amount", "montant", ("montant regle", "montant paye", "montant paiement", "montant", "amount",
                                "credit", "somme", "bedrag", "betaalbedrag")),
    Field("reference", "référence du paiement", (
        "reference paiement", "reference du paiement", "ref paiement", "reference virement", "n cheque",
        "reference", "ref", "libelle", "label", "betaalreferentie", "omschrijving")),
)

FIELD_SETS = {"invoices": INVOICE_FIELDS, "payments": PAYMENT_FIELDS}
IGNORE = "ignore"  # --map ignore=COLUMN, the same as --ignore COLUMN

# Words that say a column holds money or a date. A column so named is placed or deliberately ignored,
# never silently dropped.
AMOUNT_WORDS = frozenset({
    "montant", "montants", "total", "totaal", "ttc", "solde", "saldo", "reste", "restant", "regle", "reglee",
    "paye", "payee", "encaisse", "encours", "somme", "prix", "amount", "paid", "balance", "outstanding",
    "remaining", "owed", "owing", "bedrag", "openstaand", "uitstaand", "betaald", "voldaan", "ontvangen",
    "debit", "credit", "debet", "eur", "euro", "euros", "price", "sum", "verschuldigd", "oorspronkelijk"})
AMOUNT_PHRASES = ("reste du", "montant du", "solde du", "a payer", "a regler", "a encaisser", "left to pay",
                  "to pay", "amount due", "balance due", "te betalen", "te ontvangen", "net a payer")
DATE_WORDS = frozenset({"date", "datum", "echeance", "vervaldatum", "vervaldag", "betaaldatum", "dated",
                        "leveringsdatum"})

# Columns with an amount or a date in their name that relance knows it does not need: they are listed
# among the ignored columns in the report, never an obstacle.
KNOWN_UNUSED = frozenset({
    "montant ht", "total ht", "ht", "hors taxe", "hors taxes", "montant hors taxe", "montant hors taxes",
    "total hors taxe", "total hors taxes", "tva", "montant tva", "total tva", "taux tva", "taux de tva",
    "remise", "escompte", "acompte", "frais de port", "untaxed amount", "tax excluded", "amount excl tax",
    "subtotal", "sub total", "sous total", "tax", "tax amount", "total tax", "vat", "vat amount",
    "total excl tax", "total excluding tax", "discount", "starting balance", "ending balance",
    "btw", "btw bedrag", "bedrag excl btw", "totaal excl btw", "excl btw", "exclusief btw",
    "date de creation", "date creation", "date de modification", "date modification", "date d envoi",
    "date envoi", "date comptable", "accounting date", "date de validation", "date validation",
    "date de relance", "date derniere relance", "derniere relance",
    "created", "created at", "date created", "last modified", "updated at", "period start", "period end",
    "boekdatum", "aanmaakdatum", "jours de retard", "nb jours de retard", "nombre de jours de retard",
    "retard", "retard jours", "days overdue", "days late", "dagen achterstallig", "dagen vervallen",
    "montant devise", "amount in currency", "taux de change", "exchange rate"})

TRAILING_UNITS = ("eur", "euro", "euros", "utc", "jj mm aaaa", "dd mm yyyy", "ttc eur")


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
