#!/usr/bin/env bash
# Installs, from Debian's archive, what building and testing the plugin needs.
# Idempotent: packages already present are not reinstalled; apt-get update runs
# only when something is missing.
set -euo pipefail

BUILD_PACKAGES=(cmake g++ make pkg-config orthanc-dev libjsoncpp-dev libboost1.81-dev
                libssl-dev libgtest-dev dpkg-dev)
TEST_PACKAGES=(orthanc orthanc-dicomweb openssl curl python3 python3-yaml binutils)

wanted=("${BUILD_PACKAGES[@]}")
if [ "${1:-}" != "--build-only" ]; then
  wanted+=("${TEST_PACKAGES[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
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
echo "Installing: ${missing[*]}"
$SUDO apt-get update -qq
# Orthanc's package starts a system service; the tests and the demo run their own instances.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet orthanc 2>/dev/null; then
  $SUDO systemctl stop orthanc || true
fi
