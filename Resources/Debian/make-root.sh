#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Makes (once) a clean Debian bookworm root with Debian's orthanc installed as an
# administrator installs it (apt-get install orthanc), for the test of the Debian
# package (Resources/Debian/test-package.sh), which installs the package into a
# throwaway overlay of it. Prints its path. Cached under .cache/ and reused
# (Resources/cached-debian-root.sh).
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

. "$(dirname "${BASH_SOURCE[0]}")/../cached-debian-root.sh"

fill_bookworm_root()
{
  echo "Making a Debian bookworm root with orthanc from $2 (log: $3)" >&2
  debootstrap --variant=minbase bookworm "$1" "$2" >"$3" 2>&1 || debian_root_failed "debootstrap failed"

  # No package installed in this root may start a daemon: it is a root to run
  # Orthanc in on demand, not a machine (the standard policy-rc.d of chroots).
  printf '#!/bin/sh\nexit 101\n' > "$1/usr/sbin/policy-rc.d"
  chmod 0755 "$1/usr/sbin/policy-rc.d"

  # In a mount namespace of its own, so that /proc and /dev are unmounted when apt
  # is done, whatever happens.
  unshare --mount --propagation private bash -c '
    set -e
    mount -t proc proc "$1/proc"
    mount --rbind /dev "$1/dev"
    chroot "$1" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 sh -c \
      "apt-get update && apt-get install -y orthanc && apt-get clean"
  ' make-root "$1" >>"$3" 2>&1 || debian_root_failed "apt-get install orthanc failed"
}

make_cached_debian_root debian-bookworm-orthanc "suite=bookworm variant=minbase apt-get-install=orthanc" \
  fill_bookworm_root orthanc
