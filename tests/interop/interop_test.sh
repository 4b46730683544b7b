#!/usr/bin/env bash
# Wire-compatibility checks between our C++ greeter and the seed article's Node.js greeter
# (seed.proto + seed_server.js / seed_client.js on @grpc/grpc-js).
#
# Usage: interop_test.sh SERVER_BIN CLIENT_BIN
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, M failed"; exits 1 if any failed.
# Needs node and this directory's node_modules (npm ci).
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 SERVER_BIN CLIENT_BIN" >&2
  exit 2
fi
SERVER_BIN=$1
CLIENT_BIN=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Bounds, not delays: every wait below ends early as soon as its event happens.
START_TIMEOUT=5 # seconds for a server to print its "listening on" line
CALL_TIMEOUT=5  # seconds for one client run (seed_client.js also has a 5 s deadline)
STOP_TIMEOUT=5  # seconds for a server to exit after SIGTERM (ours drains for up to 5 s)

for f in "$SERVER_BIN" "$CLIENT_BIN"; do
  [[ -x $f ]] || { echo "not executable: $f" >&2; exit 2; }
done
[[ -d $HERE/node_modules/@grpc/grpc-js ]] || { echo "run 'npm ci' in $HERE first" >&2; exit 2; }

WORK=$(mktemp -d)
SERVER_PIDS=()

cleanup() {
  local pid
  # ${arr[@]+...}: an empty array is "unbound" under set -u in bash < 4.4.
  for pid in ${SERVER_PIDS[@]+"${SERVER_PIDS[@]}"}; do
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
fail() {
  FAILED=$((FAILED + 1))
  echo "not ok - $1"
  shift
  local line
  for line in "$@"; do echo "#   $line"; done
}

# start_server LABEL CMD...: runs CMD in the background and waits (bounded) for its
# "<x>-server listening on HOST:PORT" line. Sets SERVER_PID and SERVER_ADDR; returns 1 on failure.
# Stdout goes through a fifo so the read returns the moment the line is written.
start_server() {
  local label=$1 fifo="$WORK/$1.fifo" line=
  shift
  mkfifo "$fifo"
  "$@" >"$fifo" 2>"$WORK/$label.stderr" &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  # Opening the read end waits for the child to open the write end, which its shell does
  # before exec, so this cannot block for long. The fd stays open so later writes never SIGPIPE.
  exec {SERVER_FD}<"$fifo"
  rm -f "$fifo"
  if ! read -r -t "$START_TIMEOUT" -u "$SERVER_FD" line ||
    [[ ! $line =~ ^[a-z]+-server\ listening\ on\ (.+:[0-9]+)$ ]]; then
    fail "$label starts" "first stdout line: '${line}'" "stderr: $(head -c 500 "$WORK/$label.stderr")"
    return 1
  fi
  SERVER_ADDR=${BASH_REMATCH[1]}
}

# stop_server LABEL: SIGTERM, then a check that the server exited 0 within STOP_TIMEOUT.
# EOF on the server's stdout fifo says it has exited, so no polling or watchdog is needed.
stop_server() {
  local label=$1 rc=0 r=0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  while :; do
    read -r -t "$STOP_TIMEOUT" -u "$SERVER_FD" _ || { r=$?; break; }
  done
  exec {SERVER_FD}<&-
  if ((r > 128)); then # read timed out: the server ignored SIGTERM
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" || rc=$?
  if [[ $rc -eq 0 ]]; then
    pass "$label exits 0 on SIGTERM"
  else
    fail "$label exits 0 on SIGTERM" "exit status $rc" "stderr: $(head -c 500 "$WORK/$label.stderr")"
  fi
}

# run CMD...: runs CMD under timeout; sets OUT (stdout), ERR (stderr) and RC.
run() {
  RC=0
  OUT=$(timeout "$CALL_TIMEOUT" "$@" 2>"$WORK/run.stderr") || RC=$?
  ERR=$(<"$WORK/run.stderr")
}

# expect_out DESC WANT_RC WANT_STDOUT: checks the last run() exactly.
expect_out() {
  if [[ $RC -eq $2 && $OUT == "$3" ]]; then
    pass "$1"
  else
    fail "$1" "want exit $2, stdout '$3'" "got exit $RC, stdout '$OUT'" "stderr: $ERR"
  fi
}

SEED_CLIENT=(node "$HERE/seed_client.js")

# --- a + d. Seed Node server, our C++ client --------------------------------------------------
if start_server "seed server" node "$HERE/seed_server.js" 127.0.0.1:0; then
  run "$CLIENT_BIN" --target "$SERVER_ADDR" hello Alice
  expect_out "seed server + C++ client: hello Alice" 0 "Hello Alice"

  run "$CLIENT_BIN" --target "$SERVER_ADDR" --json hello Bob
  if [[ $RC -eq 0 ]] &&
    node -e 'process.exit(JSON.parse(process.argv[1]).message === "Hello Bob" ? 0 : 1)' "$OUT" 2>/dev/null; then
    pass "seed server + C++ client: --json hello Bob has message \"Hello Bob\""
  else
    fail "seed server + C++ client: --json hello Bob has message \"Hello Bob\"" \
      "got exit $RC, stdout '$OUT'" "stderr: $ERR"
  fi

  # The seed only has SayHello: our streaming methods must fail as UNIMPLEMENTED (64 + 12).
  run "$CLIENT_BIN" --target "$SERVER_ADDR" stream X
  if [[ $RC -eq 76 && $ERR == *UNIMPLEMENTED* ]]; then
    pass "seed server + C++ client: stream X fails with UNIMPLEMENTED (exit 76)"
  else
    fail "seed server + C++ client: stream X fails with UNIMPLEMENTED (exit 76)" \
      "got exit $RC, stdout '$OUT'" "stderr: $ERR"
  fi

  # The tour's unary step gets a reply; the seed does not say where calls come from, and the
  # tour must say that, not that no call got a reply.
  run "$CLIENT_BIN" --target "$SERVER_ADDR" tour Ada
  if [[ $OUT$ERR == *"Hello Ada"* && $OUT$ERR == *"does not report where calls come from"* ]]; then
    pass "seed server + C++ client: tour says the server does not report the connection"
  else
    fail "seed server + C++ client: tour says the server does not report the connection" \
      "got exit $RC, stdout '$OUT'" "stderr: $ERR"
  fi

  stop_server "seed server"
fi

# --- b. Our C++ server, seed Node client ------------------------------------------------------
if start_server "C++ server" "$SERVER_BIN" --listen 127.0.0.1:0 --quiet; then
  run "${SEED_CLIENT[@]}" "$SERVER_ADDR" Alice
  expect_out "C++ server + seed client: Alice" 0 "Hello Alice"

  run "${SEED_CLIENT[@]}" "$SERVER_ADDR" "Zoë 世界"
  expect_out "C++ server + seed client: non-ASCII UTF-8 name round-trips" 0 "Hello Zoë 世界"

  # The seed would answer "Hello "; ours must refuse with INVALID_ARGUMENT (3) naming the field.
  run "${SEED_CLIENT[@]}" "$SERVER_ADDR" ""
  if [[ $RC -eq 1 && $ERR =~ ^3\  && $ERR == *name* ]]; then
    pass "C++ server + seed client: empty name gives INVALID_ARGUMENT (3) mentioning name"
  else
    fail "C++ server + seed client: empty name gives INVALID_ARGUMENT (3) mentioning name" \
      "got exit $RC, stdout '$OUT'" "stderr: $ERR"
  fi

  stop_server "C++ server"
fi

echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
