"""Files a person names as an output: exports, backups, rejects, column mappings.

One check for every place that writes such a file (the CLI's ``-o``, ``backup DEST``, ``--rejects``,
``--save-mapping``, the app's export dialog):

- never the database or its ``-wal``/``-shm``/``-journal``, the settings files, or anything in the
  office's templates folder: compared by resolved real path (symlinks, ``..``) and, for files that
  exist, by device and inode (hard links);
- an existing regular file is replaced only when the person said so (``--force``, or yes in the app);
  a symbolic link at the target is never followed silently: a dangling one is refused, one to an existing
  file needs the same say-so, and the question names the real destination;
- a regular file is written beside the target through the descriptor that created it (never reopened
  by name: the folder may be writable by other agents, who could swap in a symlink), checked to be still
  that file, and renamed over the target once complete, so a half-written export never takes the place
  of a good one;
- a target that exists and is not a regular file (``/dev/null``, a FIFO, a terminal) is opened and
  written in place, never replaced: renaming over ``/dev/null`` as root turns the device into a file.
  It is opened without truncation and without blocking, then checked (``fstat``) to still be such a
  file and not a protected one; a FIFO nobody reads is refused instead of waiting forever.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from relance_tui.errors import DiskFull, RelanceError

DB_COMPANIONS = {"": "la base de données", "-wal": "un fichier de la base de données (-wal)",
                 "-shm": "un fichier de la base de données (-shm)",
                 "-journal": "un fichier de la base de données (-journal)",
                 # the write lease (store/lease.py): an export over it would let a second machine write
                 ".lease": "le bail d'écriture de la base (.lease)",
                 ".lease-lock": "le verrou du bail d'écriture (.lease-lock)",
                 ".lease-log": "le journal du bail d'écriture (.lease-log)"}
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


    def covers(self, real: Path) -> bool:
        """Whether ``real`` (a resolved path) is one of these files or lies in one of these folders: never read
        into something that leaves the office either (a zip for a lawyer)."""
        return any(_real(p) == real for p, _ in self.files) or any(_inside(real, _real(f)) for f, _ in self.folders)


@dataclass(frozen=True)
class OutputTarget:
    path: Path  # as named
    real: Path  # symlinks and .. resolved: what is written
    kind: str  # "new", "file" (an existing regular file) or "special" (device, FIFO: written in place)
    notes: list[str] = field(default_factory=list, compare=False)
    linked: bool = False  # the named path is a symbolic link (to ``real``)
    mode: int = 0  # st_mode of what exists there (0 for "new")

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
    dangling = False
    try:
        st: os.stat_result | None = os.lstat(named)
        linked = stat.S_ISLNK(st.st_mode)
        if linked:
            try:
                st = os.stat(named)
            except FileNotFoundError:
                st, dangling = None, True
    except FileNotFoundError:
        st, linked = None, False
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
    if dangling:  # writing would create a file wherever the link points, chosen by whoever made it
        raise OutputRefused(f"{named} est un lien symbolique vers {real}, qui n'existe pas : relance ne crée "
                            "pas de fichier au bout d'un lien. Choisissez un autre fichier.")
    if st is None:
        parent = real.parent
        if not parent.is_dir():
            raise OutputRefused(f"le dossier {named.parent} n'existe pas : créez-le ou choisissez un autre chemin")
        return OutputTarget(named, real, "new")
    if stat.S_ISDIR(st.st_mode):
        raise OutputRefused(f"{named} est un dossier : indiquez un nom de fichier")
    if not stat.S_ISREG(st.st_mode):
        return OutputTarget(named, real, "special", linked=linked, mode=st.st_mode)
    if not overwrite:
        if linked:
            raise OutputExists(f"{named} est un lien symbolique vers {real}, qui existe déjà : c'est {real} "
                               "qui serait remplacé")
        raise OutputExists(f"{named} existe déjà")
    return OutputTarget(named, real, "file", linked=linked, mode=st.st_mode)


def _temp_beside(real: Path) -> tuple[Path, int]:
    """A new empty file next to ``real`` (same filesystem, so the final rename is atomic), umask applied,
    and the descriptor that created it: write through that, never by name."""
    for _ in range(100):
        # os.urandom, not secrets: the name need only be unlikely, and secrets costs every export 5 ms (hashlib)
        tmp = real.with_name(f".{real.name}.{os.urandom(4).hex()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
        except FileExistsError:
            continue
        return tmp, fd
    raise OutputRefused(f"impossible de créer un fichier temporaire dans {real.parent}")


def _still_ours(fd: int, tmp: Path, target: OutputTarget) -> None:
    """The temporary name still designates the regular file behind ``fd``, not a link swapped in."""
    mine = os.fstat(fd)
    try:
        now = os.lstat(tmp)
    except OSError:
        now = None
    if now is None or not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (mine.st_dev, mine.st_ino):
        raise OutputRefused(f"le fichier temporaire {tmp} a été remplacé pendant l'écriture : "
                            f"{target.path} n'a pas été modifié")


def _put_in_place(fd: int, tmp: Path, target: OutputTarget, path: str | os.PathLike, protected: Protected,
                  overwrite: bool) -> None:
    """Rename the finished temporary file over the target, after checking both again."""
    _still_ours(fd, tmp, target)
    # checked again at the last moment: what the path designates may have changed meanwhile
    again = check_output_target(path, protected, overwrite=True)
    if again.kind == "special":
        raise OutputRefused(f"{target.path} n'est plus un fichier ordinaire : rien n'a été écrit")
    if again.real != target.real or again.linked != target.linked:
        raise OutputRefused(f"{target.path} a changé pendant l'écriture (il désigne maintenant {again.real}) : "
                            "rien n'a été écrit")
    if target.kind == "new" and again.kind == "file" and not overwrite:
        raise OutputExists(f"{target.path} existe déjà")
    # rename() replaces the directory entry itself, never what a link there points to; ``real`` is a
    # link's destination only when the person agreed to it (``linked``)
    os.replace(tmp, again.real)


@contextmanager
def staged_output(path: str | os.PathLike, protected: Protected, *,
                  overwrite: bool = False) -> Iterator[tuple[Path, OutputTarget]]:
    """Yield (temporary file's name, target) for a writer that can only take a name; the file is renamed
    over the target when the block succeeds, if it is still the file created here. Refuses devices and
    FIFOs. Prefer ``open_output_file``: what is written by name can follow a link swapped in meanwhile."""
    target = check_output_target(path, protected, overwrite=overwrite)
    if target.kind == "special":
        raise OutputRefused(f"{target.path} n'est pas un fichier ordinaire : indiquez un fichier")
    tmp, fd = _temp_beside(target.real)
    try:
        yield tmp, target
        _put_in_place(fd, tmp, target, path, protected, overwrite)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


def _open_special(target: OutputTarget, protected: Protected) -> int:
    """A device or FIFO opened for writing in place: never truncated, never a regular file swapped in,
    never a protected file, never waiting forever for a reader."""
    flags = os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
    if not target.linked:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target.path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO and stat.S_ISFIFO(target.mode):
            raise OutputRefused(f"{target.path} : aucun lecteur sur ce tube ; lancez d'abord le programme qui "
                                "le lit, puis recommencez") from None
        if exc.errno == errno.ELOOP:
            raise OutputRefused(f"{target.path} a été remplacé par un lien : rien n'a été écrit") from None
        raise OutputRefused(f"{target.path} : impossible de l'ouvrir ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode):  # swapped since it was checked
            raise OutputRefused(f"{target.path} n'est plus un périphérique ni un tube : rien n'a été écrit")
        for file, what in protected.files:
            if _same_inode(st, file):
                raise _refuse(target.path, what)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextmanager
def open_output_file(path: str | os.PathLike, protected: Protected, *, overwrite: bool = False,
                     binary: bool = False, encoding: str = "utf-8", newline: str | None = "",
                     special: bool = True) -> Iterator[IO]:
    """A file object writing ``path`` safely (see the module's rules). ``special=False`` refuses devices
    and FIFOs (a backup needs a file)."""
    target = check_output_target(path, protected, overwrite=overwrite)
    text = {} if binary else {"encoding": encoding, "newline": newline}
    mode = "wb" if binary else "w"
    if target.kind == "special":
        if not special:
            raise OutputRefused(f"{target.path} n'est pas un fichier ordinaire : indiquez un fichier")
        with os.fdopen(_open_special(target, protected), mode, **text) as device:
            yield device
            device.flush()
        return
    tmp, fd = _temp_beside(target.real)
    try:
        fh: IO = os.fdopen(fd, mode, **text)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    try:
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
            _put_in_place(fh.fileno(), tmp, target, path, protected, overwrite)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_error(path: str | os.PathLike, exc: OSError) -> RelanceError:
    """The error a person reads when writing ``path`` failed."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(f"disque plein : impossible d'écrire {path} ; rien n'a été remplacé. "
                        "Libérez de la place, puis recommencez.")
    return RelanceError(f"impossible d'écrire {path} ({exc.strerror or exc})")
