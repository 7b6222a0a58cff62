# SPDX-License-Identifier: AGPL-3.0-or-later
"""The gateway's own limits on what a client may make it hold or forward, on a
real Orthanc (1.10.1 and 1.13.0: Resources/Documentation/Operations.md, Compatibility) with the real DICOMweb plugin (issue 18):

- chunk-size lines and trailer sections: 8 connections that each send a
  chunk-size line of 128 MiB that never ends are answered 400 and closed, and
  Orthanc's VmRSS (the gateway runs in Orthanc's process) grows by less than
  16 MiB meanwhile. Before the limit, each line was buffered whole;
- Orthanc's own header limits (civetweb: a head over 16384 bytes is refused
  with 400, fields beyond the 64th are dropped unseen, measured here on
  Orthanc's port as negative controls): the gateway answers 431 itself, with
  the CORS headers, to what Orthanc would refuse or mangle (before: 502, or the
  fields silently lost), and what it lets through reaches Orthanc whole;
- plain HTTP sent to the HTTPS gateway gets a readable 400 in plain HTTP
  (before: closed without a byte), and HTTPS keeps working on that port.

The figures are printed for the report."""

import base64
import select
import socket
import tempfile
import threading
import time
import unittest

from orthanc_cors_tools.certificates import make_self_signed_certificate
from orthanc_cors_tools.memory import MIB, RssSampler, settled_memory_kib
from orthanc_cors_tools.raw_http import (LOOPBACK, free_port, insecure_tls_context, raw_exchange, receive_head,
                                         status_of)
from orthanc_cors_tools.testing import OrthancTestCase
import test_gateway as gateway_tests

ENDLESS_LINE_CONNECTIONS = 8
ENDLESS_LINE_BYTES = 128 * MIB
ENDLESS_LINE_PIECE = 256 * 1024
RSS_GROWTH_BOUND = 16 * MIB


def chunked_post(path="/dicom-web/studies"):
    return ("POST %s HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\nTransfer-Encoding: chunked\r\n\r\n"
            % (path, LOOPBACK, gateway_tests.ALLOWED_ORIGIN)).encode("ascii")


def send_endless_chunk_line(port, results, index, timeout=60):
    """Sends a chunk-size line "1;aaaa..." of ENDLESS_LINE_BYTES without its end, in
    pieces, until the gateway answers or closes; records (status, bytes sent)."""
    piece = b"a" * ENDLESS_LINE_PIECE
    sent = 0
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as connection:
        try:
            connection.sendall(chunked_post() + b"1;")
            while sent < ENDLESS_LINE_BYTES:
                readable, _, _ = select.select([connection], [], [], 0)
                if readable:
                    break   # the gateway answered (or closed): stop sending
                connection.sendall(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass   # closed while sending: its answer may be there all the same
        received = receive_head(connection)   # each read bounded by the socket's timeout
    results[index] = (status_of(received), sent)


class ChunkedFramingLimits(OrthancTestCase):

    def setUp(self):
        super().setUp()
        self.gateway_port = free_port()
        self.orthanc = self.start_orthanc(cors=gateway_tests.gateway_section(self.gateway_port))

    def test_endless_chunk_lines_are_refused_and_not_buffered(self):
        pid = self.orthanc.process.pid
        baseline_kib = settled_memory_kib(pid)
        sampler = RssSampler(pid)
        sampler.start()
        results = [None] * ENDLESS_LINE_CONNECTIONS
        began = time.monotonic()
        clients = [threading.Thread(target=send_endless_chunk_line, args=(self.gateway_port, results, index))
                   for index in range(ENDLESS_LINE_CONNECTIONS)]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=300)
        peak_kib = sampler.finish()
        growth = (peak_kib - baseline_kib) * 1024
        print("\n[limits] %d connections, each a chunk-size line of up to %d MiB: answers %s, sent %.1f MiB in all, "
              "%.2f s; Orthanc VmRSS %.1f MiB before, peak growth %.1f MiB"
              % (ENDLESS_LINE_CONNECTIONS, ENDLESS_LINE_BYTES // MIB, [status for (status, _) in results],
                 sum(sent for (_, sent) in results) / MIB, time.monotonic() - began, baseline_kib / 1024,
                 growth / MIB))
        self.assertEqual([400] * ENDLESS_LINE_CONNECTIONS, [status for (status, _) in results])
        self.assertLess(growth, RSS_GROWTH_BOUND)
        # And the gateway still serves.
        self.assertEqual(200, self.orthanc.request("GET", "/system", port=self.gateway_port).status)


USER, PASSWORD = "alice", "wonderland"
AUTHORIZATION = "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode("ascii")).decode("ascii")
# Host, the fillers, Authorization and Origin, plus the four fields the gateway
# adds (Forwarded, X-Forwarded-For/-Host/-Proto) and one left for framing: 64.
MOST_FILLERS_THROUGH_THE_GATEWAY = 56


class OrthancHeaderLimits(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(cors=gateway_tests.gateway_section(cls.gateway_port),
                                              authentication_enabled=True, registered_users={USER: PASSWORD})

    def get_studies(self, port, fillers, filler_value="v"):
        headers = [("X", filler_value)] * fillers + [("Authorization", AUTHORIZATION),
                                                           ("Origin", gateway_tests.ALLOWED_ORIGIN)]
        return self.orthanc.request("GET", "/dicom-web/studies", headers=headers, port=port)

    def test_orthanc_refuses_large_heads_and_drops_fields_beyond_the_64th(self):
        # Negative controls, on Orthanc's own port: what the gateway must not relay.
        self.assertEqual(400, self.get_studies(self.orthanc.http_port, 10000).status)
        self.assertEqual(200, self.get_studies(self.orthanc.http_port, 62).status)   # Authorization is the 64th
        self.assertEqual(401, self.get_studies(self.orthanc.http_port, 63).status)   # ... the 65th: dropped

    def test_gateway_answers_431_for_what_orthanc_would_refuse_or_drop(self):
        for (fillers, value) in ((10000, "v"), (MOST_FILLERS_THROUGH_THE_GATEWAY + 1, "v"), (10, "v" * 2000)):
            response = self.get_studies(self.gateway_port, fillers, value)
            self.assertEqual(431, response.status, (fillers, len(value)))   # before: 502, or 401
            self.assertEqual(gateway_tests.ALLOWED_ORIGIN, response.header("Access-Control-Allow-Origin"))
            self.assertIn("Orthanc", response.json()["Details"])

    def test_what_the_gateway_relays_reaches_orthanc_whole(self):
        # Authorization, sent after the fillers, is still among the fields Orthanc reads.
        self.assertEqual(200, self.get_studies(self.gateway_port, MOST_FILLERS_THROUGH_THE_GATEWAY).status)
        self.assertEqual(200, self.get_studies(self.gateway_port, 7, "v" * 2000).status)


class PlainHttpOnTheHttpsGateway(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.folder.cleanup)
        certificate, key = make_self_signed_certificate(cls.folder.name)
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(cors=gateway_tests.gateway_section(
            cls.gateway_port, SslEnabled=True, SslCertificate=certificate, SslPrivateKey=key))

    def test_plain_http_gets_a_readable_400(self):
        answer = raw_exchange(self.gateway_port, b"GET /system HTTP/1.1\r\nHost: localhost\r\n\r\n", timeout=10)
        self.assertTrue(answer.startswith(b"HTTP/1.1 400 Bad Request\r\n"), answer[:200])   # before: b""
        self.assertIn(b"The plain HTTP request was sent to HTTPS port", answer)
        # And HTTPS on the same port.
        response = self.orthanc.request("GET", "/system", port=self.gateway_port, tls_context=insecure_tls_context())
        self.assertEqual(200, response.status)


if __name__ == "__main__":
    unittest.main()
