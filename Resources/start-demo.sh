#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The main job: installs what is missing, builds the plugin, and starts Orthanc with
# the plugin and DICOMweb, a sample CT study, and OHIF reading it in each deployment
# shape (Resources/Demo/demo.py). Prints the URLs; Ctrl-C stops everything.
#
# The options are checked here, before anything is installed or built, so that --help
# and a mistyped option answer at once. Each set-up step prints one line (and, on a
# terminal, its elapsed time); their whole output goes to a log named on failure.
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ORTHANC_CORS_BUILD_DIR:-$SOURCE_DIR/build}"

usage() {
  cat <<EOF
Usage: Resources/start-demo.sh [options]

Installs what is missing (Debian packages, the published OHIF build), builds the
plugin, and starts Orthanc with this plugin and DICOMweb, a sample CT study, and
OHIF reading it:
  - on its own origin, through the plugin's gateway (cross-origin: CORS);
  - served by the gateway itself at its root (same origin, cross-origin isolated);
  - inside a portal page of another origin that frames the gateway's viewer.
Prints the URLs to open. Ctrl-C stops everything.

Options:
  --orthanc-port PORT   Orthanc's own HTTP port (default 8042)
  --gateway-port PORT   the plugin's gateway (default 8043)
  --viewer-port PORT    OHIF on its own origin (default 3000)
  --portal-port PORT    the portal page that frames the viewer (default 3001)
  --slices COUNT        slices of the sample study, 1 to 500 (default 24)
  -h, --help            show this help and exit

Environment:
  ORTHANC_CORS_BUILD_DIR   where the plugin is built (default: build/ in the
                           clone). A new folder is configured as a Release build
                           without tests; an existing one is built as configured.
EOF
}

usage_error() {
  echo "start-demo.sh: $1" >&2
  echo "Try 'Resources/start-demo.sh --help'." >&2
  exit 2
}

declare -A settings=([orthanc-port]=8042 [gateway-port]=8043 [viewer-port]=3000 [portal-port]=3001 [slices]=24)
while [ $# -gt 0 ]; do
  option="$1"
  case "$option" in
    -h|--help) usage; exit 0 ;;
    --*=*) name="${option%%=*}"; value="${option#*=}"; shift ;;
    --*) name="$option"; [ $# -ge 2 ] || usage_error "$option needs a value"; value="$2"; shift 2 ;;
    *) usage_error "unexpected argument '$option'" ;;
  esac
  name="${name#--}"
  [ -n "${settings[$name]+set}" ] || usage_error "unknown option '--$name'"
  [[ "$value" =~ ^[0-9]{1,5}$ ]] || usage_error "--$name takes a number, not '$value'"
  value=$((10#$value))
  if [ "$name" = slices ]; then
    [ "$value" -ge 1 ] && [ "$value" -le 500 ] || usage_error "--slices must be between 1 and 500"
  else
    [ "$value" -ge 1 ] && [ "$value" -le 65535 ] || usage_error "--$name must be a port between 1 and 65535"
  fi
  settings[$name]=$value
done

ports=("${settings[orthanc-port]}" "${settings[gateway-port]}" "${settings[viewer-port]}" "${settings[portal-port]}")
if [ "$(printf '%s\n' "${ports[@]}" | sort -u | wc -l)" -ne ${#ports[@]} ]; then
  usage_error "the four ports must differ (${ports[*]})"
fi
for port in "${ports[@]}"; do
  # Something accepting connections there: say so now, not after the build.
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    usage_error "port $port is already in use: stop what listens there, or choose another port (--help)"
  fi
done

mkdir -p "$BUILD_DIR"
SETUP_LOG="$BUILD_DIR/demo-setup.log"
: > "$SETUP_LOG"
started=$(date +%s)
step_pid=""

# Stops the running step with all its processes (cmake, make, the compilers, apt-get).
stop_step() {
  if [ -n "$step_pid" ]; then
    kill -TERM -- "-$step_pid" 2>/dev/null || true
    wait "$step_pid" 2>/dev/null || true
    step_pid=""
  fi
}
trap stop_step EXIT
trap 'stop_step; printf "\nInterrupted during the set-up: nothing was started.\n"; exit 130' INT TERM HUP

# step DESCRIPTION COMMAND...: runs COMMAND with its output in the set-up log. On a
# terminal, one line that counts the seconds; elsewhere, one line when it ends. On
# failure, the log's end and its path.
step() {
  local description="$1" step_started status=0
  shift
  step_started=$(date +%s)
  echo "=== $description" >> "$SETUP_LOG"
  # In the background and in a process group of its own (set -m): the shell is then free
  # to run its trap as soon as a signal comes, Ctrl-C or a SIGTERM sent to the script
  # alone, and the trap stops the step's whole group. (In the background, the function
  # also runs with set -e, which a function called in an `||` list does not.)
  set -m
  "$@" >> "$SETUP_LOG" 2>&1 < /dev/null &
  step_pid=$!
  set +m
  if [ -t 1 ]; then
    while kill -0 "$step_pid" 2>/dev/null; do
      printf '\r  %s... %d s' "$description" $(( $(date +%s) - step_started ))
      sleep 1
    done
    printf '\r\033[K'
  fi
  wait "$step_pid" || status=$?
  step_pid=""
  if [ "$status" -ne 0 ]; then
    echo "  $description... failed (exit status $status) after $(( $(date +%s) - step_started )) s. Its last lines:" >&2
    tail -n 25 "$SETUP_LOG" | sed 's/^/    /' >&2
    echo "  The whole output: $SETUP_LOG" >&2
    exit 1
  fi
  echo "  $description... done in $(( $(date +%s) - step_started )) s"
}

install_packages() {
  "$SOURCE_DIR/Resources/install-dependencies.sh"
  if ! command -v npm >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" = "0" ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm
  fi
}

build_plugin() {
  # A folder whose first configuration failed has a CMakeCache.txt but no build system.
  if [ ! -f "$BUILD_DIR/Makefile" ] && [ ! -f "$BUILD_DIR/build.ninja" ]; then
    cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
  fi
  cmake --build "$BUILD_DIR" -j "$(nproc)" --target OrthancCors
}

fetch_viewer() {
  "$SOURCE_DIR/Resources/fetch-ohif.sh" > "$BUILD_DIR/demo-ohif-path.txt"
}

# sudo asks for its password on the terminal, where the steps' lines would overwrite
# its question: let it ask first, and only if something is to be installed with it.
if [ "$(id -u)" != "0" ] && ! sudo -n true 2>/dev/null; then
  if [ -n "$("$SOURCE_DIR/Resources/install-dependencies.sh" --list-missing)" ] || ! command -v npm >/dev/null 2>&1; then
    sudo -v
  fi
fi

echo "Setting up the demo (the whole output goes to $SETUP_LOG):"
step "Installing the Debian packages that are missing" install_packages
step "Building the plugin in $BUILD_DIR" build_plugin
step "Fetching the published OHIF build" fetch_viewer
echo "  Set up in $(( $(date +%s) - started )) s."
echo

OHIF_DIST="$(cat "$BUILD_DIR/demo-ohif-path.txt")"
export PYTHONPATH="$SOURCE_DIR/Resources/Python${PYTHONPATH:+:$PYTHONPATH}"
exec python3 "$SOURCE_DIR/Resources/Demo/demo.py" --plugin "$BUILD_DIR/libOrthancCors.so" --ohif "$OHIF_DIST" \
  --work "$BUILD_DIR/demo" \
  --orthanc-port "${settings[orthanc-port]}" --gateway-port "${settings[gateway-port]}" \
  --viewer-port "${settings[viewer-port]}" --portal-port "${settings[portal-port]}" --slices "${settings[slices]}"
