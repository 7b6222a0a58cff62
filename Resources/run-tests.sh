#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The project's test command: installs what is missing (Debian packages), builds
# the plugin as it ships (STATIC_BUILD) and runs every test — unit tests, and
# integration tests against a real Orthanc with the real DICOMweb plugin. Then the
# integration and end-to-end tests again, same library, against the Orthanc users
# of the orthancteam image run (Orthanc 1.13.0 with DICOMweb 1.24, from a Debian
# sid root made once under .cache/: Resources/Sid). Then the Debian package, made
# from the same library, installed, used and purged in a Debian bookworm root made
# once under .cache/ (Resources/Debian/test-package.sh). Then
# the unit and integration tests again with the plugin built with AddressSanitizer
# and UndefinedBehaviorSanitizer (build-asan, Orthanc run by
# Resources/Sanitizers/orthanc-with-sanitizers.sh), and every fuzz target for a
# bounded time (Resources/run-fuzzers.sh, build-fuzz).
#
#   Resources/run-tests.sh            # everything
#   Resources/run-tests.sh -L unit    # extra arguments go to ctest (every run; labels combine)
#
#   ORTHANC_CORS_SID=OFF              # skip the run against Debian sid's Orthanc 1.13
#   ORTHANC_CORS_PACKAGE=OFF          # skip the test of the Debian package
#   ORTHANC_CORS_SANITIZERS=OFF       # skip the sanitizer run
#   ORTHANC_CORS_FUZZ_SECONDS=0       # skip fuzzing (default: 60 s for all targets)
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ORTHANC_CORS_TEST_BUILD_DIR:-$SOURCE_DIR/build-tests}"
ASAN_BUILD_DIR="${ORTHANC_CORS_ASAN_BUILD_DIR:-$SOURCE_DIR/build-asan}"
SID="${ORTHANC_CORS_SID:-ON}"
PACKAGE="${ORTHANC_CORS_PACKAGE:-ON}"
SANITIZERS="${ORTHANC_CORS_SANITIZERS:-ON}"
FUZZ_SECONDS="${ORTHANC_CORS_FUZZ_SECONDS:-60}"
JOBS="${JOBS:-$(nproc)}"

# Under the sanitizers: not the suites that measure Orthanc's memory against
# bounds made for glibc's allocator (ASan keeps up to 256 MiB of freed memory in
# quarantine), nor the one about the shipped STATIC_BUILD.
ASAN_EXCLUDED='^integration\.(test_soak|test_gateway_streaming|test_static_build)$'

started=$(date +%s)
"$SOURCE_DIR/Resources/install-dependencies.sh"

# Warnings as errors in the test command's builds only: a new warning fails the tests,
# never a user's build with another compiler.
JOBS="$JOBS" "$SOURCE_DIR/Resources/build-shipped-plugin.sh" "$BUILD_DIR" -DBUILD_TESTING=ON -DWARNINGS_AS_ERRORS=ON >/dev/null

export PYTHONPATH="$SOURCE_DIR/Resources/Python${PYTHONPATH:+:$PYTHONPATH}"
status=0
python3 -m orthanc_cors_tools.versions "Tests of the shipped build run" || status=$?
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" "$@" || status=$?
echo "Wall time of the tests of the shipped build: $(( $(date +%s) - started )) s"

if [ "$SID" != "OFF" ]; then
  sid_started=$(date +%s)
  if ORTHANC_SID_ROOT="$("$SOURCE_DIR/Resources/Sid/make-root.sh")"; then
    export ORTHANC_SID_ROOT
    ORTHANC_BINARY="$SOURCE_DIR/Resources/Sid/orthanc-in-root.sh" \
      python3 -m orthanc_cors_tools.versions "Tests of the shipped build against Debian sid's Orthanc run" || status=$?
    ORTHANC_BINARY="$SOURCE_DIR/Resources/Sid/orthanc-in-root.sh" \
      ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" -L '^(integration|e2e)$' "$@" || status=$?
  else
    echo "No Debian sid root: the run against Orthanc 1.13 did not happen" >&2
    status=1
  fi
  echo "Wall time of the run against Debian sid's Orthanc (root included): $(( $(date +%s) - sid_started )) s"
fi

if [ "$PACKAGE" != "OFF" ]; then
  package_started=$(date +%s)
  "$SOURCE_DIR/Resources/Debian/test-package.sh" "$BUILD_DIR/shipped/libOrthancCors.so" "$BUILD_DIR/package" \
    || status=$?
  echo "Wall time of the Debian package test: $(( $(date +%s) - package_started )) s"
fi

if [ "$SANITIZERS" != "OFF" ]; then
  sanitizers_started=$(date +%s)
  # Debug: assertions on (Boost's and ours), and no optimisation, which is what the
  # gateway's coroutines cost GCC under the sanitizers: this build takes 7 minutes on
  # 2 cores instead of 18 with -O2 (Relay.cpp alone: 130 s instead of 420), and its
  # tests 195 s instead of 180.
  cmake -S "$SOURCE_DIR" -B "$ASAN_BUILD_DIR" -DCMAKE_BUILD_TYPE=Debug -DSANITIZERS=ON -DBUILD_TESTING=ON -DWARNINGS_AS_ERRORS=ON
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
