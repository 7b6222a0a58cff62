# SPDX-License-Identifier: AGPL-3.0-or-later
"""A process's memory as Linux reports it in /proc/PID/status (the gateway runs in
Orthanc's process, so this is how the tests and the benchmark bound its footprint)."""

import threading
import time

MIB = 1024 * 1024


def memory_kib(pid, field):
    """The value, in KiB, of `field` ("VmRSS", "VmHWM", ...) in /proc/PID/status."""
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError("no %s in /proc/%d/status" % (field, pid))


def reset_peak_rss(pid):
    """Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+)."""
    with open("/proc/%d/clear_refs" % pid, "w") as output:
        output.write("5")


def settled_memory_kib(pid, at_most_kib=None, timeout=10.0):
    """VmRSS once it has settled: stable over half a second (and, when given, at most
    `at_most_kib`), or whatever it is when `timeout` s have passed."""
    deadline = time.monotonic() + timeout
    previous = memory_kib(pid, "VmRSS")
    while True:
        time.sleep(0.5)
        current = memory_kib(pid, "VmRSS")
        settled = abs(current - previous) < 512 and (at_most_kib is None or current <= at_most_kib)
        if settled or time.monotonic() >= deadline:
            return current
        previous = current


class RssSampler(threading.Thread):
    """Samples VmRSS of a process every few milliseconds; `peak` in KiB."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = memory_kib(pid, "VmRSS")
        self.running = True

    def run(self):
        while self.running:
            try:
                self.peak = max(self.peak, memory_kib(self.pid, "VmRSS"))
            except (OSError, RuntimeError):
                return   # the process ended
            time.sleep(0.005)

    def finish(self):
        self.running = False
        self.join(timeout=5)
        return self.peak
