# SPDX-License-Identifier: AGPL-3.0-or-later
"""What an operator watches at the front door, with a real Orthanc and its DICOMweb plugin:
the gateway's access log (Cors.Gateway.AccessLog) parsed back field by field, its rotation
by logrotate's rename, and the plugin's metrics read from Orthanc's own
/tools/metrics-prometheus, exactly, after known traffic and after 16 concurrent
connections."""

import http.client
import os
import threading
import time
import unittest

from orthanc_cors_tools import access_log
from orthanc_cors_tools.dicom_data import create_ct_series
from orthanc_cors_tools.raw_http import LOOPBACK, free_port, http_request, raw_exchange, status_of
from orthanc_cors_tools.testing import OrthancTestCase

ALLOWED_ORIGIN = "http://viewer.example"
FOREIGN_ORIGIN = "http://evil.example"

SETTLE_SECONDS = 10


class GatewayObservability(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gateway_port = free_port()
        cls.log_folder = None
        cors = {"AllowedOrigins": [ALLOWED_ORIGIN],
                "Gateway": {"Port": cls.gateway_port, "AccessLog": "access.log"}}
        cls.orthanc = cls.start_class_orthanc(cors=cors)
        # A relative path is Orthanc's working directory's: its folder.
        cls.access_log = os.path.join(cls.orthanc.directory, "access.log")
        create_ct_series(cls.orthanc, slices=1)

    # ---- helpers ---------------------------------------------------------------------

    def request(self, method, path, headers=None, port=None):
        return http_request(port or self.gateway_port, method, path, headers=headers, timeout=30)

    def preflight(self, origin, method, requested_headers=None):
        headers = {"Origin": origin, "Access-Control-Request-Method": method}
        if requested_headers:
            headers["Access-Control-Request-Headers"] = requested_headers
        return self.request("OPTIONS", "/dicom-web/studies", headers)

    def log_lines(self):
        return access_log.read_lines(self.access_log)

    def wait_for_log_lines(self, count):
        """The access log's lines once it has at least `count` (written by a thread of its own)."""
        return access_log.wait_for_lines(self.access_log, count)

    def wait_for_log_lines_containing(self, text, count, skip):
        """The lines past the first `skip` that hold `text`, once there are `count` (the lines of
        the tests before may still be landing)."""
        return access_log.wait_for_lines(self.access_log, count, containing=text, skip=skip)

    def wait_for_deltas(self, before, expected):
        """Polls the metrics until every expected delta is reached (the counts land just after
        the answer); returns the deltas of every metric then."""
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            after = self.orthanc.metrics()
            deltas = {name: after[name] - before.get(name, 0.0) for name in after}
            if all(deltas.get(name) == value for name, value in expected.items()) or time.monotonic() > deadline:
                return deltas
            time.sleep(0.05)

    # ---- the access log ----------------------------------------------------------------

    def test_access_log_lines_parsed_back_field_by_field(self):
        already = len(self.log_lines()) if os.path.exists(self.access_log) else 0
        response = self.request("GET", "/dicom-web/studies?access_token=s3cr3t&limit=5", {
            "Origin": ALLOWED_ORIGIN, "Referer": "http://viewer.example/viewer?jwt=s3cr3t",
            "User-Agent": "OHIF \"test\"", "Authorization": "Bearer s3cr3t", "Cookie": "session=s3cr3t"})
        self.assertEqual(response.status, 200)
        self.assertEqual(self.preflight(ALLOWED_ORIGIN, "GET", "authorization").status, 204)
        self.assertEqual(self.preflight(FOREIGN_ORIGIN, "GET").status, 403)
        self.assertEqual(self.request("GET", "/tools/find?token=s3cr3t", {"Origin": ALLOWED_ORIGIN}).status, 405)

        lines = self.wait_for_log_lines(already + 4)[already:]
        self.assertEqual(len(lines), 4, lines)
        self.assertNotIn("s3cr3t", "\n".join(lines))
        fields = [access_log.LINE.match(line) for line in lines]
        self.assertTrue(all(fields), lines)
        # Each request came on a connection of its own, and each connection writes its line
        # once its answer is sent, from its own thread: the lines may land in another order
        # than the requests were sent in.
        fields.sort(key=lambda line: (not line["request"].startswith("GET /dicom-web/"),   # the read,
                                      not line["request"].startswith("OPTIONS"),           # the preflights,
                                      line["status"]))                                     # 204 before 403

        first = fields[0]
        self.assertEqual(first["client"], LOOPBACK)
        self.assertEqual(first["request"], "GET /dicom-web/studies?access_token=***&limit=5 HTTP/1.1")
        self.assertEqual(first["status"], "200")
        self.assertEqual(int(first["bytes"]), len(response.body))
        self.assertEqual(first["referer"], "http://viewer.example/viewer?jwt=***")
        self.assertEqual(first["agent"], "OHIF \\x22test\\x22")
        self.assertLess(float(first["seconds"]), 10.0)
        self.assertEqual(first["outcome"], "cors-ok")
        local = time.strftime("%d/%b/%Y", time.localtime())
        self.assertTrue(first["time"].startswith(local), first["time"])

        self.assertEqual((fields[1]["request"], fields[1]["status"], fields[1]["outcome"]),
                         ("OPTIONS /dicom-web/studies HTTP/1.1", "204", "preflight-ok"))
        self.assertEqual((fields[2]["status"], fields[2]["bytes"], fields[2]["outcome"]),
                         ("403", "0", "preflight-refused:origin"))
        # Under no route: relayed to Orthanc (which refuses GET there), not exposed cross-origin.
        self.assertEqual((fields[3]["request"], fields[3]["outcome"]),
                         ("GET /tools/find?token=*** HTTP/1.1", "not-exposed"))

    def test_tokens_after_a_hash_and_in_a_malformed_request_line_are_masked(self):
        already = len(self.log_lines()) if os.path.exists(self.access_log) else 0
        # Orthanc reads "?PatientID=P#&token=" as the arguments PatientID ("P#") and token.
        response = self.request("GET", "/dicom-web/studies?PatientID=P#&token=SEKRET", {"Origin": ALLOWED_ORIGIN})
        self.assertEqual(response.status, 200)
        # A space in the target: refused as malformed, logged as received.
        answer = raw_exchange(self.gateway_port,
                              b"GET /dicom-web/studies?limit=1 token=SEKRET HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.assertEqual(status_of(answer), 505, answer)

        lines = self.wait_for_log_lines_containing("token=", 2, already)
        self.assertEqual(len(lines), 2, lines)
        self.assertNotIn("SEKRET", "\n".join(lines))
        fields = [access_log.LINE.match(line) for line in lines]
        self.assertTrue(all(fields), lines)
        fields.sort(key=lambda line: line["status"])   # (lines in any order: see above) 200, then 505
        self.assertEqual((fields[0]["request"], fields[0]["outcome"]),
                         ("GET /dicom-web/studies?PatientID=P#&token=*** HTTP/1.1", "cors-ok"))
        self.assertEqual((fields[1]["request"], fields[1]["status"], fields[1]["outcome"]),
                         ("GET /dicom-web/studies?limit=1 token=*** HTTP/1.1", "505", "-"))

    def test_access_log_is_reopened_after_logrotate_moves_it(self):
        self.request("GET", "/dicom-web/studies")
        self.wait_for_log_lines(1)
        rotated = self.access_log + ".1"
        os.rename(self.access_log, rotated)
        self.addCleanup(lambda: os.path.exists(rotated) and os.remove(rotated))

        # No signal: the gateway notices within a second or so that the path is gone.
        deadline = time.monotonic() + SETTLE_SECONDS
        while not os.path.exists(self.access_log) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(os.path.exists(self.access_log), "no new access log after the rotation")
        self.request("GET", "/dicom-web/studies?after-rotation=1")
        lines = self.wait_for_log_lines(1)
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("after-rotation=1", lines[0])
        with open(rotated, encoding="utf-8") as old:
            self.assertNotIn("after-rotation", old.read())

    # ---- metrics -----------------------------------------------------------------------

    def test_metrics_read_back_exactly_after_known_traffic(self):
        before = self.orthanc.metrics()
        self.assertIn("orthanc_cors_preflights_allowed_total", before)

        for _ in range(3):
            self.assertEqual(self.preflight(ALLOWED_ORIGIN, "GET").status, 204)
        for _ in range(2):
            self.assertEqual(self.preflight(FOREIGN_ORIGIN, "GET").status, 403)
        self.assertEqual(self.preflight(ALLOWED_ORIGIN, "PATCH").status, 403)
        self.assertEqual(self.preflight(ALLOWED_ORIGIN, "GET", "x-secret").status, 403)
        for _ in range(2):
            self.assertEqual(self.request("GET", "/dicom-web/studies", {"Origin": ALLOWED_ORIGIN}).status, 200)
        self.assertEqual(self.request("GET", "/dicom-web/studies").status, 200)
        self.assertEqual(self.request("GET", "/dicom-web/studies", {"Origin": FOREIGN_ORIGIN}).status, 200)
        self.assertEqual(self.request("GET", "/dicom-web/studies/1.2.3.4/metadata").status, 404)
        # The guard on Orthanc's own port: an unsafe request from a foreign page.
        self.assertEqual(self.request("POST", "/tools/find", {"Origin": FOREIGN_ORIGIN},
                                      port=self.orthanc.http_port).status, 403)

        expected = {
            "orthanc_cors_preflights_allowed_total": 3,
            "orthanc_cors_preflights_refused_origin_total": 2,
            "orthanc_cors_preflights_refused_method_total": 1,
            "orthanc_cors_preflights_refused_header_total": 1,
            "orthanc_cors_preflights_refused_route_total": 0,
            "orthanc_cors_requests_origin_allowed_total": 2,
            "orthanc_cors_requests_without_origin_total": 2,
            "orthanc_cors_requests_origin_refused_total": 1,
            "orthanc_cors_relayed_responses_2xx_total": 4,
            "orthanc_cors_relayed_responses_4xx_total": 1,
            "orthanc_cors_relay_seconds_count": 5,
            "orthanc_cors_gateway_502_total": 0,
            "orthanc_cors_gateway_504_total": 0,
            "orthanc_cors_upstream_connect_failures_total": 0,
            "orthanc_cors_guard_refusals_total": 1,
            "orthanc_cors_client_connections": 0,
        }
        deltas = self.wait_for_deltas(before, expected)
        self.assertEqual({name: deltas.get(name) for name in expected}, expected)
        self.assertGreater(deltas["orthanc_cors_relay_seconds_sum"], 0.0)
        self.assertGreater(deltas["orthanc_cors_received_bytes_total"], 0.0)
        self.assertGreater(deltas["orthanc_cors_sent_bytes_total"], 0.0)

    def test_counters_add_up_after_16_concurrent_connections(self):
        connections = 16
        rounds = 60   # four requests a round: 3,840 requests in all
        before = self.orthanc.metrics()
        lines_before = len(self.log_lines()) if os.path.exists(self.access_log) else 0
        failures = []

        def client():
            connection = http.client.HTTPConnection(LOOPBACK, self.gateway_port, timeout=60)
            try:
                for _ in range(rounds):
                    for method, headers, status in (
                            ("OPTIONS", {"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "GET"}, 204),
                            ("GET", {"Origin": ALLOWED_ORIGIN}, 200),
                            ("OPTIONS", {"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "PATCH"}, 403),
                            ("GET", {}, 200)):
                        connection.request(method, "/dicom-web/studies", headers=headers)
                        response = connection.getresponse()
                        response.read()
                        if response.status != status:
                            failures.append((method, headers, response.status))
            except Exception as error:   # reported below, with the counts
                failures.append(repr(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=client) for _ in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        self.assertEqual(failures, [])

        per_kind = connections * rounds
        expected = {
            "orthanc_cors_preflights_allowed_total": per_kind,
            "orthanc_cors_preflights_refused_method_total": per_kind,
            "orthanc_cors_requests_origin_allowed_total": per_kind,
            "orthanc_cors_requests_without_origin_total": per_kind,
            "orthanc_cors_relayed_responses_2xx_total": 2 * per_kind,
            "orthanc_cors_relay_seconds_count": 2 * per_kind,
            "orthanc_cors_client_connections": 0,
            "orthanc_cors_connections_refused_503_total": 0,
        }
        deltas = self.wait_for_deltas(before, expected)
        self.assertEqual({name: deltas.get(name) for name in expected}, expected)
        lines = self.wait_for_log_lines(lines_before + 4 * per_kind)
        self.assertEqual(len(lines) - lines_before, 4 * per_kind)
        outcomes = [access_log.LINE.match(line)["outcome"] for line in lines[lines_before:]]
        self.assertEqual(outcomes.count("preflight-ok"), per_kind)
        self.assertEqual(outcomes.count("preflight-refused:method"), per_kind)
        self.assertEqual(outcomes.count("cors-ok"), per_kind)
        self.assertEqual(outcomes.count("no-origin"), per_kind)


if __name__ == "__main__":
    unittest.main()
