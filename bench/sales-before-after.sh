#!/usr/bin/env bash
# Issue 8: `sluice run` of the sales example before the executor reshaping, right after it, and at HEAD,
# in the same run. BEFORE (default c28ebf9) is the last commit before 28eab98 "Execution split" began
# the reshaping; AFTER (default f4db13f, "Sluice.Hosting ...") ends it. Their CLIs are built Release in
# temporary worktrees, HEAD's in this checkout. Each timed run is a whole process,
# `dotnet sluice.dll run <copy>/sales_etl.yaml --date 2024-03-01`, on a fresh copy of the example and
# a fresh state dir; sides rotate; wall and CPU (user + system) medians. Sides:
#   before            BEFORE's CLI on BEFORE's example YAML (the baseline)
#   after-reshaping   AFTER's CLI on the same YAML
#   head-same-yaml    HEAD's CLI on the same YAML (same work as the baseline)
#   head              HEAD's CLI on HEAD's YAML (it also runs product checks, a metric and on_empty since)
# Usage: bench/sales-before-after.sh [repeat=5] [before=c28ebf9] [after=f4db13f] [results=bench/results]
#   SALES_BEFORE_DIR / SALES_AFTER_DIR = an existing checkout of that commit with its CLI built Release
#   skip the temporary worktree and its build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeat="${1:-5}"; before="${2:-c28ebf9}"; after="${3:-f4db13f}"; results="${4:-$root/bench/results}"
work="$(mktemp -d /tmp/sluice-sales-ba.XXXXXX)"
made=()
trap 'for w in "${made[@]}"; do git -C "$root" worktree remove --force "$w" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 SLUICE_PLAIN=1

checkout() { # commit given-dir -> a checkout of commit with its CLI built
  local commit="$1" given="$2"
  if [ -n "$given" ]; then echo "$given"; return; fi
  local dir="$work/$commit"
  git -C "$root" worktree add --detach "$dir" "$commit" >/dev/null 2>&1
  made+=("$dir")
  echo "building $commit (Release)..." >&2
  dotnet build "$dir/src/Sluice.Cli" -c Release -nologo -v quiet -clp:NoSummary >&2
  echo "$dir"
}
old="$(checkout "$before" "${SALES_BEFORE_DIR:-}")"
mid="$(checkout "$after" "${SALES_AFTER_DIR:-}")"
echo "building HEAD (Release)..." >&2
dotnet build "$root/src/Sluice.Cli" -c Release -nologo -v quiet -clp:NoSummary >&2
cli() { echo "$1/src/Sluice.Cli/bin/Release/net10.0/sluice.dll"; }

# One timed run on a fresh copy of the example (data, SQL, YAML) and a fresh state dir: "wall cpu" in seconds.
run_once() { # dll example-dir
  local dll="$1" example="$2" dir
  dir="$(mktemp -d "$work/run.XXXXXX")"
  mkdir -p "$dir/sales"
  (cd "$example" && tar --exclude=./warehouse --exclude=./lake --exclude=./generator -cf - .) | tar -xf - -C "$dir/sales"
  local TIMEFORMAT="%R %U %S" t
  t=$( { time dotnet "$dll" run "$dir/sales/sales_etl.yaml" --date 2024-03-01 --state-dir "$dir/state" >"$dir/out.log" 2>&1; } 2>&1 ) \
    || { cat "$dir/out.log" >&2; echo "run failed: $dll" >&2; exit 1; }
  rm -rf "$dir"
  echo "$t" | awk '{printf "%.3f %.3f\n", $1, $2 + $3}'
}

sides=(before after-reshaping head-same-yaml head)
declare -A dll=([before]="$(cli "$old")" [after-reshaping]="$(cli "$mid")" [head-same-yaml]="$(cli "$root")" [head]="$(cli "$root")")
declare -A yaml=([before]="$old/examples/sales" [after-reshaping]="$old/examples/sales" [head-same-yaml]="$old/examples/sales" [head]="$root/examples/sales")
declare -A wall=() cpu=()
load_before="$(cat /proc/loadavg)"
for side in "${sides[@]}"; do run_once "${dll[$side]}" "${yaml[$side]}" >/dev/null; done   # warm the disk caches once
for ((r = 0; r < repeat; r++)); do
  for ((i = 0; i < ${#sides[@]}; i++)); do
    side="${sides[$(((i + r) % ${#sides[@]}))]}"
    read -r w c < <(run_once "${dll[$side]}" "${yaml[$side]}")
    wall[$side]="${wall[$side]:-} $w"; cpu[$side]="${cpu[$side]:-} $c"
    echo "$side $r: wall $w s, cpu $c s" >&2
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ratio() { echo "$1 $2" | awk '{printf "%.2f", $1 / $2}'; }
declare -A mw=() mc=()
for side in "${sides[@]}"; do mw[$side]=$(echo "${wall[$side]}" | median); mc[$side]=$(echo "${cpu[$side]}" | median); done
declare -A label=([before]="before: $before CLI, its YAML (baseline)" [after-reshaping]="right after the reshaping: $after CLI, the same YAML"
  [head-same-yaml]="HEAD CLI, the same YAML" [head]="HEAD CLI, HEAD's YAML (adds product checks, a metric)")
date=$(date -u +%Y-%m-%d)
mkdir -p "$results"
out="$results/issue8-sales-before-after-$date.md"
{
  echo "# Issue 8: \`sluice run\` of the sales example before and after the executor reshaping ($date)"
  echo
  echo "\`bench/sales-before-after.sh $repeat $before $after\`; before = $before ($(git -C "$root" log -1 --format=%s "$before" | cut -c1-60)...), the last commit before 28eab98 began the reshaping; after = $after ($(git -C "$root" log -1 --format=%s "$after" | cut -c1-40)...), where it ends; HEAD = $(git -C "$root" rev-parse --short HEAD). All CLIs built Release. Whole-process time of \`dotnet sluice.dll run sales_etl.yaml --date 2024-03-01\` (one interval, 18 tasks, \`SLUICE_PLAIN=1\`), a fresh copy of the example and a fresh state dir per run, sides rotating, $repeat runs each, medians. CPU is user + system time of the process, much less disturbed by other load than wall time. $(nproc) cores shared with other jobs."
  echo
  echo "| Side | Wall (median) | CPU (median) | Wall ratio | CPU ratio | Wall runs (s) |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for side in "${sides[@]}"; do
    echo "| ${label[$side]} | ${mw[$side]} s | ${mc[$side]} s | $(ratio "${mw[$side]}" "${mw[before]}")× | $(ratio "${mc[$side]}" "${mc[before]}")× | ${wall[$side]} |"
  done
  echo
  echo "Ratios are side / baseline (above 1 is slower)."
  echo
  echo "Load average before: $load_before; after: $(cat /proc/loadavg)."
} >"$out"
cat "$out"
