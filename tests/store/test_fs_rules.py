"""Which filesystem holds the base, and the journal it calls for: the rules one at a time (store/fs.py, issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from relance_tui.store import fs
from relance_tui.store.fs import JournalChoice, Mount, choose_journal, is_network_fs, mount_for, parse_mountinfo

MOUNTINFO = r"""27 1 253:0 / / rw,relatime - ext4 /dev/vda rw
40 27 0:45 / /srv/compta rw,relatime shared:30 - nfs4 nas.local:/export/compta rw,vers=4.2
"""


def test_a_mountinfo_line_gives_the_mount_point_the_type_and_the_source() -> None:
    text = (
        "garbage line without separator\n"
        "1 2 3 - ext4 /dev/short\n"  # too few fields before the separator: skipped, the next ones read
        "40 27 0:45 / /srv/x rw - nfs4\n"  # no source after the type: skipped
        "27 1 253:0 / / - ext4 /dev/vda\n"  # five fields, then the type and the source: enough
        r"43 27 0:47 / /mnt/my\040share rw,relatime shared:1 - smb3 //nas/a\134b\040c rw,vers=3" "\n"
        "45 27 0:49 / /data rw - tmpfs - rw\n"  # a source named '-': the separator is the first ' - '
    )
    assert parse_mountinfo(text) == [
        Mount("/", "ext4", "/dev/vda"),
        Mount("/mnt/my share", "smb3", "//nas/a\\b c"),
        Mount("/data", "tmpfs", "-"),
    ]


@pytest.mark.parametrize(("field", "plain"), [
    (r"/mnt/my\040share", "/mnt/my share"),
    (r"\040lead", " lead"),
    (r"/mnt/end\040", "/mnt/end "),  # an escape at the very end
    (r"a\011b\012c\134d", "a\tb\nc\\d"),
    ("/srv/2024/compta", "/srv/2024/compta"),  # digits alone are not an escape
    (r"/mnt/a\x40b", r"/mnt/a\x40b"),  # a backslash without three digits is kept
    (r"/mnt/cut\04", r"/mnt/cut\04"),  # an escape cut short at the end is kept
    (r"/mnt/\abc", r"/mnt/\abc"),
])
def test_mountinfo_escapes_are_octal_and_anything_else_is_kept(field: str, plain: str) -> None:
    line = f"43 27 0:47 / {field} rw - ext4 /dev/x rw"
    assert parse_mountinfo(line)[0].mount_point == plain


def test_a_mount_over_another_at_the_same_point_hides_it() -> None:
    mounts = parse_mountinfo(MOUNTINFO + "50 40 0:60 / /srv/compta rw - fuse.sshfs agent@server: rw\n")
    assert mount_for("/srv/compta/relance.db", mounts).fs_type == "fuse.sshfs"  # the last one mounted


def test_a_mount_point_written_with_a_trailing_slash_holds_the_same_paths() -> None:
    mounts = [Mount("/", "ext4", "/dev/vda"), Mount("/srv/compta/", "nfs4", "nas:/c"),
              Mount("/media/USB-X", "vfat", "/dev/sdb1")]
    assert mount_for("/srv/compta/relance.db", mounts).fs_type == "nfs4"
    assert mount_for("/srv/compta", mounts).fs_type == "nfs4"
    assert mount_for("/media/USB-X/relance.db", mounts).fs_type == "vfat"
    assert mount_for("/media/USB-Xtra/relance.db", mounts).fs_type == "ext4"
    assert mount_for("/srv/relance.db", [Mount("/srv/compta", "nfs4", "nas:/c")]) is None


@pytest.mark.parametrize("fs_type", ["nfs3", "smb2", "cifs.legacy"])
def test_types_named_like_nfs_smb_or_cifs_are_network_ones(fs_type: str) -> None:
    assert is_network_fs(fs_type)


def test_the_journal_on_a_network_share_is_truncate_and_says_why() -> None:
    assert choose_journal("/srv/compta/relance.db", mountinfo=MOUNTINFO) == JournalChoice(
        "truncate", "nfs4", "système de fichiers réseau (nfs4) : WAL y est dangereux", network=True)


def test_the_journal_on_a_local_disk_is_wal_and_says_why() -> None:
    assert choose_journal("/var/lib/relance.db", mountinfo=MOUNTINFO) == JournalChoice(
        "wal", "ext4", "disque local (ext4)", network=False)
    assert choose_journal("/var/lib/relance.db", mountinfo="") == JournalChoice(
        "wal", "inconnu", "disque local (inconnu)", network=False)


def test_the_settings_may_impose_the_journal_or_a_network_treatment_in_any_case() -> None:
    assert choose_journal("/var/x.db", mountinfo=MOUNTINFO, override="Network") == JournalChoice(
        "truncate", "ext4", "réglage : traité comme un partage réseau", network=True)
    assert choose_journal("/srv/compta/x.db", mountinfo=MOUNTINFO, override="WAL") == JournalChoice(
        "wal", "nfs4", "réglage : journal wal imposé", network=False)
    assert choose_journal("/var/x.db", mountinfo=MOUNTINFO, override="delete") == JournalChoice(
        "delete", "ext4", "réglage : journal delete imposé", network=False)
    with pytest.raises(ValueError) as refused:
        choose_journal("/var/x.db", mountinfo=MOUNTINFO, override="Memory")
    assert str(refused.value) == "mode de journal 'memory' inconnu (attendu : wal, delete, network)"


def test_without_a_table_given_this_machine_s_mounts_are_read(tmp_path: Path) -> None:
    own = Path("/proc/self/mountinfo").read_text()
    assert choose_journal(tmp_path / "relance.db") == choose_journal(tmp_path / "relance.db", mountinfo=own)
    assert choose_journal(tmp_path / "relance.db").fs_type != "inconnu"


def test_a_machine_whose_mount_table_cannot_be_read_gets_wal_on_an_unknown_disk(
        monkeypatch: pytest.MonkeyPatch) -> None:
    class NoProc(type(Path())):
        def read_text(self, *args, **kwargs) -> str:  # noqa: ANN002, ANN003
            if str(self) == "/proc/self/mountinfo":
                raise PermissionError(13, "Permission denied", str(self))
            return super().read_text(*args, **kwargs)

    monkeypatch.setattr(fs, "Path", NoProc)
    assert choose_journal("/var/lib/relance.db") == JournalChoice("wal", "inconnu", "disque local (inconnu)")
