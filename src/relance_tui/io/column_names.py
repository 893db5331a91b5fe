"""The names exports give their columns, field by field, in French, English and Dutch; and the words that
say a column holds money or a date (io/columns.py matches headers against them).

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

from dataclasses import dataclass


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
    # the language to write to the debtor in (issue 16): Odoo res.partner "Language" (lang, "fr_BE"), Dolibarr
    # "Langue par défaut" (default_lang), Exact Online and Yuki's "Taal" (screen labels, to be confirmed)
    Field("language", "langue", (
        "langue", "langue du client", "langue client", "code langue", "langue par defaut", "langue de correspondance",
        "language", "lang", "language code", "customer language", "partner language", "default language",
        "taal", "taalcode", "taal klant", "correspondentietaal", "voertaal")),
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
INVOICE_LABELS = {f.name: f.label for f in INVOICE_FIELDS}  # French, for messages
PAYMENT_LABELS = {f.name: f.label for f in PAYMENT_FIELDS}
FIELD_LABELS = PAYMENT_LABELS | INVOICE_LABELS  # for headings; parsers use their own set

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
