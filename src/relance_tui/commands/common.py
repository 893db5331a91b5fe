"""What every command shares: opening the base as the command needs it, the files it must never
overwrite, the office's today, a day or an agent named on the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from relance_tui.config import Settings
from relance_tui.domain.dates import parse_user_date
from relance_tui.domain.text import clean, count
from relance_tui.errors import RelanceError


def journal_override(settings: Settings) -> str | None:
    mode = settings.database.journal_mode
    return None if mode == "auto" else mode


# The stores this command opened: shut down when it ends (``shutdown_opened``), so that a command that wrote
# gives the write lease back at once (store/lease.py), not at the process's exit
_OPENED: list = []


def shutdown_opened() -> None:
    while _OPENED:
        _OPENED.pop().shutdown()


def open_db(settings: Settings, *, write: bool = False, create: bool = False, db: Path | None = None,
            figures: bool = True):
    """The database, for reading only unless the command writes (``write``/``create``).

    A command that only reads never creates, migrates or writes the file, and does not record its host
    (which would take the write lock): the app and the writing commands do that. ``figures``: the command
    prints penalties or next steps, which follow the office's terms and plans (a command that prints neither,
    the day's promises, is spared reading plans.toml and importing what computes them).
    """
    from relance_tui.store import open_store

    store = open_store(db or settings.paths.db, agent=settings.agent, create=create,
                       readonly=not (write or create), record_host=write or create,
                       journal_override=journal_override(settings),
                       lease_timeout=settings.database.lease_timeout)
    _OPENED.append(store)
    for line in (store.host_warning(), store.notice()):
        if line:
            print(clean(line), file=sys.stderr)  # host names and agents come from the shared database
    if not figures:
        return store
    from relance_tui.store.figures import OfficeTerms, set_office_terms

    # every figure a command prints follows the office's terms of sale (relance.toml)
    set_office_terms(store, OfficeTerms(be_consumer_damage_clause=settings.office.be_consumer_damage_clause))
    # and the next steps they print follow the office's plans (plans.toml)
    from relance_tui.io.plans import load_plans
    from relance_tui.store.plan import set_plan_book

    try:
        set_plan_book(store, load_plans(settings.paths.office_file))
    except RelanceError as exc:
        print(clean(f"relance : {exc} ; les plans intégrés sont utilisés."), file=sys.stderr)
    return store


def protected_paths(settings: Settings, *databases: Path):
    """What a file named on the command line must never be: the database and its companions, the
    settings, the templates."""
    from relance_tui.io.outputs import Protected

    return Protected.of_paths(settings.paths, *databases)


@contextmanager
def output_errors(output: str | None) -> Iterator[None]:
    """Writing a command's output (``-o FILE`` or standard output): a file that exists is refused with the
    option that replaces it; a write that fails says where; a reader gone away (``| head``) is left to
    ``main``."""
    from relance_tui.io.outputs import OutputExists, write_error

    try:
        yield
    except OutputExists as exc:
        raise OutputExists(f"{exc} ; ajoutez --force pour le remplacer") from None
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise write_error(output or "la sortie standard", exc) from None


def add_output_options(parser: argparse.ArgumentParser,
                       default: str = "la sortie standard") -> None:
    """-o/--output and --force, as every export has them (``default``: what happens without -o)."""
    parser.add_argument("-o", "--output", help=f"fichier de sortie (défaut : {default})")
    parser.add_argument("--force", action="store_true", help="remplace le fichier de sortie s'il existe déjà")


def open_app(args: argparse.Namespace, settings: Settings, db: Path) -> int:
    from relance_tui.tui.app import run_app

    return run_app(settings, db=db, theme=args.theme)


def office_today(settings: Settings) -> dt.date:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(settings.office.timezone)).date()


# How far ahead an export's --as-of may go: penalties are computed half-year by half-year up to it, with rates
# nobody knows yet; past year 9999 the date arithmetic itself fails.
AS_OF_YEARS_AHEAD = 10


def parse_day(text: str | None, settings: Settings, option: str, *, years_ahead: int | None = None) -> dt.date:
    """A day on the command line, typed as in the app (JJ/MM/AAAA, AAAA-MM-JJ, aujourd'hui, hier...; "today"
    too); ``years_ahead``: at most 31 December of that many years after this one, refused with the option
    named."""
    today = office_today(settings)
    if text is None or text.strip().lower() in ("", "today"):
        return today
    try:
        day = parse_user_date(text, today)
    except ValueError as exc:
        raise RelanceError(f"{option} : {exc}") from None
    if years_ahead is not None:
        latest = dt.date(today.year + years_ahead, 12, 31)
        if day > latest:
            raise RelanceError(f"{option} {text} : date trop lointaine, au plus le {latest:%d/%m/%Y} "
                               f"({count(years_ahead, 'an')} après cette année)")
    return day


def agent_login(settings: Settings, name: str) -> str:
    """An agent given by login or by display name (as the app shows it)."""
    if name in settings.agents or name == settings.agent:
        return name
    for login, display in settings.agents.items():
        if display.casefold() == name.casefold():
            return login
    return name


def sentence(text: str) -> str:
    """A message as a sentence: one final full stop, never two (a message may already end with one)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


# --debtor: the code first (accounting codes are often digits), the internal id only when asked
# (store/purge.find_debtor)
DEBTOR_HELP = "code du débiteur (celui de la comptabilité, ex. 0001) ; id:N ou '#N' pour son numéro interne"
