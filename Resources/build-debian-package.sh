#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Makes the Debian package of the plugin, laid out as Debian's own Orthanc plugins
# are (orthanc-dicomweb): the library in /usr/lib/orthanc/, a link to it in
# /usr/share/orthanc/plugins/ (the folder Debian's Orthanc loads plugins from), the
# conffile /etc/orthanc/cors.json (Resources/Debian/cors.json: it sets nothing until
# the administrator lists origins), the copyright and changelogs in
# /usr/share/doc/orthanc-cors/, and lintian's override of its one error, the
# JsonCpp compiled into the STATIC_BUILD (Resources/Debian/lintian-overrides).
# Prints the path of the package.
#
#   Resources/build-debian-package.sh OUTDIR [LIBRARY]
#   # -> OUTDIR/orthanc-cors_<version>-1_<arch>.deb
#
# LIBRARY: an already built shipped library (the test command passes
# build-tests/shipped/libOrthancCors.so, the one it tested). Without it, the library
# is built as the test command builds it (Resources/build-shipped-plugin.sh: the
# STATIC_BUILD, which needs nothing but the C/C++ runtime and OpenSSL) in
# $ORTHANC_CORS_PACKAGE_BUILD_DIR (default <source>/build-package).
#
# Only dpkg-deb and dpkg-shlibdeps (dpkg-dev) are used, no debhelper: the package
# holds one prebuilt library and three text files, which dpkg-deb takes as laid out
# here. The version is CMakeLists.txt's; Resources/Debian/changelog must have an
# entry for it, so that a release cannot ship last release's changelog.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 OUTDIR [LIBRARY]" >&2
  exit 2
fi
SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEBIAN_DIR="$SOURCE_DIR/Resources/Debian"
OUT_DIR="$1"
LIBRARY="${2:-}"
PACKAGE=orthanc-cors
# The oldest Orthanc the test command tests the plugin with (Debian bookworm's).
ORTHANC_DEPENDENCY="orthanc (>= 1.10.1)"
MAINTAINER="${ORTHANC_CORS_PACKAGE_MAINTAINER:-The Orthanc Cors plugin authors <maintainers@users.noreply.h-seed-e9ed020e.example>}"
# No field when the project has no public home page yet.
HOMEPAGE="${ORTHANC_CORS_PACKAGE_HOMEPAGE:-}"

for tool in dpkg-deb dpkg-shlibdeps dpkg-parsechangelog strip readelf; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "Installing: dpkg-dev binutils (for $tool)" >&2
    # As the other scripts do: sudo for apt-get when not run as root.
    sudo=""
    [ "$(id -u)" = "0" ] || sudo="sudo"
    $sudo apt-get update -qq >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dpkg-dev binutils >&2
    break
  fi
done

version="$(sed -n 's/^project(OrthancCors VERSION \([0-9][0-9.]*\)[ )].*/\1/p' "$SOURCE_DIR/CMakeLists.txt")"
if [ -z "$version" ]; then
  echo "build-debian-package.sh: no version in CMakeLists.txt's project()" >&2
  exit 1
fi
debian_version="$version-1"
changelog_version="$(dpkg-parsechangelog -l "$DEBIAN_DIR/changelog" -S Version)"
if [ "$changelog_version" != "$debian_version" ]; then
  echo "build-debian-package.sh: Resources/Debian/changelog's last entry is $changelog_version, not $debian_version: add an entry for this version" >&2
  exit 1
fi
arch="$(dpkg --print-architecture)"

if [ -z "$LIBRARY" ]; then
  LIBRARY="$("$SOURCE_DIR/Resources/build-shipped-plugin.sh" \
    "${ORTHANC_CORS_PACKAGE_BUILD_DIR:-$SOURCE_DIR/build-package}" -DBUILD_TESTING=OFF)"
fi
if [ ! -f "$LIBRARY" ]; then
  echo "build-debian-package.sh: no library at $LIBRARY" >&2
  exit 1
fi
soname="$(readelf -d "$LIBRARY" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
if [ "$soname" != "libOrthancCors.so.${version%%.*}" ]; then
  echo "build-debian-package.sh: $LIBRARY has SONAME '$soname', not libOrthancCors.so.${version%%.*}: not the library of version $version" >&2
  exit 1
fi

# A search path baked into the library would make the system's loader look in the
# build machine's folders first.
if readelf -d "$LIBRARY" | grep -q -E '\((RPATH|RUNPATH)\)'; then
  echo "build-debian-package.sh: $LIBRARY has an RPATH or RUNPATH" >&2
  exit 1
fi

umask 022
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
library_name="libOrthancCors.so.$version"
doc="$root/usr/share/doc/$PACKAGE"
mkdir -p "$root/DEBIAN" "$root/usr/lib/orthanc" "$root/usr/share/orthanc/plugins" "$root/etc/orthanc" "$doc"

# As Debian's dh_strip strips a shared library: the symbol table and the notes go
# too (the shipped library keeps its symbol table for stack traces in tests).
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
  -o "$root/usr/lib/orthanc/$library_name" "$LIBRARY"
chmod 0644 "$root/usr/lib/orthanc/$library_name"
# Relative, as Debian's plugins link theirs: the tree stays valid wherever it is unpacked.
ln -s "../../../lib/orthanc/$library_name" "$root/usr/share/orthanc/plugins/libOrthancCors.so"

install -m 0644 "$DEBIAN_DIR/cors.json" "$root/etc/orthanc/cors.json"
install -m 0644 "$DEBIAN_DIR/copyright" "$doc/copyright"
install -D -m 0644 "$DEBIAN_DIR/lintian-overrides" "$root/usr/share/lintian/overrides/$PACKAGE"
gzip -9n < "$DEBIAN_DIR/changelog" > "$doc/changelog.Debian.gz"
# Upstream's changelog is the NEWS file, in Orthanc's own style, as Debian's Orthanc
# packages ship theirs.
gzip -9n < "$SOURCE_DIR/NEWS" > "$doc/changelog.gz"
# What an administrator needs offline to fill in /etc/orthanc/cors.json: the README,
# the reference of every key, and the commented complete configuration.
gzip -9n < "$SOURCE_DIR/README.md" > "$doc/README.md.gz"
gzip -9n < "$SOURCE_DIR/Resources/Documentation/Configuration.md" > "$doc/Configuration.md.gz"
install -D -m 0644 "$SOURCE_DIR/Configuration.json.example" "$doc/examples/Configuration.json.example"
chmod 0644 "$doc"/*.gz "$doc/copyright"

# dpkg-shlibdeps reads the package's name from a debian/control: a minimal one in a
# throwaway source tree.
mkdir -p "$work/source/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$PACKAGE" "$PACKAGE" > "$work/source/debian/control"
shlibs="$(cd "$work/source" && dpkg-shlibdeps -O "$root/usr/lib/orthanc/$library_name" | sed -n 's/^shlibs:Depends=//p')"
if [ -z "$shlibs" ]; then
  echo "build-debian-package.sh: dpkg-shlibdeps found no dependency for $LIBRARY" >&2
  exit 1
fi

echo /etc/orthanc/cors.json > "$root/DEBIAN/conffiles"
# md5sums of every file but the conffiles, whose sums dpkg keeps itself (as dh_md5sums).
(cd "$root" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
installed_size="$(du -s -k --apparent-size --exclude=DEBIAN "$root" | cut -f 1)"

{
  echo "Package: $PACKAGE"
  echo "Version: $debian_version"
  echo "Architecture: $arch"
  echo "Maintainer: $MAINTAINER"
  echo "Installed-Size: $installed_size"
  echo "Depends: $shlibs, $ORTHANC_DEPENDENCY"
  echo "Section: science"
  echo "Priority: optional"
  [ -z "$HOMEPAGE" ] || echo "Homepage: $HOMEPAGE"
  cat <<'EOF'
Description: Orthanc plugin serving DICOMweb to viewers of other origins (CORS)
 Lets a browser viewer served from another origin (OHIF on its own host, a
 portal, a development server) read Orthanc's DICOMweb API, with no reverse
 proxy in front of Orthanc: a gateway port that answers CORS preflights and
 relays to Orthanc, a per-route policy of allowed origins, a guard against
 state-changing requests from foreign pages, optional TLS, and static folders
 for the viewer itself.
 .
 As installed, /etc/orthanc/cors.json sets nothing and the plugin does nothing;
 listing origins there turns it on.
EOF
} > "$root/DEBIAN/control"
chmod 0644 "$root/DEBIAN"/*

# Same date on every file, the changelog's, so that two builds of one library
# give the same package.
SOURCE_DATE_EPOCH="$(dpkg-parsechangelog -l "$DEBIAN_DIR/changelog" -S Timestamp)"
export SOURCE_DATE_EPOCH
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$OUT_DIR"
deb="$(cd "$OUT_DIR" && pwd)/${PACKAGE}_${debian_version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "$deb"
