#!/usr/bin/env bash
# S3-compatible server for the S3 connector tests: s3rver from npm, pinned by package-lock.json
# in scripts/services/s3/, on a free loopback port with its buckets under $SLUICE_TEST_RUN_DIR/s3.
# Sourced by test.sh (see README.md here): it must not exit; it returns 1 after saying what broke.

sluice_s3_start() {
  local here package port data log pid tries
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  package="$here/s3"
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "s3: node and npm are needed to run s3rver; install Node.js 20 (apt-get install -y nodejs npm)." >&2
    return 1
  fi

  # npm ci installs exactly the locked versions; skipped when that tree is already in place.
  if [ ! -x "$package/node_modules/.bin/s3rver" ] || [ "$package/package-lock.json" -nt "$package/node_modules/.package-lock.json" ]; then
    if ! (cd "$package" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
      echo "s3: 'npm ci' in $package failed; check that the npm registry is reachable." >&2
      return 1
    fi
  fi

  port="$(bash "$here/../free-port.sh")"
  data="${SLUICE_TEST_RUN_DIR:?SLUICE_TEST_RUN_DIR must be set}/s3"
  log="$SLUICE_TEST_RUN_DIR/s3rver.log"
  mkdir -p "$data"
  # s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 17+) only
  # offers through its legacy provider; without it every paginated listing fails with InternalError.
  (cd "$package" && exec node --openssl-legacy-provider node_modules/.bin/s3rver -d "$data" -a 127.0.0.1 -p "$port" --silent --configure-bucket sluice-test) >"$log" 2>&1 &
  pid=$!

  # Any HTTP status means it is up (an unsigned request may well be refused); 000 means no answer yet.
  for tries in $(seq 1 101); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null)" != "000" ]; then
      break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "s3: s3rver exited before answering; its log ($log):" >&2
      cat "$log" >&2
      return 1
    fi
    [ "$tries" -lt 101 ] && sleep 0.1
  done
  if [ "$tries" -eq 101 ]; then
    echo "s3: s3rver did not answer on 127.0.0.1:$port within 10 s; its log is $log." >&2
    kill "$pid" 2>/dev/null
    return 1
  fi

  export SLUICE_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
  export SLUICE_TEST_S3_ACCESS_KEY=S3RVER
  export SLUICE_TEST_S3_SECRET_KEY=S3RVER
  export SLUICE_TEST_S3_BUCKET=sluice-test
  STOP_COMMANDS+=("kill $pid")
  echo "s3: s3rver on $SLUICE_TEST_S3_ENDPOINT (bucket sluice-test, pid $pid)"
}

sluice_s3_start
