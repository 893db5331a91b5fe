"""The base itself: ``relance`` (the app), ``init``, ``demo``, ``doctor``, ``backup``."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path

from relance_tui import __version__
from relance_tui.commands.common import (
    journal_override,
    office_today,
    open_app,
    open_db,
    parse_day,
    protected_paths,
)
from relance_tui.config import Settings
from relance_tui.domain.instants import format_local, to_iso
from relance_tui.domain.text import agreed, clean, count, decimal
from relance_tui.errors import DatabaseUnreadable, NotARelanceDatabase, RelanceError, SharedReadFailed


def cmd_app(args: argparse.Namespace, settings: Settings) -> int:
    return open_app(args, settings, Path(args.db).expanduser() if args.db else settings.paths.db)


# relance init's options for the office's identity: (option, field of [office], what it is, asked when typing)
INIT_FIELDS = (("--cabinet", "name", "nom du cabinet"), ("--adresse", "address", "adresse (rue)"),
               ("--code-postal", "postcode", "code postal"), ("--ville", "city", "ville"),
               ("--pays", "country", "pays du cabinet, FR ou BE"), ("--siren", "siren", "SIREN (France)"),
               ("--numero-entreprise", "enterprise_number", "numéro d'entreprise BCE (Belgique)"),
               ("--iban", "iban", "IBAN, imprimé sur les courriers"), ("--bic", "bic", "BIC"),
               ("--telephone", "phone", "téléphone"), ("--email", "email", "email du cabinet"))
# the identifiers asked at a terminal for one country only (the office's, FR when left empty)
IDENTIFIER_COUNTRY = {"siren": "FR", "enterprise_number": "BE"}


class InitAbandoned(RelanceError):
    """relance init's questions left with Ctrl+D (end of input): nothing made."""

    exit_code = 2  # usage: the command was not given what it needs


def _ask(question: str) -> str:
    """One answer typed at the terminal; the end of input (Ctrl+D) stops relance init before anything is made."""
    try:
        return clean(input(question)).strip()
    except EOFError:
        print()  # the terminal's cursor is still after the question
        raise InitAbandoned("init : questions interrompues (fin de saisie, Ctrl+D) ; rien n'a été créé. "
                            "Relancez relance init pour y répondre, ou donnez les réglages en options "
                            "(relance init --help)") from None


def _ask_country(what: str) -> str:
    """The office's country, asked until it is FR or BE (Entrée: FR)."""
    answer = _ask(f"  {what} (Entrée : FR) : ").upper() or "FR"
    while answer not in ("FR", "BE"):
        answer = _ask("  attendu FR ou BE (Entrée : FR) : ").upper() or "FR"
    return answer


def _office_values(args: argparse.Namespace, settings: Settings) -> tuple[dict[str, str], dict[str, str]]:
    """The office's identity and this agent's display name, from the options, else asked (at a terminal), each
    checked before anything is written: what is wrong is said with its option."""
    from relance_tui.domain.identifiers import bce_valid, iban_valid, siren_valid

    given = {field: clean(getattr(args, field) or "").strip() for _, field, _ in INIT_FIELDS}
    agent_name = clean(args.nom_agent or "").strip()
    ask = not args.no_input and sys.stdin.isatty() and sys.stdout.isatty() and not any(given.values())
    if ask:
        print("Réglages du cabinet (Entrée : laisser vide, à compléter plus tard dans relance.toml) :")
        for _option, field, what in INIT_FIELDS:  # the country comes before the identifiers
            if field == "country":
                given[field] = _ask_country(what)
            elif IDENTIFIER_COUNTRY.get(field, given["country"]) == given["country"]:  # not the other country's
                given[field] = _ask(f"  {what} : ")
        agent_name = _ask(f"  votre nom, tel que l'email et le script le disent ({settings.agent}) : ")
    checks = {"country": (lambda v: v.upper() in ("FR", "BE"), "FR ou BE"),
              "siren": (lambda v: siren_valid("".join(v.split())), "9 chiffres dont la clé de contrôle"),
              "enterprise_number": (bce_valid, "10 chiffres (0123.456.749) dont la clé de contrôle"),
              "iban": (iban_valid, "un IBAN valide, comme FR76 3000 6000 0112 3456 7890 189"),
              "email": (lambda v: re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", v) is not None, "nom@domaine")}
    options = {field: option for option, field, _ in INIT_FIELDS}
    for field, (valid, expected) in checks.items():
        if given[field] and not valid(given[field]):
            raise RelanceError(f"{options[field]} {given[field]!r} : attendu {expected} ; rien n'a été créé")
    given["country"] = given["country"].upper()
    given["siren"] = "".join(given["siren"].split())
    given["iban"] = " ".join(given["iban"].split()).upper()
    return given, ({settings.agent: agent_name} if agent_name else {})


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.settings_files import office_settings_text
    from relance_tui.store.queries import counts

    office = settings.paths.office_file
    values, agents = _office_values(args, settings) if not office.exists() else ({}, {})
    existed = settings.paths.db.exists()
    store = open_db(settings, create=True)
    c = counts(store)
    print(f"Base {'déjà présente' if existed else 'créée'} : {store.path} "
          f"(schéma v{store.schema_version()}, {count(c.debtors, 'débiteur')}, {count(c.invoices, 'facture')})")
    if not existed and args.db is None and not os.environ.get("RELANCE_DB"):
        # no --db: the user's own data folder, not a shared one; said, with how to share it
        print("  C'est le dossier de données de votre compte : pour une base commune à tous les agents, "
              "relance init --db /srv/relance/relance.db, puis RELANCE_DB=/srv/relance/relance.db pour chacun "
              "(README, « Setting up an office server »).")
    if not office.exists():
        office.write_text(office_settings_text(values, agents), encoding="utf-8")
        missing = [label for field, label in (("name", "nom du cabinet"), ("iban", "IBAN")) if not values.get(field)]
        print(f"Réglages du cabinet : {office}" + (f" (à compléter : {', '.join(missing)})" if missing else ""))
    elif any(getattr(args, field) for _, field, _ in INIT_FIELDS) or args.nom_agent:
        print(f"Réglages du cabinet déjà présents, inchangés : {office} (modifiez-les dans ce fichier)")
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.demo import build_demo
    from relance_tui.store.queries import get_setting, has_business_data

    # Never the office's database by default: its own file unless --db is given.
    db = Path(args.db).expanduser() if args.db else settings.paths.demo_db
    if args.force and db.exists():
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = open_db(settings, create=True, db=db)
    if has_business_data(store):
        if args.open and get_setting(store, "demo") is not None:
            print(f"Base de démonstration existante : {db}")
            store.close()
            return open_app(args, settings, db)
        print(f"relance demo : la base {db} contient déjà des données ; rien n'a été modifié. "
              "Ajoutez --force pour la recréer (tout son contenu sera perdu).", file=sys.stderr)
        return 1
    today = parse_day(args.today, settings, "--today") if args.today else None
    report = build_demo(store, size=args.size, seed=args.seed, today=today, tz=settings.office.timezone,
                        progress=lambda msg: print(f"  {msg}...", file=sys.stderr))
    print(f"Démo « {report.size.name} » créée dans {db} en {decimal(report.seconds)} s : "
          f"{count(report.debtors, 'débiteur')}, "
          f"{count(report.invoices, 'facture')}, {count(report.events, 'événement')}, "
          f"{count(report.promises, 'promesse')} "
          f"(graine {report.seed}, au {report.today:%d/%m/%Y}).")
    store.close()
    if args.open:
        return open_app(args, settings, db)
    print(f"Ouvrez-la avec : relance --db {db}")
    return 0


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.store.fs import choose_journal

    paths = settings.paths
    print(f"relance {__version__} ; SQLite {sqlite3.sqlite_version} ; Python {sys.version.split()[0]}")
    print(f"Agent            : {settings.agent} ({settings.agent_name})")
    if not settings.agent_named:
        print(clean(f"  [attention] aucun nom affiché pour l'agent {settings.agent} : les appels et emails le "
                    "présenteront par son identifiant ; ajoutez-le dans [agents] de relance.toml"))
    print(f"Heures           : celles du cabinet ({settings.office.timezone})")
    print("Fichiers :")
    print(f"  base           : {paths.db}")
    print(f"  réglages cabinet : {paths.office_file}{'' if paths.office_file.exists() else ' (absent)'}")
    print(f"  réglages agent : {paths.user_file}{'' if paths.user_file.exists() else ' (absent)'}")
    if settings.keys:
        from relance_tui.tui.app import binding_ids

        unknown = sorted(set(settings.keys) - binding_ids())
        print(f"    [keys] : {count(len(settings.keys), 'touche redéfinie')}"
              + (f" ; {agreed(len(unknown), 'identifiant inconnu')}, sans effet : {', '.join(unknown)}"
                 if unknown else ""))
    print(f"  journal        : {paths.log_file}")
    print(f"  démo           : {paths.demo_db}")
    print(f"  boîte d'envoi  : {paths.outbox}")
    print(f"  documents      : {paths.db.parent / 'documents'}")
    from relance_tui.io.documents import check_office_documents
    from relance_tui.io.templates import check_office_templates

    office_templates = paths.office_file.parent / "templates"
    checked = check_office_templates(office_templates) + check_office_documents(office_templates)
    print(f"  modèles cabinet : {office_templates}{'' if checked else ' (aucun : modèles intégrés)'}")
    for name, problem in checked:
        print(f"    {name} : {problem or 'ok'}")
    from relance_tui.io.document_data import CREDITOR_FIELDS, missing_creditor_fields

    unset = missing_creditor_fields(settings.office, "formal_notice")
    if unset:  # said before the first formal notice is refused for it
        print(f"  [attention] identité du cabinet incomplète pour les mises en demeure et dossiers contentieux "
              f"({', '.join(CREDITOR_FIELDS[k] for k in unset)}) : renseignez {', '.join(unset)} dans [office]")
    from relance_tui.store.access import check_access, check_runnable, check_settings_access

    running = Path(sys.argv[0])  # the relance this doctor is: the one agents would run
    program = running if running.name == "relance" and running.is_file() else Path(shutil.which("relance") or running)
    findings = (check_access(paths.db) + check_settings_access(paths.office_file, office_templates, paths.db)
                + check_runnable(paths.db, program, Path(sys.executable)))
    print("Droits d'accès :")
    for finding in findings:
        mark = {"ok": "ok", "warning": "attention", "problem": "PROBLÈME"}[finding.level]
        print(f"  [{mark}] {finding.message}")
    choice = choose_journal(paths.db, override=journal_override(settings))
    print(f"Système de fichiers : {choice.fs_type}")
    print(f"Mode de journal voulu : {choice.mode} ({choice.reason})")
    writers = _doctor_lease(paths.db, settings.database.lease_timeout, settings.office.timezone)
    found = _doctor_database(settings, paths.db, choice.network, writers)
    if found is None:  # damaged: said, with what to do
        return 1
    store = found[0]
    several = len(writers) > 1
    if several:
        print(clean(f"PROBLÈME : {len(writers)} machines ont écrit dans cette base ces {WRITERS_DAYS} derniers jours "
                    f"({', '.join(sorted(writers))}). Sur un partage réseau, deux machines qui écrivent corrompent le "
                    "fichier : faites travailler tous les agents sur le serveur, par SSH (le bail d'écriture n'en "
                    "laisse plus écrire qu'une à la fois)."))
    missing = _doctor_rates(store, office_today(settings), settings.office.country)
    return 0 if not missing and not several else 1


WRITERS_DAYS = 7


def _doctor_database(settings: Settings, db: Path, network: bool, writers: set[str]):  # noqa: ANN202
    """The base itself, read only: journal, access, schema, integrity, content, the machines that wrote (added to
    ``writers``). None when it is damaged (the restore advice printed), else (store, hosts, counts)."""
    from relance_tui.store.failures import is_read_glitch
    from relance_tui.store.maintenance import journal_mode, quick_check
    from relance_tui.store.queries import counts

    try:
        store = open_db(settings)  # read-only: doctor never writes the base (no host row, no journal change)
        # WAL is written in the file; a rollback journal's flavour (delete, truncate) is each writer's setting
        actual = "wal" if journal_mode(store) == "wal" else "rollback"
        print(f"Mode de journal actuel : {actual}")
        print(f"Accès : {'lecture et écriture' if store.can_write else 'lecture seule'}")
        print(f"Schéma : v{store.schema_version()} ({', '.join(store.applied_migrations())})")
        integrity = quick_check(store)
        ok = integrity == ["ok"]
        print(f"Intégrité : {'ok' if ok else '; '.join(integrity[:5])}")
        if not ok:
            _damage_advice(db, network or len(writers) > 1)
            return None
        c = counts(store)
        hosts = store.hosts()
    except (sqlite3.DatabaseError, NotARelanceDatabase, DatabaseUnreadable, SharedReadFailed) as exc:
        # a file SQLite finds damaged gets the advice; an empty file, another program's base or a closed folder
        # keep their own message and exit code
        cause = exc if isinstance(exc, sqlite3.DatabaseError) else exc.__cause__
        if not (isinstance(cause, sqlite3.DatabaseError) and is_read_glitch(cause)):
            raise
        print(clean(f"Intégrité : base illisible ({exc})"))
        _damage_advice(db, network or len(writers) > 1)
        return None
    print(f"Contenu : {count(c.debtors, 'débiteur')}, {count(c.contacts, 'contact')}, {count(c.invoices, 'facture')} "
          f"({count(c.open_invoices, 'ouverte')}), {count(c.payments, 'paiement')}, "
          f"{count(c.events, 'événement')}, {count(c.promises, 'promesse')}")
    print("Machines ayant écrit dans la base :")
    since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=WRITERS_DAYS)
    tz = settings.office.timezone
    for h in hosts:
        mark = " (cette machine)" if h.hostname == store.hostname else ""
        # host names and logins come from the shared database: printed as text, never as terminal codes
        print(clean(f"  {h.hostname}{mark} : vue du {office_time(h.first_seen, tz)} au {office_time(h.last_seen, tz)}, "
                    f"dernier agent {h.last_agent}"))
        if h.last_seen >= to_iso(since):
            writers.add(h.hostname)
    return store, hosts, c


def office_time(stamp: str, tz: str) -> str:
    """An instant as the base, the lease and its log keep it (UTC, ISO 8601) in the office's time zone, as the app
    shows it (the title bar's clock, the timeline); text that is no instant is left as it is."""
    try:
        return format_local(stamp, tz, "%d/%m/%Y %H:%M:%S")
    except (ValueError, TypeError):
        return stamp


def _doctor_lease(db: Path, timeout: float, tz: str) -> set[str]:
    """Which machine holds the write lease (store/lease.py) and which took or gave it lately, at the office's
    times; returns the machines the log shows taking it within ``WRITERS_DAYS``. Only reads the lease and its
    log."""
    from relance_tui.domain.instants import from_iso
    from relance_tui.store.lease import read_lease, read_log

    now = dt.datetime.now(dt.UTC)
    state = read_lease(db)
    info = state.info
    if not state.exists:
        print("Bail d'écriture : libre (aucune machine n'écrit en ce moment)")
    elif info is None:
        print("Bail d'écriture : illisible (en cours d'écriture, ou abîmé)")
    else:
        age = info.age(now)
        alive = "actif" if age <= timeout else f"sans signe de vie depuis {age:.0f} s, repris au prochain démarrage"
        print(clean(f"Bail d'écriture : {info.host} (agent {info.agent}, pid {info.pid}) depuis le "
                    f"{office_time(info.since, tz)}, dernier signe de vie {office_time(info.beat, tz)} ({alive})"))
    took: set[str] = set()
    since = now - dt.timedelta(days=WRITERS_DAYS)
    lines = read_log(db)
    if lines:
        print("  Derniers passages de main :")
    for line in lines[-10:]:
        stamp, _, rest = line.partition(" ")
        print(clean(f"    {office_time(stamp, tz)} {rest}"))
    for line in read_log(db, last=500):
        stamp, _, rest = line.partition(" ")
        try:
            recent = from_iso(stamp) >= since
        except ValueError:
            continue
        if recent and ("prend la main" in rest or "reprend la main" in rest):
            took.add(rest.split(" ", 1)[0])
    return took


def _damage_advice(db: Path, shared: bool) -> None:
    cause = ("Dommages probables dus à des accès simultanés à travers le partage réseau (plusieurs machines ont "
             "écrit dans le même fichier)" if shared else "Le fichier de la base est endommagé")
    print(clean(f"PROBLÈME : {cause} : restaurez la dernière sauvegarde.\n"
                "  1. Fermez relance sur tous les postes.\n"
                f"  2. Mettez le fichier abîmé de côté (il sert de preuve et de source) : mv {db} {db}.abime\n"
                f"     (et ses compagnons s'ils existent : {db}-journal, {db}-wal, {db}-shm).\n"
                f"  3. Copiez la dernière sauvegarde (« relance backup » l'a écrite) à sa place : cp SAUVEGARDE.db {db}\n"
                "  4. Lancez « relance doctor » : « Intégrité : ok » attendu.\n"
                "  5. Ressaisissez ce qui a été noté depuis la sauvegarde (les appels, les promesses).\n"
                "  Ensuite, faites travailler tous les agents sur le serveur, par SSH.", multiline=True))


def _doctor_rates(store, today: dt.date, office_country: str) -> list[str]:
    """The rates of the period in force that nobody entered: printed with their command; the needed ones
    returned (doctor fails on them; the others, such as the Belgian legal rate of an office without a Belgian
    consumer, are only a warning)."""
    from relance_tui.domain.penalties import RATE_KINDS, unconfirmed_rates
    from relance_tui.store.queries import load_rates, needed_rates

    rates = load_rates(store)
    needed = needed_rates(store, office_country)
    missing = unconfirmed_rates(rates, today, needed)
    other = unconfirmed_rates(rates, today, [k for k in RATE_KINDS if k not in needed])
    print(f"Taux en vigueur au {today:%d/%m/%Y} : {'à compléter' if missing else 'saisis'}")
    for entry in missing:
        print(f"  [À SAISIR] {entry}")
    for entry in other:
        print(f"  [attention] {entry} ; pour information, aucune pénalité ne s'en sert")
    if missing:
        print("  Les pénalités de cette période reprennent le dernier taux saisi et sont « à confirmer » "
              "jusqu'à sa saisie.")
    return missing


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    import shutil
    import tempfile

    from relance_tui.io.outputs import (
        OutputExists,
        OutputRefused,
        check_output_target,
        open_output_file,
    )
    from relance_tui.store.maintenance import backup_to

    store = open_db(settings)
    dest = Path(args.dest).expanduser()
    if dest.is_dir():
        dest = dest / f"relance-{dt.datetime.now():%Y%m%d-%H%M%S}.db"
    protected = protected_paths(settings, store.path)
    try:
        if check_output_target(dest, protected, overwrite=args.force).kind == "special":
            raise OutputRefused(f"{dest} n'est pas un fichier ordinaire : indiquez un fichier")
        # SQLite writes by name: into a private folder (0700, nobody else can swap a link in), then the
        # copy is written to the destination through the descriptor that created it
        with tempfile.TemporaryDirectory(prefix="relance-backup-") as private:
            copy = Path(private) / "copie.db"
            check = backup_to(store, copy)  # a consistent snapshot while agents keep working
            if check != "ok":
                raise RelanceError(f"la copie est incohérente ({check}) ; rien n'a été écrit.")
            with open(copy, "rb") as src, open_output_file(dest, protected, overwrite=args.force, binary=True,
                                                           special=False) as out:
                shutil.copyfileobj(src, out, 1 << 20)
    except OutputExists as exc:
        print(clean(f"relance backup : {exc} ; ajoutez --force pour l'écraser."), file=sys.stderr)
        return 1
    print(clean(f"Sauvegarde écrite : {dest} ({dest.stat().st_size // 1024} Kio)"))
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """init, demo, doctor and backup."""
    init = sub.add_parser("init", help="crée la base partagée et le fichier de réglages du cabinet")
    for option, field, what in INIT_FIELDS:
        init.add_argument(option, dest=field, metavar="TEXTE" if field != "country" else "PAYS", help=what)
    init.add_argument("--nom-agent", metavar="NOM", help="votre nom, tel que les emails et le script le disent "
                                                         "(sinon : votre identifiant)")
    init.add_argument("--no-input", action="store_true", help="ne pose aucune question (scripts)")

    demo = sub.add_parser("demo", help="remplit une base de démonstration réaliste (jamais la vraie base)")
    demo.add_argument("--size", choices=("small", "office", "large"), default="office",
                      help="small (40 débiteurs), office (600), large (20 000 débiteurs, 200 000 factures)")
    demo.add_argument("--seed", type=int, default=1, help="graine : même graine, mêmes données")
    demo.add_argument("--today", help="date de référence (défaut : aujourd'hui)")
    demo.add_argument("--force", action="store_true", help="recrée la base si elle contient déjà des données")
    demo.add_argument("--open", action="store_true", help="ouvre l'application sur la démo ensuite")
    demo.add_argument("--db", dest="db", default=argparse.SUPPRESS, help="fichier de la démo")

    sub.add_parser("doctor", help="diagnostic : fichiers, mode de journal, schéma, intégrité, machines")

    backup = sub.add_parser("backup", help="sauvegarde à chaud (les agents peuvent continuer)")
    backup.add_argument("dest", help="fichier ou dossier de destination")
    backup.add_argument("--force", action="store_true", help="écrase le fichier de destination")
