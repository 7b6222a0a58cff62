#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Fetches JsonCpp's upstream tarball (libjsoncpp_1.9.5.orig.tar.gz) from Debian's
# source package, for STATIC_BUILD: Debian ships no static libjsoncpp, and the
# orthancteam Docker image ships another JsonCpp than Debian's.
#
#   fetch-jsoncpp-source.sh <destination-tarball> <work-folder>
#
# apt runs with a private configuration inside <work-folder> (a deb-src entry
# copied from the machine's own Debian sources, its own lists and cache), so the
# system's sources, lists and caches are left untouched. Integrity: apt checks the
# signed InRelease against Debian's keyring, the Sources index against InRelease,
# and the .dsc and tarball against the Sources index; this script checks the
# tarball once more against the .dsc's Checksums-Sha256. The caller (CMake)
# compares it with the SHA-256 it pins.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 <destination-tarball> <work-folder>" >&2
  exit 2
fi
destination=$1
work=$2

PACKAGE=libjsoncpp
SUITE=bookworm
TARBALL=libjsoncpp_1.9.5.orig.tar.gz
SYSTEM_SOURCES=/etc/apt/sources.list.d/debian.sources
DEFAULT_URI=http://deb.debian.org/debian
DEFAULT_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# URIs and Signed-By of the deb822 stanza of the machine's sources that lists the
# suite, so a configured mirror (or snapshot) keeps being used.
read_system_source()
{
  awk -v suite="$SUITE" '
    function flush() {
      if (hasSuite && uris != "" && !done) { print uris "\t" signedBy; done = 1 }
      uris = ""; signedBy = ""; hasSuite = 0
    }
    /^[ \t]*#/ { next }
    /^[ \t]*$/ { flush(); next }
    tolower($1) == "uris:"      { uris = $2 }
    tolower($1) == "signed-by:" && $2 ~ /^\// { signedBy = $2 }   # a keyring path, not an inline key
    tolower($1) == "suites:"    { for (i = 2; i <= NF; i++) if ($i == suite) hasSuite = 1 }
    END { flush() }
  ' "$SYSTEM_SOURCES"
}

uri=$DEFAULT_URI
keyring=""
if [ -r "$SYSTEM_SOURCES" ]; then
  found=$(read_system_source)
  if [ -n "$found" ]; then
    uri=${found%%$'\t'*}
    keyring=${found#*$'\t'}
  fi
fi
if [ -z "$keyring" ] && [ -r "$DEFAULT_KEYRING" ]; then
  keyring=$DEFAULT_KEYRING
fi

rm -rf "$work"
mkdir -p "$work/sources.list.d" "$work/lists/partial" "$work/cache/archives/partial" "$work/download"
{
  echo "Types: deb-src"
  echo "URIs: $uri"
  echo "Suites: $SUITE"
  echo "Components: main"
  if [ -n "$keyring" ]; then
    echo "Signed-By: $keyring"
  fi
} > "$work/sources.list.d/jsoncpp-source.sources"

apt_options=(
  -o "Dir::Etc::SourceList=/dev/null"
  -o "Dir::Etc::SourceParts=$work/sources.list.d"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache=$work/cache"
  -o "Dir::Cache::pkgcache="
  -o "Dir::Cache::srcpkgcache="
)
if [ "$(id -u)" = "0" ]; then
  # The unprivileged _apt user cannot write into a build folder; apt would fall
  # back to root with a warning anyway. The signature checks stay the same.
  apt_options+=(-o "APT::Sandbox::User=root")
fi

echo "Fetching $TARBALL from the deb-src of $uri $SUITE"
apt-get "${apt_options[@]}" -qq update
(cd "$work/download" && apt-get "${apt_options[@]}" -qq source --download-only "$PACKAGE")

downloaded="$work/download/$TARBALL"
shopt -s nullglob
dscs=("$work"/download/"${PACKAGE}"_*.dsc)
dsc=${dscs[0]:-}
if [ ! -f "$downloaded" ] || [ -z "$dsc" ]; then
  echo "error: apt-get source $PACKAGE ($SUITE) did not provide $TARBALL" >&2
  ls -l "$work/download" >&2
  exit 1
fi

expected=$(awk -v file="$TARBALL" '
  /^Checksums-Sha256:/ { inside = 1; next }
  /^[^ ]/              { inside = 0 }
  inside && $3 == file { print $1 }
' "$dsc")
actual=$(sha256sum "$downloaded" | cut -d ' ' -f 1)
if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
  echo "error: SHA-256 of $TARBALL is $actual, $(basename "$dsc") says '${expected}'" >&2
  exit 1
fi

# Atomic, so an interrupted run never leaves a truncated tarball in the cache.
mkdir -p "$(dirname "$destination")"
cp "$downloaded" "$destination.partial.$$"
mv -f "$destination.partial.$$" "$destination"
echo "Stored $destination (SHA-256 $actual, checked against $(basename "$dsc"))"
