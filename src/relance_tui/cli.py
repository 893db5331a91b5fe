"""The ``relance`` command: every subcommand is a thin call into the layers."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from relance_tui import __version__
from relance_tui.commands import base, documents, exports, importing, legal, plan, rates, report
from relance_tui.commands.parser import EVERYWHERE, FrenchParser, add_everywhere
from relance_tui.config import load_settings, resolve_paths
from relance_tui.domain.text import clean
from relance_tui.errors import RelanceError
from relance_tui.gcpause import resume as collector_on
from relance_tui.logs import log, log_unexpected, setup_logging

EXIT_UNEXPECTED = 70
# The reader of our standard output went away (``relance export ... | head``): what a shell reports for a
# process that SIGPIPE ended (128 + 13). Not 0: the output was cut short, and a script with
# ``set -o pipefail`` should know; not 1: nothing went wrong that needs a message.
EXIT_BROKEN_PIPE = 141


ALL = "*"  # build_parser's ``command``: every command's arguments


class _Unused:
    """What a command's parser is to the commands not asked for: every call is accepted and does nothing."""

    def __getattr__(self, name: str) -> _Unused:
        return self

    def __call__(self, *args: object, **kwargs: object) -> _Unused:
        return self


class _Outline:
    """The subparsers as ``build_parser`` gives them to each commands module: the command asked for is built
    whole; the others are named with their help (for ``relance --help``) and nothing more. Their arguments
    cost 7 ms of every start of the app and of every command."""

    def __init__(self, sub: argparse._SubParsersAction, command: str | None) -> None:
        self.sub, self.command = sub, command

    def add_parser(self, name: str, **kwargs: object) -> argparse.ArgumentParser | _Unused:
        parser = self.sub.add_parser(name, **kwargs)
        return parser if self.command in (ALL, name) else _Unused()


def command_of(argv: Sequence[str]) -> str | None:
    """The command ``argv`` asks for (None: the app), read as the top-level parser would; ``ALL`` when it is
    not plain (an option it does not know, a word that is not a command): then every command is built."""
    words = iter(argv)
    for word in words:
        if word in ("--db", "--theme"):
            next(words, None)
        elif word.startswith(("--db=", "--theme=")) or word in ("-h", "--help", "--version"):
            continue
        elif word.startswith("-"):
            return ALL
        else:
            return word if word in COMMANDS else ALL
    return None


def build_parser(command: str | None = ALL) -> argparse.ArgumentParser:
    """The command line's parser: every command listed, ``command``'s arguments (all of them with ``ALL``)."""
    parser = FrenchParser(
        prog="relance",
        description="Relance des factures impayées par téléphone. Sans commande : ouvre l'application.",
    )
    parser.add_argument("--version", action="version", version=f"relance {__version__}",
                        help="affiche la version et quitte")
    for flags, keywords in EVERYWHERE:
        parser.add_argument(*flags, **keywords)
    sub = _Outline(parser.add_subparsers(dest="command", metavar="COMMANDE"), command)
    for module in (base, rates, importing, exports, legal, plan, documents, report):
        module.add_parsers(sub)
    add_everywhere(parser)  # relance doctor --db F as well as relance --db F doctor
    return parser


COMMANDS = {None: base.cmd_app, "init": base.cmd_init, "demo": base.cmd_demo, "doctor": base.cmd_doctor,
            "backup": base.cmd_backup, "rates": rates.cmd_rates, "import": importing.cmd_import,
            "export": exports.cmd_export, "purge": legal.cmd_purge, "act": legal.cmd_act, "plan": plan.cmd_plan,
            "agenda": plan.cmd_agenda, "document": documents.cmd_document, "letters": documents.cmd_letters,
            "report": report.cmd_report, "snapshots": report.cmd_snapshots}


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
    """The command line, without touching process-wide state (see ``run``): returns the exit code. A command
    that did not end well leaves a line in the log (one that did leaves nothing: the log file is not even
    opened, which spares every command the import of logging.handlers)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        code = _main(argv)
    except SystemExit as exc:
        if isinstance(exc.code, int) and exc.code >= 128:  # SIGHUP or SIGTERM (_end_on_signal): the SSH link gone
            log.info("exit %d: relance %s", exc.code, " ".join(argv))
        raise
    if code:
        log.info("exit %d: relance %s", code, " ".join(argv))
    return code


def _main(argv: list[str]) -> int:
    parser = build_parser(command_of(argv))
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
        if args.command is not None:  # a command: the collector on before its work (the app: once painted)
            collector_on()
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
        from relance_tui.commands.common import shutdown_opened

        shutdown_opened()


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
