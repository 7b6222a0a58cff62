# SPDX-License-Identifier: AGPL-3.0-or-later
"""Resources/Python installs as a package (pyproject.toml, setuptools): offline, with
the build backend already on the machine (Debian's python3-setuptools and
python3-wheel), into a folder of its own; every module of orthanc_cors_tools is in
it and imports from there, without PYTHONPATH and without the source tree."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unittest

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PYTHON_DIR = os.path.join(SOURCE_DIR, "Resources", "Python")
PACKAGE = "orthanc_cors_tools"
INSTALL_TIMEOUT = 300


def source_modules():
    return sorted(name[:-len(".py")] for name in os.listdir(os.path.join(PYTHON_DIR, PACKAGE))
                  if name.endswith(".py"))


def without_python_variables():
    return {name: value for (name, value) in os.environ.items() if not name.startswith(("PYTHON", "PIP_"))}


class PythonPackageInstalls(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="orthanc-cors-python-package-")
        cls.addClassCleanup(shutil.rmtree, cls.directory, True)
        # A copy: building writes build/ and *.egg-info beside pyproject.toml, and the
        # source tree stays as it is.
        source = os.path.join(cls.directory, "source")
        shutil.copytree(PYTHON_DIR, source, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
        cls.target = os.path.join(cls.directory, "site")
        command = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
                   "--disable-pip-version-check", "--no-input", "--target", cls.target, source]
        cls.install = subprocess.run(command, cwd=cls.directory, env=without_python_variables(),
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     timeout=INSTALL_TIMEOUT)

    def run_isolated(self, code, **environment):
        """Python -I (no PYTHONPATH, no user site, not the current folder) with only the
        installed folder added to its path."""
        program = "import sys; sys.path.insert(0, %r)\n%s" % (self.target, code)
        return subprocess.run([sys.executable, "-I", "-c", program], cwd=self.directory,
                              env=dict(without_python_variables(), **environment),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)

    def test_package_installs_offline_without_build_isolation(self):
        self.assertEqual(self.install.returncode, 0, self.install.stdout)

    def test_every_module_of_the_package_is_installed(self):
        installed = sorted(name[:-len(".py")] for name in os.listdir(os.path.join(self.target, PACKAGE))
                           if name.endswith(".py"))
        self.assertEqual(installed, source_modules(), self.install.stdout)

    def test_every_module_imports_from_the_installed_folder(self):
        code = ("import importlib\n"
                "for name in %r:\n"
                "    module = importlib.import_module(%r + '.' + name)\n"
                "    print(module.__file__)\n") % (source_modules(), PACKAGE)
        result = self.run_isolated(code)
        self.assertEqual(result.returncode, 0, result.stdout)
        files = result.stdout.split()
        self.assertEqual(len(files), len(source_modules()), result.stdout)
        for path in files:
            self.assertTrue(path.startswith(os.path.join(self.target, PACKAGE) + os.sep), path)

    def test_examples_read_the_source_tree_named_by_the_environment(self):
        code = "from orthanc_cors_tools import examples; print(examples.EXAMPLES_DIR)"
        result = self.run_isolated(code, ORTHANC_CORS_SOURCE_DIR=SOURCE_DIR)
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertEqual(result.stdout.strip(), os.path.join(SOURCE_DIR, "Resources", "Examples"))
        self.assertTrue(os.path.isdir(result.stdout.strip()))

    def test_package_version_is_the_plugins(self):
        with open(os.path.join(PYTHON_DIR, "pyproject.toml"), "rb") as source:
            version = tomllib.load(source)["project"]["version"]
        with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as source:
            plugin_version = re.search(r"project\(OrthancCors VERSION (\S+)", source.read()).group(1)
        self.assertEqual(version, plugin_version)
        self.assertTrue(os.path.isdir(os.path.join(self.target, "orthanc_cors_tools-%s.dist-info" % version)),
                        os.listdir(self.target))


if __name__ == "__main__":
    unittest.main()
