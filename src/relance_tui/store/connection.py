"""Opening the shared database and writing to it safely.

Rules, each measured on this kind of machine (see docs/benchmarks.md):
- one connection per thread;
- every write transaction is ``BEGIN IMMEDIATE`` ... ``COMMIT``, short, and
  retried with back-off while the database is locked, up to a long bound,
  then reported (``DatabaseBusy``), never dropped. sqlite-utils' ``atomic()``
  opens a deferred ``BEGIN`` whose lock upgrade fails under contention, so it
  is only ever used nested inside our transaction (where it is a savepoint);
- WAL on a local disk, the rollback journal on a network filesystem, always
  ``synchronous=FULL``, ``foreign_keys=ON`` and a 10 s ``busy_timeout``.
"""

from __future__ import annotations

import datetime as dt
import errno
import grp
import os
import random
import shutil
import socket
import sqlite3
import stat
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from relance_tui.domain.instants import to_iso
from relance_tui.domain.money import format_cents
from relance_tui.errors import (
    DatabaseBusy,
    DatabaseMissing,
    DatabaseUnreadable,
    DiskFull,
    NotARelanceDatabase,
    ReadOnlyDatabase,
    SchemaOutdated,
    SchemaTooNew,
)
from relance_tui.store.fs import JournalChoice, choose_journal
from relance_tui.store.versions import MIGRATION_NAMES, MIGRATION_SET, MIGRATIONS_TABLE

if TYPE_CHECKING:
    from sqlite_utils import Database

T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000
DEFAULT_RETRY_BOUND_S = 120.0
SQLITE_HEADER = b"SQLite format 3\x00"
HOST_WARNING_DAYS = 14
SNAPSHOT_PREFIX = "relance-lecture-"  # the private copies a read-only agent reads (Store._take_snapshot)
SNAPSHOT_PID = "pid"  # in each copy's folder: the process reading it; once it is dead, the folder goes
SNAPSHOT_MARGIN_BYTES = 16 * 1024 * 1024  # left free in the temporary folder after a copy


def is_busy(exc: BaseException) -> bool:
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return "locked" in text or "busy" in text


# Below this much free space, an I/O error from SQLite is taken for a full disk.
FULL_DISK_FREE_BYTES = 256 * 1024


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


@dataclass(frozen=True)
class HostSeen:
    hostname: str
    first_seen: str
    last_seen: str
    last_agent: str


Clock = Callable[[], dt.datetime]


def _money_or_null(cents: int | None) -> str | None:
    return None if cents is None else format_cents(int(cents))


def _french_date(iso: str | None) -> str | None:
    return None if not iso else f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}"


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL helpers for the notes our statements write (only our own SQL uses them)."""
    conn.create_function("relance_money", 1, _money_or_null, deterministic=True)
    conn.create_function("relance_date", 1, _french_date, deterministic=True)


@contextmanager
def transaction(conn: sqlite3.Connection, *, immediate: bool = True) -> Iterator[sqlite3.Connection]:
    """One transaction on ``conn``: committed when the block ends, rolled back when anything escapes it.

    ``immediate`` takes the write lock at once (every write to the shared tables, see ``Store.write``); a
    deferred ``BEGIN`` is for work on this connection's TEMP tables only (an import's staging), which
    locks nothing the other agents use.
    """
    conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Store:
    """The shared database, as seen by one process."""

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        agent: str,
        journal: JournalChoice,
        readonly: bool = False,
        can_write: bool | None = None,
        retry_bound_s: float = DEFAULT_RETRY_BOUND_S,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        clock: Clock = utc_now,
    ):
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.agent = agent
        self.journal = journal
        # readonly: this Store never writes (no rights, or a command that only reads);
        # can_write: whether this user could write the file (what doctor reports)
        self.readonly = readonly
        self.can_write = (not readonly) if can_write is None else can_write
        # A private copy read instead of the file, when SQLite cannot open it read-only (see _connect_readonly)
        self.snapshot: Path | None = None
        self.snapshot_at: str | None = None
        self._snapshot_lock = threading.Lock()
        self.retry_bound_s = retry_bound_s
        self.clock = clock
        self.hostname = socket.gethostname()
        self._local = threading.local()
        self.retries = 0  # lock waits that ended in a retry, for benchmarks and doctor

    # -- connections -------------------------------------------------------
    def connect(self, *, check_same_thread: bool = True) -> sqlite3.Connection:
        """A new raw connection with the house pragmas (one per thread)."""
        if self.readonly:
            conn = self._connect_readonly(check_same_thread)
        else:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=self.busy_timeout_ms / 1000,
                                   check_same_thread=check_same_thread)
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        register_functions(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils sets it: the same rules either way
        return conn

    def _connect_readonly(self, check_same_thread: bool) -> sqlite3.Connection:
        """A read-only connection to the file; or, when SQLite cannot open it so, to a private copy.

        A WAL database is read through its -wal and -shm files. When they exist (someone has the base
        open), SQLite reads them without writing them. When they do not and this user cannot create
        them (no write right on the folder), SQLite refuses (SQLITE_READONLY_DIRECTORY). Opening with
        ``immutable=1`` would then read pages a checkpoint may be rewriting; instead nobody has the base
        open, so its file is complete: it is copied (checked unchanged during the copy) into a private
        folder and the copy is read, frozen as of that moment.
        """
        if self.snapshot is None:
            conn = sqlite3.connect(f"{self.path.absolute().as_uri()}?mode=ro", uri=True, isolation_level=None,
                                   timeout=self.busy_timeout_ms / 1000, check_same_thread=check_same_thread)
            try:
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # opens the WAL if there is one
                return conn
            except sqlite3.OperationalError:
                conn.close()
                if not self._needs_snapshot():
                    raise
            self._take_snapshot()
        conn = sqlite3.connect(self.snapshot, isolation_level=None, timeout=self.busy_timeout_ms / 1000,
                               check_same_thread=check_same_thread)
        conn.execute("PRAGMA query_only = ON")
        return conn

    def _needs_snapshot(self) -> bool:
        """WAL, its -wal/-shm files missing, and no right to create them."""
        try:
            with open(self.path, "rb") as fh:
                header = fh.read(20)
        except OSError:
            return False
        wal = len(header) == 20 and header[18] == 2 and header[19] == 2
        companions = all(os.path.exists(f"{self.path}{suffix}") for suffix in ("-wal", "-shm"))
        return wal and not companions and not os.access(self.path.parent, os.W_OK)

    def _take_snapshot(self) -> None:
        """Copy the base into a private folder (0700, the copy 0600) under the temporary folder.

        Its size is checked against the free space there first. The folder is removed when this Store
        goes or the process ends normally (``cli.run`` makes SIGHUP and SIGTERM a normal end); a process
        killed outright leaves it behind, with its pid inside: the next copy removes the folders of
        this user whose process is gone (``remove_stale_snapshots``)."""
        with self._snapshot_lock:
            if self.snapshot is not None:
                return
            remove_stale_snapshots()
            temp = tempfile.gettempdir()
            self._check_room(temp)
            folder = Path(tempfile.mkdtemp(prefix=SNAPSHOT_PREFIX))  # 0700: this user's only
            weakref.finalize(self, shutil.rmtree, folder, True)
            (folder / SNAPSHOT_PID).write_text(f"{os.getpid()}\n", encoding="utf-8")
            copy = folder / self.path.name
            try:
                for _attempt in range(OPEN_ATTEMPTS):
                    before = _fingerprint(self.path)
                    for suffix in ("", "-wal"):
                        source = Path(f"{self.path}{suffix}")
                        if source.exists():
                            shutil.copyfile(source, f"{copy}{suffix}")
                    if _fingerprint(self.path) == before:
                        break
                    for leftover in folder.iterdir():
                        if leftover.name != SNAPSHOT_PID:
                            leftover.unlink()
                    time.sleep(0.05)
                else:
                    raise DatabaseBusy(f"base {self.path} modifiée sans cesse pendant sa lecture : réessayez.")
            except OSError as exc:
                shutil.rmtree(folder, True)
                if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise self._no_room(temp) from None
                raise
            except BaseException:
                shutil.rmtree(folder, True)
                raise
            os.chmod(copy, 0o600)
            self.snapshot = copy
            self.snapshot_at = self.now()

    def _copy_size(self) -> int:
        return sum(os.path.getsize(f"{self.path}{suffix}") for suffix in ("", "-wal")
                   if os.path.exists(f"{self.path}{suffix}"))

    def _no_room(self, temp: str, size: int | None = None, free: int | None = None) -> DiskFull:
        figures = f" ({size // 1_000_000 + 1} Mo à copier, {free // 1_000_000} Mo libres)" if size is not None \
            and free is not None else ""
        return DiskFull(f"lecture de {self.path} impossible : disque plein dans le dossier temporaire {temp}"
                        f"{figures}. Personne n'a la base ouverte et vous ne pouvez pas écrire dans "
                        f"{self.path.parent} : relance en lit une copie privée dans ce dossier. Libérez-y de la "
                        "place, ou indiquez un autre dossier avec la variable TMPDIR, puis recommencez.")

    def _check_room(self, temp: str) -> None:
        """Refuse, before copying anything, a copy the temporary folder has no room for."""
        size = self._copy_size()
        try:
            free = shutil.disk_usage(temp).free
        except OSError:
            return  # unknown: the copy itself will say so if the disk fills up
        if size + SNAPSHOT_MARGIN_BYTES > free:
            raise self._no_room(temp, size, free)

    def notice(self) -> str | None:
        """A line for the person when what they see is not the live database."""
        if self.snapshot is None:
            return None
        from relance_tui.domain.instants import from_iso

        at = from_iso(self.snapshot_at).astimezone().strftime("%d/%m/%Y %H:%M")
        return (f"Lecture seule : personne n'a la base ouverte et vous ne pouvez pas écrire dans {self.path.parent} ; "
                f"vous voyez la base telle qu'elle était le {at}.")

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection: what reads use."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self.connect()
            self._local.conn = conn
        return conn

    @property
    def db(self) -> Database:
        """This thread's connection wrapped by sqlite-utils: what writes and migrations are given.

        Imported on first use: sqlite-utils with its command-line and plugin machinery costs about
        60 ms, which the app's start-up (reads only) does not pay. Plugins are not loaded: no
        third-party code gets to change the connections of the office's database.
        """
        db = getattr(self._local, "db", None)
        if db is None:
            from sqlite_utils import Database

            db = Database(self.conn, execute_plugins=False)
            self._local.db = db
        return db

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None
        self._local.db = None

    @contextmanager
    def impatient(self, wait_ms: int) -> Iterator[sqlite3.Connection]:
        """This thread's connection, giving up after ``wait_ms`` on a lock instead of the usual 10 s.

        For a read the UI thread may do when a worker could do it instead (rollback journal on a
        network share: a reader waits while another agent's commit holds the file).
        """
        conn = self.conn
        conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
        try:
            yield conn
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")

    def now(self) -> str:
        return to_iso(self.clock())

    # -- writing ------------------------------------------------------------
    def write(self, fn: Callable[[Database], T], *, what: str = "écriture") -> T:
        """Run ``fn`` in one ``BEGIN IMMEDIATE`` transaction and commit it.

        While the database is locked by another agent the whole transaction
        is rolled back and retried with exponential back-off and jitter; after
        ``retry_bound_s`` the caller gets ``DatabaseBusy``. ``fn`` must have no
        effect outside the database, since it may run more than once.
        """
        if self.readonly:
            raise ReadOnlyDatabase(
                f"{what} impossible : la base {self.path} est en lecture seule pour "
                f"{self.agent} (droits d'écriture manquants)"
            )
        try:
            return self._write(fn, what)
        except sqlite3.DatabaseError as exc:
            if is_disk_full(exc, self.path.parent):
                raise disk_full(what, self.path.parent) from exc
            raise

    def _write(self, fn: Callable[[Database], T], what: str) -> T:
        deadline = time.monotonic() + self.retry_bound_s
        delay = 0.005
        while True:
            conn = self.conn
            try:
                with transaction(conn):
                    return fn(self.db)
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
                if time.monotonic() + delay > deadline:
                    raise DatabaseBusy(
                        f"{what} impossible : la base {self.path} est restée verrouillée "
                        f"plus de {self.retry_bound_s:.0f} s par un autre poste. "
                        "Rien n'a été enregistré ; réessayez."
                    ) from exc
                self.retries += 1
                time.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(delay * 2, 0.5)

    # -- schema -------------------------------------------------------------
    def applied_migrations(self) -> list[str]:
        """Names of the migrations applied to this file, in order (read as sqlite-utils records them)."""
        conn = self.conn
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                            [MIGRATIONS_TABLE]).fetchone():
            return []
        return [name for (name,) in conn.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid", [MIGRATION_SET])]

    def schema_version(self) -> int:
        return len(self.applied_migrations())

    def check_schema(self) -> list[str]:
        """Names of pending migrations; refuses foreign and newer files."""
        tables = {name for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return list(MIGRATION_NAMES)
        if MIGRATIONS_TABLE not in tables:
            raise NotARelanceDatabase(
                f"{self.path} est une base SQLite, mais pas une base relance "
                f"(tables : {', '.join(sorted(tables)[:5])}...). Indiquez la bonne base avec --db."
            )
        applied = self.applied_migrations()
        if not applied:
            raise NotARelanceDatabase(f"{self.path} n'est pas une base relance (aucune migration {MIGRATION_SET}).")
        unknown = [name for name in applied if name not in MIGRATION_NAMES]
        if unknown:
            raise SchemaTooNew(
                f"{self.path} a été créée par une version plus récente de relance "
                f"(migration {unknown[0]} inconnue ici). Mettez relance à jour."
            )
        return [name for name in MIGRATION_NAMES if name not in applied]

    def migrate(self) -> list[str]:
        """Apply pending migrations under ``BEGIN IMMEDIATE``; return their names."""
        pending = self.check_schema()
        if not pending:
            return []
        if self.readonly:
            raise ReadOnlyDatabase(
                f"la base {self.path} doit être mise à jour ({len(pending)} migration(s)) "
                "mais elle est en lecture seule pour vous : demandez à un collègue qui a les droits d'ouvrir relance."
            )

        from relance_tui.store.schema import migrations  # with sqlite-utils: only when there is work

        def apply(db: Database) -> list[str]:
            # re-read inside the lock: another agent may have migrated meanwhile
            todo = [m.name for m in migrations.pending(db)]
            migrations.apply(db)
            return todo

        return self.write(apply, what="mise à jour du schéma")

    # -- hosts --------------------------------------------------------------
    def record_host(self) -> None:
        now = self.now()

        def upsert(db: Database) -> None:
            db.execute(
                "INSERT INTO hosts (hostname, first_seen, last_seen, last_agent, last_pid) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (hostname) DO UPDATE SET "
                "last_seen = excluded.last_seen, last_agent = excluded.last_agent, "
                "last_pid = excluded.last_pid",
                [self.hostname, now, now, self.agent, os.getpid()],
            )
            db.execute(
                "INSERT INTO agents (login, first_seen, last_seen) VALUES (?, ?, ?) "
                "ON CONFLICT (login) DO UPDATE SET last_seen = excluded.last_seen",
                [self.agent, now, now],
            )

        self.write(upsert, what="enregistrement du poste")

    def hosts(self) -> list[HostSeen]:
        return [
            HostSeen(*row)
            for row in self.conn.execute(
                "SELECT hostname, first_seen, last_seen, last_agent FROM hosts ORDER BY last_seen DESC"
            ).fetchall()
        ]

    def other_hosts(self, within_days: int = HOST_WARNING_DAYS) -> list[HostSeen]:
        since = to_iso(self.clock() - dt.timedelta(days=within_days))
        return [h for h in self.hosts() if h.hostname != self.hostname and h.last_seen >= since]

    def host_warning(self) -> str | None:
        others = self.other_hosts()
        if not others:
            return None
        names = ", ".join(f"{h.hostname} ({h.last_agent}, {h.last_seen[:10]})" for h in others)
        return (
            f"Attention : cette base est aussi ouverte depuis une autre machine : {names}. "
            "Plusieurs machines sur un même fichier SQLite via un partage réseau peuvent le corrompre ; "
            "faites travailler tous les agents sur un seul serveur (SSH)."
        )


def _fingerprint(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    wal = Path(f"{path}-wal")
    wst = os.stat(wal) if wal.exists() else None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns,
            wst and (wst.st_ino, wst.st_size, wst.st_mtime_ns))


def _check_file(path: Path) -> None:
    if not os.access(path, os.R_OK):
        raise DatabaseUnreadable(f"base {path} illisible : droits de lecture manquants pour cet utilisateur.")
    if path.is_dir():
        raise DatabaseUnreadable(f"{path} est un dossier, pas une base de données.")
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseUnreadable(f"base {path} illisible : {exc.strerror}.") from exc
    if header and header != SQLITE_HEADER:
        raise NotARelanceDatabase(f"{path} n'est pas une base SQLite (en-tête inconnu) : vérifiez le chemin.")


def _writable(path: Path) -> bool:
    directory = path.parent
    return os.access(directory, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def set_journal_mode(store: Store) -> None:
    """Switch the file to the chosen journal mode (persistent for WAL)."""
    if store.readonly:
        return
    conn = store.conn
    current = conn.execute("PRAGMA journal_mode").fetchone()[0].lower()
    if current == store.journal.mode:
        return
    deadline = time.monotonic() + store.retry_bound_s
    while True:
        try:
            conn.execute(f"PRAGMA journal_mode = {store.journal.mode}")
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.01, 0.05))


OPEN_ATTEMPTS = 5


def open_store(
    path: str | os.PathLike,
    *,
    agent: str,
    create: bool = False,
    readonly: bool = False,
    journal_override: str | None = None,
    migrate: bool = True,
    record_host: bool = True,
    retry_bound_s: float = DEFAULT_RETRY_BOUND_S,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    clock: Clock = utc_now,
) -> Store:
    """Open (and with ``create``, create) the shared database, migrated.

    ``readonly`` is for commands that only read: nothing is created, migrated or written (not even the
    hosts row), the connections are read-only, and the file must already be a relance database of this
    version's schema (an empty file is refused, not turned into a database).

    Raises ``DatabaseMissing``, ``DatabaseUnreadable``, ``NotARelanceDatabase``, ``SchemaTooNew``,
    ``SchemaOutdated`` or ``DiskFull`` with a message for the agent.
    """
    if create and readonly:
        raise ValueError("open_store: create and readonly exclude each other")
    path = Path(path).expanduser()
    try:
        exists = path.exists()
    except PermissionError:
        raise DatabaseUnreadable(no_access_advice(path)) from None
    if exists:
        _check_file(path)
        if readonly and path.stat().st_size == 0:
            raise NotARelanceDatabase(f"{path} est un fichier vide, pas une base relance : indiquez la bonne base "
                                      "avec --db (ou créez-la avec « relance init »).")
    elif not create:
        raise DatabaseMissing(
            f"base introuvable : {path}. Créez-la avec « relance init », "
            "essayez « relance demo », ou indiquez le bon fichier avec --db ou RELANCE_DB."
        )
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if is_disk_full(exc):
                raise disk_full(f"création du dossier {path.parent}", path.parent.parent) from exc
            raise DatabaseUnreadable(f"impossible de créer le dossier {path.parent} : {exc.strerror}.") from exc
    can_write = not (path.exists() and not _writable(path))
    journal = choose_journal(path, override=journal_override)
    for attempt in range(OPEN_ATTEMPTS):
        store = Store(path, agent=agent, journal=journal, readonly=readonly or not can_write, can_write=can_write,
                      retry_bound_s=retry_bound_s, busy_timeout_ms=busy_timeout_ms, clock=clock)
        try:
            set_journal_mode(store)
            if readonly:
                _check_readable_schema(store)
            elif migrate:
                store.migrate()
            else:
                store.check_schema()
            if record_host and not store.readonly:
                store.record_host()
        except sqlite3.DatabaseError as exc:
            store.close()
            code = getattr(exc, "sqlite_errorname", "")
            if code.startswith("SQLITE_READONLY") and not store.readonly and attempt < OPEN_ATTEMPTS - 1:
                # another agent's process was creating the -wal/-shm files at this very instant: SQLite
                # opened them read-only. They are ours to write a moment later: open again.
                time.sleep(0.05 * (attempt + 1))
                continue
            if isinstance(exc, sqlite3.OperationalError) and is_busy(exc):
                raise DatabaseBusy(f"base {path} verrouillée à l'ouverture : {exc}") from exc
            if is_disk_full(exc, path.parent):
                raise disk_full(f"ouverture de la base {path}", path.parent) from exc
            raise NotARelanceDatabase(f"{path} n'est pas une base SQLite lisible : {exc}"
                                      f"{f' ({code})' if code else ''}.") from exc
        except BaseException:
            store.close()
            raise
        break
    return store


def _check_readable_schema(store: Store) -> None:
    """For a command that only reads: the file must be a relance database with nothing to migrate."""
    tables = store.conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    if not tables:
        raise NotARelanceDatabase(f"{store.path} est une base SQLite vide, pas une base relance : indiquez la "
                                  "bonne base avec --db (ou créez-la avec « relance init »).")
    pending = store.check_schema()
    if pending:
        raise SchemaOutdated(
            f"la base {store.path} doit d'abord être mise à jour ({len(pending)} migration(s)), ce qu'une commande "
            "de lecture ne fait pas : ouvrez relance (ou lancez « relance init ») une fois, puis recommencez."
        )
