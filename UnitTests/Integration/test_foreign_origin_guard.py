# SPDX-License-Identifier: AGPL-3.0-or-later
"""The foreign-origin guard on Orthanc's own port (Cors.RejectForeignOrigins, on by
default), against a real Orthanc.

The hole it closes: a "simple" cross-origin request (POST with Content-Type
text/plain) needs no preflight, so any web page a user visits can make an
unauthenticated Orthanc on the LAN store a DICOM file. The first test proves that
hole on an Orthanc without this plugin; the others show the guard refusing it while
same-origin pages (Orthanc Explorer), scripts without Origin, and the allowed
origins on the exposed routes (the gateway relays their requests, Origin included)
keep working.
"""

import json
import time
import uuid

from orthanc_cors_tools.orthanc import DICOMWEB_PLUGIN, OrthancInstance
from orthanc_cors_tools.testing import OrthancTestCase

FOREIGN_ORIGIN = "https://evil.example"
ALLOWED_ORIGIN = "http://localhost:3000"
PROXY_HOST = "pacs.hospital.example"

_dicom_factory = None


def setUpModule():
    # A throwaway Orthanc without any plugin makes the DICOM files: the instances
    # under test start empty, so that counting their instances means something.
    global _dicom_factory
    _dicom_factory = OrthancInstance(plugins=[], name="DicomFactory").start()


def tearDownModule():
    if _dicom_factory is not None:
        _dicom_factory.cleanup(failed=False)


def new_dicom_file():
    """A DICOM file (bytes) with new UIDs, so that each upload is a new instance."""
    answer = _dicom_factory.api("POST", "/tools/create-dicom", {
        "Force": True,
        "Tags": {
            "PatientID": "GUARD-" + uuid.uuid4().hex[:8].upper(),
            "PatientName": "GUARD^TEST",
            "StudyInstanceUID": "2.25.%d" % uuid.uuid4().int,
            "SeriesInstanceUID": "2.25.%d" % uuid.uuid4().int,
            "SOPInstanceUID": "2.25.%d" % uuid.uuid4().int,
            "SOPClassUID": "1.2.840.10008.5.1.4.1.1.7",
            "Modality": "OT",
        },
    })
    response = _dicom_factory.request("GET", "/instances/%s/file" % answer["ID"])
    assert response.status == 200 and response.body[128:132] == b"DICM", response
    return response.body


def stow_body(dicom, boundary):
    return (b"--" + boundary.encode("ascii") + b"\r\nContent-Type: application/dicom\r\n\r\n" + dicom
            + b"\r\n--" + boundary.encode("ascii") + b"--\r\n")


class GuardTestCase(OrthancTestCase):
    """Helpers shared by the classes below; each class owns one Orthanc."""

    def instance_ids(self):
        return set(self.orthanc.api("GET", "/instances"))

    def upload(self, headers, path="/instances"):
        """POSTs a new DICOM file; returns (response, instance ids that appeared)."""
        before = self.instance_ids()
        response = self.orthanc.request("POST", path, headers=headers, body=new_dicom_file())
        return response, self.instance_ids() - before

    def foreign_text_plain_upload(self):
        return self.upload({"Origin": FOREIGN_ORIGIN, "Content-Type": "text/plain"})

    def log_lines_mentioning(self, text):
        return [line for line in self.orthanc.log_text().splitlines() if text in line]

    def wait_for_log_lines(self, text, count, timeout=10):
        """Waits until at least `count` log lines mention `text` (Orthanc writes its
        log asynchronously) and returns them all."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.log_lines_mentioning(text)
            if len(lines) >= count or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)


class ForeignUploadWithoutThePlugin(GuardTestCase):
    """The hole, measured on an Orthanc with DICOMweb but without this plugin."""

    @classmethod
    def setUpClass(cls):
        cls.orthanc = cls.start_class_orthanc(plugins=[DICOMWEB_PLUGIN])

    def test_foreign_page_stores_a_dicom_file_with_a_text_plain_post_when_the_plugin_is_absent(self):
        response, stored = self.foreign_text_plain_upload()
        self.assertEqual(response.status, 200, response)
        self.assertEqual(len(stored), 1)
        self.assertEqual(response.json()["ID"], next(iter(stored)))


class ForeignOriginGuard(GuardTestCase):

    @classmethod
    def setUpClass(cls):
        cls.orthanc = cls.start_class_orthanc(cors={
            "AllowedOrigins": [ALLOWED_ORIGIN],
            "Gateway": {"Enable": False},
        })

    def same_origin(self):
        return self.orthanc.origin()   # http://127.0.0.1:<port>, what Host names too

    # ---- the hole is closed -------------------------------------------------------------

    def test_foreign_text_plain_post_to_instances_is_refused_and_nothing_is_stored(self):
        response, stored = self.foreign_text_plain_upload()
        self.assertEqual(response.status, 403, response)
        self.assertEqual(stored, set())

    def test_foreign_form_post_to_instances_is_refused(self):
        # The other "simple" content types a page may POST without preflight.
        for content_type in ("application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
            with self.subTest(content_type=content_type):
                response, stored = self.upload({"Origin": FOREIGN_ORIGIN, "Content-Type": content_type})
                self.assertEqual(response.status, 403, response)
                self.assertEqual(stored, set())

    def test_opaque_null_origin_post_is_refused(self):
        # A sandboxed iframe or a data: page sends "Origin: null".
        response, stored = self.upload({"Origin": "null", "Content-Type": "text/plain"})
        self.assertEqual(response.status, 403, response)
        self.assertEqual(stored, set())

    def test_foreign_delete_is_refused_and_the_instance_remains(self):
        response, stored = self.upload({"Content-Type": "application/dicom"})
        self.assertEqual(response.status, 200, response)
        (instance,) = stored
        response = self.orthanc.request("DELETE", "/instances/" + instance, headers={"Origin": FOREIGN_ORIGIN})
        self.assertEqual(response.status, 403, response)
        self.assertIn(instance, self.instance_ids())

    def test_foreign_put_is_refused_and_changes_nothing(self):
        # --verbose (the harness) sets the log level to "verbose"; a foreign page must
        # not be able to change it.
        before = self.orthanc.request("GET", "/tools/log-level").body
        response = self.orthanc.request("PUT", "/tools/log-level", body="default",
                                        headers={"Origin": FOREIGN_ORIGIN, "Content-Type": "text/plain"})
        self.assertEqual(response.status, 403, response)
        self.assertEqual(self.orthanc.request("GET", "/tools/log-level").body, before)

    def test_safe_methods_from_a_foreign_origin_are_let_through(self):
        # Reading is the business of CORS (the browser hides the answer), not of the guard.
        response = self.orthanc.request("GET", "/system", headers={"Origin": FOREIGN_ORIGIN})
        self.assertEqual(response.status, 200, response)

    # ---- what keeps working -------------------------------------------------------------

    def test_same_origin_upload_is_accepted(self):
        # Orthanc Explorer's upload: Origin is Orthanc's own origin, the one Host names.
        response, stored = self.upload({"Origin": self.same_origin(), "Content-Type": "application/dicom"})
        self.assertEqual(response.status, 200, response)
        self.assertEqual(len(stored), 1)

    def test_same_origin_text_plain_upload_is_accepted(self):
        response, stored = self.upload({"Origin": self.same_origin(), "Content-Type": "text/plain"})
        self.assertEqual(response.status, 200, response)
        self.assertEqual(len(stored), 1)

    def test_upload_without_origin_is_accepted(self):
        # curl, scripts, other servers: no Origin, never refused.
        response, stored = self.upload({"Content-Type": "application/dicom"})
        self.assertEqual(response.status, 200, response)
        self.assertEqual(len(stored), 1)

    def test_same_origin_delete_is_accepted(self):
        response, stored = self.upload({})
        (instance,) = stored
        response = self.orthanc.request("DELETE", "/instances/" + instance, headers={"Origin": self.same_origin()})
        self.assertEqual(response.status, 200, response)
        self.assertNotIn(instance, self.instance_ids())

    def test_same_port_under_another_host_name_is_foreign(self):
        # http://localhost:<port> is another origin than http://127.0.0.1:<port>.
        response, stored = self.upload({"Origin": "http://localhost:%d" % self.orthanc.http_port,
                                        "Content-Type": "text/plain"})
        self.assertEqual(response.status, 403, response)
        self.assertEqual(stored, set())

    def test_same_host_on_another_port_is_foreign(self):
        response, stored = self.upload({"Origin": "http://127.0.0.1:%d" % (self.orthanc.http_port + 1),
                                        "Content-Type": "text/plain"})
        self.assertEqual(response.status, 403, response)
        self.assertEqual(stored, set())

    # ---- behind a reverse proxy --------------------------------------------------------

    def test_same_origin_behind_a_proxy_is_recognised_from_x_forwarded_host_and_proto(self):
        response, stored = self.upload({"Origin": "https://" + PROXY_HOST, "X-Forwarded-Host": PROXY_HOST,
                                        "X-Forwarded-Proto": "https", "Content-Type": "application/dicom"})
        self.assertEqual(response.status, 200, response)
        self.assertEqual(len(stored), 1)

    def test_x_forwarded_proto_other_than_the_origins_scheme_is_foreign(self):
        response, stored = self.upload({"Origin": "https://" + PROXY_HOST, "X-Forwarded-Host": PROXY_HOST,
                                        "X-Forwarded-Proto": "http", "Content-Type": "text/plain"})
        self.assertEqual(response.status, 403, response)
        self.assertEqual(stored, set())

    def test_x_forwarded_host_other_than_the_origins_host_is_foreign(self):
        response, stored = self.upload({"Origin": FOREIGN_ORIGIN, "X-Forwarded-Host": PROXY_HOST,
                                        "X-Forwarded-Proto": "https", "Content-Type": "text/plain"})
        self.assertEqual(response.status, 403, response)
        self.assertEqual(stored, set())

    def test_same_origin_behind_a_proxy_is_recognised_from_rfc7239_forwarded(self):
        response, stored = self.upload({"Origin": "https://" + PROXY_HOST,
                                        "Forwarded": 'for=192.0.2.60;host="%s";proto=https' % PROXY_HOST,
                                        "Content-Type": "application/dicom"})
        self.assertEqual(response.status, 200, response)
        self.assertEqual(len(stored), 1)

    # ---- allowed origins on exposed routes ---------------------------------------------

    def test_allowed_origin_may_stow_on_the_dicomweb_route(self):
        # What the gateway relays for a viewer on the allowed origin: STOW-RS with Origin.
        boundary = "guard-" + uuid.uuid4().hex
        before = self.instance_ids()
        response = self.orthanc.request(
            "POST", "/dicom-web/studies", body=stow_body(new_dicom_file(), boundary),
            headers={"Origin": ALLOWED_ORIGIN, "Accept": "application/dicom+json",
                     "Content-Type": 'multipart/related; type="application/dicom"; boundary=' + boundary})
        self.assertEqual(response.status, 200, response)
        self.assertEqual(len(self.instance_ids() - before), 1)

    def test_foreign_origin_may_not_stow_on_the_dicomweb_route(self):
        boundary = "guard-" + uuid.uuid4().hex
        before = self.instance_ids()
        response = self.orthanc.request(
            "POST", "/dicom-web/studies", body=stow_body(new_dicom_file(), boundary),
            headers={"Origin": FOREIGN_ORIGIN, "Accept": "application/dicom+json",
                     "Content-Type": 'multipart/related; type="application/dicom"; boundary=' + boundary})
        self.assertEqual(response.status, 403, response)
        self.assertEqual(self.instance_ids() - before, set())

    def test_allowed_origin_is_refused_outside_the_exposed_routes(self):
        # /instances is not under Cors.Routes: only the DICOMweb root and /wado are.
        response, stored = self.upload({"Origin": ALLOWED_ORIGIN, "Content-Type": "text/plain"})
        self.assertEqual(response.status, 403, response)
        self.assertEqual(stored, set())

    def test_allowed_origin_is_judged_on_the_whole_path_orthanc_routes(self):
        # Orthanc decodes "%23", "%3F" and "%25" into its path ("/dicom-web#/studies" is
        # no DICOMweb path; "%2E%2E" is no dot segment): none of these is under /dicom-web/.
        for path in ("/dicom-web%23/studies", "/dicom-web%3F/studies", "/dicom-web%23",
                     "/instances/%252E%252E/dicom-web/studies"):
            response, stored = self.upload({"Origin": ALLOWED_ORIGIN, "Content-Type": "text/plain"}, path)
            self.assertEqual((path, response.status), (path, 403), response)
            self.assertEqual(stored, set())

    # ---- the log ----------------------------------------------------------------------

    def test_refusal_is_logged_once_per_origin_as_a_warning_with_the_reason(self):
        origin = "https://attacker-%s.example" % uuid.uuid4().hex[:8]
        for _ in range(2):
            response, _ = self.upload({"Origin": origin, "Content-Type": "text/plain"})
            self.assertEqual(response.status, 403, response)
        # The second refusal is logged at info level only (visible with --verbose).
        lines = self.wait_for_log_lines(origin, 2)
        self.assertEqual(len(lines), 2, lines)
        warnings = [line for line in lines if line.startswith("W")]
        self.assertEqual(len(warnings), 1, lines)
        self.assertIn("POST /instances", warnings[0])
        self.assertIn("RejectForeignOrigins", warnings[0])
        self.assertIn("is under no route of Cors.Routes", warnings[0])

    def test_each_refused_origin_gets_its_own_warning(self):
        first = "https://first-%s.example" % uuid.uuid4().hex[:8]
        second = "https://second-%s.example" % uuid.uuid4().hex[:8]
        for origin in (first, second):
            response, _ = self.upload({"Origin": origin, "Content-Type": "text/plain"})
            self.assertEqual(response.status, 403, response)
        for origin in (first, second):
            lines = self.wait_for_log_lines(origin, 1)
            self.assertEqual(len([line for line in lines if line.startswith("W")]), 1, lines)


class ForeignOriginGuardDisabled(GuardTestCase):

    @classmethod
    def setUpClass(cls):
        cls.orthanc = cls.start_class_orthanc(cors={
            "AllowedOrigins": [ALLOWED_ORIGIN],
            "RejectForeignOrigins": False,
            "Gateway": {"Enable": False},
        })

    def test_foreign_text_plain_post_is_stored_when_reject_foreign_origins_is_false(self):
        response, stored = self.foreign_text_plain_upload()
        self.assertEqual(response.status, 200, response)
        self.assertEqual(len(stored), 1)

    def test_policy_reports_reject_foreign_origins_false(self):
        self.assertIs(json.loads(self.orthanc.request("GET", "/cors/policy").body)["RejectForeignOrigins"], False)
