"""Files a person names as an output: exports, backups, rejects, column mappings.

One check for every place that writes such a file (the CLI's ``-o``, ``backup DEST``, ``--rejects``,
``--save-mapping``, the app's export dialog):

- never the database or its ``-wal``/``-shm``/``-journal``, the settings files, or anything in the
  office's templates folder: compared by resolved real path (symlinks, ``..``) and, for files that
  exist, by device and inode (hard links);
- an existing regular file is replaced only when the person said so (``--force``, or yes in the app);
- a regular file is written beside the target and renamed over it once complete, so a half-written
  export never takes the place of a good one;
- a target that exists and is not a regular file (``/dev/null``, a FIFO, a terminal) is opened and
  written in place, never replaced: renaming over ``/dev/null`` as root turns the device into a file.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from relance_tui.errors import DiskFull, RelanceError

DB_COMPANIONS = {"": "la base de données", "-wal": "un fichier de la base de données (-wal)",
                 "-shm": "un fichier de la base de données (-shm)",
                 "-journal": "un fichier de la base de données (-journal)"}
# Hard links are looked for among at most this many files of a protected folder.
MAX_FOLDER_FILES = 2000


class OutputRefused(RelanceError):
    """The named file must not be written (a protected file, a folder, a missing folder)."""

    exit_code = 1


class OutputExists(OutputRefused):
    """The named file exists: replacing it needs the person's say-so (``--force``, or yes in the app)."""


@dataclass(frozen=True)
class Protected:
    """What a file a person names must never be: (path, what it is) pairs, and folders."""

    files: tuple[tuple[Path, str], ...] = ()
    folders: tuple[tuple[Path, str], ...] = ()

    @classmethod
    def office(cls, *, databases: Iterable[str | os.PathLike] = (),
               settings: Iterable[tuple[str | os.PathLike, str]] = (),
               folders: Iterable[tuple[str | os.PathLike, str]] = ()) -> Protected:
        files = [(Path(f"{Path(db).expanduser()}{suffix}"), what)
                 for db in databases for suffix, what in DB_COMPANIONS.items()]
        files += [(Path(p).expanduser(), what) for p, what in settings]
        return cls(tuple(files), tuple((Path(p).expanduser(), what) for p, what in folders))

    @classmethod
    def of_paths(cls, paths: Any, *databases: str | os.PathLike) -> Protected:
        """Everything of ``paths`` (a ``config.Paths``) plus the databases actually open."""
        dbs = [paths.db, *databases]
        return cls.office(
            databases=dbs,
            settings=[(paths.office_file, "les réglages du cabinet"), (paths.user_file, "vos réglages")],
            folders=[(paths.office_file.parent / "templates", "le dossier des modèles du cabinet")],
        )


@dataclass(frozen=True)
class OutputTarget:
    path: Path  # as named
    real: Path  # symlinks and .. resolved: what is written
    kind: str  # "new", "file" (an existing regular file) or "special" (device, FIFO: written in place)
    notes: list[str] = field(default_factory=list, compare=False)

    @property
    def exists(self) -> bool:
        return self.kind != "new"


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _same_inode(st: os.stat_result, other: Path) -> bool:
    try:
        o = os.stat(other)
    except OSError:
        return False
    return (o.st_dev, o.st_ino) == (st.st_dev, st.st_ino)


def _inside(real: Path, folder: Path) -> bool:
    return real == folder or folder in real.parents


def _refuse(path: Path, what: str) -> OutputRefused:
    return OutputRefused(f"{path} est {what} : relance n'écrit jamais dessus. Choisissez un autre fichier.")


def check_output_target(path: str | os.PathLike, protected: Protected, *, overwrite: bool = False) -> OutputTarget:
    """What writing ``path`` would do; raises ``OutputRefused`` (or ``OutputExists`` without ``overwrite``)."""
    if not str(path).strip():
        raise OutputRefused("aucun fichier indiqué")
    named = Path(path).expanduser()
    real = _real(named)
    try:
        st: os.stat_result | None = os.stat(named)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise OutputRefused(f"{named} : un élément du chemin n'est pas un dossier") from None
    except OSError as exc:
        raise OutputRefused(f"{named} : inaccessible ({exc.strerror})") from None
    for file, what in protected.files:
        if real == _real(file) or (st is not None and _same_inode(st, file)):
            raise _refuse(named, what)
    for folder, what in protected.folders:
        rfolder = _real(folder)
        if _inside(real, rfolder):
            raise _refuse(named, f"dans {what} ({folder})" if real != rfolder else what)
        if st is not None and stat.S_ISREG(st.st_mode) and st.st_nlink > 1 and rfolder.is_dir():
            for n, inner in enumerate(p for p in rfolder.rglob("*") if p.is_file()):
                if n >= MAX_FOLDER_FILES:
                    break
                if _same_inode(st, inner):
                    raise _refuse(named, f"un lien vers {inner} ({what})")
    if st is None:
        parent = real.parent
        if not parent.is_dir():
            raise OutputRefused(f"le dossier {named.parent} n'existe pas : créez-le ou choisissez un autre chemin")
        return OutputTarget(named, real, "new")
    if stat.S_ISDIR(st.st_mode):
        raise OutputRefused(f"{named} est un dossier : indiquez un nom de fichier")
    if not stat.S_ISREG(st.st_mode):
        return OutputTarget(named, real, "special")
    if not overwrite:
        raise OutputExists(f"{named} existe déjà")
    return OutputTarget(named, real, "file")


def _temp_beside(real: Path) -> Path:
    """A new empty file next to ``real`` (same filesystem, so the final rename is atomic), umask applied."""
    for _ in range(100):
        tmp = real.with_name(f".{real.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise OutputRefused(f"impossible de créer un fichier temporaire dans {real.parent}")


@contextmanager
def staged_output(path: str | os.PathLike, protected: Protected, *, overwrite: bool = False,
                  special: bool = True) -> Iterator[tuple[Path, OutputTarget]]:
    """Yield (where to write, target): a temporary file renamed over a regular target when the block
    succeeds, or the device / FIFO itself. ``special=False`` refuses devices (a backup needs a file)."""
    target = check_output_target(path, protected, overwrite=overwrite)
    if target.kind == "special":
        if not special:
            raise OutputRefused(f"{target.path} n'est pas un fichier ordinaire : indiquez un fichier")
        yield target.path, target
        return
    tmp = _temp_beside(target.real)
    try:
        yield tmp, target
        # checked again at the last moment: what the path designates may have changed meanwhile
        again = check_output_target(path, protected, overwrite=True)
        if again.kind == "special":
            raise OutputRefused(f"{target.path} n'est plus un fichier ordinaire : rien n'a été écrit")
        if target.kind == "new" and again.kind == "file" and not overwrite:
            raise OutputExists(f"{target.path} existe déjà")
        os.replace(tmp, again.real)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def open_output_file(path: str | os.PathLike, protected: Protected, *, overwrite: bool = False,
                     binary: bool = False, encoding: str = "utf-8", newline: str | None = "") -> Iterator[IO]:
    """A file object writing ``path`` safely (see the module's rules)."""
    with staged_output(path, protected, overwrite=overwrite) as (where, target):
        if binary:
            fh: IO = open(where, "wb")  # noqa: SIM115 - closed below
        else:
            fh = open(where, "w", encoding=encoding, newline=newline)  # noqa: SIM115
        with fh:
            yield fh
            fh.flush()
            if target.kind != "special":
                os.fsync(fh.fileno())


def write_error(path: str | os.PathLike, exc: OSError) -> RelanceError:
    """The error a person reads when writing ``path`` failed."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(f"disque plein : impossible d'écrire {path} ; rien n'a été remplacé. "
                        "Libérez de la place, puis recommencez.")
    return RelanceError(f"impossible d'écrire {path} ({exc.strerror or exc})")
