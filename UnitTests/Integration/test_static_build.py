# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the plugin's shared library needs and exports (readelf).

The orthancteam Docker image ships other JsonCpp and Boost versions than Debian:
a STATIC_BUILD plugin must need nothing but the C/C++ runtime and OpenSSL, and no
build may export more than Orthanc's four entry points (anything else could clash
with Orthanc's own JsonCpp or another plugin's symbols)."""

import os
import re
import subprocess
import unittest

from orthanc_cors_tools.orthanc import cors_plugin_path

ENTRY_POINTS = {"OrthancPluginInitialize", "OrthancPluginFinalize",
                "OrthancPluginGetName", "OrthancPluginGetVersion"}

# Library names (before ".so") a STATIC_BUILD plugin may need.
ALLOWED_NEEDED = {"libc", "libm", "libstdc++", "libgcc_s", "libssl", "libcrypto"}
DYNAMIC_LOADER = re.compile(r"^ld-linux[-\w.]*\.so")


def is_static_build():
    return os.environ.get("ORTHANC_CORS_STATIC_BUILD", "").strip().upper() in ("1", "ON", "TRUE", "YES")


def shipped_copy_path():
    """The copy Resources/build-shipped-plugin.sh leaves for users (and the Docker
    image) next to the tested library: <build>/shipped/libOrthancCors.so."""
    return os.path.join(os.environ.get("ORTHANC_CORS_BUILD_DIR", ""), "shipped", "libOrthancCors.so")


def readelf(*arguments, library=None):
    return subprocess.run(["readelf"] + list(arguments) + [library or cors_plugin_path()],
                          check=True, capture_output=True, text=True, timeout=60).stdout


def needed_libraries(library=None):
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", readelf("--dynamic", "--wide", library=library))


def dynamic_symbols(library=None):
    """(name, binding, defined) of every entry of .dynsym, names demangled."""
    symbols = []
    for line in readelf("--dyn-syms", "--wide", "--demangle", library=library).splitlines():
        # Num: Value Size Type Bind Vis Ndx Name
        fields = line.split(None, 7)
        if len(fields) < 8 or not fields[0].rstrip(":").isdigit():
            continue
        name = fields[7].split("@")[0].strip()
        if name:
            symbols.append((name, fields[4], fields[6] != "UND"))
    return symbols


class StaticBuildDependencies(unittest.TestCase):

    def setUp(self):
        if not is_static_build():
            self.skipTest("not a STATIC_BUILD (ORTHANC_CORS_STATIC_BUILD=%r): the NEEDED list of the "
                          "default build names Debian's libjsoncpp on purpose"
                          % os.environ.get("ORTHANC_CORS_STATIC_BUILD"))

    def test_static_build_needs_only_the_c_and_cxx_runtime_and_openssl(self):
        needed = needed_libraries()
        self.assertTrue(needed, "readelf found no NEEDED entry at all")
        unexpected = [library for library in needed
                      if library.split(".so")[0] not in ALLOWED_NEEDED and not DYNAMIC_LOADER.match(library)]
        self.assertEqual(unexpected, [], "NEEDED entries beyond libc, libm, libstdc++, libgcc_s, libssl, "
                                         "libcrypto: %r" % needed)

    def test_static_build_does_not_need_jsoncpp_or_boost(self):
        needed = needed_libraries()
        self.assertFalse([library for library in needed if "jsoncpp" in library or "boost" in library], needed)

    def test_static_build_has_no_undefined_jsoncpp_symbol(self):
        undefined = [name for (name, _, defined) in dynamic_symbols() if not defined and "Json::" in name]
        self.assertEqual(undefined, [])


class ExportedSymbols(unittest.TestCase):
    """Holds for every build: the version script exports the entry points only."""

    def test_plugin_exports_exactly_the_four_orthanc_entry_points(self):
        exported = {name for (name, binding, defined) in dynamic_symbols()
                    if defined and binding in ("GLOBAL", "WEAK", "UNIQUE")}
        self.assertEqual(exported, ENTRY_POINTS)

    def test_plugin_exports_no_jsoncpp_boost_or_own_symbol(self):
        leaked = [name for (name, binding, defined) in dynamic_symbols()
                  if defined and re.search(r"Json::|boost::|OrthancCors::", name)]
        self.assertEqual(leaked, [])


class ShippedCopy(unittest.TestCase):
    """What users copy and the Docker image holds is the tested library, without its
    debug information."""

    def setUp(self):
        if not os.path.isfile(shipped_copy_path()):
            self.skipTest("no %s: this build was not made by Resources/build-shipped-plugin.sh"
                          % shipped_copy_path())

    def test_shipped_copy_has_the_tested_librarys_dependencies_and_symbols(self):
        self.assertEqual(needed_libraries(shipped_copy_path()), needed_libraries())
        self.assertEqual(dynamic_symbols(shipped_copy_path()), dynamic_symbols())

    def test_shipped_copy_has_no_debug_information(self):
        sections = readelf("--sections", "--wide", library=shipped_copy_path())
        self.assertNotIn(".debug_info", sections)
        self.assertIn(".debug_info", readelf("--sections", "--wide"), "the tested library was built without "
                                                                     "debug information: is this RelWithDebInfo?")


if __name__ == "__main__":
    unittest.main()
