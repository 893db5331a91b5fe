#!/usr/bin/env bash
# Set up relance on a small office server (run as root):
#   - a Unix group for the collections agents (each agent keeps their own account: the OS
#     login is who they are in relance);
#   - one shared folder for the database, owned by that group, mode 2770 (setgid: every file
#     SQLite creates there belongs to the group), database files 0660, settings 0640;
#   - RELANCE_DB for every login shell (/etc/profile.d/relance.sh);
#   - optionally an SSH layout where members of the group get relance and nothing else
#     (ForceCommand), in /etc/ssh/sshd_config.d/relance.conf.
#
# Usage: sudo scripts/office-setup.sh [--group relance] [--dir /srv/relance]
#            [--agents "marie karim"] [--create-users] [--supervisors "marie"]
#            [--force-command] [--relance /usr/local/bin/relance] [--etc /etc] [--dry-run]
# Safe to run again: it only adds what is missing and resets modes.
set -euo pipefail

GROUP=relance
DIR=/srv/relance
AGENTS=""
SUPERVISORS=""
CREATE_USERS=0
FORCE_COMMAND=0
DRY_RUN=0
ETC=/etc
RELANCE="$(command -v relance || echo /usr/local/bin/relance)"

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --group) GROUP="$2"; shift 2 ;;
        --dir) DIR="$2"; shift 2 ;;
        --agents) AGENTS="$2"; shift 2 ;;
        --supervisors) SUPERVISORS="$2"; shift 2 ;;
        --create-users) CREATE_USERS=1; shift ;;
        --force-command) FORCE_COMMAND=1; shift ;;
        --relance) RELANCE="$2"; shift 2 ;;
        --etc) ETC="$2"; shift 2 ;;
        --dry-run) DRY_RUN=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "office-setup: unknown option $1" >&2; usage 2 ;;
    esac
done

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

if [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
    echo "office-setup: run as root (sudo), or with --dry-run to see what it would do" >&2
    exit 1
fi

run groupadd -f "$GROUP"
for agent in $AGENTS; do
    if id "$agent" >/dev/null 2>&1; then
        run usermod -a -G "$GROUP" "$agent"
    elif [ "$CREATE_USERS" = 1 ]; then
        run useradd -m -s /bin/bash -p '*' -G "$GROUP" "$agent"  # keys only: no password, not locked
    else
        echo "office-setup: no account $agent (add --create-users to create it)" >&2
        exit 1
    fi
done

run install -d -m 2770 -g "$GROUP" "$DIR"
run chgrp "$GROUP" "$DIR"
run chmod 2770 "$DIR"
# creates the database if missing and a commented relance.toml next to it if missing
run "$RELANCE" --db "$DIR/relance.db" init
for f in "$DIR"/relance.db "$DIR"/relance.db-wal "$DIR"/relance.db-shm "$DIR"/relance.db-journal; do
    if [ -e "$f" ] || { [ "$DRY_RUN" = 1 ] && [ "$f" = "$DIR/relance.db" ]; }; then
        run chgrp "$GROUP" "$f"
        run chmod 0660 "$f"
    fi
done
if [ -e "$DIR/relance.toml" ] || [ "$DRY_RUN" = 1 ]; then
    run chgrp "$GROUP" "$DIR/relance.toml"
    run chmod 0640 "$DIR/relance.toml"  # may hold the SMTP password: agents read it, nobody else
fi
if [ -n "$SUPERVISORS" ]; then
    list=""
    for s in $SUPERVISORS; do list="$list\"$s\", "; done
    echo "+ supervisors: add to [office] in $DIR/relance.toml: supervisors = [${list%, }]"
    if [ "$DRY_RUN" = 0 ] && grep -q '^supervisors = \[\]' "$DIR/relance.toml"; then
        sed -i "s/^supervisors = \[\]/supervisors = [${list%, }]/" "$DIR/relance.toml"
    fi
fi

run install -d -m 0755 "$ETC/profile.d"
write_file "$ETC/profile.d/relance.sh" 0644 "# relance: the office's shared database
export RELANCE_DB=$DIR/relance.db"

if [ "$FORCE_COMMAND" = 1 ]; then
    run install -d -m 0755 "$ETC/ssh/sshd_config.d"
    write_file "$ETC/ssh/sshd_config.d/relance.conf" 0644 "# relance: members of $GROUP get the app and nothing else
Match Group $GROUP
    ForceCommand /usr/bin/env RELANCE_DB=$DIR/relance.db $RELANCE
    AllowTcpForwarding no
    X11Forwarding no
    PermitTunnel no"
    echo "+ reload sshd to apply (systemctl reload ssh)"
fi

echo "office-setup: done. Check with: RELANCE_DB=$DIR/relance.db $RELANCE doctor"
