#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the shared-store tests (issue 26), sourced by
# scripts/test.sh: `test_postgres_start` makes a cluster in a temporary folder (initdb, as the
# `postgres` user when run as root: the server refuses root), starts it on a free port of
# 127.0.0.1 with its socket in that folder and password (SCRAM) authentication, and exports
#   SCAN_C1_TEST_POSTGRES=postgresql://scan@127.0.0.1:PORT/scan   SCAN_C1_TEST_POSTGRES_PASSWORD=…
# `test_postgres_stop` stops it and removes the folder. The package (Debian `postgresql`) is
# installed by scripts/setup.sh. Usable by hand: `source scripts/test-postgres.sh; test_postgres_start`.

test_postgres_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && echo "$d"; done | sort -V | tail -1
}

test_postgres_start() {
    local bin port run
    bin="$(test_postgres_bin)"
    if [ -z "$bin" ]; then echo "test-postgres: no PostgreSQL server (apt-get install postgresql)" >&2; return 1; fi
    TEST_POSTGRES_DIR="$(mktemp -d /tmp/scan-c1-pg.XXXXXX)"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    SCAN_C1_TEST_POSTGRES_PASSWORD="test-$(date +%s)-$RANDOM"
    printf '%s\n' "$SCAN_C1_TEST_POSTGRES_PASSWORD" >"$TEST_POSTGRES_DIR/pw"
    run=()
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$TEST_POSTGRES_DIR"; run=(runuser -u postgres --); fi
    "${run[@]}" "$bin/initdb" -D "$TEST_POSTGRES_DIR/data" -U scan --auth=scram-sha-256 --pwfile="$TEST_POSTGRES_DIR/pw" -E UTF8 --no-sync >"$TEST_POSTGRES_DIR/initdb.log" 2>&1 \
        || { cat "$TEST_POSTGRES_DIR/initdb.log" >&2; return 1; }
    "${run[@]}" "$bin/pg_ctl" -D "$TEST_POSTGRES_DIR/data" -l "$TEST_POSTGRES_DIR/server.log" -w -t 60 \
        -o "-p $port -k $TEST_POSTGRES_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50" start >/dev/null \
        || { cat "$TEST_POSTGRES_DIR/server.log" >&2; return 1; }
    PGPASSWORD="$SCAN_C1_TEST_POSTGRES_PASSWORD" "$bin/createdb" -h 127.0.0.1 -p "$port" -U scan scan
    export SCAN_C1_TEST_POSTGRES="postgresql://scan@127.0.0.1:$port/scan" SCAN_C1_TEST_POSTGRES_PASSWORD TEST_POSTGRES_DIR
    echo "test-postgres: $SCAN_C1_TEST_POSTGRES ($TEST_POSTGRES_DIR)" >&2
}

test_postgres_stop() {
    [ -n "${TEST_POSTGRES_DIR:-}" ] && [ -d "$TEST_POSTGRES_DIR" ] || return 0
    local run=()
    if [ "$(id -u)" -eq 0 ]; then run=(runuser -u postgres --); fi
    "${run[@]}" "$(test_postgres_bin)/pg_ctl" -D "$TEST_POSTGRES_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$TEST_POSTGRES_DIR"
}
