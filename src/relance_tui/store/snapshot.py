"""The private copy a read-only agent reads when SQLite cannot open the base read-only.

A WAL database is read through its -wal and -shm files. When they do not exist (nobody has the base
open) and this user cannot create them (no write right on the folder), SQLite refuses. Nobody has the
base open, so its file is complete: it is copied (checked unchanged during the copy) into a private
folder under the temporary folder, and the copy is read, frozen as of that moment (``Store`` reads it).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
import time
import weakref
from pathlib import Path

from relance_tui.errors import DatabaseBusy, DiskFull

SNAPSHOT_PREFIX = "relance-lecture-"  # the private copies a read-only agent reads
SNAPSHOT_PID = "pid"  # in each copy's folder: the process reading it; once it is dead, the folder goes
SNAPSHOT_MARGIN_BYTES = 16 * 1024 * 1024  # left free in the temporary folder after a copy
COPY_ATTEMPTS = 5  # copies made while another process kept changing the file, before giving up


def needs_snapshot(path: Path) -> bool:
    """WAL, its -wal/-shm files missing, and no right to create them."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(20)
    except OSError:
        return False
    wal = len(header) == 20 and header[18] == 2 and header[19] == 2
    companions = all(os.path.exists(f"{path}{suffix}") for suffix in ("-wal", "-shm"))
    return wal and not companions and not os.access(path.parent, os.W_OK)


def take_snapshot(path: Path, owner: object) -> Path:
    """Copy the base into a private folder (0700, the copy 0600) under the temporary folder; the copy.

    Its size is checked against the free space there first. The folder is removed when ``owner`` (the
    Store) goes or the process ends normally (``cli.run`` makes SIGHUP and SIGTERM a normal end); a
    process killed outright leaves it behind, with its pid inside: the next copy removes the folders of
    this user whose process is gone (``remove_stale_snapshots``)."""
    remove_stale_snapshots()
    temp = tempfile.gettempdir()
    check_room(path, temp)
    folder = Path(tempfile.mkdtemp(prefix=SNAPSHOT_PREFIX))  # 0700: this user's only
    weakref.finalize(owner, shutil.rmtree, folder, True)
    (folder / SNAPSHOT_PID).write_text(f"{os.getpid()}\n", encoding="utf-8")
    copy = folder / path.name
    try:
        _copy_unchanged(path, copy)
    except OSError as exc:
        shutil.rmtree(folder, True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise no_room(path, temp) from None
        raise
    except BaseException:
        shutil.rmtree(folder, True)
        raise
    os.chmod(copy, 0o600)
    return copy


def _copy_unchanged(path: Path, copy: Path) -> None:
    """Copy the file and its -wal until a copy is made while neither changed."""
    for _attempt in range(COPY_ATTEMPTS):
        before = fingerprint(path)
        for suffix in ("", "-wal"):
            source = Path(f"{path}{suffix}")
            if source.exists():
                shutil.copyfile(source, f"{copy}{suffix}")
        if fingerprint(path) == before:
            return
        for leftover in copy.parent.iterdir():
            if leftover.name != SNAPSHOT_PID:
                leftover.unlink()
        time.sleep(0.05)
    raise DatabaseBusy(f"base {path} modifiée sans cesse pendant sa lecture : réessayez.")


def copy_size(path: Path) -> int:
    return sum(os.path.getsize(f"{path}{suffix}") for suffix in ("", "-wal") if os.path.exists(f"{path}{suffix}"))


def no_room(path: Path, temp: str, size: int | None = None, free: int | None = None) -> DiskFull:
    # what the copy needs rounded up, what is free rounded down: the figures never understate the shortfall
    figures = f" ({-(-size // 1_000_000)} Mo à copier, {free // 1_000_000} Mo libres)" if size is not None \
        and free is not None else ""
    return DiskFull(f"lecture de {path} impossible : disque plein dans le dossier temporaire {temp}"
                    f"{figures}. Personne n'a la base ouverte et vous ne pouvez pas écrire dans "
                    f"{path.parent} : relance en lit une copie privée dans ce dossier. Libérez-y de la "
                    "place, ou indiquez un autre dossier avec la variable TMPDIR, puis recommencez.")


def check_room(path: Path, temp: str) -> None:
    """Refuse, before copying anything, a copy the temporary folder has no room for."""
    size = copy_size(path)
    try:
        free = shutil.disk_usage(temp).free
    except OSError:
        return  # unknown: the copy itself will say so if the disk fills up
    if size + SNAPSHOT_MARGIN_BYTES > free:
        raise no_room(path, temp, size, free)


def snapshot_notice(path: Path, snapshot_at: str) -> str:
    """A line for the person: what they see is the copy, not the live database."""
    from relance_tui.domain.instants import from_iso

    at = from_iso(snapshot_at).astimezone().strftime("%d/%m/%Y %H:%M")
    return (f"Lecture seule : personne n'a la base ouverte et vous ne pouvez pas écrire dans {path.parent} ; "
            f"vous voyez la base telle qu'elle était le {at}.")


def fingerprint(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    wal = Path(f"{path}-wal")
    wst = os.stat(wal) if wal.exists() else None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns,
            wst and (wst.st_ino, wst.st_size, wst.st_mtime_ns))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's (the pid was reused)
        return True
    except OSError:
        return True
    return True


def remove_stale_snapshots(temp: str | os.PathLike | None = None) -> list[Path]:
    """Remove this user's private copies (``relance-lecture-*``) left by a process that is gone (killed
    outright: SIGKILL, a crash); returns what was removed. Only folders this user owns, that are not
    links, and whose pid file names a dead process, or that have none and are over an hour old (one
    being made has its pid file within milliseconds)."""
    removed: list[Path] = []
    temp = Path(temp if temp is not None else tempfile.gettempdir())
    try:
        entries = list(os.scandir(temp))
    except OSError:
        return removed
    uid = os.geteuid()
    for entry in entries:
        if not entry.name.startswith(SNAPSHOT_PREFIX):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid:
                continue
            try:
                pid = int((Path(entry.path) / SNAPSHOT_PID).read_text(encoding="utf-8").strip())
            except FileNotFoundError:
                if time.time() - st.st_mtime < 3600:
                    continue
            else:
                if pid == os.getpid() or _process_alive(pid):
                    continue
        except (OSError, ValueError):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(Path(entry.path))
    return removed
