# SPDX-License-Identifier: AGPL-3.0-or-later
# Sourced by the scripts that make a Debian root for the tests (Resources/Sid/make-root.sh,
# Resources/Debian/make-root.sh): what they share, the making of a root once, cached under
# .cache/ and reused, made in a temporary folder and renamed under a lock, so that an
# interrupted or concurrent run leaves nothing half made.
#
#   make_cached_debian_root NAME REQUEST FILL PACKAGE...
#
# NAME: the root's folder in the cache. REQUEST: the first line of the root's stamp; a
# root whose stamp starts otherwise is made again. FILL: a function called with the new
# root's folder, the Debian mirror and the log file, which runs debootstrap and anything
# else; it calls debian_root_failed MESSAGE when a step fails. PACKAGE...: the packages
# whose versions the stamp records (the test command prints them). Prints the root's path.
#
#   DEBIAN_MIRROR=http://...              # default: the machine's own Debian URI
#   ORTHANC_CORS_CACHE_DIR=DIR            # default: <source>/.cache

DEBIAN_ROOT_STAMP=.orthanc-cors-root

debian_root_is_made()
{
  [ -f "$1/$DEBIAN_ROOT_STAMP" ] && [ "$(head -n 1 "$1/$DEBIAN_ROOT_STAMP")" = "$2" ]
}

# Called by FILL: shows the end of the log, removes what was made, and exits.
debian_root_failed()
{
  tail -n 20 "$debian_root_log" >&2
  echo "make-root.sh: $1; log: $debian_root_log" >&2
  grep -o " $debian_root_partial/[^ ]*" /proc/mounts | sort -r | xargs -r -n 1 umount -l || true
  rm -rf --one-file-system "$debian_root_partial"
  exit 1
}

make_cached_debian_root()
{
  local name="$1" request="$2" fill="$3"
  shift 3
  local source_dir cache_dir root mirror
  source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cache_dir="${ORTHANC_CORS_CACHE_DIR:-$source_dir/.cache}"
  root="$cache_dir/$name"

  if debian_root_is_made "$root" "$request"; then
    echo "$root"
    return 0
  fi

  if [ "$(id -u)" != "0" ]; then
    echo "make-root.sh: debootstrap and chroot need root" >&2
    exit 2
  fi

  mkdir -p "$cache_dir"
  exec 9>"$cache_dir/$name.lock"
  flock 9
  if debian_root_is_made "$root" "$request"; then   # made by another run while this one waited
    echo "$root"
    return 0
  fi

  if ! command -v debootstrap >/dev/null 2>&1; then
    echo "Installing: debootstrap" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2
  fi

  # The Debian archive this machine already reaches: the URIs of its own Debian
  # sources (deb822), else the official one.
  mirror="${DEBIAN_MIRROR:-}"
  if [ -z "$mirror" ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
    mirror="$(awk '/^[ \t]*URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)"
  fi
  mirror="${mirror:-http://deb.debian.org/debian}"

  debian_root_partial="$(mktemp -d "$cache_dir/$name.partial.XXXXXX")"
  # mktemp's 0700 would become the root's "/", which a user other than root (Orthanc's
  # own, in the package's test) could not enter.
  chmod 0755 "$debian_root_partial"
  debian_root_log="$debian_root_partial.log"
  "$fill" "$debian_root_partial" "$mirror" "$debian_root_log"

  {
    echo "$request"
    chroot "$debian_root_partial" dpkg-query -W "$@"
  } > "$debian_root_partial/$DEBIAN_ROOT_STAMP"

  rm -rf --one-file-system "$root"
  mv -T "$debian_root_partial" "$root"
  rm -f "$debian_root_log"
  tail -n +2 "$root/$DEBIAN_ROOT_STAMP" | sed 's/^/  /' >&2
  echo "$root"
}
