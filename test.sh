#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs and starts whatever the tests need,
# builds everything (benchmarks included, so they never rot), runs every test project, and
# ends with one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The foundation's tests need no server: DuckDB and SQLite are in-process. Connector issues add
# their servers (PostgreSQL, S3, NATS...) here, each started on a loopback port.

log_dir="${TMPDIR:-/tmp}/sluice-test-logs"
mkdir -p "$log_dir"
log="$log_dir/dotnet-test.log"

status=0
dotnet test Sluice.slnx -c Release 2>&1 | tee "$log" || status=$?

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
