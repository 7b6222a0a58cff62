#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Runs Debian's Orthanc (not instrumented) so that it can load a plugin built with
# SANITIZERS=ON. The integration tests use it through ORTHANC_BINARY, which the
# harness reads (see Resources/run-tests.sh):
#
#   ORTHANC_BINARY=Resources/Sanitizers/orthanc-with-sanitizers.sh ctest --test-dir build-asan -L integration
#
# - An instrumented shared library cannot bring the sanitizer runtimes itself when
#   dlopen()ed ("ASan runtime does not come first in initial library list"): they
#   are preloaded into the whole process. Only the plugin's code is instrumented,
#   but every allocation goes through ASan's allocator.
# - SwiftDemangleStub.cpp (compiled here once, into the build folder) works around
#   a start-up deadlock of Orthanc under a preloaded libasan on bookworm: see there.
# - ASan intercepts mallopt() and makes it fail, and Orthanc stops when
#   mallopt(M_ARENA_MAX) fails: the configuration is given "MallocArenaMax": 0
#   (do not call it) in a copy next to the original (patch_configuration.py).
# - detect_leaks=0: LeakSanitizer would report Orthanc's own allocations still
#   reachable at exit, which are not this plugin's.
# - The first ASan or UBSan report aborts Orthanc; the harness then fails the test
#   ("Orthanc had already exited") and shows the log, the report included
#   (stdout-stderr.txt next to Orthanc's log).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ORTHANC="${ORTHANC_REAL_BINARY:-/usr/sbin/Orthanc}"
CACHE="${ORTHANC_CORS_BUILD_DIR:-${TMPDIR:-/tmp}}/sanitizer-preload"
STUB="$CACHE/libSwiftDemangleStub.so"

if [ ! -e "$STUB" ] || [ "$HERE/SwiftDemangleStub.cpp" -nt "$STUB" ]; then
  mkdir -p "$CACHE"
  partial="$(mktemp "$CACHE/stub.XXXXXX")"
  g++ -shared -fPIC -O2 -o "$partial" "$HERE/SwiftDemangleStub.cpp"
  mv -f "$partial" "$STUB"    # atomic: tests starting in parallel never see half a file
fi

preload=()
for runtime in libasan.so libubsan.so; do
  path="$(gcc -print-file-name="$runtime")"
  if [ ! -e "$path" ]; then
    echo "orthanc-with-sanitizers.sh: $runtime not found (gcc -print-file-name)" >&2
    exit 2
  fi
  preload+=("$(readlink -f "$path")")
done
preload+=("$STUB")

# Orthanc's last argument is its configuration file (or folder).
arguments=("$@")
if [ ${#arguments[@]} -gt 0 ] && [ -f "${arguments[-1]}" ]; then
  configuration="${arguments[-1]}"
  patched="${configuration%.json}.sanitizers.json"
  PYTHONPATH="$HERE/../Python${PYTHONPATH:+:$PYTHONPATH}" \
    python3 "$HERE/patch_configuration.py" "$configuration" "$patched"
  arguments[-1]="$patched"
fi

export LD_PRELOAD="${preload[*]}${LD_PRELOAD:+ $LD_PRELOAD}"
# Ours last: later options win, and these are what the harness relies on.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:abort_on_error=1:halt_on_error=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1"
exec "$ORTHANC" "${arguments[@]}"
