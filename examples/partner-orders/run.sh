#!/usr/bin/env bash
# Runs the partner-orders example end to end on a fresh machine, unattended: a throwaway PostgreSQL
# (Debian's package, installed when missing, as ./test.sh does) with the seeded shop database, the
# partner API on loopback, a four-day backfill, the report, a rerun of one day (nothing changes),
# and an order changed upstream (its row is updated, not duplicated). Everything it starts is
# stopped, and everything it writes is deleted, when it ends, whether it succeeds or not.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
exec </dev/null

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 SLUICE_PLAIN=1
run_dir="$(mktemp -d /tmp/partner-orders.XXXXXX)"
export SLUICE_TEST_RUN_DIR="$run_dir"
pipeline=examples/partner-orders/partner_orders.yaml
state=(--state-dir "$run_dir/state")

# scripts/services/postgres.sh appends the command that stops its server to STOP_COMMANDS.
STOP_COMMANDS=()
api_pid=""
cleanup() {
  local status=$?
  if [ -n "$api_pid" ]; then
    kill "$api_pid" 2>/dev/null || true
    wait "$api_pid" 2>/dev/null || true
  fi
  for command in "${STOP_COMMANDS[@]}"; do eval "$command" >/dev/null 2>&1 || true; done
  rm -rf "$run_dir"
  if [ "$status" -ne 0 ]; then echo "partner-orders: failed (exit $status)" >&2; fi
  exit "$status"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
# -X: no ~/.psqlrc; -w: never prompt for a password.
sql() { psql -X -w -q -v ON_ERROR_STOP=1 "$@"; }
sluice() { dotnet run --no-build --project src/Sluice.Cli -- "$@"; }

step "starting a throwaway PostgreSQL"
# shellcheck source=../../scripts/services/postgres.sh
source scripts/services/postgres.sh
export PGHOST="$SLUICE_TEST_PG_HOST" PGPORT="$SLUICE_TEST_PG_PORT" PGUSER="$SLUICE_TEST_PG_USER" PGPASSWORD="$SLUICE_TEST_PG_PASSWORD"

step "creating the shop and reporting databases, seeding shop from seed.sql"
sql -d postgres -c 'CREATE DATABASE shop' -c 'CREATE DATABASE reporting'
sql -d shop -f "$here/seed.sql"
sql -d shop -c 'SELECT count(*) AS orders, min(created_at) AS first_order, max(updated_at) AS last_change FROM shop.orders'

step "building the CLI and the partner API"
dotnet build src/Sluice.Cli -v q -nologo -clp:NoSummary
dotnet build examples/partner-orders/partner-api -v q -nologo -clp:NoSummary

step "starting the partner API"
# The API and connections.yaml read the same two variables: the port, and the token the API
# requires and the pipeline sends.
PARTNER_API_PORT="$(scripts/free-port.sh)"
PARTNER_API_TOKEN="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
export PARTNER_API_PORT PARTNER_API_TOKEN
dotnet examples/partner-orders/partner-api/bin/Debug/net10.0/partner-api.dll --fail-every 3 >"$run_dir/partner-api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 60); do
  if python3 -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$PARTNER_API_PORT/health', timeout=1)" 2>/dev/null; then break; fi
  if ! kill -0 "$api_pid" 2>/dev/null; then cat "$run_dir/partner-api.log" >&2; exit 1; fi
  sleep 0.5
done
cat "$run_dir/partner-api.log"

# What else connections.yaml reads (host and database names keep their defaults).
export PARTNER_ORDERS_PG_PORT="$PGPORT" PARTNER_ORDERS_PG_USER="$PGUSER" PARTNER_ORDERS_PG_PASSWORD="$PGPASSWORD"

step "backfill 2024-03-01 .. 2024-03-04 (the API answers every third request with 429: watch the retries)"
dotnet run --project src/Sluice.Cli -- backfill "$pipeline" --from 2024-03-01 --to 2024-03-04 "${state[@]}"

step "the report: reporting.partner_orders"
sql -d reporting -c "SELECT order_id, order_date, status, customer_country AS ctry, sku, product_name, category, supplier_country AS sup,
                            quantity AS qty, discount_pct AS disc, list_price, amount, loaded_for
                     FROM reporting.partner_orders ORDER BY order_id LIMIT 10"
sql -d reporting -c "SELECT loaded_for, count(*) AS orders, sum(amount) AS amount, count(*) FILTER (WHERE product_name IS NULL) AS unknown_product
                     FROM reporting.partner_orders GROUP BY loaded_for ORDER BY loaded_for"

fingerprint() { sql -At -d reporting -c "SELECT count(*) || ' rows, md5 ' || md5(string_agg(t::text, E'\n' ORDER BY order_id)) FROM reporting.partner_orders t"; }

step "running 2024-03-02 again: the upsert rewrites the same rows"
before="$(fingerprint)"
sluice run "$pipeline" --date 2024-03-02 "${state[@]}"
after="$(fingerprint)"
echo "before: $before"
echo "after:  $after"
if [ "$before" != "$after" ]; then echo "the rerun changed the report" >&2; exit 1; fi
echo "unchanged"

step "order 5001 changes upstream on 2024-03-04; the run of that day updates its row"
show_5001() { sql -d reporting -c "SELECT order_id, status, quantity, amount, updated_at, loaded_for FROM reporting.partner_orders WHERE order_id = 5001"; }
show_5001
sql -d shop -c "UPDATE shop.orders SET quantity = 4, status = 'amended', updated_at = timestamptz '2024-03-04 09:00:00+00' WHERE order_id = 5001"
sluice run "$pipeline" --date 2024-03-04 "${state[@]}"
show_5001
sql -d reporting -c "SELECT count(*) AS rows, count(DISTINCT order_id) AS orders FROM reporting.partner_orders"

step "done; stopping the servers and deleting $run_dir"
