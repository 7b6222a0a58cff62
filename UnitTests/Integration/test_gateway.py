# SPDX-License-Identifier: AGPL-3.0-or-later
"""The gateway in front of a real Orthanc (1.10.1 and 1.13.0: Resources/Documentation/Operations.md, Compatibility) with the real DICOMweb
plugin and authentication on (RegisteredUsers): preflights answered without
credentials, DICOMweb relayed with the policy's headers on every status, links in
the answers pointing at the gateway, uploads (chunked too) stored byte for byte,
malformed requests refused while Orthanc keeps serving, MaxConnections and
IdleTimeout, HTTPS with a certificate made by the test, start-up errors naming
the key.

The helpers at the top (raw requests, multipart parsing) are also used by
test_gateway_streaming.py."""

import http.client
import os
import re
import socket
import ssl
import tempfile
import time
import unittest
import uuid
import warnings

from orthanc_cors_tools.certificates import make_self_signed_certificate
from orthanc_cors_tools.dicom_data import create_ct_series, create_unstored_instances
from orthanc_cors_tools.orthanc import OrthancInstance, wait_until_http_ready
from orthanc_cors_tools.orthanc_json import find_values
from orthanc_cors_tools.raw_http import (LOOPBACK, basic_authorization, free_port, http_request, insecure_tls_context,
                                         raw_exchange, read_one_response, receive_head, status_of)
from orthanc_cors_tools.testing import OrthancTestCase

ALLOWED_ORIGIN = "http://localhost:3000"
FOREIGN_ORIGIN = "https://evil.example"
USER, PASSWORD = "alice", "wonderland"
AUTHORIZATION = basic_authorization(USER, PASSWORD)
DICOM_MULTIPART = 'multipart/related; type="application/dicom"'


# ---- helpers ------------------------------------------------------------------------

def parse_multipart(content_type, body):
    """The parts of a multipart/related body, as (headers dict, bytes)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        raise AssertionError("no boundary in %r" % content_type)
    delimiter = b"--" + match.group(1).encode("ascii")
    parts = []
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, content = chunk.partition(b"\r\n\r\n")
        headers = {}
        for line in head.strip().split(b"\r\n"):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        parts.append((headers, content[:-2] if content.endswith(b"\r\n") else content))
    return parts


def build_multipart(files, boundary):
    body = b""
    for content in files:
        body += b"--" + boundary + b"\r\nContent-Type: application/dicom\r\n\r\n" + content + b"\r\n"
    return body + b"--" + boundary + b"--\r\n"


def chunked_request(port, method, path, headers, pieces, timeout=60):
    """A request whose body is sent with Transfer-Encoding: chunked, one chunk per piece."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        connection.request(method, path, body=iter(pieces),
                           headers=dict(headers, **{"Transfer-Encoding": "chunked"}), encode_chunked=True)
        response = connection.getresponse()
        return response.status, dict((k.lower(), v) for (k, v) in response.getheaders()), response.read()
    finally:
        connection.close()


def gateway_section(port, **extra):
    section = {"Port": port}
    section.update(extra)
    return {"AllowedOrigins": [ALLOWED_ORIGIN], "Gateway": section}


# Each is refused by the gateway with the given status, and never reaches Orthanc.
MALFORMED_REQUESTS = [
    ("absolute-form target (open proxy)", b"GET http://example.org/ HTTP/1.1\r\nHost: example.org\r\n\r\n", 400),
    ("asterisk-form target", b"OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
    ("CONNECT (tunnel)", b"CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n", 405),
    ("Content-Length with Transfer-Encoding",
     b"POST /dicom-web/studies HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"0\r\n\r\n", 400),
    ("Transfer-Encoding with Content-Length",
     b"POST /dicom-web/studies HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
     b"0\r\n\r\n", 400),
    ("differing Content-Length",
     b"POST /dicom-web/studies HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
    ("obsolete line folding", b"GET /dicom-web/studies HTTP/1.1\r\nHost: localhost\r\nX-Folded: a\r\n b\r\n\r\n", 400),
    ("invalid chunk size",
     b"POST /dicom-web/studies HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
     400),
    ("header section over 64 KiB",
     b"GET /dicom-web/studies HTTP/1.1\r\nHost: localhost\r\n"
     + b"".join(b"X-Filler-%d: %s\r\n" % (i, b"a" * 4000) for i in range(20)) + b"\r\n", 431),
    ("HTTP/1.1 without Host", b"GET /dicom-web/studies HTTP/1.1\r\n\r\n", 400),
    ("two Host fields", b"GET /dicom-web/studies HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
]


# ---- the gateway with authentication on ---------------------------------------------

class GatewayWithAuthentication(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(cors=gateway_section(cls.gateway_port),
                                              authentication_enabled=True,
                                              registered_users={USER: PASSWORD})
        wait_until_http_ready(cls.gateway_port)
        cls.series = create_ct_series(cls.orthanc, slices=3, rows=64, columns=64)
        cls.gateway_host = "%s:%d" % (LOOPBACK, cls.gateway_port)

    def through_gateway(self, method, path, headers=None, body=None):
        return self.orthanc.request(method, path, headers=headers, body=body, port=self.gateway_port)

    def series_path(self):
        return "/dicom-web/studies/%s/series/%s" % (self.series["StudyInstanceUID"], self.series["SeriesInstanceUID"])

    def assert_allowed(self, response):
        self.assertEqual(response.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN, response.headers)
        self.assertIn("Origin", response.header("Vary") or "", response.headers)

    # -- preflights --

    def test_preflight_with_authorization_is_answered_204_without_credentials(self):
        response = self.through_gateway("OPTIONS", "/dicom-web/studies", headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization"})
        self.assertEqual(response.status, 204, response)
        self.assert_allowed(response)
        self.assertIn("authorization", response.header("Access-Control-Allow-Headers").lower())
        self.assertIn("GET", response.header("Access-Control-Allow-Methods"))
        self.assertIsNotNone(response.header("Access-Control-Max-Age"))

    def test_orthancs_own_port_cannot_answer_that_preflight(self):
        # The reason the gateway exists (negative control of the test above).
        response = self.orthanc.request("OPTIONS", "/dicom-web/studies", headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization"})
        self.assertNotEqual(response.status, 204)
        self.assertIsNone(response.header("Access-Control-Allow-Origin"))

    def test_preflight_from_a_foreign_origin_is_refused_without_cors_headers(self):
        response = self.through_gateway("OPTIONS", "/dicom-web/studies", headers={
            "Origin": FOREIGN_ORIGIN, "Access-Control-Request-Method": "GET"})
        self.assertEqual(response.status, 403, response)
        self.assertEqual([name for (name, _) in response.headers if name.lower().startswith("access-control-")], [])
        self.orthanc.wait_for_log(r"refused the preflight .*%s" % re.escape(FOREIGN_ORIGIN))

    def test_preflight_for_delete_with_a_multipart_accept_is_allowed(self):
        response = self.through_gateway("OPTIONS", self.series_path(), headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "DELETE",
            "Access-Control-Request-Headers": "accept, authorization, content-type"})
        self.assertEqual(response.status, 204, response)
        self.assert_allowed(response)

    def test_options_without_request_method_is_relayed_to_orthanc(self):
        # Not a preflight: Orthanc answers it (401 here, no credentials), CORS headers added.
        response = self.through_gateway("OPTIONS", "/dicom-web/studies", headers={"Origin": ALLOWED_ORIGIN})
        self.assertEqual(response.status, 401, response)
        self.assert_allowed(response)

    # -- actual requests --

    def test_unauthenticated_request_gets_401_with_allow_origin(self):
        response = self.through_gateway("GET", "/dicom-web/studies", headers={"Origin": ALLOWED_ORIGIN})
        self.assertEqual(response.status, 401, response)
        self.assert_allowed(response)
        self.assertIsNotNone(response.header("WWW-Authenticate"))

    def test_qido_with_an_allowed_origin_is_readable(self):
        response = self.through_gateway("GET", "/dicom-web/studies?StudyInstanceUID=" + self.series["StudyInstanceUID"],
                                        headers={"Origin": ALLOWED_ORIGIN, "Authorization": AUTHORIZATION,
                                                 "Accept": "application/dicom+json"})
        self.assertEqual(response.status, 200, response)
        self.assert_allowed(response)
        studies = response.json()
        self.assertEqual([study["0020000D"]["Value"][0] for study in studies], [self.series["StudyInstanceUID"]])

    def test_qido_with_a_foreign_origin_gets_no_allow_origin(self):
        response = self.through_gateway("GET", "/dicom-web/studies", headers={
            "Origin": FOREIGN_ORIGIN, "Authorization": AUTHORIZATION})
        self.assertEqual(response.status, 200, response)
        self.assertIsNone(response.header("Access-Control-Allow-Origin"))
        self.assertIn("Origin", response.header("Vary") or "")

    def test_route_not_exposed_is_relayed_without_cors_headers(self):
        response = self.through_gateway("GET", "/system", headers={"Origin": ALLOWED_ORIGIN, "Authorization": AUTHORIZATION})
        self.assertEqual(response.status, 200, response)
        self.assertIsNone(response.header("Access-Control-Allow-Origin"))

    def test_wado_rs_retrieve_through_the_gateway_is_byte_identical(self):
        response = self.through_gateway("GET", self.series_path(), headers={
            "Origin": ALLOWED_ORIGIN, "Authorization": AUTHORIZATION, "Accept": DICOM_MULTIPART})
        self.assertEqual(response.status, 200, response)
        self.assert_allowed(response)
        parts = parse_multipart(response.header("Content-Type"), response.body)
        self.assertEqual(len(parts), len(self.series["OrthancInstanceIds"]))
        originals = set()
        for instance_id in self.series["OrthancInstanceIds"]:
            original = self.orthanc.request("GET", "/instances/%s/file" % instance_id,
                                            headers=self.orthanc.authorization_header())
            self.assertEqual(original.status, 200)
            originals.add(original.body)
        self.assertEqual({content for (_, content) in parts}, originals)

    def test_series_metadata_links_point_at_the_gateway(self):
        # The DICOMweb plugin builds BulkDataURI from Forwarded/Host: through the
        # gateway they must name the gateway, or a viewer following them fails.
        response = self.through_gateway("GET", self.series_path() + "/metadata", headers={
            "Origin": ALLOWED_ORIGIN, "Authorization": AUTHORIZATION, "Accept": "application/dicom+json"})
        self.assertEqual(response.status, 200, response)
        links = find_values(response.json(), "BulkDataURI")
        self.assertTrue(links, "no BulkDataURI in the metadata")
        for link in links:
            self.assertTrue(link.startswith("http://%s/dicom-web/" % self.gateway_host), link)

        # Negative control: the same request on Orthanc's port names Orthanc's port.
        direct = self.orthanc.request("GET", self.series_path() + "/metadata",
                                      headers={"Authorization": AUTHORIZATION, "Accept": "application/dicom+json"})
        for link in find_values(direct.json(), "BulkDataURI"):
            self.assertTrue(link.startswith("http://%s:%d/" % (LOOPBACK, self.orthanc.http_port)), link)

    def test_bulk_data_link_from_the_metadata_can_be_followed_through_the_gateway(self):
        metadata = self.through_gateway("GET", self.series_path() + "/metadata", headers={
            "Authorization": AUTHORIZATION, "Accept": "application/dicom+json"}).json()
        link = find_values(metadata, "BulkDataURI")[0]
        path = link[len("http://" + self.gateway_host):]
        response = self.through_gateway("GET", path, headers={
            "Origin": ALLOWED_ORIGIN, "Authorization": AUTHORIZATION,
            "Accept": 'multipart/related; type="application/octet-stream"'})
        self.assertEqual(response.status, 200, response)
        self.assert_allowed(response)
        self.assertGreater(len(response.body), 64 * 64 * 2)

    def test_qido_retrieve_urls_point_at_the_gateway(self):
        response = self.through_gateway("GET", "/dicom-web/studies?StudyInstanceUID=" + self.series["StudyInstanceUID"],
                                        headers={"Authorization": AUTHORIZATION})
        urls = [study["00081190"]["Value"][0] for study in response.json()]
        self.assertEqual(urls, ["http://%s/dicom-web/studies/%s" % (self.gateway_host, self.series["StudyInstanceUID"])])

    # -- uploads --

    def assert_stored_byte_identical(self, instance_ids, files):
        for (instance_id, content) in zip(instance_ids, files):
            stored = self.orthanc.request("GET", "/instances/%s/file" % instance_id,
                                          headers=self.orthanc.authorization_header())
            self.assertEqual(stored.status, 200, stored)
            self.assertEqual(stored.body, content)

    def test_stow_rs_upload_through_the_gateway_is_stored_byte_identical(self):
        instance_ids, files = create_unstored_instances(self.orthanc, 4)
        boundary = uuid.uuid4().hex.encode("ascii")
        response = self.through_gateway("POST", "/dicom-web/studies", body=build_multipart(files, boundary), headers={
            "Origin": ALLOWED_ORIGIN, "Authorization": AUTHORIZATION, "Accept": "application/dicom+json",
            "Content-Type": 'multipart/related; type="application/dicom"; boundary=' + boundary.decode("ascii")})
        self.assertEqual(response.status, 200, response.body[:500])
        self.assert_allowed(response)
        self.assertEqual(len(find_values(response.json(), "00081199")), 1)   # ReferencedSOPSequence
        self.assert_stored_byte_identical(instance_ids, files)

    def test_chunked_stow_rs_upload_through_the_gateway(self):
        instance_ids, files = create_unstored_instances(self.orthanc, 3)
        boundary = uuid.uuid4().hex.encode("ascii")
        body = build_multipart(files, boundary)
        pieces = [body[i:i + 7000] for i in range(0, len(body), 7000)]
        status, headers, answer = chunked_request(self.gateway_port, "POST", "/dicom-web/studies", {
            "Origin": ALLOWED_ORIGIN, "Authorization": AUTHORIZATION, "Accept": "application/dicom+json",
            "Content-Type": 'multipart/related; type="application/dicom"; boundary=' + boundary.decode("ascii")},
            pieces)
        self.assertEqual(status, 200, answer[:500])
        self.assertEqual(headers.get("access-control-allow-origin"), ALLOWED_ORIGIN)
        self.assert_stored_byte_identical(instance_ids, files)

    def test_delete_through_the_gateway(self):
        instance_ids, files = create_unstored_instances(self.orthanc, 1)
        stored = self.orthanc.request("POST", "/instances", body=files[0], headers=dict(
            self.orthanc.authorization_header(), **{"Content-Type": "application/dicom"}))
        self.assertEqual(stored.status, 200)
        response = self.through_gateway("DELETE", "/instances/" + instance_ids[0], headers={"Authorization": AUTHORIZATION})
        self.assertEqual(response.status, 200, response)
        self.assertEqual(self.orthanc.request("GET", "/instances/" + instance_ids[0],
                                              headers=self.orthanc.authorization_header()).status, 404)

    # -- hardening --

    def test_malformed_requests_are_refused_while_orthanc_keeps_serving(self):
        for (name, data, expected) in MALFORMED_REQUESTS:
            with self.subTest(name):
                answer = raw_exchange(self.gateway_port, data)
                self.assertEqual(status_of(answer), expected, answer[:300])
                self.assertIn(b"application/json", answer.split(b"\r\n\r\n")[0])
                still = self.through_gateway("GET", "/dicom-web/studies", headers={"Authorization": AUTHORIZATION})
                self.assertEqual(still.status, 200)
        self.assertEqual(self.orthanc.request("GET", "/system", headers=self.orthanc.authorization_header()).status, 200)
        self.assertTrue(self.orthanc.is_running())

    def test_expect_100_continue_is_answered_by_the_gateway(self):
        instance_ids, files = create_unstored_instances(self.orthanc, 1)
        with socket.create_connection((LOOPBACK, self.gateway_port), timeout=30) as connection:
            connection.sendall(b"POST /instances HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n"
                               b"Content-Type: application/dicom\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n"
                               % (self.gateway_host.encode(), AUTHORIZATION.encode(), len(files[0])))
            interim = connection.recv(1024)
            self.assertTrue(interim.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), interim)
            connection.sendall(files[0])
            final = receive_head(connection)
            self.assertEqual(status_of(final), 200, final)
        self.assert_stored_byte_identical(instance_ids, files)


# ---- limits ---------------------------------------------------------------------------

class GatewayLimits(OrthancTestCase):

    MAX_CONNECTIONS = 3
    IDLE_TIMEOUT = 3   # long enough for the MaxConnections test to hold its connections

    @classmethod
    def setUpClass(cls):
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(cors=gateway_section(
            cls.gateway_port, MaxConnections=cls.MAX_CONNECTIONS, IdleTimeout=cls.IDLE_TIMEOUT))
        wait_until_http_ready(cls.gateway_port)

    def open_served_connection(self):
        """A connection that was served once; places freed by an earlier test
        (its connections closed) may take a moment to be noticed: 503 is retried."""
        deadline = time.monotonic() + 10
        while True:
            connection = socket.create_connection((LOOPBACK, self.gateway_port), timeout=30)
            connection.sendall(b"GET /dicom-web/studies HTTP/1.1\r\nHost: localhost\r\n\r\n")
            status = status_of(read_one_response(connection))
            if status == 200:
                return connection
            connection.close()
            self.assertEqual(status, 503)
            self.assertLess(time.monotonic(), deadline, "the gateway still refuses connections")
            time.sleep(0.05)

    def test_connection_beyond_max_connections_gets_503_and_is_closed(self):
        held = []
        try:
            # Fill the places and ask at once, well within IdleTimeout.
            for _ in range(self.MAX_CONNECTIONS):
                held.append(self.open_served_connection())
            answer = raw_exchange(self.gateway_port, b"GET /dicom-web/studies HTTP/1.1\r\nHost: localhost\r\n\r\n")
            self.assertEqual(status_of(answer), 503, answer[:300])
            head = answer.split(b"\r\n\r\n")[0].lower()
            self.assertIn(b"retry-after:", head)
            self.assertIn(b"connection: close", head)
        finally:
            for connection in held:
                connection.close()

    def test_idle_connection_is_closed_after_idle_timeout(self):
        connection = self.open_served_connection()
        with connection:
            connection.settimeout(self.IDLE_TIMEOUT + 10)
            self.assertEqual(connection.recv(1024), b"")   # closed by the gateway (a timeout here raises)


# ---- HTTPS ----------------------------------------------------------------------------

class GatewayOverTls(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory(prefix="orthanc-cors-tls-")
        cls.addClassCleanup(cls.folder.cleanup)
        certificate, key = make_self_signed_certificate(cls.folder.name)
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(cors=gateway_section(
            cls.gateway_port, SslEnabled=True, SslCertificate=certificate, SslPrivateKey=key))
        wait_until_http_ready(cls.gateway_port, tls_context=insecure_tls_context())
        cls.series = create_ct_series(cls.orthanc, slices=2, rows=32, columns=32)

    def test_dicomweb_over_https_names_https_links(self):
        response = self.orthanc.request("GET", "/dicom-web/studies?StudyInstanceUID=" + self.series["StudyInstanceUID"],
                                        headers={"Origin": ALLOWED_ORIGIN}, port=self.gateway_port,
                                        tls_context=insecure_tls_context())
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
        urls = [study["00081190"]["Value"][0] for study in response.json()]
        self.assertEqual(urls, ["https://%s:%d/dicom-web/studies/%s"
                                % (LOOPBACK, self.gateway_port, self.series["StudyInstanceUID"])])

    def test_preflight_over_https(self):
        response = self.orthanc.request("OPTIONS", "/dicom-web/studies", port=self.gateway_port,
                                        tls_context=insecure_tls_context(), headers={
                                            "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "GET",
                                            "Access-Control-Request-Headers": "authorization"})
        self.assertEqual(response.status, 204, response)

    def test_tls_1_1_is_refused(self):
        context = insecure_tls_context()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
            context.maximum_version = ssl.TLSVersion.TLSv1_1
        # Security level 0 so that this client does offer TLS 1.1 (checked against
        # "openssl s_server -tls1_1"): the refusal then comes from the gateway.
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with self.assertRaises((ssl.SSLError, ConnectionResetError)):
            http_request(self.gateway_port, "GET", "/dicom-web/studies", tls_context=context, timeout=10)

    def test_tls_1_2_is_accepted(self):
        context = insecure_tls_context()
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        response = http_request(self.gateway_port, "GET", "/dicom-web/studies", tls_context=context, timeout=10)
        self.assertEqual(response.status, 200)

    def test_plain_http_on_the_https_port_gets_no_answer_from_orthanc(self):
        answer = raw_exchange(self.gateway_port, b"GET /dicom-web/studies HTTP/1.1\r\nHost: localhost\r\n\r\n", timeout=10)
        self.assertFalse(answer.startswith(b"HTTP/1.1 200"), answer[:100])


# ---- start-up errors ------------------------------------------------------------------

class GatewayStartUpErrors(unittest.TestCase):

    def expect_refusal(self, cors, key):
        exit_code, log = OrthancInstance(cors=cors).start_expecting_failure()
        self.assertNotEqual(exit_code, 0, log[-2000:])
        self.assertIn(key, log, log[-2000:])
        return log

    def test_port_in_use_stops_orthanc_naming_the_key(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as occupant:
            occupant.bind((LOOPBACK, 0))
            occupant.listen(1)
            port = occupant.getsockname()[1]
            log = self.expect_refusal(gateway_section(port), "Cors.Gateway.Port")
            self.assertIn("port %d is already in use" % port, log)

    def test_mismatched_certificate_and_key_stop_orthanc_naming_the_key(self):
        with tempfile.TemporaryDirectory() as folder:
            certificate, _ = make_self_signed_certificate(folder, "one")
            _, other_key = make_self_signed_certificate(folder, "two")
            log = self.expect_refusal(gateway_section(free_port(), SslEnabled=True, SslCertificate=certificate,
                                                      SslPrivateKey=other_key), "Cors.Gateway.SslPrivateKey")
            self.assertIn("does not match", log)

    def test_file_without_a_certificate_stops_orthanc_naming_the_key(self):
        with tempfile.TemporaryDirectory() as folder:
            junk = os.path.join(folder, "junk.pem")
            with open(junk, "w") as output:
                output.write("not a certificate\n")
            _, key = make_self_signed_certificate(folder)
            self.expect_refusal(gateway_section(free_port(), SslEnabled=True, SslCertificate=junk, SslPrivateKey=key),
                                "Cors.Gateway.SslCertificate")


if __name__ == "__main__":
    unittest.main()
