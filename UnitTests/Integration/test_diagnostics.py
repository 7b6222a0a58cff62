# SPDX-License-Identifier: AGPL-3.0-or-later
"""The diagnostics on Orthanc's own port, against a real Orthanc: GET /cors/policy
(the effective policy) and POST /cors/check (would a browser on this origin be
allowed this request, and if not, exactly why). Both are same-origin only: they
describe the whole configuration, for the administrator."""

import json
import shutil
import tempfile
import unittest
import uuid

from orthanc_cors_tools.orthanc import OrthancInstance, wait_until_http_ready
from orthanc_cors_tools.raw_http import free_port
from orthanc_cors_tools.testing import OrthancTestCase

ALLOWED_ORIGIN = "http://localhost:3000"
SUBDOMAIN_PATTERN = "https://*.hospital.example"
FOREIGN_ORIGIN = "https://evil.example"


def make_folder(test_class):
    folder = tempfile.mkdtemp(prefix="orthanc-cors-diagnostics-")
    test_class.addClassCleanup(shutil.rmtree, folder, True)
    with open(folder + "/index.html", "w", encoding="utf-8") as output:
        output.write("<!doctype html><title>viewer</title>\n")
    return folder


class DiagnosticsTestCase(OrthancTestCase):

    def policy(self):
        response = self.orthanc.request("GET", "/cors/policy")
        self.assertEqual(response.status, 200, response)
        return response.json()

    def routes_by_prefix(self):
        return {route["Prefix"]: route for route in self.policy()["Routes"]}

    def check(self, query, headers=None):
        """POST /cors/check with `query` (a dict, or bytes sent as they are)."""
        body = query if isinstance(query, bytes) else json.dumps(query).encode("utf-8")
        return self.orthanc.request("POST", "/cors/check", body=body,
                                    headers=dict({"Content-Type": "application/json"}, **(headers or {})))

    def check_answer(self, query):
        response = self.check(query)
        self.assertEqual(response.status, 200, response)
        return response.json()


class PolicyAndCheck(DiagnosticsTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gateway_port = free_port()
        cls.folder = make_folder(cls)
        cls.orthanc = cls.start_class_orthanc(cors={
            "AllowedOrigins": [ALLOWED_ORIGIN, SUBDOMAIN_PATTERN],
            "Gateway": {"Port": cls.gateway_port},
            "Folders": {"/viewer": {"Path": cls.folder, "SinglePageApplication": True}},
        })

    # ---- GET /cors/policy -----------------------------------------------------------------

    def test_policy_default_routes_are_the_dicomweb_root_wado_and_the_served_folders(self):
        self.assertEqual(set(self.routes_by_prefix()), {"/dicom-web/", "/wado", "/viewer/"})

    def test_policy_every_default_route_allows_the_configured_origins(self):
        for (prefix, route) in self.routes_by_prefix().items():
            with self.subTest(prefix=prefix):
                self.assertEqual(route["AllowedOrigins"], [ALLOWED_ORIGIN, SUBDOMAIN_PATTERN])

    def test_policy_routes_show_the_default_methods_and_headers(self):
        route = self.routes_by_prefix()["/dicom-web/"]
        self.assertEqual(route["AllowedMethods"], ["GET", "HEAD", "POST", "PUT", "DELETE"])
        self.assertIn("Authorization", route["AllowedHeaders"])
        self.assertIs(route["AllowCredentials"], False)

    def test_policy_shows_the_gateway_port_and_orthancs_own_port(self):
        policy = self.policy()
        self.assertEqual(policy["Gateway"]["Port"], self.gateway_port)
        self.assertIs(policy["Gateway"]["Enable"], True)
        # RemoteAccessAllowed is false in the harness: the gateway stays on loopback.
        self.assertEqual(policy["Gateway"]["BindAddress"], "127.0.0.1")
        self.assertEqual(policy["Upstream"]["HttpPort"], self.orthanc.http_port)
        self.assertEqual(policy["Upstream"]["DicomWebRoot"], "/dicom-web/")

    def test_policy_shows_the_served_folder_and_the_guard_on_by_default(self):
        policy = self.policy()
        self.assertIs(policy["RejectForeignOrigins"], True)
        self.assertEqual(policy["Folders"]["/viewer/"]["SinglePageApplication"], True)

    def test_policy_answers_a_same_origin_page(self):
        response = self.orthanc.request("GET", "/cors/policy", headers={"Origin": self.orthanc.origin()})
        self.assertEqual(response.status, 200, response)
        self.assertIn("Routes", response.json())

    def test_policy_is_refused_to_a_foreign_origin_without_access_control_allow_origin(self):
        response = self.orthanc.request("GET", "/cors/policy", headers={"Origin": FOREIGN_ORIGIN})
        self.assertEqual(response.status, 403, response)
        self.assertEqual(response.header_values("Access-Control-Allow-Origin"), [])
        self.assertNotIn(b"Routes", response.body)

    def test_policy_is_refused_even_to_an_allowed_origin(self):
        # Allowed origins may use the exposed routes, not the administrator's diagnostics.
        response = self.orthanc.request("GET", "/cors/policy", headers={"Origin": ALLOWED_ORIGIN})
        self.assertEqual(response.status, 403, response)
        self.assertEqual(response.header_values("Access-Control-Allow-Origin"), [])

    def test_policy_accepts_get_only(self):
        response = self.orthanc.request("POST", "/cors/policy", body="{}")
        self.assertEqual(response.status, 405, response)
        self.assertEqual(response.header("Allow"), "GET")

    # ---- POST /cors/check: answers ----------------------------------------------------

    def test_check_allowed_simple_request_shows_the_response_headers(self):
        answer = self.check_answer({"Origin": ALLOWED_ORIGIN, "Method": "GET", "Path": "/dicom-web/studies"})
        self.assertIs(answer["Allowed"], True, answer)
        self.assertIs(answer["PreflightRequired"], False)
        self.assertEqual(answer["Route"], "/dicom-web/")
        headers = answer["Response"]["Headers"]
        self.assertEqual(headers["Access-Control-Allow-Origin"], ALLOWED_ORIGIN)
        self.assertIn("Origin", headers["Vary"])
        self.assertEqual(headers["Cross-Origin-Resource-Policy"], "cross-origin")

    def test_check_allowed_preflighted_request_shows_the_preflight_answer(self):
        answer = self.check_answer({"Origin": ALLOWED_ORIGIN, "Method": "GET",
                                    "Path": "/dicom-web/studies", "Headers": ["Authorization"]})
        self.assertIs(answer["Allowed"], True, answer)
        self.assertIs(answer["PreflightRequired"], True)
        preflight = answer["Preflight"]
        self.assertEqual(preflight["Status"], 204)
        self.assertEqual(preflight["Headers"]["Access-Control-Allow-Origin"], ALLOWED_ORIGIN)
        self.assertIn("authorization", preflight["Headers"]["Access-Control-Allow-Headers"].lower())

    def test_check_subdomain_pattern_allows_a_subdomain_but_not_the_bare_domain(self):
        query = {"Method": "GET", "Path": "/dicom-web/studies"}
        self.assertIs(self.check_answer(dict(query, Origin="https://viewer.hospital.example"))["Allowed"], True)
        self.assertIs(self.check_answer(dict(query, Origin="https://hospital.example"))["Allowed"], False)

    def test_check_refused_header_names_the_header_and_the_route(self):
        answer = self.check_answer({"Origin": ALLOWED_ORIGIN, "Method": "GET",
                                    "Path": "/dicom-web/studies", "Headers": ["Accept", "X-Foo"]})
        self.assertIs(answer["Allowed"], False)
        self.assertIn("header x-foo is not in AllowedHeaders for route /dicom-web/", answer["Reason"])
        self.assertEqual(answer["Preflight"]["Status"], 403)
        self.assertNotIn("Access-Control-Allow-Origin", answer["Preflight"]["Headers"])

    def test_check_refused_method_names_the_method(self):
        answer = self.check_answer({"Origin": ALLOWED_ORIGIN, "Method": "PATCH", "Path": "/dicom-web/studies"})
        self.assertIs(answer["Allowed"], False)
        self.assertIn("PATCH", answer["Reason"])

    def test_check_refused_origin_names_the_origin_and_the_route(self):
        answer = self.check_answer({"Origin": FOREIGN_ORIGIN, "Method": "GET", "Path": "/dicom-web/studies"})
        self.assertIs(answer["Allowed"], False)
        self.assertIn("origin %s is not in AllowedOrigins for route /dicom-web/" % FOREIGN_ORIGIN, answer["Reason"])
        self.assertNotIn("Access-Control-Allow-Origin", answer["Response"]["Headers"])

    def test_check_path_outside_the_routes_is_not_exposed(self):
        answer = self.check_answer({"Origin": ALLOWED_ORIGIN, "Method": "GET", "Path": "/patients"})
        self.assertIs(answer["Allowed"], False)
        self.assertIsNone(answer["Route"])
        self.assertIn("/patients is under no prefix of Cors.Routes", answer["Reason"])

    def test_check_credentials_are_refused_when_the_route_does_not_allow_them(self):
        answer = self.check_answer({"Origin": ALLOWED_ORIGIN, "Method": "GET", "Path": "/dicom-web/studies",
                                    "Credentials": True})
        self.assertIs(answer["Allowed"], False)
        self.assertIn("AllowCredentials is false", answer["Reason"])

    # ---- POST /cors/check: malformed queries -----------------------------------------

    def test_check_malformed_json_is_400(self):
        response = self.check(b'{"Origin": ')
        self.assertEqual(response.status, 400, response)
        self.assertIn(b"not JSON", response.body)

    def test_check_unknown_key_is_400_naming_the_key(self):
        response = self.check({"Origin": ALLOWED_ORIGIN, "Path": "/dicom-web/studies", "Methd": "GET"})
        self.assertEqual(response.status, 400, response)
        self.assertIn(b'"Methd"', response.body)

    def test_check_missing_path_is_400(self):
        response = self.check({"Origin": ALLOWED_ORIGIN})
        self.assertEqual(response.status, 400, response)
        self.assertIn(b"Path", response.body)

    def test_check_wrong_type_is_400(self):
        response = self.check({"Origin": ALLOWED_ORIGIN, "Path": "/dicom-web/", "Headers": 12})
        self.assertEqual(response.status, 400, response)
        self.assertIn(b"Headers", response.body)

    def test_check_accepts_post_only(self):
        response = self.orthanc.request("GET", "/cors/check")
        self.assertEqual(response.status, 405, response)
        self.assertEqual(response.header("Allow"), "POST")

    # ---- POST /cors/check: same-origin only ------------------------------------------

    def test_check_answers_a_same_origin_page(self):
        response = self.check({"Origin": ALLOWED_ORIGIN, "Path": "/dicom-web/studies"},
                              headers={"Origin": self.orthanc.origin()})
        self.assertEqual(response.status, 200, response)
        self.assertIs(response.json()["Allowed"], True)

    def test_check_from_a_foreign_origin_is_refused_by_the_guard(self):
        origin = "https://probe-%s.example" % uuid.uuid4().hex[:8]
        response = self.check({"Origin": ALLOWED_ORIGIN, "Path": "/dicom-web/studies"}, headers={"Origin": origin})
        self.assertEqual(response.status, 403, response)
        self.assertEqual(response.header_values("Access-Control-Allow-Origin"), [])
        line = self.orthanc.wait_for_log(r"^W.*refused POST /cors/check .*%s.*RejectForeignOrigins" % origin)
        self.assertTrue(line)


class DiagnosticsWithoutTheGuard(DiagnosticsTestCase):
    """With RejectForeignOrigins false, the diagnostics still refuse other origins themselves."""

    @classmethod
    def setUpClass(cls):
        cls.orthanc = cls.start_class_orthanc(cors={
            "AllowedOrigins": [ALLOWED_ORIGIN],
            "RejectForeignOrigins": False,
            "Gateway": {"Enable": False},
        })

    def test_check_from_a_foreign_origin_is_refused_even_without_the_guard(self):
        response = self.check({"Origin": ALLOWED_ORIGIN, "Path": "/dicom-web/studies"},
                              headers={"Origin": FOREIGN_ORIGIN})
        self.assertEqual(response.status, 403, response)
        self.assertIn(b"same-origin requests only", response.body)
        self.assertEqual(response.header_values("Access-Control-Allow-Origin"), [])

    def test_policy_to_a_foreign_origin_is_refused_even_without_the_guard(self):
        response = self.orthanc.request("GET", "/cors/policy", headers={"Origin": FOREIGN_ORIGIN})
        self.assertEqual(response.status, 403, response)
        self.assertNotIn(b"Routes", response.body)

    def test_check_without_origin_is_answered(self):
        response = self.check({"Origin": ALLOWED_ORIGIN, "Path": "/dicom-web/studies"})
        self.assertEqual(response.status, 200, response)


class PolicyWithAnotherDicomWebRoot(DiagnosticsTestCase):

    @classmethod
    def setUpClass(cls):
        cls.orthanc = cls.start_class_orthanc(
            cors={"AllowedOrigins": [ALLOWED_ORIGIN], "Gateway": {"Enable": False}},
            extra_configuration={"DicomWeb": {"Enable": True, "Root": "/dicomweb-root"}})

    def test_policy_default_route_follows_the_dicomweb_root_setting(self):
        self.assertEqual(set(self.routes_by_prefix()), {"/dicomweb-root/", "/wado"})
        self.assertEqual(self.policy()["Upstream"]["DicomWebRoot"], "/dicomweb-root/")

    def test_check_uses_the_dicomweb_root_setting(self):
        answer = self.check_answer({"Origin": ALLOWED_ORIGIN, "Path": "/dicomweb-root/studies"})
        self.assertIs(answer["Allowed"], True, answer)
        self.assertEqual(answer["Route"], "/dicomweb-root/")
        self.assertIs(self.check_answer({"Origin": ALLOWED_ORIGIN, "Path": "/dicom-web/studies"})["Allowed"], False)


# What Chromium sends when the address bar opens a URL (a top-level navigation).
BROWSER_NAVIGATION = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
              "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-Site": "none",
    "Sec-Fetch-User": "?1",
    "Upgrade-Insecure-Requests": "1",
}


class PluginRoutesBesideARootFolder(DiagnosticsTestCase):
    """A single-page folder at "/" on the gateway answers every navigation with its
    index.html, except to the plugin's own routes (/cors/...): opened in a browser,
    they answer as to a script, on both ports."""

    @classmethod
    def setUpClass(cls):
        cls.gateway_port = free_port()
        cls.folder = make_folder(cls)
        cls.orthanc = cls.start_class_orthanc(cors={
            "AllowedOrigins": [ALLOWED_ORIGIN],
            "Gateway": {"Port": cls.gateway_port},
            "Folders": {"/": {"Path": cls.folder, "SinglePageApplication": True}},
        })
        wait_until_http_ready(cls.gateway_port)

    def navigate(self, path, port):
        return self.orthanc.request("GET", path, headers=BROWSER_NAVIGATION, port=port)

    def ports(self):
        return {"gateway": self.gateway_port, "Orthanc's port": self.orthanc.http_port}

    def test_control_a_navigation_to_a_client_side_route_gets_the_viewer(self):
        response = self.navigate("/viewer/studies", self.gateway_port)
        self.assertEqual(response.status, 200, response)
        self.assertIn(b"<title>viewer</title>", response.body)

    def test_policy_opened_in_a_browser_is_json_on_both_ports(self):
        for (name, port) in self.ports().items():
            with self.subTest(port=name):
                response = self.navigate("/cors/policy", port)
                self.assertEqual(response.status, 200, response)
                self.assertTrue(response.header("Content-Type").startswith("application/json"), response)
                self.assertIn("/", response.json()["Folders"])

    def test_other_plugin_routes_opened_in_a_browser_are_never_the_viewer(self):
        # /cors/check takes POST only; the access probe answers without a body; an
        # unknown route under /cors/ is Orthanc's 404.
        for path in ("/cors/check", "/cors/folder-access/", "/cors/unknown", "/cors"):
            for (name, port) in self.ports().items():
                with self.subTest(path=path, port=name):
                    response = self.navigate(path, port)
                    self.assertNotIn(b"<title>viewer</title>", response.body)
                    self.assertEqual(response.status, self.navigate(path, self.orthanc.http_port).status)


class FolderUnderThePluginRoutes(unittest.TestCase):

    def test_folder_under_cors_stops_orthanc_naming_the_key(self):
        instance = OrthancInstance(cors={"Gateway": {"Port": free_port()},
                                         "Folders": {"/cors/": tempfile.gettempdir()}})
        exit_code, log = instance.start_expecting_failure()
        self.assertGreater(exit_code, 0, log[-3000:])
        self.assertIn('Cors.Folders["/cors/"]: "/cors/" is under "/cors/", where the plugin answers its own routes',
                      log)
