# SPDX-License-Identifier: AGPL-3.0-or-later
"""A small static server for a single-page viewer on its own origin.

Serves a folder, answers index.html for client-side routes (paths without a file
extension), and serves an app-config.js given on the command line instead of the
one in the folder. Used by the demo and the end-to-end tests to put OHIF on an
origin other than Orthanc's: it plays the part of the hospital's web server.

    python3 -m orthanc_cors_tools.spa_server --root DIST --port 3000 [--app-config FILE] [--bind 127.0.0.1]
                                             [--header "Name: value"]...

--header adds a field to every answer: the end-to-end suite's portal pages send the
cross-origin isolation headers of Resources/Examples/Embedded/nginx.conf with it.
"""

import argparse
import functools
import http.server
import os
import posixpath
import subprocess
import sys
import urllib.parse

from orthanc_cors_tools.orthanc import wait_until_http_ready
from orthanc_cors_tools.processes import detached_options


class SinglePageHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, app_config=None, extra_headers=(), **kwargs):
        self.app_config = app_config
        self.extra_headers = extra_headers
        super().__init__(*args, **kwargs)

    def end_headers(self):
        for (name, value) in self.extra_headers:
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):
        pass   # the demo prints its own summary; access logs would drown it

    def send_head(self):
        path = urllib.parse.urlsplit(self.path).path
        if self.app_config and path == "/app-config.js":
            self.path = "/__app_config__"
            return self._send_file(self.app_config, "application/javascript")
        translated = self.translate_path(self.path)
        last_segment = posixpath.basename(path)
        if not os.path.exists(translated) and "." not in last_segment:
            self.path = "/index.html"   # a client-side route of the viewer
        return super().send_head()

    def _send_file(self, file_path, content_type):
        handle = open(file_path, "rb")
        size = os.fstat(handle.fileno()).st_size
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(size))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return handle


def command(root, port, app_config=None, headers=()):
    """The command line that runs this server (as a child process, which inherits PYTHONPATH);
    `headers`: (name, value) pairs added to every answer."""
    arguments = [sys.executable, "-m", "orthanc_cors_tools.spa_server", "--root", root, "--port", str(port)]
    for (name, value) in headers:
        arguments += ["--header", "%s: %s" % (name, value)]
    return arguments + (["--app-config", app_config] if app_config else [])


def start(root, port, log_path, app_config=None, headers=(), detached=False):
    """Runs this server as a child process, its output in `log_path`; returns its Popen
    once it answers HTTP. `detached`: as processes.detached_options() describes (the demo)."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command(root, port, app_config, headers), stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=log, **(detached_options() if detached else {}))
    try:
        wait_until_http_ready(port)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return process


def parse_header(text):
    name, separator, value = text.partition(":")
    if not separator or not name.strip():
        raise argparse.ArgumentTypeError("expected \"Name: value\", got %r" % text)
    return (name.strip(), value.strip())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--app-config")
    parser.add_argument("--header", action="append", type=parse_header, default=[])
    arguments = parser.parse_args()

    SinglePageHandler.extensions_map.update({".js": "application/javascript", ".mjs": "application/javascript",
                                             ".wasm": "application/wasm", ".json": "application/json"})
    handler = functools.partial(SinglePageHandler, directory=arguments.root, app_config=arguments.app_config,
                                extra_headers=arguments.header)
    server = http.server.ThreadingHTTPServer((arguments.bind, arguments.port), handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
