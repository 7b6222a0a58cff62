# SPDX-License-Identifier: AGPL-3.0-or-later
"""DNS rebinding (issue 18, finding 5), against a real Orthanc.

A page on rebind.evil.example whose DNS name the attacker re-points at the server
is same-origin with it for the browser: Origin and Host agree, no preflight, and
the page can read and write a local Orthanc that has no authentication. Only the
Host field betrays it. When Orthanc's RemoteAccessAllowed is false (its default:
a loopback-only server), the plugin refuses requests whose Host is not a loopback
name or address, on both ports; Cors.AllowedHosts adds names.
"""

import os
import shutil
import tempfile

from orthanc_cors_tools.orthanc import DICOMWEB_PLUGIN, wait_until_http_ready
from orthanc_cors_tools.raw_http import LOOPBACK, free_port
from orthanc_cors_tools.testing import OrthancTestCase

REBOUND_HOST = "rebind.evil.example"


def rebound_headers(port, **extra):
    """What the browser sends from http://rebind.evil.example:<port>/ to itself."""
    origin = "http://%s:%d" % (REBOUND_HOST, port)
    headers = {"Host": "%s:%d" % (REBOUND_HOST, port), "Origin": origin, "Sec-Fetch-Site": "same-origin",
               "Sec-Fetch-Mode": "cors"}
    headers.update(extra)
    return headers


class DnsRebindingWithoutThePlugin(OrthancTestCase):
    """The hole, measured on an Orthanc without this plugin."""

    @classmethod
    def setUpClass(cls):
        cls.orthanc = cls.start_class_orthanc(plugins=[DICOMWEB_PLUGIN])

    def test_rebound_page_reads_and_writes_orthanc_when_the_plugin_is_absent(self):
        port = self.orthanc.http_port
        self.assertEqual(self.orthanc.request("GET", "/patients", headers=rebound_headers(port)).status, 200)
        response = self.orthanc.request("POST", "/tools/create-dicom", headers=rebound_headers(port),
                                        body='{"Tags": {"PatientID": "REBOUND"}}')
        self.assertEqual(response.status, 200, response)


class DnsRebindingOnALoopbackOnlyOrthanc(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(remote_access_allowed=False, cors={
            "AllowedOrigins": ["http://localhost:3000"],
            "Gateway": {"Port": cls.gateway_port},
            "Folders": {"/viewer": cls.make_viewer_folder()},
        })
        wait_until_http_ready(cls.gateway_port)

    @classmethod
    def make_viewer_folder(cls):
        folder = tempfile.mkdtemp(prefix="cors-rebinding-viewer-")
        cls.addClassCleanup(shutil.rmtree, folder, True)
        with open(os.path.join(folder, "index.html"), "w", encoding="utf-8") as page:
            page.write("<!doctype html><title>viewer</title>")
        return folder

    def test_rebound_host_is_refused_on_orthancs_port_for_reads_and_writes(self):
        port = self.orthanc.http_port
        self.assertEqual(self.orthanc.request("GET", "/patients", headers=rebound_headers(port)).status, 403)
        response = self.orthanc.request("POST", "/tools/create-dicom", headers=rebound_headers(port),
                                        body='{"Tags": {"PatientID": "REBOUND"}}')
        self.assertEqual(response.status, 403, response)
        self.assertEqual(self.orthanc.api("GET", "/patients"), [])

    def test_rebound_host_is_refused_on_the_gateway_relay_preflight_and_folder(self):
        port = self.gateway_port
        relayed = self.orthanc.request("GET", "/dicom-web/studies", headers=rebound_headers(port), port=port)
        self.assertEqual(relayed.status, 403, relayed)
        self.assertIn("AllowedHosts", relayed.body.decode("utf-8"))
        self.assertIsNone(relayed.header("Access-Control-Allow-Origin"))

        preflight = self.orthanc.request("OPTIONS", "/dicom-web/studies", port=port, headers=rebound_headers(
            port, **{"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET",
                     "Sec-Fetch-Site": "cross-site"}))
        self.assertEqual(preflight.status, 403, preflight)
        self.assertIsNone(preflight.header("Access-Control-Allow-Origin"))

        folder = self.orthanc.request("GET", "/viewer/index.html", headers=rebound_headers(port), port=port)
        self.assertEqual(folder.status, 403, folder)

    def test_refusal_on_orthancs_port_is_logged(self):
        self.orthanc.request("GET", "/system", headers=rebound_headers(self.orthanc.http_port))
        self.orthanc.wait_for_log(r"Cors: refused GET /system .*Host %s is neither a loopback" % REBOUND_HOST)

    def test_loopback_names_and_addresses_keep_working(self):
        for port in (self.orthanc.http_port, self.gateway_port):
            for host in ("localhost:%d" % port, "%s:%d" % (LOOPBACK, port), "127.0.0.2:%d" % port, "[::1]:%d" % port):
                response = self.orthanc.request("GET", "/dicom-web/studies", headers={"Host": host}, port=port)
                self.assertEqual(response.status, 200, (host, response))

    def test_policy_says_the_host_check_is_on(self):
        policy = self.orthanc.api("GET", "/cors/policy")
        self.assertEqual(policy["AllowedHosts"], [])
        self.assertIn("loopback", policy["Upstream"]["HostCheck"])


class AllowedHosts(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(remote_access_allowed=True, cors={
            "AllowedHosts": ["pacs.hospital.example"],
            "Gateway": {"Port": cls.gateway_port, "BindAddress": LOOPBACK},
        })
        wait_until_http_ready(cls.gateway_port)

    def test_listed_host_is_accepted_and_others_refused_on_both_ports(self):
        for port in (self.orthanc.http_port, self.gateway_port):
            listed = self.orthanc.request("GET", "/system", headers={"Host": "pacs.hospital.example:%d" % port},
                                          port=port)
            self.assertEqual(listed.status, 200, listed)
            other = self.orthanc.request("GET", "/system", headers={"Host": "%s:%d" % (REBOUND_HOST, port)},
                                         port=port)
            self.assertEqual(other.status, 403, other)


class HostCheckOffWithRemoteAccess(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        cls.orthanc = cls.start_class_orthanc(remote_access_allowed=True, authentication_enabled=False,
                                              cors={"Gateway": {"Enable": False}})

    def test_any_host_is_accepted_without_allowed_hosts(self):
        response = self.orthanc.request("GET", "/system", headers={"Host": "pacs.anywhere.example"})
        self.assertEqual(response.status, 200, response)
