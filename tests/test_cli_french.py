"""The command line as people type it (issue 17, items 4 and 5): every help page and error in French, --db and
--theme before or after the command, and dates in options typed as in the app (JJ/MM/AAAA, aujourd'hui,
hier, ISO)."""

from __future__ import annotations

import argparse
import datetime as dt
import re

import pytest

from relance_tui import cli
from relance_tui.commands.common import parse_day
from relance_tui.config import load_settings, resolve_paths
from relance_tui.errors import RelanceError

# English that argparse writes unless told otherwise, and English value names (its default metavars)
ENGLISH = ("usage", "positional arguments", "optional arguments", "show this help", "show program", "error:",
           "the following arguments", "invalid choice", "choose from", "unrecognized", "expected one",
           "OUTPUT", "AS_OF", "FILE", "SEPARATOR", "ENCODING", "SEED", "TRACKING", "REJECTS", "MAPPING", "DEST")


def run(capsys, *argv):
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # --help and argparse's errors end the parse
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def every_parser(parser: argparse.ArgumentParser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in dict.fromkeys(action.choices.values()):
                yield from every_parser(command)


def english_in(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]


def test_every_help_page_is_in_french() -> None:
    pages = [(p.prog, p.format_help()) for p in every_parser(cli.build_parser())]
    assert len(pages) > 20  # every command and subcommand, not only the top
    assert [(prog, english_in(text)) for prog, text in pages if english_in(text)] == []
    top = dict(pages)["relance"]
    assert top.startswith("utilisation : relance") and "affiche cette aide et quitte" in top


@pytest.mark.parametrize(("argv", "said"), [
    (["import"], "relance import : erreur : arguments obligatoires manquants : FICHIER"),
    (["export", "invoicez"], "choix invalide : 'invoicez' (possibles : 'invoices'"),
    (["doctor", "--frobnicate"], "relance : erreur : arguments non reconnus : --frobnicate"),
    (["export", "invoices", "--as-of"], "argument --as-of : une valeur attendue"),
])
def test_argparse_s_errors_are_in_french(capsys, argv, said) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and said in err, err
    assert err.startswith("utilisation : ") and english_in(err) == []


def test_db_and_theme_are_accepted_after_the_command(tmp_path, capsys) -> None:
    db = tmp_path / "r.db"
    assert run(capsys, "init", "--db", str(db))[0] == 0 and db.exists()
    before = run(capsys, "--db", str(db), "doctor")
    after = run(capsys, "doctor", "--db", str(db), "--theme", "relance-clair")
    for _code, out, _err in (before, after):  # the same base diagnosed, wherever --db was typed
        assert f"base           : {db}\n" in out and "Schéma : v" in out, out
    parser = cli.build_parser()
    assert parser.parse_args(["export", "invoices", "--db", "x.db"]).db == "x.db"
    assert parser.parse_args(["--db", "y.db", "export", "invoices"]).db == "y.db"
    assert parser.parse_args(["--db", "y.db", "plan", "run", "--db", "z.db"]).db == "z.db"  # the last word wins
    assert parser.parse_args(["--theme", "relance-clair", "agenda"]).theme == "relance-clair"
    assert parser.parse_args(["demo", "--db", "d.db"]).db == "d.db"  # the demo's own file, as before


def test_every_date_option_takes_the_app_s_dates(tmp_path) -> None:
    settings = load_settings(resolve_paths(tmp_path / "r.db"))
    today = parse_day(None, settings, "--date")
    assert parse_day("01/12/2026", settings, "--as-of") == dt.date(2026, 12, 1)
    assert parse_day("2026-12-01", settings, "--as-of") == dt.date(2026, 12, 1)
    assert parse_day("1.12.26", settings, "--as-of") == dt.date(2026, 12, 1)
    assert parse_day("aujourd'hui", settings, "--date") == parse_day("today", settings, "--date") == today
    assert parse_day("Hier", settings, "--date") == today - dt.timedelta(days=1)
    with pytest.raises(RelanceError, match=r"--as-of : date « 31/02/2026 » non reconnue \(JJ/MM/AAAA"):
        parse_day("31/02/2026", settings, "--as-of")
    # every option that takes a date says so, by the same name
    dated = [(p.prog, a.option_strings or [a.dest]) for p in every_parser(cli.build_parser()) for a in p._actions
             if a.dest in ("date", "as_of", "today", "valid_from")]
    assert len(dated) >= 10
    assert [(prog, flags) for prog, flags in dated if "DATE" not in p_metavar(prog, flags)] == []


def p_metavar(prog: str, flags: list[str]) -> str:
    parser = next(p for p in every_parser(cli.build_parser()) if p.prog == prog)
    action = next(a for a in parser._actions if (a.option_strings or [a.dest]) == flags)
    return action.metavar or ""


def test_an_export_and_a_rate_take_french_dates_end_to_end(tmp_path, capsys) -> None:
    db = tmp_path / "r.db"
    run(capsys, "--db", str(db), "init")
    code, out, err = run(capsys, "export", "invoices", "--db", str(db), "--as-of", "01/12/2026")
    assert code == 0 and "au 01/12/2026" in out, err
    code, out, err = run(capsys, "--db", str(db), "rates", "set", "ecb", "01/01/2027", "2,15")
    assert code == 0 and "au 01/01/2027" in out, err
    code, _, err = run(capsys, "--db", str(db), "rates", "set", "ecb", "32/01/2027", "2,15")
    assert code == 2 and "DATE : date « 32/01/2027 » non reconnue" in err


def test_a_command_asked_for_gets_the_parser_it_would_get_among_all_of_them() -> None:
    """build_parser builds only the command typed (7 ms of every start): its pages, and the top's, are the same."""
    whole = {p.prog: p.format_help() for p in every_parser(cli.build_parser(cli.ALL))}
    for command in (c for c in cli.COMMANDS if c is not None):
        pages = {p.prog: p.format_help() for p in every_parser(cli.build_parser(command))}
        assert pages["relance"] == whole["relance"]
        mine = {prog: text for prog, text in pages.items() if prog.split()[1:2] == [command]}
        assert mine and mine == {prog: text for prog, text in whole.items() if prog.split()[1:2] == [command]}
        # the others are named, with their help, and nothing more
        others = [p for p in every_parser(cli.build_parser(command)) if p.prog.split()[1:2] not in ([], [command])]
        assert others and {a.dest for p in others for a in p._actions} == {"help", "db", "theme"}


@pytest.mark.parametrize(("argv", "command"), [
    ([], None), (["--db", "export"], None), (["--db=x.db", "--theme", "doctor"], None),
    (["--db", "x.db", "export", "promises"], "export"), (["export", "--db", "x.db", "invoices"], "export"),
    (["--theme=relance-clair", "plan", "list"], "plan"), (["--db", "doctor", "doctor"], "doctor"),
    (["--version"], None), (["exprt"], cli.ALL), (["--dbx", "doctor"], cli.ALL), (["-h", "plan"], "plan"),
])
def test_the_command_is_read_as_the_parser_reads_it(argv, command) -> None:
    assert cli.command_of(argv) == command
    if command not in (cli.ALL, None) and "-h" not in argv:  # what the whole parser makes of the same words
        assert cli.build_parser(cli.ALL).parse_known_args(argv)[0].command == command
        assert cli.build_parser(command).parse_known_args(argv)[0].command == command
