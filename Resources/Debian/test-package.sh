#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The test of the Debian package, as an administrator uses it: builds the package
# from an already built shipped library (Resources/build-debian-package.sh), runs
# lintian on it (an error fails), then in a throwaway overlay of a clean Debian
# bookworm root that has Debian's orthanc (Resources/Debian/make-root.sh, made once
# and cached):
#   1. installs it with apt-get, moves Orthanc's ports to free loopback ports and
#      starts Orthanc the Debian way (Orthanc /etc/orthanc/, as the orthanc user);
#      the plugin must be loaded, in its packaged version, and open no port: the
#      conffile as installed changes nothing;
#   2. lists an origin and a gateway port in /etc/orthanc/cors.json as its comments
#      say, starts Orthanc again: a preflight on the gateway must be allowed for
#      that origin, and only for it;
#   3. purges the package: no file may be left or lost, compared with the root
#      before the installation (Orthanc's database and logs and apt's and dpkg's
#      bookkeeping aside), /etc/orthanc/cors.json included.
# Orthanc is stopped and every mount goes away whatever happens: the mounts are made
# in a mount namespace of this script's own, which ends with it.
#
#   Resources/Debian/test-package.sh LIBRARY [OUTDIR]
#   # LIBRARY: e.g. build-tests/shipped/libOrthancCors.so; OUTDIR (default: the
#   # library's folder's parent's "package" folder) receives the .deb
#
# Needs root (debootstrap, chroot, mounts), as CI has.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SOURCE_DIR="$(cd "$HERE/../.." && pwd)"
# Long enough for a first start on a loaded machine, short enough for CI to end.
ORTHANC_START_SECONDS=60
ORTHANC_STOP_SECONDS=30
ORIGIN=https://viewer.example

fail()
{
  echo "Debian package test: FAIL: $*" >&2
  exit 1
}

ok()
{
  echo "Debian package test: ok: $*"
}

# ---------------------------------------------------------------------------
# Inside the mount namespace: the overlay, Orthanc and apt.

merged=""
orthanc_pid=""
orthanc_log=""

stop_orthanc()
{
  [ -n "$orthanc_pid" ] || return 0
  kill -TERM "$orthanc_pid" 2>/dev/null || true
  local deadline=$((SECONDS + ORTHANC_STOP_SECONDS))
  while kill -0 "$orthanc_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.2
  done
  local stopped=0
  if kill -0 "$orthanc_pid" 2>/dev/null; then
    echo "Debian package test: Orthanc did not stop within $ORTHANC_STOP_SECONDS s: killed" >&2
    kill -KILL "$orthanc_pid" 2>/dev/null || true
    stopped=1
  fi
  wait "$orthanc_pid" 2>/dev/null || stopped=$?
  orthanc_pid=""
  return "$stopped"
}

# A plugin that keeps Orthanc from stopping on SIGTERM (a gateway thread never
# joined) would hang the service's restarts: a test failure.
stop_orthanc_checked()
{
  local label=$1
  stop_orthanc || { tail -n 30 "$orthanc_log" >&2; fail "$label: Orthanc did not stop cleanly on SIGTERM (log above)"; }
}

clean_up_namespace()
{
  stop_orthanc || true
  if [ -n "$merged" ] && mountpoint -q "$merged"; then
    umount -R "$merged" 2>/dev/null || umount -R -l "$merged" || true
  fi
}

in_root()
{
  chroot "$merged" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"
}

# Every path of the root, one a line, but Orthanc's database and logs, apt's caches
# and lists, dpkg's backups of its own files, and /tmp (where the package is put).
list_files()
{
  (cd "$merged" && find . -xdev -print) | LC_ALL=C sort | grep -v -E \
    '^\./(var/lib/orthanc/|var/log/|var/cache/apt/|var/lib/apt/|var/lib/dpkg/[a-z]+-old$|tmp/)' \
    || true
}

start_orthanc()
{
  local label=$1 http_port=$2
  orthanc_log="$work/orthanc-$label.log"
  # The Debian way, as its systemd unit runs it: the orthanc user, the folder of
  # configuration files (the log goes to the test's file instead of /var/log). The
  # user by number, as the root's /etc/passwd has it: the machine's may differ.
  local user
  user="$(awk -F : '$1 == "orthanc" { print $3 ":" $4 }' "$merged/etc/passwd")"
  [ -n "$user" ] || fail "no orthanc user in the root"
  chroot --userspec="$user" "$merged" /usr/sbin/Orthanc /etc/orthanc/ >"$orthanc_log" 2>&1 &
  orthanc_pid=$!
  local deadline=$((SECONDS + ORTHANC_START_SECONDS))
  until curl -s -f -o /dev/null --max-time 2 "http://127.0.0.1:$http_port/system"; do
    if ! kill -0 "$orthanc_pid" 2>/dev/null; then
      tail -n 30 "$orthanc_log" >&2
      orthanc_pid=""
      fail "$label: Orthanc stopped at start-up (log above)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 30 "$orthanc_log" >&2
      fail "$label: Orthanc did not answer on port $http_port within $ORTHANC_START_SECONDS s"
    fi
    sleep 0.2
  done
}

# The TCP ports Orthanc listens on, sorted, space-separated.
listening_ports()
{
  ss -H -l -t -n -p | grep "pid=$orthanc_pid," | awk '{ n = split($4, a, ":"); print a[n] }' \
    | sort -n -u | tr '\n' ' ' | sed 's/ $//'
}

expect_ports()
{
  local label=$1 expected=$2 actual
  actual="$(listening_ports)"
  [ "$actual" = "$expected" ] || fail "$label: Orthanc listens on ports '$actual', expected '$expected'"
}

expect_plugin_loaded()
{
  local label=$1 http_port=$2 version=$3
  curl -s -f --max-time 10 "http://127.0.0.1:$http_port/plugins" \
    | python3 -c 'import json, sys; sys.exit(0 if "cors" in json.load(sys.stdin) else 1)' \
    || fail "$label: GET /plugins does not list \"cors\""
  local actual
  actual="$(curl -s -f --max-time 10 "http://127.0.0.1:$http_port/plugins/cors" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin).get("Version", ""))')"
  [ "$actual" = "$version" ] || fail "$label: /plugins/cors says version '$actual', expected $version"
}

# Answers "<status> <Access-Control-Allow-Origin or ->" to a preflight from $1.
preflight()
{
  local port=$1 origin=$2 headers status allowed
  headers="$(curl -s -o /dev/null -D - --max-time 10 -X OPTIONS \
    -H "Origin: $origin" -H "Access-Control-Request-Method: GET" \
    "http://127.0.0.1:$port/dicom-web/studies" | tr -d '\r')"
  status="$(echo "$headers" | awk 'NR == 1 { print $2 }')"
  allowed="$(echo "$headers" | awk 'tolower($1) == "access-control-allow-origin:" { print $2 }')"
  echo "${status:-none} ${allowed:--}"
}

inside_namespace()
{
  local root=$1 deb=$3 http_port=$4 dicom_port=$5 gateway_port=$6
  work=$2
  local version deb_name
  version="$(dpkg-deb -f "$deb" Version)"
  version="${version%-*}"
  deb_name="$(basename "$deb")"

  trap clean_up_namespace EXIT
  trap 'exit 130' INT TERM HUP
  merged="$work/merged"
  mkdir -p "$work/upper" "$work/overlay-work" "$merged"
  # An overlay: the cached root is never written, and a copy of it is not needed.
  # A copy where overlays cannot be mounted.
  if ! mount -t overlay overlay -o "lowerdir=$root,upperdir=$work/upper,workdir=$work/overlay-work" "$merged" 2>/dev/null; then
    echo "Debian package test: no overlay file system here: copying the root" >&2
    cp -a "$root/." "$merged/"
    mount --bind "$merged" "$merged"
  fi
  mount -t proc proc "$merged/proc"
  mount --rbind /dev "$merged/dev"

  list_files > "$work/files-before"

  cp "$deb" "$merged/tmp/$deb_name"
  in_root apt-get install -y -q "/tmp/$deb_name" > "$work/apt-install.log" 2>&1 \
    || { cat "$work/apt-install.log" >&2; fail "apt-get install ./$deb_name failed"; }
  rm -f "$merged/tmp/$deb_name"
  [ "$(readlink -f "$merged/usr/share/orthanc/plugins/libOrthancCors.so")" = "$merged/usr/lib/orthanc/libOrthancCors.so.$version" ] \
    || fail "/usr/share/orthanc/plugins/libOrthancCors.so does not lead to /usr/lib/orthanc/libOrthancCors.so.$version"
  local library="$merged/usr/lib/orthanc/libOrthancCors.so.$version"
  [ "$(stat -c %a "$library")" = 644 ] || fail "the library's mode is $(stat -c %a "$library"), not 644"
  ! readelf -S "$library" | grep -q -E '\.(symtab|debug_)' || fail "the library is not stripped"
  ! readelf -d "$library" | grep -q -E '\((RPATH|RUNPATH)\)' || fail "the library has an RPATH or RUNPATH"
  in_root dpkg-query -W -f '${Conffiles}' orthanc-cors | grep -q '^ /etc/orthanc/cors.json ' \
    || fail "/etc/orthanc/cors.json is not a conffile of the package"
  ok "installed with apt-get ($(in_root dpkg-query -W -f '${Package} ${Version}' orthanc-cors), into a root with $(in_root dpkg-query -W -f '${Package} ${Version}' orthanc))"

  # Debian's configuration as it is, but the ports, so that the test runs beside
  # anything on this machine.
  local configuration="$merged/etc/orthanc/orthanc.json"
  sed -i -E -e "s/^(\s*\"HttpPort\"\s*:\s*)[0-9]+/\1$http_port/" \
            -e "s/^(\s*\"DicomPort\"\s*:\s*)[0-9]+/\1$dicom_port/" "$configuration"
  grep -q "\"HttpPort\" : $http_port," "$configuration" && grep -q "\"DicomPort\" : $dicom_port," "$configuration" \
    || fail "could not set HttpPort and DicomPort in /etc/orthanc/orthanc.json"

  start_orthanc "as installed" "$http_port"
  expect_plugin_loaded "as installed" "$http_port" "$version"
  grep -q 'the plugin is inactive' "$orthanc_log" || fail "as installed: Orthanc's log does not say that the plugin is inactive"
  expect_ports "as installed" "$(printf '%s\n' "$http_port" "$dicom_port" | sort -n | tr '\n' ' ' | sed 's/ $//')"
  ok "as installed: Orthanc loads the plugin (version $version), which says it is inactive and opens no port"
  stop_orthanc_checked "as installed"

  # What the conffile's comments tell the administrator to do: remove the lines
  # "/*" and "*/", list the viewer's origin (and here, a free gateway port).
  local cors="$merged/etc/orthanc/cors.json"
  sed -i -E -e '/^\s*\/\*\s*$/d' -e '/^\s*\*\/\s*$/d' \
            -e "s|\"https://viewer.hospital.example\"|\"$ORIGIN\"|" \
            -e "s|(\"Port\"\s*:\s*)8043|\1$gateway_port|" "$cors"
  grep -q "\"$ORIGIN\"" "$cors" && grep -q "\"Port\" : $gateway_port" "$cors" \
    || fail "the example \"Cors\" section of /etc/orthanc/cors.json is not where its comments say"

  start_orthanc "with an origin" "$http_port"
  expect_ports "with an origin" "$(printf '%s\n' "$http_port" "$dicom_port" "$gateway_port" | sort -n | tr '\n' ' ' | sed 's/ $//')"
  local answer
  answer="$(preflight "$gateway_port" "$ORIGIN")"
  [ "$answer" = "204 $ORIGIN" ] || fail "with an origin: a preflight from $ORIGIN is answered '$answer', expected '204 $ORIGIN'"
  answer="$(preflight "$gateway_port" https://other.example)"
  [ "${answer#* }" = "-" ] || fail "with an origin: a preflight from https://other.example is answered '$answer', expected no Access-Control-Allow-Origin"
  ok "with an origin: the gateway on port $gateway_port allows a preflight from $ORIGIN (204), and no other origin"
  stop_orthanc_checked "with an origin"

  in_root apt-get purge -y -q orthanc-cors > "$work/apt-purge.log" 2>&1 \
    || { cat "$work/apt-purge.log" >&2; fail "apt-get purge orthanc-cors failed"; }
  list_files > "$work/files-after"
  if ! diff -u "$work/files-before" "$work/files-after" > "$work/files.diff"; then
    tail -n +3 "$work/files.diff" | grep -E '^[-+]' >&2
    fail "after apt-get purge, files differ from before the installation (+ left, - lost)"
  fi
  [ ! -e "$merged/etc/orthanc/cors.json" ] || fail "/etc/orthanc/cors.json is left after the purge"
  if in_root dpkg-query -W -f '${db:Status-Status}' orthanc-cors 2>/dev/null | grep -q -v '^not-installed$'; then
    fail "dpkg still knows orthanc-cors after the purge"
  fi
  ok "purged: no file left or lost, the edited /etc/orthanc/cors.json gone"
}

if [ "${1:-}" = "--inside-namespace" ]; then
  shift
  inside_namespace "$@"
  exit 0
fi

# ---------------------------------------------------------------------------
# Outside: the package, lintian, the root, then the rest in a mount namespace.

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 LIBRARY [OUTDIR]" >&2
  exit 2
fi
library="$(readlink -f "$1")"
out_dir="${2:-$(dirname "$(dirname "$library")")/package}"
if [ "$(id -u)" != "0" ]; then
  echo "test-package.sh: needs root (debootstrap, chroot, mounts)" >&2
  exit 2
fi

started=$SECONDS
deb="$("$SOURCE_DIR/Resources/build-debian-package.sh" "$out_dir" "$library")"
ok "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

if ! command -v lintian >/dev/null 2>&1; then
  echo "Installing: lintian" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends lintian >&2
fi
# Every tag is shown (warnings and notes too); errors fail. As nobody, since lintian
# advises against root, on a copy that nobody can read wherever the source is.
# (--show-overrides would make the overridden error fail.)
lintian_dir="$(mktemp -d)"
chmod 0755 "$lintian_dir"
install -m 0644 "$deb" "$lintian_dir/"
lintian_status=0
(cd / && runuser -u nobody -- lintian --fail-on error --display-level '>=pedantic' "$lintian_dir/$(basename "$deb")") \
  | sed 's/^/  lintian: /' || lintian_status=$?
rm -rf "$lintian_dir"
[ "$lintian_status" = 0 ] || fail "lintian reports errors on $(basename "$deb")"
ok "lintian: no error (overridden: $(grep -v -E '^(#|$)' "$HERE/lintian-overrides" | cut -d ' ' -f 2,3 | paste -s -d ,))"

root_started=$SECONDS
root="$("$HERE/make-root.sh")"
echo "Debian package test: bookworm root $root ($((SECONDS - root_started)) s)"

work="$(mktemp -d "${TMPDIR:-/tmp}/orthanc-cors-package-test.XXXXXX")"
trap 'rm -rf --one-file-system "$work"' EXIT
# Free loopback ports, asked of the kernel.
read -r http_port dicom_port gateway_port < <(python3 -c '
import socket
sockets = [socket.socket() for _ in range(3)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))')

unshare --mount --propagation private bash "$HERE/test-package.sh" --inside-namespace \
  "$root" "$work" "$deb" "$http_port" "$dicom_port" "$gateway_port"
echo "Debian package test: passed in $((SECONDS - started)) s"
