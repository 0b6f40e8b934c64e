#!/usr/bin/env bash
# SMTP catcher for the alerting tests: Debian's python3-aiosmtpd on a free loopback port, storing
# every message it receives in a Maildir under $SLUICE_TEST_RUN_DIR/smtp, which tests read back.
# Sourced by test.sh (see README.md here): it must not exit; it returns 1 after saying what broke.

sluice_smtp_start() {
  local here port maildir log pid tries
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  # Debian's module lives beside Debian's interpreter; another python3 earlier on PATH lacks it.
  if ! /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null 2>&1 ||
      { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null; } ||
      { echo "smtp: apt-get install python3-aiosmtpd failed" >&2; return 1; }
  fi

  port="$(bash "$here/../free-port.sh")"
  maildir="${SLUICE_TEST_RUN_DIR:?SLUICE_TEST_RUN_DIR must be set}/smtp/mail"
  log="$SLUICE_TEST_RUN_DIR/smtp.log"
  mkdir -p "$(dirname "$maildir")"
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$maildir" >"$log" 2>&1 &
  pid=$!

  for tries in $(seq 1 101); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "smtp: aiosmtpd exited before answering; its log ($log):" >&2
      cat "$log" >&2
      return 1
    fi
    [ "$tries" -lt 101 ] && sleep 0.1
  done
  if [ "$tries" -eq 101 ]; then
    echo "smtp: aiosmtpd did not answer on 127.0.0.1:$port within 10 s; its log is $log." >&2
    kill "$pid" 2>/dev/null
    return 1
  fi

  export SLUICE_TEST_SMTP_HOST=127.0.0.1
  export SLUICE_TEST_SMTP_PORT="$port"
  export SLUICE_TEST_SMTP_MAILDIR="$maildir"
  STOP_COMMANDS+=("kill $pid")
  echo "smtp: aiosmtpd on 127.0.0.1:$port (messages in $maildir, pid $pid)"
}

sluice_smtp_start
