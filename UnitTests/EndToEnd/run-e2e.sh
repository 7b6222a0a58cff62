#!/usr/bin/env bash
# The end-to-end suite: OHIF in headless Chromium against a real Orthanc with this
# plugin. Sets up what it needs (Debian's chromium, playwright-core and OHIF's build
# from npm, cached under .cache/ between runs), then runs node's test runner.
#
#   ORTHANC_CORS_PLUGIN=build/libOrthancCors.so UnitTests/EndToEnd/run-e2e.sh [artifacts-dir]
#
# CTest runs it with the plugin and <build>/e2e-artifacts (ctest -L e2e).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SOURCE_DIR="$(cd "$HERE/../.." && pwd)"

: "${ORTHANC_CORS_PLUGIN:?set ORTHANC_CORS_PLUGIN to the path of libOrthancCors.so}"
ARTIFACTS="${1:-${E2E_ARTIFACTS_DIR:-$PWD/e2e-artifacts}}"

# Orthanc and its DICOMweb plugin (the integration tests' dependencies), then the browser side.
"$SOURCE_DIR/Resources/install-dependencies.sh"
E2E_NODE_DIR="$("$SOURCE_DIR/Resources/install-e2e-dependencies.sh")"
E2E_OHIF_DIST="$("$SOURCE_DIR/Resources/fetch-ohif.sh")"

mkdir -p "$ARTIFACTS"
find "$ARTIFACTS" -maxdepth 1 -type f \( -name '*.png' -o -name '*.json' \) -delete   # the previous run's
# Beside the artifacts (the build folder, usually on the cache's file system, so the
# OHIF copy served by the gateway is made of hard links rather than 200 MB of copies).
WORK="$(dirname "$ARTIFACTS")/e2e-work"
rm -rf "$WORK"
mkdir -p "$WORK"

export E2E_NODE_DIR E2E_OHIF_DIST ORTHANC_CORS_PLUGIN
export E2E_ARTIFACTS_DIR="$ARTIFACTS" E2E_WORK_DIR="$WORK"
export PYTHONDONTWRITEBYTECODE=1

started=$(date +%s)
status=0
# pixels.test.js: the image check the scenarios rely on must itself tell blank from image.
node --test --test-reporter=spec "$HERE/pixels.test.js" "$HERE/ohif.test.js" || status=$?
if [ $status -eq 0 ]; then
  rm -rf "$WORK"   # kept after a failure: the app-config.js files the viewers were given
fi
echo "End-to-end suite: $(( $(date +%s) - started )) s; screenshots in $ARTIFACTS"
exit $status
