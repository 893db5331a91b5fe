"""What the law asks of the base: ``relance act`` (a legal act: formal notice, first reminder,
acknowledgement) and ``relance purge`` (GDPR: personal data no longer than needed)."""

from __future__ import annotations

import argparse
import sys

from relance_tui.commands.common import DEBTOR_HELP, office_today, open_db, parse_day, sentence
from relance_tui.config import Settings
from relance_tui.domain.text import clean, count
from relance_tui.errors import RelanceError


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
    day = parse_day(args.date, settings, "--date")
    store = open_db(settings, write=True)
    debtor = find_debtor(store.conn, args.debtor)
    ids = invoice_ids_by_number(store.conn, debtor.id, args.invoice) if args.invoice else None
    try:
        act = record_act(store, debtor.id, kind, day, args.channel or "", ids, args.detail,
                         today=office_today(settings), form=form, office_country=settings.office.country)
    except ValueError as exc:  # refused: what is wrong, in French
        print(clean(f"relance act : {sentence(str(exc))}"), file=sys.stderr)
        return RelanceError.exit_code
    # names, invoice numbers and the detail come from the shared database and the command line: printed as text
    print(clean(f"Enregistré pour {debtor.label} : "
                f"{describe_act(kind, day, args.channel or '', act.numbers, form=form)}"))
    for warning in act.warnings:
        print(clean(f"Attention : {sentence(warning)}"), file=sys.stderr)
    return 0


def _counts(contacts: int, events: int, promises: int, disputes: int) -> str:
    return (f"{count(contacts, 'contact')}, {count(events, 'événement')}, {count(promises, 'promesse')}, "
            f"{count(disputes, 'litige')}")


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
        raise RelanceError(f"purge réservée aux superviseurs ([office] supervisors dans relance.toml ; "
                           f"{settings.agent} n'en fait pas partie). La simulation --dry-run est ouverte à tous.")
    today = office_today(settings)
    store = open_db(settings, write=not args.dry_run)
    try:
        if args.dry_run:
            found = purge_candidates(store, today=today, years=years, office_country=settings.office.country)
        else:
            found = list(purge(store, today=today, years=years, office_country=settings.office.country).debtors)
    except RetentionTooShort as exc:
        raise RelanceError(f"purge : {source} refusé : {exc}.") from None
    for c in found:
        # names come from the shared database: printed as text, never as terminal codes
        print(clean(f"{c.code or '#' + str(c.debtor_id)}  {c.name}  dernière activité {c.last_activity:%d/%m/%Y} "
                    f"({count(c.years, 'an')})  {_counts(c.contacts, c.events, c.promises, c.disputes)}"))
    n = purge_counts(found)
    summary = (f"{count(n['debtors'], 'débiteur')} ({rule}, rien de dû), "
               f"{_counts(n['contacts'], n['events'], n['promises'], n['disputes'])}")
    if args.dry_run:
        print(f"Simulation : {summary} seraient anonymisés ; rien n'a été modifié.")
    else:
        print(f"Anonymisés : {summary}.")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """act and purge."""
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
    act.add_argument("--date", help="date de l'acte, JJ/MM/AAAA (défaut : aujourd'hui ; jamais future)")
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
