#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Counts the user-space instructions a request costs the gateway (on its own thread),
# Orthanc and nginx, with callgrind (count_instructions.py: what it measures and how).
# Installs what is missing (Orthanc and its DICOMweb plugin, valgrind, nginx-light).
#
#   Resources/Benchmark/count-instructions.sh --plugin build/libOrthancCors.so \
#       [--requests 100] [preflight qido metadata retrieve stow]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SOURCE_DIR="$(cd "$HERE/../.." && pwd)"

"$SOURCE_DIR/Resources/install-dependencies.sh" >&2
"$HERE/install-packages.sh" valgrind nginx-light

export PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH="$SOURCE_DIR/Resources/Python${PYTHONPATH:+:$PYTHONPATH}"
exec python3 "$HERE/count_instructions.py" "$@"
