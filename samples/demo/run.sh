#!/bin/sh
# Runs the demo: starts helpline-server on an embedded SQLite file (loopback, ephemeral port),
# then the sample C app against it, and stops the server. Usage: samples/demo/run.sh [build dir]
set -eu
BUILD=${1:-build/default}
SERVER="$BUILD/samples/server/helpline-server"
DEMO="$BUILD/samples/demo/helpline-demo"
for f in "$SERVER" "$DEMO"; do
  [ -x "$f" ] || { echo "run.sh: $f is missing; build first (cmake --build --preset default)" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/helpline-demo.XXXXXX")
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

cat > "$WORK/server.json" <<JSON
{ "apps": [ { "app_key": "pk_demo", "app_secret": "demo-secret-0123456789", "name": "Demo app" } ] }
JSON

echo "== starting helpline-server (SQLite file $WORK/helpline.db)"
"$SERVER" --listen 127.0.0.1:0 --db "$WORK/helpline.db" --config "$WORK/server.json" \
  --access-log "$WORK/access.log" > "$WORK/out" 2> "$WORK/server.log" &
SERVER_PID=$!
i=0
until LINE=$(grep -m1 '^listening on ' "$WORK/out" 2>/dev/null); do
  i=$((i + 1))
  if [ "$i" -gt 200 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "run.sh: server did not start" >&2; exit 1; fi
  sleep 0.05
done
ENDPOINT="http://${LINE#listening on }"
echo "== server $LINE"

echo "== running the sample app (samples/demo/demo.c)"
"$DEMO" "$ENDPOINT" pk_demo "$WORK/app-data"

echo "== server access log: $(wc -l < "$WORK/access.log") request(s)"
echo "== demo finished"
