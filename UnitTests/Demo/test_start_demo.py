# SPDX-License-Identifier: AGPL-3.0-or-later
"""The README's first command as a user runs it: Resources/start-demo.sh, non-interactively,
in a process group of its own as a terminal would start it. Waits for the URLs it prints,
checks each answers as it says, then stops it as Ctrl-C does (SIGINT to the whole process
group) and checks that it exits 0 with one clean line and leaves no process behind.

ORTHANC_CORS_BUILD_DIR (set by CTest) is the build folder of these tests: the demo's build
step runs there and has nothing left to do. Run through ctest (label `demo`).
"""

import fcntl
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import termios
import threading
import time
import unittest
import urllib.parse

from orthanc_cors_tools.raw_http import free_port, http_request

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
START_DEMO = os.path.join(SOURCE_DIR, "Resources", "start-demo.sh")
BUILD_DIR = os.environ.get("ORTHANC_CORS_BUILD_DIR")

# The first run on a machine may install npm and download OHIF (~150 MB).
READY_TIMEOUT = 600
STOP_TIMEOUT = 60          # Orthanc stops in ~3.5 s; it is killed after 30 s
USAGE_TIMEOUT = 10         # --help and usage errors touch nothing: well under a second
POLL_INTERVAL = 0.05

CLEAN_STOP = "Stopping the demo... stopped: Orthanc and the servers of the viewer and the portal are down."
SETUP_STEP = re.compile(r"^  (Installing the Debian packages that are missing|Building the plugin in .+"
                        r"|Fetching the published OHIF build)\.\.\. done in \d+ s$")


def process_start_time(pid):
    """The start time of process `pid` (clock ticks since boot), None if it is gone: a pid
    with another start time is another process."""
    try:
        with open("/proc/%d/stat" % pid) as source:
            # The command name may hold spaces: the fields after its closing parenthesis.
            fields = source.read().rsplit(")", 1)[1].split()
        return None if fields[0] == "Z" else int(fields[19])
    except (OSError, IndexError):
        return None


def descendants(root):
    """{pid: start time} of every live process below `root`, at any depth."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as source:
                    parent = int(source.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found = {}
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            start = process_start_time(child)
            if start is not None:
                found[child] = start
                pending.append(child)
    return found


class RunningDemo:
    """Resources/start-demo.sh started as a terminal starts a command: the leader of a
    process group of its own. Collects its standard output and error as they come."""

    def __init__(self, arguments, build_dir=BUILD_DIR):
        environment = dict(os.environ, ORTHANC_CORS_BUILD_DIR=build_dir)
        self.process = subprocess.Popen([START_DEMO] + arguments, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env=environment, start_new_session=True)
        self.stdout_lines = []
        self.stderr_lines = []
        self.changed = threading.Condition(threading.RLock())   # output() is called with it held
        self.readers = [threading.Thread(target=self._collect, args=(stream, lines), daemon=True)
                        for (stream, lines) in ((self.process.stdout, self.stdout_lines),
                                                (self.process.stderr, self.stderr_lines))]
        for reader in self.readers:
            reader.start()

    def _collect(self, stream, lines):
        for line in stream:
            with self.changed:
                lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def output(self):
        with self.changed:
            return "\n".join(self.stdout_lines) + "\n--- stderr:\n" + "\n".join(self.stderr_lines)

    def wait_for_line(self, text, timeout):
        """Waits until a line of standard output equals `text`; fails if the demo exits first."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while text not in self.stdout_lines:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.process.poll() is not None:
                    raise AssertionError("no line %r within %d s (exit status %r):\n%s"
                                         % (text, timeout, self.process.poll(), self.output()))
                self.changed.wait(min(remaining, 1))

    def finish(self, timeout):
        """The exit status, once the demo has exited and its output is read."""
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("the demo did not exit within %d s:\n%s" % (timeout, self.output()))
        for reader in self.readers:
            reader.join(timeout=10)
        self.process.stdout.close()
        self.process.stderr.close()
        return status

    def kill(self):
        """Last resort (a failed test): everything the demo started goes too."""
        for pid in list(descendants(self.process.pid)) + [self.process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()


def command_name(pid):
    """The name of the program process `pid` runs, "" if it is gone."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as source:
            return os.path.basename(source.read().split(b"\0")[0]).decode()
    except OSError:
        return ""


def get(url, headers=None):
    parts = urllib.parse.urlsplit(url)
    path = parts.path + ("?" + parts.query if parts.query else "")
    return http_request(parts.port, "GET", path, headers=headers)


@unittest.skipUnless(BUILD_DIR, "run through ctest, which sets ORTHANC_CORS_BUILD_DIR")
class StartDemo(unittest.TestCase):

    def start_demo(self, slices):
        self.ports = {name: free_port() for name in ("orthanc", "gateway", "viewer", "portal")}
        arguments = ["--%s-port=%d" % (name, port) for (name, port) in self.ports.items()]
        demo = RunningDemo(arguments + ["--slices", str(slices)])
        self.addCleanup(lambda: demo.process.poll() is not None or demo.kill())
        demo.wait_for_line("Press Ctrl-C to stop.", READY_TIMEOUT)
        return demo

    def urls(self, demo):
        """The URLs the demo printed, by what they show."""
        text = demo.output()
        study = re.search(r"StudyInstanceUIDs=([0-9.]+)", text).group(1)
        return {
            "viewer": "http://localhost:%d/viewer?StudyInstanceUIDs=%s" % (self.ports["viewer"], study),
            "gateway viewer": "http://localhost:%d/viewer?StudyInstanceUIDs=%s" % (self.ports["gateway"], study),
            "portal": "http://localhost:%d/" % self.ports["portal"],
            "explorer": "http://localhost:%d/app/explorer.html" % self.ports["orthanc"],
            "dicomweb": "http://localhost:%d/dicom-web/studies" % self.ports["gateway"],
            "policy": "http://localhost:%d/cors/policy" % self.ports["orthanc"],
        }, study

    def test_demo_shows_every_shape_and_stops_cleanly_on_ctrl_c(self):
        demo = self.start_demo(slices=4)
        lines = demo.stdout_lines
        # Quiet: the set-up is one line a step, no compiler or apt output.
        setup = lines[:[line.startswith("Creating a sample CT study") for line in lines].index(True)]
        self.assertEqual(len(setup), 6, demo.output())
        self.assertEqual(setup[0], "Setting up the demo (the whole output goes to %s/demo-setup.log):" % BUILD_DIR)
        for line in setup[1:4]:
            self.assertRegex(line, SETUP_STEP)
        self.assertRegex(setup[4], r"^  Set up in \d+ s\.$")
        self.assertEqual(setup[5], "")

        urls, study = self.urls(demo)
        printed = {line.split()[-1] for line in lines if line.strip()}   # each URL ends its line
        for (name, url) in urls.items():
            with self.subTest(url=name):
                self.assertIn(url, printed, "the demo does not print the %s's URL" % name)

        viewer_origin = "http://localhost:%d" % self.ports["viewer"]
        gateway_origin = "http://localhost:%d" % self.ports["gateway"]
        with self.subTest(shape="1. OHIF on its own origin"):
            page = get(urls["viewer"])
            self.assertEqual(page.status, 200, page)
            self.assertIn(b"<title>", page.body)
            config = get("http://localhost:%d/app-config.js" % self.ports["viewer"])
            self.assertIn(json.dumps(gateway_origin + "/dicom-web").encode(), config.body)
            studies = get(urls["dicomweb"], headers={"Origin": viewer_origin, "Accept": "application/dicom+json"})
            self.assertEqual(studies.status, 200, studies)
            self.assertEqual(studies.header("Access-Control-Allow-Origin"), viewer_origin)
            self.assertEqual([answer["0020000D"]["Value"][0] for answer in studies.json()], [study])

        with self.subTest(shape="2. OHIF served by the gateway"):
            page = get(urls["gateway viewer"], headers={"Sec-Fetch-Mode": "navigate"})
            self.assertEqual(page.status, 200, page)
            self.assertIn(b"<title>", page.body)
            self.assertEqual(page.header("Cross-Origin-Opener-Policy"), "same-origin")
            self.assertEqual(page.header("Cross-Origin-Embedder-Policy"), "require-corp")
            config = get(gateway_origin + "/app-config.js")
            self.assertEqual(config.status, 200, config)
            self.assertIn(b'"/dicom-web"', config.body)

        with self.subTest(shape="3. OHIF framed by a portal"):
            portal = get(urls["portal"])
            self.assertEqual(portal.status, 200, portal)
            self.assertIn(('src="%s"' % urls["gateway viewer"]).encode(), portal.body)
            self.assertEqual(portal.header("Cross-Origin-Embedder-Policy"), "require-corp")
            framed = get(urls["gateway viewer"], headers={"Sec-Fetch-Mode": "navigate"})
            self.assertIn("http://localhost:%d" % self.ports["portal"], framed.header("Content-Security-Policy"))
            self.assertEqual(framed.header("Cross-Origin-Resource-Policy"), "cross-origin")

        for name in ("explorer", "policy"):
            with self.subTest(url=name):
                self.assertEqual(get(urls[name]).status, 200)
        self.assertIn("/", get(urls["policy"]).json()["Folders"])

        with self.subTest(url="the /cors/check line, pasted into a shell"):
            command = [line.strip() for line in lines if line.strip().startswith("curl ")]
            self.assertEqual(len(command), 1, demo.output())
            answer = subprocess.run(["bash", "-c", command[0] + " --silent --show-error --fail"],
                                    capture_output=True, text=True, timeout=30)
            self.assertEqual(answer.returncode, 0, answer.stderr)
            verdict = json.loads(answer.stdout)
            self.assertIs(verdict["Allowed"], True, verdict)
            self.assertEqual(verdict["Route"], "/dicom-web/")

        log = [line for line in lines if line.strip().startswith("Orthanc's log:")][0].split(":", 1)[1].strip()
        self.assertTrue(os.path.isfile(log), log)

        started = descendants(demo.process.pid)
        self.assertGreaterEqual(len(started), 3, started)   # Orthanc and two static servers at least
        os.killpg(demo.process.pid, signal.SIGINT)
        status = demo.finish(STOP_TIMEOUT)
        self.assertEqual(status, 0, demo.output())
        self.assertEqual(demo.stdout_lines[-1], CLEAN_STOP, demo.output())
        self.assertEqual(demo.stderr_lines, [], demo.output())
        self.assertEqual([pid for (pid, start) in started.items() if process_start_time(pid) == start], [])
        self.assertFalse(os.path.exists(os.path.dirname(log)), "the demo's Orthanc folder is left behind")

    def test_sigterm_stops_the_demo_cleanly(self):
        demo = self.start_demo(slices=1)
        started = descendants(demo.process.pid)
        demo.process.send_signal(signal.SIGTERM)
        self.assertEqual(demo.finish(STOP_TIMEOUT), 0, demo.output())
        self.assertEqual(demo.stdout_lines[-1], CLEAN_STOP, demo.output())
        self.assertEqual([pid for (pid, start) in started.items() if process_start_time(pid) == start], [])

    def test_an_orthanc_that_dies_on_its_own_is_reported_and_the_rest_stopped(self):
        demo = self.start_demo(slices=1)
        started = descendants(demo.process.pid)
        orthanc = [pid for pid in started if command_name(pid) == "Orthanc"]
        self.assertEqual(len(orthanc), 1, started)
        os.kill(orthanc[0], signal.SIGKILL)
        self.assertEqual(demo.finish(STOP_TIMEOUT), 1, demo.output())
        kept = re.search(r"^Orthanc stopped unexpectedly \(exit status -9\)\. "
                         r"Orthanc's folder and log are kept: (\S+)/orthanc\.log$", "\n".join(demo.stderr_lines),
                         re.MULTILINE)
        self.assertTrue(kept, demo.output())
        shutil.rmtree(kept.group(1))
        self.assertEqual([pid for (pid, start) in started.items() if process_start_time(pid) == start], [])


class InTerminal:
    """start-demo.sh with a pseudo-terminal as its controlling terminal, so that Ctrl-C
    can be typed: the terminal then signals its foreground process group, as a real one does."""

    def __init__(self, arguments, build_dir):
        self.master, slave = os.openpty()

        def take_the_terminal():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen([START_DEMO] + arguments, stdin=slave, stdout=slave, stderr=slave,
                                        env=dict(os.environ, ORTHANC_CORS_BUILD_DIR=build_dir),
                                        preexec_fn=take_the_terminal)
        os.close(slave)
        self.screen = b""
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:   # EIO: every process holding the terminal has exited
                data = b""
            with self.changed:
                self.screen += data
                self.changed.notify_all()
            if not data:
                return

    def wait_for(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        with self.changed:
            while not re.search(pattern, self.screen):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.process.poll() is not None:
                    raise AssertionError("%r not on the terminal within %d s:\n%r" % (pattern, timeout, self.screen))
                self.changed.wait(min(remaining, 1))

    def type(self, data):
        os.write(self.master, data)

    def finish(self, timeout):
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.reader.join(timeout=10)
            os.close(self.master)


@unittest.skipUnless(BUILD_DIR, "run through ctest, which sets ORTHANC_CORS_BUILD_DIR")
class StartDemoSetUp(unittest.TestCase):

    def test_ctrl_c_during_the_build_stops_the_compilers_and_says_nothing_was_started(self):
        build_dir = tempfile.mkdtemp(prefix="start-demo-build-", dir=BUILD_DIR)
        self.addCleanup(shutil.rmtree, build_dir, ignore_errors=True)
        ports = ["--%s-port=%d" % (name, free_port()) for name in ("orthanc", "gateway", "viewer", "portal")]
        terminal = InTerminal(ports, build_dir)
        self.addCleanup(lambda: terminal.process.poll() is not None or terminal.process.kill())
        # On a terminal, a step's line counts its seconds, then says how long it took.
        terminal.wait_for(rb"\r  Installing the Debian packages that are missing\.\.\. 0 s", READY_TIMEOUT)
        terminal.wait_for(rb"\r\x1b\[K  Installing the Debian packages that are missing\.\.\. done in \d+ s\r?\n",
                          READY_TIMEOUT)
        terminal.wait_for(rb"\r  Building the plugin in .+\.\.\. \d+ s", READY_TIMEOUT)
        deadline = time.monotonic() + READY_TIMEOUT
        while not any(command_name(pid) == "cc1plus" for pid in descendants(terminal.process.pid)):
            self.assertLess(time.monotonic(), deadline, "no compiler started:\n%r" % terminal.screen)
            time.sleep(POLL_INTERVAL)
        started = descendants(terminal.process.pid)

        terminal.type(b"\x03")
        self.assertEqual(terminal.finish(STOP_TIMEOUT), 130, terminal.screen)
        self.assertIn(b"\nInterrupted during the set-up: nothing was started.", terminal.screen)
        self.assertNotIn(b"Creating a sample CT study", terminal.screen)
        # The script waits for the step's first process; the others of its group (make,
        # the compilers) got the same SIGTERM and are going.
        deadline = time.monotonic() + STOP_TIMEOUT
        while [pid for (pid, start) in started.items() if process_start_time(pid) == start]:
            self.assertLess(time.monotonic(), deadline, "processes of the build are left")
            time.sleep(POLL_INTERVAL)


class StartDemoUsage(unittest.TestCase):
    """--help and usage errors answer at once: nothing installed, nothing built (the
    build folder is not even made)."""

    def run_start_demo(self, *arguments):
        build_dir = os.path.join(tempfile.mkdtemp(prefix="start-demo-usage-"), "build")
        began = time.monotonic()
        result = subprocess.run([START_DEMO] + list(arguments), capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                env=dict(os.environ, ORTHANC_CORS_BUILD_DIR=build_dir), timeout=USAGE_TIMEOUT)
        self.assertFalse(os.path.exists(build_dir), "%s made the build folder" % (arguments,))
        os.rmdir(os.path.dirname(build_dir))
        return result, time.monotonic() - began

    def test_help_answers_at_once(self):
        for option in ("--help", "-h"):
            with self.subTest(option=option):
                result, seconds = self.run_start_demo(option)
                self.assertEqual(result.returncode, 0, result)
                self.assertTrue(result.stdout.startswith("Usage: Resources/start-demo.sh [options]"), result.stdout)
                for documented in ("--orthanc-port", "--gateway-port", "--viewer-port", "--portal-port", "--slices",
                                   "ORTHANC_CORS_BUILD_DIR"):
                    self.assertIn(documented, result.stdout)
                self.assertLess(seconds, 5)

    def test_usage_errors_name_the_problem_and_exit_2(self):
        cases = {
            ("--viewer-port", "3x"): "--viewer-port takes a number, not '3x'",
            ("--colour=red",): "unknown option '--colour'",
            ("--slices=0",): "--slices must be between 1 and 500",
            ("--portal-port", "70000"): "--portal-port must be a port between 1 and 65535",
            ("--slices",): "--slices needs a value",
            ("now",): "unexpected argument 'now'",
            ("--viewer-port", "8042"): "the four ports must differ",
        }
        for (arguments, message) in cases.items():
            with self.subTest(arguments=arguments):
                result, _ = self.run_start_demo(*arguments)
                self.assertEqual(result.returncode, 2, result)
                self.assertIn(message, result.stderr)
                self.assertIn("--help", result.stderr)
                self.assertEqual(result.stdout, "")

    def test_a_port_in_use_is_refused_before_anything_is_built(self):
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            port = listener.getsockname()[1]
            result, _ = self.run_start_demo("--gateway-port", str(port), *["--%s-port=%d" % (name, free_port())
                                                                            for name in ("orthanc", "viewer", "portal")])
        self.assertEqual(result.returncode, 2, result)
        self.assertIn("port %d is already in use" % port, result.stderr)


if __name__ == "__main__":
    unittest.main()
