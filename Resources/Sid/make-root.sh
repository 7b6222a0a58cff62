#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Makes (once) a Debian sid root holding the Orthanc that users of the orthancteam
# image run: Orthanc 1.13.0 with DICOMweb 1.24, which sid packages too, and sid's
# PostgreSQL plugin (for integration.test_scale_out). Prints its path. Cached under
# .cache/ and reused (Resources/cached-debian-root.sh).
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

. "$(dirname "${BASH_SOURCE[0]}")/../cached-debian-root.sh"

PACKAGES="orthanc,orthanc-dicomweb,orthanc-postgresql"

fill_sid_root()
{
  echo "Making a Debian sid root with $PACKAGES from $2 (about a minute; log: $3)" >&2
  debootstrap --variant=minbase --include="$PACKAGES" sid "$1" "$2" >"$3" 2>&1 ||
    debian_root_failed "debootstrap failed"
}

make_cached_debian_root debian-sid-orthanc "suite=sid variant=minbase include=$PACKAGES" fill_sid_root \
  orthanc orthanc-dicomweb orthanc-postgresql
