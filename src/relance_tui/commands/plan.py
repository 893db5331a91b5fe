"""The dunning plan from the command line: ``relance plan run`` (the nightly job), ``plan show``, ``plan done``,
``plan set``, ``plan list``, and ``relance agenda`` (the day's agenda as CSV or Markdown)."""

from __future__ import annotations

import argparse
import sys

from relance_tui.commands.common import (
    DEBTOR_HELP,
    add_output_options,
    office_today,
    open_db,
    output_errors,
    parse_day,
    protected_paths,
    sentence,
)
from relance_tui.config import Settings
from relance_tui.domain.text import agreed, clean, count
from relance_tui.errors import RelanceError


def plan_book(settings: Settings):  # noqa: ANN201 - a domain.plan.PlanBook
    from relance_tui.io.plans import load_plans

    return load_plans(settings.paths.office_file)


def cmd_plan(args: argparse.Namespace, settings: Settings) -> int:
    return {"run": cmd_plan_run, "show": cmd_plan_show, "done": cmd_plan_done, "set": cmd_plan_set,
            "list": cmd_plan_list}[args.plan_command](args, settings)


def cmd_plan_run(args: argparse.Namespace, settings: Settings) -> int:
    """The day's steps: counted by group; with --send, the automatic emails (no approval needed) sent."""
    book = plan_book(settings)
    day = parse_day(args.date, settings, "--date")
    sending = args.send and not args.dry_run
    if sending and day != office_today(settings):
        # an email says its own dates (the Belgian reminder's 14 days run from its sending): sent today only
        raise RelanceError(f"--send envoie aujourd'hui : --date {day:%d/%m/%Y} ne vaut qu'avec --dry-run "
                           "(voir ce qui aurait été envoyé ce jour-là)")
    store = open_db(settings, write=sending)
    try:
        return _run(store, args, settings, book, day, sending)
    finally:
        if sending:  # the nightly job keeps yesterday's aged balance too, after its emails (store/history.py)
            _keep_history(store, day)


def _keep_history(store, day) -> None:  # noqa: ANN001 - a Store, a date
    from relance_tui.store.history import fill_missing, keep_yesterday

    try:
        keep_yesterday(store, day)
        fill_missing(store, day)
    except RelanceError as exc:  # a statistic: said, and the run's result stands
        print(clean(f"relance : balance âgée de la veille non enregistrée ({exc}) ; "
                    "« relance snapshots rebuild » la reconstitue."), file=sys.stderr)


def _run(store, args: argparse.Namespace, settings: Settings, book, day, sending: bool) -> int:  # noqa: ANN001
    from relance_tui.store.agenda import day_agenda
    from relance_tui.store.plan import DebtorPlan

    rows = day_agenda(store, day, book=book, office_country=settings.office.country)
    print(f"Agenda du {day:%d/%m/%Y} : {len(rows)} à faire")
    groups: dict[str, int] = {}
    for row in rows:
        groups[row.group] = groups.get(row.group, 0) + 1
    for group, n in groups.items():
        late = sum(1 for r in rows if r.group == group and r.late_days > 0)
        print(f"  {group} : {n}{f' (dont {late} en retard)' if late else ''}")
    # sent by the nightly job: the plan's emails that need no agent (thank-yous are proposed, never automatic)
    # a step another run is sending now is skipped when its claim is refused; one a crash left is taken again
    automatic = [r for r in rows if isinstance(r, DebtorPlan) and r.channel == "email" and not r.state.next.approval]
    if not automatic:
        print("Aucun email automatique à envoyer.")
        return 0
    if not sending:
        verb = "seraient envoyés" if args.send else "à envoyer avec --send"
        print(f"Emails automatiques {verb} : {len(automatic)}")
        for item in automatic:
            print(clean(f"  {item.name} : {item.next_label} ({count(len(item.invoice_ids), 'facture')})"))
        return 0
    results = _send(store, automatic, settings, book, day)
    failed = [r for r in results if r.failed]
    done = [r for r in results if r.status in ("sent", "outbox")]
    skipped = [r for r in results if r.status == "skipped"]
    print(f"Emails : {len(done)} {agreed(len(done), 'envoyé')}, {len(skipped)} déjà "
          f"{agreed(len(skipped), 'fait')} ailleurs, {len(failed)} en échec")
    for r in failed:
        print(clean(f"  ÉCHEC {r.name} ({r.step}) : {sentence(r.message)}"), file=sys.stderr)
    return 1 if failed else 0


def _send(store, items, settings: Settings, book, day):  # noqa: ANN001, ANN202
    from relance_tui.io.documents import DocumentPlace
    from relance_tui.io.plan_send import Mailer, send_plan_emails
    from relance_tui.io.templates import Templates

    mailer = Mailer(settings.smtp, settings.smtp.sender or settings.office.email, settings.paths.outbox,
                    documents=DocumentPlace.of(settings, store.path))
    templates = Templates(settings.paths.office_file.parent / "templates")

    def said(result) -> None:  # noqa: ANN001 - a plan_send.Sent
        if result.status in ("sent", "outbox"):
            print(clean(f"  {result.name} : {result.message}"))

    return send_plan_emails(store, items, mailer=mailer, templates=templates, agent=settings.agent_name,
                            office=settings.office, today=day, book=book, progress=said)


def cmd_plan_show(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.domain.plan import CHANNELS
    from relance_tui.store.plan import debtor_plans, step_label
    from relance_tui.store.purge import find_debtor

    book = plan_book(settings)
    day = parse_day(args.date, settings, "--date")
    store = open_db(settings)
    debtor = find_debtor(store.conn, args.debtor)
    found = debtor_plans(store.conn, day, book=book, office_country=settings.office.country, debtor_ids=[debtor.id])
    if not found:
        print(clean(f"{debtor.label} : rien d'ouvert, aucun plan en cours."))
        return 0
    item = found[0]
    state = item.state
    print(clean(f"{item.name} : plan « {item.plan.label} » ({item.plan.key}), {item.regime.label}"))
    done = {s.key: d for s, d in state.done}
    for step in item.plan.steps:
        if step.key in done:
            d = done[step.key]
            mark = f"fait le {d.day:%d/%m/%Y}{f' par {d.agent}' if d.agent else ''}"
        elif step in state.skipped:
            mark = "passé"
        elif step is state.next:
            mark = "PROCHAINE ÉTAPE"
        else:
            mark = ""
        print(clean(f"  {step_label(step, item.regime):45} {CHANNELS[step.channel]:20} {mark}"))
    print(clean(f"Prochaine étape : {state.summary()}"))
    if item.claimed_by:
        print(clean(f"En cours d'envoi par {item.claimed_by}."))
    return 0


def cmd_plan_done(args: argparse.Namespace, settings: Settings) -> int:
    """A step done outside relance (a letter printed and posted, a court file handed over): recorded by hand."""
    from relance_tui.store.plan_steps import record_step
    from relance_tui.store.purge import find_debtor

    book = plan_book(settings)
    day = parse_day(args.date, settings, "--date")
    store = open_db(settings, write=True)
    debtor = find_debtor(store.conn, args.debtor)
    try:
        done = record_step(store, debtor.id, args.step, today=office_today(settings), day=day, note=args.note,
                           tracking=args.tracking, channel=args.channel or "", book=book,
                           office_country=settings.office.country)
    except ValueError as exc:  # a legal act refused (a date before the due date...): what is wrong, in French
        raise RelanceError(sentence(str(exc))) from None
    print(clean(f"Enregistré pour {debtor.label} : étape {done.step} du {day:%d/%m/%Y} "
                f"({count(len(done.invoice_ids), 'facture')})."))
    return 0


def cmd_plan_set(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.store.plan import set_debtor_plan
    from relance_tui.store.purge import find_debtor

    book = plan_book(settings)
    store = open_db(settings, write=True)
    debtor = find_debtor(store.conn, args.debtor)
    key = None if args.plan == "auto" else args.plan
    set_debtor_plan(store, debtor.id, key, book)
    print(clean(f"{debtor.label} : plan {book.plans[key].label if key else 'selon son profil et son type'}."))
    return 0


def cmd_plan_list(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.domain.plan import CHANNELS, PROFILES

    book = plan_book(settings)
    for plan in book.plans.values():
        origin = "intégré" if plan.builtin else "cabinet (plans.toml)"
        print(clean(f"{plan.key} : {plan.label} ({origin})"))
        for step in plan.steps:
            when = (f"J{step.offset:+d}" if step.anchor == "due" else f"+{step.offset} j après l'étape précédente")
            flags = [f for f, on in (("obligatoire", step.required), ("automatique", not step.approval),
                                     ("frais", step.costs)) if on]
            print(clean(f"  {step.key:15} {step.label:40} {CHANNELS[step.channel]:20} {when}"
                        f"{' (' + ', '.join(flags) + ')' if flags else ''}"))
    for profile, key in book.profiles.items():
        print(clean(f"Profil {PROFILES[profile]} : plan {key}"))
    return 0


def cmd_agenda(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.io.agenda_export import write_agenda_csv, write_agenda_markdown
    from relance_tui.io.csvout import open_output
    from relance_tui.store.agenda import day_agenda

    book = plan_book(settings)
    day = parse_day(args.date, settings, "--date")
    store = open_db(settings)
    items = day_agenda(store, day, book=book, office_country=settings.office.country)
    with output_errors(args.output), open_output(args.output, excel=args.excel, overwrite=args.force,
                                                 protected=protected_paths(settings, store.path)) as out:
        if args.format == "md":
            write_agenda_markdown(items, out, day=day)
        else:
            write_agenda_csv(items, out, excel=args.excel)
    if args.output not in (None, "-"):
        print(clean(f"{count(len(items), 'ligne')} dans {args.output}"), file=sys.stderr)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    plan = sub.add_parser("plan", help="le plan de relance : étapes du jour, envoi, étapes faites à la main")
    plan_sub = plan.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    run = plan_sub.add_parser("run", help="les étapes du jour ; avec --send, envoie les emails automatiques")
    run.add_argument("--date", help="jour, JJ/MM/AAAA (défaut : aujourd'hui)")
    run.add_argument("--send", action="store_true", help="envoie les emails qui ne demandent pas de validation")
    run.add_argument("--dry-run", action="store_true", help="montre ce qui serait envoyé, sans rien envoyer")
    show = plan_sub.add_parser("show", help="le plan d'un débiteur : étapes faites, prochaine étape")
    show.add_argument("debtor", help=DEBTOR_HELP)
    show.add_argument("--date", help="jour, JJ/MM/AAAA (défaut : aujourd'hui)")
    done = plan_sub.add_parser("done", help="note une étape faite hors de relance (courrier posté, dossier remis)")
    done.add_argument("debtor", help=DEBTOR_HELP)
    done.add_argument("step", help="l'étape (sa clé : reminder, letter, formal_notice, court... ; relance plan list)")
    done.add_argument("--date", help="jour où elle a été faite (défaut : aujourd'hui)")
    done.add_argument("--note", default="", help="une note pour la chronologie")
    done.add_argument("--tracking", default="", help="numéro de suivi du recommandé")
    done.add_argument("--channel", choices=("email", "letter", "registered"),
                      help="le canal, s'il diffère de celui du plan")
    set_ = plan_sub.add_parser("set", help="choisit le plan d'un débiteur (auto : selon son profil et son type)")
    set_.add_argument("debtor", help=DEBTOR_HELP)
    set_.add_argument("plan", help="la clé du plan (relance plan list), ou auto")
    plan_sub.add_parser("list", help="les plans : intégrés et ceux du cabinet (plans.toml)")

    agenda = sub.add_parser("agenda", help="l'agenda du jour (étapes du plan) en CSV ou Markdown")
    agenda.add_argument("--date", help="jour, JJ/MM/AAAA (défaut : aujourd'hui)")
    agenda.add_argument("--format", choices=("csv", "md"), default="csv")
    agenda.add_argument("--excel", action="store_true", help="CSV pour Excel (point-virgule, virgule décimale)")
    add_output_options(agenda)
