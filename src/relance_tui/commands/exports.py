"""``relance export``: invoices with their penalties, the aged balance, the promises of a day or a
session, and everything held about one debtor (GDPR right of access)."""

from __future__ import annotations

import argparse
import sys

from relance_tui.commands.common import (
    AS_OF_YEARS_AHEAD,
    DEBTOR_HELP,
    add_output_options,
    agent_login,
    open_db,
    output_errors,
    parse_day,
    protected_paths,
)
from relance_tui.config import Settings
from relance_tui.domain.text import clean, count
from relance_tui.errors import RelanceError


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    if args.export_what == "promises":
        return cmd_export_promises(args, settings)
    if args.export_what == "person":
        return cmd_export_person(args, settings)
    from relance_tui.io.csvout import open_output
    from relance_tui.io.export import export_debtors, export_invoices

    store = open_db(settings)
    as_of = parse_day(args.as_of, settings, "--as-of", years_ahead=AS_OF_YEARS_AHEAD)
    with output_errors(args.output), open_output(args.output, excel=args.excel, overwrite=args.force,
                                                 protected=protected_paths(settings, store.path)) as out:
        if args.export_what == "debtors":
            written = export_debtors(store, out, as_of=as_of, excel=args.excel, country=settings.office.country,
                                     tz=settings.office.timezone, names=settings.display_name)
        else:
            written = export_invoices(store, out, as_of=as_of, open_only=args.open, excel=args.excel,
                                      country=settings.office.country)
    if args.output not in (None, "-"):
        what = count(written, "débiteur exporté" if args.export_what == "debtors" else "facture exportée")
        print(clean(f"{what} dans {args.output}"), file=sys.stderr)
    return 0


def cmd_export_promises(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.io.promise_export import export_promises
    from relance_tui.store.promises import promises_made, promises_of_session

    day = parse_day(args.date, settings, "--date")
    store = open_db(settings, figures=False)  # promises as they were made: no penalty, no next step
    agent = agent_login(settings, args.agent) if args.agent else None
    if args.session is not None:
        from relance_tui.store.sessions import session_created_at

        created_at = session_created_at(store, args.session)
        if created_at is None:
            raise RelanceError(f"--session {args.session} : aucune session de ce numéro (voir l'onglet Session)")
        lines = [p for p in promises_of_session(store, args.session) if agent is None or p.agent == agent]
        if args.date is None:
            from relance_tui.domain.instants import local

            day = local(created_at, settings.office.timezone).date()
    else:
        lines = promises_made(store, day, tz=settings.office.timezone, agent=agent)
    with output_errors(args.output):
        export_promises(lines, args.output, fmt=args.format, day=day, tz=settings.office.timezone,
                        names=settings.display_name, excel=args.excel, protected=protected_paths(settings, store.path),
                        overwrite=args.force)
    if args.output not in (None, "-"):
        total = sum(p.amount_cents for p in lines)
        from relance_tui.domain.money import format_cents

        print(clean(f"{count(len(lines), 'promesse')} du {day:%d/%m/%Y} ({format_cents(total)}) "
                    f"{'exportées' if len(lines) > 1 else 'exportée'} dans "
                    f"{args.output}"),
              file=sys.stderr)
    return 0


def cmd_export_person(args: argparse.Namespace, settings: Settings) -> int:
    """Everything held about one debtor and its contacts, as JSON (RGPD art. 15, right of access)."""
    from relance_tui.io.person_export import export_person
    from relance_tui.store.purge import find_debtor, person_record

    store = open_db(settings)
    record = person_record(store, find_debtor(store.conn, args.debtor).id)
    with output_errors(args.output):
        export_person(record, args.output, generated_at=store.now(), agent=settings.agent,
                      protected=protected_paths(settings, store.path), overwrite=args.force)
    if args.output not in (None, "-"):
        print(clean(f"Données du débiteur {record.debtor.get('code') or record.debtor['id']} "
                    f"({count(len(record.tables['contacts']), 'contact')}, "
                    f"{count(len(record.tables['events']), 'événement')}) "
                    f"écrites dans {args.output}"), file=sys.stderr)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """export and its four subcommands."""
    export = sub.add_parser("export", help="exporte les factures (avec pénalités), la balance âgée, les promesses")
    export_sub = export.add_subparsers(dest="export_what", metavar="QUOI", required=True)
    _invoices_parser(export_sub)
    _debtors_parser(export_sub)
    _promises_parser(export_sub)
    _person_parser(export_sub)


def _invoices_parser(export_sub: argparse._SubParsersAction) -> None:
    """export invoices."""
    exp_inv = export_sub.add_parser("invoices", help="factures avec jours de retard, pénalités et indemnité")
    exp_inv.add_argument("--open", action="store_true", help="seulement les factures restant dues")
    exp_inv.add_argument("--as-of", help="date de calcul, JJ/MM/AAAA (défaut : aujourd'hui)")
    exp_inv.add_argument("--format", choices=("csv",), default="csv")
    exp_inv.add_argument("--excel", action="store_true", help="pour Excel en français : ; virgule décimale, BOM")
    add_output_options(exp_inv)


def _debtors_parser(export_sub: argparse._SubParsersAction) -> None:
    """export debtors (the aged balance)."""
    exp_deb = export_sub.add_parser(
        "debtors", help="balance âgée : par débiteur, le reste dû par ancienneté, net des avoirs",
        description="Une ligne par débiteur qui doit quelque chose ou détient un avoir non imputé : non échu, "
                    "1-30, 31-60, 61-90, plus de 90 jours de retard, avoirs non imputés (en négatif), total dû net "
                    "des avoirs (la somme de la ligne), dont en litige, pénalités et indemnités exigibles, dernier "
                    "contact, prochaine action, chargé de recouvrement ; une ligne de total.")
    exp_deb.add_argument("--as-of", help="date de la balance, JJ/MM/AAAA : paiements et avoirs jusqu'à ce jour "
                                         "(défaut : aujourd'hui)")
    exp_deb.add_argument("--excel", action="store_true", help="pour Excel en français : ; virgule décimale, BOM")
    add_output_options(exp_deb)


def _promises_parser(export_sub: argparse._SubParsersAction) -> None:
    """export promises."""
    exp_pro = export_sub.add_parser("promises", help="les promesses de paiement obtenues un jour donné")
    exp_pro.add_argument("--date", help="jour des appels, JJ/MM/AAAA (défaut : aujourd'hui)")
    exp_pro.add_argument("--agent", help="seulement les promesses de cet agent (identifiant ou nom affiché)")
    exp_pro.add_argument("--session", type=int, metavar="N",
                         help="les promesses d'une session partagée (ouverte ou close) au lieu d'un jour")
    exp_pro.add_argument("--format", choices=("csv", "ics", "md"), default="csv",
                         help="csv (tableur), ics (agenda : un événement par date promise), md (à coller dans un mail)")
    exp_pro.add_argument("--excel", action="store_true", help="CSV pour Excel en français : ; virgule décimale, BOM")
    add_output_options(exp_pro)


def _person_parser(export_sub: argparse._SubParsersAction) -> None:
    """export person (GDPR, right of access)."""
    exp_per = export_sub.add_parser(
        "person", help="tout ce que relance détient sur un débiteur et ses contacts (RGPD, droit d'accès), en JSON")
    exp_per.add_argument("--debtor", required=True, metavar="CODE", help=DEBTOR_HELP)
    add_output_options(exp_per)
