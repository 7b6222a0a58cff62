# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every link of the DICOMweb plugin's answers, fetched through the gateway, points
at the gateway's origin as the browser named it: RetrieveURL (0008,1190) of QIDO-RS
studies, series and instances, and every BulkDataURI of WADO-RS metadata, over plain
HTTP and TLS, for a Host with the gateway's port, with the scheme's default port
(a name only), with another port (a proxy's in front) and as an IPv6 literal. A
viewer follows these links as they are: one that names Orthanc's port, the wrong
scheme or a mangled host fails at the first image.

Measured on both DICOMweb versions the test command runs: 1.7 (Debian bookworm)
builds links from the first Forwarded element, which it does not unquote; 1.24
(Debian sid, the orthancteam image) from X-Forwarded-Host with X-Forwarded-Proto
first, and writes a BulkDataURI for every binary tag by default. The gateway sends
all three, made from the client's Host and the gateway's own scheme."""

import tempfile

from orthanc_cors_tools.certificates import make_self_signed_certificate
from orthanc_cors_tools.dicom_data import create_ct_series
from orthanc_cors_tools.orthanc import wait_until_http_ready
from orthanc_cors_tools.orthanc_json import find_values
from orthanc_cors_tools.raw_http import LOOPBACK, free_port, insecure_tls_context
from orthanc_cors_tools.testing import OrthancTestCase

ALLOWED_ORIGIN = "http://localhost:3000"
PROXY_NAME = "pacs.example"


class DicomWebLinksThroughTheGateway(OrthancTestCase):
    """Plain HTTP; LinksOverTls below repeats every case over TLS."""

    SCHEME = "http"

    @classmethod
    def gateway_settings(cls):
        return {"Port": cls.gateway_port}

    @classmethod
    def setUpClass(cls):
        cls.gateway_port = free_port()
        cls.tls_context = insecure_tls_context() if cls.SCHEME == "https" else None
        cls.orthanc = cls.start_class_orthanc(cors={
            "AllowedOrigins": [ALLOWED_ORIGIN],
            # RemoteAccessAllowed is false here: loopback names and these only.
            "AllowedHosts": [PROXY_NAME],
            "Gateway": cls.gateway_settings(),
        })
        wait_until_http_ready(cls.gateway_port, tls_context=cls.tls_context)
        cls.series = create_ct_series(cls.orthanc, slices=2, rows=32, columns=32)

    def hosts(self):
        """Host as the browser sends it -> the origin the links must name."""
        port = self.gateway_port
        return {
            "%s:%d" % (LOOPBACK, port): "%s://%s:%d" % (self.SCHEME, LOOPBACK, port),
            PROXY_NAME: "%s://%s" % (self.SCHEME, PROXY_NAME),
            PROXY_NAME + ":8443": "%s://%s:8443" % (self.SCHEME, PROXY_NAME),
            "[::1]:%d" % port: "%s://[::1]:%d" % (self.SCHEME, port),
            "[::1]": "%s://[::1]" % self.SCHEME,
        }

    def get_json(self, path, host):
        response = self.orthanc.request("GET", path, port=self.gateway_port, tls_context=self.tls_context,
                                        headers={"Host": host, "Origin": ALLOWED_ORIGIN,
                                                 "Accept": "application/dicom+json"})
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
        return response.json()

    def assert_links(self, links, origin, what):
        self.assertTrue(links, "no %s in the answer" % what)
        wrong = [link for link in links if not link.startswith(origin + "/dicom-web/")]
        self.assertEqual(wrong, [], "%s not under %s/dicom-web/" % (what, origin))

    def test_retrieve_urls_of_qido_answers_name_the_gateway_as_the_browser_named_it(self):
        study, series = self.series["StudyInstanceUID"], self.series["SeriesInstanceUID"]
        queries = {
            "studies": "/dicom-web/studies?StudyInstanceUID=" + study,
            "series": "/dicom-web/studies/%s/series" % study,
            "instances": "/dicom-web/studies/%s/series/%s/instances" % (study, series),
        }
        for (host, origin) in self.hosts().items():
            for (level, path) in queries.items():
                with self.subTest(host=host, level=level):
                    answer = self.get_json(path, host)
                    urls = [value for entry in answer for value in entry.get("00081190", {}).get("Value", [])]
                    self.assert_links(urls, origin, "RetrieveURL")

    def test_bulk_data_uris_of_metadata_name_the_gateway_as_the_browser_named_it(self):
        path = "/dicom-web/studies/%s/series/%s/metadata" % (self.series["StudyInstanceUID"],
                                                              self.series["SeriesInstanceUID"])
        for (host, origin) in self.hosts().items():
            with self.subTest(host=host):
                self.assert_links(find_values(self.get_json(path, host), "BulkDataURI"), origin, "BulkDataURI")

    def test_a_bulk_data_uri_named_with_a_loopback_host_can_be_followed(self):
        host = "%s:%d" % (LOOPBACK, self.gateway_port)
        path = "/dicom-web/studies/%s/series/%s/metadata" % (self.series["StudyInstanceUID"],
                                                              self.series["SeriesInstanceUID"])
        origin = "%s://%s" % (self.SCHEME, host)
        links = find_values(self.get_json(path, host), "BulkDataURI")
        self.assert_links(links, origin, "BulkDataURI")
        for link in links:
            with self.subTest(link=link):
                response = self.orthanc.request("GET", link[len(origin):], port=self.gateway_port,
                                                tls_context=self.tls_context, headers={
                                                    "Origin": ALLOWED_ORIGIN,
                                                    "Accept": 'multipart/related; type="application/octet-stream"'})
                self.assertEqual(response.status, 200, response)
                self.assertEqual(response.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)


class LinksOverTls(DicomWebLinksThroughTheGateway):

    SCHEME = "https"

    @classmethod
    def gateway_settings(cls):
        cls.folder = tempfile.TemporaryDirectory(prefix="orthanc-cors-links-")
        cls.addClassCleanup(cls.folder.cleanup)
        certificate, key = make_self_signed_certificate(cls.folder.name)
        return {"Port": cls.gateway_port, "SslEnabled": True, "SslCertificate": certificate, "SslPrivateKey": key}


if __name__ == "__main__":
    import unittest
    unittest.main()
