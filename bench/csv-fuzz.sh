#!/usr/bin/env bash
# A longer run of the CSV fuzz test (tests/Sluice.IntegrationTests/CsvFuzz): COUNT generated files
# from SEED on, plus the committed corpus. Prints how many files were tried and how each ended.
# Usage: bench/csv-fuzz.sh [COUNT] [SEED]     e.g. bench/csv-fuzz.sh 2000 1
set -euo pipefail
cd "$(dirname "$0")/.."
export SLUICE_CSV_FUZZ_COUNT="${1:-1000}"
export SLUICE_CSV_FUZZ_SEED="${2:-1}"
dotnet test tests/Sluice.IntegrationTests -c Release \
  --filter "FullyQualifiedName~CsvFuzzTests" --logger "console;verbosity=detailed" \
  | grep -a -E "csv fuzz|seed-|\.csv:|Passed!|Failed!"
