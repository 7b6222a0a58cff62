# SPDX-License-Identifier: AGPL-3.0-or-later
"""The gateway's bounded buffers and clean stop, measured on a real Orthanc:

- a WADO-RS retrieve of more than 200 MiB (large uncompressed CT instances made
  through /tools/create-dicom) through the gateway: Orthanc's memory growth
  (VmRSS sampled during the transfer, and VmHWM, from /proc/<pid>/status) is
  printed next to the same retrieve from Orthanc's own port, on fresh processes
  sharing one storage; the gateway must not add the size of the answer;
- the time Orthanc takes to stop with client connections open and a transfer in
  flight through the gateway, next to the time it takes with none.

The figures are printed for the report; the assertions are correctness bounds
(the answer is not held in memory; Stop() does not hang), not speed targets."""

import base64
import http.client
import re
import shutil
import socket
import tempfile
import time
import unittest

from orthanc_cors_tools.dicom_data import CT_IMAGE_STORAGE, flat_png16, new_uid
from orthanc_cors_tools.memory import MIB, RssSampler, memory_kib
from orthanc_cors_tools.orthanc import OrthancInstance, wait_until_http_ready
from orthanc_cors_tools.raw_http import LOOPBACK, free_port, read_one_response, status_of
import test_gateway as gateway_tests

LARGE_SIDE = 4096                    # 4096 x 4096 x 16 bits = 32 MiB of pixel data per instance
LARGE_INSTANCES = 8                  # 256 MiB in all
DICOM_MULTIPART = gateway_tests.DICOM_MULTIPART

# The gateway streams through 64 KiB chunks; this leaves room for allocator
# noise and Orthanc's own variation between two fresh processes, and is far
# below the 256 MiB a buffering relay would add.
GATEWAY_EXTRA_GROWTH_BOUND = 64 * MIB
STOP_BOUND_SECONDS = 2.0


def create_large_series(orthanc):
    study_uid, series_uid = new_uid(), new_uid()
    for index in range(LARGE_INSTANCES):
        orthanc.api("POST", "/tools/create-dicom", {
            "Force": True,
            "Tags": {
                "PatientID": "CORS-LARGE", "PatientName": "CORS^LARGE", "StudyInstanceUID": study_uid,
                "SeriesInstanceUID": series_uid, "SOPInstanceUID": new_uid(), "SOPClassUID": CT_IMAGE_STORAGE,
                "Modality": "CT", "InstanceNumber": str(index + 1), "StudyDate": "20240101",
            },
            "Content": "data:image/png;base64," + base64.b64encode(flat_png16(LARGE_SIDE, 97 * index)).decode("ascii"),
        })
    return study_uid, series_uid


def stream_retrieve(port, path, read_size=MIB):
    """GET with a multipart DICOM Accept, read in pieces and counted, never kept."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=300)
    try:
        connection.request("GET", path, headers={"Accept": DICOM_MULTIPART, "Origin": gateway_tests.ALLOWED_ORIGIN})
        response = connection.getresponse()
        total = 0
        while True:
            piece = response.read(read_size)
            if not piece:
                break
            total += len(piece)
        return response.status, dict((k.lower(), v) for (k, v) in response.getheaders()), total
    finally:
        connection.close()


class LargeSeriesOnSharedStorage(unittest.TestCase):
    """One large series created once, in a storage that each test's fresh Orthanc reuses."""

    STORAGE_PREFIX = "orthanc-cors-large-"

    @classmethod
    def setUpClass(cls):
        cls.storage = tempfile.mkdtemp(prefix=cls.STORAGE_PREFIX)
        cls.addClassCleanup(shutil.rmtree, cls.storage, True)
        creator = cls.new_orthanc()
        with creator:
            cls.study_uid, cls.series_uid = create_large_series(creator)

    @classmethod
    def new_orthanc(cls):
        return OrthancInstance(cors=gateway_tests.gateway_section(free_port()),
                               extra_configuration={"StorageDirectory": cls.storage, "IndexDirectory": cls.storage})


class LargeRetrieveMemory(LargeSeriesOnSharedStorage):

    def measure(self, through_gateway):
        """(bytes retrieved, peak VmRSS growth, VmHWM growth), in bytes, on a fresh Orthanc."""
        orthanc = self.new_orthanc()
        with orthanc:
            gateway_port = orthanc.cors["Gateway"]["Port"]
            wait_until_http_ready(gateway_port)
            port = gateway_port if through_gateway else orthanc.http_port
            path = "/dicom-web/studies/%s/series/%s" % (self.study_uid, self.series_uid)
            pid = orthanc.process.pid
            baseline_rss = memory_kib(pid, "VmRSS")
            baseline_hwm = memory_kib(pid, "VmHWM")
            sampler = RssSampler(pid)
            sampler.start()
            status, headers, total = stream_retrieve(port, path)
            peak = sampler.finish()
            hwm = memory_kib(pid, "VmHWM")
            self.assertEqual(status, 200)
            if through_gateway:
                self.assertEqual(headers.get("access-control-allow-origin"), gateway_tests.ALLOWED_ORIGIN)
            return total, (peak - baseline_rss) * 1024, (hwm - baseline_hwm) * 1024

    def test_large_retrieve_is_streamed_without_holding_the_answer(self):
        total_gateway, rss_gateway, hwm_gateway = self.measure(through_gateway=True)
        total_direct, rss_direct, hwm_direct = self.measure(through_gateway=False)

        print("\n[gateway] WADO-RS retrieve of %.1f MiB: Orthanc RSS growth through the gateway %.1f MiB "
              "(VmHWM +%.1f MiB); from Orthanc's own port %.1f MiB (VmHWM +%.1f MiB); "
              "difference %.1f MiB"
              % (total_gateway / MIB, rss_gateway / MIB, hwm_gateway / MIB, rss_direct / MIB, hwm_direct / MIB,
                 (rss_gateway - rss_direct) / MIB))

        self.assertGreaterEqual(total_gateway, 200 * MIB)
        self.assertEqual(total_gateway, total_direct)
        self.assertLess(rss_gateway - rss_direct, GATEWAY_EXTRA_GROWTH_BOUND)


class StopWithOpenConnections(LargeSeriesOnSharedStorage):

    STORAGE_PREFIX = "orthanc-cors-stop-"

    @staticmethod
    def time_stop(orthanc):
        """Seconds from SIGTERM to exit, and what went wrong (None: exit status 0)."""
        began = time.monotonic()
        problem = orthanc.stop()
        return time.monotonic() - began, problem

    def test_orthanc_stops_promptly_with_connections_and_a_transfer_open(self):
        # Baseline: the same set-up with no connection open.
        idle = self.new_orthanc()
        with idle:
            wait_until_http_ready(idle.cors["Gateway"]["Port"])
            baseline, baseline_problem = self.time_stop(idle)

        busy = self.new_orthanc()
        with busy:
            port = busy.cors["Gateway"]["Port"]
            wait_until_http_ready(port)
            sockets = []
            try:
                for _ in range(20):   # keep-alive connections that served a request
                    connection = socket.create_connection((LOOPBACK, port), timeout=30)
                    connection.sendall(b"GET /dicom-web/studies HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    self.assertEqual(status_of(read_one_response(connection)), 200)
                    sockets.append(connection)
                for _ in range(5):    # connections that sent nothing yet
                    sockets.append(socket.create_connection((LOOPBACK, port), timeout=30))
                # A large retrieve in flight, its reader stalled after the first bytes.
                transfer = socket.create_connection((LOOPBACK, port), timeout=30)
                transfer.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
                transfer.sendall(("GET /dicom-web/studies/%s/series/%s HTTP/1.1\r\nHost: localhost\r\nAccept: %s\r\n\r\n"
                                  % (self.study_uid, self.series_uid, DICOM_MULTIPART)).encode("ascii"))
                self.assertTrue(transfer.recv(65536).startswith(b"HTTP/1.1 200"))
                sockets.append(transfer)

                elapsed, problem = self.time_stop(busy)
            finally:
                for connection in sockets:
                    connection.close()
            stop_line = re.search(r"Cors gateway: stopped in (\d+) ms, closing (\d+) open", busy.log_text())

        print("\n[gateway] Orthanc stop time: %.2f s with 26 client connections open (one transfer in flight), "
              "%.2f s with none; the gateway's own Stop(): %s ms for %s connections"
              % (elapsed, baseline, stop_line.group(1) if stop_line else "?", stop_line.group(2) if stop_line else "?"))

        self.assertIsNone(problem)
        self.assertIsNone(baseline_problem)
        self.assertIsNotNone(stop_line, "the gateway did not log its stop")
        self.assertLess(int(stop_line.group(1)) / 1000.0, STOP_BOUND_SECONDS)
        self.assertLess(elapsed - baseline, STOP_BOUND_SECONDS)


if __name__ == "__main__":
    unittest.main()
