"""The shared database as one process sees it (``Store``): a connection per thread, the write
transaction retried while another agent holds the lock, the schema's version and its migrations.

Rules, each measured on this kind of machine (see docs/benchmarks.md):
- one connection per thread;
- every write transaction is ``BEGIN IMMEDIATE`` ... ``COMMIT``, short, and
  retried with back-off while the database is locked, up to a long bound,
  then reported (``DatabaseBusy``), never dropped. sqlite-utils' ``atomic()``
  opens a deferred ``BEGIN`` whose lock upgrade fails under contention, so it
  is only ever used nested inside our transaction (where it is a savepoint);
- always ``synchronous=FULL``, ``foreign_keys=ON`` and a 10 s ``busy_timeout``.

Opening the file (checks, journal mode, migrations) is store/connection.py's ``open_store``; a read-only
agent's private copy is store/snapshot.py; the machines seen, store/hosts.py.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from relance_tui.domain.instants import to_iso
from relance_tui.domain.money import format_cents
from relance_tui.domain.text import count
from relance_tui.errors import (
    DatabaseBusy,
    NotARelanceDatabase,
    ReadOnlyDatabase,
    SchemaTooNew,
    WriteOutcomeUnknown,
)
from relance_tui.store import hosts as _hosts
from relance_tui.store.failures import (
    disk_full,
    is_busy,
    is_commit_uncertain,
    is_disk_full,
    is_retryable_io,
)
from relance_tui.store.fs import JournalChoice
from relance_tui.store.hosts import HostSeen
from relance_tui.store.patient import SHARED_READ_RETRY_S, PatientConnection  # noqa: F401 - re-exported
from relance_tui.store.snapshot import needs_snapshot, snapshot_notice, take_snapshot
from relance_tui.store.versions import MIGRATION_NAMES, MIGRATION_SET, MIGRATIONS_TABLE

if TYPE_CHECKING:
    import os

    from sqlite_utils import Database

    from relance_tui.store.lease import HostLease, LeaseInfo

T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000
DEFAULT_RETRY_BOUND_S = 120.0
# How long a write whose COMMIT failed with an I/O error is checked for its receipt before the agent is told
OUTCOME_CHECK_S = 20.0


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
    return dt.datetime.now(dt.UTC)


class _NotStored(Exception):
    """A COMMIT failed with an I/O error and its receipt is not in the base: nothing was stored."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


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
        # The host lease (store/lease.py): held by a process that writes; None for a reader
        self.lease: HostLease | None = None
        # Why this store only reads while it could write the file (another machine holds the lease)
        self.lease_notice: str | None = None
        # Reads retried while another machine writes through a share (PatientConnection)
        self.patient = False
        self._receipts = False  # set once the schema has its write_receipts table
        self._generation = 0  # raised when the connections must be opened again (the lease lost)

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
            factory = self._patient_factory() if self.patient else sqlite3.Connection
            # a patient reader (beside another machine that writes) first asks never to write the -shm of a WAL
            # base (readonly_shm); with no -shm at all (nobody has the base open) that cannot open: then as usual
            for options in (("mode=ro&readonly_shm=1", "mode=ro") if self.patient else ("mode=ro",)):
                conn = sqlite3.connect(f"{self.path.absolute().as_uri()}?{options}", uri=True,
                                       isolation_level=None, timeout=self.busy_timeout_ms / 1000,
                                       check_same_thread=check_same_thread, factory=factory)
                try:
                    # opens the WAL if there is one (a plain execute: an error here is the caller's to retry)
                    sqlite3.Connection.execute(conn, "SELECT COUNT(*) FROM sqlite_master").fetchone()
                    return conn
                except sqlite3.OperationalError as exc:
                    conn.close()
                    if getattr(exc, "sqlite_errorname", "").startswith("SQLITE_CANTOPEN") and options != "mode=ro":
                        continue
                    if not self._needs_snapshot():
                        raise
                    break
            self._take_snapshot()
        conn = sqlite3.connect(self.snapshot, isolation_level=None, timeout=self.busy_timeout_ms / 1000,
                               check_same_thread=check_same_thread)
        conn.execute("PRAGMA query_only = ON")
        return conn

    def _patient_factory(self) -> type[PatientConnection]:
        store = self

        class _Patient(PatientConnection):
            @staticmethod
            def why() -> str:
                return store.lease_notice or "une autre machine écrit peut-être dans la base"

        return _Patient

    def _needs_snapshot(self) -> bool:
        return needs_snapshot(self.path)

    def _take_snapshot(self) -> None:
        """Copy the base into a private folder and read the copy from now on (store/snapshot.py)."""
        with self._snapshot_lock:
            if self.snapshot is not None:
                return
            self.snapshot = take_snapshot(self.path, self)
            self.snapshot_at = self.now()

    def notice(self) -> str | None:
        """A line for the person when what they see is not the live database, or only read while they could
        write (another machine holds the lease)."""
        if self.lease_notice:
            return self.lease_notice
        return None if self.snapshot is None else snapshot_notice(self.path, self.snapshot_at)

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection: what reads use (opened again, read-only, once the lease is lost)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "generation", 0) != self._generation:
            self.close()
            conn = None
        if conn is None:
            conn = self.connect()
            self._local.conn = conn
            self._local.generation = self._generation
        return conn

    def lease_lost(self, holder: LeaseInfo | None) -> None:
        """Another machine took the write lease (this one was silent past the timeout): from now on this
        store only reads, through read-only connections (a read-write one could take the other machine's
        journal for a crashed one and roll it back), and every write says why."""
        from relance_tui.store.lease import holder_message

        self.lease_notice = ("Une autre machine a pris la main sur la base pendant que celle-ci ne répondait plus : "
                             f"plus rien ne peut être enregistré d'ici. {holder_message(holder, self.path)}")
        self.patient = True
        self.readonly = True
        self._generation += 1

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
        """Close this thread's connection (the others', and the lease, stay)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None
        self._local.db = None

    def shutdown(self) -> None:
        """The process is done with the base: close this thread's connection and give the lease back."""
        self.close()
        if self.lease is not None:
            self.lease.release()

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

        Before it starts, the host lease must still be this machine's (store/lease.py). The transaction
        leaves a receipt (a random key, table ``write_receipts``): when its COMMIT fails with an I/O error, the
        receipt tells whether it landed, so a write is never reported failed when it was stored, nor
        retried into a second copy.
        """
        if self.readonly:
            raise ReadOnlyDatabase(
                f"{what} impossible : {self.lease_notice}" if self.lease_notice else
                f"{what} impossible : la base {self.path} est en lecture seule pour "
                f"{self.agent} (droits d'écriture manquants)"
            )
        from relance_tui.store.lease import LeaseHeld

        try:
            return self._write(fn, what)
        except LeaseHeld as exc:
            raise ReadOnlyDatabase(f"{what} impossible, rien n'a été enregistré. {exc}") from None
        except sqlite3.DatabaseError as exc:
            if is_disk_full(exc, self.path.parent):
                raise disk_full(what, self.path.parent) from exc
            raise

    def _write(self, fn: Callable[[Database], T], what: str) -> T:
        deadline = time.monotonic() + self.retry_bound_s
        delay = 0.005
        while True:
            try:
                return self._attempt(fn, what)
            except _NotStored as exc:
                failure: Exception = exc.error
                why = (f"la base {self.path} n'a pas pu enregistrer ({exc.error}) pendant "
                       f"{self.retry_bound_s:.0f} s")
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
                failure = exc
                why = f"la base {self.path} est restée verrouillée plus de {self.retry_bound_s:.0f} s par un autre poste"
            if time.monotonic() + delay > deadline:
                raise DatabaseBusy(f"{what} impossible : {why}. Rien n'a été enregistré ; réessayez.") from failure
            self.retries += 1
            time.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 0.5)

    def _attempt(self, fn: Callable[[Database], T], what: str) -> T:
        """One try: the transaction, its receipt, the COMMIT; an uncertain COMMIT checked (``_NotStored``)."""
        if self.readonly:  # the lease was lost since write() looked
            raise ReadOnlyDatabase(f"{what} impossible, rien n'a été enregistré. {self.lease_notice or ''}")
        conn = self.conn
        token = secrets.token_hex(16) if self._receipts else None
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._lease_check()  # the lock may have taken long: is this machine still the one that writes?
            result = fn(self.db)
            if token is not None:
                conn.execute("INSERT INTO write_receipts (token, at) VALUES (?, ?)", [token, self.now()])
            self._lease_check()  # and again, at the last moment before the commit
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if token is None or not is_commit_uncertain(exc):
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            if not self._landed(token, what):
                if is_disk_full(exc, self.path.parent):
                    raise disk_full(what, self.path.parent) from exc
                if not is_retryable_io(exc):
                    raise  # a damaged file: said as it is, not retried for minutes
                raise _NotStored(exc) from exc
        return result

    def _lease_check(self) -> None:
        """Raise ``LeaseHeld`` when another machine has taken the write lease (read from its file)."""
        if self.lease is not None:
            self.lease.ensure_held()

    def _landed(self, token: str, what: str) -> bool:
        """Whether the transaction that left receipt ``token`` was stored, asked of a fresh connection (the
        failed one is closed first: closing rolls back whatever it still held). Raises ``WriteOutcomeUnknown``
        when the file stays unreadable."""
        self.close()
        deadline = time.monotonic() + OUTCOME_CHECK_S
        delay = 0.05
        while True:
            try:
                found = self.conn.execute("SELECT 1 FROM write_receipts WHERE token = ?", [token]).fetchone()
                return found is not None
            except sqlite3.DatabaseError as exc:
                self.close()
                if time.monotonic() + delay > deadline:
                    raise WriteOutcomeUnknown(
                        f"{what} : la base {self.path} n'a pas confirmé l'enregistrement ({exc}) et n'a pas pu "
                        "être relue depuis. Il a peut-être été enregistré : vérifiez la chronologie du débiteur "
                        "avant de le ressaisir.") from exc
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    def enable_receipts(self) -> None:
        """From now on each write leaves a receipt (once the schema has the table: after migration 0010)."""
        self._receipts = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'write_receipts'").fetchone() is not None

    def purge_receipts(self, keep_days: int = 2) -> None:
        """Receipts are only read right after their write: keep two days of them."""
        if not self._receipts:
            return
        cutoff = to_iso(self.clock() - dt.timedelta(days=keep_days))
        self.write(lambda db: db.execute("DELETE FROM write_receipts WHERE at < ?", [cutoff]),
                   what="ménage des accusés d'écriture")

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
                f"la base {self.path} doit être mise à jour ({count(len(pending), 'migration')}) "
                "mais elle est en lecture seule pour vous : demandez à un collègue qui a les droits d'ouvrir relance."
            )

        from relance_tui.store.schema import (
            migrations,  # with sqlite-utils: only when there is work
        )

        def apply(db: Database) -> list[str]:
            # re-read inside the lock: another agent may have migrated meanwhile
            todo = [m.name for m in migrations.pending(db)]
            migrations.apply(db)
            return todo

        return self.write(apply, what="mise à jour du schéma")

    # -- hosts (store/hosts.py) ---------------------------------------------
    def record_host(self) -> None:
        _hosts.record_host(self)

    def hosts(self) -> list[HostSeen]:
        return _hosts.hosts(self)

    def host_warning(self) -> str | None:
        return _hosts.host_warning(self)
