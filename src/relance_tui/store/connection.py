"""Opening the shared database: the file checked, its journal mode chosen, its schema migrated.

- WAL on a local disk, the rollback journal on a network filesystem (store/fs.py chooses);
- a command that only reads opens read-only and never creates, migrates or writes;
- every failure is said to the agent in French (``DatabaseMissing``, ``NotARelanceDatabase``, ...).

The ``Store`` it returns, and writing safely, are store/database.py's. Everything the rest of relance
imports from here (``Store``, ``open_store``, ``transaction``, ``is_disk_full``, ...) still comes from
here: the names of store/database.py, store/failures.py, store/snapshot.py and store/hosts.py are
re-exported.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
import weakref
from pathlib import Path

from relance_tui.domain.text import count
from relance_tui.errors import (
    DatabaseBusy,
    DatabaseMissing,
    DatabaseUnreadable,
    NotARelanceDatabase,
    ReadOnlyDatabase,
    SchemaOutdated,
)

# re-exported: importers name them from here
from relance_tui.store.database import (  # noqa: F401
    BUSY_TIMEOUT_MS,
    DEFAULT_RETRY_BOUND_S,
    Clock,
    Store,
    register_functions,
    transaction,
    utc_now,
)
from relance_tui.store.failures import (  # noqa: F401
    FULL_DISK_FREE_BYTES,
    disk_full,
    is_busy,
    is_disk_full,
    is_read_glitch,
    no_access_advice,
)
from relance_tui.store.fs import choose_journal
from relance_tui.store.hosts import HOST_WARNING_DAYS, HostSeen  # noqa: F401
from relance_tui.store.lease import DEFAULT_TIMEOUT_S as DEFAULT_LEASE_TIMEOUT_S
from relance_tui.store.lease import HostLease, LeaseHeld, lease_path
from relance_tui.store.snapshot import (  # noqa: F401
    SNAPSHOT_MARGIN_BYTES,
    SNAPSHOT_PID,
    SNAPSHOT_PREFIX,
    remove_stale_snapshots,
)

SQLITE_HEADER = b"SQLite format 3\x00"


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
# How long opening retries a file another machine is writing through a share (a page read half-written)
OPEN_GLITCH_S = 10.0


def _check_path(path: Path, *, create: bool, readonly: bool) -> None:
    """The file is there and is an SQLite file (a read-only command refuses an empty one too); or, with
    ``create``, its folder is made."""
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
    lease_timeout: float = DEFAULT_LEASE_TIMEOUT_S,
    when_leased: str = "error",
) -> Store:
    """Open (and with ``create``, create) the shared database, migrated.

    ``readonly`` is for commands that only read: nothing is created, migrated or written (not even the
    hosts row), the connections are read-only, and the file must already be a relance database of this
    version's schema (an empty file is refused, not turned into a database).

    A store that may write first takes the host lease (store/lease.py). When another machine holds it,
    ``when_leased`` says what happens: "error" (a command that writes) raises ``ReadOnlyDatabase`` naming
    that machine; "readonly" (the app) opens the base read-only, the reason in ``Store.notice()``.

    Raises ``DatabaseMissing``, ``DatabaseUnreadable``, ``NotARelanceDatabase``, ``SchemaTooNew``,
    ``SchemaOutdated``, ``ReadOnlyDatabase`` or ``DiskFull`` with a message for the agent.
    """
    if create and readonly:
        raise ValueError("open_store: create and readonly exclude each other")
    if when_leased not in ("error", "readonly"):
        raise ValueError(f"open_store: when_leased={when_leased!r}")
    path = Path(path).expanduser()
    _check_path(path, create=create, readonly=readonly)
    can_write = not (path.exists() and not _writable(path))
    journal = choose_journal(path, override=journal_override)
    lease, notice = None, None
    if not readonly and can_write:
        lease, notice = _take_lease(path, agent, lease_timeout, when_leased, journal.network)
    glitch_deadline = time.monotonic() + OPEN_GLITCH_S
    attempt = 0
    while True:
        attempt += 1
        store = Store(path, agent=agent, journal=journal, readonly=readonly or not can_write or notice is not None,
                      can_write=can_write, retry_bound_s=retry_bound_s, busy_timeout_ms=busy_timeout_ms, clock=clock)
        store.lease, store.lease_notice = lease, notice
        if lease is not None:
            lease.on_lost = _tell(store)
        # a reader through a share, or beside another machine that writes: reads retried, never the -shm written
        store.patient = store.readonly and (notice is not None or journal.network)
        try:
            _prepare(store, migrate=migrate, record_host=record_host)
        except sqlite3.DatabaseError as exc:
            store.close()
            code = getattr(exc, "sqlite_errorname", "")
            if code.startswith("SQLITE_READONLY") and not store.readonly and attempt < OPEN_ATTEMPTS:
                # another agent's process was creating the -wal/-shm files at this very instant: SQLite
                # opened them read-only. They are ours to write a moment later: open again.
                time.sleep(0.05 * attempt)
                continue
            shared = notice is not None or journal.network
            if shared and is_read_glitch(exc) and time.monotonic() < glitch_deadline:
                time.sleep(min(0.1 * attempt, 1.0))
                continue
            if lease is not None:
                lease.release()
            raise _open_failure(exc, path, shared=shared, notice=notice) from exc
        except BaseException:
            store.close()
            if lease is not None:
                lease.release()
            raise
        break
    return store


def _prepare(store: Store, *, migrate: bool, record_host: bool) -> None:
    """The journal mode, the schema (migrated, or checked by a reader), the receipts, this machine recorded."""
    set_journal_mode(store)
    if store.readonly:
        _check_readable_schema(store)
    elif migrate:
        store.migrate()
    else:
        store.check_schema()
    if not store.readonly:
        store.enable_receipts()
    if record_host and not store.readonly:
        store.record_host()


def _open_failure(exc: sqlite3.DatabaseError, path: Path, *, shared: bool, notice: str | None) -> Exception:
    """What an error opening the base means, for the agent: a lock, a full disk, a share another machine writes,
    or a file that is not a readable SQLite base."""
    code = getattr(exc, "sqlite_errorname", "")
    if isinstance(exc, sqlite3.OperationalError) and is_busy(exc):
        return DatabaseBusy(f"base {path} verrouillée à l'ouverture : {exc}")
    if is_disk_full(exc, path.parent):
        return disk_full(f"ouverture de la base {path}", path.parent)
    if shared and is_read_glitch(exc):
        return DatabaseUnreadable(
            f"base {path} illisible depuis {OPEN_GLITCH_S:.0f} s à travers le partage réseau ({exc}"
            f"{f', {code}' if code else ''}) : {notice or 'une autre machine y écrit peut-être'}. "
            "Réessayez dans un moment ; si cela dure, « relance doctor » vérifie le fichier.")
    return NotARelanceDatabase(f"{path} n'est pas une base SQLite lisible : {exc}{f' ({code})' if code else ''}.")


def _tell(store: Store):  # noqa: ANN202 - a callback
    """The lease's loss, told to the store without keeping it alive (the lease outlives nothing)."""
    ref = weakref.ref(store)

    def lost(holder) -> None:  # noqa: ANN001 - a LeaseInfo or None
        target = ref()
        if target is not None:
            target.lease_lost(holder)

    return lost


def _take_lease(path: Path, agent: str, timeout: float, when_leased: str,
                through_share: bool) -> tuple[HostLease | None, str | None]:
    """This process's share of the host lease, or (when another machine holds it) the reason it only reads."""
    lease = HostLease(path, agent=agent, timeout=timeout, through_share=through_share)
    try:
        lease.acquire()
    except LeaseHeld as exc:
        if when_leased == "error":
            raise ReadOnlyDatabase(f"écriture impossible, rien n'a été modifié. {exc}") from None
        return None, str(exc)
    except OSError as exc:
        raise DatabaseUnreadable(f"impossible de prendre le bail d'écriture {lease_path(path)} à côté de la base : "
                                 f"{exc.strerror}.") from exc
    return lease, None


def _check_readable_schema(store: Store) -> None:
    """For a command that only reads: the file must be a relance database with nothing to migrate."""
    tables = store.conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    if not tables:
        raise NotARelanceDatabase(f"{store.path} est une base SQLite vide, pas une base relance : indiquez la "
                                  "bonne base avec --db (ou créez-la avec « relance init »).")
    pending = store.check_schema()
    if pending:
        raise SchemaOutdated(
            f"la base {store.path} doit d'abord être mise à jour ({count(len(pending), 'migration')}), ce "
            "qu'une commande de lecture ne fait pas : ouvrez relance (ou lancez « relance init ») une fois, "
            "puis recommencez."
        )
