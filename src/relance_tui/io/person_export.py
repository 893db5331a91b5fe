"""``relance export person``: everything held about a debtor and its contacts, as JSON (RGPD art. 15).

The rows come from store/purge.py (``person_record``), every column as stored; this module only lays
them out: UTF-8, indented, one section per table with a French title. Texts go through
``domain.text.clean`` (no control character in a file people open); nothing else is changed.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from relance_tui.domain.text import clean
from relance_tui.io.outputs import Protected, open_output_file
from relance_tui.store.purge import PersonRecord

# store section -> the title a reader sees
SECTIONS = {
    "contacts": "contacts",
    "invoices": "factures",
    "payments": "paiements",
    "promises": "promesses",
    "disputes": "litiges",
    "events": "historique",
    "legal_acts": "actes_juridiques",
    "penalty_waivers": "abandons_de_penalites",
    "next_actions": "prochaine_action",
    "session_items": "sessions_d_appels",
}

NOTICE = ("Données détenues par relance sur ce débiteur et ses contacts (RGPD, art. 15 : droit d'accès). "
          "Montants en centimes d'euro (colonnes *_cents), dates AAAA-MM-JJ, instants en UTC.")


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value, multiline=True)
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    if isinstance(value, dict):
        return {clean(str(k)): _cleaned(v) for k, v in value.items()}
    return value


def person_document(record: PersonRecord, *, generated_at: str, agent: str) -> dict[str, Any]:
    doc: dict[str, Any] = {"document": NOTICE, "genere_le": generated_at, "par": agent,
                           "debiteur": record.debtor}
    for name, title in SECTIONS.items():
        doc[title] = record.tables.get(name, [])
    return _cleaned(doc)


def person_json(record: PersonRecord, *, generated_at: str, agent: str) -> str:
    return json.dumps(person_document(record, generated_at=generated_at, agent=agent), ensure_ascii=False,
                      indent=2) + "\n"


def export_person(record: PersonRecord, path: str | os.PathLike | None, *, generated_at: str, agent: str,
                  protected: Protected, overwrite: bool = False) -> None:
    """Write the document to ``path`` (as io/outputs.py says) or to standard output (None or "-")."""
    text = person_json(record, generated_at=generated_at, agent=agent)
    if path in (None, "-"):
        sys.stdout.write(text)
        return
    with open_output_file(path, protected, overwrite=overwrite, encoding="utf-8", newline="\n") as out:
        out.write(text)
