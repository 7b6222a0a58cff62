#!/usr/bin/env bash
# The project's test command: installs what is missing (Debian packages), builds
# the plugin as it ships (STATIC_BUILD) and runs every test — unit tests, and
# integration tests against a real Orthanc with the real DICOMweb plugin. Then
# the unit and integration tests again with the plugin built with AddressSanitizer
# and UndefinedBehaviorSanitizer (build-asan, Orthanc run by
# Resources/Sanitizers/orthanc-with-sanitizers.sh), and every fuzz target for a
# bounded time (Resources/run-fuzzers.sh, build-fuzz).
#
#   Resources/run-tests.sh            # everything
#   Resources/run-tests.sh -L unit    # extra arguments go to ctest (both runs)
#
#   ORTHANC_CORS_SANITIZERS=OFF       # skip the sanitizer run
#   ORTHANC_CORS_FUZZ_SECONDS=0       # skip fuzzing (default: 60 s for all targets)
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ORTHANC_CORS_TEST_BUILD_DIR:-$SOURCE_DIR/build-tests}"
ASAN_BUILD_DIR="${ORTHANC_CORS_ASAN_BUILD_DIR:-$SOURCE_DIR/build-asan}"
SANITIZERS="${ORTHANC_CORS_SANITIZERS:-ON}"
FUZZ_SECONDS="${ORTHANC_CORS_FUZZ_SECONDS:-60}"
JOBS="${JOBS:-$(nproc)}"

# Under the sanitizers: not the suites that measure Orthanc's memory against
# bounds made for glibc's allocator (ASan keeps up to 256 MiB of freed memory in
# quarantine), nor the one about the shipped STATIC_BUILD.
ASAN_EXCLUDED='^integration\.(test_soak|test_gateway_streaming|test_static_build)$'

started=$(date +%s)
"$SOURCE_DIR/Resources/install-dependencies.sh"

cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTATIC_BUILD=ON -DBUILD_TESTING=ON
cmake --build "$BUILD_DIR" -j "$JOBS"

status=0
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" "$@" || status=$?
echo "Wall time of the tests of the shipped build: $(( $(date +%s) - started )) s"

if [ "$SANITIZERS" != "OFF" ]; then
  sanitizers_started=$(date +%s)
  cmake -S "$SOURCE_DIR" -B "$ASAN_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSANITIZERS=ON -DBUILD_TESTING=ON
  cmake --build "$ASAN_BUILD_DIR" -j "$JOBS"
  ORTHANC_BINARY="$SOURCE_DIR/Resources/Sanitizers/orthanc-with-sanitizers.sh" \
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    ctest --test-dir "$ASAN_BUILD_DIR" --output-on-failure -j "$JOBS" -L '^(unit|integration)$' -E "$ASAN_EXCLUDED" "$@" \
    || status=$?
  echo "Wall time of the sanitizer build and tests: $(( $(date +%s) - sanitizers_started )) s"
fi

if [ "$FUZZ_SECONDS" -gt 0 ]; then
  fuzzing_started=$(date +%s)
  FUZZ_SECONDS="$FUZZ_SECONDS" JOBS="$JOBS" "$SOURCE_DIR/Resources/run-fuzzers.sh" || status=$?
  echo "Wall time of the fuzzing build and runs: $(( $(date +%s) - fuzzing_started )) s"
fi

echo "Wall time of the test command: $(( $(date +%s) - started )) s"
exit $status
