#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Makes (once) a clean Debian bookworm root with Debian's orthanc installed as an
# administrator installs it (apt-get install orthanc), for the test of the Debian
# package (Resources/Debian/test-package.sh), which installs the package into a
# throwaway overlay of it. Prints its path. Cached under .cache/ and reused; made in
# a temporary folder and renamed, under a lock, so that an interrupted or concurrent
# run leaves nothing half made (as Resources/Sid/make-root.sh makes the sid root).
#
#   Resources/Debian/make-root.sh         # -> .cache/debian-bookworm-orthanc
#
#   DEBIAN_MIRROR=http://...              # default: the machine's own Debian URI
#   ORTHANC_CORS_CACHE_DIR=DIR            # default: <source>/.cache
#
# Orthanc is installed by apt-get inside the root rather than by debootstrap's
# --include: on bookworm, debootstrap cannot resolve orthanc's dependency on a
# virtual Boost package, which apt can.
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_DIR="${ORTHANC_CORS_CACHE_DIR:-$SOURCE_DIR/.cache}"
NAME=debian-bookworm-orthanc
ROOT="$CACHE_DIR/$NAME"
STAMP_NAME=.orthanc-cors-root
REQUEST="suite=bookworm variant=minbase apt-get-install=orthanc"

is_made()
{
  [ -f "$ROOT/$STAMP_NAME" ] && [ "$(head -n 1 "$ROOT/$STAMP_NAME")" = "$REQUEST" ]
}

if is_made; then
  echo "$ROOT"
  exit 0
fi

if [ "$(id -u)" != "0" ]; then
  echo "make-root.sh: debootstrap and chroot need root" >&2
  exit 2
fi

mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/$NAME.lock"
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

partial="$(mktemp -d "$CACHE_DIR/$NAME.partial.XXXXXX")"
# mktemp's 0700 would become the root's "/", which Orthanc's own user could not
# enter in a copy of the root.
chmod 0755 "$partial"
log="$partial.log"
failed()
{
  tail -n 20 "$log" >&2
  echo "make-root.sh: $1; log: $log" >&2
  grep -o " $partial/[^ ]*" /proc/mounts | sort -r | xargs -r -n 1 umount -l || true
  rm -rf --one-file-system "$partial"
  exit 1
}

echo "Making a Debian bookworm root with orthanc from $mirror (log: $log)" >&2
debootstrap --variant=minbase bookworm "$partial" "$mirror" >"$log" 2>&1 || failed "debootstrap failed"

# No package installed in this root may start a daemon: it is a root to run
# Orthanc in on demand, not a machine (the standard policy-rc.d of chroots).
printf '#!/bin/sh\nexit 101\n' > "$partial/usr/sbin/policy-rc.d"
chmod 0755 "$partial/usr/sbin/policy-rc.d"

# In a mount namespace of its own, so that /proc and /dev are unmounted when apt
# is done, whatever happens.
unshare --mount --propagation private bash -c '
  set -e
  mount -t proc proc "$1/proc"
  mount --rbind /dev "$1/dev"
  chroot "$1" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 sh -c \
    "apt-get update && apt-get install -y orthanc && apt-get clean"
' make-root "$partial" >>"$log" 2>&1 || failed "apt-get install orthanc failed"

{
  echo "$REQUEST"
  chroot "$partial" dpkg-query -W orthanc
} > "$partial/$STAMP_NAME"

rm -rf --one-file-system "$ROOT"
mv -T "$partial" "$ROOT"
rm -f "$log"
tail -n +2 "$ROOT/$STAMP_NAME" | sed 's/^/  /' >&2
echo "$ROOT"
