# SPDX-License-Identifier: AGPL-3.0-or-later
"""Slow readers through the gateway, against a real Orthanc (issue 30, finding 1).

Orthanc's HTTP server sends an answer on the thread that computed it: a relay
that reads Orthanc only as fast as its client reads holds that thread. Before
the gateway buffered answers, twenty connections of one client reading a 24 MiB
instance at about 4 KiB/s made `GET /system` time out (3 s) on Orthanc's own
port and through the gateway, with HttpThreadsCount 8, until Orthanc's send
timeout. Here, with the same reproduction:

- `/system` answers within 1 s on both ports throughout;
- the answers go to memory (ResponseBufferSize) and to unnamed temporary files in
  ResponseTemporaryFolder, within ResponseTemporaryFilesLimit: nothing appears in
  the folder, and once the clients are gone (mid-answer) no temporary file is
  left open and the metric of their bytes is back to 0;
- a client that pauses until its whole answer is in a temporary file gets every
  byte of it, as Orthanc's own port gives it;
- past ResponseTemporaryFilesLimit, an answer goes at its client's pace, complete
  and counted in orthanc_cors_responses_unbuffered_total;
- and, as a negative control, without temporary files the same reproduction
  leaves Orthanc's own port unanswered."""

import base64
import hashlib
import os
import re
import shutil
import socket
import tempfile
import threading
import time
import unittest

from orthanc_cors_tools.dicom_data import flat_png16, new_uid
from orthanc_cors_tools.memory import memory_kib
from orthanc_cors_tools.orthanc import wait_until_http_ready
from orthanc_cors_tools.raw_http import LOOPBACK, free_port, http_request, raw_exchange, status_of
from orthanc_cors_tools.testing import OrthancTestCase, wait_for

MIB = 1024 * 1024
SIDE = 3548                  # 3548 x 3548 x 16 bits: 24 MiB of pixel data
SLOW_READERS = 20
HTTP_THREADS = 8
READ_RATE = 4096             # bytes a second, each slow reader
# A slow client's receive buffer: small, but above the loopback MSS (a window
# below one segment makes Linux wait for retransmission timeouts instead).
RECEIVE_BUFFER = 64 * 1024
PROBE_SECONDS = 10
PROBE_BOUND = 1.0            # seconds: /system on either port, throughout
OTHER_CLIENT = "127.0.0.2"
RESPONSE_BUFFER_SIZE = 256 * 1024
FILES_LIMIT = 1024 * MIB
CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"


def create_large_instance(orthanc):
    answer = orthanc.api("POST", "/tools/create-dicom", {
        "Force": True,
        "Tags": {
            "PatientID": "CORS-SLOW", "StudyInstanceUID": new_uid(), "SeriesInstanceUID": new_uid(),
            "SOPInstanceUID": new_uid(), "SOPClassUID": CT_IMAGE_STORAGE, "Modality": "CT",
        },
        "Content": "data:image/png;base64," + base64.b64encode(flat_png16(SIDE, 1234)).decode("ascii"),
    })
    return answer["ID"]


def open_files_in(pid, folder):
    """The process's open files that are (or were) in `folder`."""
    found = []
    fd_folder = "/proc/%d/fd" % pid
    for entry in os.listdir(fd_folder):
        try:
            target = os.readlink(os.path.join(fd_folder, entry))
        except OSError:
            continue
        if target.startswith(folder + "/"):
            found.append(target)
    return found


def get_request(path):
    return ("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (path, LOOPBACK)).encode()


def read_head(connection):
    """The response head (bytes up to the empty line) and the body bytes read with it."""
    received = b""
    while b"\r\n\r\n" not in received:
        piece = connection.recv(65536)
        if not piece:
            raise AssertionError("closed before the end of the head: %r" % received[:200])
        received += piece
    head, _, rest = received.partition(b"\r\n\r\n")
    return head, rest


def content_length(head):
    return int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))


def read_body_digest(connection, head, body):
    """(bytes of the body received in all, their SHA-256), reading the rest of the
    body whose head and first bytes were read already."""
    length = content_length(head)
    digest = hashlib.sha256(body)
    received = len(body)
    while received < length:
        piece = connection.recv(min(MIB, length - received))
        if not piece:
            break
        digest.update(piece)
        received += len(piece)
    return received, digest.hexdigest()


class SlowReader(threading.Thread):
    """A client reading an answer at READ_RATE from a tiny receive buffer, until told to stop."""

    def __init__(self, port, path):
        super().__init__(daemon=True)
        self.connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        self.connection.settimeout(30)
        self.connection.connect((LOOPBACK, port))
        self.connection.sendall(get_request(path))
        self.stopping = threading.Event()
        self.received = 0
        self.status_line = b""

    def run(self):
        try:
            while not self.stopping.is_set():
                piece = self.connection.recv(READ_RATE // 4)
                if not piece:
                    return
                if not self.status_line:
                    self.status_line = piece.split(b"\r\n", 1)[0]
                self.received += len(piece)
                self.stopping.wait(0.25)
        except OSError:
            pass

    def stop(self):
        self.stopping.set()
        self.join(10)
        self.connection.close()


def probe(port, source=None):
    """Seconds /system takes on `port` (from the local address `source`), or None
    when it does not answer 200 within 3 s."""
    began = time.monotonic()
    answer = raw_exchange(port, ("GET /system HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                                 % LOOPBACK).encode(), timeout=3, source=source)
    elapsed = time.monotonic() - began
    return elapsed if status_of(answer) == 200 and elapsed < 3 else None


class SlowReadersDoNotHoldOrthancsThreads(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        cls.temporary_folder = tempfile.mkdtemp(prefix="orthanc-cors-spool-")
        cls.addClassCleanup(shutil.rmtree, cls.temporary_folder, True)
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(cors={
            "AllowedOrigins": ["http://localhost:3000"],
            "Gateway": {"Port": cls.gateway_port, "ResponseBufferSize": RESPONSE_BUFFER_SIZE,
                        "ResponseTemporaryFolder": cls.temporary_folder,
                        "ResponseTemporaryFilesLimit": FILES_LIMIT},
        }, extra_configuration={"HttpThreadsCount": HTTP_THREADS})
        wait_until_http_ready(cls.gateway_port)
        cls.instance = create_large_instance(cls.orthanc)
        cls.path = "/instances/%s/file" % cls.instance
        cls.size = len(http_request(cls.orthanc.http_port, "GET", cls.path).body)

    def test_twenty_slow_readers_of_one_client_leave_orthanc_answering_on_both_ports(self):
        pid = self.orthanc.process.pid
        rss_before = memory_kib(pid, "VmRSS")
        readers = [SlowReader(self.gateway_port, self.path) for _ in range(SLOW_READERS)]
        try:
            for reader in readers:
                reader.start()
            # Twenty 24 MiB answers at once keep Orthanc busy a moment on 2 cores:
            # the probes start once the gateway holds them (a bounded wait).
            self.assertTrue(wait_for(lambda: self.orthanc.metric("orthanc_cors_response_temporary_file_bytes")
                                     > SLOW_READERS * (self.size - 8 * MIB), 60))
            worst = {"orthanc": 0.0, "gateway": 0.0}
            failures = []
            rss_peak = rss_before
            names_seen = set()
            bytes_peak = 0.0
            deadline = time.monotonic() + PROBE_SECONDS
            while time.monotonic() < deadline:
                for (name, port, source) in (("orthanc", self.orthanc.http_port, None),
                                             ("gateway", self.gateway_port, OTHER_CLIENT)):
                    elapsed = probe(port, source)
                    if elapsed is None:
                        failures.append(name)
                    else:
                        worst[name] = max(worst[name], elapsed)
                rss_peak = max(rss_peak, memory_kib(pid, "VmRSS"))
                names_seen.update(os.listdir(self.temporary_folder))
                bytes_peak = max(bytes_peak, self.orthanc.metric("orthanc_cors_response_temporary_file_bytes") or 0)
                time.sleep(0.25)

            open_spools = len(open_files_in(pid, self.temporary_folder))
            print("\n%d slow readers of a %.1f MiB instance, HttpThreadsCount %d: /system worst %.3f s on "
                  "Orthanc's port, %.3f s through the gateway (%d over 3 s); temporary files at most %.1f MiB "
                  "(%d open); Orthanc's RSS +%.1f MiB"
                  % (SLOW_READERS, self.size / MIB, HTTP_THREADS, worst["orthanc"], worst["gateway"],
                     len(failures), bytes_peak / MIB, open_spools, (rss_peak - rss_before) / 1024.0))
            self.assertEqual(failures, [])
            self.assertLess(worst["orthanc"], PROBE_BOUND)
            self.assertLess(worst["gateway"], PROBE_BOUND)
            self.assertLessEqual(bytes_peak, FILES_LIMIT)
            self.assertEqual(names_seen, set(), "temporary files must have no name")
            # Far below the 480 MiB that twenty whole answers in memory would take:
            # Orthanc's own read of each file (its 8 threads), and per answer the
            # gateway's ResponseBufferSize and two staging blocks. (Not under
            # AddressSanitizer, whose quarantine keeps freed memory.)
            if "ASAN_OPTIONS" not in os.environ:
                self.assertLess((rss_peak - rss_before) * 1024, HTTP_THREADS * self.size +
                                SLOW_READERS * (RESPONSE_BUFFER_SIZE + 3 * 65536) + 64 * MIB)
            for reader in readers:
                self.assertIn(b" 200 ", reader.status_line + b" ")
                self.assertLess(reader.received, self.size)   # mid-answer, still
        finally:
            for reader in readers:
                reader.stop()

        # Clients gone mid-answer: every temporary file closed (hence freed), the metric back to 0.
        self.assertTrue(wait_for(lambda: not open_files_in(pid, self.temporary_folder), 10),
                        open_files_in(pid, self.temporary_folder))
        self.assertTrue(wait_for(lambda: self.orthanc.metric("orthanc_cors_response_temporary_file_bytes") == 0,
                                 10))
        self.assertEqual(os.listdir(self.temporary_folder), [])
        self.assertGreaterEqual(self.orthanc.metric("orthanc_cors_responses_spilled_total"), SLOW_READERS)
        self.assertTrue(self.orthanc.is_running())

    def test_a_client_pausing_until_its_answer_is_in_a_temporary_file_gets_every_byte(self):
        expected = hashlib.sha256(http_request(self.orthanc.http_port, "GET", self.path).body).hexdigest()
        spilled_before = self.orthanc.metric("orthanc_cors_responses_spilled_total")
        with socket.create_connection((LOOPBACK, self.gateway_port), timeout=30) as connection:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
            connection.sendall(get_request(self.path))
            head, body = read_head(connection)
            self.assertIn(b" 200 ", head.split(b"\r\n", 1)[0])
            length = content_length(head)
            # Until Orthanc's whole answer is on the gateway's side.
            self.assertTrue(wait_for(lambda: self.orthanc.metric("orthanc_cors_response_temporary_file_bytes")
                                     >= length - RESPONSE_BUFFER_SIZE - 8 * MIB, 30))
            received, digest = read_body_digest(connection, head, body)
        self.assertEqual(received, length)
        self.assertEqual(digest, expected)
        self.assertGreater(self.orthanc.metric("orthanc_cors_responses_spilled_total"), spilled_before)


class WithoutBufferingSlowReadersHoldOrthancsThreads(OrthancTestCase):
    """The negative control: with no temporary file and one block of memory, the
    gateway reads Orthanc at its clients' pace, as it did before, and the same
    reproduction leaves Orthanc's own port unanswered. It proves the test above
    can fail."""

    def test_the_reproduction_reproduces_when_answers_are_not_buffered(self):
        gateway_port = free_port()
        orthanc = self.start_orthanc(cors={
            "AllowedOrigins": ["http://localhost:3000"],
            "Gateway": {"Port": gateway_port, "ResponseBufferSize": 65536, "ResponseTemporaryFileLimit": 0},
        }, extra_configuration={"HttpThreadsCount": HTTP_THREADS})
        wait_until_http_ready(gateway_port)
        path = "/instances/%s/file" % create_large_instance(orthanc)
        readers = [SlowReader(gateway_port, path) for _ in range(SLOW_READERS)]
        try:
            for reader in readers:
                reader.start()
            unanswered = wait_for(lambda: probe(orthanc.http_port) is None, PROBE_SECONDS)
            print("\nwithout buffering, %d slow readers: /system on Orthanc's port %s"
                  % (SLOW_READERS, "timed out (3 s)" if unanswered else "kept answering"))
            self.assertTrue(unanswered)
        finally:
            for reader in readers:
                reader.stop()
        # Once the readers are gone, Orthanc's threads are free again.
        self.assertTrue(wait_for(lambda: probe(orthanc.http_port) is not None, 30))
        self.assertGreaterEqual(orthanc.metric("orthanc_cors_responses_unbuffered_total"), HTTP_THREADS)


class AnswersPastTheTemporaryFilesLimit(OrthancTestCase):

    FILES_LIMIT = 30 * MIB

    def setUp(self):
        super().setUp()
        self.gateway_port = free_port()
        self.orthanc = self.start_orthanc(cors={
            "AllowedOrigins": ["http://localhost:3000"],
            "Gateway": {"Port": self.gateway_port, "ResponseTemporaryFilesLimit": self.FILES_LIMIT},
        })
        wait_until_http_ready(self.gateway_port)
        self.path = "/instances/%s/file" % create_large_instance(self.orthanc)

    def test_an_answer_past_the_limit_goes_at_its_clients_pace_complete_and_counted(self):
        expected = hashlib.sha256(http_request(self.orthanc.http_port, "GET", self.path).body).hexdigest()
        connections = []
        try:
            # Two paused clients: the first answer takes most of the 30 MiB, the second finds it full.
            for _ in range(2):
                connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
                connection.settimeout(60)
                connection.connect((LOOPBACK, self.gateway_port))
                connection.sendall(get_request(self.path))
                connections.append(connection)
                self.assertTrue(wait_for(
                    lambda: self.orthanc.metric("orthanc_cors_response_temporary_file_bytes") > 16 * MIB
                    or self.orthanc.metric("orthanc_cors_responses_unbuffered_total") > 0, 30))
            self.assertTrue(wait_for(lambda: self.orthanc.metric("orthanc_cors_responses_unbuffered_total") >= 1, 30))
            self.assertLessEqual(self.orthanc.metric("orthanc_cors_response_temporary_file_bytes"), self.FILES_LIMIT)
            for connection in connections:
                head, body = read_head(connection)
                self.assertEqual(read_body_digest(connection, head, body), (content_length(head), expected))
        finally:
            for connection in connections:
                connection.close()
        self.assertTrue(wait_for(lambda: self.orthanc.metric("orthanc_cors_response_temporary_file_bytes") == 0, 10))


if __name__ == "__main__":
    unittest.main()
