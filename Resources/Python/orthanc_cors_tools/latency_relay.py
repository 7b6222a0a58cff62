# SPDX-License-Identifier: AGPL-3.0-or-later
"""A user-space TCP relay that adds a round-trip time, for the benchmark's WAN mode.

The kernels the benchmark runs on may have no netem (tc qdisc ... netem delay), and it
would need root anyway: this relay plays the part of a wide-area network between a
browser and a server on loopback. Each relay listens on a loopback port and connects
every accepted connection to its target port on loopback; the bytes are passed on as
they are (TLS included: the relay never looks into them), in order, each chunk
RTT/2 after the relay read it, in each direction:

    browser --(RTT/2)--> relay --> server        server --> relay --(RTT/2)--> browser

Connection set-up. On loopback the browser's connect() completes at once, where over
a network the TCP handshake costs one round trip before the first byte can be sent.
The relay accepts and connects to the target at once, and holds the client's bytes
as if the connection had been established RTT after it was accepted: a client byte
read at time t is delivered at max(t, accepted + RTT) + RTT/2. So the first request
(a TLS ClientHello, an HTTP request) reaches the server 1.5 RTT after connect(), its
answer is back 2 RTT after connect(), as on a network; a connection opened ahead of
need (Chromium's preconnect) pays the handshake while idle, as on a network too.

What it does not model: bandwidth (no fixed cap: it reads as fast as each side sends,
up to MAX_BYTES_IN_FLIGHT held per direction, 64 MiB, i.e. more than 3 GB/s at 40 ms),
loss, jitter, and TCP's congestion window (the sockets on either side are loopback
sockets, which open their windows at once). The figures are the cost of round trips
alone: the number of sequential round trips is what the WAN mode compares.

    python3 -m orthanc_cors_tools.latency_relay --rtt-ms 40 LISTEN_PORT:TARGET_PORT [...]

runs until SIGTERM (or SIGINT); start() runs it as a child process and returns once
every listening port accepts connections. One process serves every pair given, on
one asyncio event loop: no thread of the caller is blocked, and the caller's own
Python (its GIL) is not shared.
"""

import argparse
import asyncio
import collections
import os
import signal
import socket
import subprocess
import sys
import time

from orthanc_cors_tools.raw_http import LOOPBACK

DEFAULT_RTT_MS = 40
READ_SIZE = 256 * 1024
# Bytes read but not yet delivered, per direction of a connection: past this, the relay
# stops reading that side until the other side has taken enough (memory stays bounded
# if a receiver stalls). 64 MiB held for RTT/2 = 20 ms allows 3.2 GB/s: no real cap.
MAX_BYTES_IN_FLIGHT = 64 * 1024 * 1024
START_TIMEOUT = 15   # seconds for the child process to listen on every port
STOP_TIMEOUT = 10    # seconds after SIGTERM before SIGKILL


class Direction:
    """One direction of one relayed connection: a reader task stamps each chunk with its
    delivery time, a writer task delivers the chunks in order once due. Delivery times
    never decrease (each is at least the previous one), so no chunk overtakes another."""

    def __init__(self, reader, writer, delay, hold_until=0.0):
        self.reader = reader
        self.writer = writer
        self.delay = delay            # seconds added to each chunk: RTT/2
        self.hold_until = hold_until  # loop time before which nothing counts as sent (the handshake)
        self.pending = collections.deque()   # (due, bytes); b"" marks the end of this direction
        self.arrived = asyncio.Event()
        self.room = asyncio.Event()
        self.room.set()
        self.in_flight = 0
        self.bytes = 0

    async def read(self, loop):
        last_due = 0.0
        while True:
            await self.room.wait()
            try:
                data = await self.reader.read(READ_SIZE)
            except (ConnectionError, OSError):
                data = b""   # a reset ends this direction like a close
            last_due = max(max(loop.time(), self.hold_until) + self.delay, last_due)
            self.pending.append((last_due, data))
            self.arrived.set()
            if not data:
                return
            self.in_flight += len(data)
            if self.in_flight >= MAX_BYTES_IN_FLIGHT:
                self.room.clear()

    async def write(self, loop):
        while True:
            while not self.pending:
                self.arrived.clear()
                await self.arrived.wait()
            wait = self.pending[0][0] - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            # Every chunk due by now goes in one write.
            chunks, ended = [], False
            while self.pending and self.pending[0][0] <= loop.time():
                data = self.pending.popleft()[1]
                if not data:
                    ended = True
                    break
                chunks.append(data)
            payload = b"".join(chunks)
            if payload:
                self.writer.write(payload)
                self.bytes += len(payload)
                self.in_flight -= len(payload)
                if self.in_flight < MAX_BYTES_IN_FLIGHT:
                    self.room.set()
                await self.writer.drain()
            if ended:
                # The sender closed its side: close ours (a half-close), the other way goes on.
                if self.writer.can_write_eof():
                    self.writer.write_eof()
                return


class Relay:
    """Listens on `listen_port` and relays each connection to `target_port` with `rtt` s."""

    def __init__(self, listen_port, target_port, rtt):
        self.listen_port = listen_port
        self.target_port = target_port
        self.rtt = rtt
        self.connections = 0

    async def start(self):
        return await asyncio.start_server(self.handle, LOOPBACK, self.listen_port, reuse_address=True,
                                          backlog=512)

    async def handle(self, client_reader, client_writer):
        loop = asyncio.get_running_loop()
        accepted = loop.time()
        self.connections += 1
        number = self.connections
        try:
            server_reader, server_writer = await asyncio.open_connection(LOOPBACK, self.target_port)
        except OSError as error:
            log("%d->%d #%d: cannot connect to the target: %s" % (self.listen_port, self.target_port, number, error))
            client_writer.close()
            return
        upstream = Direction(client_reader, server_writer, self.rtt / 2, hold_until=accepted + self.rtt)
        downstream = Direction(server_reader, client_writer, self.rtt / 2)
        tasks = [asyncio.ensure_future(coroutine) for coroutine in
                 (upstream.read(loop), upstream.write(loop), downstream.read(loop), downstream.write(loop))]
        try:
            await asyncio.gather(*tasks)
        except (ConnectionError, OSError):
            pass   # a reset on either side ends both directions
        except asyncio.CancelledError:
            pass   # the relay is stopping (SIGTERM): the connection is closed below
        finally:
            for task in tasks:
                task.cancel()
            for writer in (client_writer, server_writer):
                writer.close()
        log("%d->%d #%d: %d bytes up, %d down, %.3f s" % (self.listen_port, self.target_port, number,
                                                          upstream.bytes, downstream.bytes, loop.time() - accepted))


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


async def serve(pairs, rtt):
    servers = [await Relay(listen, target, rtt).start() for (listen, target) in pairs]
    log("relaying %s with a round trip of %.0f ms" % (", ".join("%d->%d" % pair for pair in pairs), rtt * 1000))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


# ---- as a child process ----------------------------------------------------------------

def command(pairs, rtt_ms):
    """The command line of a relay process for `pairs` of (listen port, target port)."""
    return ([sys.executable, "-m", "orthanc_cors_tools.latency_relay", "--rtt-ms", str(rtt_ms)]
            + ["%d:%d" % pair for pair in pairs])


def _listening(port):
    try:
        with socket.create_connection((LOOPBACK, port), timeout=1):
            return True
    except OSError:
        return False


def start(pairs, rtt_ms, log_path, timeout=START_TIMEOUT):
    """Runs a relay process for `pairs` (its log in `log_path`, one line a connection) and
    returns its Popen once every listening port accepts a connection (polled; a probe is
    relayed like any connection and closed at once). Raises RuntimeError if the process
    exits or does not listen within `timeout` s. The child inherits PYTHONPATH."""
    with open(log_path, "ab") as output:
        process = subprocess.Popen(command(pairs, rtt_ms), stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                                   env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    deadline = time.monotonic() + timeout
    waiting = [listen for (listen, _) in pairs]
    while waiting:
        if process.poll() is not None:
            raise RuntimeError("the latency relay exited with status %d; log: %s" % (process.returncode, log_path))
        if time.monotonic() >= deadline:
            stop(process)
            raise RuntimeError("the latency relay did not listen on %s within %d s" % (waiting, timeout))
        if _listening(waiting[0]):
            waiting.pop(0)
        else:
            time.sleep(0.05)
    return process


def cpu_seconds(process):
    """User and system CPU time the relay process has used so far (from /proc): on a
    small machine the relay competes with the browser and the servers for the cores."""
    with open("/proc/%d/stat" % process.pid) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")   # utime, stime


def stop(process, timeout=STOP_TIMEOUT):
    """SIGTERM, then SIGKILL after `timeout` s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def parse_pair(text):
    listen, separator, target = text.partition(":")
    if not separator or not listen.isdigit() or not target.isdigit():
        raise argparse.ArgumentTypeError("expected LISTEN_PORT:TARGET_PORT, got %r" % text)
    return (int(listen), int(target))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rtt-ms", type=float, default=DEFAULT_RTT_MS, help="round-trip time added (default 40)")
    parser.add_argument("pairs", nargs="+", type=parse_pair, metavar="LISTEN_PORT:TARGET_PORT")
    arguments = parser.parse_args()
    if arguments.rtt_ms < 0:
        parser.error("--rtt-ms must be >= 0")
    asyncio.run(serve(arguments.pairs, arguments.rtt_ms / 1000.0))


if __name__ == "__main__":
    main()
