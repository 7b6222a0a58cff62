# SPDX-License-Identifier: AGPL-3.0-or-later
"""Child processes that their parent stops itself, in order, rather than a terminal;
and ServerProcess, what the servers the tests start (Orthanc, PostgreSQL, HAProxy) share.

A terminal's Ctrl-C signals its whole foreground process group: a server started in
that group would die by the signal at the same moment as the program that started
it, which could then not tell that stop from a crash, nor stop things in order. A
child started with detached_options() is in a session of its own, out of the
terminal's reach, and gets SIGTERM if its parent dies without stopping it.
"""

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile

_PR_SET_PDEATHSIG = 1   # <linux/prctl.h>


def detached_options():
    """Keyword arguments for subprocess.Popen (Linux only)."""
    parent = os.getpid()

    def stop_with_parent():
        # Runs in the child between fork and exec.
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:   # the parent died before prctl took effect
            os._exit(1)

    return {"start_new_session": True, "preexec_fn": stop_with_parent}


# Set to 1 to keep every temporary folder (configuration, storage, log), not only
# those of failed tests.
KEEP_TEMPORARY = os.environ.get("ORTHANC_CORS_KEEP_TEMP", "").upper() in ("1", "ON", "TRUE", "YES")

POLL_INTERVAL = 0.05      # seconds between two looks of a bounded wait


class StartAndCleanup:
    """The context manager of anything with start() and cleanup(failed): cleaned up
    as failed when it does not start, or when the block raises."""

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.cleanup(failed=True)
            raise

    def __exit__(self, exc_type, exc_value, traceback):
        self.cleanup(failed=exc_type is not None)
        return False


class ServerProcess(StartAndCleanup):
    """A server the tests start (Orthanc, PostgreSQL, HAProxy): one process, a
    temporary folder of its own holding its configuration and its output, stopped
    by stop() or cleanup(failed), which keeps the folder when something failed.
    Subclasses say how to start it (start(), through spawn()) and how it stops."""

    NAME = "server"
    ERROR = RuntimeError                  # raised by cleanup() for a server that died or hung
    STOP_SIGNAL = signal.SIGTERM          # its clean stop
    CLEAN_EXITS = (0,)                    # the exit statuses of a clean stop
    STOP_TIMEOUT = 30                     # seconds after STOP_SIGNAL before SIGKILL

    def __init__(self, prefix, parent_directory=None):
        self.directory = tempfile.mkdtemp(prefix=prefix, dir=parent_directory)
        self.log_path = None
        self.process = None
        self.exit_code = None
        self._output = None
        self.report_failures = True      # print the kept folder and the log's tail on failure

    def spawn(self, command, output_path, **options):
        """Starts `command` in the folder, its stdout and stderr into `output_path`."""
        self._output = open(output_path, "wb")
        self.process = subprocess.Popen(command, cwd=self.directory, stdin=subprocess.DEVNULL,
                                        stdout=self._output, stderr=subprocess.STDOUT, **options)
        return self.process

    def _forget_process(self):
        self.exit_code = self.process.returncode
        self.process = None
        if self._output is not None:
            self._output.close()
            self._output = None

    def is_running(self):
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """SIGKILL, as a crash or an out-of-memory kill would end it."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait(timeout=30)
        self._forget_process()

    def stop(self, timeout=None):
        """STOP_SIGNAL, then SIGKILL after `timeout` s (STOP_TIMEOUT). Returns a
        description of anything abnormal (died before the stop, an unclean exit,
        had to be killed), or None."""
        if self.process is None:
            return None
        timeout = self.STOP_TIMEOUT if timeout is None else timeout
        signal_name = signal.Signals(self.STOP_SIGNAL).name
        problem = None
        if self.process.poll() is not None:
            problem = "%s had already exited with status %d before the test stopped it" % (
                self.NAME, self.process.returncode)
        else:
            self.process.send_signal(self.STOP_SIGNAL)
            try:
                self.process.wait(timeout=timeout)
                if self.process.returncode not in self.CLEAN_EXITS:
                    problem = "%s exited with status %d after %s" % (self.NAME, self.process.returncode, signal_name)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                problem = "%s did not stop within %d s of %s and was killed" % (self.NAME, timeout, signal_name)
        self._forget_process()
        return problem

    def cleanup(self, failed):
        """Stops the server; removes its folder unless `failed` (or
        ORTHANC_CORS_KEEP_TEMP=1), printing where it is and the log's tail. Raises
        ERROR if the server crashed or hung, so that a test cannot pass over it."""
        problem = self.stop()
        if failed or problem or KEEP_TEMPORARY:
            if (failed or problem) and self.report_failures:
                sys.stderr.write("\n--- %s folder kept for diagnosis: %s (log: %s)\n%s\n---\n"
                                 % (self.NAME, self.directory, self.log_path, self.log_tail()))
        else:
            shutil.rmtree(self.directory, ignore_errors=True)
        if problem and not failed:
            raise self.ERROR("%s; log: %s\n%s" % (problem, self.log_path, self.log_tail()))

    def log_text(self):
        """The whole log so far."""
        try:
            with open(self.log_path, "r", encoding="utf-8", errors="replace") as log:
                return log.read()
        except (FileNotFoundError, TypeError):
            return ""

    def log_tail(self, lines=40):
        return "\n".join(self.log_text().splitlines()[-lines:])
