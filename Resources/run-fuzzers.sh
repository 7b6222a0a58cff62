#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Builds the libFuzzer targets (UnitTests/Fuzzing, FUZZING=ON, Debian's clang) in
# build-fuzz and runs each for a bounded time, starting from the seed corpus kept
# in the repository (never modified: new inputs go to a scratch folder). Prints
# the executions per target; exits non-zero if a target crashes, leaks or times
# out (the reproducer is saved in the build folder; keep it in the corpus once fixed).
#
#   Resources/run-fuzzers.sh              # ~60 s in all
#   FUZZ_SECONDS=300 Resources/run-fuzzers.sh
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ORTHANC_CORS_FUZZ_BUILD_DIR:-$SOURCE_DIR/build-fuzz}"
TOTAL_SECONDS="${FUZZ_SECONDS:-60}"
JOBS="${JOBS:-$(nproc)}"
# Every UnitTests/Fuzzing/FuzzX.cpp is the target fuzz_X (UnitTests/Fuzzing/CMakeLists.txt),
# with its seed corpus in corpus/X: a new target is run without being listed here.
TARGETS=()
for source in "$SOURCE_DIR"/UnitTests/Fuzzing/Fuzz*.cpp; do
  target="$(basename "$source" .cpp)"
  TARGETS+=("${target#Fuzz}")
done

if ! command -v clang++ >/dev/null 2>&1 || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" != "0" ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends clang libclang-rt-dev
fi

cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFUZZING=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD_DIR" --target fuzzers -j "$JOBS"

seconds=$(( TOTAL_SECONDS / ${#TARGETS[@]} ))
[ "$seconds" -lt 1 ] && seconds=1
status=0
summary=()
for target in "${TARGETS[@]}"; do
  corpus="$SOURCE_DIR/UnitTests/Fuzzing/corpus/$target"
  if [ ! -d "$corpus" ]; then
    summary+=("$(printf '%-16s no seed corpus in %s: FAILED' "$target" "$corpus")")
    status=1
    continue
  fi
  scratch="$BUILD_DIR/fuzz-output/$target"
  artifacts="$BUILD_DIR/fuzz-artifacts/$target/"
  rm -rf "$scratch"
  mkdir -p "$scratch" "$artifacts"
  log="$BUILD_DIR/fuzz-output/$target.log"
  # New inputs go to the first (scratch) folder; the repository's corpus is read only.
  # detect_leaks stays on: a leak is a finding too.
  if ASAN_OPTIONS="abort_on_error=1:detect_leaks=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
     "$BUILD_DIR/UnitTests/Fuzzing/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts" "$scratch" "$corpus" >"$log" 2>&1; then
    result="ok"
  else
    result="FAILED (see $log, reproducer in $artifacts)"
    status=1
    grep -m 10 -E "ERROR|invariant broken|runtime error|uncaught" "$log" || true
    tail -8 "$log"
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  summary+=("$(printf '%-16s %10s executions in %s s: %s' "$target" "$runs" "$seconds" "$result")")
done

echo "Fuzzing summary:"
printf '  %s\n' "${summary[@]}"
exit $status
