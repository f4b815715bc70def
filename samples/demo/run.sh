#!/bin/sh
# Runs the demo: starts helpline-server on an embedded SQLite file (loopback, ephemeral port),
# then the sample C app against it, and stops the server. Usage: samples/demo/run.sh [build dir]
set -eu
BUILD=${1:-build/default}
SERVER="$BUILD/samples/server/helpline-server"
DEMO="$BUILD/samples/demo/helpline-demo"
CLI="$BUILD/samples/cli/helpline-cli"
for f in "$SERVER" "$DEMO" "$CLI"; do
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

AGENT_EMAIL=agent@demo.example
AGENT_PASSWORD=demo-password-123
"$SERVER" admin add-agent --db "$WORK/helpline.db" --app pk_demo --email "$AGENT_EMAIL" \
  --password "$AGENT_PASSWORD" --role admin > /dev/null

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

TOKEN=$(curl -sf -H 'X-Helpline-App-Key: pk_demo' -H 'Content-Type: application/json' \
  -d "{\"email\":\"$AGENT_EMAIL\",\"password\":\"$AGENT_PASSWORD\"}" "$ENDPOINT/v1/agent/login" |
  sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
agent() { # agent <method> <path> [json]
  curl -sf -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"} \
    "$ENDPOINT$2"
}
echo "== seeding the help center (agent API): 1 section, 3 articles"
agent POST /v1/agent/faq/sections '{"id":"sec-connect","locale":"en","title":"Connectivity"}' > /dev/null
agent POST /v1/agent/faq/articles '{"id":"wifi-drops","section_id":"sec-connect","locale":"en","title":"Thermostat keeps disconnecting from Wi-Fi","body":"If your thermostat loses its Wi-Fi connection, move the router closer, switch to the 2.4 GHz band and update the firmware.","tags":["wifi","connection","offline"]}' > /dev/null
agent POST /v1/agent/faq/articles '{"id":"reset-password","section_id":"sec-connect","locale":"en","title":"Reset your password","body":"Open the app, tap Account, then Forgot password, and follow the e-mail link.","tags":["login","account"]}' > /dev/null
agent POST /v1/agent/faq/articles '{"id":"error-e42","section_id":"sec-connect","locale":"en","title":"Error E42: sensor not responding","body":"E42 means the temperature sensor did not answer. Power-cycle the unit; if it persists, contact support.","tags":["E42","sensor"]}' > /dev/null

echo "== running the sample app (samples/demo/demo.c)"
"$DEMO" "$ENDPOINT" pk_demo "$WORK/app-data"

echo "== helpline-cli (samples/cli): a ticket from the terminal, an agent answers, the device sees it"
export HELPLINE_ENDPOINT="$ENDPOINT" HELPLINE_APP_KEY=pk_demo HELPLINE_DATA_DIR="$WORK/cli-data"
printf 'printer model X100, firmware 2.3.1\n' > "$WORK/printer.log"
OUT=$("$CLI" --wait 2000 ticket new "Printer jams on page 2" "Every second page jams since the update." \
  --attach "$WORK/printer.log" --mime text/plain)
echo "$OUT" | sed 's/^/   /'
TICKET=$(echo "$OUT" | sed -n 's/^ticket \([^ ]*\) created$/\1/p')
[ -n "$TICKET" ] || { echo "run.sh: helpline-cli did not create a ticket" >&2; exit 1; }
agent POST "/v1/agent/tickets/$TICKET/messages" \
  '{"body":"Thanks! Please update to firmware 2.3.2, it fixes the jam."}' > /dev/null
echo "   (agent $AGENT_EMAIL replied through the agent API)"
"$CLI" --wait 1500 ticket show "$TICKET" | sed 's/^/   /'
"$CLI" --wait 500 ticket reply "$TICKET" "Updated, works now. Thank you!" | sed 's/^/   /'

echo "== privacy (helpline-cli on a second device): a ticket, its owner's data export, then erase everywhere"
export HELPLINE_DATA_DIR="$WORK/privacy-data"
"$CLI" --wait 1500 ticket new "Delete my account" "Please remove everything about me." | sed 's/^/   /'
"$CLI" --wait 3000 privacy export | cut -c1-200 | sed 's/^/   /'
"$CLI" --wait 2000 privacy erase | sed 's/^/   /'

echo "== server access log: $(wc -l < "$WORK/access.log") request(s)"
echo "== agent console: $ENDPOINT/console/  (log in as $AGENT_EMAIL / $AGENT_PASSWORD, app pk_demo)"
if [ -t 0 ] && [ -z "${CI:-}" ]; then
  echo "== the server keeps running so you can answer the demo tickets in the console; press Enter to stop"
  read -r _
fi
echo "== demo finished"
