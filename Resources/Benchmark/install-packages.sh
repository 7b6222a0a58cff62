#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Installs those of the Debian packages named that are missing (apt-get update only then),
# for the benchmark's tools: nginx-light, wrk, valgrind...
#
#   Resources/Benchmark/install-packages.sh PACKAGE...
#
# Debian's nginx package starts a server on port 80 where services may start; the
# benchmark runs its own nginx on a free loopback port, so that one is stopped.
set -euo pipefail

missing=()
for package in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
echo "Installing: ${missing[*]}" >&2
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
  $SUDO systemctl stop nginx || true
fi
