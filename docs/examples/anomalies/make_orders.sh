#!/usr/bin/env bash
# Writes docs/examples/out/anomalies/orders_<day>.csv for 2024-01-27 .. 2024-03-03: about 100 orders
# a weekday, 300 on Saturdays and 20 on Sundays for five weeks, then (with "odd") a Saturday at weekday
# level and an empty Sunday, or (without) a usual weekend.
set -euo pipefail
out="$(dirname "$0")/../out/anomalies"
mkdir -p "$out"
orders() { { echo "id,amount"; if [ "$2" -gt 0 ]; then seq 1 "$2" | sed 's/$/,9.99/'; fi; } > "$out/orders_$1.csv"; }
for i in $(seq 0 36); do
  day=$(date -u -d "2024-01-27 + $i days" +%F)
  case $(date -u -d "$day" +%u) in
    6) n=$((290 + i % 20)) ;;
    7) n=$((18 + i % 5)) ;;
    *) n=$((95 + i % 10)) ;;
  esac
  orders "$day" "$n"
done
if [ "${1:-}" = "odd" ]; then
  orders 2024-03-02 100
  orders 2024-03-03 0
fi
