#!/usr/bin/env bash
# Serves the demo portal. With the federation demo available (`ckan opengov demo portals`), it
# first starts the replayed remote portals in the background on REPLAY_PORT, harvests them
# into the demo, then runs CKAN in the foreground; the replay server is stopped when
# `ckan run` exits (Ctrl+C included). Without it, CKAN is served alone, with a message.
# Usage: scripts/serve-demo.sh VENV_BIN INI PORT REPLAY_PORT
set -euo pipefail
BIN=$1 INI=$2 PORT=$3 REPLAY_PORT=$4
CKAN=("$BIN/ckan" -c "$INI")
REPLAY_URL="http://127.0.0.1:${REPLAY_PORT}"
LOG=.run/portals.log
replay_pid=""

stop_replay() {
  if [ -n "$replay_pid" ] && kill -0 "$replay_pid" 2>/dev/null; then
    kill "$replay_pid" 2>/dev/null || true
    wait "$replay_pid" 2>/dev/null || true
  fi
}
trap stop_replay EXIT
# Background jobs of a script ignore Ctrl+C: stop the replay ourselves, then leave.
trap 'exit 130' INT
trap 'exit 143' TERM

answers() {
  # Any HTTP answer (even an error status) means the server is up.
  "$BIN/python" - "$1" <<'PY' >/dev/null 2>&1
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    pass
PY
}

if "${CKAN[@]}" opengov demo portals --help >/dev/null 2>&1; then
  mkdir -p .run
  if answers "$REPLAY_URL/"; then
    echo "==> Port ${REPLAY_PORT} already answers: harvesting from it (no replay server started)"
  else
    echo "==> Replaying the remote portals of the federation demo on ${REPLAY_URL} (log: ${LOG})"
    "${CKAN[@]}" opengov demo portals serve --port "$REPLAY_PORT" >"$LOG" 2>&1 &
    replay_pid=$!
    for _ in $(seq 1 120); do
      answers "$REPLAY_URL/" && break
      if ! kill -0 "$replay_pid" 2>/dev/null; then
        echo "!! The replay server stopped; see ${LOG}" >&2
        replay_pid=""
        break
      fi
      sleep 0.5
    done
  fi
  echo "==> Harvesting the replayed portals"
  if ! "${CKAN[@]}" opengov demo portals harvest --base-url "$REPLAY_URL"; then
    echo "!! The harvest reported errors (see above); the portal is served anyway" >&2
  fi
else
  echo "==> Federation demo skipped: 'ckan opengov demo portals' is not available in this install"
fi

echo
echo "  Portal:   http://127.0.0.1:${PORT}/  (français: http://127.0.0.1:${PORT}/fr/)"
echo "  Log in:   http://127.0.0.1:${PORT}/user/login  as  admin / opengov-demo"
echo "  Config:   ${INI}  (regenerate it with: rm ${INI} && make demo)"
[ -n "$replay_pid" ] && echo "  Replayed portals: ${REPLAY_URL}/  (stopped with the portal)"
echo
"${CKAN[@]}" run -H 127.0.0.1 -p "$PORT" --disable-reloader --disable-debugger --threaded
