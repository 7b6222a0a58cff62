# SPDX-License-Identifier: AGPL-3.0-or-later
"""Runs a real Orthanc (Debian package) with the real DICOMweb plugin and this plugin.

An OrthancInstance owns one Orthanc process on free loopback ports, with its
configuration, storage and log in a temporary folder. Typical use:

    with OrthancInstance(cors={"AllowedOrigins": ["http://localhost:3000"],
                               "Gateway": {"Port": free_port()}}) as orthanc:
        response = orthanc.request("GET", "/cors/policy")

or, inside a test, testing.start_orthanc(self, cors=...) which stops it when the test ends.

Python's standard library only: PyPI is not reachable where these tests run.
"""

import functools
import json
import os
import re
import shutil
import signal
import subprocess
import time
import types
from http.client import HTTPException

from orthanc_cors_tools.processes import KEEP_TEMPORARY, POLL_INTERVAL, ServerProcess, detached_options
from orthanc_cors_tools.raw_http import LOOPBACK, basic_authorization, free_port, http_request

ORTHANC_BINARY = os.environ.get("ORTHANC_BINARY", "/usr/sbin/Orthanc")
DICOMWEB_PLUGIN = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so"
# Debian's orthanc-postgresql (bookworm's 4.0, sid's 5.0): the index in PostgreSQL.
POSTGRESQL_INDEX_PLUGIN = "/usr/share/orthanc/plugins/libOrthancPostgreSQLIndex.so"

START_TIMEOUT = 30        # seconds for Orthanc to answer GET /system (it takes ~0.1 s)
STOP_TIMEOUT = 30         # seconds after SIGTERM before SIGKILL (a clean stop takes ~3.5 s)
FAILURE_TIMEOUT = 30      # seconds for an Orthanc meant to refuse its configuration to exit

# Orthanc's log lines start with the severity letter and the date: "E1124 10:55:07.856 ...".
_ERROR_LINE = re.compile(r"^E\d{4} ", re.MULTILINE)


NO_USERS = types.MappingProxyType({})   # the default: an empty "RegisteredUsers" object


class OrthancError(Exception):
    """Orthanc did not start, did not stop cleanly, or died during a test."""


@functools.lru_cache(maxsize=None)
def orthanc_version():
    """(major, minor, patch) of the Orthanc that ORTHANC_BINARY runs, from its
    --version (e.g. (1, 10, 1) for bookworm's, (1, 13, 0) for Debian sid's). For
    the tests whose right answer depends on the version: each asserts what that
    version must do, none is skipped for it."""
    output = subprocess.run([ORTHANC_BINARY, "--version"], check=True, capture_output=True, text=True,
                            timeout=60).stdout
    # "<argv[0]> 1.13.0" then the copyright lines.
    match = re.search(r"\b(\d+)\.(\d+)\.(\d+)\b", output.splitlines()[0] if output else "")
    if not match:
        raise OrthancError("cannot read the version in the output of %s --version: %r" % (ORTHANC_BINARY, output[:200]))
    return tuple(int(number) for number in match.groups())


def orthanc_at_least(*version):
    """Whether the Orthanc under test is `version` or newer: orthanc_at_least(1, 12, 2)."""
    return orthanc_version() >= tuple(version)


def cors_plugin_path():
    """Path of libOrthancCors.so under test (CTest sets ORTHANC_CORS_PLUGIN)."""
    path = os.environ.get("ORTHANC_CORS_PLUGIN")
    if not path:
        raise OrthancError("ORTHANC_CORS_PLUGIN is not set: run these tests through ctest, or set it "
                           "to the path of libOrthancCors.so")
    if not os.path.isfile(path):
        raise OrthancError("ORTHANC_CORS_PLUGIN=%s does not exist: build the OrthancCors target first" % path)
    return path


def orthanc_file_system_root():
    """The folder that the Orthanc under test sees as "/": the Debian sid root when
    ORTHANC_BINARY is Resources/Sid/orthanc-in-root.sh (ORTHANC_SID_ROOT, else what
    its make-root.sh prints, as the wrapper does), else "/". Plugin paths such as
    DICOMWEB_PLUGIN are Orthanc's: inside that root for the sid run."""
    if os.path.basename(ORTHANC_BINARY) != "orthanc-in-root.sh":
        return "/"
    root = os.environ.get("ORTHANC_SID_ROOT")
    if not root:
        make_root = os.path.join(os.path.dirname(os.path.abspath(ORTHANC_BINARY)), "make-root.sh")
        root = subprocess.run([make_root], check=True, stdout=subprocess.PIPE, text=True,
                              timeout=1800).stdout.strip()
    return root


def orthanc_has_file(path):
    """Whether the Orthanc under test sees the file `path` (an absolute path of
    its file system: a plugin of the sid root for the sid run)."""
    return os.path.isfile(os.path.join(orthanc_file_system_root(), path.lstrip("/")))


def default_plugins():
    return [DICOMWEB_PLUGIN, cors_plugin_path()]


def wait_until_http_ready(port, timeout=START_TIMEOUT, path="/", tls_context=None):
    """Polls until something answers HTTP on `port` (any status); e.g. the gateway,
    which starts accepting when Orthanc signals OrthancStarted, just after /system answers."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            return http_request(port, "GET", path, timeout=2, tls_context=tls_context)
        except (OSError, HTTPException) as error:
            last_error = error
            time.sleep(POLL_INTERVAL)
    raise OrthancError("nothing answered HTTP on port %d within %d s (last error: %r)" % (port, timeout, last_error))


class OrthancInstance(ServerProcess):
    """One Orthanc process on free loopback ports, with a temporary configuration.

    cors: the "Cors" section (dict), or None for no section at all.
    plugins: list of plugin paths; default: the DICOMweb plugin and this plugin.
    authentication_enabled: True, False, or None for Orthanc's own default (on
      exactly when RemoteAccessAllowed is true).
    registered_users: {"user": "password"}; with authentication_enabled the first
      user's credentials are what api() sends. None: no RegisteredUsers key at all,
      which Orthanc 1.13 tells from an empty object (it then refuses to start with
      remote access and authentication).
    extra_configuration: merged last into Orthanc's configuration (any other key).
    parent_directory: where its temporary folder is made (default: the system's).
    detached: in a session of its own, out of reach of a terminal's Ctrl-C, and
      stopped if the process that started it dies (processes.detached_options):
      for a program that stops it itself, such as the demo.
    """

    NAME = "Orthanc"
    ERROR = OrthancError
    STOP_TIMEOUT = STOP_TIMEOUT

    def __init__(self, cors=None, plugins=None, remote_access_allowed=False, authentication_enabled=False,
                 registered_users=NO_USERS, extra_configuration=None, name="OrthancCorsTest",
                 parent_directory=None, detached=False):
        self.cors = cors
        self.plugins = list(plugins) if plugins is not None else default_plugins()
        self.remote_access_allowed = remote_access_allowed
        self.authentication_enabled = authentication_enabled
        self.registered_users = dict(registered_users) if registered_users is not None else None
        self.extra_configuration = dict(extra_configuration or {})
        self.name = name
        self.detached = detached
        self.http_port = free_port()
        self.dicom_port = free_port()
        super().__init__("orthanc-cors-", parent_directory)
        self.configuration_path = os.path.join(self.directory, "configuration.json")
        self.log_path = os.path.join(self.directory, "orthanc.log")
        self.start_seconds = None   # measured start-up time, for reports

    # ---- configuration ----------------------------------------------------------

    def configuration(self):
        """The Orthanc configuration this instance runs with, as a dict."""
        storage = os.path.join(self.directory, "storage")
        configuration = {
            "Name": self.name,
            "HttpPort": self.http_port,
            "DicomPort": self.dicom_port,
            "StorageDirectory": storage,
            "IndexDirectory": storage,
            "Plugins": self.plugins,
            "DicomWeb": {"Enable": True},
            "RemoteAccessAllowed": self.remote_access_allowed,
            "HttpTimeout": 30,
            "ConcurrentJobs": 1,
        }
        if self.authentication_enabled is not None:
            configuration["AuthenticationEnabled"] = self.authentication_enabled
        if self.registered_users is not None:
            configuration["RegisteredUsers"] = self.registered_users
        if self.cors is not None:
            configuration["Cors"] = self.cors
        configuration.update(self.extra_configuration)
        return configuration

    def _write_configuration(self):
        with open(self.configuration_path, "w", encoding="utf-8") as output:
            json.dump(self.configuration(), output, indent=2)

    def _launch(self):
        self._write_configuration()
        # Orthanc reads options left to right; --logfile keeps the log in a file the
        # tests can read while Orthanc runs. stdout/stderr (early errors) go there too.
        self.spawn([ORTHANC_BINARY, "--verbose", "--logfile=" + self.log_path, self.configuration_path],
                   os.path.join(self.directory, "stdout-stderr.txt"),
                   **(detached_options() if self.detached else {}))

    # ---- life cycle -------------------------------------------------------------

    def start(self, timeout=START_TIMEOUT, ready_port=None):
        """Starts Orthanc and returns once GET /system answers (or, with `ready_port`,
        once anything answers HTTP there: for an Orthanc without its HTTP server)
        and Orthanc catches SIGTERM: it installs its handler (ServerBarrier) only
        after its HTTP server and the plugins' OrthancStarted, so that a test
        stopping it at once would otherwise see it die by the signal instead of
        a clean stop. Raises OrthancError (with the log's tail) if it exits or
        does not answer within `timeout`."""
        began = time.monotonic()
        self._launch()
        deadline = began + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.exit_code = self.process.returncode
                raise OrthancError("Orthanc exited with status %d while starting; folder %s\n%s"
                                   % (self.exit_code, self.directory, self.log_tail()))
            try:
                # 401 also proves the HTTP server is up (authentication enabled).
                response = http_request(ready_port or self.http_port, "GET", "/system", timeout=2)
                if (ready_port or response.status in (200, 401)) and self._catches_sigterm():
                    self.start_seconds = time.monotonic() - began
                    return self
            except (OSError, HTTPException):
                pass
            time.sleep(POLL_INTERVAL)
        self.stop()
        raise OrthancError("Orthanc did not answer GET /system within %d s; folder %s\n%s"
                           % (timeout, self.directory, self.log_tail()))

    def _catches_sigterm(self):
        """Whether the process has a SIGTERM handler (SigCgt of /proc/PID/status)."""
        try:
            with open("/proc/%d/status" % self.process.pid) as status:
                for line in status:
                    if line.startswith("SigCgt:"):
                        return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
        except OSError:
            pass
        return False

    # kill() (SIGKILL, as a crash or an out-of-memory kill would end it), then start()
    # again: the same configuration, ports and folder. stop(), cleanup(failed) and the
    # context manager: ServerProcess.

    def start_expecting_failure(self, timeout=FAILURE_TIMEOUT):
        """Runs Orthanc with this configuration, expecting it to refuse to start.
        Returns (exit code, log text) once it exits. If instead Orthanc starts
        ("Orthanc has started" in its log, or GET /system answers), stops it and
        raises AssertionError right away; after `timeout` s, kills it and raises."""
        self._launch()
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    exit_code = self.process.returncode
                    self.stop()
                    text = self.log_text()
                    if not KEEP_TEMPORARY:
                        shutil.rmtree(self.directory, ignore_errors=True)
                    return exit_code, text
                if "Orthanc has started" in self.log_text():
                    raise AssertionError("Orthanc started, it should have refused this configuration: %s\n%s"
                                         % (json.dumps(self.cors), self.log_tail()))
                time.sleep(POLL_INTERVAL)
            raise AssertionError("Orthanc neither started nor exited within %d s\n%s" % (timeout, self.log_tail()))
        except BaseException:
            self.cleanup(failed=True)
            raise

    # ---- log ----------------------------------------------------------------------

    def log_text(self):
        """The whole log so far (Orthanc's --logfile, then its stdout/stderr)."""
        text = ""
        for path in (self.log_path, os.path.join(self.directory, "stdout-stderr.txt")):
            try:
                with open(path, "r", encoding="utf-8", errors="replace") as log:
                    text += log.read()
            except FileNotFoundError:
                pass
        return text

    def error_lines(self):
        """The log's error lines ("E..."), e.g. a configuration refusal."""
        return [line for line in self.log_text().splitlines() if _ERROR_LINE.match(line)]

    def wait_for_log(self, pattern, timeout=10):
        """Waits until the regular expression `pattern` matches the log (multi-line
        mode); returns the match, or raises AssertionError with the log's tail."""
        expression = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        while True:
            match = expression.search(self.log_text())
            if match:
                return match
            if time.monotonic() >= deadline:
                raise AssertionError("%r not in Orthanc's log within %s s\n%s" % (pattern, timeout, self.log_tail()))
            time.sleep(POLL_INTERVAL)

    def versions(self):
        """{"Orthanc": "1.13.0", "DICOMweb": "1.24"}, as the running Orthanc reports
        them (/system and /plugins; DICOMweb absent when not loaded)."""
        versions = {"Orthanc": self.api("GET", "/system")["Version"]}
        if "dicom-web" in self.api("GET", "/plugins"):
            versions["DICOMweb"] = self.api("GET", "/plugins/dicom-web")["Version"]
        return versions

    def metrics(self, prefix="orthanc_cors_"):
        """{name: value} of the metrics of /tools/metrics-prometheus (Orthanc's port,
        with credentials if any) whose name starts with `prefix`, as Prometheus
        would scrape them."""
        response = self.request("GET", "/tools/metrics-prometheus", headers=self.authorization_header())
        if response.status != 200:
            raise AssertionError("GET /tools/metrics-prometheus -> %d: %r" % (response.status, response.body[:300]))
        metrics = {}
        for line in response.body.decode("utf-8").splitlines():
            fields = line.split()
            if len(fields) >= 2 and fields[0].startswith(prefix):
                metrics[fields[0]] = float(fields[1])
        return metrics

    def metric(self, name):
        """One metric of metrics(), None if Orthanc does not report it."""
        return self.metrics().get(name)

    # ---- HTTP -----------------------------------------------------------------------

    @property
    def base_url(self):
        return "http://%s:%d" % (LOOPBACK, self.http_port)

    def origin(self, port=None):
        """The serialized origin of Orthanc's port (or of another port, e.g. the gateway)."""
        return "http://%s:%d" % (LOOPBACK, port or self.http_port)

    def credentials(self):
        """(user, password) that api() sends, or None without authentication."""
        if not self.authentication_enabled or not self.registered_users:
            return None
        return next(iter(self.registered_users.items()))

    def authorization_header(self):
        """{"Authorization": "Basic ..."} for the first registered user, or {}."""
        credentials = self.credentials()
        return {"Authorization": basic_authorization(*credentials)} if credentials else {}

    def request(self, method, path, headers=None, body=None, port=None, timeout=30, tls_context=None):
        """Raw request sending exactly `headers` (no credentials added) to Orthanc's
        port, or to `port` (e.g. the gateway's). Returns an HttpResponse."""
        return http_request(port or self.http_port, method, path, headers=headers, body=body,
                            timeout=timeout, tls_context=tls_context)

    def api(self, method, path, json_body=None, expected_status=(200,)):
        """Orthanc REST call with credentials (if any); checks the status and
        returns the JSON answer (None for an empty body)."""
        headers = dict(self.authorization_header())
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        response = self.request(method, path, headers=headers, body=body)
        if response.status not in expected_status:
            raise AssertionError("%s %s -> %d %s: %s" % (method, path, response.status, response.reason,
                                                        response.body[:2000].decode("utf-8", "replace")))
        if not response.body:
            return None
        return response.json()


