#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs and starts the servers the tests need
# (each on a loopback port, in a throwaway folder), builds everything (benchmarks included, so
# they never rot), runs every test project, and ends with one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export SLUICE_TEST_RUN_DIR="${SLUICE_TEST_RUN_DIR:-$(mktemp -d /tmp/sluice-test-run.XXXXXX)}"
log="$SLUICE_TEST_RUN_DIR/dotnet-test.log"

# Each scripts/services/*.sh installs its server if missing, starts it on loopback, exports the
# variables the tests read (SLUICE_TEST_*), and registers a stop command in STOP_COMMANDS.
STOP_COMMANDS=()
stop_services() {
  for command in "${STOP_COMMANDS[@]}"; do eval "$command" >/dev/null 2>&1 || true; done
}
trap stop_services EXIT
for service in scripts/services/*.sh; do
  [ -e "$service" ] || continue
  echo "== starting $(basename "$service" .sh)"
  # shellcheck source=/dev/null
  source "$service"
done

status=0
dotnet test Sluice.slnx -c Release 2>&1 | tee "$log" || status=$?

# Style is part of the build: `dotnet format` must have nothing to change.
if [ "${SLUICE_SKIP_FORMAT:-0}" != "1" ]; then
  echo "== dotnet format --verify-no-changes"
  dotnet format Sluice.slnx --verify-no-changes >"$SLUICE_TEST_RUN_DIR/format.log" 2>&1 || { cat "$SLUICE_TEST_RUN_DIR/format.log"; echo "dotnet format found changes to make: run 'dotnet format Sluice.slnx'."; status=1; }
fi

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
