# SPDX-License-Identifier: AGPL-3.0-or-later
"""Folders served by the gateway answer as Orthanc's own port does (issue 18, finding 3).

With AuthenticationEnabled, Orthanc's port answers a folder's files with 401 to a
client without credentials; the gateway used to serve the same files with 200 to
anyone (measured before the fix: GET /viewer/index.html without credentials was 401
on Orthanc's port and 200 on the gateway). The gateway now asks Orthanc first (GET
/cors/folder-access through Orthanc's HTTP authentication and incoming filters) and
answers the same: 401 with Orthanc's WWW-Authenticate, or the file. A folder with
"Public": true is served by the gateway to anyone (a viewer build whose own files
carry no credentials); Orthanc's own port keeps its authentication for it.
"""

import json
import shutil
import tempfile

from orthanc_cors_tools.orthanc import wait_until_http_ready
from orthanc_cors_tools.raw_http import basic_authorization, free_port
from orthanc_cors_tools.testing import OrthancTestCase
from orthanc_cors_tools.viewer_files import INDEX, SCRIPT, make_viewer

USER = "alice"
PASSWORD = "alice-password"
ALLOWED_ORIGIN = "http://localhost:3000"


class FolderAccessUnderAuthentication(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="orthanc-cors-folder-access-")
        cls.addClassCleanup(shutil.rmtree, cls.root, True)
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(
            cors={
                "AllowedOrigins": [ALLOWED_ORIGIN],
                "Gateway": {"Port": cls.gateway_port},
                "Folders": {
                    "/viewer": {"Path": make_viewer(cls.root, "viewer"), "SinglePageApplication": True},
                    "/public": {"Path": make_viewer(cls.root, "public"), "Public": True},
                    "/": {"Path": make_viewer(cls.root, "root")},
                },
            },
            authentication_enabled=True,
            registered_users={USER: PASSWORD})
        wait_until_http_ready(cls.gateway_port)

    def gateway(self, path, headers=None, method="GET"):
        return self.orthanc.request(method, path, headers=headers, port=self.gateway_port)

    def orthanc_port(self, path, headers=None):
        return self.orthanc.request("GET", path, headers=headers)

    def credentials(self, password=PASSWORD):
        return {"Authorization": basic_authorization(USER, password)}

    # -- Orthanc's own port, the reference --

    def test_orthancs_port_refuses_the_folder_without_credentials(self):
        response = self.orthanc_port("/viewer/index.html")
        self.assertEqual(response.status, 401, response)
        self.assertIsNotNone(response.header("WWW-Authenticate"))

    # -- the gateway answers the same --

    def test_gateway_answers_401_with_orthancs_challenge_without_credentials(self):
        response = self.gateway("/viewer/index.html", headers={"Origin": ALLOWED_ORIGIN})
        self.assertEqual(response.status, 401, response)
        self.assertNotIn(b"<title>viewer</title>", response.body)
        self.assertEqual(response.header("WWW-Authenticate"),
                         self.orthanc_port("/viewer/index.html").header("WWW-Authenticate"))
        self.assertEqual(response.json()["Error"], "Unauthorized")
        # The browser can read the refusal (and a viewer can tell the user why).
        self.assertEqual(response.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
        # A refusal is an answer of the folder too: no other site may frame it.
        self.assertEqual(response.header("Content-Security-Policy"), "frame-ancestors 'self'")

    def test_gateway_answers_401_to_wrong_credentials(self):
        for path in ("/viewer/index.html", "/viewer/app.js"):
            with self.subTest(path=path):
                self.assertEqual(self.gateway(path, headers=self.credentials("wrong")).status, 401)

    def test_gateway_serves_the_folder_to_a_registered_user(self):
        for (path, content) in (("/viewer/index.html", INDEX), ("/viewer/app.js", SCRIPT), ("/viewer/", INDEX)):
            with self.subTest(path=path):
                response = self.gateway(path, headers=self.credentials())
                self.assertEqual(response.status, 200, response)
                self.assertEqual(response.body, content)

    def test_single_page_navigation_is_checked_too(self):
        navigation = {"Accept": "text/html", "Sec-Fetch-Mode": "navigate"}
        self.assertEqual(self.gateway("/viewer/studies", headers=navigation).status, 401)
        response = self.gateway("/viewer/studies", headers=dict(navigation, **self.credentials()))
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.body, INDEX)

    def test_head_without_credentials_is_refused_too(self):
        self.assertEqual(self.gateway("/viewer/app.js", method="HEAD").status, 401)

    def test_folder_at_the_root_exists_on_the_gateway_only_and_is_checked_too(self):
        self.assertEqual(self.gateway("/app.js").status, 401)
        response = self.gateway("/app.js", headers=self.credentials())
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.body, SCRIPT)

    # -- the opt-out --

    def test_public_folder_is_served_by_the_gateway_without_credentials(self):
        response = self.gateway("/public/app.js")
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.body, SCRIPT)

    def test_public_does_not_change_orthancs_port(self):
        self.assertEqual(self.orthanc_port("/public/app.js").status, 401)
        self.assertEqual(self.orthanc_port("/public/app.js", headers=self.credentials()).status, 200)

    def test_policy_says_which_folders_are_public(self):
        folders = self.orthanc.api("GET", "/cors/policy")["Folders"]
        self.assertEqual({prefix: folder["Public"] for (prefix, folder) in folders.items()},
                         {"/viewer/": False, "/public/": True, "/": False})

    # -- the probe route on Orthanc's port --

    def test_probe_route_answers_behind_orthancs_authentication(self):
        path = "/cors/folder-access/viewer/"
        self.assertEqual(self.orthanc_port(path).status, 401)
        response = self.orthanc_port(path, headers=self.credentials())
        self.assertEqual(response.status, 200, response)
        self.assertEqual(json.loads(response.body), {})
        for (path, status) in (("/cors/folder-access/", 200), ("/cors/folder-access/public/", 200),
                               ("/cors/folder-access/not-a-folder/", 404), ("/cors/folder-access/viewer/x/", 404)):
            with self.subTest(path=path):
                self.assertEqual(self.orthanc_port(path, headers=self.credentials()).status, status)


if __name__ == "__main__":
    import unittest
    unittest.main()
