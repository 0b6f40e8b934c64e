#!/usr/bin/env bash
# Runs docs/examples/mysql/mysql.yaml against a throwaway MariaDB (installed from Debian's packages
# when missing, started on a free loopback port), prints the loaded table, and stops the server.
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../../.. && pwd)"
export SLUICE_TEST_RUN_DIR="$(mktemp -d /tmp/sluice-mysql-example.XXXXXX)"
STOP_COMMANDS=()
trap 'for c in "${STOP_COMMANDS[@]}"; do eval "$c" >/dev/null 2>&1 || true; done' EXIT
# shellcheck source=/dev/null
source "$root/scripts/services/mariadb.sh"
mysql() { MYSQL_PWD="$SLUICE_TEST_MYSQL_PASSWORD" mariadb --no-defaults -h "$SLUICE_TEST_MYSQL_HOST" -P "$SLUICE_TEST_MYSQL_PORT" -u "$SLUICE_TEST_MYSQL_USER" "$SLUICE_TEST_MYSQL_DATABASE" "$@"; }
mysql <seed.sql
dotnet run --project "$root/src/Sluice.Cli" -- backfill mysql.yaml --from 2024-03-01 --to 2024-03-02 --state-dir "$SLUICE_TEST_RUN_DIR/state"
mysql -e "SELECT * FROM daily_customer_totals ORDER BY order_date, customer_id"
