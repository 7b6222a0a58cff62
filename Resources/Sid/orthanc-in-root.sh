#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Runs the Orthanc of the Debian sid root that make-root.sh made (Orthanc 1.13.0,
# DICOMweb 1.24) with the arguments given, as if it were the machine's Orthanc: the
# integration and end-to-end tests use it through ORTHANC_BINARY (Resources/run-tests.sh):
#
#   ORTHANC_BINARY=Resources/Sid/orthanc-in-root.sh ctest --test-dir build-tests -L integration
#
# - Same paths: in a mount namespace of its own, every folder at the top of the
#   machine's file system that is not the operating system's (/tmp, /home, /root,
#   /work, ...) is bind-mounted at the same place in the root, so the configuration,
#   storage, log, served folders and the plugin under test are where the caller put
#   them. Inside, /usr/share/orthanc/plugins/libOrthancDicomWeb.so is sid's DICOMweb.
# - Same process: each step execs the next, so the caller's PID is Orthanc's own
#   (the harness signals it and reads /proc/PID/status); same network namespace,
#   so loopback ports are the machine's.
# - Same working folder, and the machine's /etc/hosts.
# - Root only (as the test command runs in CI): through sudo, the caller would hold
#   sudo's process instead of Orthanc's.
#
#   ORTHANC_SID_ROOT=DIR    # default: what make-root.sh prints (made if missing)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ "${1:-}" = "--inside-namespace" ]; then
  shift
  root="$1"; workdir="$2"; shift 2
  for folder in /*; do
    name="${folder#/}"
    case "$name" in
      bin|boot|dev|etc|lib|lib32|lib64|libx32|lost+found|proc|run|sbin|sys|usr|var) continue ;;
    esac
    [ -d "$folder" ] && [ ! -L "$folder" ] || continue
    mkdir -p "$root/$name"
    mount --rbind "$folder" "$root/$name"
  done
  for system in dev proc sys; do
    mount --rbind "/$system" "$root/$system"
  done
  # Names as the machine resolves them now ("localhost" among them).
  touch "$root/etc/hosts"
  mount --bind /etc/hosts "$root/etc/hosts"
  # $0 and "$@" of the inner shell: the working folder, then Orthanc's arguments.
  exec chroot "$root" /bin/sh -c 'cd "$0" && exec /usr/sbin/Orthanc "$@"' "$workdir" "$@"
fi

root="${ORTHANC_SID_ROOT:-$("$HERE/make-root.sh")}"
if [ ! -x "$root/usr/sbin/Orthanc" ]; then
  echo "orthanc-in-root.sh: no Orthanc in $root (run Resources/Sid/make-root.sh)" >&2
  exit 2
fi
# Root, not sudo: the caller's process must stay Orthanc's own.
if [ "$(id -u)" != "0" ]; then
  echo "orthanc-in-root.sh: needs root (a mount namespace and chroot)" >&2
  exit 2
fi
exec unshare --mount --propagation private bash "$HERE/orthanc-in-root.sh" --inside-namespace "$root" "$PWD" "$@"
