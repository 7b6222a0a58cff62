#!/usr/bin/env bash
# The main job: installs what is missing, builds the plugin, and starts Orthanc with
# the plugin and DICOMweb, a sample CT study, and the OHIF viewer on another origin
# (http://localhost:3000) reading it through the plugin's gateway. Prints the URLs.
# Ctrl-C stops everything.
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ORTHANC_CORS_BUILD_DIR:-$SOURCE_DIR/build}"

"$SOURCE_DIR/Resources/install-dependencies.sh"
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm
fi

cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target OrthancCors

OHIF_DIST="$("$SOURCE_DIR/Resources/fetch-ohif.sh")"
export PYTHONPATH="$SOURCE_DIR/Resources/Python${PYTHONPATH:+:$PYTHONPATH}"
exec python3 "$SOURCE_DIR/Resources/Demo/demo.py" --plugin "$BUILD_DIR/libOrthancCors.so" --ohif "$OHIF_DIST" "$@"
