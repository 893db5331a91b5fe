"""``relance rates``: the rate tables (ECB, legal rates), listed or set."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from relance_tui.commands.common import office_today, open_db, parse_day, sentence
from relance_tui.config import Settings
from relance_tui.domain.text import clean
from relance_tui.errors import RelanceError


def cmd_rates(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.domain.money import format_rate, parse_rate
    from relance_tui.domain.penalties import RATE_KIND_LABELS, rate_start_warning
    from relance_tui.store.queries import list_rates, set_rate

    store = open_db(settings, write=args.rates_command == "set")
    if args.rates_command == "set":
        kind = args.kind.replace("-", "_")
        try:
            valid_from = parse_day(args.valid_from, settings, "DATE")
        except RelanceError as exc:
            print(clean(f"relance rates set : {sentence(str(exc))}"), file=sys.stderr)
            return 2
        try:
            bp = parse_rate(args.rate)
        except ValueError as exc:
            print(clean(f"relance rates set : {sentence(str(exc))}"), file=sys.stderr)
            return 2
        replaced = set_rate(store, kind, valid_from, bp, source=args.source or "")
        verb = "corrigé" if replaced else "ajouté"
        print(f"Taux {verb} : {RATE_KIND_LABELS[kind]} au {valid_from:%d/%m/%Y} = {format_rate(bp)}")
        if warning := rate_start_warning(kind, valid_from):  # recorded all the same: the day may be meant
            print(f"Attention : {sentence(warning)}", file=sys.stderr)
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


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """rates and rates set."""
    rates = sub.add_parser("rates", help="tables de taux (BCE, intérêt légal)")
    rates.add_argument("--kind", choices=("ecb", "legal-pro", "legal-private", "legal-be"),
                       help="n'afficher qu'un type de taux")
    rates_sub = rates.add_subparsers(dest="rates_command", metavar="set")
    rset = rates_sub.add_parser("set", help="ajoute un taux en vigueur à partir d'une date")
    rset.add_argument("kind", metavar="TYPE", choices=("ecb", "legal-pro", "legal-private", "legal-be"),
                      help="ecb, legal-pro, legal-private ou legal-be")
    rset.add_argument("valid_from", metavar="DATE", help="premier jour du taux, JJ/MM/AAAA")
    rset.add_argument("rate", metavar="TAUX", help="en pourcentage, ex. 2,15")
    rset.add_argument("--source", help="d'où vient ce taux (ex. JORF du 27/12/2026)")
