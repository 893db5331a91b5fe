"""One writing machine at a time: the host lease beside the database file.

SQLite keeps two writers apart with file locks. A network filesystem that does not carry POSIX locks
between machines (sshfs, many SMB and NFS setups) lets two machines each hold the "exclusive" lock at once,
and the file is corrupted within minutes (https://www.sqlite.org/howtocorrupt.html, section 2; measured on
two sshfs mounts: 2,070 writes lost out of 10,847, docs/benchmarks.md, issue 20). The rollback journal does
not help: it fixes the shared memory WAL needs, not the locking.

So before its first write a process takes the *lease*: the file ``<base>.lease`` next to the database, created
with ``O_EXCL`` (an exclusive create is one request to the file server, which NFS, SMB and SFTP all carry),
naming the machine, the process and a heartbeat renewed every few seconds. A *seat* is one machine seeing
the file through one filesystem mount (host name and device number): the processes of one seat share the
kernel's locks, so they may all write; another seat, even on the same machine through another mount (the
server's local path and an sshfs mount of it), must not. While another seat's lease is fresh this process
opens the database read-only, and says who holds it and what to do. A lease whose heartbeat stopped for
``timeout`` seconds (its machine crashed or lost the share) is taken over, and the takeover logged in
``<base>.lease-log``.

The processes of the holding seat all hold a shared ``flock`` on ``<base>.lease-lock`` (a lock between the
processes of one machine, which is all it needs to be): the last one to leave removes the lease, so the next
machine need not wait for the timeout.

The lease file always has the same size (``LEASE_SIZE`` bytes, padded): an sshfs mount caches file sizes for
several seconds, and a read through a stale size would cut the content.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import secrets
import socket
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from relance_tui.domain.instants import from_iso, to_iso
from relance_tui.domain.text import clean

LEASE_SIZE = 1024
DEFAULT_TIMEOUT_S = 30.0
# Through a network mount a reader may be served a file's content and dates from a cache (sshfs keeps them
# 20 s by default, cache_timeout): a lease that looks silent is watched this long before it is taken, so that
# a cached view has been refreshed meanwhile (in CI a 10 s lease was taken from a live server this way)
SHARE_CACHE_GUARD_S = 21.0
LOG_KEEP_BYTES = 256 * 1024


def lease_path(db: Path) -> Path:
    return db.with_name(db.name + ".lease")


def log_path(db: Path) -> Path:
    return db.with_name(db.name + ".lease-log")


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lease-lock")


def machine_id() -> str:
    """This machine's identity beyond its host name (cloned machines share names): systemd's machine id,
    else this boot's id."""
    for path in ("/etc/machine-id", "/var/lib/dbus/machine-id", "/proc/sys/kernel/random/boot_id"):
        try:
            text = Path(path).read_text().strip().replace("-", "")
        except OSError:
            continue
        if text:
            return text[:12]
    return "0"


def seat_of(db: Path, hostname: str | None = None) -> str:
    """This machine (host name and machine id) and the mount through which it sees the database's folder."""
    host = hostname or socket.gethostname()
    try:
        device = os.stat(db.parent).st_dev
    except OSError:
        device = 0
    # fixed length (it is in the lease, whose size is fixed), whatever the host name
    return f"{machine_id()}:{device}:{hashlib.sha256(host.encode()).hexdigest()[:8]}"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class LeaseInfo:
    """What the lease file says: who holds the base and when it last said it was alive."""

    host: str
    seat: str
    pid: int
    agent: str
    since: str
    beat: str

    def age(self, now: dt.datetime) -> float:
        try:
            return (now - from_iso(self.beat)).total_seconds()
        except (ValueError, TypeError):
            return float("inf")

    def fresh(self, now: dt.datetime, timeout: float) -> bool:
        return self.age(now) <= timeout

    def encode(self) -> bytes:
        fields = dict(self.__dict__)
        data = json.dumps(fields, ensure_ascii=True).encode("ascii")
        for keep in (60, 20, 4):  # a very long or accented name (six bytes a character, escaped): cut
            if len(data) <= LEASE_SIZE - 1:
                break
            fields.update(host=self.host[:keep], agent=self.agent[:keep])
            data = json.dumps(fields, ensure_ascii=True).encode("ascii")
        return data + b"\n" + b" " * (LEASE_SIZE - len(data) - 1)

    @classmethod
    def decode(cls, raw: bytes) -> LeaseInfo | None:
        try:
            data = json.loads(raw.decode("ascii").strip() or "null")
            # written by another account's process: its names reach screens as plain text, never codes
            return cls(host=clean(str(data["host"]))[:100], seat=str(data["seat"]), pid=int(data["pid"]),
                       agent=clean(str(data["agent"]))[:100], since=clean(str(data["since"]))[:40],
                       beat=str(data["beat"]))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return None


@dataclass(frozen=True)
class LeaseState:
    """The lease as a reader finds it: absent, held (fresh or stale), or a file being written."""

    info: LeaseInfo | None
    exists: bool
    mtime: float | None = None

    def stale(self, now: dt.datetime, timeout: float) -> bool:
        if not self.exists:
            return True
        if self.info is not None:
            return not self.info.fresh(now, timeout)
        # unreadable (created a moment ago and not yet written, or damaged): by its date
        return self.mtime is None or now.timestamp() - self.mtime > timeout


def read_lease(db: Path) -> LeaseState:
    path = lease_path(db)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(LEASE_SIZE + 1)
            mtime = os.fstat(fh.fileno()).st_mtime
    except FileNotFoundError:
        return LeaseState(None, exists=False)
    return LeaseState(LeaseInfo.decode(raw), exists=True, mtime=mtime)


def read_log(db: Path, last: int = 20) -> list[str]:
    try:
        text = log_path(db).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return text.splitlines()[-last:]


def holder_message(info: LeaseInfo | None, db: Path) -> str:
    """What a read-only machine tells its agent."""
    who = (f"la machine {info.host} (agent {info.agent}, depuis le {info.since[:16].replace('T', ' ')} UTC)"
           if info else "une autre machine")
    return (f"Base en lecture seule : {who} écrit dans {db}. Deux machines qui écrivent dans un même fichier "
            "SQLite à travers un partage réseau le corrompent ; relance n'en laisse écrire qu'une. "
            "Travaillez tous sur le serveur, par SSH (ou fermez relance sur l'autre machine, puis rouvrez-le ici).")


class LeaseHeld(Exception):
    """Another seat holds a fresh lease: this process may only read."""

    def __init__(self, info: LeaseInfo | None, message: str):
        super().__init__(message)
        self.info = info


class HostLease:
    """This process's part in the lease: taken before the first write, renewed by a thread, released at exit."""

    def __init__(self, db: Path, *, agent: str, timeout: float = DEFAULT_TIMEOUT_S,
                 heartbeat: float | None = None, clock: Callable[[], dt.datetime] = utc_now,
                 hostname: str | None = None, through_share: bool = False):
        self.db = Path(db)
        self.agent = agent
        self.timeout = timeout
        self.heartbeat = heartbeat if heartbeat is not None else max(timeout / 6, 0.05)
        self.clock = clock
        self.host = hostname or socket.gethostname()
        self.through_share = through_share  # this process sees the base through a network mount
        self.seat = seat_of(self.db, self.host)
        self.pid = os.getpid()
        self.lost: LeaseInfo | None = None  # set when another seat took the lease from under us
        self.took_over: LeaseInfo | None = None  # the stale holder this process replaced, if any
        self._lock_fd: int | None = None
        self._finalizer: weakref.finalize | None = None
        self._mutex = threading.Lock()
        self._next_beat = 0.0
        self.held = False
        # told once when another seat takes the lease (the Store turns read-only: store/database.py)
        self.on_lost: Callable[[LeaseInfo | None], None] | None = None

    # -- taking it ------------------------------------------------------------------------------------
    def acquire(self) -> None:
        """Take the lease (or join this seat's), or raise ``LeaseHeld`` naming the seat that holds it.

        A lease whose heartbeat looks older than the timeout by this machine's clock is watched for
        ``confirm`` seconds (two heartbeats) before it is taken: a holder alive behind a clock that runs late
        renews it meanwhile, and keeps it.
        """
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            state = read_lease(self.db)
            now = self.clock()
            if state.info is not None and state.info.seat == self.seat:
                self._join_checked()
                return
            if state.exists and state.info is None and not state.stale(now, self.timeout):
                time.sleep(0.02)  # created a moment ago by another process, not yet written: read it again
                continue
            if state.exists and not state.stale(now, self.timeout):
                raise LeaseHeld(state.info, holder_message(state.info, self.db))
            if state.exists and not self._still_silent(state):
                # renewed while we watched: its holder is alive (its clock runs behind ours)
                alive = read_lease(self.db).info or state.info
                raise LeaseHeld(alive, holder_message(alive, self.db))
            if state.exists and not self._remove_stale(state):
                continue  # someone else moved it first, or its holder came back: look again
            if self._create():
                self._join_checked()
                if state.exists:
                    self.took_over = state.info
                    self._log(f"reprend la main (bail de {_who(state.info)} sans signe de vie depuis "
                              f"{_age(state, now)})")
                else:
                    self._log("prend la main")
                return
        raise LeaseHeld(None, holder_message(None, self.db))

    @property
    def confirm(self) -> float:
        """How long a lease that looks stale is watched for a heartbeat before it is taken: two heartbeats,
        and through a network mount long enough for its caches to have been refreshed."""
        return max(2 * self.heartbeat + 0.1, SHARE_CACHE_GUARD_S if self.through_share else 0.0)

    def _still_silent(self, state: LeaseState) -> bool:
        """Whether the lease stays the same, byte for byte, for ``confirm`` seconds of this machine's own time;
        an unreadable one (a read cut short through a share, a file left empty by a crash) for a whole
        ``timeout``: its date is a cached attribute on a share, not proof that its holder is gone."""
        window = self.confirm if state.info is not None else self.timeout
        end = time.monotonic() + window
        while time.monotonic() < end:
            time.sleep(min(0.1, window / 4))
            again = read_lease(self.db)
            if again.exists != state.exists or again.info != state.info:
                return False
        return True

    def _join_checked(self) -> None:
        """Join this seat's lease, then read it again: the last process of the seat may have removed it
        between our read and our lock (then it is created again), another seat may have taken it."""
        self._join()
        try:
            self.check(force=True)
        except BaseException:
            self.release()
            raise
        if not self.held:
            info = self.lost
            self.release()
            raise LeaseHeld(info, holder_message(info, self.db))

    def _create(self) -> bool:
        now = self.clock()
        info = LeaseInfo(self.host, self.seat, self.pid, self.agent, to_iso(now), _beat_text(now))
        try:
            fd = os.open(lease_path(self.db), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o664)
        except FileExistsError:
            return False
        try:
            os.write(fd, info.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        return True

    def _remove_stale(self, state: LeaseState) -> bool:
        """Move a stale lease aside (a rename: of two machines, one succeeds), checking that its holder did
        not come back meanwhile; then delete it."""
        aside = self.db.with_name(f"{self.db.name}.lease-stale-{self.pid}-{secrets.token_hex(4)}")
        try:
            os.rename(lease_path(self.db), aside)
        except FileNotFoundError:
            return False
        try:
            with open(aside, "rb") as fh:
                moved = LeaseInfo.decode(fh.read(LEASE_SIZE + 1))
        except OSError:
            moved = None
        if moved is not None and moved != state.info:
            # its holder renewed it between our read and the rename: put it back, unless a lease is there again
            # (an exclusive create: never over another one)
            with contextlib.suppress(OSError):
                fd = os.open(lease_path(self.db), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o664)
                try:
                    os.write(fd, moved.encode())
                finally:
                    os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(aside)
            return False
        with contextlib.suppress(OSError):
            os.unlink(aside)
        return True

    def _join(self) -> None:
        """Hold the seat's shared lock (released by the kernel when this process ends), start the heartbeat."""
        if self._lock_fd is None:
            try:
                fd = os.open(lock_path(self.db), os.O_RDWR | os.O_CREAT, 0o664)
                try:
                    fcntl.flock(fd, fcntl.LOCK_SH)
                except OSError:
                    os.close(fd)
                    raise
                self._lock_fd = fd
                self._finalizer = weakref.finalize(self, _close_quietly, fd)  # dropped without release()
                self._finalizer.atexit = False  # at exit, release() (the keeper's) closes it, after using it
            except OSError:
                self._lock_fd = None  # without it the lease is only never removed at exit: it goes stale
        self.held = True
        self.lost = None
        KEEPER.add(self)

    # -- keeping it -----------------------------------------------------------------------------------
    def check(self, *, force: bool = False) -> None:
        """Renew the lease if it is still this seat's (``force``: even if renewed a moment ago); note its loss
        otherwise, and tell ``on_lost``."""
        lost = self._check(force)
        if lost and self.on_lost is not None:
            self.on_lost(self.lost)

    def _check(self, force: bool) -> bool:
        with self._mutex:
            if not self.held:
                return False
            state = read_lease(self.db)
            if state.info is not None and state.info.seat == self.seat:
                self._beat(state=state, force=force)
                return False
            if not state.exists:
                # removed by a process of this seat that thought it was the last one: take it again
                if self._create():
                    return False
                state = read_lease(self.db)
                if state.info is not None and state.info.seat == self.seat:
                    return False
            if state.info is None and state.exists and not state.stale(self.clock(), self.timeout):
                return False  # a file being written: look again at the next beat
            self.lost = state.info
            self.held = False
            self._log(f"a perdu la main au profit de {_who(state.info)}")
            return True

    def _beat(self, *, state: LeaseState | None = None, force: bool = False) -> None:
        now = self.clock()
        if state is None:
            state = read_lease(self.db)
        info = state.info
        if info is None or info.seat != self.seat:
            return
        if not force and info.age(now) < self.heartbeat * 0.8:
            return  # another process of this seat renewed it a moment ago
        renewed = LeaseInfo(info.host, info.seat, self.pid, self.agent, info.since, _beat_text(now))
        tmp = self.db.with_name(f"{self.db.name}.lease-new-{self.pid}-{secrets.token_hex(4)}")
        try:
            with open(tmp, "wb") as fh:
                fh.write(renewed.encode())
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, lease_path(self.db))
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    def ensure_held(self) -> None:
        """Before and at the end of a write: the lease is still this seat's (read from the file, not from
        memory), renewed if its last beat is old. Raises ``LeaseHeld``."""
        self.check()
        if not self.held:
            raise LeaseHeld(self.lost, holder_message(self.lost, self.db))

    # -- leaving it -----------------------------------------------------------------------------------
    def release(self) -> None:
        """Stop the heartbeat; the last process of this seat removes the lease."""
        KEEPER.discard(self)
        with self._mutex:
            was_held, self.held = self.held, False
            fd, self._lock_fd = self._lock_fd, None
            if fd is None:
                return
            self._finalizer.detach()
            try:
                if was_held:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except OSError as exc:
                        if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                            raise
                        return  # another process of this seat still works: the lease stays
                    state = read_lease(self.db)
                    if state.info is not None and state.info.seat == self.seat:
                        with contextlib.suppress(FileNotFoundError):
                            os.unlink(lease_path(self.db))
                        self._log("rend la main")
            except OSError:
                pass  # the share is gone: the lease goes stale and is taken over after the timeout
            finally:
                os.close(fd)

    # -- the log --------------------------------------------------------------------------------------
    def _log(self, what: str) -> None:
        """One line in ``<base>.lease-log``: when, which machine, which agent, what happened."""
        line = f"{to_iso(self.clock())} {self.host} ({self.seat}, pid {self.pid}, agent {self.agent}) {what}\n"
        path = log_path(self.db)
        try:
            if path.exists() and path.stat().st_size > LOG_KEEP_BYTES:
                kept = path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)[-200:]
                path.write_text("".join(kept), encoding="utf-8")
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(line)
        except OSError:
            pass  # the log is for doctor; the lease itself is what protects the file


def _close_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def _beat_text(now: dt.datetime) -> str:
    """A heartbeat to the millisecond (a timeout can be a few seconds)."""
    return now.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def _who(info: LeaseInfo | None) -> str:
    return f"{info.host} (pid {info.pid}, agent {info.agent})" if info else "une machine inconnue"


def _age(state: LeaseState, now: dt.datetime) -> str:
    if state.info is not None:
        seconds = state.info.age(now)
    elif state.mtime is not None:
        seconds = now.timestamp() - state.mtime
    else:
        return "un temps inconnu"
    return f"{seconds:.0f} s" if seconds != float("inf") else "un temps inconnu"


from relance_tui.store.keeper import KEEPER  # noqa: E402 - after HostLease: the keeper names it

_KEEPER = KEEPER  # the name the tests use
