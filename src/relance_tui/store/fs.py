"""Which filesystem holds the database, and which journal mode that calls for.

SQLite's WAL needs shared memory between the processes, which a network
filesystem cannot give: on NFS or SMB the rollback journal is the safe mode.
It is kept (TRUNCATE) rather than deleted after each write: a FUSE mount such as
sshfs turns a file deleted while another process has it open into a
``.fuse_hidden*`` file, and readers open the journal at every read (thousands of
them piled up in five minutes, issue 20). A journal truncated to nothing is as
cold as a deleted one. Locking is another matter: store/lease.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

NETWORK_FS_TYPES = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "9p", "afs", "ceph",
        "glusterfs", "fuse.glusterfs", "fuse.sshfs", "sshfs", "davfs", "fuse.davfs2",
        "ncpfs", "lustre", "gpfs", "fuse.s3fs", "fuse.rclone", "virtiofs",
    }
)


@dataclass(frozen=True)
class Mount:
    mount_point: str
    fs_type: str
    source: str


def _unescape(field: str) -> str:
    # mountinfo escapes space, tab, newline and backslash as \040 \011 \012 \134
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 3 < len(field) and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_mountinfo(text: str) -> list[Mount]:
    """Parse /proc/self/mountinfo lines (see proc(5)); bad lines are skipped."""
    mounts = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        if not sep:
            continue
        fields = left.split()
        tail = right.split()
        if len(fields) < 5 or len(tail) < 2:
            continue
        mounts.append(Mount(_unescape(fields[4]), tail[0], _unescape(tail[1])))
    return mounts


def mount_for(path: str | os.PathLike, mounts: list[Mount]) -> Mount | None:
    """The mount that holds ``path``: the longest mount point that prefixes it."""
    target = os.path.realpath(path)
    best: Mount | None = None
    for m in mounts:
        mp = m.mount_point.rstrip("/") or "/"
        if target == mp or target.startswith(mp + "/") or mp == "/":
            if best is None or len(mp) >= len(best.mount_point.rstrip("/") or "/"):
                best = m
    return best


def is_network_fs(fs_type: str) -> bool:
    return fs_type in NETWORK_FS_TYPES or fs_type.startswith(("nfs", "smb", "cifs"))


@dataclass(frozen=True)
class JournalChoice:
    mode: str  # "wal", "truncate" (network share) or "delete" (set by hand)
    fs_type: str
    reason: str
    network: bool = False  # a network share, or a path the settings say to treat as one


def choose_journal(db_path: str | os.PathLike, *, mountinfo: str | None = None,
                   override: str | None = None) -> JournalChoice:
    """WAL on a local disk, rollback journal (TRUNCATE) on a network filesystem.

    ``override`` ("wal", "delete" or "network") comes from settings or
    RELANCE_JOURNAL_MODE; "network" makes the app treat the path as remote.
    """
    directory = Path(db_path).resolve().parent
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text()
        except OSError:
            mountinfo = ""
    mount = mount_for(directory, parse_mountinfo(mountinfo))
    fs_type = mount.fs_type if mount else "inconnu"
    if override:
        override = override.lower()
        if override == "network":
            return JournalChoice("truncate", fs_type, "réglage : traité comme un partage réseau", network=True)
        if override in ("wal", "delete"):
            return JournalChoice(override, fs_type, f"réglage : journal {override} imposé")
        raise ValueError(f"mode de journal {override!r} inconnu (attendu : wal, delete, network)")
    if is_network_fs(fs_type):
        return JournalChoice("truncate", fs_type,
                             f"système de fichiers réseau ({fs_type}) : WAL y est dangereux", network=True)
    return JournalChoice("wal", fs_type, f"disque local ({fs_type})")
