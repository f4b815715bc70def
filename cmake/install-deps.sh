#!/bin/sh
# Installs every Debian package that building, testing and running the demo need, and the browser tests'
# npm package (playwright-core, tests/browser).
# Idempotent: when everything is present it only runs dpkg-query and compares one checksum (well under a
# second) and never touches the network; `apt-get update` runs only when something is missing, `npm ci` only
# when tests/browser/node_modules is missing or package-lock.json changed.
set -eu

PACKAGES="
  build-essential cmake pkg-config ca-certificates clang-format-14
  libcurl4-openssl-dev libsqlite3-dev sqlite3 rapidjson-dev zlib1g-dev libssl-dev libsodium-dev
  libboost-dev libboost-test-dev libstemmer-dev wordnet-base
  curl nginx-light wrk
  chromium
"
# Node.js for the browser tests: Debian's, unless a node/npm is already on PATH (e.g. from NodeSource).
command -v node >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs"
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

missing=""
for p in $PACKAGES; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    "install ok installed") ;;
    *) missing="$missing $p" ;;
  esac
done

if [ -n "$missing" ]; then
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
fi

# playwright-core for tests/browser, exactly as locked. The stamp records which lockfile was installed.
BROWSER_TESTS="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
if [ -f "$BROWSER_TESTS/package-lock.json" ]; then
  want=$(sha256sum "$BROWSER_TESTS/package-lock.json" | cut -d' ' -f1)
  have=$(cat "$BROWSER_TESTS/node_modules/.helpline-lock-sha256" 2>/dev/null || true)
  if [ "$want" != "$have" ]; then
    echo "install-deps: npm ci in tests/browser"
    (cd "$BROWSER_TESTS" && npm ci --no-audit --no-fund --loglevel=error </dev/null)
    echo "$want" > "$BROWSER_TESTS/node_modules/.helpline-lock-sha256"
  fi
fi
