#!/usr/bin/env bash
# Makes (once) a Debian sid root holding the Orthanc that users of the orthancteam
# image run: Orthanc 1.13.0 with DICOMweb 1.24, which sid packages too. Prints its
# path. Cached under .cache/ and reused while its package list is the same; the
# root is made in a temporary folder and renamed, so an interrupted run leaves
# nothing half made. Resources/Sid/orthanc-in-root.sh runs that root's Orthanc.
#
#   Resources/Sid/make-root.sh            # -> .cache/debian-sid-orthanc
#
#   DEBIAN_MIRROR=http://...              # default: the machine's own Debian URI
#   ORTHANC_CORS_CACHE_DIR=DIR            # default: <source>/.cache
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_DIR="${ORTHANC_CORS_CACHE_DIR:-$SOURCE_DIR/.cache}"
ROOT="$CACHE_DIR/debian-sid-orthanc"
PACKAGES="orthanc,orthanc-dicomweb"
# Written last into a finished root: what it was made with.
STAMP="$ROOT/.orthanc-cors-root"
stamp_text="suite=sid variant=minbase include=$PACKAGES"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$stamp_text" ]; then
  echo "$ROOT"
  exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  echo "Installing: debootstrap" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends debootstrap >&2
fi

# The archive this machine already reaches (its deb822 or one-line sources).
mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror="$(grep -h -o -E '(URIs:[[:space:]]*|^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?)https?://[^[:space:]]+/debian/?([[:space:]]|$)' \
              /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
            | grep -o -E 'https?://[^[:space:]]+' | head -n 1 || true)"
fi
mirror="${mirror:-http://deb.debian.org/debian}"

mkdir -p "$CACHE_DIR"
partial="$(mktemp -d "$CACHE_DIR/debian-sid-orthanc.partial.XXXXXX")"
log="$partial.log"
echo "Making a Debian sid root with $PACKAGES from $mirror (about a minute; log: $log)" >&2
if ! $SUDO debootstrap --variant=minbase --include="$PACKAGES" sid "$partial" "$mirror" >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "make-root.sh: debootstrap failed; log: $log" >&2
  $SUDO rm -rf "$partial"
  exit 1
fi
# Name resolution of "localhost" inside the root, as on the machine.
$SUDO cp /etc/hosts "$partial/etc/hosts"
echo "$stamp_text" | $SUDO tee "$partial/.orthanc-cors-root" >/dev/null

$SUDO rm -rf "$ROOT"
mv "$partial" "$ROOT"
rm -f "$log"
echo "$ROOT"
