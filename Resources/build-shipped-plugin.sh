#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Builds the plugin as it ships: STATIC_BUILD (JsonCpp compiled in, so that the
# library needs nothing but the C/C++ runtime and OpenSSL and loads into the
# orthancteam image as into Debian's Orthanc), RelWithDebInfo. Installs the build
# dependencies first. Leaves a plain copy of the library (no symbolic link, debug
# information stripped: 146 MB -> a few MB, same code) in
# <build-dir>/shipped/libOrthancCors.so and prints its path.
#
#   Resources/build-shipped-plugin.sh <build-dir> [cmake arguments...]
#
# The test command builds with it (and -DBUILD_TESTING=ON), and so does
# Resources/Docker/Dockerfile (-DBUILD_TESTING=OFF): the library in the image is
# built the way the tested one is.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 <build-dir> [cmake arguments...]" >&2
  exit 2
fi
SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="$1"
shift
JOBS="${JOBS:-$(nproc)}"

"$SOURCE_DIR/Resources/install-dependencies.sh" --build-only >&2
cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTATIC_BUILD=ON "$@" >&2
cmake --build "$BUILD_DIR" -j "$JOBS" >&2
mkdir -p "$BUILD_DIR/shipped"
strip --strip-debug -o "$BUILD_DIR/shipped/libOrthancCors.so" "$(readlink -f "$BUILD_DIR/libOrthancCors.so")"
echo "$BUILD_DIR/shipped/libOrthancCors.so"
