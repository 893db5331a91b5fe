"""The settings files relance writes (config.py reads them): the office's ``relance.toml`` that ``relance init``
makes, commented in French for the person who completes it, with what ``init`` was told; and the theme an
agent chose, kept in the agent's own ``config.toml``."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from string import Template

# The office's settings, each explained in French (the office reads this file, not the code). $-placeholders
# take the values given to ``relance init`` (TOML strings, quoted by ``office_settings_text``).
OFFICE_TEMPLATE = Template("""\
# relance : réglages communs à tous les agents du cabinet.
# Chaque valeur peut aussi venir d'une variable d'environnement, par exemple RELANCE_OFFICE_NAME,
# RELANCE_SMTP_PASSWORD, RELANCE_CALLING_MAX_CALLS_30D. Vérifiez le fichier avec : relance doctor

[office]
name = $name            # le nom du cabinet, imprimé sur les courriers et les emails
address = $address
postcode = $postcode
city = $city
siren = $siren           # SIREN du cabinet (France)
enterprise_number = $enterprise_number  # numéro d'entreprise BCE (Belgique) : obligatoire sur le premier
                                        # rappel gratuit à un consommateur belge
iban = $iban            # imprimé sur les courriers, avec un QR code de virement
bic = $bic
phone = $phone
email = $email
signature = ""       # la signature des emails et des courriers (vide : le nom du cabinet)
country = $country       # FR ou BE : la loi des débiteurs professionnels et de ceux dont le pays est inconnu
timezone = $timezone
payment_terms_days = 30  # délai de paiement par défaut, en jours
supervisors = []     # identifiants (logins) des superviseurs : réordonner et clore les sessions
be_consumer_damage_clause = false  # nos conditions générales prévoient une clause pénale envers les
                                   # consommateurs (Belgique : au plus 20 à 2 000 EUR selon le barème du
                                   # CDE XIX.4, après les 14 jours du rappel gratuit) ; false : intérêts seuls

[agents]             # le nom de chaque agent, une ligne par agent : identifiant (login) = "Prénom Nom".
                     # Le script d'appel (« je m'appelle … ») et les emails le présentent par ce nom ; sans
                     # ligne, par son identifiant (relance doctor le signale à l'agent). Un agent peut aussi
                     # donner le sien pour lui seul : display_name dans la section [user] de son config.toml.
$agents
[calling]            # le garde-fou avant d'appeler : en dehors de ces plages, un appel demande un motif (noté)
hours = ["10:00-13:00", "14:00-20:00"]   # heure locale du débiteur (FR : Europe/Paris, BE : Europe/Brussels)
days = [1, 2, 3, 4, 5]   # lundi = 1
public_holidays = true  # pas d'appel les jours fériés du pays du débiteur
max_calls_30d = 4       # appels en 30 jours par contact d'une entreprise
max_calls_30d_contact_b2c = 3   # par contact d'un particulier (au plus max_calls_30d)
max_calls_30d_debtor_b2b = 6    # par entreprise débitrice, tous contacts confondus
max_calls_30d_debtor_b2c = 3    # par particulier débiteur (au plus max_calls_30d_debtor_b2b) ; passer
                                # outre pour un particulier est réservé aux superviseurs

# Le script d'appel, les réponses aux objections, les emails et les documents sont des modèles : copiez-en
# un du dossier templates/ du paquet vers un dossier templates/ à côté de ce fichier pour le modifier.

[smtp]
host = ""            # vide : les emails sont écrits en fichiers .eml dans le dossier outbox
port = 587
security = "starttls"   # starttls, tls ou none
user = ""
password = ""        # mieux : la variable RELANCE_SMTP_PASSWORD
sender = ""          # l'expéditeur des emails (par défaut : l'email du cabinet)

[database]
journal_mode = "auto"   # auto, wal, delete, ou network (la base est sur un partage réseau)
lease_timeout = 30      # secondes : une machine écrit à la fois ; une machine muette cède son tour après ce délai

[documents]
notice_days = 8      # le délai que donne une mise en demeure, en jours depuis sa date (1 à 14 : le dossier
                     # contentieux se prépare 15 jours après la mise en demeure)

[privacy]            # données personnelles (RGPD) : relance purge anonymise les débiteurs qui ne doivent rien
# retention_years = 10  # années sans activité avant cela, au moins la plus longue prescription qui peut
                        # s'appliquer à un débiteur du cabinet (FR 5 ans, BE 10) ; absent : cette prescription
""")
OFFICE_FIELDS = ("name", "address", "postcode", "city", "siren", "enterprise_number", "iban", "bic", "phone",
                 "email", "country")


def toml_string(text: str) -> str:
    """A TOML basic string holding ``text`` exactly (JSON's escapes are TOML's: quotes, backslashes, controls)."""
    return json.dumps(text, ensure_ascii=False)


def office_settings_text(values: dict[str, str] | None = None, agents: dict[str, str] | None = None) -> str:
    """The office's commented ``relance.toml``, with the values known (the rest left empty to complete)."""
    values = values or {}
    country = values.get("country") or "FR"
    fields = {name: toml_string(values.get(name, "")) for name in OFFICE_FIELDS}
    fields["country"] = toml_string(country)
    fields["timezone"] = toml_string("Europe/Brussels" if country == "BE" else "Europe/Paris")
    lines = [f"{toml_string(login)} = {toml_string(name)}" for login, name in (agents or {}).items()]
    fields["agents"] = "\n".join(lines) + "\n" if lines else '# marie = "Marie Dupont"\n# karim = "Karim Benali"\n'
    return OFFICE_TEMPLATE.substitute(fields)


_USER_HEADER = re.compile(r"^\s*\[\s*user\s*\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")
_THEME_LINE = re.compile(r"^\s*theme\s*=")


def save_user_theme(path: Path, theme: str) -> None:
    """Write ``theme`` in the agent's own settings (``[user] theme``), keeping every other line and comment
    as it is; the file is made (private to the agent) when missing, replaced in one rename."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", theme):  # a theme's name: never TOML to escape
        raise ValueError(f"nom de thème invalide : {theme!r}")
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    line = f'theme = "{theme}"'
    start = next((i for i, text in enumerate(lines) if _USER_HEADER.match(text)), None)
    if start is None:
        lines += ([""] if lines else []) + ["[user]", line]
    else:
        end = next((i for i in range(start + 1, len(lines)) if _ANY_HEADER.match(lines[i])), len(lines))
        found = next((i for i in range(start + 1, end) if _THEME_LINE.match(lines[i])), None)
        if found is None:
            lines.insert(start + 1, line)
        else:
            lines[found] = line
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    os.replace(temporary, path)
