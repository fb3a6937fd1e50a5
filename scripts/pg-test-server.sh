#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: the storage tests (and a developer who wants to
# try several market-manager processes on one database) use it when no LENDABLE_TEST_PG_URL
# is given.
#
#   pg-test-server.sh start DIR   initialise DIR if needed, start, print the URL
#   pg-test-server.sh stop DIR    stop (no-op when not running)
#   pg-test-server.sh url DIR     print the URL of the running cluster
#
# The server listens on a unix socket in DIR and on 127.0.0.1 only, with trust auth (it is a
# test server: never point it at real data), fsync on, database "lendable_test".
# Port: $LENDABLE_PG_PORT if set, else the first free port from 55432 up.
# Works as root without systemd: initdb refuses root, so the cluster belongs to the
# "postgres" user (or a "lendable-pg" system user created on demand).
# Binaries: $LENDABLE_PG_BINDIR, else the newest /usr/lib/postgresql/*/bin, else $PATH.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop|url DIR" >&2
    exit 2
}
die() {
    echo "pg-test-server: $*" >&2
    exit 1
}

[[ $# -eq 2 ]] || usage
command=$1
[[ -n $2 ]] || usage
if [[ ! -d $2 ]]; then
    case $command in
    start) mkdir -p -- "$2" ;;
    stop) exit 0 ;;
    *) die "no such directory: $2" ;;
    esac
fi
dir=$(cd -- "$2" && pwd -P)
data=$dir/data
log=$dir/postgres.log
port_file=$dir/port
database=lendable_test

find_bindir() {
    if [[ -n ${LENDABLE_PG_BINDIR:-} ]]; then
        echo "$LENDABLE_PG_BINDIR"
        return
    fi
    local newest
    newest=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    if [[ -n $newest && -x $newest/initdb ]]; then
        echo "$newest"
    elif command -v initdb >/dev/null 2>&1; then
        dirname -- "$(command -v initdb)"
    else
        die "PostgreSQL server binaries not found (install postgresql, or set LENDABLE_PG_BINDIR)"
    fi
}
bindir=$(find_bindir)

# Commands that touch the cluster run as its owner; client commands need no particular user.
owner=""
if [[ $(id -u) -eq 0 ]]; then
    if id postgres >/dev/null 2>&1; then
        owner=postgres
    else
        owner=lendable-pg
        id "$owner" >/dev/null 2>&1 ||
            useradd --system --no-create-home --shell /usr/sbin/nologin "$owner" ||
            die "cannot create the system user $owner to own the cluster"
    fi
fi
as_owner() {
    if [[ -n $owner ]]; then
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}

is_running() {
    [[ -f $data/PG_VERSION ]] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

url() {
    echo "postgresql://postgres@127.0.0.1:$(cat "$port_file")/$database"
}

port_in_use() {
    # bash's /dev/tcp: a successful connect means something listens there.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
    if is_running; then
        url
        return
    fi
    if [[ -n $owner ]]; then
        chown "$owner" "$dir"
        chmod 0700 "$dir"
        as_owner test -w "$dir" ||
            die "user $owner cannot write $dir (a parent directory is not searchable by it?): use a directory such as /tmp/…"
    fi
    if [[ ! -f $data/PG_VERSION ]]; then
        rm -rf -- "$data"
        as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
            die "initdb failed; see $dir/initdb.log"
        cat >>"$data/postgresql.conf" <<EOF

# pg-test-server.sh: loopback and a socket in the test directory only; durable writes.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = on
synchronous_commit = on
max_connections = 50
EOF
    fi

    # A unix socket path is limited to 107 bytes.
    local socket_probe="$dir/.s.PGSQL.65535.lock"
    [[ ${#socket_probe} -le 107 ]] || die "$dir is too long for a unix socket path; use a shorter directory"

    local candidates
    if [[ -n ${LENDABLE_PG_PORT:-} ]]; then
        candidates=$LENDABLE_PG_PORT
    else
        candidates=$(seq 55432 55531)
    fi
    local port started=""
    for port in $candidates; do
        if [[ -z ${LENDABLE_PG_PORT:-} ]] && port_in_use "$port"; then
            continue
        fi
        # Another process may take the port between the probe and the bind: then the start
        # fails and the next port is tried.
        if as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 -o "-p $port" start >/dev/null 2>&1; then
            started=$port
            break
        fi
        [[ -z ${LENDABLE_PG_PORT:-} ]] || break
    done
    [[ -n $started ]] || die "cannot start PostgreSQL (port ${LENDABLE_PG_PORT:-55432…55531}); see $log"
    echo "$started" >"$port_file"

    if ! "$bindir/psql" -X -q -h "$dir" -p "$started" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
        "$bindir/createdb" -h "$dir" -p "$started" -U postgres "$database" || die "cannot create database $database"
    fi
    url
}

stop() {
    if is_running; then
        as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
    fi
}

case $command in
start) start ;;
stop) stop ;;
url)
    is_running || die "no PostgreSQL running in $dir"
    url
    ;;
*) usage ;;
esac
