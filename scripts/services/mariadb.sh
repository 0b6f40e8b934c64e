#!/usr/bin/env bash
# Sourced by test.sh (see README.md here): a throwaway MariaDB on 127.0.0.1 for the MySQL connector
# tests and benchmarks. Installs Debian's mariadb-server when the server is missing, initialises a
# private data directory under $SLUICE_TEST_RUN_DIR, starts mariadbd as the current user on a free
# port (socket in the run folder, nothing in /var/run), creates a password user that may create
# databases, then exports SLUICE_TEST_MYSQL_HOST/PORT/USER/PASSWORD/DATABASE/SOCKET. Sourced, so it
# returns instead of exiting.

sluice_mariadb_start() {
  local here
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  if [ ! -x /usr/sbin/mariadbd ] || [ ! -x /usr/bin/mariadb-install-db ]; then
    echo "mariadb: installing Debian's mariadb-server package"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || { echo "mariadb: apt-get update failed" >&2; return 1; }
    # Debian's package may try to start its own service; policy-rc.d on CI refuses that, which is fine.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server mariadb-client >/dev/null || { echo "mariadb: apt-get install mariadb-server failed" >&2; return 1; }
  fi

  local run_dir="${SLUICE_TEST_RUN_DIR:?SLUICE_TEST_RUN_DIR must be set (test.sh sets it)}"
  local base="$run_dir/mariadb"
  local user
  user="$(id -un)"
  mkdir -p "$base/tmp"
  # mariadbd refuses to run as root unless told to; here it runs as whoever runs the tests.
  if ! /usr/bin/mariadb-install-db --no-defaults --user="$user" --datadir="$base/data" \
      --auth-root-authentication-method=normal --skip-test-db >"$base/install-db.log" 2>&1; then
    echo "mariadb: mariadb-install-db failed, see $base/install-db.log:" >&2
    tail -5 "$base/install-db.log" >&2
    return 1
  fi

  local port socket="$base/mysqld.sock"
  port="$("$here/scripts/free-port.sh")"
  # Throwaway data: no binary log, and InnoDB flushes its log once a second instead of per commit.
  /usr/sbin/mariadbd --no-defaults --user="$user" --datadir="$base/data" --tmpdir="$base/tmp" \
    --bind-address=127.0.0.1 --port="$port" --socket="$socket" --pid-file="$base/mysqld.pid" \
    --skip-name-resolve --skip-log-bin --local-infile=1 --max-connections=300 \
    --innodb-flush-log-at-trx-commit=2 --innodb-buffer-pool-size=256M \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
    --log-error="$base/server.log" >/dev/null 2>&1 &
  local pid=$!

  local tries=0
  until /usr/bin/mariadb-admin --no-defaults --socket="$socket" -uroot ping >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 120 ] || ! kill -0 "$pid" 2>/dev/null; then
      echo "mariadb: not ready on 127.0.0.1:$port after 60s, see $base/server.log:" >&2
      tail -5 "$base/server.log" >&2
      kill "$pid" 2>/dev/null
      return 1
    fi
    sleep 0.5
  done

  local password
  password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  if ! /usr/bin/mariadb --no-defaults --socket="$socket" -uroot >"$base/setup.log" 2>&1 <<SQL
CREATE USER 'sluice_test'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'sluice_test'@'127.0.0.1' WITH GRANT OPTION;
CREATE DATABASE sluice_test;
SQL
  then
    echo "mariadb: creating the test user failed, see $base/setup.log" >&2
    kill "$pid" 2>/dev/null
    return 1
  fi

  export SLUICE_TEST_MYSQL_HOST=127.0.0.1
  export SLUICE_TEST_MYSQL_PORT="$port"
  export SLUICE_TEST_MYSQL_USER=sluice_test
  export SLUICE_TEST_MYSQL_PASSWORD="$password"
  export SLUICE_TEST_MYSQL_DATABASE=sluice_test
  export SLUICE_TEST_MYSQL_SOCKET="$socket"
  STOP_COMMANDS+=("$(printf '%q ' /usr/bin/mariadb-admin --no-defaults --socket="$socket" -uroot shutdown)")
  echo "mariadb: ready on 127.0.0.1:$port (data in $base/data)"
}

sluice_mariadb_start
