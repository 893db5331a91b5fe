import pytest

from relance_tui.store.fs import choose_journal, is_network_fs, mount_for, parse_mountinfo

MOUNTINFO = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 253:0 / / rw,relatime - ext4 /dev/vda rw
40 27 0:45 / /srv/compta rw,relatime shared:30 - nfs4 nas.local:/export/compta rw,vers=4.2
41 27 0:46 / /mnt/partage rw,relatime - cifs //serveur/partage rw,vers=3.1.1
42 41 253:1 / /mnt/partage/local rw,relatime - xfs /dev/vdb rw
43 27 0:47 / /mnt/my\040share rw,relatime - smb3 //nas/share rw
44 27 0:48 / /home/agent/remote rw,relatime - fuse.sshfs agent@server: rw
45 27 0:49 / /data rw - tmpfs tmpfs rw
"""


def test_parse_mountinfo_reads_type_and_unescapes_spaces():
    mounts = parse_mountinfo(MOUNTINFO + "garbage line without separator\n")
    assert [m.fs_type for m in mounts] == ["proc", "ext4", "nfs4", "cifs", "xfs", "smb3", "fuse.sshfs", "tmpfs"]
    assert mounts[5].mount_point == "/mnt/my share"


@pytest.mark.parametrize(
    ("path", "fs_type"),
    [
        ("/srv/compta/relance", "nfs4"),
        ("/srv/comptabilite", "ext4"),  # a prefix of the name is not a parent
        ("/mnt/partage/bureau", "cifs"),
        ("/mnt/partage/local/base", "xfs"),  # the deepest mount wins
        ("/mnt/my share/x", "smb3"),
        ("/home/agent/remote/db", "fuse.sshfs"),
        ("/var/lib/relance", "ext4"),
    ],
)
def test_mount_for_picks_the_deepest_mount(path, fs_type):
    assert mount_for(path, parse_mountinfo(MOUNTINFO)).fs_type == fs_type


@pytest.mark.parametrize("fs_type", ["nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p"])
def test_network_types(fs_type):
    assert is_network_fs(fs_type)


@pytest.mark.parametrize("fs_type", ["ext4", "xfs", "btrfs", "tmpfs", "zfs", "overlay"])
def test_local_types(fs_type):
    assert not is_network_fs(fs_type)


def test_choose_journal_rollback_on_nfs_wal_on_local():
    nfs = choose_journal("/srv/compta/relance/relance.db", mountinfo=MOUNTINFO)
    assert (nfs.mode, nfs.fs_type) == ("truncate", "nfs4")
    assert "réseau" in nfs.reason
    local = choose_journal("/var/lib/relance/relance.db", mountinfo=MOUNTINFO)
    assert (local.mode, local.fs_type) == ("wal", "ext4")


def test_choose_journal_override():
    assert choose_journal("/var/x.db", mountinfo=MOUNTINFO, override="network").mode == "truncate"
    assert choose_journal("/srv/compta/x.db", mountinfo=MOUNTINFO, override="wal").mode == "wal"
    with pytest.raises(ValueError, match="inconnu"):
        choose_journal("/var/x.db", mountinfo=MOUNTINFO, override="memory")
