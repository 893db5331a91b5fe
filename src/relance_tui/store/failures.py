"""What went wrong with the database file, told apart and said to the agent: a lock held by another
agent, a full disk, a folder this account may not enter."""

from __future__ import annotations

import errno
import grp
import os
import shutil
import sqlite3
from pathlib import Path

from relance_tui.errors import DiskFull

# Below this much free space, an I/O error from SQLite is taken for a full disk.
FULL_DISK_FREE_BYTES = 256 * 1024


def is_busy(exc: BaseException) -> bool:
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return "locked" in text or "busy" in text


# What a reader sees while another machine writes the file through a share whose locks do not reach it:
# a page read half-written ("malformed"), a journal it cannot roll back (read-only), a file briefly gone.
_GLITCH_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_PROTOCOL",
                 "SQLITE_READONLY_ROLLBACK", "SQLITE_READONLY_RECOVERY", "SQLITE_READONLY_CANTINIT")
_GLITCH_TEXTS = ("malformed", "disk i/o error", "unable to open", "not a database", "locking protocol")


def is_read_glitch(exc: BaseException) -> bool:
    """An error a reader over a share should retry (and never call "not an SQLite file")."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(_GLITCH_CODES):
        return True
    text = str(exc).lower()
    return any(t in text for t in _GLITCH_TEXTS)


def is_commit_uncertain(exc: BaseException) -> bool:
    """An error after which a COMMIT may or may not have reached the file: I/O, not a lock or a constraint."""
    if not isinstance(exc, sqlite3.DatabaseError) or is_busy(exc):
        return False
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_CORRUPT", "SQLITE_FULL")) or (
        not name and any(t in str(exc).lower() for t in ("disk i/o error", "unable to open", "malformed")))


def is_retryable_io(exc: BaseException) -> bool:
    """An I/O error a moment later may not repeat (a share that hiccupped): not a full disk, not damage."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name:
        return name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) and name != "SQLITE_IOERR_NOMEM"
    text = str(exc).lower()
    return "disk i/o error" in text or "unable to open" in text


def is_disk_full(exc: BaseException, folder: str | os.PathLike | None = None) -> bool:
    """A full disk or quota: SQLITE_FULL, ENOSPC/EDQUOT, or an SQLite I/O error on a folder with no space left."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name == "SQLITE_FULL":
        return True
    if name.startswith("SQLITE_IOERR") and folder is not None:
        try:
            return shutil.disk_usage(folder).free < FULL_DISK_FREE_BYTES
        except OSError:
            return False
    return False


def disk_full(what: str, folder: str | os.PathLike) -> DiskFull:
    return DiskFull(f"{what} impossible : disque plein (dossier {folder}). Rien n'a été enregistré ; "
                    "libérez de la place (ou demandez-le à l'administrateur), puis recommencez.")


def no_access_advice(path: str | os.PathLike) -> str:
    """Why ``path`` cannot be reached, naming the folder and the group to join."""
    path = Path(path)
    blocked = None
    for folder in reversed(path.parents):  # from the root down: the first folder this user cannot enter
        if not os.path.isdir(folder):
            break
        if not os.access(folder, os.X_OK):
            blocked = folder
            break
    where = blocked or path.parent
    try:
        gid = os.stat(where).st_gid
        group = grp.getgrgid(gid).gr_name
    except (OSError, KeyError):
        group = None
    advice = (f"demandez à l'administrateur de vous ajouter au groupe {group} (puis reconnectez-vous)"
              if group else "demandez à l'administrateur de vous en donner l'accès")
    return f"pas d'accès au dossier {where} du cabinet, donc à {path} : {advice}."
