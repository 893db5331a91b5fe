"""Who can read and write the shared database: the checks ``relance doctor`` prints.

The set-up we recommend (scripts/office-setup.sh): a Unix group for the agents,
the database folder owned by that group with mode 2770 (setgid, so files
created inside belong to the group), the database and its -wal/-shm/-journal
files 0660. SQLite gives -wal and -shm the database file's mode.
"""

from __future__ import annotations

import grp
import os
import stat
from dataclasses import dataclass
from pathlib import Path

COMPANIONS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Finding:
    level: str  # ok, warning, problem
    message: str


def _group(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def check_access(db: Path) -> list[Finding]:
    out: list[Finding] = []
    folder = db.parent
    try:
        d = folder.stat()
    except OSError as exc:
        return [Finding("problem", f"dossier {folder} illisible ({exc.strerror})")]
    dmode = stat.S_IMODE(d.st_mode)
    out.append(Finding("ok", f"dossier {folder} : mode {dmode:04o}, groupe {_group(d.st_gid)}"))
    if dmode & stat.S_IRWXO:
        out.append(Finding("warning", f"le dossier {folder} est ouvert aux autres comptes (mode {dmode:04o}) : "
                                      f"chmod 2770 {folder}"))
    if not dmode & stat.S_ISGID:
        out.append(Finding("warning", f"le dossier {folder} n'a pas le bit setgid : les fichiers que SQLite y crée "
                                      "prennent le groupe de l'agent et les autres ne pourront plus écrire "
                                      f"(chmod g+s {folder})"))
    if not os.path.exists(db):
        return out
    f = db.stat()
    fmode = stat.S_IMODE(f.st_mode)
    if fmode & stat.S_IROTH:
        out.append(Finding("problem", f"la base est lisible par tous les comptes de la machine (mode {fmode:04o}) : "
                                      f"chmod 0660 {db}"))
    if fmode & stat.S_IWOTH:
        out.append(Finding("problem", f"la base est modifiable par tous les comptes de la machine (mode {fmode:04o}) : "
                                      f"chmod 0660 {db}"))
    if not fmode & stat.S_IWGRP:
        out.append(Finding("warning", f"la base n'est pas modifiable par son groupe {_group(f.st_gid)} "
                                      f"(mode {fmode:04o}) : les autres agents seront en lecture seule "
                                      f"(chmod 0660 {db})"))
    if f.st_gid != d.st_gid:
        out.append(Finding("warning", f"la base appartient au groupe {_group(f.st_gid)}, le dossier au groupe "
                                      f"{_group(d.st_gid)} : chgrp {_group(d.st_gid)} {db}"))
    for suffix in COMPANIONS:
        companion = Path(f"{db}{suffix}")
        if not companion.exists():
            continue
        c = companion.stat()
        cmode = stat.S_IMODE(c.st_mode)
        if c.st_gid != f.st_gid or (cmode & 0o060) != 0o060:
            out.append(Finding("problem", f"{companion.name} (mode {cmode:04o}, groupe {_group(c.st_gid)}) : les "
                                          "autres agents ne pourront pas écrire ; fermez relance partout puis "
                                          f"chgrp {_group(f.st_gid)} {companion} && chmod 0660 {companion}"))
        if cmode & stat.S_IROTH:
            out.append(Finding("problem", f"{companion.name} est lisible par tous (mode {cmode:04o})"))
    if not any(x.level != "ok" for x in out):
        out.append(Finding("ok", f"base : mode {fmode:04o}, groupe {_group(f.st_gid)} : réservée aux agents"))
    return out
