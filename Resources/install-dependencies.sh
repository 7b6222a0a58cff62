#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Installs, from Debian's archive, what building and testing the plugin needs.
# Idempotent: packages already present are not reinstalled; apt-get update runs
# only when something is missing.
#
#   Resources/install-dependencies.sh [--build-only] [--list-missing]
#
# --build-only: what building needs, not what testing needs; --list-missing: print
# the packages that are missing, one a line, and install nothing.
set -euo pipefail

BUILD_PACKAGES=(cmake g++ make pkg-config orthanc-dev libjsoncpp-dev libboost1.81-dev
                libssl-dev libgtest-dev dpkg-dev)
# python3-pip, -setuptools and -wheel: unit.python_package installs Resources/Python offline.
# postgresql, orthanc-postgresql and haproxy: integration.test_scale_out, which runs its own
# PostgreSQL and HAProxy from their binaries (not their system services) on free ports.
TEST_PACKAGES=(orthanc orthanc-dicomweb openssl testssl.sh curl python3 python3-yaml
               python3-pip python3-setuptools python3-wheel binutils
               postgresql orthanc-postgresql haproxy)

build_only=false
list_only=false
for argument in "$@"; do
  case "$argument" in
    --build-only) build_only=true ;;
    --list-missing) list_only=true ;;
    *) echo "usage: $0 [--build-only] [--list-missing]" >&2; exit 2 ;;
  esac
done

wanted=("${BUILD_PACKAGES[@]}")
if [ "$build_only" = false ]; then
  wanted+=("${TEST_PACKAGES[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ "$list_only" = true ]; then
  [ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}"
  exit 0
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
echo "Installing: ${missing[*]}"
$SUDO apt-get update -qq
# Orthanc's package starts a system service; the tests and the demo run their own instances.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet orthanc 2>/dev/null; then
  $SUDO systemctl stop orthanc || true
fi
