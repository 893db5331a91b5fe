#!/usr/bin/env bash
# Set up relance on a small office server (run as root):
#   - with --install, relance itself where every agent account can run it: a venv under /opt/relance
#     made from the system Python (not one under /root, which agents cannot run: "bad interpreter:
#     Permission denied"), linked as /usr/local/bin/relance;
#   - a Unix group for the collections agents (each agent keeps their own account: the OS
#     login is who they are in relance);
#   - the office folder (--dir), root:group 2750: relance.toml (0640: supervisors, SMTP
#     password) and templates/ (2750, files 0640). Agents read them and cannot change,
#     rename or replace them;
#   - the database folder (--data, default DIR/data), root:group 2770 (setgid: every file
#     SQLite creates there belongs to the group): the database 0660, its -wal/-shm/-journal
#     (which SQLite creates and deletes), outbox/. Agents write there, nowhere else;
#   - RELANCE_DB and RELANCE_OFFICE_CONFIG for every login shell (/etc/profile.d/relance.sh);
#   - optionally an SSH layout where members of the group get relance and nothing else
#     (ForceCommand), in /etc/ssh/sshd_config.d/relance.conf.
#
# Usage: sudo scripts/office-setup.sh [--install [--source DIR] [--prefix /opt/relance]
#            [--python /usr/bin/python3] [--bin-dir /usr/local/bin]] [--group relance]
#            [--dir /srv/relance] [--data DIR/data] [--agents "marie karim"] [--create-users]
#            [--supervisors "marie"] [--force-command] [--relance /usr/local/bin/relance] [--etc /etc]
#            [--dry-run]
# Safe to run again: it only adds what is missing and resets owners and modes. An office set
# up by an earlier version (database and settings together in a 2770 folder, where any agent
# could rename a file of their own over relance.toml) is moved to this layout: close relance
# everywhere first.
set -euo pipefail

GROUP=relance
DIR=/srv/relance
DATA=""
AGENTS=""
SUPERVISORS=""
CREATE_USERS=0
FORCE_COMMAND=0
DRY_RUN=0
ETC=/etc
RELANCE=""
INSTALL=0
SOURCE="$(cd "$(dirname "$0")/.." && pwd)"  # the checkout this script is part of
PREFIX=/opt/relance
PYTHON=/usr/bin/python3
BIN_DIR=/usr/local/bin

usage() { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --group) GROUP="$2"; shift 2 ;;
        --dir) DIR="$2"; shift 2 ;;
        --data) DATA="$2"; shift 2 ;;
        --agents) AGENTS="$2"; shift 2 ;;
        --supervisors) SUPERVISORS="$2"; shift 2 ;;
        --create-users) CREATE_USERS=1; shift ;;
        --force-command) FORCE_COMMAND=1; shift ;;
        --relance) RELANCE="$2"; shift 2 ;;
        --install) INSTALL=1; shift ;;
        --source) SOURCE="$2"; shift 2 ;;
        --prefix) PREFIX="${2%/}"; shift 2 ;;
        --python) PYTHON="$2"; shift 2 ;;
        --bin-dir) BIN_DIR="${2%/}"; shift 2 ;;
        --etc) ETC="$2"; shift 2 ;;
        --dry-run) DRY_RUN=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "office-setup: unknown option $1" >&2; usage 2 ;;
    esac
done
DIR="${DIR%/}"
if [ -z "$RELANCE" ]; then
    if [ "$INSTALL" = 1 ]; then RELANCE="$BIN_DIR/relance"; else RELANCE="$(command -v relance || echo /usr/local/bin/relance)"; fi
fi
DATA="${DATA:-$DIR/data}"
DATA="${DATA%/}"
DB="$DATA/relance.db"
SETTINGS="$DIR/relance.toml"
TEMPLATES="$DIR/templates"

run() {
    echo "+ $*"
    if [ "$DRY_RUN" = 0 ]; then "$@"; fi
}

write_file() {  # write_file PATH MODE CONTENT
    echo "+ write $1 (mode $2)"
    if [ "$DRY_RUN" = 0 ]; then
        printf '%s\n' "$3" > "$1.tmp" && chmod "$2" "$1.tmp" && mv "$1.tmp" "$1"
    fi
}

warn() { echo "office-setup: WARNING: $*" >&2; }

if [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
    echo "office-setup: run as root (sudo), or with --dry-run to see what it would do" >&2
    exit 1
fi
case "$DATA/" in
    "$DIR/") echo "office-setup: --data must not be --dir: agents write the database folder, and must not be" \
                  "able to replace the settings" >&2; exit 2 ;;
esac

# Under a ForceCommand sshd still starts the command through the agent's login shell, and Debian's
# bash then reads ~/.bashrc: an agent who wrote one (an export saved under that name will do) would
# get a shell. /bin/sh (dash) reads nothing for a command.
SHELL_FOR_AGENTS=/bin/bash
if [ "$FORCE_COMMAND" = 1 ]; then SHELL_FOR_AGENTS=/bin/sh; fi

run groupadd -f "$GROUP"
for agent in $AGENTS; do
    if id "$agent" >/dev/null 2>&1; then
        run usermod -a -G "$GROUP" "$agent"
        agent_shell="$(getent passwd "$agent" | cut -d: -f7)"
        if [ "$FORCE_COMMAND" = 1 ] && [ "${agent_shell##*/}" = bash ]; then
            warn "$agent's login shell is $agent_shell, which reads ~/.bashrc even under the ForceCommand:" \
                 "an agent who can write that file escapes it. Consider: usermod -s /bin/sh $agent"
        fi
    elif [ "$CREATE_USERS" = 1 ]; then
        run useradd -m -s "$SHELL_FOR_AGENTS" -p '*' -G "$GROUP" "$agent"  # keys only: no password, not locked
    else
        echo "office-setup: no account $agent (add --create-users to create it)" >&2
        exit 1
    fi
done

# -- relance itself, where every agent can run it (--install) ----------------------------------------
closed_to_agents() {  # closed_to_agents PATH NEED (1: run, 5: read and run): the first place on PATH the
    # agents cannot pass (a folder they cannot search, or the file without NEED), or nothing
    local place="/" rest="${1#/}" mode group bits other grp
    while :; do
        mode="$(stat -Lc '%a' "$place" 2>/dev/null)" || { echo "$place"; return; }
        group="$(stat -Lc '%G' "$place")"
        if [ -z "$rest" ]; then bits="$2"; else bits=1; fi
        other=$(( 8#$mode & bits )); grp=$(( (8#$mode >> 3) & bits ))
        if [ "$other" != "$bits" ] && { [ "$group" != "$GROUP" ] || [ "$grp" != "$bits" ]; }; then
            echo "$place"; return
        fi
        if [ -z "$rest" ]; then return; fi
        place="${place%/}/${rest%%/*}"
        if [ "${rest#*/}" = "$rest" ]; then rest=""; else rest="${rest#*/}"; fi
    done
}

if [ "$INSTALL" = 1 ]; then
    if ! "$PYTHON" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "office-setup: $PYTHON is not a Python 3.11 or later with venv" \
             "(Debian: apt-get install python3 python3-venv; or give another with --python)" >&2
        exit 1
    fi
    real_python="$(readlink -f "$PYTHON")"
    closed="$(closed_to_agents "$real_python" 1)"
    if [ -n "$closed" ]; then
        echo "office-setup: $PYTHON ($real_python) cannot be run by the agents ($closed is closed to them):" \
             "a venv made from it fails for them with 'bad interpreter: Permission denied'. Use the system" \
             "Python: --python /usr/bin/python3 (Debian: apt-get install python3-venv)" >&2
        exit 1
    fi
    if [ -e "$PREFIX/bin/python" ] && [ "$(readlink -f "$PREFIX/bin/python")" != "$real_python" ]; then
        # made before from another Python (one under /root?): venv keeps a venv's links, so anew from this one
        run "$PYTHON" -m venv --clear "$PREFIX"
    else
        run "$PYTHON" -m venv "$PREFIX"
    fi
    run "$PREFIX/bin/pip" install -q --upgrade "$SOURCE"
    run chmod -R u=rwX,go=rX "$PREFIX"
    run install -d -m 0755 "$BIN_DIR"
    run ln -sfn "$PREFIX/bin/relance" "$BIN_DIR/relance"
    if [ "$DRY_RUN" = 0 ]; then
        closed="$(closed_to_agents "$PREFIX/bin/relance" 5)"
        if [ -z "$closed" ]; then closed="$(closed_to_agents "$(readlink -f "$PREFIX/bin/python")" 1)"; fi
        if [ -n "$closed" ]; then
            echo "office-setup: $PREFIX/bin/relance is installed but the agents cannot run it ($closed is" \
                 "closed to them): choose another --prefix, or open that folder (chmod o+x)" >&2
            exit 1
        fi
        echo "office-setup: relance $("$RELANCE" --version 2>/dev/null | head -1) installed in $PREFIX, run as $RELANCE"
    fi
fi

# -- the office folder: settings and templates, root's alone to change ----------------------------
run install -d -m 2750 -o root -g "$GROUP" "$DIR"
run chown root:"$GROUP" "$DIR"
run chmod 2750 "$DIR"  # also clears a sticky bit and group write left by an earlier layout

# -- the database folder: the one place agents write ------------------------------------------------
run install -d -m 2770 -o root -g "$GROUP" "$DATA"
run chown root:"$GROUP" "$DATA"
run chmod 2770 "$DATA"  # no sticky bit: an agent must be able to delete a -journal another left behind

# An earlier layout kept the database in the office folder: move it, with its companions (a hot
# -journal must stay next to its database) and the outbox, while nobody has it open.
if [ -e "$DIR/relance.db" ]; then
    if [ -e "$DB" ]; then
        echo "office-setup: both $DIR/relance.db and $DB exist; keep one (move the other away) and run again" >&2
        exit 1
    fi
    if command -v fuser >/dev/null 2>&1 \
            && fuser -s "$DIR/relance.db" "$DIR/relance.db-wal" "$DIR/relance.db-shm" "$DIR/relance.db-journal" \
               2>/dev/null; then
        echo "office-setup: $DIR/relance.db is open (fuser -v $DIR/relance.db says by whom): close relance" \
             "everywhere, then run again" >&2
        exit 1
    fi
    for suffix in "" -wal -shm -journal; do
        if [ -e "$DIR/relance.db$suffix" ]; then run mv "$DIR/relance.db$suffix" "$DATA/relance.db$suffix"; fi
    done
    if [ -d "$DIR/outbox" ] && [ ! -e "$DATA/outbox" ]; then run mv "$DIR/outbox" "$DATA/outbox"; fi
fi
for stray in "$DATA/relance.toml" "$DATA/templates"; do
    if [ -e "$stray" ] || [ -L "$stray" ]; then
        warn "$stray is in the database folder, where any agent can write: relance reads $SETTINGS" \
             "and $TEMPLATES, but would read $stray when started without RELANCE_OFFICE_CONFIG. Remove it."
    fi
done

# creates the database if missing and a commented relance.toml if missing
run env RELANCE_OFFICE_CONFIG="$SETTINGS" "$RELANCE" --db "$DB" init
for f in "$DB" "$DB-wal" "$DB-shm" "$DB-journal"; do
    if [ -e "$f" ] || { [ "$DRY_RUN" = 1 ] && [ "$f" = "$DB" ]; }; then
        run chgrp "$GROUP" "$f"
        run chmod 0660 "$f"
    fi
done
run install -d -m 2770 -o root -g "$GROUP" "$DATA/outbox"
if [ -d "$DATA/outbox" ]; then run chgrp "$GROUP" "$DATA/outbox"; run chmod 2770 "$DATA/outbox"; fi

if [ -e "$SETTINGS" ] && [ "$(stat -c %u "$SETTINGS")" != 0 ]; then
    warn "$SETTINGS belonged to $(stat -c %U "$SETTINGS"), not root: whoever wrote it chose the supervisors" \
         "and the SMTP server. Check [office] supervisors and [smtp] before trusting it."
fi
if [ -e "$SETTINGS" ] || [ "$DRY_RUN" = 1 ]; then
    run chown root:"$GROUP" "$SETTINGS"
    run chmod 0640 "$SETTINGS"  # may hold the SMTP password: agents read it, nobody else
fi
if [ -n "$SUPERVISORS" ]; then
    list=""
    for s in $SUPERVISORS; do list="$list\"$s\", "; done
    echo "+ supervisors: add to [office] in $SETTINGS: supervisors = [${list%, }]"
    if [ "$DRY_RUN" = 0 ] && grep -q '^supervisors = \[\]' "$SETTINGS"; then
        sed -i "s/^supervisors = \[\]/supervisors = [${list%, }]/" "$SETTINGS"
    fi
fi

# templates/: the office's own call script and emails (empty: the built-in ones are used)
if [ -d "$TEMPLATES" ] && [ -n "$(find "$TEMPLATES" ! -user root -print -quit)" ]; then
    warn "files under $TEMPLATES were written by agents ($(find "$TEMPLATES" ! -user root -printf '%u\n' \
         | sort -u | paste -sd ' ')): read them before trusting them"
fi
run install -d -m 2750 -o root -g "$GROUP" "$TEMPLATES"
if [ -d "$TEMPLATES" ]; then
    run chown -R root:"$GROUP" "$TEMPLATES"
    run find "$TEMPLATES" -type d -exec chmod 2750 {} +
    run find "$TEMPLATES" -type f -exec chmod 0640 {} +
fi
others="$( [ -d "$DIR" ] && find "$DIR" -mindepth 1 -maxdepth 1 ! -user root -printf '%f\n' | paste -sd ' ' || true)"
if [ -n "$others" ]; then
    echo "office-setup: agents' files left in $DIR (agents can no longer add or remove files there): $others"
fi

run install -d -m 0755 "$ETC/profile.d"
write_file "$ETC/profile.d/relance.sh" 0644 "# relance: the office's shared database and its settings
export RELANCE_DB=$DB
export RELANCE_OFFICE_CONFIG=$SETTINGS"

if [ "$FORCE_COMMAND" = 1 ]; then
    run install -d -m 0755 "$ETC/ssh/sshd_config.d"
    write_file "$ETC/ssh/sshd_config.d/relance.conf" 0644 "# relance: members of $GROUP get the app and nothing else
Match Group $GROUP
    ForceCommand /usr/bin/env RELANCE_DB=$DB RELANCE_OFFICE_CONFIG=$SETTINGS $RELANCE
    PermitUserRC no
    AllowTcpForwarding no
    X11Forwarding no
    PermitTunnel no"
    echo "+ reload sshd to apply (systemctl reload ssh)"
fi

echo "office-setup: done. Check with: RELANCE_DB=$DB RELANCE_OFFICE_CONFIG=$SETTINGS $RELANCE doctor"
