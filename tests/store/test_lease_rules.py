"""The host lease's rules, one at a time (store/lease.py, issues 14 and 20).

Another machine is played by a lease with another host name; the lease's clock is a fixed instant, and the
waits of a taker (the watch of a silent lease, the re-reads of a lease being written) run on a virtual
monotonic clock: each test is instant and exact. The lease keeper's thread never beats here (the timeouts
are long), so every renewal is a call the test makes.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import gc
import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from relance_tui.domain.instants import to_iso
from relance_tui.store import lease as lease_module
from relance_tui.store.lease import (
    _KEEPER,
    LEASE_SIZE,
    LOG_KEEP_BYTES,
    HostLease,
    LeaseHeld,
    LeaseInfo,
    LeaseState,
    holder_message,
    lease_path,
    lock_path,
    log_path,
    machine_id,
    read_lease,
    read_log,
    seat_of,
)

_now = dt.datetime.now(dt.UTC)
T = _now.replace(microsecond=_now.microsecond // 1000 * 1000)  # to the millisecond, as a heartbeat is written


def at(seconds: float = 0.0):
    """A clock stopped ``seconds`` after T."""
    return lambda: T + dt.timedelta(seconds=seconds)


def beat(seconds: float = 0.0) -> str:
    return (T + dt.timedelta(seconds=seconds)).isoformat(timespec="milliseconds")


class VirtualTime:
    """The lease module's ``time``: monotonic time moves only when the code sleeps; ``on_sleep`` runs at each."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.on_sleep = None
        self.looks = 0

    def monotonic(self) -> float:
        self.looks += 1
        if self.looks > 100_000:  # a loop that never sleeps would spin for ever on a clock that never moves
            raise RuntimeError("the lease looped without waiting")
        return self.now

    def sleep(self, seconds: float) -> None:
        seconds = float(seconds)
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            self.on_sleep(len(self.sleeps))

    @property
    def waited(self) -> float:
        return self.now - 1000.0


@pytest.fixture
def vt(monkeypatch: pytest.MonkeyPatch) -> VirtualTime:
    clock = VirtualTime()
    monkeypatch.setattr(lease_module, "time", clock)
    return clock


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "office" / "relance.db"
    path.parent.mkdir()
    return path


@pytest.fixture
def taken():
    """Leases a test takes, released at its end whatever happens."""
    leases: list[HostLease] = []
    yield leases
    for lease in leases:
        lease.release()


def lease_of(db: Path, taken: list, agent: str = "marie", host: str = "serveur", **kw) -> HostLease:
    kw.setdefault("clock", at(0))
    lease = HostLease(db, agent=agent, hostname=host, **kw)
    taken.append(lease)
    return lease


def foreign(db: Path, *, host: str = "portable-paul", agent: str = "paul", pid: int = 4242, beat_at: float = 0.0,
            since: str = "2026-12-03T08:15:42Z") -> LeaseInfo:
    """Another machine's lease, written in the file as that machine writes it."""
    info = LeaseInfo(host, seat_of(db, host), pid, agent, since, beat(beat_at))
    lease_path(db).write_bytes(info.encode())
    return info


def log_lines(db: Path) -> list[str]:
    return log_path(db).read_text(encoding="utf-8").splitlines()


# -- what the lease file says -------------------------------------------------------------------------------
def test_the_lease_file_is_the_holder_s_json_padded_to_its_fixed_size() -> None:
    info = LeaseInfo("serveur", "abc:12:deadbeef", 4242, "Hélène", "2026-12-03T08:15:42Z", beat())
    raw = info.encode()
    data = json.dumps(info.__dict__, ensure_ascii=True).encode("ascii")
    assert raw == data + b"\n" + b" " * (LEASE_SIZE - len(data) - 1)
    assert len(raw) == LEASE_SIZE and b"\\u00e9" in raw  # accents escaped: the file is ASCII
    assert LeaseInfo.decode(raw) == info


def test_a_lease_whose_text_fills_the_file_to_its_last_byte_is_not_cut() -> None:
    base = LeaseInfo("serveur", "abc:12:deadbeef", 4242, "", "2026-12-03T08:15:42Z", beat())
    room = LEASE_SIZE - 1 - len(base.encode().rstrip())
    info = LeaseInfo("serveur", "abc:12:deadbeef", 4242, "a" * room, "2026-12-03T08:15:42Z", beat())
    raw = info.encode()
    assert raw.endswith(b'"}\n') and len(raw) == LEASE_SIZE
    assert json.loads(raw)["agent"] == "a" * room  # the whole name: it fits
    longer = LeaseInfo("serveur", "abc:12:deadbeef", 4242, "a" * (room + 1), "2026-12-03T08:15:42Z", beat())
    assert json.loads(longer.encode())["agent"] == "a" * 60 and len(longer.encode()) == LEASE_SIZE


def test_names_too_long_for_the_lease_are_cut_to_60_then_20_then_4_characters() -> None:
    accented = LeaseInfo("h" * 300, "abc:12:deadbeef", 1, "é" * 300, "2026-12-03T08:15:42Z", beat())
    back = LeaseInfo.decode(accented.encode())
    assert (back.host, back.agent) == ("h" * 60, "é" * 60)  # six bytes an accented letter, escaped: 60 fit
    emoji = LeaseInfo("😀" * 300, "abc:12:deadbeef", 1, "😀" * 300, "2026-12-03T08:15:42Z", beat())
    back = LeaseInfo.decode(emoji.encode())
    assert (back.host, back.agent) == ("😀" * 20, "😀" * 20)  # twelve bytes each: 60 do not fit, 20 do
    huge = LeaseInfo("😀" * 300, "abc:12:deadbeef", 1, "😀" * 300, "s" * 600, beat())
    back = LeaseInfo.decode(huge.encode())
    assert (back.host, back.agent) == ("😀" * 4, "😀" * 4) and len(huge.encode()) == LEASE_SIZE
    only_host = LeaseInfo("h" * 2000, "abc:12:deadbeef", 1, "marie", "2026-12-03T08:15:42Z", beat())
    back = LeaseInfo.decode(only_host.encode())
    assert (back.host, back.agent) == ("h" * 60, "marie") and len(only_host.encode()) == LEASE_SIZE
    only_agent = LeaseInfo("serveur", "abc:12:deadbeef", 1, "a" * 2000, "2026-12-03T08:15:42Z", beat())
    back = LeaseInfo.decode(only_agent.encode())
    assert (back.host, back.agent) == ("serveur", "a" * 60) and len(only_agent.encode()) == LEASE_SIZE


def test_a_lease_read_back_is_cut_to_100_characters_a_name_and_40_a_date() -> None:
    raw = json.dumps({"host": "h" * 150, "seat": "s" * 50, "pid": "77", "agent": "a" * 150, "since": "d" * 60,
                      "beat": "b" * 60}).encode()
    info = LeaseInfo.decode(raw)
    assert info == LeaseInfo("h" * 100, "s" * 50, 77, "a" * 100, "d" * 40, "b" * 60)


def test_a_lease_that_is_not_ascii_json_is_unreadable() -> None:
    good = {"host": "serveur", "seat": "x:1:y", "pid": 1, "agent": "marie", "since": "s", "beat": "b"}
    assert LeaseInfo.decode(json.dumps(good, ensure_ascii=False).encode()) is not None
    assert LeaseInfo.decode(json.dumps({**good, "agent": "Hélène"}, ensure_ascii=False).encode()) is None
    assert LeaseInfo.decode(b"") is None and LeaseInfo.decode(b"   \n ") is None
    assert LeaseInfo.decode(b'{"host": "serveur"}') is None


def test_a_heartbeat_s_age_is_counted_from_its_instant_and_an_unreadable_one_is_infinitely_old() -> None:
    info = LeaseInfo("serveur", "x", 1, "marie", "s", beat(0))
    assert info.age(T + dt.timedelta(seconds=4)) == 4.0
    assert LeaseInfo("serveur", "x", 1, "marie", "s", "hier soir").age(T) == float("inf")


def test_a_lease_is_fresh_up_to_its_timeout_included() -> None:
    info = LeaseInfo("serveur", "x", 1, "marie", "s", beat(0))
    assert info.fresh(T + dt.timedelta(seconds=30), 30)
    assert not info.fresh(T + dt.timedelta(seconds=30.001), 30)


def test_a_lease_is_stale_when_absent_silent_past_its_timeout_or_unreadable_and_old() -> None:
    now = T + dt.timedelta(seconds=10)
    info = LeaseInfo("serveur", "x", 1, "marie", "s", beat(0))
    assert LeaseState(None, exists=False).stale(now, 30)
    assert not LeaseState(info, exists=True).stale(now, 30)
    assert LeaseState(info, exists=True).stale(now, 9.5)
    # unreadable (being written, or damaged): by the file's date, the timeout included
    assert not LeaseState(None, exists=True, mtime=now.timestamp() - 30).stale(now, 30)
    assert LeaseState(None, exists=True, mtime=now.timestamp() - 31).stale(now, 30)
    assert LeaseState(None, exists=True, mtime=None).stale(now, 30)


def test_reading_the_lease_gives_its_holder_and_the_file_s_date(db: Path) -> None:
    assert read_lease(db) == LeaseState(None, exists=False, mtime=None)
    info = foreign(db)
    os.utime(lease_path(db), (1_700_000_000, 1_700_000_000))
    assert read_lease(db) == LeaseState(info, exists=True, mtime=1_700_000_000)
    lease_path(db).write_bytes(b"")
    assert read_lease(db) == LeaseState(None, exists=True, mtime=lease_path(db).stat().st_mtime)


def test_the_lease_log_shows_its_last_twenty_lines_even_with_damaged_bytes(db: Path) -> None:
    assert read_log(db) == []
    log_path(db).write_bytes(b"".join(b"ligne %d\n" % i for i in range(25)) + b"fin \xff\n")
    assert read_log(db) == [f"ligne {i}" for i in range(6, 25)] + ["fin \ufffd"]
    assert read_log(db, last=2) == ["ligne 24", "fin \ufffd"]


def test_the_message_to_a_read_only_machine_names_the_holder_and_what_to_do(db: Path) -> None:
    info = LeaseInfo("portable-paul", "x", 1, "paul", "2026-12-03T08:15:42Z", beat())
    assert holder_message(info, db) == (
        f"Base en lecture seule : la machine portable-paul (agent paul, depuis le 2026-12-03 08:15 UTC) écrit "
        f"dans {db}. Deux machines qui écrivent dans un même fichier SQLite à travers un partage réseau le "
        "corrompent ; relance n'en laisse écrire qu'une. Travaillez tous sur le serveur, par SSH (ou fermez "
        "relance sur l'autre machine, puis rouvrez-le ici).")
    assert holder_message(None, db).startswith(f"Base en lecture seule : une autre machine écrit dans {db}. ")


# -- who is a seat --------------------------------------------------------------------------------------------
def test_a_seat_is_the_machine_id_the_mount_s_device_and_a_hash_of_the_host_name(db: Path) -> None:
    digest = hashlib.sha256(b"serveur").hexdigest()[:8]
    assert seat_of(db, "serveur") == f"{machine_id()}:{os.stat(db.parent).st_dev}:{digest}"
    assert seat_of(db.parent / "absent" / "relance.db", "serveur") == f"{machine_id()}:0:{digest}"
    assert seat_of(db, "portable-paul") != seat_of(db, "serveur")
    assert HostLease(db, agent="marie", hostname="serveur").seat == seat_of(db, "serveur")
    here = HostLease(db, agent="marie")
    assert here.host == lease_module.socket.gethostname() and here.seat == seat_of(db)


@pytest.mark.parametrize(("files", "expected"), [
    ({"/etc/machine-id": "0123456789abcdef0123456789abcdef\n", "/var/lib/dbus/machine-id": "ffff"}, "0123456789ab"),
    ({"/etc/machine-id": "  \n", "/var/lib/dbus/machine-id": "fedcba9876543210\n"}, "fedcba987654"),
    ({"/proc/sys/kernel/random/boot_id": "a1b2c3d4-e5f6-4a5b-8c9d-0e1f2a3b4c5d\n"}, "a1b2c3d4e5f6"),
    ({}, "0"),
])
def test_the_machine_id_is_systemd_s_else_dbus_s_else_this_boot_s(monkeypatch: pytest.MonkeyPatch,
                                                                  files: dict, expected: str) -> None:
    class FakePath:
        def __init__(self, path: str) -> None:
            if not isinstance(path, str):
                raise TypeError(path)
            self.path = path

        def read_text(self) -> str:
            if self.path not in files:
                raise FileNotFoundError(self.path)
            return files[self.path]

    monkeypatch.setattr(lease_module, "Path", FakePath)
    assert machine_id() == expected


# -- taking it ----------------------------------------------------------------------------------------------------
def test_taking_a_free_base_writes_who_holds_it_and_logs_it(db: Path, taken: list, vt: VirtualTime) -> None:
    old_umask = os.umask(0o002)
    try:
        lease = lease_of(db, taken)
        lease.acquire()
    finally:
        os.umask(old_umask)
    assert vt.sleeps == []  # at once
    assert lease.held and lease.took_over is None and lease.lost is None
    assert read_lease(db).info == LeaseInfo("serveur", seat_of(db, "serveur"), os.getpid(), "marie", to_iso(T),
                                            beat())
    assert beat().endswith("+00:00") and len(beat()) == len("2026-12-03T08:15:42.123+00:00")
    assert log_lines(db) == [f"{to_iso(T)} serveur ({lease.seat}, pid {os.getpid()}, agent marie) prend la main"]
    # the lease and its lock are shared by the agents' accounts: read-write for the group, never executable
    assert lease_path(db).stat().st_mode & 0o777 == 0o664
    assert lock_path(db).stat().st_mode & 0o777 == 0o664


def test_a_lease_is_whole_and_fresh_from_the_moment_it_is_created(db: Path, taken: list, vt: VirtualTime) -> None:
    """Another machine may read it before this process has joined and renewed it: it must see a live holder."""
    lease = lease_of(db, taken)
    real_join = lease._join
    created = []
    lease._join = lambda: (created.append((read_lease(db).info, lease_path(db).stat().st_mode & 0o777)),
                           real_join())
    old_umask = os.umask(0o002)
    try:
        lease.acquire()
    finally:
        os.umask(old_umask)
    info, mode = created[0]
    assert info == LeaseInfo("serveur", lease.seat, os.getpid(), "marie", to_iso(T), beat()) and mode == 0o664


def test_the_heartbeat_is_written_in_utc_whatever_the_machine_s_time_zone(db: Path, taken: list) -> None:
    was = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    try:
        lease_of(db, taken).acquire()
        assert read_lease(db).info.beat == beat()
    finally:
        if was is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = was
        time.tzset()


def test_a_fresh_lease_of_another_machine_is_refused_at_once_naming_it(db: Path, taken: list,
                                                                      vt: VirtualTime) -> None:
    info = foreign(db, beat_at=0)
    lease = lease_of(db, taken, clock=at(30))  # its heartbeat is 30 s old: the timeout, not past it
    with pytest.raises(LeaseHeld) as refused:
        lease.acquire()
    assert refused.value.info == info and str(refused.value) == holder_message(info, db)
    assert vt.sleeps == [] and read_lease(db).info == info and not lease.held
    assert not log_path(db).exists()


def test_a_silent_lease_is_watched_two_heartbeats_then_taken_over_and_logged(db: Path, taken: list,
                                                                          vt: VirtualTime) -> None:
    old = foreign(db, beat_at=0)
    lease = lease_of(db, taken, clock=at(60), timeout=30)  # heartbeat 5 s: watched 10.1 s
    lease.acquire()
    assert 10.1 <= vt.waited < 10.21 and max(vt.sleeps) == 0.1  # looked at every 100 ms
    assert lease.held and lease.took_over == old
    now = read_lease(db).info
    assert (now.host, now.agent, now.since, now.beat) == ("serveur", "marie", to_iso(T + dt.timedelta(seconds=60)),
                                                          beat(60))
    assert log_lines(db)[-1].endswith(
        "reprend la main (bail de portable-paul (pid 4242, agent paul) sans signe de vie depuis 60 s)")
    assert sorted(p.name for p in db.parent.iterdir()) == ["relance.db.lease", "relance.db.lease-lock",
                                                           "relance.db.lease-log"]


def test_a_short_watch_looks_four_times(db: Path, taken: list, vt: VirtualTime) -> None:
    lease_path(db).write_bytes(b"")  # unreadable: watched a whole timeout
    old = time.time() - 120
    os.utime(lease_path(db), (old, old))
    lease_of(db, taken, clock=lambda: dt.datetime.now(dt.UTC), timeout=0.25, heartbeat=10).acquire()
    assert vt.sleeps == [0.0625] * 4


def test_an_unreadable_lease_is_watched_a_whole_timeout_and_its_taker_says_it_knew_no_holder(
        db: Path, taken: list, vt: VirtualTime) -> None:
    lease_path(db).write_bytes(b"")  # left empty by a crash, long ago
    old = time.time() - 120
    os.utime(lease_path(db), (old, old))
    lease = lease_of(db, taken, clock=lambda: dt.datetime.now(dt.UTC), timeout=3, heartbeat=0.05)
    lease.acquire()
    assert 3.0 <= vt.waited < 3.11  # the timeout, not two heartbeats (0.2 s)
    assert lease.took_over is None and read_lease(db).info.host == "serveur"
    assert "reprend la main (bail de une machine inconnue sans signe de vie depuis 12" in log_lines(db)[-1]


def test_a_lease_with_an_unreadable_heartbeat_is_taken_over_after_two_heartbeats(db: Path, taken: list,
                                                                              vt: VirtualTime) -> None:
    info = LeaseInfo("portable-paul", seat_of(db, "portable-paul"), 4242, "paul", "s", "jamais")
    lease_path(db).write_bytes(info.encode())
    lease = lease_of(db, taken, timeout=30, heartbeat=0.5)
    lease.acquire()
    assert 1.1 <= vt.waited < 1.21
    assert lease.took_over == info
    assert log_lines(db)[-1].endswith("sans signe de vie depuis un temps inconnu)")


def test_a_holder_that_renews_while_watched_keeps_its_lease(db: Path, taken: list, vt: VirtualTime) -> None:
    """Even when its clock runs so late that its new heartbeat still looks stale here: it is alive."""
    foreign(db, beat_at=0)
    renewed = {}
    vt.on_sleep = lambda n: renewed.setdefault("info", foreign(db, beat_at=20)) if n == 3 else None
    lease = lease_of(db, taken, clock=at(60))
    with pytest.raises(LeaseHeld) as refused:
        lease.acquire()
    assert refused.value.info == renewed["info"] and str(refused.value) == holder_message(renewed["info"], db)
    assert len(vt.sleeps) == 3 and read_lease(db).info == renewed["info"]


def test_a_holder_that_comes_back_just_before_the_takeover_keeps_its_lease(db: Path, taken: list,
                                                                         vt: VirtualTime) -> None:
    foreign(db, beat_at=0)
    lease = lease_of(db, taken, clock=at(60), heartbeat=0.5)  # watched 1.1 s: then it looks again
    watch = lease._still_silent
    came_back = {}

    def watch_then_holder_renews(state: LeaseState) -> bool:
        silent = watch(state)
        came_back["info"] = foreign(db, beat_at=55)  # between the watch and the move aside
        return silent

    lease._still_silent = watch_then_holder_renews
    old_umask = os.umask(0o002)
    try:
        with pytest.raises(LeaseHeld) as refused:
            lease.acquire()
    finally:
        os.umask(old_umask)
    assert refused.value.info == came_back["info"]
    assert read_lease(db).info == came_back["info"]  # put back as it was
    assert lease_path(db).stat().st_mode & 0o777 == 0o664
    assert sorted(p.name for p in db.parent.iterdir()) == ["relance.db.lease"]


def test_the_put_back_never_overwrites_a_lease_created_meanwhile(db: Path, taken: list, vt: VirtualTime,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    foreign(db, beat_at=0)
    lease = lease_of(db, taken, clock=at(60), heartbeat=0.5)
    watch = lease._still_silent
    lease._still_silent = lambda state: (watch(state), foreign(db, beat_at=55))[0]  # its holder came back
    third = {}

    def open_then_a_third_machine_creates(path, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        fh = open(path, *args, **kwargs)
        if ".lease-stale-" in str(path) and not third:
            third["info"] = foreign(db, host="poste-3", agent="lea", beat_at=59)  # after our move aside
        return fh

    monkeypatch.setattr(lease_module, "open", open_then_a_third_machine_creates, raising=False)
    with pytest.raises(LeaseHeld) as refused:
        lease.acquire()
    assert refused.value.info == third["info"] == read_lease(db).info
    assert sorted(p.name for p in db.parent.iterdir()) == ["relance.db.lease"]


def test_a_stale_lease_that_cannot_be_read_once_moved_aside_is_taken_over(db: Path, taken: list, vt: VirtualTime,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    old = foreign(db, beat_at=0)

    def open_but_not_the_moved_lease(path, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if ".lease-stale-" in str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(lease_module, "open", open_but_not_the_moved_lease, raising=False)
    lease = lease_of(db, taken, clock=at(60))
    lease.acquire()
    assert lease.held and lease.took_over == old and read_lease(db).info.host == "serveur"


def test_when_another_machine_moved_the_stale_lease_first_this_one_takes_a_free_base(db: Path, taken: list,
                                                                                    vt: VirtualTime) -> None:
    foreign(db, beat_at=0)
    lease = lease_of(db, taken, clock=at(60), heartbeat=0.5)
    watch = lease._still_silent

    def watch_then_another_moves_it(state: LeaseState) -> bool:
        silent = watch(state)
        lease_path(db).unlink()  # another taker moved it aside first (and has not created its own yet)
        return silent

    lease._still_silent = watch_then_another_moves_it
    lease.acquire()
    assert lease.held and lease.took_over is None and log_lines(db)[-1].endswith("prend la main")


def test_a_lease_being_written_is_read_again_every_20_ms_then_refused_after_3_s(db: Path, taken: list,
                                                                                vt: VirtualTime) -> None:
    lease_path(db).write_bytes(b"")  # created a moment ago by another process, not written yet
    lease = lease_of(db, taken, clock=lambda: dt.datetime.now(dt.UTC))
    with pytest.raises(LeaseHeld) as refused:
        lease.acquire()
    assert refused.value.info is None and str(refused.value) == holder_message(None, db)
    assert set(vt.sleeps) == {0.02} and 2.98 <= vt.waited < 3.02


def test_a_lease_once_written_is_read_refused_if_another_machine_s(db: Path, taken: list, vt: VirtualTime) -> None:
    lease_path(db).write_bytes(b"")
    written = {}
    vt.on_sleep = lambda n: written.setdefault("info", foreign(db, beat_at=0)) if n == 2 else None
    with pytest.raises(LeaseHeld) as refused:
        lease_of(db, taken, clock=at(1)).acquire()
    assert refused.value.info == written["info"] and vt.sleeps == [0.02, 0.02]


def test_a_lease_once_written_by_a_process_of_this_seat_is_joined(db: Path, taken: list, vt: VirtualTime) -> None:
    lease_path(db).write_bytes(b"")
    vt.on_sleep = lambda n: foreign(db, host="serveur", agent="luc", beat_at=0) if n == 1 else None
    lease = lease_of(db, taken, clock=at(1))
    lease.acquire()
    assert lease.held and vt.sleeps == [0.02] and not log_path(db).exists()


def test_of_two_machines_taking_a_free_base_at_once_the_second_is_refused_and_logs_nothing(
        db: Path, taken: list, vt: VirtualTime, monkeypatch: pytest.MonkeyPatch) -> None:
    real_read = lease_module.read_lease
    other = {}

    def read_then_other_creates(path: Path) -> LeaseState:
        state = real_read(path)
        if "info" not in other:
            other["info"] = foreign(db, beat_at=0)  # just after our read found the base free
        return state

    monkeypatch.setattr(lease_module, "read_lease", read_then_other_creates)
    with pytest.raises(LeaseHeld) as refused:
        lease_of(db, taken, clock=at(1)).acquire()
    assert refused.value.info == other["info"] and not log_path(db).exists()


def test_joining_this_seat_s_lease_renews_it_in_the_joiner_s_name(db: Path, taken: list, vt: VirtualTime) -> None:
    first = lease_of(db, taken, agent="marie", clock=at(0))
    first.acquire()
    second = lease_of(db, taken, agent="luc", clock=at(1))  # renewed 1 s ago: not due, but a join renews it
    second.acquire()
    info = read_lease(db).info
    assert (info.agent, info.since, info.beat) == ("luc", to_iso(T), beat(1))
    assert second.held and second.took_over is None and len(log_lines(db)) == 1  # joining is not taking


def test_a_lease_taken_by_another_machine_between_reading_and_joining_is_refused(db: Path, taken: list,
                                                                                vt: VirtualTime) -> None:
    first = lease_of(db, taken, clock=at(0))
    first.acquire()
    _KEEPER.discard(first)
    second = lease_of(db, taken, agent="luc", clock=at(1))
    real_join = second._join
    seen = {}

    def another_machine_takes_it_then_join() -> None:
        seen["info"] = foreign(db, beat_at=1)
        real_join()

    second._join = another_machine_takes_it_then_join
    with pytest.raises(LeaseHeld) as refused:
        second.acquire()
    assert refused.value.info == seen["info"] and str(refused.value) == holder_message(seen["info"], db)
    assert not second.held and second._lock_fd is None


def test_a_share_that_refuses_locks_still_lets_the_machine_take_the_lease(db: Path, taken: list,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    real_flock = fcntl.flock

    def no_locks(fd: int, op: int) -> None:
        if op == fcntl.LOCK_SH:
            raise OSError(errno.ENOLCK, "No locks available")
        real_flock(fd, op)

    monkeypatch.setattr(fcntl, "flock", no_locks)
    lease = lease_of(db, taken)
    lease.acquire()
    assert lease.held and read_lease(db).info.host == "serveur"
    lease.release()
    assert lease_path(db).exists()  # never removed: it goes stale, and is taken over after the timeout


def test_a_lease_dropped_without_release_closes_its_lock(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class NoKeeper:  # the keeper's thread may still name the last lease it renewed
        def add(self, lease: HostLease) -> None:
            pass

        def discard(self, lease: HostLease) -> None:
            pass

    monkeypatch.setattr(lease_module, "KEEPER", NoKeeper())
    lease = HostLease(db, agent="marie", hostname="serveur", clock=at(0))
    lease.acquire()
    fd = lease._lock_fd
    lock = os.fstat(fd)
    del lease
    gc.collect()
    try:
        now = os.fstat(fd)
    except OSError:
        now = None
    assert now is None or (now.st_dev, now.st_ino) != (lock.st_dev, lock.st_ino)  # closed (its number reused)


def test_the_heartbeat_and_the_watch_follow_the_timeout(db: Path) -> None:
    assert HostLease(db, agent="a", timeout=3).heartbeat == 0.5
    assert HostLease(db, agent="a", timeout=3).confirm == pytest.approx(1.1)
    assert HostLease(db, agent="a", timeout=0.12).heartbeat == 0.05  # never under 50 ms
    assert HostLease(db, agent="a", timeout=3, heartbeat=1).confirm == pytest.approx(2.1)


def test_a_lease_not_taken_refuses_writes_without_naming_anyone(db: Path) -> None:
    lease = HostLease(db, agent="marie", hostname="serveur")
    assert lease.lost is None and lease.took_over is None and not lease.held
    with pytest.raises(LeaseHeld) as refused:
        lease.ensure_held()
    assert refused.value.info is None and str(refused.value) == holder_message(None, db)
    assert not lease_path(db).exists()


# -- keeping it ----------------------------------------------------------------------------------------------
def test_the_lease_is_renewed_once_four_fifths_of_a_heartbeat_have_passed(db: Path, taken: list) -> None:
    lease = lease_of(db, taken, clock=at(0))  # heartbeat 5 s
    lease.acquire()
    lease.clock = at(3.999)
    lease.check()
    assert read_lease(db).info.beat == beat(0)  # renewed a moment ago: left as it is
    lease.clock = at(4)
    lease.check()
    assert read_lease(db).info.beat == beat(4)
    lease.agent = "marie-bis"
    lease.clock = at(9)
    lease.check()
    info = read_lease(db).info
    assert info == LeaseInfo("serveur", lease.seat, os.getpid(), "marie-bis", to_iso(T), beat(9))
    assert len(lease_path(db).read_bytes()) == LEASE_SIZE
    assert sorted(p.name for p in db.parent.iterdir()) == ["relance.db.lease", "relance.db.lease-lock",
                                                           "relance.db.lease-log"]


def test_losing_the_lease_is_told_once_named_and_logged(db: Path, taken: list) -> None:
    lease = lease_of(db, taken)
    lease.acquire()
    told = []
    lease.on_lost = told.append
    lease.check()
    assert told == []  # still ours
    thief = foreign(db, beat_at=0)
    lease.check()
    assert told == [thief] and not lease.held and lease.lost == thief
    assert log_lines(db)[-1].endswith("a perdu la main au profit de portable-paul (pid 4242, agent paul)")
    lease.check()
    assert told == [thief]  # once
    with pytest.raises(LeaseHeld) as refused:
        lease.ensure_held()
    assert refused.value.info == thief and str(refused.value) == holder_message(thief, db)


def test_a_loss_with_nobody_listening_is_no_error(db: Path, taken: list) -> None:
    lease = lease_of(db, taken)
    lease.acquire()
    foreign(db, beat_at=0)
    lease.check()
    assert not lease.held


def test_a_lease_removed_by_a_process_of_this_seat_is_created_again_without_a_loss(db: Path, taken: list) -> None:
    lease = lease_of(db, taken)
    lease.acquire()
    told = []
    lease.on_lost = told.append
    lease_path(db).unlink()
    lease.ensure_held()
    assert told == [] and lease.held and read_lease(db).info.host == "serveur"


def test_a_lease_created_again_first_by_another_process_of_this_seat_is_no_loss(db: Path, taken: list) -> None:
    lease = lease_of(db, taken)
    lease.acquire()
    told = []
    lease.on_lost = told.append
    lease_path(db).unlink()
    sibling = lease_of(db, taken, agent="luc")
    real_create = lease._create
    lease._create = lambda: sibling._create() and real_create()  # the sibling creates it first: ours fails
    lease.ensure_held()
    assert told == [] and lease.held and read_lease(db).info.agent == "luc"


def test_a_lease_created_again_by_someone_else_and_not_yet_written_is_no_loss_yet(db: Path, taken: list) -> None:
    lease = lease_of(db, taken, clock=lambda: dt.datetime.now(dt.UTC))
    lease.acquire()
    told = []
    lease.on_lost = told.append
    lease_path(db).unlink()
    lease._create = lambda: (lease_path(db).write_bytes(b""), False)[1]  # another one created it first, empty
    lease.check()
    assert told == [] and lease.held


def test_a_lease_being_written_by_another_machine_is_no_loss_yet(db: Path, taken: list) -> None:
    lease = lease_of(db, taken, clock=lambda: dt.datetime.now(dt.UTC))
    lease.acquire()
    told = []
    lease.on_lost = told.append
    lease_path(db).write_bytes(b"")  # replaced a moment ago, not written yet
    lease.check()
    assert told == [] and lease.held
    old = time.time() - 120
    os.utime(lease_path(db), (old, old))  # unreadable for long: lost to a machine unknown
    lease.check()
    assert told == [None] and not lease.held
    assert log_lines(db)[-1].endswith("a perdu la main au profit de une machine inconnue")


def test_a_lease_released_is_no_longer_watched(db: Path, taken: list) -> None:
    lease = lease_of(db, taken)
    lease.acquire()
    lease.release()
    told = []
    lease.on_lost = told.append
    foreign(db, beat_at=0)
    lease.check()
    assert told == [] and not lease.held


# -- leaving it -------------------------------------------------------------------------------------------------
def test_the_last_process_of_the_seat_removes_the_lease_and_logs_it(db: Path, taken: list) -> None:
    lease = lease_of(db, taken)
    lease.acquire()
    lease.release()
    assert not lease.held and lease._lock_fd is None
    assert not lease_path(db).exists()
    assert log_lines(db)[-1] == f"{to_iso(T)} serveur ({lease.seat}, pid {os.getpid()}, agent marie) rend la main"
    lease.release()  # twice: nothing more


def test_a_holder_that_leaves_without_knowing_it_lost_does_not_remove_the_new_holder_s_lease(
        db: Path, taken: list) -> None:
    lease = lease_of(db, taken)
    lease.acquire()
    thief = foreign(db, beat_at=0)  # taken while this machine was frozen, before its next check
    lease.release()
    assert read_lease(db).info == thief
    assert not [line for line in log_lines(db) if line.endswith(" rend la main")]


def test_a_lease_removed_meanwhile_is_no_error_when_leaving(db: Path, taken: list,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    lease = lease_of(db, taken)
    lease.acquire()
    real_read = lease_module.read_lease

    def read_then_gone(path: Path) -> LeaseState:
        state = real_read(path)
        lease_path(db).unlink()
        return state

    monkeypatch.setattr(lease_module, "read_lease", read_then_gone)
    lease.release()
    assert not lease_path(db).exists() and log_lines(db)[-1].endswith("rend la main")


# -- the log ------------------------------------------------------------------------------------------------------
def test_a_lease_log_past_256_kib_keeps_its_last_200_lines(db: Path, taken: list) -> None:
    filler = b"x" * 1000
    lines = [b"%04d %s\n" % (i, filler) for i in range(300)]
    lines[150] = b"0150 ab\xff\n"  # damaged: kept, replaced
    log_path(db).write_bytes(b"".join(lines))
    assert log_path(db).stat().st_size > LOG_KEEP_BYTES
    lease = lease_of(db, taken)
    lease.acquire()
    kept = log_lines(db)
    assert len(kept) == 201 and kept[0] == f"0100 {'x' * 1000}" and kept[50] == "0150 ab\ufffd"
    assert kept[-1].endswith("prend la main")


def test_a_lease_log_of_256_kib_or_less_keeps_every_line(db: Path, taken: list) -> None:
    line = b"y" * 1023 + b"\n"
    log_path(db).write_bytes(line * (LOG_KEEP_BYTES // len(line)))  # exactly 256 KiB
    lease_of(db, taken).acquire()
    assert len(log_lines(db)) == LOG_KEEP_BYTES // len(line) + 1
