# SPDX-License-Identifier: AGPL-3.0-or-later
"""Cross-site "HTTP method faking" (issue 18, finding 1), against a real Orthanc.

Orthanc honours `?_method=DELETE` (and PUT) on a GET, and X-HTTP-Method-Override on
any request. A page of any site can therefore delete an instance with
`<img src="http://orthanc:8042/instances/<id>?_method=DELETE">`: the browser sends a
GET with no Origin and `Sec-Fetch-Site: cross-site`. Orthanc resource IDs are
hashes of DICOM UIDs, so an attacker can compute them.

The first class reproduces the hole on an Orthanc without this plugin; the second
shows the guard refusing it on Orthanc's own port and through the gateway, while
requests without Fetch Metadata (curl, scripts) and same-origin pages keep working.
"""

import uuid

from orthanc_cors_tools.orthanc import DICOMWEB_PLUGIN, wait_until_http_ready
from orthanc_cors_tools.raw_http import free_port
from orthanc_cors_tools.testing import OrthancTestCase

ALLOWED_ORIGIN = "http://localhost:3000"

# What Chromium sends for <img src=...> placed on a page of another site.
CROSS_SITE_IMAGE = {
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-Mode": "no-cors",
    "Sec-Fetch-Dest": "image",
    "Accept": "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
}


class MethodOverrideTestCase(OrthancTestCase):

    def new_instance(self):
        answer = self.orthanc.api("POST", "/tools/create-dicom", {
            "Force": True,
            "Tags": {
                "PatientID": "OVERRIDE-" + uuid.uuid4().hex[:8].upper(),
                "StudyInstanceUID": "2.25.%d" % uuid.uuid4().int,
                "SeriesInstanceUID": "2.25.%d" % uuid.uuid4().int,
                "SOPInstanceUID": "2.25.%d" % uuid.uuid4().int,
                "Modality": "OT",
            },
        })
        return answer["ID"]

    def exists(self, instance):
        return self.orthanc.request("GET", "/instances/%s" % instance).status == 200


class MethodOverrideWithoutThePlugin(MethodOverrideTestCase):
    """The hole, measured on an Orthanc without this plugin."""

    @classmethod
    def setUpClass(cls):
        cls.orthanc = cls.start_class_orthanc(plugins=[DICOMWEB_PLUGIN])

    def test_cross_site_image_with_method_override_deletes_an_instance_when_the_plugin_is_absent(self):
        instance = self.new_instance()
        response = self.orthanc.request("GET", "/instances/%s?_method=DELETE" % instance, headers=CROSS_SITE_IMAGE)
        self.assertEqual(response.status, 200, response)
        self.assertFalse(self.exists(instance))


class MethodOverrideGuard(MethodOverrideTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(cors={
            "AllowedOrigins": [ALLOWED_ORIGIN],
            "Gateway": {"Port": cls.gateway_port},
        })
        wait_until_http_ready(cls.gateway_port)

    def assert_refused_and_kept(self, response, instance):
        self.assertEqual(response.status, 403, response)
        self.assertTrue(self.exists(instance))

    def test_cross_site_image_with_method_override_is_refused_on_orthancs_port(self):
        instance = self.new_instance()
        response = self.orthanc.request("GET", "/instances/%s?_method=DELETE" % instance, headers=CROSS_SITE_IMAGE)
        self.assert_refused_and_kept(response, instance)

    def test_cross_site_image_with_method_override_is_refused_through_the_gateway(self):
        instance = self.new_instance()
        response = self.orthanc.request("GET", "/instances/%s?_method=delete" % instance,
                                        headers=CROSS_SITE_IMAGE, port=self.gateway_port)
        self.assert_refused_and_kept(response, instance)

    def test_percent_encoded_method_argument_deletes_nothing(self):
        # Orthanc 1.10 does not decode argument names ("%5Fmethod" is no override);
        # the guard decodes them anyway, in case a version does.
        instance = self.new_instance()
        response = self.orthanc.request("GET", "/instances/%s?%%5Fmethod=DELETE" % instance,
                                        headers=CROSS_SITE_IMAGE, port=self.gateway_port)
        self.assertIn(response.status, (200, 403), response)
        self.assertTrue(self.exists(instance))

    def test_same_site_link_with_method_override_is_refused(self):
        instance = self.new_instance()
        headers = dict(CROSS_SITE_IMAGE, **{"Sec-Fetch-Site": "same-site", "Sec-Fetch-Dest": "document",
                                            "Sec-Fetch-Mode": "navigate"})
        response = self.orthanc.request("GET", "/instances/%s?_method=DELETE" % instance, headers=headers)
        self.assert_refused_and_kept(response, instance)

    def test_cross_site_form_post_with_override_header_is_refused(self):
        # A form cannot set headers, but a no-cors fetch from a page cannot either;
        # the header is judged all the same, wherever it comes from.
        instance = self.new_instance()
        response = self.orthanc.request("POST", "/instances/%s" % instance, body=b"",
                                        headers={"Sec-Fetch-Site": "cross-site", "X-HTTP-Method-Override": "DELETE",
                                                 "Content-Type": "text/plain"})
        self.assert_refused_and_kept(response, instance)

    def test_foreign_origin_with_override_header_is_refused_through_the_gateway(self):
        instance = self.new_instance()
        response = self.orthanc.request("GET", "/instances/%s" % instance, port=self.gateway_port,
                                        headers={"Origin": "https://evil.example",
                                                 "X-HTTP-Method-Override": "DELETE"})
        self.assert_refused_and_kept(response, instance)

    def test_refusal_is_logged_with_the_effective_method(self):
        instance = self.new_instance()
        self.orthanc.request("GET", "/instances/%s?_method=DELETE" % instance, headers=CROSS_SITE_IMAGE)
        self.orthanc.wait_for_log(r"Cors: refused DELETE /instances/%s .*Sec-Fetch-Site.*without Origin" % instance)

    def test_cross_site_image_without_override_still_loads(self):
        instance = self.new_instance()
        headers = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}
        response = self.orthanc.request("GET", "/instances/%s" % instance, headers=headers,
                                        port=self.gateway_port)
        self.assertEqual(response.status, 200, response)

    def test_real_delete_without_fetch_metadata_keeps_working(self):
        # curl, scripts, servers and old browsers: no Sec-Fetch-*, no Origin.
        for port in (self.orthanc.http_port, self.gateway_port):
            instance = self.new_instance()
            response = self.orthanc.request("DELETE", "/instances/%s" % instance, port=port)
            self.assertEqual(response.status, 200, response)
            self.assertFalse(self.exists(instance))

    def test_method_override_without_fetch_metadata_is_refused(self):
        # What an <img> of any site sends to a plain http:// Orthanc on a LAN name:
        # browsers send Sec-Fetch-* to https:// and loopback URLs only.
        for port in (self.orthanc.http_port, self.gateway_port):
            instance = self.new_instance()
            response = self.orthanc.request("GET", "/instances/%s?_method=DELETE" % instance, port=port,
                                            headers={"Accept": "image/*"})
            self.assert_refused_and_kept(response, instance)

    def test_link_clicked_outside_the_browser_with_method_override_is_refused(self):
        instance = self.new_instance()
        response = self.orthanc.request("GET", "/instances/%s?_method=DELETE" % instance,
                                        headers={"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate",
                                                 "Sec-Fetch-Dest": "document"})
        self.assert_refused_and_kept(response, instance)

    def test_same_origin_page_may_use_method_override(self):
        instance = self.new_instance()
        response = self.orthanc.request("GET", "/instances/%s?_method=DELETE" % instance,
                                        headers={"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"})
        self.assertEqual(response.status, 200, response)
        self.assertFalse(self.exists(instance))
