#!/usr/bin/env bash
# Runs the multi-worker example end to end on one machine, unattended: a throwaway PostgreSQL as the
# metadata store and queue, s3rver as the shared artifact store (both started by scripts/services/, as
# ./test.sh does), two `sluice worker` processes, one run sent to the queue with `sluice run --queue`,
# then `sluice scheduler --queue` catching up three scheduled days through the same workers. It prints
# which worker ran each task. Everything it starts is stopped, and everything it writes deleted, when
# it ends, whether it succeeds or not.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
exec </dev/null

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 SLUICE_PLAIN=1
run_dir="$(mktemp -d /tmp/workers-example.XXXXXX)"
export SLUICE_TEST_RUN_DIR="$run_dir"
project="$run_dir/project"

# The services append the commands that stop them to STOP_COMMANDS; background sluice processes go in pids.
STOP_COMMANDS=()
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for command in "${STOP_COMMANDS[@]}"; do eval "$command" >/dev/null 2>&1 || true; done
  rm -rf "$run_dir"
  if [ "$status" -ne 0 ]; then echo "workers example: failed (exit $status)" >&2; fi
  exit "$status"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
# An array, not a function: a function in the background would be a subshell, and a signal sent to its
# pid would stop the shell and leave the sluice process running.
sluice=(dotnet "$repo/src/Sluice.Cli/bin/Debug/net10.0/sluice.dll")
sql() { psql -X -w -q -v ON_ERROR_STOP=1 -d postgres "$@"; }

step "starting a throwaway PostgreSQL (metadata and queue) and s3rver (artifacts)"
# shellcheck source=../../scripts/services/postgres.sh
source scripts/services/postgres.sh
# shellcheck source=../../scripts/services/s3.sh
source scripts/services/s3.sh
export PGHOST="$SLUICE_TEST_PG_HOST" PGPORT="$SLUICE_TEST_PG_PORT" PGUSER="$SLUICE_TEST_PG_USER" PGPASSWORD="$SLUICE_TEST_PG_PASSWORD"
# Every sluice process below (workers, run, scheduler) finds the store here; the password stays out of the URL.
export SLUICE_METADATA="postgres://$PGUSER@$PGHOST:$PGPORT/postgres?schema=workers_example&sslmode=disable"
export SLUICE_METADATA_PASSWORD="$PGPASSWORD"
export EXAMPLE_S3_ENDPOINT="$SLUICE_TEST_S3_ENDPOINT" EXAMPLE_S3_ACCESS_KEY="$SLUICE_TEST_S3_ACCESS_KEY" EXAMPLE_S3_SECRET_KEY="$SLUICE_TEST_S3_SECRET_KEY"

step "building the CLI"
dotnet build src/Sluice.Cli -v q -nologo -clp:NoSummary

step "copying the example to $project"
mkdir -p "$project"
cp -r "$here/orders.yaml" "$here/connections.yaml" "$here/in" "$project/"
cd "$project"

step "starting two workers"
for name in w1 w2; do
  "${sluice[@]}" worker --name "$name" --concurrency 2 >"$run_dir/$name.log" 2>&1 &
  pids+=($!)
done

step "a run sent to the queue: sluice run orders.yaml --date 2024-03-04 --queue"
"${sluice[@]}" run orders.yaml --date 2024-03-04 --queue

step "the scheduler sends its runs to the same workers: catch-up of 2024-03-01 .. 2024-03-03"
"${sluice[@]}" scheduler --pipelines orders.yaml --queue --tick 1s >"$run_dir/scheduler.log" 2>&1 &
scheduler=$!
pids+=("$scheduler")
for _ in $(seq 1 240); do
  done_runs="$(sql -At -c "SELECT count(*) FROM workers_example.runs WHERE trigger = 'scheduled' AND state <> 'running'" 2>/dev/null || echo 0)"
  [ "$done_runs" -ge 3 ] && break
  if ! kill -0 "$scheduler" 2>/dev/null; then cat "$run_dir/scheduler.log" >&2; exit 1; fi
  sleep 0.5
done
kill -TERM "$scheduler"
wait "$scheduler" || echo "(the scheduler exited with $?)"
cat "$run_dir/scheduler.log"
"${sluice[@]}" runs --pipeline orders

step "which worker ran each task (from the event log)"
sql -c "SELECT logical_date, task_id, payload->>'worker' AS worker, (payload->>'attempt')::int AS attempt
        FROM workers_example.events WHERE type = 'task_state_changed' AND payload->>'to' = 'success'
        ORDER BY logical_date, id"
failed="$(sql -At -c "SELECT count(*) FROM workers_example.runs WHERE state <> 'success'")"
if [ "$failed" -ne 0 ]; then echo "$failed run(s) did not succeed" >&2; exit 1; fi

step "stopping the workers with SIGTERM: they finish or hand back what they hold and exit 0"
for pid in "${pids[@]:0:2}"; do kill -TERM "$pid"; done
for pid in "${pids[@]:0:2}"; do wait "$pid"; done
pids=()
tail -n 2 "$run_dir/w1.log" "$run_dir/w2.log"

step "done; stopping the servers and deleting $run_dir"
