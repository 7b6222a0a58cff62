#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
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
# Everything the servers write (app-config files, the OHIF copy, each Orthanc's folder
# and log). Beside the artifacts: the build folder, usually on the cache's file system,
# so the OHIF copy served by the gateway is made of hard links rather than 200 MB of copies.
WORK="$(dirname "$ARTIFACTS")/e2e-work"
rm -rf "$WORK"
mkdir -p "$WORK"

export E2E_NODE_DIR E2E_OHIF_DIST ORTHANC_CORS_PLUGIN
export E2E_ARTIFACTS_DIR="$ARTIFACTS" E2E_WORK_DIR="$WORK"
export PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH="$SOURCE_DIR/Resources/Python${PYTHONPATH:+:$PYTHONPATH}"

# The test runner stops the servers itself whatever the scenarios' outcome (its
# after() hook; if it dies, environment.py sees its standard input close and stops
# them). Success is the runner's exit status; the work folder goes only with it.
started=$(date +%s)
status=1
finish() {
  if [ "$status" -eq 0 ]; then
    rm -rf "$WORK"
  else
    echo "Kept for diagnosis: $WORK (each Orthanc's folder and log, the viewers' app-config.js)" >&2
  fi
  echo "End-to-end suite: $(( $(date +%s) - started )) s; screenshots in $ARTIFACTS"
}
trap finish EXIT
# pixels.test.js: the image check the scenarios rely on must itself tell blank from image.
node --test --test-reporter=spec "$HERE/pixels.test.js" "$HERE/ohif.test.js" && status=0 || status=$?
exit $status
