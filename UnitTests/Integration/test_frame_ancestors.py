# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who may show a folder's pages in a frame (Cors.Folders[...].FrameAncestors), against
a real Orthanc, on both ports: every answer of a folder carries Content-Security-
Policy frame-ancestors ('self' plus the listed origins) and, when only the same
origin may frame it, X-Frame-Options; a cross-origin isolated folder that other
origins may frame sends Cross-Origin-Resource-Policy: cross-origin (what an isolated
embedding page requires of the frame), and a folder's own resource policy is the
one that reaches the browser, whatever the route's. /cors/policy shows the effective
headers, /cors/check answers "may this origin frame this path?". What a browser
does with these headers is checked by the end-to-end suite (a portal page framing
OHIF, and one refused).
"""

import json
import shutil
import tempfile

from orthanc_cors_tools.orthanc import OrthancInstance, wait_until_http_ready
from orthanc_cors_tools.raw_http import LOOPBACK, free_port, http_request
from orthanc_cors_tools.testing import OrthancTestCase

from test_folder_access import make_viewer   # index.html and app.js in root/name

PORTAL = "https://portal.hospital.example"
OTHER_SITE = "https://evil.example"
NAVIGATION = {"Sec-Fetch-Mode": "navigate", "Accept": "text/html"}


class FrameAncestorsOnBothPorts(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        root = tempfile.mkdtemp(prefix="orthanc-cors-frames-")
        cls.addClassCleanup(shutil.rmtree, root, True)
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(cors={
            "AllowedOrigins": [PORTAL],
            # Not the default: a folder's own resource policy must still win on its files.
            "ResourcePolicy": "same-site",
            "Gateway": {"Port": cls.gateway_port, "BindAddress": LOOPBACK},
            "Folders": {
                "/": {"Path": make_viewer(root, "root"), "SinglePageApplication": True,
                      "CrossOriginIsolation": "require-corp", "FrameAncestors": [PORTAL]},
                "/viewer": {"Path": make_viewer(root, "viewer"), "SinglePageApplication": True,
                            "CrossOriginIsolation": "require-corp",
                            "FrameAncestors": [PORTAL, "https://*.ehr.example"]},
                "/isolated": {"Path": make_viewer(root, "isolated"), "CrossOriginIsolation": "credentialless"},
                "/plain": make_viewer(root, "plain"),
            },
        })
        wait_until_http_ready(cls.gateway_port, path="/system")

    def on_orthanc_port(self, path, headers=None):
        return self.orthanc.request("GET", path, headers=headers)

    def on_gateway(self, path, headers=None):
        return http_request(self.gateway_port, "GET", path, headers=headers)

    def both_ports(self, path, headers=None):
        return [("Orthanc's port", self.on_orthanc_port(path, headers)), ("gateway", self.on_gateway(path, headers))]

    def assert_framable_by(self, response, sources):
        self.assertEqual(response.header("Content-Security-Policy"), "frame-ancestors 'self' " + sources, response)
        self.assertIsNone(response.header("X-Frame-Options"))

    def assert_same_origin_frames_only(self, response):
        self.assertEqual(response.header("Content-Security-Policy"), "frame-ancestors 'self'", response)
        self.assertEqual(response.header("X-Frame-Options"), "SAMEORIGIN", response)

    # ---- the headers -------------------------------------------------------------------

    def test_isolated_folder_that_a_portal_may_frame_is_cross_origin_and_stays_isolated(self):
        for (port, response) in self.both_ports("/viewer/index.html", {"Origin": PORTAL}):
            with self.subTest(port=port):
                self.assertEqual(response.status, 200, response)
                self.assert_framable_by(response, PORTAL + " https://*.ehr.example")
                self.assertEqual(response.header_values("Cross-Origin-Resource-Policy"), ["cross-origin"])
                self.assertEqual(response.header("Cross-Origin-Embedder-Policy"), "require-corp")
                self.assertEqual(response.header("Cross-Origin-Opener-Policy"), "same-origin")
                self.assertEqual(response.header("Access-Control-Allow-Origin"), PORTAL)

    def test_root_folder_on_the_gateway_carries_the_frame_policy_on_files_and_client_side_routes(self):
        # The pages may be a portal's frame; the scripts are the frame's own, same-origin.
        for (path, resource_policy) in (("/", "cross-origin"), ("/viewer-route", "cross-origin"),
                                        ("/app.js", "same-origin")):
            with self.subTest(path=path):
                response = self.on_gateway(path, NAVIGATION)
                self.assertEqual(response.status, 200, response)
                self.assert_framable_by(response, PORTAL)
                self.assertEqual(response.header_values("Cross-Origin-Resource-Policy"), [resource_policy])

    def test_revalidation_and_errors_of_a_folder_carry_the_policy_too(self):
        etag = self.on_orthanc_port("/viewer/app.js").header("ETag")
        self.assertEqual(self.on_orthanc_port("/viewer/app.js", {"If-None-Match": etag}).status, 304)
        for (name, response) in (("304", self.on_orthanc_port("/viewer/app.js", {"If-None-Match": etag})),
                                 ("416", self.on_gateway("/viewer/app.js", {"Range": "bytes=9999-"})),
                                 ("404", self.on_orthanc_port("/plain/missing.html"))):
            with self.subTest(status=name):
                self.assertEqual(str(response.status), name, response)
                self.assertIn("frame-ancestors 'self'", response.header("Content-Security-Policy"))

    def test_folder_without_frame_ancestors_may_be_framed_by_its_own_origin_only(self):
        for (port, response) in self.both_ports("/plain/index.html"):
            with self.subTest(port=port):
                self.assertEqual(response.status, 200, response)
                self.assert_same_origin_frames_only(response)

    def test_a_folders_own_resource_policy_is_kept_and_the_routes_goes_on_the_others(self):
        # /isolated/ and /plain/ are exposed routes (the default lists every folder);
        # the route's policy is "same-site".
        for (port, response) in self.both_ports("/isolated/index.html", {"Origin": PORTAL}):
            with self.subTest(port=port, folder="/isolated/"):
                self.assertEqual(response.header_values("Cross-Origin-Resource-Policy"), ["same-origin"])
                self.assertEqual(response.header("Cross-Origin-Embedder-Policy"), "credentialless")
                self.assert_same_origin_frames_only(response)
        for (port, response) in self.both_ports("/plain/index.html", {"Origin": PORTAL}):
            with self.subTest(port=port, folder="/plain/"):
                self.assertEqual(response.header_values("Cross-Origin-Resource-Policy"), ["same-site"])

    def test_answers_relayed_to_orthanc_get_no_frame_policy_from_the_plugin(self):
        response = self.on_gateway("/dicom-web/studies", {"Origin": PORTAL})
        self.assertEqual(response.status, 200, response)
        self.assertIsNone(response.header("Content-Security-Policy"))
        self.assertEqual(response.header_values("Cross-Origin-Resource-Policy"), ["same-site"])

    # ---- diagnostics ---------------------------------------------------------------------

    def test_policy_shows_each_folders_frame_ancestors_and_effective_headers(self):
        folders = self.orthanc.api("GET", "/cors/policy")["Folders"]
        self.assertEqual(folders["/viewer/"]["FrameAncestors"], [PORTAL, "https://*.ehr.example"])
        self.assertEqual(folders["/viewer/"]["FrameHeaders"], {
            "Content-Security-Policy": "frame-ancestors 'self' %s https://*.ehr.example" % PORTAL,
            "Cross-Origin-Embedder-Policy": "require-corp",
            "Cross-Origin-Resource-Policy": "cross-origin",
        })
        self.assertEqual(folders["/plain/"]["FrameAncestors"], [])
        self.assertEqual(folders["/plain/"]["FrameHeaders"], {
            "Content-Security-Policy": "frame-ancestors 'self'", "X-Frame-Options": "SAMEORIGIN"})

    def check(self, query):
        response = self.orthanc.request("POST", "/cors/check", body=json.dumps(query).encode(),
                                        headers={"Content-Type": "application/json"})
        return response

    def test_check_answers_whether_an_origin_may_frame_a_path(self):
        allowed = self.check({"Origin": "https://radiology.ehr.example", "Path": "/viewer/", "Frame": True})
        self.assertEqual(allowed.status, 200, allowed)
        self.assertEqual(allowed.json()["Folder"], "/viewer/")
        self.assertTrue(allowed.json()["Allowed"], allowed.json())
        self.assertIn('allow="cross-origin-isolated"', allowed.json()["Reason"])

        refused = self.check({"Origin": OTHER_SITE, "Path": "/viewer-route", "Frame": True}).json()
        self.assertEqual(refused["Folder"], "/")
        self.assertFalse(refused["Allowed"], refused)
        self.assertIn(PORTAL, refused["Reason"])

        relayed = self.check({"Origin": PORTAL, "Path": "/dicom-web/studies", "Frame": True}).json()
        self.assertIsNone(relayed["Folder"])
        self.assertIsNone(relayed["Allowed"])

    def test_check_refuses_a_frame_query_with_request_keys(self):
        response = self.check({"Origin": PORTAL, "Path": "/viewer/", "Frame": True, "Method": "PUT"})
        self.assertEqual(response.status, 400, response)
        self.assertIn(b"does not apply", response.body)


class FrameAncestorsConfiguration(OrthancTestCase):

    def test_entry_that_csp_cannot_express_stops_orthanc_naming_it(self):
        root = tempfile.mkdtemp(prefix="orthanc-cors-frames-")
        self.addCleanup(shutil.rmtree, root, True)
        instance = OrthancInstance(cors={"Gateway": {"Enable": False}, "Folders": {
            "/viewer": {"Path": make_viewer(root, "viewer"),
                        "FrameAncestors": [PORTAL, "regex:^https://.*\\.example$"]}}})
        instance.report_failures = False
        exit_code, log = instance.start_expecting_failure()
        self.assertNotEqual(exit_code, 0)
        lines = [line for line in log.splitlines() if 'Cors.Folders["/viewer"].FrameAncestors[1]' in line]
        self.assertEqual(len(lines), 1, log)
        self.assertIn("no regular expressions", lines[0])


if __name__ == "__main__":
    import unittest
    unittest.main()
