# SPDX-License-Identifier: AGPL-3.0-or-later
"""Orthanc scaled out, as Resources/Documentation/Operations.md ("Scaling out")
describes it: replicas sharing one PostgreSQL index (Debian's orthanc-postgresql)
and one storage folder, each with the DICOMweb plugin and this plugin with the same
"Cors" section, and HAProxy in front of their gateways.

    with ScaleOutCluster(cors={"AllowedOrigins": [...]}) as cluster:
        cluster.balancer.http_port            # HAProxy, mode http (X-Forwarded-For)
        cluster.balancer.tcp_port             # HAProxy, mode tcp (PROXY v2 with proxy_protocol)
        cluster.replicas[0].http_port         # a replica's own Orthanc port
        cluster.gateway_ports[1]              # a replica's gateway
        cluster.kill_replica(1); cluster.restart_replica(1)

Everything on free loopback ports, in temporary folders, stopped by cleanup() (the
folders kept when a test failed). The replicas are the only processes here that
know they are replicas: each is an ordinary OrthancInstance named "replica-N" (the
"Name" of its /system, which tells which one answered through the balancer).
"""

import copy
import shutil
import sys
import tempfile
import threading
import time
from http.client import HTTPException

from orthanc_cors_tools.haproxy import Haproxy
from orthanc_cors_tools.orthanc import (DICOMWEB_PLUGIN, NO_USERS, ORTHANC_BINARY, POSTGRESQL_INDEX_PLUGIN,
                                        OrthancInstance, cors_plugin_path, orthanc_file_system_root,
                                        orthanc_has_file, wait_until_http_ready)
from orthanc_cors_tools.postgresql import PostgresqlServer
from orthanc_cors_tools.processes import KEEP_TEMPORARY, StartAndCleanup
from orthanc_cors_tools.raw_http import basic_authorization, free_port, http_request

DATABASE = "orthanc"


def missing_postgresql_plugin():
    """None when the Orthanc under test has Debian's PostgreSQL plugin, else why
    not, and what to do about it."""
    if orthanc_has_file(POSTGRESQL_INDEX_PLUGIN):
        return None
    root = orthanc_file_system_root()
    if root == "/":
        return "no PostgreSQL plugin %s: install orthanc-postgresql (Resources/install-dependencies.sh)" \
            % POSTGRESQL_INDEX_PLUGIN
    return ("no PostgreSQL plugin %s in the root %s of %s: a root made before orthanc-postgresql was in "
            "Resources/Sid/make-root.sh's list; that script makes it again with the plugin"
            % (POSTGRESQL_INDEX_PLUGIN, root, ORTHANC_BINARY))


class ScaleOutCluster(StartAndCleanup):
    """PostgreSQL, `replicas` Orthanc replicas and HAProxy in front of their gateways.

    cors: the "Cors" section every replica gets; its Gateway.Port is set to each
      replica's own free port (replicas on several machines would share one).
    registered_users, authentication_enabled: as OrthancInstance's, for every
      replica; the balancer's health checks send the first user's credentials.
    proxy_protocol: HAProxy's tcp frontend sends a PROXY v2 header.
    http_reuse: HAProxy's http-reuse (haproxy.Haproxy).
    extra_configuration: more Orthanc keys for every replica.
    """

    def __init__(self, cors, replicas=2, registered_users=NO_USERS, authentication_enabled=False,
                 proxy_protocol=False, http_reuse=None, extra_configuration=None, parent_directory=None):
        self.cors = cors
        self.replica_count = replicas
        self.registered_users = registered_users
        self.authentication_enabled = authentication_enabled
        self.proxy_protocol = proxy_protocol
        self.http_reuse = http_reuse
        self.extra_configuration = dict(extra_configuration or {})
        self.parent_directory = parent_directory
        self.database = None
        self.storage = None
        self.replicas = []
        self.gateway_ports = []
        self.balancer = None

    # ---- life cycle -------------------------------------------------------------

    def start(self):
        """PostgreSQL, then the replicas one after the other (the first creates the
        index's tables), then HAProxy, once it sees every gateway up."""
        self.database = PostgresqlServer(parent_directory=self.parent_directory)
        self.database.start()
        self.database.create_database(DATABASE)
        self.storage = tempfile.mkdtemp(prefix="orthanc-cors-shared-storage-", dir=self.parent_directory)
        for index in range(self.replica_count):
            self.gateway_ports.append(free_port())
            replica = OrthancInstance(
                cors=self.replica_cors(index), name="replica-%d" % (index + 1),
                plugins=[DICOMWEB_PLUGIN, POSTGRESQL_INDEX_PLUGIN, cors_plugin_path()],
                authentication_enabled=self.authentication_enabled, registered_users=self.registered_users,
                extra_configuration=dict({"PostgreSQL": self.database.orthanc_section(DATABASE),
                                          "StorageDirectory": self.storage}, **self.extra_configuration),
                parent_directory=self.parent_directory)
            self.replicas.append(replica)
            replica.start()
            wait_until_http_ready(self.gateway_ports[index])
        check_headers = {}
        if self.replicas[0].credentials():
            check_headers["Authorization"] = basic_authorization(*self.replicas[0].credentials())
        self.balancer = Haproxy([(replica.name, port) for (replica, port) in zip(self.replicas, self.gateway_ports)],
                                proxy_protocol=self.proxy_protocol, check_headers=check_headers,
                                http_reuse=self.http_reuse,
                                parent_directory=self.parent_directory)
        self.balancer.start()
        return self

    def replica_cors(self, index):
        cors = copy.deepcopy(self.cors)
        cors.setdefault("Gateway", {})["Port"] = self.gateway_ports[index]
        return cors

    def cleanup(self, failed):
        """Stops HAProxy, the replicas and PostgreSQL, in that order, each even if
        another failed to stop; removes the shared storage unless `failed`. Raises
        the first problem (a process that had died or hung) afterwards."""
        problems = []

        def clean(resource):
            try:
                resource.cleanup(failed=failed)
            except Exception as problem:   # the others are stopped all the same
                problems.append(problem)

        if self.balancer is not None:
            clean(self.balancer)
        # Side by side: a clean stop of Orthanc takes seconds, mostly waiting.
        stoppers = [threading.Thread(target=clean, args=(replica,)) for replica in self.replicas]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        if self.database is not None:
            clean(self.database)
        if self.storage:
            if failed or problems:
                sys.stderr.write("\n--- shared storage kept for diagnosis: %s\n" % self.storage)
            if not (failed or problems or KEEP_TEMPORARY):
                shutil.rmtree(self.storage, ignore_errors=True)
        if problems and not failed:
            raise problems[0]

    # ---- replicas -------------------------------------------------------------------

    def kill_replica(self, index):
        """SIGKILL to one replica (its Orthanc and, in its process, its gateway)."""
        self.replicas[index].kill()

    def restart_replica(self, index):
        """Starts a killed replica again, same configuration and ports; returns once
        its gateway answers."""
        self.replicas[index].start()
        wait_until_http_ready(self.gateway_ports[index])

    def answering_replicas(self, port, requests=8, source=None):
        """The names of the replicas that answered `requests` GET /system sent to
        `port` (a frontend of the balancer), each on a new connection."""
        headers = self.replicas[0].authorization_header()
        names = set()
        for _ in range(requests):
            response = http_request(port, "GET", "/system", headers=headers, source=source, timeout=10)
            if response.status == 200:
                names.add(response.json()["Name"])
        return names


# ---- traffic through the balancer, and what a replica's death costs it ---------------

def viewer_operations(port, origin, authorization=None, upload=None, source=None, timeout=10):
    """{name: function() -> (ok, detail)}: what a cross-origin viewer sends, through
    `port`: a preflight (204 with Access-Control-Allow-Origin), QIDO-RS (200 with
    it), and, with `upload` (a DICOM file), POST /instances (200 with it: stored,
    or already stored by an earlier round)."""
    credentials = {"Authorization": authorization} if authorization else {}

    def checked(status, method, path, headers, body=None):
        def operation():
            response = http_request(port, method, path, headers=headers, body=body, source=source, timeout=timeout)
            ok = response.status == status and response.header("Access-Control-Allow-Origin") == origin
            return ok, "%d %s" % (response.status, response.body[:120])
        return operation

    operations = {
        "preflight": checked(204, "OPTIONS", "/dicom-web/studies", {
            "Origin": origin, "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization"}),
        "qido": checked(200, "GET", "/dicom-web/studies", dict(credentials, Origin=origin,
                                                               Accept="application/dicom+json")),
    }
    if upload is not None:
        operations["upload"] = checked(200, "POST", "/instances", dict(
            credentials, Origin=origin, **{"Content-Type": "application/dicom"}), upload)
    return operations


class RequestLoad:
    """Threads that each run every operation in turn (viewer_operations), one
    request per connection, until stop(); every outcome is recorded as
    (name, began, ended, ok, detail), times from time.monotonic()."""

    def __init__(self, operations_per_thread):
        self.results = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(operations,), daemon=True)
                         for operations in operations_per_thread]

    def _run(self, operations):
        while not self._stopping.is_set():
            for (name, operation) in operations.items():
                began = time.monotonic()
                try:
                    ok, detail = operation()
                except (OSError, HTTPException) as error:
                    ok, detail = False, repr(error)
                with self._lock:
                    self.results.append((name, began, time.monotonic(), ok, detail))

    def start(self):
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout=30):
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout)

    def snapshot(self):
        with self._lock:
            return list(self.results)

    def count(self, since, ok=None):
        """Requests begun at or after `since` (only those with that outcome, if `ok` is given)."""
        return sum(1 for (_, began, _, succeeded, _) in self.snapshot()
                   if began >= since and (ok is None or succeeded == ok))


def failover_figures(results, killed_at):
    """(seconds, failed requests, requests) from the kill on: the seconds from
    `killed_at` to the end of the last failed request (0.0 when none failed, the
    moment from which every request succeeded), and the failures among the
    requests still running at the kill or begun after it."""
    concerned = [result for result in results if result[2] >= killed_at]
    failed = [result for result in concerned if not result[3]]
    seconds = max(ended for (_, _, ended, _, _) in failed) - killed_at if failed else 0.0
    return seconds, len(failed), len(concerned)
