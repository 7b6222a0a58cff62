# SPDX-License-Identifier: AGPL-3.0-or-later
"""The benchmark's WAN relay (orthanc_cors_tools.latency_relay), run as the benchmark runs
it (a child process) in front of an echo server on loopback: every byte arrives, in
order, both ways; a request's answer comes back no sooner than one round trip later
(two on a new connection: the handshake's), and not much later; a half-close is passed
on. Timing bounds are loose above (a loaded machine), strict below."""

import os
import socket
import threading
import time
import unittest

from orthanc_cors_tools import latency_relay
from orthanc_cors_tools.raw_http import LOOPBACK, free_port

RTT_MS = 100
RTT = RTT_MS / 1000.0
SLACK = 2.0   # seconds a loaded machine (the test command runs two suites at once) may add


class EchoServer:
    """Sends back whatever each connection sends, until that connection closes its side."""

    def __init__(self):
        self.listener = socket.create_server((LOOPBACK, 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.echo, args=(connection,), daemon=True).start()

    @staticmethod
    def echo(connection):
        with connection:
            while True:
                data = connection.recv(65536)
                if not data:
                    break
                connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)

    def close(self):
        self.listener.close()


def receive_exactly(connection, size):
    received = bytearray()
    while len(received) < size:
        piece = connection.recv(min(65536, size - len(received)))
        if not piece:
            raise AssertionError("closed after %d of %d bytes" % (len(received), size))
        received += piece
    return bytes(received)


class LatencyRelayTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = EchoServer()
        cls.port = free_port()
        cls.log = os.path.join(os.environ.get("TMPDIR", "/tmp"), "latency-relay-test-%d.log" % os.getpid())
        cls.relay = latency_relay.start([(cls.port, cls.echo.port)], RTT_MS, cls.log)

    @classmethod
    def tearDownClass(cls):
        latency_relay.stop(cls.relay)
        cls.echo.close()
        if os.path.exists(cls.log):
            os.remove(cls.log)

    def connect(self):
        return socket.create_connection((LOOPBACK, self.port), timeout=30)

    def test_NewConnectionCostsTwoRoundTrips(self):
        began = time.monotonic()
        with self.connect() as connection:
            connection.sendall(b"hello")
            self.assertEqual(receive_exactly(connection, 5), b"hello")
        elapsed = time.monotonic() - began
        self.assertGreaterEqual(elapsed, 2 * RTT)
        self.assertLess(elapsed, 2 * RTT + SLACK)

    def test_EachExchangeCostsOneRoundTrip(self):
        with self.connect() as connection:
            connection.sendall(b"warm")
            receive_exactly(connection, 4)
            for _ in range(3):
                began = time.monotonic()
                connection.sendall(b"ping")
                self.assertEqual(receive_exactly(connection, 4), b"ping")
                elapsed = time.monotonic() - began
                self.assertGreaterEqual(elapsed, RTT)
                self.assertLess(elapsed, RTT + SLACK)

    def test_ALateSenderPaysNoHandshake(self):
        """A connection opened ahead of need has had its handshake by the time it is used."""
        with self.connect() as connection:
            time.sleep(2 * RTT)
            began = time.monotonic()
            connection.sendall(b"late")
            receive_exactly(connection, 4)
            elapsed = time.monotonic() - began
        self.assertGreaterEqual(elapsed, RTT)
        self.assertLess(elapsed, RTT + SLACK)

    def test_EveryByteInOrderBothWays(self):
        data = os.urandom(8 * 1024 * 1024)
        received = []
        with self.connect() as connection:
            reader = threading.Thread(target=lambda: received.append(receive_exactly(connection, len(data))))
            reader.start()
            # Many writes of odd sizes, so that chunks are split and merged on the way.
            offset, size = 0, 1
            while offset < len(data):
                connection.sendall(data[offset:offset + size])
                offset += size
                size = size * 7 % 100003 + 1
            reader.join(timeout=60)
            self.assertEqual(len(received), 1, "the echo did not come back within 60 s")
            self.assertTrue(received[0] == data, "bytes changed or reordered on the way")

    def test_HalfCloseIsPassedOn(self):
        with self.connect() as connection:
            connection.sendall(b"last words")
            connection.shutdown(socket.SHUT_WR)
            received = b""
            while True:
                piece = connection.recv(65536)
                if not piece:
                    break
                received += piece
        self.assertEqual(received, b"last words")

    def test_ManyConnectionsAtOnce(self):
        """As a browser opens six at once: they do not wait for each other."""
        results = []

        def exchange(index):
            with self.connect() as connection:
                message = b"connection %d" % index
                connection.sendall(message)
                results.append(receive_exactly(connection, len(message)) == message)

        began = time.monotonic()
        threads = [threading.Thread(target=exchange, args=(index,)) for index in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        elapsed = time.monotonic() - began
        self.assertEqual(results, [True] * 12)
        self.assertLess(elapsed, 2 * RTT + SLACK)


if __name__ == "__main__":
    unittest.main()
