# SPDX-License-Identifier: AGPL-3.0-or-later
"""Hostile input against a real Orthanc (1.10.1 and 1.13.0: Resources/Documentation/Operations.md, Compatibility) with the real DICOMweb
plugin and this plugin, through the gateway and on Orthanc's own port:

- a corpus of hostile Origin values (CRLF, NUL, non-ASCII, userinfo, trailing dots,
  lookalike suffixes and prefixes, wrong scheme or port, oversize, lists...) sent
  as raw bytes on preflights and actual requests: none is ever reflected in
  Access-Control-Allow-Origin, and no response gets a header injected (Set-Cookie
  or any other) through a request header;
- slow and idle clients: 300 connections that send half a request do not delay a
  new client's preflight beyond 2 s and are closed after IdleTimeout;
- MaxConnections: connections beyond it get a clean 503 and are closed, and the
  gateway serves again once they are gone;
- MaxConnectionsPerClient: one client address holding its maximum of idle
  connections leaves room for another client; a new connection that sends
  nothing is closed after RequestHeaderTimeout, a keep-alive one after IdleTimeout;
- a header trickled a byte at a time costs the gateway CPU linear in its size;
- slow request bodies through the gateway do not take Orthanc's HTTP threads:
  Orthanc's own port keeps answering (RequestBodyBufferSize).

Raw sockets throughout: http.client refuses to send most of these values."""

import os
import shutil
import socket
import tempfile
import threading
import time
import unittest

from orthanc_cors_tools.orthanc import wait_until_http_ready
from orthanc_cors_tools.raw_http import (LOOPBACK, free_port, http_request, parse_responses, raw_exchange,
                                         receive_head, receive_until_closed)
from orthanc_cors_tools.testing import OrthancTestCase

ALLOWED_EXACT = "https://example.org"
ALLOWED_LOCAL = "http://localhost:3000"
ALLOWED_SUBDOMAINS = "https://*.example.org"
FOLDER_PREFIX = "/viewer"
IDLE_TIMEOUT = 3              # seconds: Cors.Gateway.IdleTimeout of these tests
SLOW_CLIENTS = 300
PREFLIGHT_BOUND = 2.0         # seconds, issue 7: a new client's preflight under slow clients
MAX_CONNECTIONS = 16
OTHER_CLIENT = "127.0.0.2"    # another loopback address (all of 127.0.0.0/8 is loopback on Linux)
TRICKLE_PAUSE = 0.0001        # seconds between two bytes of a trickled header

# (name, Origin value as raw bytes, origins that may legitimately be reflected).
# The last element is non-empty only where CR/LF ends the Origin field early, so
# that the server sees an allowed Origin followed by another (request) field.
HOSTILE_ORIGINS = [
    ("foreign origin", b"https://evil.example", ()),
    ("userinfo before a foreign host", b"https://example.org@evil.example", ()),
    ("userinfo before an allowed host", b"https://evil.example@example.org", ()),
    ("userinfo before a subdomain", b"https://a.example.org@evil.example", ()),
    ("trailing dot", b"https://example.org.", ()),
    ("trailing dot on a subdomain", b"https://a.example.org.", ()),
    ("lookalike suffix", b"https://example.org.evil.com", ()),
    ("lookalike suffix of a subdomain", b"https://a.example.org.evil.com", ()),
    ("lookalike prefix", b"https://evil-example.org", ()),
    ("lookalike without dot", b"https://evilexample.org", ()),
    ("domain in the path", b"https://evil.com/.example.org", ()),
    ("bare domain of a subdomain pattern", b"https://.example.org", ()),
    ("trailing slash", b"https://example.org/", ()),
    ("path", b"https://example.org/index.html", ()),
    ("query", b"https://example.org?x=1", ()),
    ("fragment", b"https://example.org#x", ()),
    ("wrong scheme", b"http://example.org", ()),
    ("wrong scheme for localhost", b"https://localhost:3000", ()),
    ("wrong port", b"https://example.org:8443", ()),
    ("explicit default port", b"https://example.org:443", ()),
    ("port prefix", b"http://localhost:30000", ()),
    ("port zero", b"http://localhost:0", ()),
    ("port out of range", b"http://localhost:65539", ()),
    ("port with leading zero", b"http://localhost:03000", ()),
    ("missing port", b"http://localhost", ()),
    ("upper-case scheme", b"HTTPS://example.org", ()),
    ("upper-case host", b"https://EXAMPLE.ORG", ()),
    ("opaque origin not opted in", b"null", ()),
    ("wildcard", b"*", ()),
    ("two origins in one field", b"https://example.org, https://evil.example", ()),
    ("two origins separated by a space", b"https://evil.example https://example.org", ()),
    ("NUL before a foreign suffix", b"https://example.org\x00.evil.example", ()),
    ("NUL at the end", b"https://example.org\x00", ()),
    ("non-ASCII host (UTF-8)", "https://ex\u00e4mple.org".encode("utf-8"), ()),
    ("non-ASCII subdomain (UTF-8)", "https://\u0430.example.org".encode("utf-8"), ()),
    ("byte 0xFF", b"https://example.org\xff", ()),
    ("tab inside", b"https://example.org\tevil", ()),
    ("control character", b"https://example.org\x01", ()),
    ("percent-encoded CRLF", b"https://evil.example%0d%0aSet-Cookie:%20injected=1", ()),
    ("oversize subdomain", b"https://" + b"a" * 3000 + b".example.org", ()),
    ("oversize label list", b"https://" + b"a." * 1100 + b"example.org", ()),
    ("CRLF then Set-Cookie after a foreign origin", b"https://evil.example\r\nSet-Cookie: injected=1", ()),
    ("CRLF then Set-Cookie after an allowed origin", b"https://example.org\r\nSet-Cookie: injected=1",
     (ALLOWED_EXACT,)),
    ("bare LF then Set-Cookie", b"https://evil.example\nSet-Cookie: injected=1", ()),
    ("bare CR then Set-Cookie", b"https://evil.example\rSet-Cookie: injected=1", ()),
    ("bare CR after an allowed origin", b"https://example.org\rSet-Cookie: injected=1", ()),
]

# Other request fields through which a header could be injected into a response.
# Each value ends the field early (CR/LF) or carries bytes a naive relay might copy.
INJECTION_FIELDS = [
    b"Access-Control-Request-Headers: authorization\r\nSet-Cookie: injected=1",
    b"Access-Control-Request-Headers: x-a\rSet-Cookie: injected=1",
    b"Access-Control-Request-Headers: set-cookie",
    b"Access-Control-Request-Method: GET\nSet-Cookie: injected=1",
    b"X-Forwarded-Host: evil.example\r\nSet-Cookie: injected=1",
    b"Forwarded: host=evil.example;proto=https\r\nX-Injected: 1",
    b"X-Forwarded-Proto: https\rX-Injected: 1",
    b"Accept: application/dicom+json\r\nX-Injected: 1",
    b"X-Anything: a\x00Set-Cookie: injected=1",
    b"Cookie: a=b\r\nSet-Cookie: injected=1",
]


# ---- raw HTTP ----------------------------------------------------------------------


def values_of(headers, name):
    return [value for (key, value) in headers if key.lower() == name.lower()]


def request_bytes(method, path, fields, keep_alive=False):
    """A request whose fields are raw bytes, sent as they are; the server closes
    after, unless `keep_alive`."""
    return (method.encode("ascii") + b" " + path.encode("ascii") + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + (b"" if keep_alive else b"Connection: close\r\n")
            + b"".join(field + b"\r\n" for field in fields) + b"\r\n")


class HostileInputTestCase(OrthancTestCase):
    """Shared checks: what a response to a hostile request may carry."""

    def assert_nothing_injected(self, responses, context):
        for (status, headers) in responses:
            names = [name.lower() for (name, _) in headers]
            self.assertNotIn("set-cookie", names, context)
            self.assertNotIn("x-injected", names, context)
            for (name, value) in headers:
                self.assertNotIn(b"injected", value.lower(), "%s: %s" % (context, name))
                self.assertTrue(all(0x20 <= byte < 0x7f or byte == 0x09 for byte in value),
                                "%s: %s has a byte outside visible ASCII: %r" % (context, name, value))

    def assert_not_reflected(self, responses, tolerated, context):
        for (status, headers) in responses:
            allow_origins = values_of(headers, "Access-Control-Allow-Origin")
            self.assertLessEqual(len(allow_origins), 1, context)
            for value in allow_origins:
                self.assertIn(value.decode("ascii"), tolerated,
                              "%s: %d reflected %r" % (context, status, value))
            if not allow_origins:
                for (name, _) in headers:
                    if name.lower().startswith("access-control-allow-"):
                        self.fail("%s: %s without Access-Control-Allow-Origin" % (context, name))


# ---- hostile origins and header injection ----------------------------------------------

class HostileOrigins(HostileInputTestCase):
    """One Orthanc; every request goes to the gateway and to Orthanc's own port."""

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.mkdtemp(prefix="orthanc-cors-hostile-")
        with open(os.path.join(cls.folder, "index.html"), "w") as index:
            index.write("<!doctype html><title>viewer</title>")
        cls.addClassCleanup(shutil.rmtree, cls.folder, True)
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(cors={
            "AllowedOrigins": [ALLOWED_EXACT, ALLOWED_LOCAL, ALLOWED_SUBDOMAINS],
            "AllowCredentials": True,
            "AllowPrivateNetwork": True,
            "Folders": {FOLDER_PREFIX: {"Path": cls.folder}},
            "Gateway": {"Port": cls.gateway_port, "IdleTimeout": IDLE_TIMEOUT},
        })
        wait_until_http_ready(cls.gateway_port)

    def exchanges(self, origin_field):
        """(description, port, request bytes) for one Origin field: preflight and
        actual requests, on DICOMweb (gateway) and on a served folder (both ports)."""
        preflight_fields = [origin_field, b"Access-Control-Request-Method: GET",
                            b"Access-Control-Request-Headers: authorization",
                            b"Access-Control-Request-Private-Network: true"]
        result = []
        for (port_name, port) in (("gateway", self.gateway_port), ("orthanc", self.orthanc.http_port)):
            result.append(("GET folder on " + port_name, port,
                           request_bytes("GET", FOLDER_PREFIX + "/index.html", [origin_field])))
            result.append(("POST folder on " + port_name, port,
                           request_bytes("POST", FOLDER_PREFIX + "/index.html",
                                         [origin_field, b"Content-Type: text/plain", b"Content-Length: 0"])))
        result.append(("preflight on gateway", self.gateway_port,
                       request_bytes("OPTIONS", "/dicom-web/studies", preflight_fields)))
        result.append(("QIDO on gateway", self.gateway_port, request_bytes("GET", "/dicom-web/studies", [origin_field])))
        result.append(("preflight on orthanc", self.orthanc.http_port,
                       request_bytes("OPTIONS", "/dicom-web/studies", preflight_fields)))
        return result

    def test_hostile_origins_are_never_reflected(self):
        for (name, value, tolerated) in HOSTILE_ORIGINS:
            for (description, port, data) in self.exchanges(b"Origin: " + value):
                with self.subTest(origin=name, request=description):
                    answer = raw_exchange(port, data)
                    if not answer:
                        continue   # the connection was closed without an answer: nothing reflected
                    responses = parse_responses(answer)
                    self.assert_not_reflected(responses, tolerated, "%s, %s" % (name, description))
                    self.assert_nothing_injected(responses, "%s, %s" % (name, description))
        self.assertTrue(self.orthanc.is_running())

    def test_hostile_origin_does_not_make_orthanc_accept_a_cross_origin_post(self):
        # The foreign-origin guard on Orthanc's port: a hostile Origin counts as
        # foreign, so a "simple" cross-origin POST is refused (403); Orthanc's HTTP
        # server itself answers 400 to a field with a control character in it.
        def lookup(fields):
            answer = raw_exchange(self.orthanc.http_port, request_bytes(
                "POST", "/tools/lookup", fields + [b"Content-Type: text/plain", b"Content-Length: 0"]))
            return parse_responses(answer)[0][0]

        self.assertEqual(lookup([]), 200)   # control: the same request without Origin is executed
        for (name, value, tolerated) in HOSTILE_ORIGINS:
            with self.subTest(origin=name):
                has_control = any(byte < 0x20 and byte not in (0x0a,) for byte in value.split(b"\r\n")[0])
                self.assertIn(lookup([b"Origin: " + value]), (403, 400) if has_control else (403,), name)

    def test_two_origin_fields_are_not_reflected_by_the_gateway(self):
        # Gateway only: Orthanc's own HTTP server keeps one value per header name
        # (the first) before any plugin sees the request, so on Orthanc's port two
        # Origin fields cannot be told from one.
        for (first, second) in ((ALLOWED_EXACT, "https://evil.example"), ("https://evil.example", ALLOWED_EXACT),
                                (ALLOWED_EXACT, ALLOWED_EXACT)):
            field = b"Origin: " + first.encode() + b"\r\nOrigin: " + second.encode()
            for (description, port, data) in self.exchanges(field):
                if port != self.gateway_port:
                    continue
                with self.subTest(first=first, second=second, request=description):
                    answer = raw_exchange(port, data)
                    if answer:
                        self.assert_not_reflected(parse_responses(answer), (), description)

    def test_allowed_origins_are_reflected_as_a_control(self):
        # Proves the corpus test can fail: the same requests with allowed origins reflect them.
        for origin in (ALLOWED_EXACT, ALLOWED_LOCAL, "https://viewer.example.org"):
            answer = raw_exchange(self.gateway_port, request_bytes("GET", FOLDER_PREFIX + "/index.html",
                                                                   [b"Origin: " + origin.encode()]))
            (status, headers) = parse_responses(answer)[0]
            self.assertEqual(status, 200)
            self.assertEqual(values_of(headers, "Access-Control-Allow-Origin"), [origin.encode()])

    def test_no_header_is_injected_through_any_request_field(self):
        for field in INJECTION_FIELDS:
            for (description, port, data) in self.exchanges(b"Origin: " + ALLOWED_EXACT.encode() + b"\r\n" + field):
                with self.subTest(field=field, request=description):
                    answer = raw_exchange(port, data)
                    if answer:
                        self.assert_nothing_injected(parse_responses(answer), "%r, %s" % (field, description))
        self.assertTrue(self.orthanc.is_running())

    def test_no_header_is_injected_through_the_request_target(self):
        for target in ("/dicom-web/studies?x=%0d%0aSet-Cookie:%20injected=1",
                       FOLDER_PREFIX + "/%0d%0aSet-Cookie:%20injected=1",
                       FOLDER_PREFIX + "/index.html%0aX-Injected:%201"):
            for port in (self.gateway_port, self.orthanc.http_port):
                with self.subTest(target=target, port=port):
                    answer = raw_exchange(port, request_bytes("GET", target, [b"Origin: " + ALLOWED_EXACT.encode()]))
                    if answer:
                        self.assert_nothing_injected(parse_responses(answer), target)


# ---- slow and idle clients, MaxConnections ------------------------------------------------

def preflight_seconds(port, source=None):
    """Time for a new client's preflight (from the local address `source` when
    given), from connect to the whole answer; and its status."""
    began = time.monotonic()
    answer = raw_exchange(port, request_bytes("OPTIONS", "/dicom-web/studies", [
        b"Origin: " + ALLOWED_LOCAL.encode(), b"Access-Control-Request-Method: GET"]), timeout=30, source=source)
    elapsed = time.monotonic() - began
    return elapsed, parse_responses(answer)[0]


def open_half_requests(port, count, source=None):
    """`count` connections that each send half a request header and stop."""
    sockets = []
    try:
        for index in range(count):
            connection = socket.create_connection((LOOPBACK, port), timeout=10,
                                                  source_address=(source, 0) if source else None)
            sockets.append(connection)
            connection.sendall(b"GET /dicom-web/studies HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-%d: " % index)
    except BaseException:
        for connection in sockets:
            connection.close()
        raise
    return sockets


def is_closed_by_peer(connection, timeout):
    """Whether the server closes `connection` (EOF or reset) within `timeout` s."""
    connection.settimeout(max(timeout, 0.01))
    try:
        while True:
            piece = connection.recv(4096)
            if not piece:
                return True
    except ConnectionResetError:
        return True
    except (socket.timeout, BlockingIOError):
        return False


class SlowClients(HostileInputTestCase):

    def setUp(self):
        super().setUp()
        self.gateway_port = free_port()
        self.orthanc = self.start_orthanc(cors={
            "AllowedOrigins": [ALLOWED_LOCAL],
            # All from 127.0.0.1: the per-client limit must not hide what is measured here.
            "Gateway": {"Port": self.gateway_port, "IdleTimeout": IDLE_TIMEOUT, "MaxConnections": 1000,
                        "MaxConnectionsPerClient": 1000},
        })
        wait_until_http_ready(self.gateway_port)

    def test_half_requests_do_not_delay_a_new_preflight_and_are_closed_after_idle_timeout(self):
        baseline, _ = preflight_seconds(self.gateway_port)
        slow = open_half_requests(self.gateway_port, SLOW_CLIENTS)
        try:
            opened = time.monotonic()
            elapsed, (status, headers) = preflight_seconds(self.gateway_port)
            print("\npreflight with no other client: %.3f s; with %d half requests open: %.3f s"
                  % (baseline, SLOW_CLIENTS, elapsed))
            self.assertEqual(status, 204)
            self.assertEqual(values_of(headers, "Access-Control-Allow-Origin"), [ALLOWED_LOCAL.encode()])
            self.assertLess(elapsed, PREFLIGHT_BOUND)

            # Every half request is closed once IdleTimeout has passed (with a margin
            # for 300 closes on a loaded machine), none long before it.
            closed = [is_closed_by_peer(connection, 0.01) for connection in slow[:10]]
            self.assertEqual(closed, [False] * 10, "closed before IdleTimeout")
            deadline = opened + IDLE_TIMEOUT + 10
            still_open = 0
            for connection in slow:
                if not is_closed_by_peer(connection, max(0.1, deadline - time.monotonic())):
                    still_open += 1
            print("half requests closed by the gateway within IdleTimeout + 10 s: %d of %d; %.1f s after opening"
                  % (SLOW_CLIENTS - still_open, SLOW_CLIENTS, time.monotonic() - opened))
            self.assertEqual(still_open, 0)
        finally:
            for connection in slow:
                connection.close()
        elapsed, (status, _) = preflight_seconds(self.gateway_port)
        self.assertEqual(status, 204)
        self.assertTrue(self.orthanc.is_running())

    def send_trickled(self, request, pieces, total_seconds):
        """Sends `request` in `pieces` parts spread over `total_seconds`, then reads to EOF."""
        size = len(request) // pieces + 1
        with socket.create_connection((LOOPBACK, self.gateway_port), timeout=IDLE_TIMEOUT + 10) as connection:
            try:
                for index in range(0, len(request), size):
                    connection.sendall(request[index:index + size])
                    time.sleep(total_seconds / pieces)
            except (BrokenPipeError, ConnectionResetError):
                return b""
            return receive_until_closed(connection)

    def test_trickled_header_still_gets_its_answer(self):
        # A slow but live client, whose whole header arrives within IdleTimeout, is served.
        request = request_bytes("OPTIONS", "/dicom-web/studies", [
            b"Origin: " + ALLOWED_LOCAL.encode(), b"Access-Control-Request-Method: GET"])
        answer = self.send_trickled(request, pieces=4, total_seconds=IDLE_TIMEOUT / 2.0)
        self.assertEqual(parse_responses(answer)[0][0], 204)

    def test_header_trickled_past_idle_timeout_is_closed_unanswered(self):
        # Slowloris: IdleTimeout bounds the whole header section, not each read, so
        # a client cannot hold a connection by sending a byte now and then.
        request = request_bytes("OPTIONS", "/dicom-web/studies", [
            b"Origin: " + ALLOWED_LOCAL.encode(), b"Access-Control-Request-Method: GET"])
        answer = self.send_trickled(request, pieces=6, total_seconds=IDLE_TIMEOUT * 2.0)
        self.assertNotIn(b"204", answer.split(b"\r\n", 1)[0])
        self.assertTrue(self.orthanc.is_running())


def process_cpu_seconds(pid):
    """CPU time of a process's threads so far, in seconds, to the nanosecond
    (/proc/PID/task/*/schedstat: /proc/PID/stat counts 10 ms ticks, too coarse
    for a few hundredths of a second)."""
    total = 0
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, task)) as schedstat:
                total += int(schedstat.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass   # a thread that has just ended
    return total / 1e9


def header_of_size(size):
    """A preflight whose header section is about `size` bytes of short fields
    (a line end every few bytes is what made the scan slow)."""
    fields = [b"Origin: " + ALLOWED_LOCAL.encode(), b"Access-Control-Request-Method: GET"]
    request = request_bytes("OPTIONS", "/dicom-web/studies", fields)
    index = 0
    while len(request) < size:
        fields.append(b"X-%d: a" % index)
        request = request_bytes("OPTIONS", "/dicom-web/studies", fields)
        index += 1
    return request


class TrickledHeader(HostileInputTestCase):
    """Issue 30, finding 2: the gateway scanned the whole header again after each
    read, so a header sent a byte at a time cost it O(n^2) CPU (a 40 KB header:
    about 1 s of CPU a connection)."""

    def setUp(self):
        super().setUp()
        self.gateway_port = free_port()
        self.orthanc = self.start_orthanc(cors={
            "AllowedOrigins": [ALLOWED_LOCAL],
            "Gateway": {"Port": self.gateway_port, "IdleTimeout": 60, "RequestHeaderTimeout": 60},
        })
        wait_until_http_ready(self.gateway_port)

    def cpu_of_trickled_header(self, size):
        """Orthanc's CPU seconds while one connection sends a `size`-byte header a
        byte at a time (each byte its own segment) and reads the answer."""
        request = header_of_size(size)
        before = process_cpu_seconds(self.orthanc.process.pid)
        with socket.create_connection((LOOPBACK, self.gateway_port), timeout=60) as connection:
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for index in range(len(request)):
                connection.send(request[index:index + 1])
                time.sleep(TRICKLE_PAUSE)   # each byte its own read, however busy the machine
            status = parse_responses(receive_until_closed(connection))[0][0]
        self.assertEqual(status, 204)
        return process_cpu_seconds(self.orthanc.process.pid) - before

    def test_a_header_trickled_a_byte_at_a_time_costs_cpu_linear_in_its_size(self):
        # Eight times the bytes: about eight times the work (reads and wake-ups),
        # not sixty-four times (the whole buffer scanned again after each read).
        # The least of a few tries: another process's load only adds to a figure.
        small = min(self.cpu_of_trickled_header(4 * 1024) for _ in range(3))
        large = min(self.cpu_of_trickled_header(32 * 1024) for _ in range(2))
        print("\nOrthanc's CPU for a header trickled a byte at a time: 4 KiB %.3f s, 32 KiB %.3f s"
              % (small, large))
        self.assertLess(large, 20 * small)
        self.assertTrue(self.orthanc.is_running())


class ConnectionLimit(HostileInputTestCase):

    def setUp(self):
        super().setUp()
        self.gateway_port = free_port()
        self.orthanc = self.start_orthanc(cors={
            "AllowedOrigins": [ALLOWED_LOCAL],
            "Gateway": {"Port": self.gateway_port, "IdleTimeout": 30, "MaxConnections": MAX_CONNECTIONS},
        })
        wait_until_http_ready(self.gateway_port)

    def test_connections_beyond_max_connections_get_a_clean_refusal(self):
        held = open_half_requests(self.gateway_port, MAX_CONNECTIONS)
        try:
            # The gateway accepts the held connections asynchronously: wait (bounded)
            # for the first refusal, then every further attempt must be refused too.
            preflight = request_bytes("OPTIONS", "/dicom-web/studies", [
                b"Origin: " + ALLOWED_LOCAL.encode(), b"Access-Control-Request-Method: GET"])
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                first = parse_responses(raw_exchange(self.gateway_port, preflight))
                if first and first[0][0] == 503:
                    break
                time.sleep(0.05)
            for attempt in range(3):
                with self.subTest(attempt=attempt):
                    answer = raw_exchange(self.gateway_port, request_bytes("OPTIONS", "/dicom-web/studies", [
                        b"Origin: " + ALLOWED_LOCAL.encode(), b"Access-Control-Request-Method: GET"]))
                    responses = parse_responses(answer)   # a complete response, then the close
                    (status, headers) = responses[0]
                    self.assertEqual(status, 503, answer[:300])
                    self.assertTrue(values_of(headers, "Retry-After"), headers)
                    self.assert_nothing_injected(responses, "503")
            self.assertTrue(self.orthanc.is_running())
        finally:
            for connection in held:
                connection.close()

        # Once the held connections are gone, new clients are served again.
        deadline = time.monotonic() + 10
        while True:
            elapsed, (status, _) = preflight_seconds(self.gateway_port)
            if status == 204 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(status, 204)


class PerClientLimit(HostileInputTestCase):
    """Issue 18, finding 4: one address held every place (MaxConnections idle
    connections), and every other client got 503 for IdleTimeout."""

    PER_CLIENT = 8

    def setUp(self):
        super().setUp()
        self.gateway_port = free_port()
        self.orthanc = self.start_orthanc(cors={
            "AllowedOrigins": [ALLOWED_LOCAL],
            "Gateway": {"Port": self.gateway_port, "IdleTimeout": 30, "RequestHeaderTimeout": 20,
                        "MaxConnections": MAX_CONNECTIONS, "MaxConnectionsPerClient": self.PER_CLIENT},
        })
        wait_until_http_ready(self.gateway_port)

    def test_a_client_holding_its_maximum_leaves_room_for_another_client(self):
        # As many idle connections as MaxConnections, all from 127.0.0.1.
        held = open_half_requests(self.gateway_port, MAX_CONNECTIONS)
        try:
            # Accepted asynchronously: wait (bounded) until 127.0.0.1 is refused by
            # its own limit. (Until the 503s to its extra held connections are done,
            # its refusals are at their bound too: a new one is just closed.)
            preflight = request_bytes("OPTIONS", "/dicom-web/studies", [
                b"Origin: " + ALLOWED_LOCAL.encode(), b"Access-Control-Request-Method: GET"])
            deadline = time.monotonic() + 10
            while True:
                answer = raw_exchange(self.gateway_port, preflight)
                responses = parse_responses(answer)
                if (responses and responses[0][0] == 503) or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            self.assertEqual(responses[0][0], 503, answer[:300])

            elapsed, (status, headers) = preflight_seconds(self.gateway_port, source=OTHER_CLIENT)
            print("\nwith %d idle connections from 127.0.0.1 (MaxConnections %d, MaxConnectionsPerClient %d): "
                  "preflight from %s: %d in %.3f s" % (MAX_CONNECTIONS, MAX_CONNECTIONS, self.PER_CLIENT,
                                                      OTHER_CLIENT, status, elapsed))
            self.assertEqual(status, 204)
            self.assertEqual(values_of(headers, "Access-Control-Allow-Origin"), [ALLOWED_LOCAL.encode()])
            self.assertLess(elapsed, PREFLIGHT_BOUND)
            self.assertIn(b"MaxConnectionsPerClient", answer)   # the 503 names the limit that refused
        finally:
            for connection in held:
                connection.close()


class RequestHeaderTimeout(HostileInputTestCase):
    """A new connection must send its first request within RequestHeaderTimeout;
    a keep-alive connection may wait IdleTimeout between requests."""

    HEADER_TIMEOUT = 2

    def setUp(self):
        super().setUp()
        self.gateway_port = free_port()
        self.orthanc = self.start_orthanc(cors={
            "AllowedOrigins": [ALLOWED_LOCAL],
            "Gateway": {"Port": self.gateway_port, "IdleTimeout": 30, "RequestHeaderTimeout": self.HEADER_TIMEOUT},
        })
        wait_until_http_ready(self.gateway_port)

    def test_silent_new_connection_is_closed_after_request_header_timeout(self):
        with socket.create_connection((LOOPBACK, self.gateway_port), timeout=10) as silent:
            opened = time.monotonic()
            self.assertTrue(is_closed_by_peer(silent, self.HEADER_TIMEOUT + 5))
            elapsed = time.monotonic() - opened
        print("\nsilent new connection closed after %.1f s (RequestHeaderTimeout %d, IdleTimeout 30)"
              % (elapsed, self.HEADER_TIMEOUT))
        self.assertGreater(elapsed, self.HEADER_TIMEOUT - 0.5)

    def test_keep_alive_connection_waits_idle_timeout_between_requests(self):
        preflight = request_bytes("OPTIONS", "/dicom-web/studies", [
            b"Origin: " + ALLOWED_LOCAL.encode(), b"Access-Control-Request-Method: GET"], keep_alive=True)
        with socket.create_connection((LOOPBACK, self.gateway_port), timeout=10) as connection:
            for attempt in range(2):
                connection.sendall(preflight)
                self.assertEqual(parse_responses(receive_head(connection))[0][0], 204, "request %d" % attempt)
                if attempt == 0:
                    # Idle past RequestHeaderTimeout: the connection must stay open.
                    self.assertFalse(is_closed_by_peer(connection, self.HEADER_TIMEOUT + 1))


class SlowRequestBodies(HostileInputTestCase):
    """Issue 18, finding 6: sixty clients sending bodies at 1 byte/5 s through the
    gateway pinned Orthanc's HTTP threads (its own port stopped answering). Here
    Orthanc runs 10 HTTP threads and 20 clients trickle their bodies."""

    ORTHANC_THREADS = 10
    SLOW_BODIES = 20
    BODY_LENGTH = 100
    TRICKLE_INTERVAL = 1.0   # seconds between two bytes of each body
    CHECKS = 5               # GET /system on Orthanc's port, one a second

    def setUp(self):
        super().setUp()
        self.gateway_port = free_port()
        self.orthanc = self.start_orthanc(
            cors={"AllowedOrigins": [ALLOWED_LOCAL],
                  "Gateway": {"Port": self.gateway_port, "IdleTimeout": 30}},
            extra_configuration={"HttpThreadsCount": self.ORTHANC_THREADS})
        wait_until_http_ready(self.gateway_port)

    def test_slow_bodies_through_the_gateway_leave_orthanc_answering(self):
        self.check_orthanc_answers_during_slow_bodies(self.BODY_LENGTH)

    def test_slow_bodies_announcing_more_than_the_buffer_leave_orthanc_answering(self):
        # Over Gateway.RequestBodyBufferSize (1 MiB): the first MiB is still read
        # before Orthanc is contacted, so a large Content-Length gains nothing.
        self.check_orthanc_answers_during_slow_bodies(2 * 1024 * 1024)

    def check_orthanc_answers_during_slow_bodies(self, body_length):
        slow = []
        stop = threading.Event()

        def trickle():
            while not stop.wait(self.TRICKLE_INTERVAL):
                for connection in slow:
                    try:
                        connection.sendall(b"x")
                    except OSError:
                        pass

        try:
            for index in range(self.SLOW_BODIES):
                connection = socket.create_connection((LOOPBACK, self.gateway_port), timeout=10)
                slow.append(connection)
                connection.sendall(b"POST /tools/lookup HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                   b"Content-Length: %d\r\n\r\nx" % body_length)
            trickler = threading.Thread(target=trickle, daemon=True)
            trickler.start()

            times = []
            for check in range(self.CHECKS):
                began = time.monotonic()
                try:
                    status = http_request(self.orthanc.http_port, "GET", "/system", timeout=5).status
                except (socket.timeout, OSError):
                    status = None
                times.append(time.monotonic() - began)
                self.assertEqual(status, 200, "Orthanc's own port stopped answering (check %d)" % check)
                time.sleep(1)
            print("\nGET /system on Orthanc's port with %d slow bodies of %d bytes through the gateway "
                  "(%d HTTP threads): slowest %.3f s" % (self.SLOW_BODIES, body_length, self.ORTHANC_THREADS, max(times)))
            self.assertLess(max(times), 1.0)

            # The gateway answers too, and the slow bodies are still being read.
            _, (status, _) = preflight_seconds(self.gateway_port)
            self.assertEqual(status, 204)
        finally:
            stop.set()
            for connection in slow:
                connection.close()


if __name__ == "__main__":
    unittest.main()
