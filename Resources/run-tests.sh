#!/usr/bin/env bash
# The project's test command: installs what is missing (Debian packages), builds
# the plugin as it ships (STATIC_BUILD) and runs every test — unit tests, and
# integration tests against a real Orthanc with the real DICOMweb plugin.
#
#   Resources/run-tests.sh            # everything
#   Resources/run-tests.sh -L unit    # extra arguments go to ctest
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ORTHANC_CORS_TEST_BUILD_DIR:-$SOURCE_DIR/build-tests}"
JOBS="${JOBS:-$(nproc)}"

started=$(date +%s)
"$SOURCE_DIR/Resources/install-dependencies.sh"

cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTATIC_BUILD=ON -DBUILD_TESTING=ON
cmake --build "$BUILD_DIR" -j "$JOBS"

status=0
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" "$@" || status=$?
echo "Wall time of the test command: $(( $(date +%s) - started )) s"
exit $status
