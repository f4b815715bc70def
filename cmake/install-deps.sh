#!/bin/sh
# Installs every Debian package that building, testing and running the demo need.
# Idempotent: when everything is present it only runs dpkg-query (well under a second)
# and never touches the network; `apt-get update` runs only when something is missing.
set -eu

PACKAGES="
  build-essential cmake pkg-config ca-certificates
  libcurl4-openssl-dev libsqlite3-dev sqlite3 rapidjson-dev zlib1g-dev libssl-dev libsodium-dev
  libboost-dev libboost-test-dev
  curl nginx-light wrk
"

missing=""
for p in $PACKAGES; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    "install ok installed") ;;
    *) missing="$missing $p" ;;
  esac
done

if [ -z "$missing" ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
# nginx-light is a benchmark anchor only: never leave a system nginx listening on :80.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true; fi
if [ -f /run/nginx.pid ]; then $SUDO nginx -s stop >/dev/null 2>&1 || true; fi
echo "install-deps: done"
