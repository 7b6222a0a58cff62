# SPDX-License-Identifier: AGPL-3.0-or-later
"""The benchmark's quick run (Resources/Benchmark/run-benchmark.sh --quick) completes and
writes its Markdown: one table a workload, a row of figures for each contender that
takes part, and the ratios. Nothing here looks at how fast anything was."""

import os
import re
import subprocess
import tempfile
import unittest

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COMMAND = os.path.join(SOURCE_DIR, "Resources", "Benchmark", "run-benchmark.sh")
WORKLOAD_TITLES = ["Preflight", "QIDO-RS study search", "WADO-RS metadata", "WADO-RS retrieve of one instance",
                   "STOW-RS upload", "Static 15 MiB file"]
NUMBER = r"[0-9]+(?:\.[0-9]+)?"
LARGE_FILE_ROW = re.compile(r"^\| (nginx CORS proxy|Gateway) \| (%s) \| (%s) \| (-?%s) \| (\d+) \|$"
                            % (NUMBER, NUMBER, NUMBER), re.MULTILINE)
OBSERVABILITY_ROW = re.compile(r"^\| (preflight|qido) \| (%s) \| (%s) \| (%sx) \| (%s) \| (%s) \|$"
                               % (NUMBER, NUMBER, NUMBER, NUMBER, NUMBER), re.MULTILINE)
FIGURES_ROW = re.compile(r"^\| (Orthanc direct|nginx CORS proxy|Gateway) \| (%s) \| (%s) \| (%s) \| (\d+) \|$"
                         % (NUMBER, NUMBER, NUMBER), re.MULTILINE)


class QuickBenchmarkRun(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        output = os.environ.get("ORTHANC_CORS_BENCHMARK_OUTPUT") or os.path.join(tempfile.mkdtemp(), "benchmark.md")
        if os.path.exists(output):
            os.remove(output)
        cls.completed = subprocess.run([COMMAND, "--quick", "--output", output], stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True, timeout=840)
        cls.text = open(output, encoding="utf-8").read() if os.path.exists(output) else ""
        # The workloads' tables, then the large-file table (rows of another shape).
        cls.workloads_text, _, rest = cls.text.partition("\n## Large file")
        cls.large_file_text = rest.partition("\n## ")[0]

    def test_RunEndsWithoutError(self):
        self.assertEqual(self.completed.returncode, 0, self.completed.stdout[-5000:])

    def test_EveryWorkloadHasItsTable(self):
        for title in WORKLOAD_TITLES:
            self.assertRegex(self.text, r"(?m)^## %s" % re.escape(title), self.completed.stdout[-5000:])
        self.assertEqual(self.text.count("| Contender | Requests/s |"), 7, self.text)

    def test_EveryContenderMeasuredWithoutErrors(self):
        rows = FIGURES_ROW.findall(self.workloads_text)
        # 7 workloads x 3 contenders, minus Orthanc direct on the preflight (it cannot answer one).
        self.assertEqual(len(rows), 20, self.text)
        for (contender, requests_per_second, _, _, errors) in rows:
            self.assertGreater(float(requests_per_second), 0.0, contender)
            self.assertEqual(int(errors), 0, "%s had failed requests:\n%s" % (contender, self.text))

    def test_LargeFileTableHasBothProxies(self):
        self.assertRegex(self.text, r"(?m)^## Large file \(128 MiB\) from a served folder", self.text)
        self.assertIn("Orthanc's own port answers 501", self.large_file_text)
        rows = LARGE_FILE_ROW.findall(self.large_file_text)
        self.assertEqual(sorted(row[0] for row in rows), ["Gateway", "nginx CORS proxy"], self.text)
        for (contender, mib_per_second, _, _, rounds) in rows:
            self.assertGreater(float(mib_per_second), 0.0, contender)
            self.assertEqual(int(rounds), 1, contender)

    def test_AccessLogAndMetricsTableHasBothWorkloads(self):
        section = self.text.partition("\n## Access log and metrics")[2].partition("\n## ")[0]
        self.assertRegex(section, r"(\d+) access log lines written, (\d+) scrapes", self.text)
        lines, scrapes = map(int, re.search(r"(\d+) access log lines written, (\d+) scrapes", section).groups())
        self.assertGreater(lines, 0)
        self.assertGreater(scrapes, 0)
        rows = OBSERVABILITY_ROW.findall(section)
        self.assertEqual([row[0] for row in rows], ["preflight", "qido"], self.text)
        for (workload, off, on, _, _, _) in rows:
            self.assertGreater(float(off), 0.0, workload)
            self.assertGreater(float(on), 0.0, workload)

    def test_RatiosAreReported(self):
        self.assertEqual(len(re.findall(r"Gateway/nginx: %sx requests/s" % NUMBER, self.text)), 7, self.text)


if __name__ == "__main__":
    unittest.main()
