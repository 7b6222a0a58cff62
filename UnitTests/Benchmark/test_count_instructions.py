# SPDX-License-Identifier: AGPL-3.0-or-later
"""Resources/Benchmark/count-instructions.sh as a user runs it, with few requests, so that it
cannot rot: every row is printed, the gateway's thread is told apart from Orthanc's (a
preflight costs Orthanc next to nothing, a QIDO search millions), nginx is counted. Never a
figure's size beyond that: instruction counts are for the README, not for a test."""

import os
import re
import subprocess
import unittest

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(SOURCE_DIR, "Resources", "Benchmark", "count-instructions.sh")
ROW = re.compile(r"^\| (\w+) \| (\d+) \| (\d+) \| (\d+|404) \| (\d+) \|$", re.MULTILINE)


class CountInstructions(unittest.TestCase):

    def test_counts_the_gateway_orthanc_and_nginx_apart(self):
        completed = subprocess.run([SCRIPT, "--plugin", os.environ["ORTHANC_CORS_PLUGIN"], "--requests", "2",
                                    "preflight", "qido"],
                                   capture_output=True, text=True, timeout=1200, stdin=subprocess.DEVNULL)
        self.assertEqual(completed.returncode, 0, completed.stderr[-3000:])
        rows = {match.group(1): match.groups()[1:] for match in ROW.finditer(completed.stdout)}
        self.assertEqual(sorted(rows), ["preflight", "qido"], completed.stdout)

        gateway, orthanc_through, orthanc_direct, nginx = rows["preflight"]
        self.assertGreater(int(gateway), 1000)          # parsing and answering a preflight
        self.assertLess(int(orthanc_through), int(gateway))   # Orthanc never sees it
        self.assertEqual(orthanc_direct, "404")
        self.assertGreater(int(nginx), 1000)

        gateway, orthanc_through, orthanc_direct, nginx = rows["qido"]
        self.assertGreater(int(gateway), 1000)
        self.assertGreater(int(orthanc_through), 10 * int(gateway))   # the search is Orthanc's work
        self.assertGreater(int(orthanc_direct), 10 * int(gateway))
        self.assertGreater(int(nginx), 1000)

    def test_refuses_an_unknown_workload(self):
        completed = subprocess.run([SCRIPT, "--plugin", os.environ["ORTHANC_CORS_PLUGIN"], "qidoo"],
                                   capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
        self.assertEqual(completed.returncode, 2, completed.stderr[-2000:])
        self.assertIn("unknown workload(s) qidoo", completed.stderr)


if __name__ == "__main__":
    unittest.main()
