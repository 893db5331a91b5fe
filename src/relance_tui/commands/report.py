"""``relance report`` (the supervisor's figures for the office owner) and ``relance snapshots`` (the aged
balance kept day by day: taken, rebuilt)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from relance_tui.commands.common import (
    add_output_options,
    office_today,
    open_db,
    output_errors,
    parse_day,
    protected_paths,
)
from relance_tui.config import Settings
from relance_tui.domain.text import agreed, clean, count
from relance_tui.errors import RelanceError


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.domain.kpi import period_of
    from relance_tui.io.outputs import open_output_file
    from relance_tui.io.report import FORMATS
    from relance_tui.store.dashboard import dashboard, first_issue

    as_of = parse_day(args.as_of, settings, "--as-of")
    today = office_today(settings)
    if as_of > today:
        raise RelanceError(f"--as-of {args.as_of} : date future ; un rapport porte sur ce qui s'est passé")
    fmt = FORMATS[args.format]
    if fmt.binary and args.output in (None, "-") and sys.stdout.isatty():
        raise RelanceError("--format pdf : indiquez le fichier avec -o (un PDF ne s'affiche pas dans le terminal)")
    store = open_db(settings)
    board = dashboard(store, period_of(args.period, as_of), today=today, tz=settings.office.timezone)
    text = fmt.write(board, office=settings.office.name or "relance", made_on=today, name=settings.display_name)
    with output_errors(args.output):
        if args.output in (None, "-"):
            if fmt.binary:
                sys.stdout.buffer.write(text)
            else:
                sys.stdout.write(text)
        else:
            with open_output_file(args.output, protected_paths(settings, store.path), overwrite=args.force,
                                  binary=fmt.binary) as out:
                out.write(text)
    if args.output not in (None, "-"):
        print(clean(f"Rapport « {board.period.label} » écrit dans {args.output}"), file=sys.stderr)
    first = first_issue(store)
    if first is None or first > board.period.end:
        print(f"Note : aucune facture émise au {board.period.end:%d/%m/%Y} : rien à compter.", file=sys.stderr)
    elif board.computed_days:  # said, not a problem: those days were computed from the invoices for this report
        print(f"Note : {count(board.computed_days, 'jour')} sans balance âgée gardée, "
              f"{agreed(board.computed_days, 'calculé')} à partir des factures et des paiements "
              "(« relance snapshots rebuild » les garde).", file=sys.stderr)
    return 0


def cmd_snapshots(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.store.history import HISTORY_DAYS, keep_yesterday, rebuild

    store = open_db(settings, write=True)
    today = office_today(settings)
    if args.snapshots_command == "take":
        taken = keep_yesterday(store, today)
        day = today - dt.timedelta(days=1)
        print(f"Balance âgée du {day:%d/%m/%Y} à la clôture : {'enregistrée' if taken else 'déjà enregistrée'}.")
        return 0
    end = parse_day(args.to, settings, "--to") if args.to else today - dt.timedelta(days=1)
    start = parse_day(args.since, settings, "--since") if args.since else end - dt.timedelta(days=HISTORY_DAYS - 1)
    if end >= today:
        raise RelanceError(f"--to {args.to} : l'historique s'arrête à hier (une journée est gardée une fois close)")
    if start > end:
        raise RelanceError(f"--since {start:%d/%m/%Y} après --to {end:%d/%m/%Y}")
    done = rebuild(store, start, end)
    kept = count(done.kept, "jour enregistré le lendemain gardé tel quel", "jours enregistrés le lendemain gardés tels quels")
    print(f"Historique du {start:%d/%m/%Y} au {end:%d/%m/%Y} : "
          f"{count(done.days, 'jour reconstitué', 'jours reconstitués')}{f', {kept}' if done.kept else ''}.")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser(
        "report", help="le tableau de bord pour le responsable : DSO, balance âgée, encaissements, agents",
        description="Les chiffres de l'onglet Tableau de bord pour une période qui finit au jour dit : dû, en "
                    "retard, plus de 90 jours, DSO (méthode countback), balance âgée dans le temps, encaissé et "
                    "promis, promesses tenues, litiges, résultats par agent.")
    report.add_argument("--period", choices=("week", "month", "quarter", "year"), default="month",
                        help="la semaine, le mois ou le trimestre qui finit au jour dit, ou les 12 mois qui y finissent "
                             "(défaut : month)")
    report.add_argument("--as-of", help="dernier jour de la période, JJ/MM/AAAA (défaut : aujourd'hui)")
    report.add_argument("--format", choices=("md", "html", "pdf"), default="md",
                        help="md (Markdown), html (graphiques SVG intégrés), pdf (défaut : md)")
    add_output_options(report)
    snapshots = sub.add_parser("snapshots", help="la balance âgée jour par jour : enregistrer, reconstituer")
    snap_sub = snapshots.add_subparsers(dest="snapshots_command", metavar="ACTION", required=True)
    snap_sub.add_parser("take", help="enregistre la balance âgée de la veille, à sa clôture (l'application le fait "
                                     "à son premier démarrage du jour)")
    rebuild = snap_sub.add_parser(
        "rebuild", help="reconstitue les jours passés à partir des factures, paiements et avoirs",
        description="Recalcule la balance âgée, à la clôture de chaque jour, des jours sans enregistrement (une "
                    "nouvelle installation a ainsi un passé) ; un jour enregistré le lendemain matin est gardé tel quel. Ce que la base ne sait plus "
                    "est pris tel qu'aujourd'hui : le chargé de recouvrement de chaque débiteur, une facture "
                    "passée en perte ou en litige depuis.")
    rebuild.add_argument("--since", help="premier jour, JJ/MM/AAAA (défaut : 400 jours avant --to)")
    rebuild.add_argument("--to", help="dernier jour, JJ/MM/AAAA (défaut : hier)")
