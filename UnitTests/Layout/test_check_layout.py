# SPDX-License-Identifier: AGPL-3.0-or-later
"""The layout check finds each kind of violation, and passes a tree that has none."""

import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'check_layout.py')

CMAKE_LISTS = textwrap.dedent('''\
    add_core_module(Common DEPENDS Threads::Threads)
    add_core_module(Policy DEPENDS OrthancCorsCommon)
    add_core_module(Configuration DEPENDS OrthancCorsPolicy OrthancCors::JsonCpp)
    ''')

README = textwrap.dedent('''\
    # Project
    ## Layout
    | Module | What it holds | May include |
    |---|---|---|
    | `Plugin/Common/` | helpers | nothing |
    | `Plugin/Policy/` | the policy | `Common` |
    | `Plugin/Configuration/` | the settings | `Policy` |
    | `Plugin/OrthancPort/` | the SDK layer | every module, the Orthanc SDK |
    ## Next
    ''')


class LayoutCheckTest(unittest.TestCase):
    def make_tree(self, files, readme=README):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        tree = {'CMakeLists.txt': CMAKE_LISTS, 'Resources/Documentation/Development.md': readme,
                'Plugin/Common/Text.h': '#include <string>\n',
                'Plugin/Policy/Policy.h': '#include "../Common/Text.h"\n',
                'Plugin/Configuration/Settings.h': '#include "../Common/Text.h"\n#include <json/value.h>\n',
                'Plugin/OrthancPort/Plugin.cpp': '#include <orthanc/OrthancCPlugin.h>\n#include "../Configuration/Settings.h"\n'}
        tree.update(files)
        for name, text in tree.items():
            path = os.path.join(directory.name, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                f.write(text)
        return directory.name

    def check(self, tree):
        run = subprocess.run([sys.executable, CHECKER, tree], capture_output=True, text=True)
        return run.returncode, run.stdout

    def assert_reported(self, files, *messages, readme=README):
        status, output = self.check(self.make_tree(files, readme))
        self.assertEqual(1, status, output)
        for message in messages:
            self.assertIn(message, output)

    def test_a_tree_that_follows_the_rules_passes(self):
        status, output = self.check(self.make_tree({}))
        self.assertEqual(0, status, output)
        self.assertIn('0 layout violation(s)', output)

    def test_a_module_including_a_module_above_it_is_reported(self):
        self.assert_reported({'Plugin/Policy/Bad.cpp': '#include "../Configuration/Settings.h"\n'},
                             'Plugin/Policy/Bad.cpp:1: Policy includes Configuration')

    def test_an_indirect_dependency_is_allowed(self):
        status, output = self.check(self.make_tree({'Plugin/Configuration/Uses.cpp': '#include "../Common/Text.h"\n'}))
        self.assertEqual(0, status, output)

    def test_the_sdk_outside_the_sdk_layer_is_reported(self):
        self.assert_reported({'Plugin/Policy/Sdk.cpp': '#include <orthanc/OrthancCPlugin.h>\n'},
                             'only Plugin/OrthancPort/ and Plugin/Plugin.cpp include the Orthanc SDK')

    def test_a_core_module_including_the_sdk_layer_is_reported(self):
        self.assert_reported({'Plugin/Common/Up.h': '#include "../OrthancPort/Plugin.h"\n'},
                             'the core module Common includes the SDK layer')

    def test_jsoncpp_where_it_is_not_linked_is_reported(self):
        self.assert_reported({'Plugin/Policy/Json.cpp': '#include <json/value.h>\n'},
                             'Policy includes <json/value.h> without linking OrthancCors::JsonCpp')

    def test_a_readme_that_disagrees_with_cmake_is_reported(self):
        readme = README.replace('| `Plugin/Configuration/` | the settings | `Policy` |',
                                '| `Plugin/Configuration/` | the settings | `Common` |')
        self.assert_reported({}, "Plugin/Configuration/ may include ['Common'] there, ['Policy'] in CMakeLists.txt",
                             readme=readme)

    def test_a_module_missing_from_the_readme_is_reported(self):
        self.assert_reported({'Plugin/Extra/Thing.h': '\n'},
                             'Resources/Documentation/Development.md, Layout: no row for Plugin/Extra/',
                             'Plugin/Extra/ is not a module of CMakeLists.txt')


if __name__ == '__main__':
    unittest.main()
