# SPDX-License-Identifier: AGPL-3.0-or-later
"""The licence-line check finds a source file without the line, leaves data files
alone, and its --fix keeps a shebang or a doctype first."""

import contextlib
import io
import os
import tempfile
import unittest

import check_licence_headers as check


def write(folder, name, text):
    path = os.path.join(folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def run(*arguments):
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        status = check.main(list(arguments))
    return status, output.getvalue()


class CheckLicenceHeadersTests(unittest.TestCase):
    def test_a_file_without_the_line_is_named(self):
        with tempfile.TemporaryDirectory() as folder:
            write(folder, "Plugin/Good.cpp", "// " + check.TAG + "\n#pragma once\n")
            write(folder, "Plugin/Bad.h", "#pragma once\n")
            status, output = run(folder)
            self.assertEqual(1, status)
            self.assertIn("Plugin/Bad.h", output)
            self.assertNotIn("Good.cpp", output)

    def test_data_builds_and_fuzz_inputs_are_not_sources(self):
        with tempfile.TemporaryDirectory() as folder:
            write(folder, "notes.txt", "no licence line\n")
            write(folder, "build-tests/generated.cpp", "int x;\n")
            write(folder, "UnitTests/Fuzzing/corpus/Origin/a.h", "GET / HTTP/1.1\n")
            self.assertEqual((0, ""), run(folder))

    def test_fix_keeps_a_shebang_and_a_doctype_first(self):
        with tempfile.TemporaryDirectory() as folder:
            script = write(folder, "run.sh", "#!/usr/bin/env bash\necho hi\n")
            page = write(folder, "page.html", "<!doctype html>\n<p>hi</p>\n")
            module = write(folder, "tool.py", '"""Doc."""\n')
            self.assertEqual(0, run("--fix", folder)[0])
            self.assertEqual(0, run(folder)[0])
            with open(script, encoding="utf-8") as f:
                self.assertEqual(["#!/usr/bin/env bash", "# " + check.TAG, "echo hi"], f.read().splitlines())
            with open(page, encoding="utf-8") as f:
                self.assertEqual("<!-- " + check.TAG + " -->", f.read().splitlines()[1])
            with open(module, encoding="utf-8") as f:
                self.assertEqual("# " + check.TAG, f.readline().rstrip("\n"))


if __name__ == "__main__":
    unittest.main()
