#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Installs what the end-to-end suite needs beyond the integration tests:
#   - Debian's `chromium` (the browser the suite drives; never a browser downloaded
#     by Playwright, which cannot be fetched where CI runs),
#   - Debian's `npm` when no npm is on the PATH,
#   - the npm package `playwright-core` (the driver only, no browser) in a cache
#     folder, by default <source>/.cache/e2e-node/, reused between runs.
# playwright-core 1.61 is the newest that still runs on Debian bookworm's Node 18.
# Idempotent: apt-get update runs only when a Debian package is missing, npm only
# when the cached playwright-core is not the wanted version. Prints the folder
# holding node_modules/ (what NODE_PATH should point at, minus node_modules).
#
#   Resources/install-e2e-dependencies.sh
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_ROOT="${ORTHANC_CORS_CACHE_DIR:-$SOURCE_DIR/.cache}"
PLAYWRIGHT_VERSION="${PLAYWRIGHT_CORE_VERSION:-1.61.0}"
NODE_DIR="$CACHE_ROOT/e2e-node/playwright-core-$PLAYWRIGHT_VERSION"

SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi

missing=()
if ! dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed"; then
  missing+=(chromium)
fi
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  missing+=(npm)   # brings Debian's nodejs along
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if [ ! -f "$NODE_DIR/node_modules/playwright-core/package.json" ]; then
  echo "Installing playwright-core $PLAYWRIGHT_VERSION into $NODE_DIR" >&2
  rm -rf "$NODE_DIR.partial"
  mkdir -p "$NODE_DIR.partial"
  # playwright-core has no install script and downloads no browser; --ignore-scripts
  # keeps it that way whatever a future release does.
  (cd "$NODE_DIR.partial" \
    && echo '{"private": true}' > package.json \
    && npm install --silent --no-audit --no-fund --ignore-scripts "playwright-core@$PLAYWRIGHT_VERSION" >&2)
  rm -rf "$NODE_DIR"
  mv "$NODE_DIR.partial" "$NODE_DIR"
fi
echo "$NODE_DIR"
