# SPDX-License-Identifier: AGPL-3.0-or-later
"""Benchmark: Orthanc direct, nginx as a CORS proxy, and this plugin's gateway, side by
side in one run on this machine, loopback only.

    python3 benchmark.py --plugin build/libOrthancCors.so [--quick] [--output results.md]

Starts a real Orthanc (Debian's) with the DICOMweb plugin and this plugin (its gateway
on a free port), an nginx (nginx.conf.in) in front of the same Orthanc, creates the data
through Orthanc's REST API, then drives each workload with wrk against each contender,
alternating the contenders' order round after round, and prints one Markdown table a
workload with the medians over the rounds; then a large file from a served folder (1 GiB,
128 MiB with --quick) through the gateway and through nginx (sendfile on), throughput and
the serving processes' peak RSS growth side by side. Without --quick and --only it also measures
Orthanc's peak RSS growth during a 1 GiB retrieve through the gateway, and (--ohif) the
time OHIF takes to show a series through the gateway and through nginx.

--wan (WAN mode): OHIF, in headless Chromium, opening a 200-slice series of 512 x 512
16-bit slices with a round-trip time added (--rtt-ms, default 40) to every connection the
browser opens, by a user-space TCP relay (orthanc_cors_tools.latency_relay), TLS on every
contender: OHIF on an origin of its own (nginx) reading DICOMweb through nginx, the same
reading it through the gateway (cross-origin: preflighted frame retrieves), and OHIF served
by the gateway at its root (shape 2: same origin, no preflight). --only wan runs that alone.

Resources/Benchmark/run-benchmark.sh installs what is missing (nginx-light, wrk) and runs this, with
PYTHONPATH=Resources/Python (orthanc_cors_tools).
"""

import argparse
import base64
import copy
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from orthanc_cors_tools import certificates, dicom_data, latency_relay, spa_server
from orthanc_cors_tools.memory import MIB, memory_kib, reset_peak_rss
from orthanc_cors_tools.ohif_config import make_app_config, make_viewer_copy
from orthanc_cors_tools.orthanc import ORTHANC_BINARY, OrthancInstance, wait_until_http_ready
from orthanc_cors_tools.raw_http import LOOPBACK, free_port, http_request, insecure_tls_context

HERE = os.path.dirname(os.path.abspath(__file__))

ORIGIN = "http://viewer.bench.example"
STATIC_PREFIX = "/static/"
STATIC_FILE = "file-15mb.bin"
LARGE_STATIC_FILE = "file-large.bin"   # above the file cache's 64 MiB: streamed from disk
CONTENDERS = ("direct", "nginx", "gateway")
CONTENDER_TITLES = {"direct": "Orthanc direct", "nginx": "nginx CORS proxy", "gateway": "Gateway"}
# A study search of one patient (a worklist's click): Orthanc answers it at about a
# thousand a second, where what a proxy adds per request shows. A search of every study
# would read each study's first instance, the 50 MiB one included (a few a second).
QIDO_PATH = "/dicom-web/studies?PatientID=BENCH-SMALL"
WORKLOAD_NAMES = ("preflight", "qido", "metadata", "retrieve-small", "retrieve-large", "stow", "static")
# The WAN mode's contenders, in the order of the first round.
WAN_CONTENDERS = ("nginx", "gateway-cross-origin", "gateway-same-origin")
WAN_TITLES = {"nginx": "nginx (OHIF on its own origin)", "gateway-cross-origin": "Gateway cross-origin",
              "gateway-same-origin": "Gateway same-origin (OHIF at its root)"}


# ---- data ------------------------------------------------------------------------------

def create_instance(orthanc, side, level, patient_id, study_uid, series_uid):
    """One CT instance of side x side 16-bit pixels (uncompressed: side * side * 2 bytes)."""
    answer = orthanc.api("POST", "/tools/create-dicom", {
        "Force": True,
        "Tags": {
            "PatientID": patient_id, "PatientName": "BENCH^" + patient_id, "StudyInstanceUID": study_uid,
            "SeriesInstanceUID": series_uid, "SOPInstanceUID": dicom_data.new_uid(),
            "SOPClassUID": dicom_data.CT_IMAGE_STORAGE, "Modality": "CT", "StudyDate": "20240101",
            "InstanceNumber": str(level + 1),
        },
        "Content": "data:image/png;base64," + base64.b64encode(dicom_data.flat_png16(side, 97 * level)).decode("ascii"),
    })
    tags = orthanc.api("GET", "/instances/%s/simplified-tags" % answer["ID"])
    return {"id": answer["ID"], "study": study_uid, "series": series_uid, "sop": tags["SOPInstanceUID"]}


def create_single(orthanc, side, patient_id):
    return create_instance(orthanc, side, 0, patient_id, dicom_data.new_uid(), dicom_data.new_uid())


def retrieve_path(instance):
    return "/dicom-web/studies/%s/series/%s/instances/%s" % (instance["study"], instance["series"], instance["sop"])


def stow_body(orthanc, instance_id, directory):
    """A multipart/related STOW-RS body holding one DICOM file, written to disk for wrk."""
    dicom = orthanc.request("GET", "/instances/%s/file" % instance_id).body
    boundary = "BenchmarkBoundary7d1c0f"
    body = (("--%s\r\nContent-Type: application/dicom\r\n\r\n" % boundary).encode("ascii") + dicom
            + ("\r\n--%s--\r\n" % boundary).encode("ascii"))
    path = os.path.join(directory, "stow-body.bin")
    with open(path, "wb") as output:
        output.write(body)
    return path, 'multipart/related; type="application/dicom"; boundary=%s' % boundary, len(dicom)


# ---- nginx -----------------------------------------------------------------------------

def fill_template(name, values):
    """The text of HERE/name with each @KEY@ replaced by values[KEY]."""
    with open(os.path.join(HERE, name), encoding="utf-8") as template:
        text = template.read()
    for (key, value) in values.items():
        text = text.replace("@%s@" % key, value)
    return text


class NginxTls:
    """What the WAN mode adds to nginx: its TLS port for the proxy (tls_port), and the
    viewers' origins, each a (port, app-config.js path) serving OHIF's build `dist`."""

    def __init__(self, certificate, key, tls_port, dist, viewers):
        self.certificate = certificate
        self.key = key
        self.tls_port = tls_port
        self.dist = dist
        self.viewers = viewers


class Nginx:
    def __init__(self, work, orthanc_port, static_root, workers, origins, tls=None):
        self.work = work
        self.port = free_port()
        self.tls = tls
        for folder in ("client-body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(work, folder), exist_ok=True)
        # Running as root, nginx's workers would become "nobody" and could not read the
        # benchmark's private folders: keep them as the user running the benchmark.
        user = "user root;" if os.geteuid() == 0 else ""
        values = {"USER_DIRECTIVE": user, "WORKERS": str(workers), "WORK": work,
                  "ORIGINS": "\n".join('    "%s" $http_origin;' % origin for origin in origins),
                  "ORTHANC_PORT": str(orthanc_port), "PORT": str(self.port),
                  "STATIC_PREFIX": STATIC_PREFIX, "STATIC_ROOT": static_root + "/", "TLS": "", "TLS_LISTEN": ""}
        if tls is not None:
            viewers = "\n".join(fill_template("nginx-viewer.conf.in", {"VIEWER_PORT": str(port), "DIST": tls.dist,
                                                                       "APP_CONFIG": app_config})
                                for (port, app_config) in tls.viewers)
            values["TLS"] = fill_template("nginx-tls.conf.in", {"CERTIFICATE": tls.certificate, "KEY": tls.key,
                                                                "VIEWERS": viewers})
            values["TLS_LISTEN"] = "    listen 127.0.0.1:%d ssl;" % tls.tls_port
        text = fill_template("nginx.conf.in", values)
        self.configuration = os.path.join(work, "nginx.conf")
        with open(self.configuration, "w", encoding="utf-8") as output:
            output.write(text)
        self.process = None

    def start(self):
        log = open(os.path.join(self.work, "nginx-stderr.log"), "wb")
        self.process = subprocess.Popen(["nginx", "-p", self.work, "-c", self.configuration],
                                        stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        wait_until_http_ready(self.port, timeout=15)
        if self.tls is not None:
            for port in [self.tls.tls_port] + [port for (port, _) in self.tls.viewers]:
                wait_until_http_ready(port, timeout=15, tls_context=insecure_tls_context())

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()    # nginx: SIGTERM = fast shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


# ---- wrk -------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _milliseconds(text):
    match = re.match(r"([0-9.]+)(us|ms|s|m)$", text)
    if not match:
        raise ValueError("unexpected wrk duration %r" % text)
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output):
    result = {"requests_per_second": None, "p50_ms": None, "p99_ms": None, "errors": 0, "requests": 0}
    match = re.search(r"Requests/sec:\s+([0-9.]+)", output)
    if match:
        result["requests_per_second"] = float(match.group(1))
    for (percentile, key) in (("50", "p50_ms"), ("99", "p99_ms")):
        match = re.search(r"^\s+%s(?:\.000)?%%\s+(\S+)" % percentile, output, re.MULTILINE)
        if match:
            result[key] = _milliseconds(match.group(1))
    match = re.search(r"(\d+) requests in", output)
    if match:
        result["requests"] = int(match.group(1))
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if match:
        result["errors"] += int(match.group(1))
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if match:
        # A read "error" is also how wrk counts a server closing a kept-alive connection.
        result["errors"] += sum(int(value) for value in match.groups())
    return result


def run_wrk(url, seconds, connections, threads, script=None, environment=None, headers=()):
    command = ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", "%ds" % seconds,
               "--timeout", "60s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    command.append(url)
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120,
                               env=dict(os.environ, **(environment or {})))
    if completed.returncode != 0:
        raise RuntimeError("wrk failed (%d): %s %s" % (completed.returncode, completed.stdout, completed.stderr))
    result = parse_wrk(completed.stdout)
    result["raw"] = completed.stdout
    if result["requests_per_second"] is None or result["p99_ms"] is None:
        raise RuntimeError("could not read wrk's output:\n" + completed.stdout)
    return result


# ---- the benchmark ---------------------------------------------------------------------

class MetricsScraper:
    """Reads Orthanc's /tools/metrics-prometheus every second, as a Prometheus with a 1 s
    scrape interval would (its default is 15 s); stop() returns the count of reads that
    carried the plugin's metrics."""

    def __init__(self, orthanc_port):
        self.port = orthanc_port
        self.stopping = threading.Event()
        self.scrapes = 0
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping.wait(1.0):
            try:
                response = http_request(self.port, "GET", "/tools/metrics-prometheus", timeout=30)
            except (OSError, http.client.HTTPException):
                continue   # a failed scrape is not counted: the check after the run says it
            if response.status == 200 and b"orthanc_cors_preflights_allowed_total" in response.body:
                self.scrapes += 1

    def stop(self):
        self.stopping.set()
        self.thread.join(timeout=60)
        return self.scrapes


class Workload:
    def __init__(self, name, title, path, connections, contenders=CONTENDERS, script=None, environment=None,
                 expected_status=200, note=""):
        self.name = name
        self.title = title
        self.path = path
        self.connections = connections
        self.contenders = contenders
        self.script = script
        self.environment = environment or {}
        self.expected_status = expected_status
        self.note = note


def nginx_process_ids(master_pid):
    """The nginx master and its worker processes."""
    with open("/proc/%d/task/%d/children" % (master_pid, master_pid)) as children:
        return [master_pid] + [int(pid) for pid in children.read().split()]


def stream_and_discard(port, path, headers):
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=300)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        total = 0
        while True:
            chunk = response.read(1024 * 1024)
            if not chunk:
                break
            total += len(chunk)
        return response.status, total
    finally:
        connection.close()


class Benchmark:
    def __init__(self, arguments):
        self.arguments = arguments
        self.quick = arguments.quick
        self.rounds = arguments.rounds or (1 if self.quick else 3)
        self.seconds = arguments.seconds or (2 if self.quick else 8)
        self.threads = arguments.gateway_threads or os.cpu_count() or 1
        self.work = tempfile.mkdtemp(prefix="orthanc-cors-benchmark-")
        os.chmod(self.work, 0o755)
        self.orthanc = None
        self.nginx = None
        self.gateway_port = free_port()
        # The OHIF viewers' origins (--ohif) are allowed by both proxies from the start.
        self.viewer_ports = {"nginx": free_port(), "gateway": free_port()}
        self.origins = [ORIGIN] + ["http://%s:%d" % (LOOPBACK, port) for port in self.viewer_ports.values()]
        # The WAN mode's ports (--wan): each relay listens on one, in front of the server
        # the browser would reach over the network; the browser sees only the relays. The
        # viewers' origins are the relays' in front of them, allowed from the start too.
        self.wan_relay_ports = {name: free_port() for name in ("nginx-viewer", "nginx-dicomweb", "gateway-viewer",
                                                               "gateway-dicomweb", "gateway-same-origin")}
        if arguments.wan:
            self.origins += ["https://%s:%d" % (LOOPBACK, self.wan_relay_ports[name])
                             for name in ("nginx-viewer", "gateway-viewer")]
        self.results = {}
        self.extra = {}
        self.log = lambda text: sys.stderr.write(text + "\n")

    # ---- set-up ----

    def start(self, workload_data=True):
        """Orthanc with the gateway, nginx, and (workload_data) the instances and the series
        the workloads and --ohif read (not needed by --only wan/large-file/observability)."""
        static_root = os.path.join(self.work, "static")
        self.static_root = static_root
        os.makedirs(static_root)
        with open(os.path.join(static_root, STATIC_FILE), "wb") as output:
            output.write(os.urandom(15 * MIB))
        cors = {"AllowedOrigins": self.origins,
                "Gateway": {"Port": self.gateway_port, "BindAddress": LOOPBACK, "Threads": self.threads},
                "Folders": {STATIC_PREFIX.rstrip("/"): {"Path": static_root}}}
        os.environ.setdefault("ORTHANC_CORS_PLUGIN", self.arguments.plugin)
        self.base_cors = copy.deepcopy(cors)
        self.orthanc = OrthancInstance(cors=cors, name="OrthancCorsBenchmark")
        self.orthanc.report_failures = True
        began = time.monotonic()
        self.orthanc.start()
        wait_until_http_ready(self.gateway_port, path="/system")
        self.nginx = Nginx(os.path.join(self.work, "nginx"), self.orthanc.http_port, static_root, self.threads,
                           self.origins)
        self.nginx.start()
        self.ports = {"direct": self.orthanc.http_port, "nginx": self.nginx.port, "gateway": self.gateway_port}
        self.log("servers up in %.1f s (Orthanc %d, nginx %d, gateway %d)"
                 % (time.monotonic() - began, self.orthanc.http_port, self.nginx.port, self.gateway_port))
        if workload_data:
            self.create_workload_data()

    def create_workload_data(self):
        began = time.monotonic()
        self.small = create_single(self.orthanc, 512, "BENCH-SMALL")        # 0.5 MiB of pixels
        self.large = create_single(self.orthanc, 64 if self.quick else 5120, "BENCH-LARGE")   # 50 MiB
        slices = self.arguments.slices or (8 if self.quick else 200)
        self.series = dicom_data.create_ct_series(self.orthanc, slices=slices, rows=64 if self.quick else 256,
                                                  columns=64 if self.quick else 256, patient_name="BENCH^SERIES",
                                                  study_description="Benchmark series")
        self.stow_path, self.stow_type, stow_size = stow_body(self.orthanc, self.small["id"], self.work)
        self.sizes = {name: len(self.orthanc.request("GET", retrieve_path(instance)).body)
                      for (name, instance) in (("small", self.small), ("large", self.large))}
        self.sizes["stow"] = stow_size
        self.log("data created in %.1f s (retrieve sizes: %s)" % (time.monotonic() - began, self.sizes))

    def workloads(self):
        series = "/dicom-web/studies/%s/series/%s/metadata" % (self.series["StudyInstanceUID"],
                                                                self.series["SeriesInstanceUID"])
        environment = {"BENCH_ORIGIN": ORIGIN, "BENCH_STOW_BODY": self.stow_path,
                       "BENCH_STOW_CONTENT_TYPE": self.stow_type}
        mib = lambda size: "%.1f MiB" % (size / MIB)
        return [
            Workload("preflight", "Preflight (OPTIONS /dicom-web/studies, Authorization requested)",
                     "/dicom-web/studies", 16, ("nginx", "gateway"), os.path.join(HERE, "preflight.lua"),
                     environment, 204, "Orthanc direct answers a preflight with 404 (WebDAV): not a contender."),
            Workload("qido", "QIDO-RS study search (GET %s)" % QIDO_PATH, QIDO_PATH, 16),
            Workload("metadata", "WADO-RS metadata of a %d-instance series" % len(self.series["SOPInstanceUIDs"]),
                     series, 16),
            Workload("retrieve-small", "WADO-RS retrieve of one instance (%s)" % mib(self.sizes["small"]),
                     retrieve_path(self.small), 16),
            Workload("retrieve-large", "WADO-RS retrieve of one instance (%s)" % mib(self.sizes["large"]),
                     retrieve_path(self.large), 4),
            Workload("stow", "STOW-RS upload of one instance (%s)" % mib(self.sizes["stow"]), "/dicom-web/studies",
                     16, script=os.path.join(HERE, "stow.lua"), environment=environment),
            Workload("static", "Static 15 MiB file from a served folder", STATIC_PREFIX + STATIC_FILE, 4,
                     note="Orthanc direct = the plugin's folder callback on Orthanc's own port."),
        ]

    def check(self, workload, contender):
        """One request by hand before measuring: the expected status, and the CORS header
        from the proxies (so that nobody is measured answering an error quickly)."""
        headers = {"Origin": ORIGIN}
        method, body = "GET", None
        if workload.name == "preflight":
            method = "OPTIONS"
            headers.update({"Access-Control-Request-Method": "GET",
                            "Access-Control-Request-Headers": "authorization,accept"})
        elif workload.name == "stow":
            method = "POST"
            with open(self.stow_path, "rb") as source:
                body = source.read()
            headers.update({"Content-Type": self.stow_type, "Accept": "application/dicom+json"})
        response = http_request(self.ports[contender], method, workload.path, headers=headers, body=body,
                                timeout=120)
        if response.status != workload.expected_status:
            raise RuntimeError("%s via %s: status %d, expected %d: %r"
                               % (workload.name, contender, response.status, workload.expected_status,
                                  response.body[:300]))
        if contender != "direct" and response.header("Access-Control-Allow-Origin") != ORIGIN:
            raise RuntimeError("%s via %s: no Access-Control-Allow-Origin: %r" % (workload.name, contender,
                                                                                  response.headers))

    def measure(self, workload):
        runs = {contender: [] for contender in workload.contenders}
        headers = () if workload.script else ("Origin: " + ORIGIN,)
        for contender in workload.contenders:
            self.check(workload, contender)
            if not self.quick:   # warm-up: connections, Orthanc's caches, the page cache
                run_wrk(self.url(contender, workload), 1, workload.connections, 2, workload.script,
                        workload.environment, headers)
        order = list(workload.contenders)
        for round_index in range(self.rounds):
            for contender in order:
                result = run_wrk(self.url(contender, workload), self.seconds, workload.connections, 2,
                                 workload.script, workload.environment, headers)
                runs[contender].append(result)
                self.log("  %-15s round %d %-8s %9.1f req/s  p50 %8.3f ms  p99 %8.3f ms%s"
                         % (workload.name, round_index + 1, contender, result["requests_per_second"],
                            result["p50_ms"], result["p99_ms"],
                            "  (%d errors)" % result["errors"] if result["errors"] else ""))
            order = order[1:] + order[:1]   # alternate who goes first
        self.results[workload.name] = {"workload": workload, "runs": runs}

    def url(self, contender, workload):
        return "http://%s:%d%s" % (LOOPBACK, self.ports[contender], workload.path)

    # ---- the access log and the metrics: what they cost ----

    def restart_orthanc(self, access_log=False, wan=None):
        """Orthanc again, on the same folder (its data kept) and ports, the gateway's
        access log on or off; with `wan` (a WanSetup), the gateway on TLS and serving
        OHIF's build at its root, cross-origin isolated (shape 2 of Resources/Documentation/DeploymentShapes.md), while
        still relaying DICOMweb to the cross-origin viewer."""
        cors = copy.deepcopy(self.base_cors)
        if access_log:
            cors["Gateway"]["AccessLog"] = os.path.join(self.work, "access.log")
        if wan is not None:
            cors["Gateway"].update({"SslEnabled": True, "SslCertificate": wan.certificate,
                                    "SslPrivateKey": wan.key})
            cors["Folders"]["/"] = {"Path": wan.same_origin_root, "SinglePageApplication": True,
                                    "CrossOriginIsolation": "require-corp"}
            cors["Extensions"] = {".wasm": "application/wasm"}
        self.orthanc.cors = cors
        problem = self.orthanc.stop()
        if problem:
            raise RuntimeError(problem)
        self.orthanc.start()
        wait_until_http_ready(self.gateway_port, path="/system",
                              tls_context=insecure_tls_context() if wan is not None else None)

    def measure_observability(self):
        """Preflight and QIDO through the gateway with its access log on and Prometheus
        reading /tools/metrics-prometheus every second, against both off (the metrics are
        always counted: off means nobody reads them). Orthanc is restarted between the two
        settings, whose order alternates round after round."""
        environment = {"BENCH_ORIGIN": ORIGIN}
        workloads = (("preflight", os.path.join(HERE, "preflight.lua"), ()),
                     ("qido", None, ("Origin: " + ORIGIN,)))
        runs = {name: {"off": [], "on": []} for (name, _, _) in workloads}
        scrapes = []
        order = ["off", "on"]
        try:
            for round_index in range(self.rounds):
                for setting in order:
                    self.restart_orthanc(setting == "on")
                    scraper = MetricsScraper(self.orthanc.http_port) if setting == "on" else None
                    try:
                        for (name, script, headers) in workloads:
                            url = "http://%s:%d%s" % (LOOPBACK, self.gateway_port,
                                                      QIDO_PATH if name == "qido" else "/dicom-web/studies")
                            if not self.quick:
                                run_wrk(url, 1, 16, 2, script, environment, headers)
                            result = run_wrk(url, self.seconds, 16, 2, script, environment, headers)
                            runs[name][setting].append(result)
                            self.log("  %-15s round %d log+metrics %-3s %9.1f req/s  p99 %8.3f ms"
                                     % (name, round_index + 1, setting, result["requests_per_second"],
                                        result["p99_ms"]))
                    finally:
                        if scraper is not None:
                            scrapes.append(scraper.stop())
                order.reverse()
            with open(os.path.join(self.work, "access.log"), "rb") as log:
                lines = sum(chunk.count(b"\n") for chunk in iter(lambda: log.read(1 << 20), b""))
        finally:
            self.restart_orthanc(False)   # as the other measurements expect it
        if lines == 0 or not scrapes or min(scrapes) == 0:
            raise RuntimeError("the access log (%d lines) or the metrics (%s scrapes) did not work" % (lines, scrapes))
        self.extra["observability"] = {"runs": runs, "log_lines": lines, "scrapes": sum(scrapes)}

    # ---- 1 GiB retrieve: Orthanc's peak RSS growth ----

    def measure_rss(self):
        side, count = 4096, 32    # 32 instances of 32 MiB of pixel data: 1 GiB
        began = time.monotonic()
        study, series = dicom_data.new_uid(), dicom_data.new_uid()
        for index in range(count):
            create_instance(self.orthanc, side, index, "BENCH-1GIB", study, series)
        self.log("1 GiB study created in %.1f s" % (time.monotonic() - began))
        path = "/dicom-web/studies/%s" % study
        pid = self.orthanc.process.pid
        headers = {"Origin": ORIGIN, "Accept": 'multipart/related; type="application/dicom"'}
        stream_and_discard(self.orthanc.http_port, path, headers)   # warm: Orthanc's storage cache, page cache
        figures = {}
        for contender in ("gateway", "direct", "nginx"):
            reset_peak_rss(pid)
            before = memory_kib(pid, "VmRSS")
            began = time.monotonic()
            status, size = stream_and_discard(self.ports[contender], path, headers)
            elapsed = time.monotonic() - began
            peak = memory_kib(pid, "VmHWM")
            if status != 200:
                raise RuntimeError("1 GiB retrieve via %s: status %d" % (contender, status))
            figures[contender] = {"bytes": size, "seconds": elapsed, "growth_mib": (peak - before) / 1024.0,
                                  "baseline_mib": before / 1024.0}
            self.log("  1 GiB retrieve via %-8s %.0f MiB in %.1f s, Orthanc RSS %.0f MiB -> peak +%.1f MiB"
                     % (contender, size / MIB, elapsed, before / 1024.0, (peak - before) / 1024.0))
        self.extra["rss"] = figures

    # ---- a large file from a served folder: throughput and peak RSS ----

    def measure_large_file(self):
        size = (128 if self.quick else 1024) * MIB
        with open(os.path.join(self.static_root, LARGE_STATIC_FILE), "wb") as output:
            for _ in range(size // (16 * MIB)):
                output.write(os.urandom(16 * MIB))
        path = STATIC_PREFIX + LARGE_STATIC_FILE
        headers = {"Origin": ORIGIN}
        processes = {"gateway": lambda: [self.orthanc.process.pid],
                     "nginx": lambda: nginx_process_ids(self.nginx.process.pid)}
        runs = {contender: [] for contender in processes}
        order = list(processes)
        for contender in order:   # warm: the page cache, connections
            stream_and_discard(self.ports[contender], path, headers)
        for round_index in range(self.rounds):
            for contender in order:
                pids = processes[contender]()
                for pid in pids:
                    reset_peak_rss(pid)
                before = sum(memory_kib(pid, "VmRSS") for pid in pids)
                began = time.monotonic()
                status, received = stream_and_discard(self.ports[contender], path, headers)
                seconds = time.monotonic() - began
                peak = sum(memory_kib(pid, "VmHWM") for pid in pids)
                if status != 200 or received != size:
                    raise RuntimeError("large file via %s: status %d, %d of %d bytes" % (contender, status,
                                                                                       received, size))
                runs[contender].append({"seconds": seconds, "mib_per_second": size / MIB / seconds,
                                        "growth_mib": (peak - before) / 1024.0})
                self.log("  large file      round %d %-8s %.0f MiB in %.2f s (%.0f MiB/s), peak RSS +%.1f MiB"
                         % (round_index + 1, contender, size / MIB, seconds, size / MIB / seconds,
                            (peak - before) / 1024.0))
            order = order[1:] + order[:1]
        direct = http_request(self.ports["direct"], "GET", path, headers=headers, timeout=60)
        self.extra["large_file"] = {"bytes": size, "runs": runs, "direct_status": direct.status}

    # ---- OHIF, in headless Chromium ----

    def measure_ohif(self):
        """OHIF's published build on two origins of its own (orthanc_cors_tools.spa_server),
        one with its DICOMweb data source at nginx, the other at the gateway; the same
        series timed in headless Chromium by ohif-timing.js, rounds alternated."""
        dist = os.environ.get("E2E_OHIF_DIST")
        if not dist or not os.environ.get("E2E_NODE_DIR"):
            raise RuntimeError("--ohif needs E2E_OHIF_DIST and E2E_NODE_DIR (run-benchmark.sh --ohif sets them)")
        viewers, servers = {}, []
        try:
            for contender in ("nginx", "gateway"):
                port = self.viewer_ports[contender]
                config = os.path.join(self.work, "app-config-%s.js" % contender)
                root = "http://%s:%d/dicom-web" % (LOOPBACK, self.ports[contender])
                with open(config, "w", encoding="utf-8") as output:
                    output.write(make_app_config(root, friendly_name="Orthanc via %s" % contender))
                servers.append(spa_server.start(dist, port, os.path.join(self.work, "spa-%s.log" % contender),
                                                app_config=config))
                viewers[contender] = "http://%s:%d" % (LOOPBACK, port)
            description = {"study": self.series["StudyInstanceUID"], "slices": len(self.series["SOPInstanceUIDs"]),
                           "rounds": self.arguments.ohif_rounds, "viewers": viewers}
            completed = subprocess.run(["node", os.path.join(HERE, "ohif-timing.js"), json.dumps(description)],
                                       stdout=subprocess.PIPE, text=True, timeout=3600)
            if completed.returncode != 0:
                raise RuntimeError("ohif-timing.js failed with status %d" % completed.returncode)
            self.extra["ohif"] = json.loads(completed.stdout.strip().splitlines()[-1])
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=10)

    # ---- OHIF over a WAN: a round-trip time added by relays, TLS everywhere ----

    def measure_wan(self):
        """OHIF opening one series in headless Chromium, every connection the browser opens
        (the viewer's files and DICOMweb alike) through a latency relay adding --rtt-ms, TLS
        on every server: OHIF on an origin of its own (an nginx TLS server) reading DICOMweb
        through nginx's CORS proxy, the same through the gateway, and OHIF served by the
        gateway at its root (same origin: no preflight). Orthanc is restarted with the
        gateway on TLS and the folder at "/", then again as before at the end."""
        dist = os.environ.get("E2E_OHIF_DIST")
        if not dist or not os.environ.get("E2E_NODE_DIR"):
            raise RuntimeError("--wan needs E2E_OHIF_DIST and E2E_NODE_DIR (run-benchmark.sh --wan sets them)")
        began = time.monotonic()
        slices = self.arguments.slices or (8 if self.quick else 200)
        side = 64 if self.quick else 512
        series = dicom_data.create_ct_series(self.orthanc, slices=slices, rows=side, columns=side,
                                             patient_name="BENCH^WAN", study_description="Benchmark WAN series")
        wan = WanSetup(os.path.join(self.work, "wan"), dist)
        self.log("WAN series (%d slices of %d x %d) and files made in %.1f s" % (slices, side, side,
                                                                               time.monotonic() - began))
        relays = self.wan_relay_ports
        viewer_ports = {"nginx": free_port(), "gateway-cross-origin": free_port()}
        app_configs = {contender: wan.cross_origin_app_config(contender, https_origin(relays[relay]) + "/dicom-web")
                       for (contender, relay) in (("nginx", "nginx-dicomweb"),
                                                  ("gateway-cross-origin", "gateway-dicomweb"))}
        nginx = Nginx(os.path.join(self.work, "nginx-wan"), self.orthanc.http_port, self.static_root, self.threads,
                      self.origins, NginxTls(wan.certificate, wan.key, free_port(), dist,
                                             [(viewer_ports[name], app_configs[name]) for name in viewer_ports]))
        relay_process = None
        try:
            self.restart_orthanc(wan=wan)
            nginx.start()
            targets = {"nginx-viewer": viewer_ports["nginx"], "nginx-dicomweb": nginx.tls.tls_port,
                       "gateway-viewer": viewer_ports["gateway-cross-origin"], "gateway-dicomweb": self.gateway_port,
                       "gateway-same-origin": self.gateway_port}
            relay_process = latency_relay.start([(relays[name], port) for (name, port) in targets.items()],
                                                self.arguments.rtt_ms, os.path.join(self.work, "latency-relay.log"))
            viewers = {"nginx": https_origin(relays["nginx-viewer"]),
                       "gateway-cross-origin": https_origin(relays["gateway-viewer"]),
                       "gateway-same-origin": https_origin(relays["gateway-same-origin"])}
            dicomweb = {"nginx": https_origin(relays["nginx-dicomweb"]),
                        "gateway-cross-origin": https_origin(relays["gateway-dicomweb"]),
                        "gateway-same-origin": viewers["gateway-same-origin"]}
            probes = {name: self.check_wan_contender(viewers[name], dicomweb[name]) for name in WAN_CONTENDERS}
            self.log("WAN contenders answer through their relays (first request on a new TLS connection: %s)"
                     % ", ".join("%s %.0f ms" % (name, seconds * 1000) for (name, seconds) in probes.items()))
            began = time.monotonic()
            description = {"study": series["StudyInstanceUID"], "slices": slices,
                           "rounds": self.arguments.ohif_rounds, "viewers": viewers, "ignoreHTTPSErrors": True}
            completed = subprocess.run(["node", os.path.join(HERE, "ohif-timing.js"), json.dumps(description)],
                                       stdout=subprocess.PIPE, text=True, timeout=3600)
            if completed.returncode != 0:
                raise RuntimeError("ohif-timing.js failed with status %d" % completed.returncode)
            self.extra["wan"] = dict(json.loads(completed.stdout.strip().splitlines()[-1]), rtt_ms=self.arguments.rtt_ms,
                                     rounds=self.arguments.ohif_rounds, rows=side, columns=side, first_request_seconds=probes,
                                     browser_seconds=time.monotonic() - began,
                                     relay_cpu_seconds=latency_relay.cpu_seconds(relay_process))
        finally:
            if relay_process is not None:
                latency_relay.stop(relay_process)
            nginx.stop()
            self.restart_orthanc()   # as before, for whatever is measured next

    def check_wan_contender(self, viewer, dicomweb):
        """One request by hand to each of a contender's relays before timing OHIF, so that
        nobody is timed failing: the viewer's app-config.js, then its DICOMweb (a preflight
        from the viewer's origin across origins; a navigation and a search on one origin).
        Returns how long the first request took, a new TLS connection through the relay:
        at least 3 round trips (TCP's handshake, TLS 1.3's, the request), or the relay is
        not in the path."""
        tls = insecure_tls_context()
        viewer_port, dicomweb_port = int(viewer.rsplit(":", 1)[1]), int(dicomweb.rsplit(":", 1)[1])
        began = time.monotonic()
        response = http_request(viewer_port, "GET", "/app-config.js", tls_context=tls, timeout=60)
        seconds = time.monotonic() - began
        expected = b"/dicom-web" if viewer == dicomweb else dicomweb.encode("ascii")
        if response.status != 200 or expected not in response.body:
            raise RuntimeError("%s/app-config.js: status %d, %r" % (viewer, response.status, response.body[:300]))
        if seconds < 3 * self.arguments.rtt_ms / 1000.0 - 0.001:
            raise RuntimeError("%s answered in %.1f ms: the relay is not in the path" % (viewer, seconds * 1000))
        if viewer != dicomweb:
            response = http_request(dicomweb_port, "OPTIONS", "/dicom-web/studies", tls_context=tls, timeout=60,
                                    headers={"Origin": viewer, "Access-Control-Request-Method": "GET",
                                             "Access-Control-Request-Headers": "accept"})
            if response.status not in (200, 204) or response.header("Access-Control-Allow-Origin") != viewer:
                raise RuntimeError("preflight from %s to %s: %r" % (viewer, dicomweb, response))
        else:
            response = http_request(viewer_port, "GET", "/viewer", tls_context=tls, timeout=60,
                                    headers={"Accept": "text/html", "Sec-Fetch-Mode": "navigate"})
            if response.status != 200 or response.header("Cross-Origin-Embedder-Policy") != "require-corp":
                raise RuntimeError("%s/viewer: not OHIF's page, cross-origin isolated: %r" % (viewer, response))
            response = http_request(dicomweb_port, "GET", "/dicom-web/studies", tls_context=tls, timeout=60)
            if response.status != 200:
                raise RuntimeError("%s/dicom-web/studies: %r" % (dicomweb, response))
        return seconds

    def stop(self, failed):
        if self.nginx is not None:
            self.nginx.stop()
        if self.orthanc is not None:
            self.orthanc.cleanup(failed)
        if not failed:
            shutil.rmtree(self.work, ignore_errors=True)
        else:
            self.log("benchmark folder kept: %s" % self.work)


def https_origin(port):
    return "https://%s:%d" % (LOOPBACK, port)


class WanSetup:
    """The WAN mode's files in `folder`: the self-signed certificate every contender serves
    (127.0.0.1 and localhost), the copy of OHIF's build the gateway serves at its root
    (app-config.js with relative roots, as Resources/Examples/SameOrigin/), and the
    cross-origin viewers' app-config.js files. The three app-config.js differ only in
    their DICOMweb roots."""

    def __init__(self, folder, dist):
        os.makedirs(folder, exist_ok=True)
        self.folder = folder
        self.certificate, self.key = certificates.make_self_signed_certificate(folder, "wan")
        self.same_origin_root = os.path.join(folder, "ohif-same-origin")
        make_viewer_copy(dist, self.same_origin_root,
                         make_app_config("/dicom-web", friendly_name="Orthanc, same origin via the gateway"))

    def cross_origin_app_config(self, contender, dicomweb_root):
        path = os.path.join(self.folder, "app-config-%s.js" % contender)
        with open(path, "w", encoding="utf-8") as output:
            output.write(make_app_config(dicomweb_root, friendly_name="Orthanc via %s" % contender))
        return path


# ---- report ----------------------------------------------------------------------------

def median(values):
    return statistics.median(values) if values else None


def machine_description():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = None
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) / (1024.0 * 1024.0)
    versions = []
    for (command, pattern) in ((["nginx", "-v"], r"nginx/(\S+)"), (["wrk", "-v"], r"wrk (\S+)"),
                               ([ORTHANC_BINARY, "--version"], r"Orthanc (?:version: )?(\S+)")):
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=10)
            match = re.search(pattern, completed.stdout + completed.stderr)
            versions.append("%s %s" % (os.path.basename(command[0]), match.group(1) if match else "?"))
        except OSError:
            pass
    return "%d cores (`nproc`), %s, %.1f GiB of memory, Linux %s; %s" % (
        os.cpu_count() or 0, model, memory or 0, platform.release(), ", ".join(versions))


def ratio(numerator, denominator):
    if numerator is None or not denominator:
        return "n/a"
    return "%.2fx" % (numerator / denominator)


def seconds_saved(faster, slower):
    """"0.42 s (12 %)": what `faster` saves over `slower` (negative: it is slower)."""
    return "%.2f s (%.0f %%)" % (slower - faster, 100.0 * (slower - faster) / slower)


def wan_report(wan):
    """The WAN mode's table, its ratios and what the same-origin shape saves."""
    lines = ["## OHIF over a WAN (%g ms round trip, TLS): a %d-slice series" % (wan["rtt_ms"], wan["slices"]), "",
             "The published OHIF build in headless Chromium opening a series of %d slices of %d x %d 16-bit pixels "
             "(/viewer?StudyInstanceUIDs=...), every connection the browser opens (the viewer's files and "
             "DICOMweb) through a user-space TCP relay that delivers each chunk %g ms later each way and holds a "
             "new connection's first bytes one round trip more (TCP's handshake); no bandwidth limit. TLS on "
             "every server (TLS 1.2 and 1.3 offered, HTTP/1.1: nginx without http2, the gateway's ALPN http/1.1), one "
             "self-signed certificate. nginx and Gateway cross-origin: OHIF on an origin of its own (an nginx TLS "
             "server, the same for both), DICOMweb through nginx's CORS proxy or the gateway, every frame "
             "retrieve preflighted (OHIF's quoted multipart Accept). Gateway same-origin: OHIF served by the "
             "gateway at its root (shape 2, cross-origin isolated), DICOMweb on the same origin, no preflight. "
             "First image: until the viewport shows an image (screenshots polled every 50 ms); last slice: until "
             "every slice's WADO-RS frame has been received. A fresh Chromium per round, one untimed round each "
             "first, contenders alternated; medians."
             % (wan["slices"], wan["rows"], wan["columns"], wan["rtt_ms"] / 2.0), "",
             "| Contender | First image (s), median | Last slice (s), median | Preflights a round, median "
             "| Frame retrieves in flight, peak | Cross-origin isolated | Failed requests | Rounds |",
             "|---|---:|---:|---:|---:|---|---:|---:|"]
    medians = {}
    for contender in WAN_CONTENDERS:
        runs = wan["runs"].get(contender, [])
        if not runs:
            lines.append("| %s | n/a | n/a | n/a | n/a | n/a | n/a | 0 |" % WAN_TITLES[contender])
            continue
        medians[contender] = {key: median([run[key] for run in runs]) for key in ("firstImage", "allSlices")}
        isolated = sorted({str(run.get("crossOriginIsolated")).lower() for run in runs})
        lines.append("| %s | %.2f | %.2f | %g | %d | %s | %d | %d |"
                     % (WAN_TITLES[contender], medians[contender]["firstImage"], medians[contender]["allSlices"],
                        median([run["preflights"] for run in runs]),
                        max(run["peakFramesInFlight"] for run in runs), "/".join(isolated),
                        sum(run["failedRequests"] for run in runs), len(runs)))
    lines.append("")
    nginx, cross, same = (medians.get(name) for name in ("nginx", "gateway-cross-origin", "gateway-same-origin"))
    if cross and nginx:
        lines.append("Gateway cross-origin/nginx: %s first image, %s last slice (times: below 1.00x = the gateway "
                     "faster)." % (ratio(cross["firstImage"], nginx["firstImage"]),
                                   ratio(cross["allSlices"], nginx["allSlices"])))
    if same and cross:
        lines.append("Same origin saves %s to the first image and %s to the last slice over the gateway "
                     "cross-origin (%s and %s over nginx)."
                     % (seconds_saved(same["firstImage"], cross["firstImage"]),
                        seconds_saved(same["allSlices"], cross["allSlices"]),
                        seconds_saved(same["firstImage"], nginx["firstImage"]) if nginx else "n/a",
                        seconds_saved(same["allSlices"], nginx["allSlices"]) if nginx else "n/a"))
    lines += ["", "WAN part: %.0f s in the browser (%d round(s) and a warm-up round of each contender), "
              "during which the relays used %.1f s of CPU."
              % (wan["browser_seconds"], wan["rounds"], wan["relay_cpu_seconds"]), ""]
    return lines


def report(benchmark, wall_seconds):
    lines = ["# Benchmark results", "",
             "Machine: %s." % machine_description(), "",
             "Run: %s, %d round(s) of %d s per contender and workload (wrk, 2 threads, loopback), contenders "
             "alternated between rounds; medians over the rounds. Gateway and nginx both use %d "
             "worker thread(s)/process(es). Wall time %.0f s. Ratios: requests/s of the gateway divided by "
             "the other's (above 1.00x = gateway faster); for latency, the gateway's p99 divided by the other's."
             % ("quick" if benchmark.quick else "full", benchmark.rounds, benchmark.seconds, benchmark.threads,
                wall_seconds), ""]
    for (name, entry) in benchmark.results.items():
        workload, runs = entry["workload"], entry["runs"]
        lines += ["## %s" % workload.title, "",
                  "`%s`, %d connections.%s" % (workload.path if len(workload.path) < 60 else workload.path[:57] + "...",
                                              workload.connections, " " + workload.note if workload.note else ""), "",
                  "| Contender | Requests/s | p50 latency (ms) | p99 latency (ms) | Errors |",
                  "|---|---:|---:|---:|---:|"]
        medians = {}
        for contender in CONTENDERS:
            if contender not in runs:
                lines.append("| %s | n/a | n/a | n/a | |" % CONTENDER_TITLES[contender])
                continue
            values = {key: median([run[key] for run in runs[contender]])
                      for key in ("requests_per_second", "p50_ms", "p99_ms")}
            medians[contender] = values
            errors = sum(run["errors"] for run in runs[contender])
            lines.append("| %s | %.1f | %.3f | %.3f | %d |" % (CONTENDER_TITLES[contender],
                                                             values["requests_per_second"], values["p50_ms"],
                                                             values["p99_ms"], errors))
        gateway = medians.get("gateway", {})
        nginx = medians.get("nginx", {})
        direct = medians.get("direct", {})
        lines += ["", "Gateway/nginx: %s requests/s, %s p99. Gateway/direct: %s requests/s, %s p99."
                  % (ratio(gateway.get("requests_per_second"), nginx.get("requests_per_second")),
                     ratio(gateway.get("p99_ms"), nginx.get("p99_ms")),
                     ratio(gateway.get("requests_per_second"), direct.get("requests_per_second")),
                     ratio(gateway.get("p99_ms"), direct.get("p99_ms"))), ""]
    if "large_file" in benchmark.extra:
        large = benchmark.extra["large_file"]
        lines += ["## Large file (%.0f MiB) from a served folder" % (large["bytes"] / MIB), "",
                  "One download at a time, read and discarded by the client; rounds alternated; medians. "
                  "Both send it with sendfile(2) (the gateway on plain TCP; over TLS it reads 256 KiB at a time). "
                  "Peak RSS growth: VmHWM of the serving processes (Orthanc's; nginx's master and workers), "
                  "reset through /proc/PID/clear_refs before each download, minus their VmRSS at the start. "
                  "Orthanc's own port answers %d (the folder's MaximumFileSizeOnOrthancPort, 64 MiB)."
                  % large["direct_status"], "",
                  "| Through | MiB/s, median | Seconds, median | Peak RSS growth (MiB), max | Rounds |",
                  "|---|---:|---:|---:|---:|"]
        for contender in ("nginx", "gateway"):
            runs = large["runs"][contender]
            lines.append("| %s | %.0f | %.2f | %.1f | %d |" % (CONTENDER_TITLES[contender],
                                                               median([run["mib_per_second"] for run in runs]),
                                                               median([run["seconds"] for run in runs]),
                                                               max(run["growth_mib"] for run in runs), len(runs)))
        lines += ["", "Gateway/nginx: %s throughput." % ratio(
            median([run["mib_per_second"] for run in large["runs"]["gateway"]]),
            median([run["mib_per_second"] for run in large["runs"]["nginx"]])), ""]
    if "rss" in benchmark.extra:
        lines += ["## Orthanc's peak RSS growth during a 1 GiB WADO-RS retrieve", "",
                  "One study of 32 instances of 32 MiB, retrieved whole; VmHWM of Orthanc's process (reset "
                  "through /proc/PID/clear_refs before each retrieve) minus its VmRSS at the start.", "",
                  "| Through | Bytes | Seconds | MiB/s | Peak RSS growth (MiB) |", "|---|---:|---:|---:|---:|"]
        for (contender, figures) in benchmark.extra["rss"].items():
            lines.append("| %s | %d | %.1f | %.0f | %.1f |" % (CONTENDER_TITLES[contender], figures["bytes"],
                                                              figures["seconds"],
                                                              figures["bytes"] / MIB / figures["seconds"],
                                                              figures["growth_mib"]))
        lines.append("")
    if "ohif" in benchmark.extra:
        ohif = benchmark.extra["ohif"]
        lines += ["## OHIF in headless Chromium: a %d-slice series" % ohif["slices"], "",
                  "The published OHIF build on an origin of its own, its DICOMweb data source at nginx or at "
                  "the gateway (every retrieve is preflighted: OHIF's quoted multipart Accept); a fresh Chromium "
                  "per round, opening /viewer?StudyInstanceUIDs=... . First image: until the viewport shows an "
                  "image (screenshots polled every 50 ms); all slices: until every slice's WADO-RS frame has "
                  "been received. One untimed round each first; contenders alternated.", "",
                  "| Through | First image (s), median | All slices loaded (s), median | Rounds |",
                  "|---|---:|---:|---:|"]
        for contender in ("nginx", "gateway"):
            runs = ohif["runs"][contender]
            lines.append("| %s | %.2f | %.2f | %d |" % (CONTENDER_TITLES[contender],
                                                        median([run["firstImage"] for run in runs]),
                                                        median([run["allSlices"] for run in runs]), len(runs)))
        lines.append("")
    if "wan" in benchmark.extra:
        lines += wan_report(benchmark.extra["wan"])
    if "observability" in benchmark.extra:
        observability = benchmark.extra["observability"]
        lines += ["## Access log and metrics", "",
                  "Preflight and QIDO-RS study search through the gateway (16 connections), with "
                  "`Gateway.AccessLog` on and `/tools/metrics-prometheus` read every second, against "
                  "both off (metrics are always counted; off = never read). Orthanc restarted between the "
                  "two settings, alternated. %d access log lines written, %d scrapes."
                  % (observability["log_lines"], observability["scrapes"]), "",
                  "| Workload | Off: requests/s | On: requests/s | On/off | Off: p99 (ms) | On: p99 (ms) |",
                  "|---|---:|---:|---:|---:|---:|"]
        for (name, settings) in observability["runs"].items():
            off = {key: median([run[key] for run in settings["off"]]) for key in ("requests_per_second", "p99_ms")}
            on = {key: median([run[key] for run in settings["on"]]) for key in ("requests_per_second", "p99_ms")}
            lines.append("| %s | %.1f | %.1f | %s | %.3f | %.3f |"
                         % (name, off["requests_per_second"], on["requests_per_second"],
                            ratio(on["requests_per_second"], off["requests_per_second"]),
                            off["p99_ms"], on["p99_ms"]))
        lines.append("")
    for (name, reason) in benchmark.extra.get("failures", {}).items():
        lines += ["Not measured (%s): %s" % (name, reason), ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugin", default=os.environ.get("ORTHANC_CORS_PLUGIN"), required=False)
    parser.add_argument("--quick", action="store_true", help="a short run: 2 s per contender, 1 round, small data")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--slices", type=int, help="slices of the metadata/OHIF series (default 200; quick: 8)")
    parser.add_argument("--gateway-threads", type=int, help="gateway Threads = nginx worker_processes (default nproc)")
    parser.add_argument("--only", help="comma-separated workload names (%s; \"large-file\": the large-file table; "
                        "\"observability\": the access log and metrics table; \"wan\": the WAN mode, as --wan)"
                        % ", ".join(WORKLOAD_NAMES))
    parser.add_argument("--rss", action="store_true", help="also measure RSS during a 1 GiB retrieve (default: full runs)")
    parser.add_argument("--no-rss", action="store_true")
    parser.add_argument("--ohif", action="store_true", help="also time OHIF in headless Chromium")
    parser.add_argument("--ohif-rounds", type=int, default=3, help="timed rounds of --ohif and --wan (default 3)")
    parser.add_argument("--wan", action="store_true",
                        help="also time OHIF over a WAN: a round-trip time added to every connection, TLS everywhere")
    parser.add_argument("--rtt-ms", type=float, default=latency_relay.DEFAULT_RTT_MS,
                        help="the round-trip time --wan adds (default %d)" % latency_relay.DEFAULT_RTT_MS)
    parser.add_argument("--output", help="write the Markdown here too")
    parser.add_argument("--json", help="write every run's figures here")
    arguments = parser.parse_args()
    if not arguments.plugin:
        parser.error("--plugin (or ORTHANC_CORS_PLUGIN) is required")
    arguments.plugin = os.path.abspath(arguments.plugin)
    wanted = set(arguments.only.split(",")) if arguments.only else None
    if wanted is not None:
        unknown = wanted - set(WORKLOAD_NAMES) - {"large-file", "observability", "wan"}
        if unknown:
            parser.error("--only: unknown name(s) %s" % ", ".join(sorted(unknown)))
        arguments.wan = arguments.wan or "wan" in wanted
    if arguments.rtt_ms < 0:
        parser.error("--rtt-ms must be >= 0")
    # The instances and series of the wrk workloads (and --ohif): not made when only the
    # extras that make their own data are wanted (--only wan,large-file,observability).
    workload_data = wanted is None or bool(wanted & set(WORKLOAD_NAMES)) or arguments.ohif

    started = time.monotonic()
    benchmark = Benchmark(arguments)
    failed = True
    try:
        benchmark.start(workload_data)
        for workload in benchmark.workloads() if workload_data else ():
            if wanted is None or workload.name in wanted:
                benchmark.log("workload %s" % workload.name)
                benchmark.measure(workload)
        # The tables are worth keeping even if one of these extra figures cannot be had.
        for (wanted_extra, name, measure) in ((wanted is None or "observability" in wanted, "observability",
                                               benchmark.measure_observability),
                                              (wanted is None or "large-file" in wanted, "large_file",
                                               benchmark.measure_large_file),
                                              ((arguments.rss or (not arguments.quick and wanted is None))
                                               and not arguments.no_rss, "rss", benchmark.measure_rss),
                                              (arguments.ohif, "ohif", benchmark.measure_ohif),
                                              (arguments.wan, "wan", benchmark.measure_wan)):
            if wanted_extra:
                try:
                    measure()
                except Exception as error:   # noqa: BLE001 -- reported in the output instead
                    benchmark.log("%s: not measured: %s" % (name, error))
                    benchmark.extra.setdefault("failures", {})[name] = str(error)
        failed = False
    finally:
        benchmark.stop(failed)
    text = report(benchmark, time.monotonic() - started)
    print(text)
    if arguments.output:
        with open(arguments.output, "w", encoding="utf-8") as output:
            output.write(text + "\n")
    if arguments.json:
        with open(arguments.json, "w", encoding="utf-8") as output:
            json.dump({name: {contender: [{key: value for (key, value) in run.items() if key != "raw"}
                                          for run in runs]
                              for (contender, runs) in entry["runs"].items()}
                       for (name, entry) in benchmark.results.items()} | benchmark.extra, output, indent=2)


if __name__ == "__main__":
    main()
