"""``relance import``: an accounting export (invoices CSV, payments, FEC) into the base."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from relance_tui.commands.common import open_db, parse_day, protected_paths
from relance_tui.config import Settings
from relance_tui.domain.text import clean, count


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from relance_tui.io.columns import (
        MappingProblem,
        load_mapping_file,
        mapping_file_text,
        parse_map_options,
        split_ignored,
    )
    from relance_tui.io.importer import ImportRefused, import_file
    from relance_tui.io.outputs import (
        OutputExists,
        check_output_target,
        open_output_file,
    )

    path = Path(args.file).expanduser()
    try:
        forced, ignored = split_ignored(load_mapping_file(Path(args.mapping)) if args.mapping else {})
        more, more_ignored = split_ignored(parse_map_options(args.map or []))
        forced |= more
        ignored += more_ignored + (args.ignore or [])
    except MappingProblem as exc:
        print(clean(f"relance import : {exc}", multiline=True), file=sys.stderr)
        return 2
    as_of = parse_day(args.as_of, settings, "--as-of") if args.as_of else None
    protected = protected_paths(settings)
    for named in (args.save_mapping, args.rejects):  # refused before anything is opened or read
        if named:
            try:
                check_output_target(named, protected, overwrite=args.force)
            except OutputExists as exc:
                raise OutputExists(f"{exc} ; ajoutez --force pour le remplacer") from None
    store = open_db(settings, write=True)
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
        print(f"{count(len(report.problems), 'problème')}, lignes écartées :", file=sys.stderr)
        for line in report.problem_lines():
            print(f"  {line}", file=sys.stderr)
    for line in report.summary_lines():
        print(line)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """import."""
    imp = sub.add_parser("import", help="importe un export comptable (CSV de factures, FEC, paiements)",
                         description="Importe tout ou rien : un fichier avec une ligne invalide n'importe rien "
                                     "(sauf --skip-invalid). Réimporter l'export du lendemain met à jour sans doublon.")
    imp.add_argument("file", help="fichier CSV, TSV ou FEC")
    imp.add_argument("--kind", choices=("invoices", "payments", "fec"), help="type de fichier (défaut : détecté)")
    imp.add_argument("--as-of", help="date de l'export, JJ/MM/AAAA (défaut : aujourd'hui)")
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
