#!/usr/bin/env bash
# Issue 8: the deterministic worker simulation (tests/Sluice.Hosting.Tests/WorkerSimulationTests.cs) over
# 1,000 seeds, as a benchmark rather than in CI (CI runs 100). Each seed drives a 7-task run through the
# SQLite queue, three workers and the coordinator on a fake clock with seeded faults (workers killed
# mid-task, a worker cut off from the queue, tasks slower than their lease, the coordinator restarted)
# and asserts from the event log that every task instance succeeded exactly once and no run is left
# running. Failing seeds are printed; replay one with SLUICE_SIM_SEED=<seed>.
# Usage: bench/worker-simulation.sh [seeds=1000] [results=bench/results]
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="${1:-1000}"
results="${2:-bench/results}"
dotnet build tests/Sluice.Hosting.Tests -c Release -v q --nologo >/dev/null
log="$(mktemp)"
start=$(date +%s.%N)
status=0
SLUICE_SIM_SEEDS="$seeds" dotnet test tests/Sluice.Hosting.Tests -c Release --no-build --nologo \
  --filter "FullyQualifiedName~WorkerSimulationTests" >"$log" 2>&1 || status=$?
wall=$(echo "$(date +%s.%N) - $start" | bc)
failed=$(grep -oE '[0-9]+ seed\(s\) failed' "$log" | grep -oE '^[0-9]+' || echo 0)
mkdir -p "$results"
out="$results/issue8-worker-simulation-$(date -u +%Y-%m-%d).md"
{
  echo "# Issue 8: worker simulation over $seeds seeds ($(date -u +%Y-%m-%d))"
  echo
  echo "| Seeds | Failed seeds | Wall (build excluded) | Seeds/s | Test exit code |"
  echo "| --- | --- | --- | --- | --- |"
  printf '| %s | %s | %.1f s | %.1f | %s |\n' "$seeds" "$failed" "$wall" "$(echo "$seeds / $wall" | bc -l)" "$status"
  echo
  echo "Load average when done: $(cat /proc/loadavg). Failing seeds, if any:"
  echo
  grep -E '^\s*seed [0-9]+:' "$log" | sed 's/^ */    /' || echo "    none"
} >"$out"
cat "$out"
rm -f "$log"
exit "$status"
