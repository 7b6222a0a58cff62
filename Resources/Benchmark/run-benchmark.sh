#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Benchmarks the plugin's gateway against Orthanc direct and nginx as a CORS proxy,
# side by side on this machine (loopback only), and prints one Markdown table a workload.
#
#   Resources/Benchmark/run-benchmark.sh [--quick] [--ohif] [--wan [--rtt-ms 40]] [--output FILE]
#                                        [benchmark.py options]
#
# Builds the plugin in Release (build-benchmark/, or the plugin given in
# ORTHANC_CORS_PLUGIN), installs from Debian what is missing (Orthanc, the DICOMweb
# plugin, nginx-light, wrk; apt-get update only then), and runs benchmark.py.
#   --quick   a few seconds a workload, small data (what the test suite runs)
#   --ohif    also time the published OHIF viewer in headless Chromium (a 200-slice series)
#   --wan     also time OHIF over a WAN: a 200-slice series of 512 x 512 slices, a round-trip
#             time (--rtt-ms, default 40) added to every connection by a user-space relay,
#             TLS everywhere; nginx, the gateway cross-origin, the gateway same-origin
#             (--only wan: that alone, ~7 minutes with 3 rounds on 2 cores)
# A full run takes ~10 minutes on 2 cores; --quick well under one.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SOURCE_DIR="$(cd "$HERE/../.." && pwd)"

"$SOURCE_DIR/Resources/install-dependencies.sh" >&2

"$HERE/install-packages.sh" nginx-light wrk

if [ -z "${ORTHANC_CORS_PLUGIN:-}" ]; then
  BUILD_DIR="${ORTHANC_CORS_BENCHMARK_BUILD_DIR:-$SOURCE_DIR/build-benchmark}"
  cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >&2
  cmake --build "$BUILD_DIR" --target OrthancCors -j"$(nproc)" >&2
  ORTHANC_CORS_PLUGIN="$BUILD_DIR/libOrthancCors.so"
fi

# --ohif, --wan and --only with wan in its list need the browser and OHIF's build.
needs_browser=false
previous=""
for argument in "$@"; do
  only=""
  if [ "$previous" = "--only" ]; then
    only="$argument"
  elif [[ "$argument" == --only=* ]]; then
    only="${argument#--only=}"
  fi
  if [ "$argument" = "--ohif" ] || [ "$argument" = "--wan" ] || [[ ",$only," == *,wan,* ]]; then
    needs_browser=true
  fi
  previous="$argument"
done

arguments=("$@")
if [ "$needs_browser" = true ]; then
  # OHIF's published build, Debian's chromium and playwright-core (cached under .cache/).
  E2E_NODE_DIR="$("$SOURCE_DIR/Resources/install-e2e-dependencies.sh")"
  E2E_OHIF_DIST="$("$SOURCE_DIR/Resources/fetch-ohif.sh")"
  export E2E_NODE_DIR E2E_OHIF_DIST
fi

export PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH="$SOURCE_DIR/Resources/Python${PYTHONPATH:+:$PYTHONPATH}"
started=$(date +%s)
python3 "$HERE/benchmark.py" --plugin "$ORTHANC_CORS_PLUGIN" "${arguments[@]}"
echo "Benchmark wall time: $(( $(date +%s) - started )) s" >&2
