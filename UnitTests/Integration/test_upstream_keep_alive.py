# SPDX-License-Identifier: AGPL-3.0-or-later
"""Uploads through the gateway after the browser's connection sat idle longer than
Orthanc keeps its own keep-alive connections open (1 s: KeepAliveTimeout of Orthanc
1.13, and 1.10's fixed value; Orthanc says "Keep-Alive: timeout=1").

The gateway keeps one connection to Orthanc per client connection. A POST cannot be
repeated safely once sent, so a connection Orthanc has already closed must never be
used for one: after an idle pause the gateway opens a fresh connection (it reuses a
pooled one only for 80% of Orthanc's timeout, and not when Orthanc's end has closed).
Measured here: the gateway keeps its connection after a request, Orthanc closes it
during the pause (its end goes to FIN_WAIT/TIME_WAIT in /proc/net/tcp: Orthanc
closed first), then POST /instances and STOW-RS on the same client connection are
stored byte for byte; and pauses around the timeout (0.6 s to 1.2 s) never give a
502. (Without the age limit and the closed-end check both, these fail with 502
"Broken pipe"; the age limit alone covers these pauses, the closed-end check covers
an Orthanc closing earlier than it announced.)"""

import http.client
import time
import uuid

from orthanc_cors_tools.dicom_data import create_unstored_instances
from orthanc_cors_tools.orthanc import wait_until_http_ready
from orthanc_cors_tools.raw_http import LOOPBACK, free_port
from orthanc_cors_tools.testing import OrthancTestCase
from test_gateway import build_multipart

ALLOWED_ORIGIN = "http://localhost:3000"
CLOSE_TIMEOUT = 10          # seconds for Orthanc to close an idle connection (it takes ~1 s)
TCP_ESTABLISHED = "01"
# The states of the side that closed first: FIN_WAIT1, FIN_WAIT2, TIME_WAIT.
TCP_CLOSED_FIRST = {"04", "05", "06"}


def server_ends(port):
    """{client port: TCP state} of the connections whose server side is `port`."""
    ends = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as lines:
                next(lines)
                for line in lines:
                    fields = line.split()
                    local_port = int(fields[1].rsplit(":", 1)[1], 16)
                    if local_port == port:
                        ends[int(fields[2].rsplit(":", 1)[1], 16)] = fields[3]
        except FileNotFoundError:
            pass
    return ends


class UploadsAfterIdleConnections(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(cors={"AllowedOrigins": [ALLOWED_ORIGIN],
                                                    "Gateway": {"Port": cls.gateway_port, "IdleTimeout": 30}})
        wait_until_http_ready(cls.gateway_port)

    def setUp(self):
        super().setUp()
        self.client = http.client.HTTPConnection(LOOPBACK, self.gateway_port, timeout=30)
        self.addCleanup(self.client.close)

    def exchange(self, method, path, body=None, headers=None):
        """One request on the test's persistent client connection; those to DICOMweb
        come from the viewer's origin (the policy's route), the others from a script."""
        headers = dict(headers or {})
        if path.startswith("/dicom-web/"):
            headers["Origin"] = ALLOWED_ORIGIN
        self.client.request(method, path, body=body, headers=headers)
        response = self.client.getresponse()
        return response.status, response.read()

    def assert_stored(self, instance_id, content):
        stored = self.orthanc.request("GET", "/instances/%s/file" % instance_id)
        self.assertEqual((stored.status, stored.body == content), (200, True), stored)

    def upstream_connections(self):
        """The client ports of the connections open to Orthanc's port: right after a
        request through the gateway, the gateway's pooled one among them."""
        open_ends = [client for (client, state) in server_ends(self.orthanc.http_port).items()
                     if state == TCP_ESTABLISHED]
        self.assertTrue(open_ends, "no connection to Orthanc is open: the gateway kept none for reuse")
        return open_ends

    def wait_until_orthanc_closed(self, connections):
        """Waits until none of `connections` (client ports) is open any more, and
        checks that Orthanc's side closed one of them first (its keep-alive timeout),
        rather than the gateway."""
        deadline = time.monotonic() + CLOSE_TIMEOUT
        while True:
            states = server_ends(self.orthanc.http_port)
            if not [client for client in connections if states.get(client) == TCP_ESTABLISHED]:
                break
            if time.monotonic() > deadline:
                self.fail("Orthanc kept its idle connection from the gateway open for %d s" % CLOSE_TIMEOUT)
            time.sleep(0.05)
        self.assertTrue([client for client in connections if states.get(client) in TCP_CLOSED_FIRST],
                        "Orthanc did not close any of these connections itself: %r" % states)

    def test_post_instances_after_orthanc_closed_the_idle_upstream_connection(self):
        instance_ids, files = create_unstored_instances(self.orthanc, 2)
        self.assertEqual(self.exchange("GET", "/system")[0], 200)
        for (instance_id, content) in zip(instance_ids, files):
            with self.subTest(instance=instance_id):
                self.wait_until_orthanc_closed(self.upstream_connections())
                status, answer = self.exchange("POST", "/instances", body=content,
                                               headers={"Content-Type": "application/dicom"})
                self.assertEqual(status, 200, answer[:300])
                self.assert_stored(instance_id, content)

    def test_stow_rs_after_orthanc_closed_the_idle_upstream_connection(self):
        instance_ids, files = create_unstored_instances(self.orthanc, 2)
        self.assertEqual(self.exchange("GET", "/dicom-web/studies")[0], 200)
        self.wait_until_orthanc_closed(self.upstream_connections())
        boundary = uuid.uuid4().hex.encode("ascii")
        status, answer = self.exchange("POST", "/dicom-web/studies", body=build_multipart(files, boundary), headers={
            "Accept": "application/dicom+json",
            "Content-Type": 'multipart/related; type="application/dicom"; boundary=' + boundary.decode("ascii")})
        self.assertEqual(status, 200, answer[:300])
        self.assertIn(b"00081199", answer)   # ReferencedSOPSequence: stored
        for (instance_id, content) in zip(instance_ids, files):
            self.assert_stored(instance_id, content)

    def test_uploads_after_pauses_around_orthancs_keep_alive_timeout_never_fail(self):
        # The pauses are the scenario, not a wait for something: whichever side of
        # Orthanc's timeout each falls on, the upload must be stored.
        pauses = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2)
        instance_ids, files = create_unstored_instances(self.orthanc, len(pauses))
        self.assertEqual(self.exchange("GET", "/system")[0], 200)
        for (pause, instance_id, content) in zip(pauses, instance_ids, files):
            with self.subTest(pause=pause):
                time.sleep(pause)
                status, answer = self.exchange("POST", "/instances", body=content,
                                               headers={"Content-Type": "application/dicom"})
                self.assertEqual(status, 200, answer[:300])
                self.assert_stored(instance_id, content)


if __name__ == "__main__":
    import unittest
    unittest.main()
