# SPDX-License-Identifier: AGPL-3.0-or-later
"""Self-tests of the integration harness, with Orthanc and the DICOMweb plugin only
(not this plugin): if these fail, no other integration result means anything."""

import http.server
import json
import os
import shutil
import signal
import socket
import tempfile
import threading
import unittest

from orthanc_cors_tools.dicom_data import create_ct_series, png_grey16
from orthanc_cors_tools.orthanc import DICOMWEB_PLUGIN, OrthancError, OrthancInstance
from orthanc_cors_tools.orthanc_json import strip_json_comments
from orthanc_cors_tools.raw_http import free_port, http_request, parse_responses, status_of
from orthanc_cors_tools.testing import OrthancTestCase


class HarnessWithDicomWebOnly(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        cls.orthanc = cls.start_class_orthanc(plugins=[DICOMWEB_PLUGIN])
        cls.series = create_ct_series(cls.orthanc, slices=4, rows=64, columns=48)

    def test_orthanc_answers_on_its_loopback_port_with_the_temporary_configuration(self):
        system = self.orthanc.api("GET", "/system")
        self.assertEqual(system["HttpPort"], self.orthanc.http_port)
        self.assertEqual(system["DicomPort"], self.orthanc.dicom_port)
        self.assertEqual(system["Name"], self.orthanc.name)
        self.assertIn("dicom-web", self.orthanc.api("GET", "/plugins"))

    def test_created_ct_series_is_listed_by_qido_rs(self):
        studies = self.orthanc.api("GET", "/dicom-web/studies")
        self.assertIn(self.series["StudyInstanceUID"], [study["0020000D"]["Value"][0] for study in studies])
        instances = self.orthanc.api(
            "GET", "/dicom-web/studies/%s/series/%s/instances"
            % (self.series["StudyInstanceUID"], self.series["SeriesInstanceUID"]))
        self.assertEqual(sorted(entry["00080018"]["Value"][0] for entry in instances),
                         sorted(self.series["SOPInstanceUIDs"]))

    def test_created_slices_are_16_bit_ct_images_with_the_requested_geometry(self):
        tags = self.orthanc.api("GET", "/instances/%s/simplified-tags" % self.series["OrthancInstanceIds"][1])
        self.assertEqual(tags["Modality"], "CT")
        self.assertEqual(tags["SOPClassUID"], "1.2.840.10008.5.1.4.1.1.2")
        self.assertEqual(tags["SOPInstanceUID"], self.series["SOPInstanceUIDs"][1])
        self.assertEqual((tags["Rows"], tags["Columns"], tags["BitsAllocated"]), ("64", "48", "16"))
        self.assertEqual(tags["InstanceNumber"], "2")
        self.assertEqual(tags["ImageOrientationPatient"], "1\\0\\0\\0\\1\\0")
        self.assertEqual(tags["PhotometricInterpretation"], "MONOCHROME2")

    def test_created_slices_are_neither_blank_nor_identical(self):
        frames = [self.orthanc.request("GET", "/instances/%s/frames/0/raw" % identifier).body
                  for identifier in self.series["OrthancInstanceIds"]]
        self.assertEqual(len(frames[0]), 64 * 48 * 2)
        self.assertGreater(len(set(frames[0][i:i + 2] for i in range(0, len(frames[0]), 2))), 2)
        self.assertNotEqual(frames[0], frames[1])

    def test_wait_for_log_finds_a_line_orthanc_wrote(self):
        match = self.orthanc.wait_for_log(r"HTTP server listening on port: (\d+)")
        self.assertEqual(int(match.group(1)), self.orthanc.http_port)

    def test_wait_for_log_gives_up_after_its_timeout(self):
        with self.assertRaises(AssertionError):
            self.orthanc.wait_for_log("this line is never written", timeout=0.2)


class HarnessLifeCycle(unittest.TestCase):

    def test_context_manager_stops_orthanc_and_removes_its_folder(self):
        with OrthancInstance(plugins=[]) as orthanc:
            process = orthanc.process
            self.assertEqual(orthanc.request("GET", "/system").status, 200)
        self.assertIsNotNone(process.poll())
        self.assertEqual(orthanc.exit_code, 0)
        self.assertFalse(os.path.exists(orthanc.directory))
        with self.assertRaises(OSError):
            http_request(orthanc.http_port, "GET", "/system", timeout=2)

    def test_context_manager_keeps_folder_and_log_when_the_block_fails(self):
        orthanc = OrthancInstance(plugins=[])
        orthanc.report_failures = False   # the failure is simulated
        with self.assertRaises(RuntimeError):
            with orthanc:
                raise RuntimeError("simulated test failure")
        try:
            self.assertFalse(orthanc.is_running())
            self.assertIn("Orthanc has stopped", orthanc.log_text())
        finally:
            shutil.rmtree(orthanc.directory, ignore_errors=True)

    def test_cleanup_reports_an_orthanc_that_died_during_the_test(self):
        orthanc = OrthancInstance(plugins=[])
        orthanc.report_failures = False   # the crash is simulated
        orthanc.start()
        try:
            orthanc.process.send_signal(signal.SIGKILL)
            orthanc.process.wait(timeout=10)
            with self.assertRaises(OrthancError):
                orthanc.cleanup(failed=False)
        finally:
            orthanc.stop()
            shutil.rmtree(orthanc.directory, ignore_errors=True)

    def test_start_expecting_failure_returns_the_exit_status_and_the_log(self):
        with tempfile.NamedTemporaryFile(suffix=".so") as not_a_library:
            not_a_library.write(b"not a shared library")
            not_a_library.flush()
            orthanc = OrthancInstance(plugins=[not_a_library.name])
            exit_code, log = orthanc.start_expecting_failure()
        self.assertNotEqual(exit_code, 0)
        self.assertTrue(any(not_a_library.name in line for line in log.splitlines() if line.startswith("E")))
        self.assertFalse(os.path.exists(orthanc.directory))

    def test_start_expecting_failure_fails_fast_when_orthanc_starts(self):
        orthanc = OrthancInstance(plugins=[])
        orthanc.report_failures = False   # starting is the expected "failure" here
        with self.assertRaises(AssertionError):
            orthanc.start_expecting_failure()
        self.assertFalse(orthanc.is_running())
        shutil.rmtree(orthanc.directory, ignore_errors=True)

    def test_start_raises_with_the_log_when_orthanc_exits(self):
        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        try:
            orthanc = OrthancInstance(plugins=[], extra_configuration={"HttpPort": busy.getsockname()[1]})
            orthanc.report_failures = False   # the port conflict is on purpose
            with self.assertRaises(OrthancError):
                with orthanc:
                    pass
            shutil.rmtree(orthanc.directory, ignore_errors=True)
        finally:
            busy.close()

    def test_authentication_settings_reach_orthanc_and_api_sends_the_credentials(self):
        with OrthancInstance(plugins=[], authentication_enabled=True,
                             registered_users={"alice": "secret"}) as orthanc:
            self.assertEqual(orthanc.request("GET", "/system").status, 401)
            self.assertEqual(orthanc.api("GET", "/system")["HttpPort"], orthanc.http_port)

    def test_free_port_is_bindable_on_loopback(self):
        port = free_port()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))


class _RepeatedHeadersHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        received = "\n".join("%s: %s" % (name, value) for (name, value) in self.headers.items())
        body = received.encode("utf-8")
        self.send_response(200)
        self.send_header("Vary", "Origin")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments):
        pass


class HarnessHttpClient(unittest.TestCase):

    def setUp(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RepeatedHeadersHandler)
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.port = self.server.server_address[1]

    def test_response_headers_keep_repeated_names_in_order(self):
        response = http_request(self.port, "GET", "/")
        self.assertEqual(response.header_values("vary"), ["Origin", "Accept-Encoding"])
        with self.assertRaises(AssertionError):
            response.header("Vary")

    def test_request_sends_repeated_header_lines_and_the_given_host(self):
        response = http_request(self.port, "GET", "/", headers=[
            ("Host", "viewer.example:8043"),
            ("Access-Control-Request-Headers", "authorization"),
            ("Access-Control-Request-Headers", "content-type")])
        lines = response.body.decode("utf-8").splitlines()
        self.assertIn("Host: viewer.example:8043", lines)
        self.assertEqual([line for line in lines if line.startswith("Access-Control-Request-Headers")],
                         ["Access-Control-Request-Headers: authorization",
                          "Access-Control-Request-Headers: content-type"])
        self.assertFalse(any(line.lower().startswith("accept-encoding") for line in lines))


class PngEncoder(unittest.TestCase):

    def test_png_is_16_bit_greyscale_with_the_given_size(self):
        png = png_grey16([0, 65535, 1000, 2000, 3000, 4000], rows=2, columns=3)
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(png[12:16], b"IHDR")
        self.assertEqual(png[16:29], bytes([0, 0, 0, 3, 0, 0, 0, 2, 16, 0, 0, 0, 0]))


class OrthancJsonWithComments(unittest.TestCase):
    """What orthanc-with-sanitizers.sh and the deployment tests read Orthanc's files with."""

    def test_line_and_block_comments_go_and_strings_that_look_like_them_stay(self):
        text = '{\n  // a line comment\n  "Url": "http://host/*not*/a//comment", /* a block\n comment */ "N": 1\n}'
        self.assertEqual(json.loads(strip_json_comments(text)), {"Url": "http://host/*not*/a//comment", "N": 1})

    def test_an_escaped_quote_does_not_end_the_string(self):
        self.assertEqual(json.loads(strip_json_comments('{"A": "x\\" // y", "B": 2}')), {"A": 'x" // y', "B": 2})


class RawResponseParser(unittest.TestCase):

    def test_responses_one_after_the_other_with_their_header_lines_in_order(self):
        data = (b"HTTP/1.1 100 Continue\r\n\r\n"
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nVary: Origin\r\nVary: Accept\r\n\r\nok"
                b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        self.assertEqual(parse_responses(data), [
            (100, []),
            (200, [("Content-Length", b"2"), ("Vary", b"Origin"), ("Vary", b"Accept")]),
            (204, [("Connection", b"close")])])

    def test_status_of_the_first_response_or_none(self):
        self.assertEqual(status_of(b"HTTP/1.1 400 Bad Request\r\n\r\n"), 400)
        self.assertIsNone(status_of(b""))
        self.assertIsNone(status_of(b"SSH-2.0-x\r\n"))


if __name__ == "__main__":
    unittest.main()
