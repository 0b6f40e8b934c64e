#!/usr/bin/env bash
# Sourced by test.sh (see README.md here): a throwaway PostgreSQL 15 on 127.0.0.1 for the
# PostgreSQL connector tests and benchmarks. Installs Debian's package when the server is missing,
# initialises a fresh cluster under $SLUICE_TEST_RUN_DIR, starts it on a free port with
# wal_level=logical (logical replication tests need it) and password authentication, then exports
# SLUICE_TEST_PG_HOST/PORT/USER/PASSWORD/DATABASE. Sourced, so it returns instead of exiting.

sluice_pg_start() {
  local bin=/usr/lib/postgresql/15/bin
  local here
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  if [ ! -x "$bin/postgres" ]; then
    echo "postgres: installing Debian's postgresql package"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || { echo "postgres: apt-get update failed" >&2; return 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || { echo "postgres: apt-get install postgresql failed" >&2; return 1; }
  fi

  # initdb and postgres refuse to run as root; as root, run them as the postgres user.
  local as=()
  if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi

  local run_dir="${SLUICE_TEST_RUN_DIR:?SLUICE_TEST_RUN_DIR must be set (test.sh sets it)}"
  local base="$run_dir/postgres"
  mkdir -p "$base"
  if [ "$(id -u)" = 0 ]; then
    # mktemp makes the run folder private to root; the server's user only needs to pass through it.
    chmod a+x "$run_dir"
    chown postgres: "$base"
    if ! runuser -u postgres -- test -w "$base"; then
      echo "postgres: user postgres cannot write $base; put SLUICE_TEST_RUN_DIR where it can (e.g. under /tmp)" >&2
      return 1
    fi
  fi

  local password
  password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  local pwfile="$base/pwfile"
  printf '%s\n' "$password" >"$pwfile"
  chmod 600 "$pwfile"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$pwfile"; fi

  if ! "${as[@]}" "$bin/initdb" -D "$base/data" -U sluice_test --pwfile="$pwfile" \
      --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1; then
    echo "postgres: initdb failed, see $base/initdb.log:" >&2
    tail -5 "$base/initdb.log" >&2
    return 1
  fi
  rm -f "$pwfile"

  local port
  port="$("$here/scripts/free-port.sh")"
  # fsync off: the cluster is thrown away after the run, and tests create many databases.
  local options="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c wal_level=logical"
  options+=" -c max_connections=200 -c fsync=off -c full_page_writes=off -c max_wal_senders=20 -c max_replication_slots=20"
  if ! "${as[@]}" "$bin/pg_ctl" -D "$base/data" -l "$base/server.log" -o "$options" -w -t 60 start >/dev/null; then
    echo "postgres: the server did not start, see $base/server.log:" >&2
    tail -5 "$base/server.log" >&2
    return 1
  fi

  local tries=0
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      echo "postgres: not ready on 127.0.0.1:$port after 30s, see $base/server.log" >&2
      return 1
    fi
    sleep 0.5
  done

  export SLUICE_TEST_PG_HOST=127.0.0.1
  export SLUICE_TEST_PG_PORT="$port"
  export SLUICE_TEST_PG_USER=sluice_test
  export SLUICE_TEST_PG_PASSWORD="$password"
  export SLUICE_TEST_PG_DATABASE=postgres
  local stop
  stop="$(printf '%q ' "${as[@]}" "$bin/pg_ctl" -D "$base/data" -m immediate -w stop)"
  STOP_COMMANDS+=("$stop")
  echo "postgres: ready on 127.0.0.1:$port (data in $base/data)"
}

sluice_pg_start
