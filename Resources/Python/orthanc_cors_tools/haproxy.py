# SPDX-License-Identifier: AGPL-3.0-or-later
"""A load balancer in front of several gateways: Debian's HAProxy, its binary run in
the foreground with a configuration generated in a temporary folder (no system
service), on free loopback ports:

    with Haproxy([("replica-1", 8043), ("replica-2", 9043)]) as balancer:
        balancer.http_port    # mode http, X-Forwarded-For added (option forwardfor)
        balancer.tcp_port     # mode tcp, with a PROXY protocol v2 header when proxy_protocol
        balancer.server_states()

Both frontends spread connections round robin over the same servers, checked every
200 ms by an HTTP request (GET /system by default, through the gateway to Orthanc);
a server is taken out after 2 failed checks or at once on a refused connection
(observe layer4), a request whose connection failed or was closed unanswered is
sent again to another server (retries, option redispatch). The balancer connects to
the servers from its own loopback address (`source`, 127.0.0.9 by default: Linux
routes all of 127.0.0.0/8 to the loopback interface), so that a gateway can tell it
from test clients bound to 127.0.0.2 or 127.0.0.3. Its administration socket
answers server_states().
"""

import csv
import io
import os
import signal
import socket
import time

from orthanc_cors_tools.processes import POLL_INTERVAL, ServerProcess
from orthanc_cors_tools.raw_http import LOOPBACK, free_port

HAPROXY_BINARY = os.environ.get("ORTHANC_CORS_HAPROXY", "/usr/sbin/haproxy")
BALANCER_SOURCE = "127.0.0.9"
START_TIMEOUT = 30        # seconds for HAProxy to start and see every server up
CHECK_INTERVAL_MS = 200
HTTP_BACKEND, TCP_BACKEND = "gateways_http", "gateways_tcp"


class HaproxyError(Exception):
    """HAProxy did not start, refused its configuration, or died."""


def _quoted(value):
    """A configuration word, double-quoted (HAProxy's quoting: backslash escapes)."""
    return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')


class Haproxy(ServerProcess):
    """HAProxy with two frontends over `servers` ([(name, port)] on 127.0.0.1).

    source: the address it connects to the servers from.
    proxy_protocol: the tcp frontend's connections start with a PROXY v2 header
      (send-proxy-v2; its health checks then send one too, with the LOCAL command).
    check_path, check_headers: the health check's request; it expects 200.
    http_reuse: the http backend's "http-reuse" (None: HAProxy's default, "safe",
      which sends a new client's requests over idle connections to the servers
      that earlier clients opened; "never" ties each connection to a server to
      one client connection, as the tcp frontend does).
    """

    NAME = "HAProxy"
    ERROR = HaproxyError
    CLEAN_EXITS = (0, -signal.SIGTERM)   # SIGTERM stops it at once, by the signal
    STOP_TIMEOUT = 10

    def __init__(self, servers, source=BALANCER_SOURCE, proxy_protocol=False, check_path="/system",
                 check_headers=None, http_reuse=None, parent_directory=None):
        super().__init__("orthanc-cors-haproxy-", parent_directory)
        self.servers = list(servers)
        self.source = source
        self.proxy_protocol = proxy_protocol
        self.http_reuse = http_reuse
        self.check_path = check_path
        self.check_headers = dict(check_headers or {})
        self.http_port = free_port()
        self.tcp_port = free_port()
        self.configuration_path = os.path.join(self.directory, "haproxy.cfg")
        self.socket_path = os.path.join(self.directory, "admin.sock")
        self.log_path = os.path.join(self.directory, "haproxy.log")

    def configuration(self):
        """The configuration file's text."""
        check = "http-check send meth GET uri %s ver HTTP/1.1 hdr Host %s" % (self.check_path, LOOPBACK)
        for (name, value) in self.check_headers.items():
            check += " hdr %s %s" % (name, _quoted(value))
        server_options = ("check inter {0}ms fastinter {0}ms downinter {0}ms fall 2 rise 2 "
                          "observe layer4 error-limit 1 on-error mark-down").format(CHECK_INTERVAL_MS)

        def backend(name, mode, extra_server_options):
            lines = ["backend " + name,
                     "    mode " + mode,
                     "    balance roundrobin",
                     "    source " + self.source,
                     "    option httpchk",
                     "    " + check,
                     "    http-check expect status 200",
                     "    default-server " + server_options + extra_server_options]
            if mode == "http":
                # An upload retried after a replica died mid-request is stored once:
                # Orthanc answers a second copy of an instance as already stored.
                lines.append("    retry-on conn-failure empty-response")
                if self.http_reuse:
                    lines.append("    http-reuse " + self.http_reuse)
            lines += ["    server %s %s:%d" % (server, LOOPBACK, port) for (server, port) in self.servers]
            return lines

        lines = [
            "# Generated by orthanc_cors_tools.haproxy",
            "global",
            "    log stdout format raw daemon notice",
            "    stats socket %s mode 600 level admin" % self.socket_path,
            "    maxconn 4096",
            "defaults",
            "    log global",
            "    timeout connect 2s",
            "    timeout client 120s",
            "    timeout server 120s",
            "    timeout check 2s",
            "    retries 3",
            "    option redispatch 1",
            "frontend http_in",
            "    mode http",
            "    bind %s:%d" % (LOOPBACK, self.http_port),
            "    option forwardfor",
            "    default_backend " + HTTP_BACKEND,
            "frontend tcp_in",
            "    mode tcp",
            "    bind %s:%d" % (LOOPBACK, self.tcp_port),
            "    default_backend " + TCP_BACKEND,
        ]
        lines += backend(HTTP_BACKEND, "http", "")
        lines += backend(TCP_BACKEND, "tcp", " send-proxy-v2" if self.proxy_protocol else "")
        return "\n".join(lines) + "\n"

    # ---- life cycle -------------------------------------------------------------

    def start(self, timeout=START_TIMEOUT):
        """Starts HAProxy; returns once every server of both backends is up."""
        with open(self.configuration_path, "w", encoding="utf-8") as output:
            output.write(self.configuration())
        # -db: foreground, no daemon; the process is HAProxy's own.
        self.spawn([HAPROXY_BINARY, "-db", "-f", self.configuration_path], self.log_path)
        try:
            self.wait_for_states("UP", timeout=timeout)
        except HaproxyError:
            self.stop()
            raise
        return self

    # ---- administration socket ------------------------------------------------------

    def command(self, text, timeout=5):
        """One command on the administration socket; its answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(self.socket_path)
            connection.sendall(text.encode("ascii") + b"\n")
            answer = b""
            while True:
                piece = connection.recv(65536)
                if not piece:
                    return answer.decode("utf-8", "replace")
                answer += piece

    def server_states(self):
        """{(backend, server): status} from "show stat": "UP", "DOWN", "UP 1/2"
        (going down), "DOWN 1/2" (coming up), "MAINT"..."""
        text = self.command("show stat")
        rows = csv.DictReader(io.StringIO(text.lstrip("# ")))
        return {(row["pxname"], row["svname"]): row["status"] for row in rows
                if row.get("svname") not in (None, "FRONTEND", "BACKEND")}

    def wait_for_states(self, status, servers=None, timeout=START_TIMEOUT):
        """Polls until the servers named in `servers` (default: all), in both
        backends, have `status`; returns the seconds it took. Raises HaproxyError
        (with the states seen last) otherwise, or if HAProxy exits."""
        wanted = {name for (name, _) in self.servers} if servers is None else set(servers)
        began = time.monotonic()
        states = None
        while True:
            if self.process.poll() is not None:
                raise HaproxyError("HAProxy exited with status %d; folder %s\n%s"
                                   % (self.process.returncode, self.directory, self.log_tail()))
            try:
                states = self.server_states()
                if states and all(value == status for ((_, server), value) in states.items() if server in wanted):
                    return time.monotonic() - began
            except OSError:
                pass   # the socket is not there yet
            if time.monotonic() - began > timeout:
                raise HaproxyError("servers %s not %s within %s s: %r\n%s"
                                   % (sorted(wanted), status, timeout, states, self.log_tail()))
            time.sleep(POLL_INTERVAL)
