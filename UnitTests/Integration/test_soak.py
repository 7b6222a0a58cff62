# SPDX-License-Identifier: AGPL-3.0-or-later
"""Soak: at least 60 s of mixed load through the gateway at 128 connections, on a
real Orthanc (1.10.1 and 1.13.0: Resources/Documentation/Operations.md, Compatibility) with the real DICOMweb plugin: preflights, QIDO-RS
searches, WADO-RS retrieves (checked byte for byte) and STOW-RS uploads, each
connection kept alive and cycling through the four.

Afterwards: no 5xx at all (so none made by the gateway) and no failed exchange,
every upload retrievable byte-identical from Orthanc, Orthanc's resident memory
back near its baseline (measured after a warm-up with the same load, so that
thread stacks, caches and SQLite's pages are already counted), and Orthanc still
answering. Request and error counts and the memory figures are printed.

ORTHANC_CORS_SOAK_SECONDS lengthens the soak (minimum and default: 60)."""

import base64
import http.client
import json
import os
import threading
import time
import unittest
import uuid

from orthanc_cors_tools.dicom_data import CT_IMAGE_STORAGE, create_ct_series, new_uid, phantom_slice, png_grey16
from orthanc_cors_tools.memory import RssSampler, memory_kib, settled_memory_kib
from orthanc_cors_tools.orthanc import wait_until_http_ready
from orthanc_cors_tools.raw_http import LOOPBACK, free_port
from orthanc_cors_tools.testing import OrthancTestCase
from test_gateway import DICOM_MULTIPART, build_multipart, parse_multipart

ALLOWED_ORIGIN = "http://localhost:3000"
CONNECTIONS = 128
SOAK_SECONDS = max(60, int(os.environ.get("ORTHANC_CORS_SOAK_SECONDS", "60")))
WARM_UP_SECONDS = 8
MAX_UPLOADS = 1200              # bounds the verification afterwards
# After the soak, with every connection closed: at most this much above the
# warmed-up baseline. A leak of even one small buffer per request (tens of
# thousands of requests) or of one 64 KiB chunk per connection would exceed it.
RSS_GROWTH_BOUND_KIB = 48 * 1024
OPERATIONS = ("preflight", "qido", "retrieve", "upload")
# A fixed-length UID root, so that a template file can be given new SOP Instance
# UIDs by replacing bytes (same length: the element lengths do not change).
UID_ROOT = "2.25."
UID_FIRST = 10 ** 30


def uid_number(number):
    return (UID_ROOT + str(UID_FIRST + number)).encode("ascii")


class Tally:
    """Thread-safe counts of requests and errors per operation."""

    def __init__(self, first_upload):
        self.lock = threading.Lock()
        self.requests = dict((name, 0) for name in OPERATIONS)
        self.errors = dict((name, 0) for name in OPERATIONS)
        self.server_errors = 0
        self.examples = []
        self.uploads = {}          # SOP Instance UID -> bytes sent
        self.first_upload = first_upload   # upload numbers (UIDs) never repeat between runs
        self.next_upload = first_upload

    def count(self, operation, error=None, status=None):
        with self.lock:
            self.requests[operation] += 1
            if status is not None and status >= 500:
                self.server_errors += 1
            if error is not None:
                self.errors[operation] += 1
                if len(self.examples) < 10:
                    self.examples.append("%s: %s" % (operation, error))

    def take_upload_number(self):
        with self.lock:
            if self.next_upload - self.first_upload >= MAX_UPLOADS:
                return None
            self.next_upload += 1
            return self.next_upload

    def record_upload(self, uid, content):
        with self.lock:
            self.uploads[uid] = content

    def total_requests(self):
        return sum(self.requests.values())

    def total_errors(self):
        return sum(self.errors.values())


class Worker(threading.Thread):
    """One keep-alive connection to the gateway, cycling through the operations."""

    def __init__(self, index, soak, tally, stop_at):
        super().__init__(daemon=True)
        self.index = index
        self.soak = soak
        self.tally = tally
        self.stop_at = stop_at
        self.connection = None

    def run(self):
        step = self.index
        try:
            while time.monotonic() < self.stop_at:
                operation = OPERATIONS[step % len(OPERATIONS)]
                step += 1
                if operation == "upload":
                    number = self.tally.take_upload_number()
                    if number is None:
                        operation = "qido"
                try:
                    status, error = getattr(self, operation)(number if operation == "upload" else None)
                except (OSError, http.client.HTTPException) as failure:
                    status, error = None, "%s: %r" % (type(failure).__name__, failure)
                    self.close()
                self.tally.count(operation, error, status)
        finally:
            self.close()

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def exchange(self, method, path, headers, body=None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(LOOPBACK, self.soak.gateway_port, timeout=120)
        headers = dict(headers, Origin=ALLOWED_ORIGIN)
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response, data

    @staticmethod
    def check(response, expected_status):
        if response.status != expected_status:
            return "status %d, expected %d" % (response.status, expected_status)
        if response.getheader("Access-Control-Allow-Origin") != ALLOWED_ORIGIN:
            return "Access-Control-Allow-Origin %r" % response.getheader("Access-Control-Allow-Origin")
        return None

    def preflight(self, _):
        response, _ = self.exchange("OPTIONS", "/dicom-web/studies", {
            "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, authorization"})
        return response.status, self.check(response, 204)

    def qido(self, _):
        response, data = self.exchange("GET", "/dicom-web/studies?PatientID=" + self.soak.series["PatientID"],
                                       {"Accept": "application/dicom+json"})
        error = self.check(response, 200)
        if error is None and len(json.loads(data)) != 1:
            error = "QIDO-RS found %d studies" % len(json.loads(data))
        return response.status, error

    def retrieve(self, _):
        series = self.soak.series
        which = self.index % len(series["SOPInstanceUIDs"])
        response, data = self.exchange("GET", "/dicom-web/studies/%s/series/%s/instances/%s" % (
            series["StudyInstanceUID"], series["SeriesInstanceUID"], series["SOPInstanceUIDs"][which]),
            {"Accept": DICOM_MULTIPART})
        error = self.check(response, 200)
        if error is None:
            parts = parse_multipart(response.getheader("Content-Type"), data)
            if len(parts) != 1 or parts[0][1] != self.soak.stored_files[which]:
                error = "retrieved instance differs from the stored file"
        return response.status, error

    def upload(self, number):
        uid = uid_number(number)
        content = self.soak.template.replace(self.soak.template_uid, uid)
        boundary = uuid.uuid4().hex
        response, data = self.exchange("POST", "/dicom-web/studies", {
            "Accept": "application/dicom+json",
            "Content-Type": DICOM_MULTIPART + "; boundary=" + boundary},
            body=build_multipart([content], boundary.encode("ascii")))
        error = self.check(response, 200)
        if error is None:
            self.tally.record_upload(uid.decode("ascii"), content)
        return response.status, error


def run_load(soak, seconds, connections, first_upload):
    tally = Tally(first_upload)
    stop_at = time.monotonic() + seconds
    workers = [Worker(index, soak, tally, stop_at) for index in range(connections)]
    began = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 300)
    return tally, time.monotonic() - began, sum(worker.is_alive() for worker in workers)


class Soak(OrthancTestCase):

    def setUp(self):
        super().setUp()
        self.gateway_port = free_port()
        self.orthanc = self.start_orthanc(cors={
            "AllowedOrigins": [ALLOWED_ORIGIN],
            # Every worker connects from 127.0.0.1: one client address, as behind a proxy.
            "Gateway": {"Port": self.gateway_port, "MaxConnections": 1000, "MaxConnectionsPerClient": 1000},
        })
        wait_until_http_ready(self.gateway_port)
        self.series = create_ct_series(self.orthanc, slices=8, rows=64, columns=64)
        self.stored_files = [self.orthanc.request("GET", "/instances/%s/file" % identifier).body
                             for identifier in self.series["OrthancInstanceIds"]]
        # The upload template: a small instance of another patient, created with a
        # UID of the fixed-length form, downloaded then deleted.
        self.template_uid = uid_number(0)
        answer = self.orthanc.api("POST", "/tools/create-dicom", {
            "Force": True,
            "Tags": {"PatientID": "CORS-SOAK-UPLOADS", "PatientName": "CORS^SOAK", "StudyInstanceUID": new_uid(),
                     "SeriesInstanceUID": new_uid(), "SOPInstanceUID": self.template_uid.decode("ascii"),
                     "SOPClassUID": CT_IMAGE_STORAGE, "Modality": "CT", "StudyDate": "20240101"},
            "Content": "data:image/png;base64," + base64.b64encode(
                png_grey16(phantom_slice(0, 1, 16, 16), 16, 16)).decode("ascii")})
        identifier = answer["ID"]
        self.template = self.orthanc.request("GET", "/instances/%s/file" % identifier).body
        self.assertEqual(self.template.count(self.template_uid), 2)   # file meta and data set
        self.orthanc.api("DELETE", "/instances/" + identifier)

    def fetch_stored(self, uid):
        found = self.orthanc.request("POST", "/tools/lookup", body=uid).json()
        instances = [entry["ID"] for entry in found if entry["Type"] == "Instance"]
        if len(instances) != 1:
            return None
        return self.orthanc.request("GET", "/instances/%s/file" % instances[0]).body

    def test_mixed_load_through_the_gateway(self):
        pid = self.orthanc.process.pid
        started_kib = memory_kib(pid, "VmRSS")

        warm_up, _, _ = run_load(self, WARM_UP_SECONDS, CONNECTIONS, first_upload=0)
        baseline_kib = settled_memory_kib(pid)

        sampler = RssSampler(pid)
        sampler.start()
        tally, elapsed, stuck = run_load(self, SOAK_SECONDS, CONNECTIONS, first_upload=warm_up.next_upload)
        peak_kib = sampler.finish()

        # Every client connection is closed; the gateway and Orthanc close their
        # side (Orthanc's keep-alive is 1 s) and free what they held.
        after_kib = settled_memory_kib(pid, at_most_kib=baseline_kib + RSS_GROWTH_BOUND_KIB)

        print("\nsoak: %d connections for %.1f s: %d requests (%s), %.0f requests/s; "
              "errors: %d (%s); 5xx: %d; warm-up: %d requests, %d errors"
              % (CONNECTIONS, elapsed, tally.total_requests(),
                 ", ".join("%s %d" % (name, tally.requests[name]) for name in OPERATIONS),
                 tally.total_requests() / elapsed, tally.total_errors(),
                 ", ".join("%s %d" % (name, tally.errors[name]) for name in OPERATIONS),
                 tally.server_errors, warm_up.total_requests(), warm_up.total_errors()))
        print("Orthanc VmRSS: %.1f MiB at start, %.1f MiB after the warm-up (baseline), %.1f MiB peak, "
              "%.1f MiB after the soak (%+.1f MiB)" % (started_kib / 1024, baseline_kib / 1024, peak_kib / 1024,
                                                      after_kib / 1024, (after_kib - baseline_kib) / 1024))
        for example in tally.examples + warm_up.examples:
            print("  error: " + example)

        self.assertEqual(stuck, 0, "workers still waiting for an answer")
        self.assertEqual(warm_up.total_errors() + tally.total_errors(), 0)
        self.assertEqual(warm_up.server_errors + tally.server_errors, 0)
        for name in OPERATIONS:
            self.assertGreater(tally.requests[name], 0, name)

        uploads = dict(warm_up.uploads)
        uploads.update(tally.uploads)
        mismatches = [uid for (uid, content) in uploads.items() if self.fetch_stored(uid) != content]
        print("uploads: %d, retrieved byte-identical from Orthanc: %d" % (len(uploads), len(uploads) - len(mismatches)))
        self.assertEqual(mismatches, [])

        self.assertLessEqual(after_kib - baseline_kib, RSS_GROWTH_BOUND_KIB)
        self.assertEqual(self.orthanc.request("GET", "/system").status, 200)
        preflight = self.orthanc.request("OPTIONS", "/dicom-web/studies", port=self.gateway_port, headers={
            "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "GET"})
        self.assertEqual(preflight.status, 204)
        self.assertTrue(self.orthanc.is_running())


if __name__ == "__main__":
    unittest.main()
