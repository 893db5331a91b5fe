"""Who can read and write the shared database, and who can change the office's
settings and templates: the checks ``relance doctor`` prints.

The set-up we recommend (scripts/office-setup.sh): a Unix group for the agents;
the database folder owned by that group with mode 2770 (setgid, so files
created inside belong to the group), the database and its -wal/-shm/-journal
files 0660 (SQLite gives -wal and -shm the database file's mode). Agents must
create and delete the companions, so that folder stays writable by the group,
and without the sticky bit (see below). The settings (relance.toml, which names
the supervisors and the SMTP server) and the templates must be out of their
reach: they live in the folder above, root:group 2750, found through
RELANCE_OFFICE_CONFIG. A file is only as safe as every folder on its path: in a
folder its group can write, any member can rename their own file over it, unless
the folder has the sticky bit and the file belongs to a trusted account.

Why not the sticky bit on the database folder: with it, a -journal left by an
agent whose session was killed mid-write can only be deleted by that agent (or
root), and every other agent gets "disk I/O error" until then (rollback-journal
mode, used on network shares; tried with two accounts).
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

COMPANIONS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Finding:
    level: str  # ok, warning, problem
    message: str


def _group(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def check_access(db: Path) -> list[Finding]:
    out: list[Finding] = []
    folder = db.parent
    try:
        d = folder.stat()
    except OSError as exc:
        return [Finding("problem", f"dossier {folder} illisible ({exc.strerror})")]
    dmode = stat.S_IMODE(d.st_mode)
    out.append(Finding("ok", f"dossier {folder} : mode {dmode:04o}, groupe {_group(d.st_gid)}"))
    if dmode & stat.S_IRWXO:
        out.append(Finding("warning", f"le dossier {folder} est ouvert aux autres comptes (mode {dmode:04o}) : "
                                      f"chmod 2770 {folder}"))
    if not dmode & stat.S_ISGID:
        out.append(Finding("warning", f"le dossier {folder} n'a pas le bit setgid : les fichiers que SQLite y crée "
                                      "prennent le groupe de l'agent et les autres ne pourront plus écrire "
                                      f"(chmod g+s {folder})"))
    if dmode & stat.S_ISVTX and dmode & (stat.S_IWGRP | stat.S_IWOTH):
        out.append(Finding("warning", f"le dossier {folder} a le bit sticky : le journal -journal laissé par une "
                                      "session coupée en pleine écriture ne peut être effacé que par son agent, et "
                                      "les autres ont « disk I/O error » jusque-là ; protégez plutôt les réglages "
                                      f"dans un dossier à part (scripts/office-setup.sh) et chmod -t {folder}"))
    if not os.path.exists(db):
        return out
    f = db.stat()
    fmode = stat.S_IMODE(f.st_mode)
    if fmode & stat.S_IROTH:
        out.append(Finding("problem", f"la base est lisible par tous les comptes de la machine (mode {fmode:04o}) : "
                                      f"chmod 0660 {db}"))
    if fmode & stat.S_IWOTH:
        out.append(Finding("problem", f"la base est modifiable par tous les comptes de la machine (mode {fmode:04o}) : "
                                      f"chmod 0660 {db}"))
    if not fmode & stat.S_IWGRP:
        out.append(Finding("warning", f"la base n'est pas modifiable par son groupe {_group(f.st_gid)} "
                                      f"(mode {fmode:04o}) : les autres agents seront en lecture seule "
                                      f"(chmod 0660 {db})"))
    if f.st_gid != d.st_gid:
        out.append(Finding("warning", f"la base appartient au groupe {_group(f.st_gid)}, le dossier au groupe "
                                      f"{_group(d.st_gid)} : chgrp {_group(d.st_gid)} {db}"))
    for suffix in COMPANIONS:
        companion = Path(f"{db}{suffix}")
        if not companion.exists():
            continue
        c = companion.stat()
        cmode = stat.S_IMODE(c.st_mode)
        if c.st_gid != f.st_gid or (cmode & 0o060) != 0o060:
            out.append(Finding("problem", f"{companion.name} (mode {cmode:04o}, groupe {_group(c.st_gid)}) : les "
                                          "autres agents ne pourront pas écrire ; fermez relance partout puis "
                                          f"chgrp {_group(f.st_gid)} {companion} && chmod 0660 {companion}"))
        if cmode & stat.S_IROTH:
            out.append(Finding("problem", f"{companion.name} est lisible par tous (mode {cmode:04o})"))
    if not any(x.level != "ok" for x in out):
        out.append(Finding("ok", f"base : mode {fmode:04o}, groupe {_group(f.st_gid)} : réservée aux agents"))
    return out


# -- who can change the settings and templates --------------------------------------------------
@lru_cache(maxsize=None)
def _group_members(gid: int) -> frozenset[int] | None:
    """Every uid in group ``gid`` (named members and accounts whose primary group it is); None if unknown."""
    try:
        names = set(grp.getgrgid(gid).gr_mem)
    except KeyError:
        return None
    uids = set()
    for pw in pwd.getpwall():
        if pw.pw_gid == gid or pw.pw_name in names:
            uids.add(pw.pw_uid)
    return frozenset(uids)


def _user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _writers(st: os.stat_result, trusted: frozenset[int]) -> str | None:
    """Who, besides the trusted accounts, can write this file or folder (a phrase), or None.

    A symbolic link's own mode means nothing (always 0777, never checked): only its owner can change
    it (and whoever can write its folder, checked as its parent); what it points to is checked apart."""
    mode = stat.S_IMODE(st.st_mode)
    if st.st_uid not in trusted:
        return f"son propriétaire {_user(st.st_uid)}"
    if stat.S_ISLNK(st.st_mode):
        return None
    if mode & stat.S_IWOTH:
        return f"tous les comptes de la machine (mode {mode:04o})"
    if mode & stat.S_IWGRP:
        members = _group_members(st.st_gid)
        if members is None or members - trusted:
            return f"le groupe {_group(st.st_gid)} (mode {mode:04o})"
    return None


def _who_can_replace(path: Path, trusted: frozenset[int]) -> str | None:
    """Why someone untrusted could change ``path`` (write it, or replace it through a folder on its way
    from /), or None. An absent path counts as replaceable when its folder lets someone create it."""
    path = Path(os.path.abspath(path))
    try:
        st = path.lstat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        return f"illisible ({exc.strerror})"
    if st is not None:
        who = _writers(st, trusted)
        if who:
            return f"modifiable par {who}"
    child_owner = st.st_uid if st is not None else None
    for folder in path.parents:
        try:
            d = folder.lstat()
        except OSError as exc:
            return f"dossier {folder} illisible ({exc.strerror})"
        who = _writers(d, trusted)
        if who:
            if child_owner is None:
                return f"absent, et le dossier {folder} est modifiable par {who} : on pourrait l'y créer"
            sticky_protects = d.st_mode & stat.S_ISVTX and d.st_uid in trusted and child_owner in trusted
            if not sticky_protects:
                return (f"le dossier {folder} est modifiable par {who}, sans bit sticky : on peut remplacer "
                        "ce qu'il contient par un autre fichier (renommage)")
        child_owner = d.st_uid
    resolved = Path(os.path.realpath(path))
    if resolved != path:  # a link on the way (the path itself or a folder above it): where it leads too
        return _who_can_replace(resolved, trusted)
    return None


def check_settings_access(office_file: Path, templates: Path, db: Path) -> list[Finding]:
    """Can someone other than the settings' owner (and root) change relance.toml or a template?

    In an office those settings decide who is a supervisor and where emails go, and the
    templates are what every agent's screen shows: only the administrator may change them.
    """
    out: list[Finding] = []
    try:
        owner = office_file.stat().st_uid
    except OSError:
        owner = os.geteuid()
    trusted = frozenset({0, owner})
    advice = ("placez relance.toml et templates/ dans un dossier root:groupe 2750 que les agents ne peuvent "
              "pas modifier (scripts/office-setup.sh le fait)")
    why = _who_can_replace(office_file, trusted)
    if why:
        out.append(Finding("problem", f"réglages {office_file} : {why} ; un agent pourrait se déclarer "
                                      f"superviseur ou changer le serveur d'emails : {advice}"))
    entries = [templates]
    if templates.is_dir() and not templates.is_symlink():
        entries += sorted(templates.rglob("*"))
    for entry in entries:
        why = _who_can_replace(entry, trusted)
        if why:
            out.append(Finding("problem", f"modèles {entry} : {why} ; {advice}"))
            break  # one is enough to act on; the same cause usually covers the rest
    if owner != 0:  # one agent owning the settings decides for the others
        try:
            members = _group_members(db.parent.stat().st_gid) or frozenset()
        except OSError:
            members = frozenset()
        if owner in members and members - {owner, 0}:
            out.append(Finding("warning", f"réglages {office_file} : appartiennent à {_user(owner)}, un des comptes "
                                          "du groupe de la base : ce compte peut changer les superviseurs ; "
                                          f"chown root {office_file}"))
    stray_folder = db.parent
    if Path(os.path.abspath(office_file)).parent != Path(os.path.abspath(stray_folder)):
        for stray in (stray_folder / "relance.toml", stray_folder / "templates"):
            if stray.exists() or stray.is_symlink():
                out.append(Finding("problem", f"{stray} est à côté de la base : ignoré ici, mais lu par qui "
                                              "lance relance sans RELANCE_OFFICE_CONFIG, et les agents peuvent "
                                              f"le remplacer ; supprimez-le (les réglages sont dans "
                                              f"{office_file.parent})"))
    if not any(f.level == "problem" for f in out):
        out.append(Finding("ok", f"réglages et modèles : modifiables seulement par {_user(owner)}"
                                 + ("" if owner == 0 else " et root")))
    return out


def _closed_to(path: Path, gid: int, need: int) -> Path | None:
    """The first place on ``path`` a member of group ``gid`` (who owns none of it) cannot pass: a folder it
    cannot search, or the file itself without the ``need`` bits (5: read and run, a script; 1: run); None
    when every step is open."""
    parts = [*reversed(path.parents), path]
    for i, place in enumerate(parts):
        try:
            st = place.stat()
        except OSError:
            return place
        bits = need if i == len(parts) - 1 else 1  # a folder: search
        mode = stat.S_IMODE(st.st_mode)
        if mode & bits != bits and not (st.st_gid == gid and (mode >> 3) & bits == bits):
            return place
    return None


def check_runnable(db: Path, program: Path, interpreter: Path) -> list[Finding]:
    """Whether the agents (the group of the database's folder) can run relance as installed: the program
    and the Python it names, through every folder above them. A venv made from a Python only root can read
    (pyenv under /root) runs for root and fails for every agent with "bad interpreter: Permission denied".
    Nothing to check when the folder is the person's own (a laptop: nobody else runs it)."""
    try:
        gid = db.parent.stat().st_gid
    except OSError:
        return []
    if gid == os.getgid():
        return []
    out: list[Finding] = []
    for what, path, need in (("le programme relance", program, 5), ("son interpréteur Python", interpreter, 1)):
        path = Path(os.path.abspath(path))
        for place in dict.fromkeys((path, Path(os.path.realpath(path)))):  # a link, then where it leads
            closed = _closed_to(place, gid, need)
            if closed is not None:
                out.append(Finding("problem", f"{what} {place} n'est pas accessible au groupe {_group(gid)} "
                                              f"({closed} lui est fermé) : les agents verront « bad interpreter: "
                                              "Permission denied ». Installez relance pour tous avec le Python du "
                                              "système : sudo scripts/office-setup.sh --install"))
                break
    if not out:
        out.append(Finding("ok", f"relance ({program}) et son Python ({os.path.realpath(interpreter)}) : "
                                 f"exécutables par le groupe {_group(gid)}"))
    return out
