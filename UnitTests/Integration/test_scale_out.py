# SPDX-License-Identifier: AGPL-3.0-or-later
"""Orthanc scaled out behind a load balancer (issue 31; Operations.md, "Scaling out"),
with real processes only: a throw-away PostgreSQL (Debian's postgresql), two Orthanc
replicas (1.10.1 and 1.13.0: Operations.md, Compatibility) sharing its index through
Debian's orthanc-postgresql plugin and one storage folder, each with the DICOMweb
plugin and this plugin with the same "Cors" section, and Debian's HAProxy in front
of the two gateways: a frontend in mode http (X-Forwarded-For) and one in mode tcp,
connecting from its own loopback address (127.0.0.9). Test clients connect from
127.0.0.2 and 127.0.0.3 to be two clients. Checked through the balancer:

- preflights answered 204 by the gateways, actual answers with the CORS headers,
  requests spread over both replicas (each names itself in /system);
- uploads by STOW-RS and by POST /instances, then seen by both replicas on their
  own ports (one index, one storage);
- RetrieveURL and BulkDataURI naming the balancer's host and port;
- a viewer folder served under Orthanc's authentication;
- one replica killed (SIGKILL): the balancer takes it out, then every preflight,
  read and upload succeeds (the failover time and the failed requests are
  printed); restarted, it serves again;
- without Cors.Gateway.TrustedProxies every connection is the balancer's: one
  client holding 100 connections shuts another out, and the access log names the
  balancer. With TrustedProxies naming the balancer, from X-Forwarded-For and from the PROXY protocol (the tcp frontend sends
  v2): the second client gets its answers, the access log names the real client,
  and what an untrusted client claims (X-Forwarded-For, a PROXY header) changes
  nothing.

PostgreSQL and the replicas are started once per class. Against the Orthanc of a
Debian sid root made without the PostgreSQL plugin, the suite is skipped, saying
so (on this machine, a missing plugin is an error)."""

import os
import select
import socket
import tempfile
import time
import unittest
import uuid

from orthanc_cors_tools import access_log
from orthanc_cors_tools.dicom_data import create_ct_series, create_unstored_instances
from orthanc_cors_tools.haproxy import BALANCER_SOURCE
from orthanc_cors_tools.orthanc import OrthancError, orthanc_file_system_root
from orthanc_cors_tools.orthanc_json import find_values
from orthanc_cors_tools.raw_http import (LOOPBACK, basic_authorization, http_request, raw_exchange, receive_head,
                                         status_of)
from orthanc_cors_tools.scale_out import (RequestLoad, ScaleOutCluster, failover_figures, missing_postgresql_plugin,
                                          viewer_operations)
from orthanc_cors_tools.testing import OrthancTestCase, wait_for
from orthanc_cors_tools.viewer_files import INDEX, SCRIPT, make_viewer
import test_gateway as gateway_tests

ALLOWED_ORIGIN = "http://localhost:3000"
FOREIGN_ORIGIN = "https://evil.example"
USER, PASSWORD = "alice", "wonderland"
AUTHORIZATION = basic_authorization(USER, PASSWORD)
CLIENT_A, CLIENT_B = "127.0.0.2", "127.0.0.3"   # two clients (Linux routes all of 127.0.0.0/8 to lo)
SPOOFED = "198.51.100.7"                          # an address a client claims to be (TEST-NET-2)
PER_CLIENT = 30               # Cors.Gateway.MaxConnectionsPerClient of every replica
HELD_CONNECTIONS = 100        # what one client holds open
SETTLE_SECONDS = 10           # bounded waits: the balancer's checks run every 200 ms
ROUNDS = 4                    # requests of a kind through a frontend: round robin reaches both replicas
FAILOVER_LOAD_THREADS = 3
AFTER_FAILOVER_REQUESTS = 20  # of each kind, all of which must succeed once the replica is out
CLIENT_CONNECTIONS = "orthanc_cors_client_connections"
REFUSED_503 = "orthanc_cors_connections_refused_503_total"
REFUSAL_SECONDS = 1.0         # a refused connection is answered at once; a held one, never
TOP_UP_ATTEMPTS = 20


def scale_out_cors(viewer, **gateway):
    """The one "Cors" section of every replica (the cluster sets Gateway.Port)."""
    return {
        "AllowedOrigins": [ALLOWED_ORIGIN],
        "Routes": ["/dicom-web/", "/wado", "/instances", "/viewer/"],
        "Gateway": dict({"AccessLog": "access.log", "MaxConnectionsPerClient": PER_CLIENT}, **gateway),
        "Folders": {"/viewer": {"Path": viewer, "SinglePageApplication": True}},
    }


def hold_request(port, source, forwarded_for=None):
    """A connection from `source` holding a request whose body never comes (1 MB
    announced, 6 bytes sent): the gateway holds such a connection, reading the body
    whole before relaying (RequestBodyBufferSize), even through the balancer in mode
    http (which sends the head on at once). The caller closes it."""
    connection = socket.create_connection((LOOPBACK, port), timeout=10, source_address=(source, 0))
    fields = ["POST /dicom-web/studies HTTP/1.1", "Host: %s:%d" % (LOOPBACK, port),
              "Origin: " + ALLOWED_ORIGIN, "Authorization: " + AUTHORIZATION,
              "Content-Type: " + gateway_tests.DICOM_MULTIPART + "; boundary=held", "Content-Length: 1000000"]
    if forwarded_for:
        fields.append("X-Forwarded-For: " + forwarded_for)
    try:
        connection.sendall(("\r\n".join(fields) + "\r\n\r\n--held").encode("ascii"))
    except BaseException:
        connection.close()
        raise
    return connection


def hold_requests(port, count, source, forwarded_for=None):
    """`count` hold_request() connections; forwarded_for(index) is what each claims."""
    sockets = []
    try:
        for index in range(count):
            sockets.append(hold_request(port, source, forwarded_for(index) if forwarded_for else None))
    except BaseException:
        close_all(sockets)
        raise
    return sockets


def refusal(connection, timeout=REFUSAL_SECONDS):
    """What `connection` received within `timeout` s, or None: a refusal comes at
    once (a 503 from a gateway or from the balancer in mode http; the balancer in
    mode tcp closes a connection it has no server for, b""); a held request gets
    nothing (None)."""
    readable, _, _ = select.select([connection], [], [], timeout)
    return receive_head(connection) if readable else None


def unless_closed(request):
    """request()'s answer, or None when the server closed the connection without
    one (the balancer in mode tcp once it has taken every server out)."""
    try:
        return request()
    except ConnectionResetError:   # http.client's RemoteDisconnected among them
        return None


def status(response):
    return response.status if response is not None else "closed"


def close_all(sockets):
    for connection in sockets:
        connection.close()


class ScaleOutTestCase(OrthancTestCase):
    """The cluster of the class, and requests through it."""

    TRUSTED_PROXIES = None   # Cors.Gateway.TrustedProxies of the replicas (None: no key)

    @classmethod
    def setUpClass(cls):
        reason = missing_postgresql_plugin()
        if reason and orthanc_file_system_root() != "/":
            raise unittest.SkipTest(reason)   # an older sid root
        if reason:
            raise OrthancError(reason)        # the machine's: Resources/install-dependencies.sh installs it
        cls.folder = tempfile.TemporaryDirectory(prefix="orthanc-cors-scale-out-")
        cls.addClassCleanup(cls.folder.cleanup)
        gateway = {} if cls.TRUSTED_PROXIES is None else {"TrustedProxies": cls.TRUSTED_PROXIES}
        cls.cluster = cls.start_class_resource(ScaleOutCluster(
            scale_out_cors(make_viewer(cls.folder.name, "viewer"), **gateway),
            authentication_enabled=True, registered_users={USER: PASSWORD},
            proxy_protocol=cls.TRUSTED_PROXIES is not None,
            # One connection to a gateway per client connection, as in mode tcp: with
            # HAProxy's default pooling, a new client's request may go over a connection
            # that another client's request opened, and what a gateway counts per
            # client would depend on the pool.
            http_reuse="never"))
        cls.balancer = cls.cluster.balancer
        cls.frontends = {"http": cls.balancer.http_port, "tcp": cls.balancer.tcp_port}
        cls.series = create_ct_series(cls.cluster.replicas[0], slices=2, rows=32, columns=32)
        print("\n[scale-out] %s: PostgreSQL %.2f s, replicas %s s, Orthanc %s"
              % (cls.__name__, cls.cluster.database.start_seconds,
                 ", ".join("%.2f" % replica.start_seconds for replica in cls.cluster.replicas),
                 cls.cluster.replicas[0].versions()))

    def setUp(self):
        super().setUp()
        # A test that took a replica out must not leave it out for the next one.
        self.balancer.wait_for_states("UP", timeout=SETTLE_SECONDS)

    def through(self, frontend, method, path, headers=None, body=None, source=None, authorize=True):
        """A request through a frontend of the balancer ("http" or "tcp"), with the
        registered user's credentials unless `authorize` is false."""
        headers = dict(headers or {})
        if authorize:
            headers["Authorization"] = AUTHORIZATION
        return http_request(self.frontends[frontend], method, path, headers=headers, body=body, source=source)

    def preflight(self, port, source=None, path="/dicom-web/studies", forwarded_for=None):
        headers = {"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "GET",
                   "Access-Control-Request-Headers": "authorization"}
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        return http_request(port, "OPTIONS", path, headers=headers, source=source, timeout=10)

    def access_logs(self):
        return [os.path.join(replica.directory, "access.log") for replica in self.cluster.replicas]

    def log_lines_with(self, marker):
        """The parsed access-log lines of any replica holding `marker`, once there is one."""
        found = []

        def logged():
            found[:] = [access_log.LINE.match(line) for path in self.access_logs()
                        for line in access_log.read_lines(path) if marker in line]
            return found

        wait_for(logged, SETTLE_SECONDS)
        self.assertTrue(found, "%s in no access log" % marker)
        return found

    def client_logged_for(self, frontend, source, forwarded_for=None):
        """The client field of the access-log line of a preflight sent from `source`
        through `frontend` (claiming `forwarded_for`, if given)."""
        marker = "marker=" + uuid.uuid4().hex
        response = self.preflight(self.frontends[frontend], source=source, path="/dicom-web/studies?" + marker,
                                  forwarded_for=forwarded_for)
        self.assertEqual(response.status, 204, response)
        lines = self.log_lines_with(marker)
        self.assertEqual(len(lines), 1, lines)
        return lines[0]["client"]

    def probe_until_refused(self, port, source, forwarded_for=None):
        """Preflights from `source` until one is refused with 503 (bounded wait: the
        connections that fill its place are accepted asynchronously); the last answer."""
        probes = []

        def refused():
            probes.append(self.preflight(port, source=source, forwarded_for=forwarded_for))
            return probes[-1].status == 503

        wait_for(refused, SETTLE_SECONDS)
        return probes[-1]

    def second_client_while_the_first_holds(self, frontend):
        """CLIENT_A holds HELD_CONNECTIONS requests through `frontend`, then tops them
        up until a new one is refused at once on every replica twice in a row (a
        place that a health check of the balancer held during the first ones and then
        left is taken again); then CLIENT_B sends a preflight and a QIDO-RS request.
        Returns (A's last refusal as bytes, B's preflight, B's QIDO-RS answer)."""
        port = self.frontends[frontend]
        refused_before = [replica.metric(REFUSED_503) for replica in self.cluster.replicas]
        held = hold_requests(port, HELD_CONNECTIONS, CLIENT_A)
        try:
            def settled():
                """Every held connection reached a gateway: held there, or refused."""
                metrics = [replica.metrics() for replica in self.cluster.replicas]
                refused = sum(figures[REFUSED_503] for figures in metrics) - sum(refused_before)
                return sum(figures[CLIENT_CONNECTIONS] for figures in metrics) + refused >= HELD_CONNECTIONS

            self.assertTrue(wait_for(settled, SETTLE_SECONDS))
            refused_in_a_row, first = 0, b""
            for _ in range(TOP_UP_ATTEMPTS):
                if refused_in_a_row == 2 * len(self.cluster.replicas):
                    break
                connection = hold_request(port, CLIENT_A)
                answer = refusal(connection)
                if answer is not None:
                    connection.close()
                    refused_in_a_row, first = refused_in_a_row + 1, answer
                else:
                    held.append(connection)
                    refused_in_a_row = 0
            self.assertEqual(refused_in_a_row, 2 * len(self.cluster.replicas), "a place stays free for %s" % CLIENT_A)
            second = unless_closed(lambda: self.preflight(port, source=CLIENT_B))
            read = unless_closed(lambda: self.through(frontend, "GET", "/dicom-web/studies", {"Origin": ALLOWED_ORIGIN},
                                                      source=CLIENT_B))
            print("\n[%s, %s frontend] %s opened %d connections, then refused %s; %s: preflight %s, QIDO-RS %s"
                  % (type(self).__name__, frontend, CLIENT_A, len(held), status_of(first) or "closed", CLIENT_B,
                     status(second), status(read)))
            return first, second, read
        finally:
            close_all(held)
            # Back to normal (the balancer may have taken the gateways out meanwhile).
            self.balancer.wait_for_states("UP", timeout=SETTLE_SECONDS)


class CorsThroughTheBalancer:
    """Tests of both classes: spread, preflights, answers and links, through both
    frontends (in the trusted class, the tcp one sends the PROXY protocol)."""

    def test_requests_are_spread_over_both_replicas(self):
        for (frontend, port) in self.frontends.items():
            with self.subTest(frontend=frontend):
                self.assertEqual(self.cluster.answering_replicas(port), {"replica-1", "replica-2"})

    # ---- CORS through the balancer ------------------------------------------------------

    def test_preflights_are_answered_204_by_the_gateways(self):
        for (frontend, port) in self.frontends.items():
            for attempt in range(ROUNDS):
                with self.subTest(frontend=frontend, attempt=attempt):
                    response = self.preflight(port)
                    self.assertEqual(response.status, 204, response)
                    self.assertEqual(response.body, b"")
                    self.assertEqual(response.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
                    self.assertIn("GET", response.header("Access-Control-Allow-Methods"))
                    self.assertEqual(response.header("Access-Control-Allow-Headers").lower(), "authorization")
                    self.assertIn("Origin", response.header("Vary"))
                    refused = http_request(port, "OPTIONS", "/dicom-web/studies", headers={
                        "Origin": FOREIGN_ORIGIN, "Access-Control-Request-Method": "GET"})
                    self.assertEqual(refused.status, 403)
                    self.assertIsNone(refused.header("Access-Control-Allow-Origin"))

    def test_actual_answers_carry_the_cors_headers_errors_included(self):
        for frontend in self.frontends:
            for attempt in range(ROUNDS):
                with self.subTest(frontend=frontend, attempt=attempt):
                    read = self.through(frontend, "GET", "/dicom-web/studies", {"Origin": ALLOWED_ORIGIN})
                    self.assertEqual(read.status, 200, read)
                    self.assertEqual(read.header_values("Access-Control-Allow-Origin"), [ALLOWED_ORIGIN])
                    self.assertEqual(read.header("Cross-Origin-Resource-Policy"), "cross-origin")
                    self.assertIn("Origin", read.header("Vary"))
                    self.assertIn(self.series["StudyInstanceUID"], [study["0020000D"]["Value"][0]
                                                                    for study in read.json()])
                    refused = self.through(frontend, "GET", "/dicom-web/studies", {"Origin": ALLOWED_ORIGIN},
                                           authorize=False)
                    self.assertEqual(refused.status, 401)
                    self.assertEqual(refused.header_values("Access-Control-Allow-Origin"), [ALLOWED_ORIGIN])

    def test_links_in_dicomweb_answers_name_the_balancer(self):
        study, series = self.series["StudyInstanceUID"], self.series["SeriesInstanceUID"]
        for (frontend, port) in self.frontends.items():
            origin = "http://%s:%d" % (LOOPBACK, port)
            for attempt in range(2):   # one answer from each replica
                with self.subTest(frontend=frontend, attempt=attempt):
                    headers = {"Origin": ALLOWED_ORIGIN, "Accept": "application/dicom+json"}
                    studies = self.through(frontend, "GET", "/dicom-web/studies?StudyInstanceUID=" + study, headers)
                    metadata = self.through(frontend, "GET", "/dicom-web/studies/%s/series/%s/metadata"
                                            % (study, series), headers)
                    retrieve_urls = find_values(studies.json(), "00081190")
                    bulk_data_uris = find_values(metadata.json(), "BulkDataURI")
                    for (what, links) in (("RetrieveURL", [url for value in retrieve_urls
                                                           for url in value.get("Value", [])]),
                                          ("BulkDataURI", bulk_data_uris)):
                        self.assertTrue(links, "no %s" % what)
                        self.assertEqual([link for link in links if not link.startswith(origin + "/dicom-web/")],
                                         [], what)
                    bulk = self.through(frontend, "GET", bulk_data_uris[0][len(origin):], {
                        "Origin": ALLOWED_ORIGIN, "Accept": 'multipart/related; type="application/octet-stream"'})
                    self.assertEqual(bulk.status, 200, bulk)
                    self.assertEqual(bulk.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)


class ScaleOutBehindHaproxy(CorsThroughTheBalancer, ScaleOutTestCase):
    """No TrustedProxies: the gateways see the balancer as their one client."""

    # ---- one index, both replicas ---------------------------------------------------------

    def test_every_replica_keeps_its_index_in_postgresql(self):
        for replica in self.cluster.replicas:
            with self.subTest(replica=replica.name):
                self.assertIn("PostgreSQLIndex", replica.api("GET", "/system")["DatabaseBackendPlugin"])
                # What one replica created, the other one holds.
                self.assertEqual(replica.api("GET", "/series/" + self.series["OrthancSeriesId"])["ID"],
                                 self.series["OrthancSeriesId"])

    # ---- uploads: through the balancer, seen by both replicas -------------------------

    def assert_both_replicas_hold(self, instance_ids):
        for replica in self.cluster.replicas:
            for instance_id in instance_ids:
                self.assertEqual(replica.api("GET", "/instances/" + instance_id)["ID"], instance_id, replica.name)

    def test_stow_rs_upload_is_seen_by_both_replicas(self):
        for frontend in self.frontends:
            with self.subTest(frontend=frontend):
                instance_ids, files = create_unstored_instances(self.cluster.replicas[0], 2)
                boundary = uuid.uuid4().hex
                response = self.through(frontend, "POST", "/dicom-web/studies", {
                    "Origin": ALLOWED_ORIGIN, "Accept": "application/dicom+json",
                    "Content-Type": "%s; boundary=%s" % (gateway_tests.DICOM_MULTIPART, boundary)},
                    body=gateway_tests.build_multipart(files, boundary.encode("ascii")))
                self.assertEqual(response.status, 200, response)
                self.assertEqual(response.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
                self.assertEqual(len(find_values(response.json(), "00081199")), 1)   # ReferencedSOPSequence
                self.assert_both_replicas_hold(instance_ids)

    def test_post_instances_upload_is_seen_by_both_replicas(self):
        for frontend in self.frontends:
            with self.subTest(frontend=frontend):
                (instance_id,), (dicom,) = create_unstored_instances(self.cluster.replicas[0], 1)
                response = self.through(frontend, "POST", "/instances", {
                    "Origin": ALLOWED_ORIGIN, "Content-Type": "application/dicom"}, body=dicom)
                self.assertEqual(response.status, 200, response)
                self.assertEqual(response.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
                self.assertEqual((response.json()["ID"], response.json()["Status"]), (instance_id, "Success"))
                self.assert_both_replicas_hold([instance_id])

    # ---- a viewer folder, under Orthanc's authentication ------------------------------

    def test_viewer_folder_is_served_under_orthancs_authentication(self):
        navigation = {"Accept": "text/html", "Sec-Fetch-Mode": "navigate"}
        for frontend in self.frontends:
            for attempt in range(2):
                with self.subTest(frontend=frontend, attempt=attempt):
                    refused = self.through(frontend, "GET", "/viewer/index.html", {"Origin": ALLOWED_ORIGIN},
                                           authorize=False)
                    self.assertEqual(refused.status, 401, refused)
                    self.assertIsNotNone(refused.header("WWW-Authenticate"))
                    self.assertEqual(refused.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
                    self.assertNotIn(INDEX, refused.body)
                    self.assertEqual(self.through(frontend, "GET", "/viewer/app.js", authorize=False).status, 401)
                    for (path, headers, content) in (("/viewer/index.html", {}, INDEX), ("/viewer/app.js", {}, SCRIPT),
                                                     ("/viewer/studies", navigation, INDEX)):
                        served = self.through(frontend, "GET", path, headers)
                        self.assertEqual((served.status, served.body), (200, content), path)

    # ---- a replica dies, and comes back --------------------------------------------------

    def test_a_killed_replica_is_taken_out_and_serves_again_once_restarted(self):
        victim, survivor = 1, 0
        victim_name = self.cluster.replicas[victim].name
        _, uploads = create_unstored_instances(self.cluster.replicas[survivor], FAILOVER_LOAD_THREADS)
        port = self.frontends["http"]
        load = RequestLoad([viewer_operations(port, ALLOWED_ORIGIN, AUTHORIZATION, upload)
                            for upload in uploads])
        load.start()
        try:
            began = time.monotonic()
            self.assertTrue(wait_for(lambda: load.count(began, ok=True) >= 6 * FAILOVER_LOAD_THREADS, SETTLE_SECONDS))
            self.assertEqual(load.count(began, ok=False), 0, load.snapshot())

            killed_at = time.monotonic()
            self.cluster.kill_replica(victim)
            self.addCleanup(self.restart_if_down, victim)
            noticed = self.balancer.wait_for_states("DOWN", servers=[victim_name], timeout=SETTLE_SECONDS)
            noticed_at = time.monotonic()
            enough = AFTER_FAILOVER_REQUESTS * 3
            self.assertTrue(wait_for(lambda: load.count(noticed_at) >= enough, 30))
        finally:
            load.stop()
        results = load.snapshot()
        seconds, failed, concerned = failover_figures(results, killed_at)
        print("\n[failover] %s killed: taken out by the balancer after %.3f s; every request succeeded from "
              "%.3f s after the kill on; %d of %d requests failed in between (%s)"
              % (victim_name, noticed, seconds, failed, concerned,
                 sorted({detail for (_, _, ended, ok, detail) in results if not ok and ended >= killed_at})[:3]))
        after = [result for result in results if result[1] >= noticed_at]
        self.assertEqual([result for result in after if not result[3]], [])
        self.assertEqual({name for (name, _, _, _, _) in after}, {"preflight", "qido", "upload"})
        # Through both frontends, every request succeeds, answered by the survivor.
        for (frontend, port) in self.frontends.items():
            with self.subTest(frontend=frontend):
                for (name, operation) in viewer_operations(port, ALLOWED_ORIGIN, AUTHORIZATION, uploads[0]).items():
                    for _ in range(ROUNDS):
                        self.assertEqual(operation()[0], True, name)
                self.assertEqual(self.cluster.answering_replicas(port), {self.cluster.replicas[survivor].name})

        # Started again, same configuration: both replicas answer through the balancer again.
        restarted_at = time.monotonic()
        self.cluster.restart_replica(victim)
        self.balancer.wait_for_states("UP", servers=[victim_name], timeout=SETTLE_SECONDS)
        print("[failover] %s restarted: back in the balancer %.3f s later"
              % (victim_name, time.monotonic() - restarted_at))
        for (frontend, port) in self.frontends.items():
            with self.subTest(frontend=frontend):
                self.assertEqual(self.cluster.answering_replicas(port), {"replica-1", "replica-2"})
        marker = "marker=" + uuid.uuid4().hex
        for _ in range(ROUNDS):
            self.assertEqual(self.preflight(self.frontends["http"], path="/dicom-web/studies?" + marker).status, 204)

        def logged_by():
            return {path for path in self.access_logs() for line in access_log.read_lines(path) if marker in line}

        self.assertTrue(wait_for(lambda: len(logged_by()) == 2, SETTLE_SECONDS),
                        "preflights through the balancer in the access log of %s only" % logged_by())

    def restart_if_down(self, index):
        if not self.cluster.replicas[index].is_running():
            self.cluster.restart_replica(index)

    # ---- every connection is the balancer's: the controls of the trusted class ---------

    def test_without_trusted_proxies_one_client_shuts_out_another(self):
        for frontend in self.frontends:
            with self.subTest(frontend=frontend):
                first, second, read = self.second_client_while_the_first_holds(frontend)
                # Refused by a gateway (its per-client count holds the balancer's address),
                # or by the balancer once that refusal of its health checks took the
                # gateways out (503 in mode http, the connection closed in mode tcp):
                # shut out either way.
                self.assertIn(status_of(first), (503, None), first[:300])
                for answer in (second, read):
                    self.assertIn(status(answer), (503, "closed"))

    def test_without_trusted_proxies_the_access_log_names_the_balancer(self):
        for frontend in self.frontends:
            with self.subTest(frontend=frontend):
                self.assertEqual(self.client_logged_for(frontend, CLIENT_A), BALANCER_SOURCE)


class ScaleOutWithTrustedProxies(CorsThroughTheBalancer, ScaleOutTestCase):
    """Cors.Gateway.TrustedProxies names the balancer's address; its tcp frontend
    sends the PROXY protocol (v2)."""

    TRUSTED_PROXIES = [BALANCER_SOURCE]

    def test_one_client_holding_100_connections_does_not_shut_out_another(self):
        for frontend in self.frontends:
            with self.subTest(frontend=frontend):
                first, second, read = self.second_client_while_the_first_holds(frontend)
                self.assertEqual(status_of(first), 503, first[:300])   # the first client is held to its own limit
                self.assertIn(b"MaxConnectionsPerClient", first)
                self.assertEqual(status(second), 204, second)
                self.assertEqual(second.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
                self.assertEqual(status(read), 200, read)
                self.assertEqual(read.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
                # The balancer's own health checks were never refused.
                self.assertEqual(set(self.balancer.server_states().values()), {"UP"})

    def test_access_log_names_the_real_client_through_both_frontends(self):
        for frontend in self.frontends:
            with self.subTest(frontend=frontend):
                self.assertEqual(self.client_logged_for(frontend, CLIENT_A), CLIENT_A)
        # A client's own claim, which the balancer passes on to its left, is not believed.
        self.assertEqual(self.client_logged_for("http", CLIENT_A, forwarded_for=SPOOFED), CLIENT_A)

    def test_forwarded_for_sent_directly_from_an_untrusted_address_changes_nothing(self):
        gateway = self.cluster.gateway_ports[0]
        marker = "marker=" + uuid.uuid4().hex
        response = self.preflight(gateway, source=CLIENT_A, path="/dicom-web/studies?" + marker,
                                  forwarded_for=SPOOFED)
        self.assertEqual(response.status, 204, response)
        self.assertEqual([line["client"] for line in self.log_lines_with(marker)], [CLIENT_A])
        # Counted as itself, whatever each connection claims.
        held = hold_requests(gateway, PER_CLIENT, CLIENT_A,
                             forwarded_for=lambda index: "198.51.100.%d" % (index + 1))
        try:
            refused = self.probe_until_refused(gateway, CLIENT_A, forwarded_for="203.0.113.9")
            self.assertEqual(refused.status, 503, refused)
            self.assertIn(b"MaxConnectionsPerClient", refused.body)
            self.assertEqual(self.preflight(gateway, source=CLIENT_B).status, 204)
        finally:
            close_all(held)

    def test_proxy_header_from_an_untrusted_address_is_refused(self):
        request = ("GET /system HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\nConnection: close\r\n\r\n"
                   % (LOOPBACK, AUTHORIZATION)).encode("ascii")
        version_1 = ("PROXY TCP4 %s %s 40000 80\r\n" % (SPOOFED, LOOPBACK)).encode("ascii")
        version_2 = (b"\r\n\r\n\x00\r\nQUIT\n" + b"\x21\x11\x00\x0c" + socket.inet_aton(SPOOFED)
                     + socket.inet_aton(LOOPBACK) + (40000).to_bytes(2, "big") + (80).to_bytes(2, "big"))
        for (name, header) in (("v1", version_1), ("v2", version_2)):
            with self.subTest(version=name):
                answer = raw_exchange(self.cluster.gateway_ports[0], header + request, timeout=10, source=CLIENT_A)
                self.assertEqual(status_of(answer), 400, answer[:300])
        # From the balancer's address, the same bytes are a client's.
        answer = raw_exchange(self.cluster.gateway_ports[0], version_1 + request, timeout=10, source=BALANCER_SOURCE)
        self.assertEqual(status_of(answer), 200, answer[:300])


if __name__ == "__main__":
    unittest.main()
