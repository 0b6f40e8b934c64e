#!/usr/bin/env bash
# Issue 8: `sluice run` of the sales example before the executor reshaping and at HEAD, in the same run.
# Builds the CLI of BEFORE (default c28ebf9, the last commit before 28eab98 "Execution split" began the
# reshaping) in a temporary worktree and HEAD's in this checkout (both Release), then times whole
# processes alternately: `dotnet sluice.dll run <copy>/sales_etl.yaml --date 2024-03-01` with a fresh
# copy of the example and a fresh state dir each time. Sides:
#   before          the old CLI on the old example's YAML
#   head-old-yaml   HEAD's CLI on the same old YAML (same work: the fair comparison)
#   head            HEAD's CLI on HEAD's YAML (it also runs product checks, metrics and on_empty since)
# Usage: bench/sales-before-after.sh [repeat=5] [before=c28ebf9] [results=bench/results]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeat="${1:-5}"; before="${2:-c28ebf9}"; results="${3:-$root/bench/results}"
work="$(mktemp -d /tmp/sluice-sales-ba.XXXXXX)"
old="$work/before"
trap 'git -C "$root" worktree remove --force "$old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 SLUICE_PLAIN=1
git -C "$root" worktree add --detach "$old" "$before" >/dev/null 2>&1
echo "building $before and HEAD (Release)..." >&2
dotnet build "$old/src/Sluice.Cli" -c Release -nologo -v quiet -clp:NoSummary >&2
dotnet build "$root/src/Sluice.Cli" -c Release -nologo -v quiet -clp:NoSummary >&2
dll_old="$old/src/Sluice.Cli/bin/Release/net10.0/sluice.dll"
dll_new="$root/src/Sluice.Cli/bin/Release/net10.0/sluice.dll"

# One timed run: a fresh copy of the example (its data, SQL and the given YAML) and a fresh state dir.
run_once() { # dll example-dir -> seconds
  local dll="$1" example="$2" dir
  dir="$(mktemp -d "$work/run.XXXXXX")"
  mkdir -p "$dir/sales"
  (cd "$example" && tar --exclude=./warehouse --exclude=./lake --exclude=./generator -cf - .) | tar -xf - -C "$dir/sales"
  local start end
  start=$(date +%s.%N)
  dotnet "$dll" run "$dir/sales/sales_etl.yaml" --date 2024-03-01 --state-dir "$dir/state" >"$dir/out.log" 2>&1 \
    || { cat "$dir/out.log" >&2; echo "run failed: $dll" >&2; exit 1; }
  end=$(date +%s.%N)
  rm -rf "$dir"
  echo "$end - $start" | bc -l
}

declare -A times=([before]="" [head-old-yaml]="" [head]="")
sides=(before head-old-yaml head)
load_before="$(cat /proc/loadavg)"
run_once "$dll_new" "$root/examples/sales" >/dev/null   # warm the page cache and the JIT's disk caches once
for ((r = 0; r < repeat; r++)); do
  # Rotate the order so no side always runs first.
  for ((i = 0; i < 3; i++)); do
    side="${sides[$(((i + r) % 3))]}"
    case "$side" in
      before) s=$(run_once "$dll_old" "$old/examples/sales") ;;
      head-old-yaml) s=$(run_once "$dll_new" "$old/examples/sales") ;;
      head) s=$(run_once "$dll_new" "$root/examples/sales") ;;
    esac
    times[$side]="${times[$side]} $s"
    printf '%s %d: %.2f s\n' "$side" "$r" "$s" >&2
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
m_before=$(echo "${times[before]}" | median); m_same=$(echo "${times[head-old-yaml]}" | median); m_head=$(echo "${times[head]}" | median)
date=$(date -u +%Y-%m-%d)
mkdir -p "$results"
out="$results/issue8-sales-before-after-$date.md"
{
  echo "# Issue 8: \`sluice run\` of the sales example before the reshaping and at HEAD ($date)"
  echo
  echo "\`bench/sales-before-after.sh $repeat $before\`: before = $(git -C "$root" log -1 --format='%h (%s)' "$before" | cut -c1-90), HEAD = $(git -C "$root" log -1 --format='%h' HEAD); both CLIs built Release. Whole-process wall time of \`dotnet sluice.dll run sales_etl.yaml --date 2024-03-01\` (one interval, \`SLUICE_PLAIN=1\`), a fresh copy of the example and a fresh state dir per run, sides rotating, $repeat runs each, medians. $(nproc) cores shared with other jobs."
  echo
  echo "| Side | Median | Runs (s) |"
  echo "| --- | --- | --- |"
  echo "| before: old CLI, old YAML (baseline) | $(printf '%.2f' "$m_before") s | ${times[before]} |"
  echo "| HEAD CLI, the same old YAML | $(printf '%.2f' "$m_same") s | ${times[head-old-yaml]} |"
  echo "| HEAD CLI, HEAD's YAML (adds product checks and a metric) | $(printf '%.2f' "$m_head") s | ${times[head]} |"
  echo
  echo "Ratios (median / baseline median; above 1 is slower): HEAD on the same YAML $(echo "$m_same / $m_before" | bc -l | xargs printf '%.2f')×, HEAD on its own YAML $(echo "$m_head / $m_before" | bc -l | xargs printf '%.2f')×."
  echo
  echo "Load average before: $load_before; after: $(cat /proc/loadavg)."
} >"$out"
cat "$out"
