# SPDX-License-Identifier: AGPL-3.0-or-later
"""Served files of any size against a real Orthanc: a sparse 3 GiB file (made with
truncate, marker bytes written across the 2 GiB line) in a folder served on both
ports.

- Gateway: downloaded whole twice in parallel, the first byte at once and
  Orthanc's memory (VmRSS sampled during the transfers) growing by less than
  64 MiB; byte ranges (206, 416, If-Range) byte-identical to the file's slices and
  exposed cross-origin; a file written in place during a transfer cuts that
  connection short (never a complete-looking mix of two versions), and the
  gateway keeps answering.
- Orthanc's own port, whose SDK answers from one buffer in memory: a body above
  the folder's MaximumFileSizeOnOrthancPort gets 501 and a log line pointing at
  the gateway, without the file being read; a range within the limit is served
  where the running Orthanc can send a typed 206 of uncompressed bytes (before
  1.12.2, HttpCompressionEnabled false), ignored otherwise.
- A FIFO or a directory where a file was expected: 404 on both ports, at once.

The figures are printed; the bounds are correctness bounds (nothing holds the
file in memory), not speed targets."""

import http.client
import os
import shutil
import socket
import tempfile
import threading
import time

from orthanc_cors_tools.certificates import make_self_signed_certificate
from orthanc_cors_tools.memory import MIB, RssSampler, memory_kib, settled_memory_kib
from orthanc_cors_tools.orthanc import orthanc_at_least, wait_until_http_ready
from orthanc_cors_tools.raw_http import (LOOPBACK, free_port, insecure_tls_context, receive_head,
                                         receive_until_closed, status_of)
from orthanc_cors_tools.testing import OrthancTestCase

ALLOWED_ORIGIN = "http://localhost:3000"
GIB = 1024 * MIB
LARGE_SIZE = 3 * GIB
# Marker bytes where 32-bit offsets would go wrong, and at both ends.
MARKERS = {0: b"FIRST", 2 * GIB - 3: b"ACROSS-2GIB", LARGE_SIZE - 4: b"LAST"}
SMALL = b"a small text file\n" * 10
RSS_GROWTH_BOUND = 64 * MIB
FIRST_BYTE_BOUND_SECONDS = 1.0
READ_SIZE = MIB


def make_sparse_file(path, size, markers):
    with open(path, "wb") as output:
        output.truncate(size)
        for offset, data in markers.items():
            os.pwrite(output.fileno(), data, offset)


def expected_slice(first, length, markers=MARKERS):
    """The file's bytes [first, first + length): zeros, with the markers that fall in."""
    data = bytearray(length)
    for offset, marker in markers.items():
        for index, byte in enumerate(marker):
            position = offset + index - first
            if 0 <= position < length:
                data[position] = byte
    return bytes(data)


def make_served_folder(root):
    viewer = os.path.join(root, "viewer")
    os.makedirs(os.path.join(viewer, "folder.js"))
    make_sparse_file(os.path.join(viewer, "large.bin"), LARGE_SIZE, MARKERS)
    with open(os.path.join(viewer, "small.txt"), "wb") as output:
        output.write(SMALL)
    os.mkfifo(os.path.join(viewer, "pipe.bin"))
    return viewer


def download(port, path, headers=None, results=None, tls_context=None, markers=MARKERS):
    """GET read in pieces and checked against the markers, never kept: a dict with the
    status, headers, byte count, seconds to the first body byte, and whether every
    marker arrived intact."""
    if tls_context:
        connection = http.client.HTTPSConnection(LOOPBACK, port, timeout=120, context=tls_context)
    else:
        connection = http.client.HTTPConnection(LOOPBACK, port, timeout=120)
    try:
        started = time.monotonic()
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        first_byte_seconds = None
        total = 0
        markers_intact = True
        while True:
            piece = response.read(READ_SIZE)
            if not piece:
                break
            if first_byte_seconds is None:
                first_byte_seconds = time.monotonic() - started
            for offset, marker in markers.items():
                if total <= offset < total + len(piece) or total < offset + len(marker) <= total + len(piece):
                    start = max(offset, total)
                    end = min(offset + len(marker), total + len(piece))
                    if piece[start - total:end - total] != marker[start - offset:end - offset]:
                        markers_intact = False
            total += len(piece)
        outcome = {"status": response.status, "headers": {k.lower(): v for (k, v) in response.getheaders()},
                   "bytes": total, "first_byte_seconds": first_byte_seconds, "markers_intact": markers_intact}
    finally:
        connection.close()
    if results is not None:
        results.append(outcome)
    return outcome


class LargeFileTestCase(OrthancTestCase):
    """One Orthanc for the class, serving the folder at /viewer/ on both ports."""

    folder_settings = {}
    orthanc_settings = {}

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="orthanc-cors-large-files-")
        cls.addClassCleanup(shutil.rmtree, cls.root, True)
        cls.viewer = make_served_folder(cls.root)
        cls.large_path = os.path.join(cls.viewer, "large.bin")
        cls.gateway_port = free_port()
        folder = {"Path": cls.viewer}
        folder.update(cls.folder_settings)
        gateway = {"Port": cls.gateway_port}
        gateway.update(cls.gateway_settings())
        cls.orthanc = cls.start_class_orthanc(cors={
            "AllowedOrigins": [ALLOWED_ORIGIN],
            "Gateway": gateway,
            "Folders": {"/viewer": folder},
        }, extra_configuration=cls.orthanc_settings)
        wait_until_http_ready(cls.gateway_port, tls_context=cls.tls_context())

    @classmethod
    def gateway_settings(cls):
        return {}

    @classmethod
    def tls_context(cls):
        return None

    def get(self, path, headers=None, port=None):
        return self.orthanc.request("GET", path, headers=headers, port=port)


class GatewayStreamsLargeFiles(LargeFileTestCase):

    def test_whole_file_twice_in_parallel_with_bounded_memory(self):
        pid = self.orthanc.process.pid
        baseline = settled_memory_kib(pid)
        sampler = RssSampler(pid)
        sampler.start()
        results = []
        started = time.monotonic()
        downloads = [threading.Thread(target=download, args=(self.gateway_port, "/viewer/large.bin"),
                                      kwargs={"headers": {"Origin": ALLOWED_ORIGIN}, "results": results})
                     for _ in range(2)]
        for thread in downloads:
            thread.start()
        for thread in downloads:
            thread.join(timeout=600)
        seconds = time.monotonic() - started
        growth = (sampler.finish() - baseline) * 1024

        self.assertEqual(len(results), 2, "a download did not finish")
        print("\n[large files] 2 x %.1f GiB in parallel through the gateway: %.1f s (%.0f MiB/s in all), "
              "first bytes after %s s, Orthanc RSS growth %.1f MiB (VmHWM %.1f MiB)"
              % (LARGE_SIZE / GIB, seconds, 2 * LARGE_SIZE / MIB / seconds,
                 " and ".join("%.3f" % result["first_byte_seconds"] for result in results),
                 growth / MIB, memory_kib(pid, "VmHWM") / 1024))
        for result in results:
            self.assertEqual(result["status"], 200)
            self.assertEqual(result["headers"]["content-length"], str(LARGE_SIZE))
            self.assertEqual(result["bytes"], LARGE_SIZE)
            self.assertTrue(result["markers_intact"])
            self.assertEqual(result["headers"]["accept-ranges"], "bytes")
            self.assertEqual(result["headers"]["access-control-allow-origin"], ALLOWED_ORIGIN)
            self.assertLess(result["first_byte_seconds"], FIRST_BYTE_BOUND_SECONDS)
        self.assertLess(growth, RSS_GROWTH_BOUND)

    def test_single_ranges_are_byte_identical_to_the_file(self):
        size = LARGE_SIZE
        ranges = [
            ("bytes=0-99", 0, 100),
            ("bytes=%d-%d" % (2 * GIB - 10, 2 * GIB + 20), 2 * GIB - 10, 31),
            ("bytes=-4", size - 4, 4),
            ("bytes=%d-" % (size - 1000), size - 1000, 1000),
            ("bytes=%d-%d" % (size - 2, size + 100), size - 2, 2),   # last-pos beyond the end
        ]
        for field, first, length in ranges:
            with self.subTest(range=field):
                response = self.get("/viewer/large.bin", {"Range": field, "Origin": ALLOWED_ORIGIN},
                                    port=self.gateway_port)
                self.assertEqual(response.status, 206)
                self.assertEqual(response.header("Content-Range"), "bytes %d-%d/%d" % (first, first + length - 1, size))
                self.assertEqual(response.header("Content-Length"), str(length))
                self.assertEqual(response.body, expected_slice(first, length))
                exposed = [name.strip().lower() for name in response.header("Access-Control-Expose-Headers").split(",")]
                self.assertIn("content-range", exposed)

    def test_range_of_a_cached_small_file(self):
        response = self.get("/viewer/small.txt", {"Range": "bytes=2-6"}, port=self.gateway_port)
        self.assertEqual(response.status, 206)
        self.assertEqual(response.body, SMALL[2:7])
        self.assertEqual(response.header("Content-Range"), "bytes 2-6/%d" % len(SMALL))

    def test_unsatisfiable_range_gets_416_with_the_complete_length(self):
        response = self.get("/viewer/large.bin", {"Range": "bytes=%d-" % LARGE_SIZE, "Origin": ALLOWED_ORIGIN},
                            port=self.gateway_port)
        self.assertEqual(response.status, 416)
        self.assertEqual(response.header("Content-Range"), "bytes */%d" % LARGE_SIZE)
        self.assertEqual(response.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)

    def test_if_range_with_the_current_etag_keeps_the_range_and_a_stale_one_gets_the_whole_file(self):
        head = self.orthanc.request("HEAD", "/viewer/large.bin", port=self.gateway_port)
        self.assertEqual(head.status, 200)
        entity_tag = head.header("ETag")
        fresh = self.get("/viewer/large.bin", {"Range": "bytes=0-4", "If-Range": entity_tag}, port=self.gateway_port)
        self.assertEqual((fresh.status, fresh.body), (206, b"FIRST"))

        # The stale validator gets the whole 3 GiB: only its head is read.
        with socket.create_connection((LOOPBACK, self.gateway_port), timeout=30) as connection:
            connection.sendall(b"GET /viewer/large.bin HTTP/1.1\r\nHost: localhost\r\nRange: bytes=0-4\r\n"
                               b"If-Range: \"stale\"\r\nConnection: close\r\n\r\n")
            received = receive_head(connection)
        self.assertEqual(status_of(received), 200)
        self.assertIn(b"Content-Length: %d\r\n" % LARGE_SIZE, received)

    def test_several_ranges_get_the_whole_file(self):
        with socket.create_connection((LOOPBACK, self.gateway_port), timeout=30) as connection:
            connection.sendall(b"GET /viewer/small.txt HTTP/1.1\r\nHost: localhost\r\nRange: bytes=0-1,5-6\r\n"
                               b"Connection: close\r\n\r\n")
            received = receive_until_closed(connection)
        self.assertEqual(status_of(received), 200)
        self.assertTrue(received.endswith(b"\r\n\r\n" + SMALL))

    def test_fifo_and_directory_are_not_found_at_once(self):
        for path in ("/viewer/pipe.bin", "/viewer/folder.js"):
            for port in (self.gateway_port, self.orthanc.http_port):
                with self.subTest(path=path, port=port):
                    started = time.monotonic()
                    response = self.orthanc.request("GET", path, port=port, timeout=10)
                    self.assertEqual(response.status, 404)
                    self.assertLess(time.monotonic() - started, 5)


class FileChangedDuringATransfer(LargeFileTestCase):

    def test_file_written_in_place_cuts_the_transfer_short(self):
        changing = os.path.join(self.viewer, "changing.bin")
        make_sparse_file(changing, GIB, {})
        os.utime(changing, (time.time() - 100, time.time() - 100))   # any write now moves the time
        with socket.create_connection((LOOPBACK, self.gateway_port), timeout=60) as connection:
            connection.sendall(b"GET /viewer/changing.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
            received = receive_head(connection)
            self.assertEqual(status_of(received), 200)
            self.assertIn(b"Content-Length: %d\r\n" % GIB, received)
            total = len(received.partition(b"\r\n\r\n")[2])
            while total < 8 * MIB:
                total += len(connection.recv(READ_SIZE))
            # Written in place (same inode, same size) ahead of what was sent: only the
            # change check can tell, the bytes still all arrive in full.
            with open(changing, "r+b") as output:
                os.pwrite(output.fileno(), b"version 2", GIB // 2)
            while True:
                piece = connection.recv(READ_SIZE)
                if not piece:
                    break
                total += len(piece)
        print("\n[large files] file rewritten during its transfer: %.1f MiB of %.1f MiB received, then the "
              "connection closed" % (total / MIB, GIB / MIB))
        self.assertLess(total, GIB // 2)   # cut before the bytes that changed
        self.orthanc.wait_for_log(r"closing a connection in the middle of a served file .*: the file changed")

        # The gateway, and Orthanc, keep answering.
        self.assertEqual(self.get("/viewer/small.txt", port=self.gateway_port).body, SMALL)
        self.assertEqual(self.orthanc.request("GET", "/system").status, 200)


class GatewayOverTlsStreamsLargeFiles(LargeFileTestCase):
    """Over TLS the gateway reads the file into a 256 KiB buffer to encrypt it
    (on plain TCP, sendfile(2) copies it in the kernel)."""

    TLS_FILE_SIZE = 100 * MIB
    TLS_MARKERS = {0: b"TLS-FIRST", 70 * MIB - 2: b"ACROSS-A-CHUNK", 100 * MIB - 4: b"LAST"}

    @classmethod
    def gateway_settings(cls):
        certificate, key = make_self_signed_certificate(cls.root)
        return {"SslEnabled": True, "SslCertificate": certificate, "SslPrivateKey": key}

    @classmethod
    def tls_context(cls):
        return insecure_tls_context()

    def test_file_above_the_cache_limit_and_a_range_over_tls(self):
        make_sparse_file(os.path.join(self.viewer, "tls.bin"), self.TLS_FILE_SIZE, self.TLS_MARKERS)
        result = download(self.gateway_port, "/viewer/tls.bin", tls_context=self.tls_context(),
                          markers=self.TLS_MARKERS)
        self.assertEqual((result["status"], result["bytes"]), (200, self.TLS_FILE_SIZE))
        self.assertTrue(result["markers_intact"])
        response = self.orthanc.request("GET", "/viewer/tls.bin", {"Range": "bytes=%d-%d" % (70 * MIB - 5, 70 * MIB + 20)},
                                        port=self.gateway_port, tls_context=self.tls_context())
        self.assertEqual(response.status, 206)
        self.assertEqual(response.body, expected_slice(70 * MIB - 5, 26, self.TLS_MARKERS))


class OrthancPortLimitsBodiesInMemory(LargeFileTestCase):

    orthanc_settings = {"HttpCompressionEnabled": False}

    def test_file_above_the_limit_is_refused_without_being_read(self):
        pid = self.orthanc.process.pid
        baseline = settled_memory_kib(pid)
        response = self.get("/viewer/large.bin")
        self.assertEqual(response.status, 501)
        self.assertIn(b"through the Cors gateway", response.body)
        self.assertEqual(response.header("Cache-Control"), "no-store")
        self.orthanc.wait_for_log(r"refused GET /viewer/large.bin on Orthanc's port with 501: its %d bytes exceed "
                                  r"MaximumFileSizeOnOrthancPort \(64 MiB\) of the folder /viewer/" % LARGE_SIZE)
        self.assertLess((memory_kib(pid, "VmHWM") - baseline) * 1024, RSS_GROWTH_BOUND)

    def test_range_on_orthancs_port_as_the_running_orthanc_can_send_it(self):
        response = self.get("/viewer/small.txt", {"Range": "bytes=2-6"})
        if orthanc_at_least(1, 12, 2):
            # Orthanc would type a 206's body text/plain: Range is ignored there.
            self.assertEqual(response.status, 200)
            self.assertEqual(response.body, SMALL)
            self.assertIsNone(response.header("Accept-Ranges"))
        else:
            self.assertEqual(response.status, 206)
            self.assertEqual(response.body, SMALL[2:7])
            self.assertEqual(response.header("Content-Range"), "bytes 2-6/%d" % len(SMALL))
            self.assertEqual(response.header_values("Content-Type"), ["text/plain; charset=utf-8"])
            within = self.get("/viewer/large.bin", {"Range": "bytes=%d-%d" % (2 * GIB - 10, 2 * GIB + 20)})
            self.assertEqual(within.status, 206)
            self.assertEqual(within.body, expected_slice(2 * GIB - 10, 31))
            unsatisfiable = self.get("/viewer/large.bin", {"Range": "bytes=%d-" % LARGE_SIZE})
            self.assertEqual(unsatisfiable.status, 416)
            self.assertEqual(unsatisfiable.header("Content-Range"), "bytes */%d" % LARGE_SIZE)


class OrthancPortWithCompression(LargeFileTestCase):
    """Orthanc compressing 200s on the fly would give plain and gzip bytes one ETag:
    a resumed download could splice them, so Range is ignored on its port."""

    orthanc_settings = {"HttpCompressionEnabled": True}

    def test_range_is_ignored_on_orthancs_port(self):
        response = self.get("/viewer/small.txt", {"Range": "bytes=2-6", "Accept-Encoding": "identity"})
        self.assertEqual(response.status, 200)
        self.assertEqual(response.body, SMALL)
        self.assertIsNone(response.header("Accept-Ranges"))
        on_gateway = self.get("/viewer/small.txt", {"Range": "bytes=2-6", "Accept-Encoding": "gzip"},
                              port=self.gateway_port)
        self.assertEqual((on_gateway.status, on_gateway.body), (206, SMALL[2:7]))


class ConfiguredLimitOnOrthancPort(LargeFileTestCase):

    folder_settings = {"MaximumFileSizeOnOrthancPort": 1}

    def test_limit_is_the_configured_one(self):
        for name, size, status in (("below.bin", MIB - 1, 200), ("above.bin", MIB + 1, 501)):
            with self.subTest(name=name):
                make_sparse_file(os.path.join(self.viewer, name), size, {})
                response = self.get("/viewer/" + name)
                self.assertEqual(response.status, status)
                if status == 200:
                    self.assertEqual(len(response.body), size)
                # The gateway serves either.
                self.assertEqual(self.get("/viewer/" + name, port=self.gateway_port).status, 200)
