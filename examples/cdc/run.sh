#!/usr/bin/env bash
# Runs the CDC example end to end, unattended: a throwaway PostgreSQL with wal_level=logical (Debian's
# package, installed when missing, as ./test.sh does), a seeded shop database, `sluice cdc setup`
# (slot, publication, snapshot), changes in the shop, one scheduled-style run that mirrors them, the
# status of the slot, and `sluice cdc drop`. Everything it starts is stopped, and everything it
# writes is deleted, when it ends.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
exec </dev/null

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 SLUICE_PLAIN=1
run_dir="$(mktemp -d /tmp/sluice-cdc.XXXXXX)"
export SLUICE_TEST_RUN_DIR="$run_dir"
pipeline=examples/cdc/shop_cdc.yaml

STOP_COMMANDS=()
cleanup() {
  local status=$?
  for command in "${STOP_COMMANDS[@]}"; do eval "$command" >/dev/null 2>&1 || true; done
  rm -rf "$run_dir" "$here/lake"
  if [ "$status" -ne 0 ]; then echo "cdc example: failed (exit $status)" >&2; fi
  exit "$status"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
sql() { psql -X -w -q -v ON_ERROR_STOP=1 "$@"; }
sluice() { dotnet run --no-build -c Release --project src/Sluice.Cli -- "$@"; }

step "building the sluice CLI"
dotnet build src/Sluice.Cli -c Release -v quiet -nologo >/dev/null

step "starting a throwaway PostgreSQL (wal_level=logical)"
# shellcheck source=../../scripts/services/postgres.sh
source scripts/services/postgres.sh
export PGHOST="$SLUICE_TEST_PG_HOST" PGPORT="$SLUICE_TEST_PG_PORT" PGUSER="$SLUICE_TEST_PG_USER" PGPASSWORD="$SLUICE_TEST_PG_PASSWORD"
export CDC_PG_HOST="$PGHOST" CDC_PG_PORT="$PGPORT" CDC_PG_USER="$PGUSER" CDC_PG_PASSWORD="$PGPASSWORD"

step "creating the shop and warehouse databases, seeding the shop"
sql -d postgres -c "CREATE DATABASE shop" -c "CREATE DATABASE warehouse"
sql -d shop -f examples/cdc/seed.sql

step "sluice cdc setup: publication, slot and initial snapshot"
sluice cdc setup "$pipeline"

step "changing the shop: an insert, updates, deletes, and a two-statement transaction"
sql -d shop -c "INSERT INTO customers VALUES (101, 'new customer', NULL)"
sql -d shop -c "UPDATE orders SET amount = 0 WHERE id <= 5"
sql -d shop -c "DELETE FROM orders WHERE id BETWEEN 990 AND 1000"
sql -d shop -c "BEGIN; INSERT INTO orders VALUES (5000, 101, 9.99, now()); UPDATE customers SET email = 'moved@example.com' WHERE id = 7; COMMIT"

step "one run (what the scheduler does every 15 minutes): drain, apply, publish the changes"
SLUICE_STATE_DIR="$run_dir/state" sluice run "$pipeline" --date 2024-03-01

step "the mirror equals the shop"
for table in customers orders; do
  a="$(sql -d shop -At -c "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM $table t")"
  b="$(sql -d warehouse -At -c "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM mirror.$table t")"
  echo "$table: shop $a, mirror $b"
  [ "$a" = "$b" ]
done

step "sluice cdc status"
sluice cdc status "$pipeline"

step "sluice cdc drop"
sluice cdc drop "$pipeline"
