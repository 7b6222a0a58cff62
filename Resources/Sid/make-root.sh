#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Makes (once) a Debian sid root holding the Orthanc that users of the orthancteam
# image run: Orthanc 1.13.0 with DICOMweb 1.24, which sid packages too. Prints its
# path. Cached under .cache/ and reused; made in a temporary folder and renamed,
# under a lock, so that an interrupted or concurrent run leaves nothing half made.
# Resources/Sid/orthanc-in-root.sh runs that root's Orthanc.
#
#   Resources/Sid/make-root.sh            # -> .cache/debian-sid-orthanc
#
#   DEBIAN_MIRROR=http://...              # default: the machine's own Debian URI
#   ORTHANC_CORS_CACHE_DIR=DIR            # default: <source>/.cache
#
# Sid moves on and the archive keeps only its current packages, so no version can
# be pinned: the root holds what sid had the day it was made. The versions are
# written into the root's stamp (.orthanc-cors-root) and the test command prints
# those of each run; the tests assert what each Orthanc version must do.
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_DIR="${ORTHANC_CORS_CACHE_DIR:-$SOURCE_DIR/.cache}"
ROOT="$CACHE_DIR/debian-sid-orthanc"
PACKAGES="orthanc,orthanc-dicomweb"
STAMP_NAME=.orthanc-cors-root
REQUEST="suite=sid variant=minbase include=$PACKAGES"

is_made()
{
  [ -f "$ROOT/$STAMP_NAME" ] && [ "$(head -n 1 "$ROOT/$STAMP_NAME")" = "$REQUEST" ]
}

if is_made; then
  echo "$ROOT"
  exit 0
fi

if [ "$(id -u)" != "0" ]; then
  echo "make-root.sh: debootstrap, and running the root's Orthanc, need root" >&2
  exit 2
fi

mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/debian-sid-orthanc.lock"
flock 9
if is_made; then   # made by another run while this one waited
  echo "$ROOT"
  exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  echo "Installing: debootstrap" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2
fi

# The Debian archive this machine already reaches: the URIs of its own Debian
# sources (deb822), else the official one.
mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
  mirror="$(awk '/^[ \t]*URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)"
fi
mirror="${mirror:-http://deb.debian.org/debian}"

partial="$(mktemp -d "$CACHE_DIR/debian-sid-orthanc.partial.XXXXXX")"
log="$partial.log"
echo "Making a Debian sid root with $PACKAGES from $mirror (about a minute; log: $log)" >&2
if ! debootstrap --variant=minbase --include="$PACKAGES" sid "$partial" "$mirror" >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "make-root.sh: debootstrap failed; log: $log" >&2
  grep -o " $partial/[^ ]*" /proc/mounts | sort -r | xargs -r -n 1 umount -l || true
  rm -rf --one-file-system "$partial"
  exit 1
fi
{
  echo "$REQUEST"
  chroot "$partial" dpkg-query -W orthanc orthanc-dicomweb
} > "$partial/$STAMP_NAME"

rm -rf --one-file-system "$ROOT"
mv -T "$partial" "$ROOT"
rm -f "$log"
cat "$ROOT/$STAMP_NAME" | tail -n +2 | sed 's/^/  /' >&2
echo "$ROOT"
