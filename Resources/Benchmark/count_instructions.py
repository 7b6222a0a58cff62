# SPDX-License-Identifier: AGPL-3.0-or-later
"""User-space instructions a request, counted by callgrind: the gateway's own thread apart
from Orthanc's, and nginx (one worker, the benchmark's configuration) for the same requests.
Instruction counts are repeatable on a machine whose requests/s move by 20% between rounds:
they say where a request's time goes, which the benchmark's timings cannot.

    Resources/Benchmark/count-instructions.sh \
        --plugin build/libOrthancCors.so [--requests 100] [preflight qido metadata retrieve stow]

(count-instructions.sh installs valgrind, nginx-light, Orthanc and its DICOMweb plugin when
missing, and runs this.) Each workload starts Orthanc under callgrind (one
gateway thread, --separate-threads=yes), sends its request `--requests` times on one
connection after 20 untimed (preflights: 20 times as many), through the gateway then straight
to Orthanc; then nginx under callgrind in front of an Orthanc run normally. A few minutes a
workload on 2 cores. (callgrind counts a memcpy done with `rep movsb` a byte at a time: bodies
copied weigh more than their time.)"""

import argparse
import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import benchmark  # noqa: E402  (the workloads' data and nginx's configuration)
from orthanc_cors_tools import orthanc as orthanc_module  # noqa: E402
from orthanc_cors_tools.orthanc import OrthancInstance, wait_until_http_ready  # noqa: E402
from orthanc_cors_tools.raw_http import LOOPBACK, free_port  # noqa: E402

WORKLOADS = ("preflight", "qido", "metadata", "retrieve", "stow")
UNTIMED = 20


def request_of(workload, orthanc, work):
    """(method, path, extra header lines, body) of one request of `workload`."""
    instance = benchmark.create_single(orthanc, 512, "BENCH-SMALL")
    headers = "Origin: %s\r\n" % benchmark.ORIGIN
    if workload == "preflight":
        return ("OPTIONS", "/dicom-web/studies",
                headers + "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: authorization,accept\r\n",
                b"")
    if workload == "qido":
        return "GET", benchmark.QIDO_PATH, headers + "Accept: application/dicom+json\r\n", b""
    if workload == "metadata":
        return ("GET", benchmark.retrieve_path(instance) + "/metadata",
                headers + "Accept: application/dicom+json\r\n", b"")
    if workload == "retrieve":
        return ("GET", benchmark.retrieve_path(instance),
                headers + 'Accept: multipart/related; type="application/dicom"\r\n', b"")
    path, content_type, _ = benchmark.stow_body(orthanc, instance["id"], work)
    with open(path, "rb") as source:
        body = source.read()
    return ("POST", "/dicom-web/studies",
            headers + "Content-Type: %s\r\nContent-Length: %d\r\nAccept: application/dicom+json\r\n"
            % (content_type, len(body)), body)


def exchange(port, request, count):
    """Sends `request` `count` times on one connection, reading each answer whole;
    returns the last status."""
    method, path, headers, body = request
    raw = ("%s %s HTTP/1.1\r\nHost: %s:%d\r\n%s\r\n" % (method, path, LOOPBACK, port, headers)).encode() + body
    status = None
    with socket.create_connection((LOOPBACK, port), timeout=600) as connection:
        for _ in range(count):
            connection.sendall(raw)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = connection.recv(1 << 20)
                if not chunk:
                    raise RuntimeError("the server closed the connection")
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            status = int(head.split(b" ")[1])
            length = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
            if length:
                while len(rest) < int(length.group(1)):
                    rest += connection.recv(1 << 20)
            elif re.search(rb"(?i)\r\ntransfer-encoding:\s*chunked", head):
                while not rest.endswith(b"0\r\n\r\n"):
                    rest += connection.recv(1 << 20)
    return status


def callgrind(*arguments):
    subprocess.run(["callgrind_control"] + list(arguments), check=True, capture_output=True, timeout=120)


def totals(directory, label):
    """(gateway thread(s), other threads) instructions of the dump named `label`."""
    gateway = other = 0
    for path in glob.glob(os.path.join(directory, "callgrind.out.*")):
        with open(path, errors="replace") as source:
            text = source.read()
        if ("\ndesc: Trigger: dump %s\n" % label) not in text:
            continue
        found = re.search(r"\ntotals: (\d+)", text)
        count = int(found.group(1)) if found else 0
        if "OrthancCors::Session::" in text:
            gateway += count
        else:
            other += count
    return gateway, other


def count_through_orthanc(plugin, workload, requests, work):
    """Instructions a request: the gateway's thread, and Orthanc's threads through the
    gateway and direct."""
    directory = os.path.join(work, "orthanc-" + workload)
    os.makedirs(directory)
    wrapper = os.path.join(work, "orthanc-under-callgrind.sh")
    with open(wrapper, "w") as script:
        script.write('#!/bin/sh\n[ "$1" = "--version" ] && exec %s "$@"\n'
                     'exec valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes '
                     '--callgrind-out-file=%s/callgrind.out.%%p %s "$@"\n'
                     % (REAL_ORTHANC, directory, REAL_ORTHANC))
    os.chmod(wrapper, 0o755)
    orthanc_module.ORTHANC_BINARY = wrapper
    os.environ["ORTHANC_CORS_PLUGIN"] = plugin
    port = free_port()
    orthanc = OrthancInstance(cors={"AllowedOrigins": [benchmark.ORIGIN],
                                    "Gateway": {"Port": port, "BindAddress": LOOPBACK, "Threads": 1}},
                              name="count-instructions")
    try:
        orthanc.start(timeout=600)
        wait_until_http_ready(port, path="/system", timeout=600)
        request = request_of(workload, orthanc, work)
        for (label, target) in (("gateway", port), ("direct", orthanc.http_port)):
            exchange(target, request, UNTIMED)
            callgrind("-z")
            callgrind("-i", "on")
            exchange(target, request, requests)
            callgrind("-i", "off")
            callgrind("-d", label)
    finally:
        orthanc.stop(timeout=300)
        orthanc.cleanup(False)
        orthanc_module.ORTHANC_BINARY = REAL_ORTHANC
    through = totals(directory, "gateway")
    direct = totals(directory, "direct")
    return through[0] // requests, through[1] // requests, (direct[0] + direct[1]) // requests


def count_nginx(plugin, workload, requests, work):
    """nginx's instructions a request (one worker, no master) in front of an Orthanc run normally."""
    directory = os.path.join(work, "nginx-" + workload)
    os.makedirs(directory)
    os.environ["ORTHANC_CORS_PLUGIN"] = plugin
    orthanc = OrthancInstance(name="count-instructions-nginx")
    process = None
    try:
        orthanc.start(timeout=300)
        request = request_of(workload, orthanc, work)
        nginx = benchmark.Nginx(directory, orthanc.http_port, work, 1, [benchmark.ORIGIN])
        process = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                                    "--callgrind-out-file=%s/callgrind.out.%%p" % directory,
                                    "nginx", "-p", directory, "-c", nginx.configuration, "-g", "master_process off;"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_http_ready(nginx.port, timeout=300)
        exchange(nginx.port, request, UNTIMED)
        callgrind("-i", "on", str(process.pid))
        exchange(nginx.port, request, requests)
        callgrind("-i", "off", str(process.pid))
    finally:
        if process is not None:
            process.terminate()
            process.wait(120)
        orthanc.stop(timeout=120)
        orthanc.cleanup(False)
    with open(glob.glob(os.path.join(directory, "callgrind.out.*"))[0]) as source:
        found = re.search(r"\ntotals: (\d+)", source.read())
    return int(found.group(1)) // requests


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plugin", required=True, help="libOrthancCors.so to measure")
    parser.add_argument("--requests", type=int, default=100, help="requests counted a workload (preflights: 20x)")
    parser.add_argument("workloads", nargs="*", help="among %s (default: all)" % ", ".join(WORKLOADS))
    arguments = parser.parse_args()
    unknown = [name for name in arguments.workloads if name not in WORKLOADS]
    if unknown:
        parser.error("unknown workload(s) %s: choose among %s" % (", ".join(unknown), ", ".join(WORKLOADS)))
    for (tool, package) in (("valgrind", "valgrind"), ("callgrind_control", "valgrind"), ("nginx", "nginx-light")):
        if shutil.which(tool) is None:
            parser.error("%s is missing: apt-get install %s" % (tool, package))
    plugin = os.path.abspath(arguments.plugin)
    print("| Request | Gateway's thread | Orthanc through the gateway | Orthanc direct | nginx |")
    print("|---|---:|---:|---:|---:|")
    for workload in arguments.workloads or WORKLOADS:
        requests = arguments.requests * (20 if workload == "preflight" else 1)
        with tempfile.TemporaryDirectory(prefix="count-instructions-") as work:
            gateway, orthanc_through, orthanc_direct = count_through_orthanc(plugin, workload, requests, work)
            nginx = count_nginx(plugin, workload, requests, work)
        print("| %s | %d | %d | %s | %d |" % (workload, gateway, orthanc_through,
                                              "404" if workload == "preflight" else str(orthanc_direct), nginx),
              flush=True)


REAL_ORTHANC = orthanc_module.ORTHANC_BINARY

if __name__ == "__main__":
    main()
