"""The command line's parser in French, and the options every command accepts wherever they are typed.

argparse writes its own words through ``gettext`` ("usage:", "positional arguments", "show this help
message and exit", its error messages): ``FrenchParser`` gives it French ones, so ``relance --help`` and
``relance import --help`` speak the agents' language from the first line to the last. ``--db`` and
``--theme`` are accepted before the command (``relance --db F doctor``) and after it
(``relance doctor --db F``), as people type them.
"""

from __future__ import annotations

import argparse
from typing import Any

# argparse's messages (Python 3.11 to 3.13), in French; a message not listed stays as argparse wrote it
FRENCH = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "optional arguments": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "show program's version number and exit": "affiche la version et quitte",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (possibles : %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid %(type)s value: %(value)r": "valeur invalide pour %(type)s : %(value)r",
    "expected one argument": "une valeur attendue",
    "expected at most one argument": "au plus une valeur attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut désigner %(matches)s",
    "ignored explicit argument %r": "argument explicite ignoré : %r",
    "unexpected option string: %s": "option inattendue : %s",
    "%r is not callable": "%r n'est pas appelable",
    "cannot merge actions - two groups are named %r": "deux groupes nommés %r",
}
_PLURALS = {"expected %s argument": ("%s valeur attendue", "%s valeurs attendues")}


def french(message: str) -> str:
    return FRENCH.get(message, message)


def french_plural(singular: str, plural: str, n: int) -> str:
    one, many = _PLURALS.get(singular, (singular, plural))
    return one if n == 1 else many


# The name a value takes in the help and in errors, in French, for the options and arguments that do not
# give their own (argparse would show the option's name in capitals: OUTPUT, AS_OF, SEPARATOR)
METAVARS = {"agent": "AGENT", "as_of": "DATE", "date": "DATE", "today": "DATE", "db": "BASE",
            "debtor": "DEBITEUR", "dest": "DESTINATION", "detail": "DETAIL", "encoding": "ENCODAGE",
            "file": "FICHIER", "mapping": "FICHIER", "rejects": "FICHIER", "save_mapping": "FICHIER",
            "output": "FICHIER", "note": "TEXTE", "plan": "PLAN", "seed": "GRAINE", "separator": "SEPARATEUR", "since": "DATE", "to": "DATE",
            "source": "SOURCE", "step": "ETAPE", "theme": "THEME", "tracking": "NUMERO"}


class FrenchParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words are French (usage, section titles, help of -h, errors)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title, self._optionals.title = "arguments", "options"  # named at construction
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="affiche cette aide et quitte")

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        if action.metavar is None and action.choices is None and action.nargs != 0 and action.dest in METAVARS:
            action.metavar = METAVARS[action.dest]
        return action

    def _french(self, method: str, *args: Any) -> Any:
        # argparse looks its words up through the module's _ and ngettext: French ones for this call only
        saved = argparse._, argparse.ngettext
        argparse._, argparse.ngettext = french, french_plural
        try:
            return getattr(super(), method)(*args)
        finally:
            argparse._, argparse.ngettext = saved

    def format_usage(self) -> str:
        return self._french("format_usage")

    def format_help(self) -> str:
        return self._french("format_help")

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        return self._french("parse_known_args", args, namespace)

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:  # its "unrecognized arguments"
        return self._french("parse_args", args, namespace)

    def error(self, message: str) -> Any:
        saved = argparse._
        argparse._ = french
        try:
            return super().error(message)
        finally:
            argparse._ = saved


# The options of the whole program that a command also accepts after its name: (flags, keywords).
EVERYWHERE = (
    (("--db",), {"help": "fichier de la base (défaut : RELANCE_DB, sinon le dossier de données)"}),
    (("--theme",), {"help": "thème de l'interface (relance-sombre, relance-clair, relance-contraste)"}),
)


def add_everywhere(parser: argparse.ArgumentParser) -> None:
    """Give each command (and each of its own commands) ``--db`` and ``--theme`` too. Their default is
    SUPPRESS: typed after the command they set the value, else the one typed before it stays."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for command in dict.fromkeys(action.choices.values()):  # an alias names the same parser
            known = {flag for a in command._actions for flag in a.option_strings}
            for flags, keywords in EVERYWHERE:
                if not known.intersection(flags):
                    command.add_argument(*flags, default=argparse.SUPPRESS, **keywords)
            add_everywhere(command)
