#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Fetches the published OHIF viewer build (npm package @ohif/app, its dist/) into
# a cache folder and prints the path of dist/. Downloads only when not cached.
#
#   Resources/fetch-ohif.sh [version]
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="${1:-${OHIF_VERSION:-3.13.2}}"
CACHE_DIR="${ORTHANC_CORS_CACHE_DIR:-$SOURCE_DIR/.cache}/ohif/$VERSION"

if [ ! -f "$CACHE_DIR/dist/index.html" ]; then
  command -v npm >/dev/null 2>&1 || { echo "npm is needed (apt-get install npm)" >&2; exit 1; }
  rm -rf "$CACHE_DIR.partial"
  mkdir -p "$CACHE_DIR.partial"
  (cd "$CACHE_DIR.partial" && npm pack --silent "@ohif/app@$VERSION" >/dev/null)
  tar -xzf "$CACHE_DIR.partial"/ohif-app-"$VERSION".tgz -C "$CACHE_DIR.partial" package/dist
  rm -rf "$CACHE_DIR"
  mkdir -p "$(dirname "$CACHE_DIR")"
  mv "$CACHE_DIR.partial/package" "$CACHE_DIR"
  rm -rf "$CACHE_DIR.partial"
fi
echo "$CACHE_DIR/dist"
