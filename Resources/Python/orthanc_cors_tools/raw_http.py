# SPDX-License-Identifier: AGPL-3.0-or-later
"""HTTP/1.1 on the loopback interface, below http.client's level where the tests need
it: requests that send exactly the given header lines, raw bytes in and out, and a
parser of raw responses (status, header lines in received order, repeats kept)."""

import base64
import http.client
import json
import random
import re
import socket
import ssl

LOOPBACK = "127.0.0.1"


_PORTS_HANDED_OUT = set()
_LOWEST_PORT = 10000


def _ephemeral_port_range():
    """The kernel's range for the local ports of outgoing connections."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as source:
            low, high = (int(value) for value in source.read().split())
            return low, high
    except (OSError, ValueError):
        return 32768, 60999


def free_port():
    """A TCP port free on every interface right now (for HttpPort, DicomPort,
    Cors.Gateway.Port), never the same twice in one process.

    Chosen at random below the kernel's ephemeral range: a port taken from that range
    (bind to port 0) can become the local port of some outgoing connection (the tests
    make thousands) before the server binds it ("Address already in use", seen once),
    and the kernel may hand the same port out twice in a row."""
    low, _ = _ephemeral_port_range()
    candidates = range(_LOWEST_PORT, low) if low - _LOWEST_PORT >= 1000 else None
    for _ in range(1000):
        if candidates is None:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.bind(("", 0))
                port = probe.getsockname()[1]
        else:
            port = random.choice(candidates)
        if port in _PORTS_HANDED_OUT:
            continue
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.bind(("", port))
        except OSError:
            continue
        _PORTS_HANDED_OUT.add(port)
        return port
    raise OSError("no free TCP port found")


class HttpResponse:
    """status, headers as (name, value) pairs in received order (repeats kept), body bytes."""

    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    def header_values(self, name):
        """Every value of the header `name` (case-insensitive), one per header line."""
        wanted = name.lower()
        return [value for (key, value) in self.headers if key.lower() == wanted]

    def header(self, name):
        """The value of header `name`, None if absent; fails if it appears several times."""
        values = self.header_values(name)
        if len(values) > 1:
            raise AssertionError("header %s appears %d times: %r" % (name, len(values), values))
        return values[0] if values else None

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "HttpResponse(%d %s, %r, %d bytes)" % (self.status, self.reason, self.headers, len(self.body))


def _header_items(headers):
    if headers is None:
        return []
    if isinstance(headers, dict):
        return list(headers.items())
    return list(headers)


def http_request(port, method, path, headers=None, body=None, host=LOOPBACK, timeout=30, tls_context=None,
                 source=None):
    """One request on a new connection, sending exactly the given headers.

    `headers` is a dict or a list of (name, value) pairs (a list may repeat a name,
    e.g. two Access-Control-Request-Headers lines). Host is added unless given;
    Content-Length is added when there is a body and none is given. `body` is
    bytes, str (UTF-8) or None. `tls_context`: an ssl.SSLContext for HTTPS.
    `source`: the local address to connect from, such as "127.0.0.2" (another
    client than 127.0.0.1: Linux routes all of 127.0.0.0/8 to the loopback).
    """
    items = _header_items(headers)
    names = {name.lower() for (name, _) in items}
    if isinstance(body, str):
        body = body.encode("utf-8")
    source_address = (source, 0) if source else None
    if tls_context is not None:
        connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=tls_context,
                                                 source_address=source_address)
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout, source_address=source_address)
    try:
        connection.putrequest(method, path, skip_host="host" in names, skip_accept_encoding=True)
        for (name, value) in items:
            connection.putheader(name, value)
        if body is not None and "content-length" not in names and "transfer-encoding" not in names:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        # HEAD and 204/304 have no body; http.client knows it.
        data = response.read()
        return HttpResponse(response.status, response.reason, response.getheaders(), data)
    finally:
        connection.close()


def insecure_tls_context():
    """For a gateway with a self-signed test certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def basic_authorization(user, password):
    token = base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii")
    return "Basic " + token


def raw_exchange(port, data, timeout=30, tls_context=None, source=None):
    """Sends raw bytes on a new connection (TLS with `tls_context`; from the local
    address `source`, such as "127.0.0.2", when given) and returns every byte
    received until the server closes the connection or `timeout` passes. A
    server that closes while the bytes are still being sent (a refusal) is not an
    error: what it answered is returned."""
    source_address = (source, 0) if source else None
    with socket.create_connection((LOOPBACK, port), timeout=timeout, source_address=source_address) as plain:
        connection = tls_context.wrap_socket(plain, server_hostname="localhost") if tls_context else plain
        try:
            connection.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return receive_until_closed(connection)


def _receive(connection, enough):
    received = b""
    try:
        while not enough(received):
            piece = connection.recv(65536)
            if not piece:
                break
            received += piece
    except (ConnectionResetError, socket.timeout):
        pass   # a reset or the socket's timeout ends the reading like a close: what came is returned
    return received


def receive_until_closed(connection):
    """Every byte read off `connection` until the server closes it (or resets it, or the
    socket's timeout passes)."""
    return _receive(connection, lambda received: False)


def receive_head(connection):
    """Bytes read off `connection` until they hold the end of a response header (they may
    go beyond it), or until the server closes it, resets it, or the socket's timeout passes."""
    return _receive(connection, lambda received: b"\r\n\r\n" in received)


def read_one_response(connection):
    """One response with a Content-Length, read off an open socket (bytes)."""
    received = receive_head(connection)
    if b"\r\n\r\n" not in received:
        raise AssertionError("no complete response header before the close: %r" % received[:200])
    head, _, body = received.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))
    while len(body) < length:
        piece = connection.recv(65536)
        if not piece:
            raise AssertionError("connection closed in the body")
        body += piece
    return head + b"\r\n\r\n" + body


_STATUS_LINE = re.compile(rb"HTTP/1\.[01] (\d{3})")


def status_of(data):
    """The status code of the first response in `data` (bytes), or None if `data`
    does not start with an HTTP/1.x status line (nothing received, say)."""
    match = _STATUS_LINE.match(data)
    return int(match.group(1)) if match else None


def parse_responses(data):
    """Every response in `data` as (status, [(name, value bytes)]); bodies are skipped
    with Content-Length. A response without Content-Length (chunked, or delimited by
    the close) ends the list: the rest is its body."""
    responses = []
    while data:
        head, separator, rest = data.partition(b"\r\n\r\n")
        if not separator:
            raise AssertionError("incomplete response header: %r" % data[:300])
        lines = head.split(b"\r\n")
        match = _STATUS_LINE.match(lines[0])
        if not match:
            raise AssertionError("not an HTTP response: %r" % data[:300])
        headers = []
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            if not colon:
                raise AssertionError("response line without a colon: %r" % line)
            headers.append((name.decode("latin-1"), value.strip()))
        length = 0
        for (name, value) in headers:
            if name.lower() == "content-length":
                length = int(value)
        status = int(match.group(1))
        if status in (100, 204, 304):
            length = 0
        responses.append((status, headers))
        data = rest[length:]
        if status == 100:
            continue
        if not any(name.lower() == "content-length" for (name, _) in headers):
            break
    return responses
