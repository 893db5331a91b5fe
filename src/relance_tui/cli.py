"""The ``relance`` command: every subcommand is a thin call into the layers."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from relance_tui import __version__
from relance_tui.config import OFFICE_TEMPLATE, Settings, load_settings, resolve_paths
from relance_tui.domain.text import clean
from relance_tui.errors import RelanceError
from relance_tui.logs import log, log_unexpected, setup_logging

EXIT_UNEXPECTED = 70
# The reader of our standard output went away (``relance export ... | head``): what a shell reports for a
# process that SIGPIPE ended (128 + 13). Not 0: the output was cut short, and a script with
# ``set -o pipefail`` should know; not 1: nothing went wrong that needs a message.
EXIT_BROKEN_PIPE = 141


def _journal_override(settings: Settings) -> str | None:
    mode = settings.database.journal_mode
    return None if mode == "auto" else mode


def _open(settings: Settings, *, write: bool = False, create: bool = False, db: Path | None = None):
    """The database, for reading only unless the command writes (``write``/``create``).

    A command that only reads never creates, migrates or writes the file, and does not record its host
    (which would take the write lock): the app and the writing commands do that.
    """
    from relance_tui.store import open_store

    store = open_store(db or settings.paths.db, agent=settings.agent, create=create,
                       readonly=not (write or create), record_host=write or create,
                       journal_override=_journal_override(settings))
    for line in (store.host_warning(), store.notice()):
        if line:
            print(clean(line), file=sys.stderr)  # host names and agents come from the shared database
    from relance_tui.store.figures import OfficeTerms, set_office_terms

    # every figure a command prints follows the office's terms of sale (relance.toml)
    set_office_terms(store, OfficeTerms(be_consumer_damage_clause=settings.office.be_consumer_damage_clause))
    return store


def _protected(settings: Settings, *databases: Path):
    """What a file named on the command line must never be: the database and its companions, the
    settings, the templates."""
    from relance_tui.io.outputs import Protected

    return Protected.of_paths(settings.paths, *databases)


# -- commands ---------------------------------------------------------------------
def cmd_app(args: argparse.Namespace, settings: Settings) -> int:
    return _open_app(args, settings, Path(args.db).expanduser() if args.db else settings.paths.db)


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.store.queries import counts

    existed = settings.paths.db.exists()
    store = _open(settings, create=True)
    c = counts(store)
    print(f"Base {'déjà présente' if existed else 'créée'} : {store.path} "
          f"(schéma v{store.schema_version()}, {c.debtors} débiteurs, {c.invoices} factures)")
    office = settings.paths.office_file
    if not office.exists():
        office.write_text(OFFICE_TEMPLATE, encoding="utf-8")
        print(f"Réglages du cabinet à compléter : {office}")
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.demo import build_demo
    from relance_tui.store.queries import get_setting, has_business_data

    # Never the office's database by default: its own file unless --db is given.
    db = Path(args.db).expanduser() if args.db else settings.paths.demo_db
    if args.force and db.exists():
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = _open(settings, create=True, db=db)
    if has_business_data(store):
        if args.open and get_setting(store, "demo") is not None:
            print(f"Base de démonstration existante : {db}")
            store.close()
            return _open_app(args, settings, db)
        print(f"relance demo : la base {db} contient déjà des données ; rien n'a été modifié. "
              "Ajoutez --force pour la recréer (tout son contenu sera perdu).", file=sys.stderr)
        return 1
    today = dt.date.fromisoformat(args.today) if args.today else None
    report = build_demo(store, size=args.size, seed=args.seed, today=today, tz=settings.office.timezone,
                        progress=lambda msg: print(f"  {msg}...", file=sys.stderr))
    print(f"Démo « {report.size.name} » créée dans {db} en {report.seconds:.1f} s : {report.debtors} débiteurs, "
          f"{report.invoices} factures, {report.events} événements, {report.promises} promesses "
          f"(graine {report.seed}, au {report.today:%d/%m/%Y}).")
    store.close()
    if args.open:
        return _open_app(args, settings, db)
    print(f"Ouvrez-la avec : relance --db {db}")
    return 0


def _open_app(args: argparse.Namespace, settings: Settings, db: Path) -> int:
    from relance_tui.tui.app import run_app

    return run_app(settings, db=db, theme=args.theme)


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.store.fs import choose_journal
    from relance_tui.store.maintenance import journal_mode, quick_check
    from relance_tui.store.queries import counts

    paths = settings.paths
    print(f"relance {__version__} ; SQLite {sqlite3.sqlite_version} ; Python {sys.version.split()[0]}")
    print(f"Agent            : {settings.agent} ({settings.agent_name})")
    print("Fichiers :")
    print(f"  base           : {paths.db}")
    print(f"  réglages cabinet : {paths.office_file}{'' if paths.office_file.exists() else ' (absent)'}")
    print(f"  réglages agent : {paths.user_file}{'' if paths.user_file.exists() else ' (absent)'}")
    if settings.keys:
        from relance_tui.tui.app import binding_ids

        unknown = sorted(set(settings.keys) - binding_ids())
        print(f"    [keys] : {len(settings.keys)} touche(s) redéfinie(s)"
              + (f" ; identifiant(s) inconnu(s), sans effet : {', '.join(unknown)}" if unknown else ""))
    print(f"  journal        : {paths.log_file}")
    print(f"  démo           : {paths.demo_db}")
    print(f"  boîte d'envoi  : {paths.outbox}")
    from relance_tui.io.templates import check_office_templates

    office_templates = paths.office_file.parent / "templates"
    checked = check_office_templates(office_templates)
    print(f"  modèles cabinet : {office_templates}{'' if checked else ' (aucun : modèles intégrés)'}")
    for name, problem in checked:
        print(f"    {name} : {problem or 'ok'}")
    from relance_tui.store.access import check_access, check_settings_access

    findings = check_access(paths.db) + check_settings_access(paths.office_file, office_templates, paths.db)
    print("Droits d'accès :")
    for finding in findings:
        mark = {"ok": "ok", "warning": "attention", "problem": "PROBLÈME"}[finding.level]
        print(f"  [{mark}] {finding.message}")
    choice = choose_journal(paths.db, override=_journal_override(settings))
    print(f"Système de fichiers : {choice.fs_type}")
    print(f"Mode de journal voulu : {choice.mode} ({choice.reason})")
    store = _open(settings)
    actual = journal_mode(store)
    print(f"Mode de journal actuel : {actual}")
    print(f"Accès : {'lecture et écriture' if store.can_write else 'lecture seule'}")
    print(f"Schéma : v{store.schema_version()} ({', '.join(store.applied_migrations())})")
    integrity = quick_check(store)
    ok = integrity == ["ok"]
    print(f"Intégrité : {'ok' if ok else '; '.join(integrity[:5])}")
    c = counts(store)
    print(f"Contenu : {c.debtors} débiteurs, {c.contacts} contacts, {c.invoices} factures "
          f"({c.open_invoices} ouvertes), {c.payments} paiements, {c.events} événements, {c.promises} promesses")
    print("Machines ayant ouvert la base :")
    for h in store.hosts():
        mark = " (cette machine)" if h.hostname == store.hostname else ""
        # host names and logins come from the shared database: printed as text, never as terminal codes
        print(clean(f"  {h.hostname}{mark} : vue du {h.first_seen} au {h.last_seen}, dernier agent {h.last_agent}"))
    missing = _doctor_rates(store, office_today(settings), settings.office.country)
    return 0 if ok and not missing else 1


def _doctor_rates(store, today: dt.date, office_country: str) -> list[str]:  # noqa: ANN001 - a Store
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

    from relance_tui.io.outputs import OutputExists, OutputRefused, check_output_target, open_output_file
    from relance_tui.store.maintenance import backup_to

    store = _open(settings)
    dest = Path(args.dest).expanduser()
    if dest.is_dir():
        dest = dest / f"relance-{dt.datetime.now():%Y%m%d-%H%M%S}.db"
    protected = _protected(settings, store.path)
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


def cmd_rates(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.domain.money import format_rate, parse_rate
    from relance_tui.domain.penalties import RATE_KIND_LABELS, rate_start_warning
    from relance_tui.store.queries import list_rates, set_rate

    store = _open(settings, write=args.rates_command == "set")
    if args.rates_command == "set":
        kind = args.kind.replace("-", "_")
        try:
            valid_from = dt.date.fromisoformat(args.valid_from)
        except ValueError:
            print(f"relance rates set : date {args.valid_from!r} invalide, attendu AAAA-MM-JJ.", file=sys.stderr)
            return 2
        try:
            bp = parse_rate(args.rate)
        except ValueError as exc:
            print(clean(f"relance rates set : {_sentence(str(exc))}"), file=sys.stderr)
            return 2
        replaced = set_rate(store, kind, valid_from, bp, source=args.source or "")
        verb = "corrigé" if replaced else "ajouté"
        print(f"Taux {verb} : {RATE_KIND_LABELS[kind]} au {valid_from:%d/%m/%Y} = {format_rate(bp)}")
        if warning := rate_start_warning(kind, valid_from):  # recorded all the same: the day may be meant
            print(f"Attention : {_sentence(warning)}", file=sys.stderr)
        return 0
    rows = list_rates(store, args.kind.replace("-", "_") if args.kind else None)
    current = None
    for r in rows:
        if r.kind != current:
            current = r.kind
            print(f"{RATE_KIND_LABELS[r.kind]} ({r.kind.replace('_', '-')}) :")
        print(f"  depuis le {dt.date.fromisoformat(r.valid_from):%d/%m/%Y}  {format_rate(r.basis_points):>9}"
              f"  ({r.source})")
    from relance_tui.domain.penalties import RATE_KINDS, Rates, unconfirmed_rates

    today = office_today(settings)
    todo = unconfirmed_rates(Rates.from_rows((r.kind, dt.date.fromisoformat(r.valid_from), r.basis_points)
                                             for r in list_rates(store)), today,
                             [args.kind.replace("-", "_")] if args.kind else RATE_KINDS)
    if todo:
        print(f"À saisir pour la période en vigueur au {today:%d/%m/%Y} (le dernier taux est repris d'ici là) :")
        for entry in todo:
            print(f"  {entry}")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.io.columns import (
        MappingProblem,
        load_mapping_file,
        mapping_file_text,
        parse_map_options,
        split_ignored,
    )
    from relance_tui.io.importer import ImportRefused, import_file
    from relance_tui.io.outputs import OutputExists, check_output_target, open_output_file

    path = Path(args.file).expanduser()
    try:
        forced, ignored = split_ignored(load_mapping_file(Path(args.mapping)) if args.mapping else {})
        more, more_ignored = split_ignored(parse_map_options(args.map or []))
        forced |= more
        ignored += more_ignored + (args.ignore or [])
    except MappingProblem as exc:
        print(clean(f"relance import : {exc}", multiline=True), file=sys.stderr)
        return 2
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    protected = _protected(settings)
    for named in (args.save_mapping, args.rejects):  # refused before anything is opened or read
        if named:
            try:
                check_output_target(named, protected, overwrite=args.force)
            except OutputExists as exc:
                raise OutputExists(f"{exc} ; ajoutez --force pour le remplacer") from None
    store = _open(settings, write=True)
    separator = {"tab": "\t", "\\t": "\t"}.get(args.separator, args.separator) if args.separator else None

    def show_detection(detection) -> None:
        print(clean(f"Fichier : {path}"))
        for line in detection.lines():
            print(f"  {line}")
        if args.save_mapping and detection.cmap is not None:
            with open_output_file(args.save_mapping, protected, overwrite=args.force, newline=None) as fh:
                fh.write(mapping_file_text(detection.cmap))
            print(clean(f"  Correspondance des colonnes enregistrée dans {args.save_mapping}"))
        if args.dry_run:
            print("Simulation : le fichier est lu et vérifié en entier, puis rien n'est écrit.")
        sys.stdout.flush()

    try:
        report = import_file(store, path, kind=args.kind, as_of=as_of, full=args.full,
                             allow_mass_close=args.allow_mass_close, dry_run=args.dry_run,
                             skip_invalid=args.skip_invalid,
                             rejects_path=Path(args.rejects) if args.rejects else None, forced_map=forced,
                             overwrite_rejects=args.force,
                             ignore_columns=ignored,
                             encoding=args.encoding, separator=separator,
                             default_terms=settings.office.payment_terms_days, on_detection=show_detection,
                             protected=protected)
    except ImportRefused as exc:
        print(exc.report.problem_summary(), file=sys.stderr)
        return exc.exit_code
    if report.previous_import:
        when, who = report.previous_import
        print(clean(f"Note : ce même fichier (SHA-256 identique) a déjà été importé le {when} par {who} ; "
                    "rien n'a été dupliqué."))
    if report.problems:
        print(f"{len(report.problems)} problème(s), lignes écartées :", file=sys.stderr)
        for line in report.problem_lines():
            print(f"  {line}", file=sys.stderr)
    for line in report.summary_lines():
        print(line)
    return 0


def office_today(settings: Settings) -> dt.date:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(settings.office.timezone)).date()


# How far ahead an export's --as-of may go: penalties are computed half-year by half-year up to it, with rates
# nobody knows yet; past year 9999 the date arithmetic itself fails.
AS_OF_YEARS_AHEAD = 10


def _parse_day(text: str | None, settings: Settings, option: str, *, years_ahead: int | None = None) -> dt.date:
    """A day on the command line (AAAA-MM-JJ or today); ``years_ahead``: at most 31 December of that many years
    after this one, refused with the option named."""
    if text in (None, "", "today", "aujourdhui", "aujourd'hui"):
        return office_today(settings)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise RelanceError(f"{option} {text!r} : date attendue AAAA-MM-JJ ou today") from None
    if years_ahead is not None:
        latest = dt.date(office_today(settings).year + years_ahead, 12, 31)
        if day > latest:
            raise RelanceError(f"{option} {text} : date trop lointaine, au plus le {latest:%d/%m/%Y} "
                               f"({years_ahead} ans après cette année)")
    return day


def agent_login(settings: Settings, name: str) -> str:
    """An agent given by login or by display name (as the app shows it)."""
    if name in settings.agents or name == settings.agent:
        return name
    for login, display in settings.agents.items():
        if display.casefold() == name.casefold():
            return login
    return name


def cmd_export_promises(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.io.outputs import OutputExists, write_error
    from relance_tui.io.promise_export import export_promises
    from relance_tui.store.promises import promises_made, promises_of_session
    from relance_tui.store.sessions import session_created_at

    day = _parse_day(args.date, settings, "--date")
    store = _open(settings)
    agent = agent_login(settings, args.agent) if args.agent else None
    if args.session is not None:
        created_at = session_created_at(store, args.session)
        if created_at is None:
            raise RelanceError(f"--session {args.session} : aucune session de ce numéro (voir l'onglet Session)")
        lines = [p for p in promises_of_session(store, args.session) if agent is None or p.agent == agent]
        if args.date is None:
            from relance_tui.domain.instants import local

            day = local(created_at, settings.office.timezone).date()
    else:
        lines = promises_made(store, day, tz=settings.office.timezone, agent=agent)
    try:
        export_promises(lines, args.output, fmt=args.format, day=day, tz=settings.office.timezone,
                        names=settings.display_name, excel=args.excel, protected=_protected(settings, store.path),
                        overwrite=args.force)
    except OutputExists as exc:
        raise OutputExists(f"{exc} ; ajoutez --force pour le remplacer") from None
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise write_error(args.output or "la sortie standard", exc) from None
    if args.output not in (None, "-"):
        total = sum(p.amount_cents for p in lines)
        from relance_tui.domain.money import format_cents

        print(clean(f"{len(lines)} promesse(s) du {day:%d/%m/%Y} ({format_cents(total)}) exportée(s) dans "
                    f"{args.output}"),
              file=sys.stderr)
    return 0


def cmd_export_person(args: argparse.Namespace, settings: Settings) -> int:
    """Everything held about one debtor and its contacts, as JSON (RGPD art. 15, right of access)."""
    from relance_tui.io.outputs import OutputExists, write_error
    from relance_tui.io.person_export import export_person
    from relance_tui.store.purge import find_debtor, person_record

    store = _open(settings)
    record = person_record(store, find_debtor(store.conn, args.debtor).id)
    try:
        export_person(record, args.output, generated_at=store.now(), agent=settings.agent,
                      protected=_protected(settings, store.path), overwrite=args.force)
    except OutputExists as exc:
        raise OutputExists(f"{exc} ; ajoutez --force pour le remplacer") from None
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise write_error(args.output or "la sortie standard", exc) from None
    if args.output not in (None, "-"):
        print(clean(f"Données du débiteur {record.debtor.get('code') or record.debtor['id']} "
                    f"({len(record.tables['contacts'])} contact(s), {len(record.tables['events'])} événement(s)) "
                    f"écrites dans {args.output}"), file=sys.stderr)
    return 0


def cmd_act(args: argparse.Namespace, settings: Settings) -> int:
    """A legal act recorded from the command line, as m on the debtor card records it (store/acts.record_act).

    A refusal is a RelanceError (exit 1), a debtor or an invoice that does not exist a NotFound (exit 10)."""
    from relance_tui.store.acts import describe_act, invoice_ids_by_number, record_act
    from relance_tui.store.purge import find_debtor

    kind, form = args.kind.replace("-", "_"), (args.form or "").replace("-", "_")
    if form and kind != "acknowledgement":  # only an acknowledgement has a form; it would not be kept
        print(f"relance act {args.kind} : --form ne vaut que pour une reconnaissance de dette (acknowledgement).",
              file=sys.stderr)
        return RelanceError.exit_code
    day = _parse_day(args.date, settings, "--date")
    store = _open(settings, write=True)
    debtor = find_debtor(store.conn, args.debtor)
    ids = invoice_ids_by_number(store.conn, debtor.id, args.invoice) if args.invoice else None
    try:
        act = record_act(store, debtor.id, kind, day, args.channel or "", ids, args.detail,
                         today=office_today(settings), form=form, office_country=settings.office.country)
    except ValueError as exc:  # refused: what is wrong, in French
        print(clean(f"relance act : {_sentence(str(exc))}"), file=sys.stderr)
        return RelanceError.exit_code
    # names, invoice numbers and the detail come from the shared database and the command line: printed as text
    print(clean(f"Enregistré pour {debtor.label} : "
                f"{describe_act(kind, day, args.channel or '', act.numbers, form=form)}"))
    for warning in act.warnings:
        print(clean(f"Attention : {_sentence(warning)}"), file=sys.stderr)
    return 0


def _sentence(text: str) -> str:
    """A message as a sentence: one final full stop, never two (a message may already end with one)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    """Anonymise the debtors that owe nothing and had no activity for the retention period (GDPR)."""
    from relance_tui.store.purge import RetentionTooShort, purge, purge_candidates, purge_counts

    years = args.years if args.years is not None else settings.privacy.retention_years
    source = f"--years {years}" if args.years is not None else "[privacy] retention_years dans relance.toml"
    if years is not None and not 1 <= years <= 50:
        raise RelanceError(f"--years {years} : attendu un nombre d'années entre 1 et 50")
    rule = (f"{years} an{'s' if years > 1 else ''} sans activité" if years is not None
            else "sans activité depuis la plus longue prescription possible de chaque débiteur")
    if not args.dry_run and not settings.is_supervisor:
        # irreversible, office-wide: the same role that waives penalties and closes sessions
        raise RelanceError(f"relance purge : réservé aux superviseurs ([office] supervisors dans relance.toml ; "
                           f"{settings.agent} n'en fait pas partie). La simulation --dry-run est ouverte à tous.")
    today = office_today(settings)
    store = _open(settings, write=not args.dry_run)
    try:
        if args.dry_run:
            found = purge_candidates(store, today=today, years=years, office_country=settings.office.country)
        else:
            found = list(purge(store, today=today, years=years, office_country=settings.office.country).debtors)
    except RetentionTooShort as exc:
        raise RelanceError(f"relance purge : {source} refusé : {exc}.") from None
    for c in found:
        # names come from the shared database: printed as text, never as terminal codes
        print(clean(f"{c.code or '#' + str(c.debtor_id)}  {c.name}  dernière activité {c.last_activity:%d/%m/%Y} "
                    f"({c.years} an{'s' if c.years > 1 else ''})  {c.contacts} contact(s), {c.events} événement(s), "
                    f"{c.promises} promesse(s), {c.disputes} litige(s)"))
    n = purge_counts(found)
    summary = (f"{n['debtors']} débiteur(s) ({rule}, rien de dû), {n['contacts']} contact(s), "
               f"{n['events']} événement(s), {n['promises']} promesse(s), {n['disputes']} litige(s)")
    if args.dry_run:
        print(f"Simulation : {summary} seraient anonymisés ; rien n'a été modifié.")
    else:
        print(f"Anonymisés : {summary}.")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    if args.export_what == "promises":
        return cmd_export_promises(args, settings)
    if args.export_what == "person":
        return cmd_export_person(args, settings)
    from relance_tui.io.csvout import open_output
    from relance_tui.io.export import export_debtors, export_invoices
    from relance_tui.io.outputs import OutputExists, write_error

    store = _open(settings)
    as_of = _parse_day(args.as_of, settings, "--as-of", years_ahead=AS_OF_YEARS_AHEAD)
    try:
        with open_output(args.output, excel=args.excel, protected=_protected(settings, store.path),
                         overwrite=args.force) as out:
            if args.export_what == "debtors":
                count = export_debtors(store, out, as_of=as_of, excel=args.excel, country=settings.office.country,
                                       tz=settings.office.timezone, names=settings.display_name)
            else:
                count = export_invoices(store, out, as_of=as_of, open_only=args.open, excel=args.excel,
                                        country=settings.office.country)
    except OutputExists as exc:
        raise OutputExists(f"{exc} ; ajoutez --force pour le remplacer") from None
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise write_error(args.output or "la sortie standard", exc) from None
    if args.output not in (None, "-"):
        what = "débiteur(s) exporté(s)" if args.export_what == "debtors" else "facture(s) exportée(s)"
        print(clean(f"{count} {what} dans {args.output}"), file=sys.stderr)
    return 0


# -- parser -------------------------------------------------------------------------
# --debtor: the code first (accounting codes are often digits), the internal id only when asked
# (store/purge.find_debtor)
DEBTOR_HELP = "code du débiteur (celui de la comptabilité, ex. 0001) ; id:N ou '#N' pour son numéro interne"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="relance",
        description="Relance des factures impayées par téléphone. Sans commande : ouvre l'application.",
    )
    parser.add_argument("--version", action="version", version=f"relance {__version__}")
    parser.add_argument("--db", help="fichier de la base (défaut : RELANCE_DB, sinon le dossier de données)")
    parser.add_argument("--theme", help="thème de l'interface (relance-sombre, relance-clair, relance-contraste)")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")

    sub.add_parser("init", help="crée la base partagée et le fichier de réglages du cabinet")

    demo = sub.add_parser("demo", help="remplit une base de démonstration réaliste (jamais la vraie base)")
    demo.add_argument("--size", choices=("small", "office", "large"), default="office",
                      help="small (40 débiteurs), office (600), large (20 000 débiteurs, 200 000 factures)")
    demo.add_argument("--seed", type=int, default=1, help="graine : même graine, mêmes données")
    demo.add_argument("--today", help="date de référence AAAA-MM-JJ (défaut : aujourd'hui)")
    demo.add_argument("--force", action="store_true", help="recrée la base si elle contient déjà des données")
    demo.add_argument("--open", action="store_true", help="ouvre l'application sur la démo ensuite")
    demo.add_argument("--db", dest="db", default=argparse.SUPPRESS, help="fichier de la démo")

    sub.add_parser("doctor", help="diagnostic : fichiers, mode de journal, schéma, intégrité, machines")

    backup = sub.add_parser("backup", help="sauvegarde à chaud (les agents peuvent continuer)")
    backup.add_argument("dest", help="fichier ou dossier de destination")
    backup.add_argument("--force", action="store_true", help="écrase le fichier de destination")

    rates = sub.add_parser("rates", help="tables de taux (BCE, intérêt légal)")
    rates.add_argument("--kind", choices=("ecb", "legal-pro", "legal-private", "legal-be"),
                       help="n'afficher qu'un type de taux")
    rates_sub = rates.add_subparsers(dest="rates_command", metavar="set")
    rset = rates_sub.add_parser("set", help="ajoute un taux en vigueur à partir d'une date")
    rset.add_argument("kind", metavar="TYPE", choices=("ecb", "legal-pro", "legal-private", "legal-be"),
                      help="ecb, legal-pro, legal-private ou legal-be")
    rset.add_argument("valid_from", metavar="DATE", help="AAAA-MM-JJ")
    rset.add_argument("rate", metavar="TAUX", help="en pourcentage, ex. 2,15")
    rset.add_argument("--source", help="d'où vient ce taux (ex. JORF du 27/12/2026)")
    imp = sub.add_parser("import", help="importe un export comptable (CSV de factures, FEC, paiements)",
                         description="Importe tout ou rien : un fichier avec une ligne invalide n'importe rien "
                                     "(sauf --skip-invalid). Réimporter l'export du lendemain met à jour sans doublon.")
    imp.add_argument("file", help="fichier CSV, TSV ou FEC")
    imp.add_argument("--kind", choices=("invoices", "payments", "fec"), help="type de fichier (défaut : détecté)")
    imp.add_argument("--as-of", help="date de l'export AAAA-MM-JJ (défaut : aujourd'hui)")
    imp.add_argument("--full", action="store_true",
                     help="export complet : les factures ouvertes absentes du fichier sont considérées payées")
    imp.add_argument("--allow-mass-close", action="store_true",
                     help="avec --full, accepte qu'un fichier solde plus de la moitié des factures ouvertes")
    imp.add_argument("--dry-run", action="store_true", help="lit et vérifie tout, n'écrit rien")
    imp.add_argument("--skip-invalid", action="store_true",
                     help="importe les lignes valides et écrit les autres dans un fichier de rejets")
    imp.add_argument("--rejects", help="fichier de rejets (défaut : FICHIER.rejets.csv)")
    imp.add_argument("--map", action="append", metavar="CHAMP=COLONNE",
                     help="impose une colonne, ex. --map amount=\"Total TTC\" (répétable)")
    imp.add_argument("--ignore", action="append", metavar="COLONNE",
                     help="ignore délibérément une colonne (un montant ou une date que relance n'utilise pas), "
                          "répétable ; aussi --map ignore=COLONNE")
    imp.add_argument("--mapping", help="fichier de correspondance des colonnes (TOML : section [columns], "
                                       "et ignore = [...] pour les colonnes ignorées)")
    imp.add_argument("--save-mapping", help="enregistre la correspondance détectée dans ce fichier")
    imp.add_argument("--encoding", help="impose l'encodage (utf-8, cp1252, iso-8859-15...)")
    imp.add_argument("--separator", help="impose le séparateur (; , | ou tab)")
    imp.add_argument("--force", action="store_true",
                     help="remplace le fichier de --rejects ou de --save-mapping s'il existe déjà")
    export = sub.add_parser("export", help="exporte les factures (avec pénalités), la balance âgée, les promesses")
    export_sub = export.add_subparsers(dest="export_what", metavar="QUOI", required=True)
    exp_inv = export_sub.add_parser("invoices", help="factures avec jours de retard, pénalités et indemnité")
    exp_inv.add_argument("--open", action="store_true", help="seulement les factures restant dues")
    exp_inv.add_argument("--as-of", help="date de calcul AAAA-MM-JJ (défaut : aujourd'hui)")
    exp_inv.add_argument("--format", choices=("csv",), default="csv")
    exp_inv.add_argument("--excel", action="store_true", help="pour Excel en français : ; virgule décimale, BOM")
    exp_inv.add_argument("-o", "--output", help="fichier de sortie (défaut : la sortie standard)")
    exp_inv.add_argument("--force", action="store_true", help="remplace le fichier de sortie s'il existe déjà")
    exp_deb = export_sub.add_parser(
        "debtors", help="balance âgée : par débiteur, le reste dû par ancienneté, net des avoirs",
        description="Une ligne par débiteur qui doit quelque chose ou détient un avoir non imputé : non échu, "
                    "1-30, 31-60, 61-90, plus de 90 jours de retard, avoirs non imputés (en négatif), total dû net "
                    "des avoirs (la somme de la ligne), dont en litige, pénalités et indemnités exigibles, dernier "
                    "contact, prochaine action, chargé de recouvrement ; une ligne de total.")
    exp_deb.add_argument("--as-of", help="date de la balance AAAA-MM-JJ : paiements et avoirs jusqu'à ce jour "
                                         "(défaut : aujourd'hui)")
    exp_deb.add_argument("--excel", action="store_true", help="pour Excel en français : ; virgule décimale, BOM")
    exp_deb.add_argument("-o", "--output", help="fichier de sortie (défaut : la sortie standard)")
    exp_deb.add_argument("--force", action="store_true", help="remplace le fichier de sortie s'il existe déjà")
    exp_pro = export_sub.add_parser("promises", help="les promesses de paiement obtenues un jour donné")
    exp_pro.add_argument("--date", help="jour des appels AAAA-MM-JJ ou today (défaut : aujourd'hui)")
    exp_pro.add_argument("--agent", help="seulement les promesses de cet agent (identifiant ou nom affiché)")
    exp_pro.add_argument("--session", type=int, metavar="N",
                         help="les promesses d'une session partagée (ouverte ou close) au lieu d'un jour")
    exp_pro.add_argument("--format", choices=("csv", "ics", "md"), default="csv",
                         help="csv (tableur), ics (agenda : un événement par date promise), md (à coller dans un mail)")
    exp_pro.add_argument("--excel", action="store_true", help="CSV pour Excel en français : ; virgule décimale, BOM")
    exp_pro.add_argument("-o", "--output", help="fichier de sortie (défaut : la sortie standard)")
    exp_pro.add_argument("--force", action="store_true", help="remplace le fichier de sortie s'il existe déjà")
    exp_per = export_sub.add_parser(
        "person", help="tout ce que relance détient sur un débiteur et ses contacts (RGPD, droit d'accès), en JSON")
    exp_per.add_argument("--debtor", required=True, metavar="CODE", help=DEBTOR_HELP)
    exp_per.add_argument("-o", "--output", help="fichier de sortie (défaut : la sortie standard)")
    exp_per.add_argument("--force", action="store_true", help="remplace le fichier de sortie s'il existe déjà")

    act = sub.add_parser(
        "act", help="enregistre un acte : mise en demeure, premier rappel gratuit, reconnaissance de dette",
        description="Enregistre un acte juridique daté sur les factures ouvertes d'un débiteur (par défaut toutes "
                    "celles qu'il peut couvrir ; une mise en demeure ou un premier rappel : celles déjà échues), "
                    "comme m sur la fiche. Une mise en demeure fait courir l'intérêt légal d'un particulier en "
                    "France ; le premier rappel gratuit d'un consommateur belge ouvre ses 14 jours ; une "
                    "reconnaissance de dette écrite fait repartir la prescription.")
    act.add_argument("kind", metavar="ACTE", choices=("formal-notice", "first-reminder", "acknowledgement"),
                     help="formal-notice, first-reminder ou acknowledgement")
    act.add_argument("--debtor", required=True, metavar="CODE", help=DEBTOR_HELP)
    act.add_argument("--date", metavar="AAAA-MM-JJ", help="date de l'acte (défaut : aujourd'hui ; jamais future)")
    act.add_argument("--channel", choices=("registered", "letter", "email", "hand"),
                     help="recommandé, courrier, email ou remise en main propre (obligatoire sauf reconnaissance)")
    act.add_argument("--form", choices=("written-promise", "payment-plan"), help="reconnaissance : sa forme")
    act.add_argument("--invoice", action="append", metavar="N°", help="une facture (répétable)")
    act.add_argument("--detail", default="", help="n° du recommandé, où est l'écrit, échéances du plan…")

    purge = sub.add_parser(
        "purge", help="anonymise les débiteurs sans rien de dû ni activité depuis N ans (RGPD)",
        description="Anonymise les contacts (nom, téléphones, email, notes), les notes du débiteur (et son nom et "
                    "son adresse si c'est une personne), des promesses, des litiges, le libellé de sa prochaine "
                    "action, le motif d'un abandon de pénalités et les textes de son historique, "
                    "pour chaque débiteur qui ne doit rien (ni facture due, ni avoir à rembourser, ni promesse en "
                    "attente, ni litige ouvert, ni pénalité de retard réclamable et non prescrite) et sans "
                    "activité depuis la durée de conservation ([privacy] retention_years, sinon la plus longue "
                    "prescription qui peut s'appliquer à lui). Une durée plus courte qu'une prescription possible "
                    "est refusée. Codes, montants, dates, pièces jointes et références de paiement restent.")
    purge.add_argument("--dry-run", action="store_true", help="liste ce qui serait anonymisé, ne change rien")
    purge.add_argument("--years", type=int, metavar="N",
                       help="durée de conservation en années, au moins la prescription la plus longue possible "
                            "(défaut : [privacy] retention_years, sinon cette prescription pour chaque débiteur)")
    return parser


COMMANDS = {None: cmd_app, "init": cmd_init, "demo": cmd_demo, "doctor": cmd_doctor,
            "backup": cmd_backup, "rates": cmd_rates, "import": cmd_import, "export": cmd_export,
            "purge": cmd_purge, "act": cmd_act}


def private_umask() -> None:
    """Files relance creates are for the agents' group only: never readable by other accounts.

    It also closes a race at start-up: SQLite creates -wal and -shm with the process umask and
    only then gives them the database's mode, so an agent starting in that instant could find
    them not writable for the group and fall back to read-only.

    Process-wide: called where the process starts (``run``, the console script and ``python -m
    relance_tui``), never by ``main``, which tests and other programs call in their own process.
    """
    current = os.umask(0o007)
    os.umask(current | 0o007)


def _settings_unreachable(exc: PermissionError, paths) -> RelanceError:  # noqa: ANN001 - config.Paths
    from relance_tui.errors import DatabaseUnreadable
    from relance_tui.store.connection import no_access_advice

    return DatabaseUnreadable(no_access_advice(exc.filename or paths.office_file))


def main(argv: Sequence[str] | None = None) -> int:
    """The command line, without touching process-wide state (see ``run``): returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "rates_command"):
        args.rates_command = None
    paths = resolve_paths(getattr(args, "db", None) if args.command != "demo" else None)
    setup_logging(paths.log_file)
    try:
        try:
            settings = load_settings(paths)
        except PermissionError as exc:  # a folder on the way is closed to this account
            raise _settings_unreachable(exc, paths) from None
        return COMMANDS[args.command](args, settings)
    except RelanceError as exc:
        # names files and quotes data: printed as text, never as terminal codes
        print(clean(f"relance : {exc}", multiline=True), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("relance : interrompu.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of our output is gone (| head): nothing to say, and nobody to say it to
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # noqa: BLE001 - the last line of defence: log it, show one line
        from relance_tui.store.connection import is_disk_full

        where = log_unexpected(exc, f"relance {' '.join(argv)}")
        if is_disk_full(exc):
            from relance_tui.errors import DiskFull

            print(clean(f"relance : disque plein ({exc}) ; libérez de la place, puis recommencez. "
                        f"Détails dans {where or 'le journal (non accessible)'}.", multiline=True),
                  file=sys.stderr)
            return DiskFull.exit_code
        print(clean(f"relance : erreur inattendue ({type(exc).__name__}: {exc}). "
                    f"Détails dans {where or 'le journal (non accessible)'}.", multiline=True),
              file=sys.stderr)
        return EXIT_UNEXPECTED
    finally:
        log.info("exit relance %s", " ".join(argv))


def _end_on_signal(signum: int, _frame: object) -> None:
    """SIGHUP (the SSH connection or the terminal is gone) and SIGTERM end relance as a normal exit
    does: finally blocks and finalizers run (a read-only agent's private copy of the base is removed)."""
    raise SystemExit(128 + signum)


def run() -> None:
    """The ``relance`` console script and ``python -m relance_tui``: process-wide settings, then ``main``."""
    private_umask()
    import signal

    for signum in (signal.SIGHUP, signal.SIGTERM):  # Textual handles SIGTSTP, SIGCONT, SIGWINCH, not these
        signal.signal(signum, _end_on_signal)
    code = main()
    try:
        sys.stdout.flush()  # what is still buffered: the reader may be gone by now
    except BrokenPipeError:
        code = EXIT_BROKEN_PIPE
    if code == EXIT_BROKEN_PIPE:
        # Python flushes standard output once more at exit: point it at /dev/null so that flush does
        # not fail again and print a traceback (the pattern of Python's signal module documentation)
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
    sys.exit(code)
