# SPDX-License-Identifier: AGPL-3.0-or-later
"""The gateway's TLS as a client on the network sees it, with a real Orthanc: Mozilla's
"intermediate" profile (versions, suites, server order, ALPN), checked with the openssl
command and with testssl.sh (Debian packages); certificate renewal without a restart;
start-up errors of the TLS keys."""

import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

from orthanc_cors_tools.certificates import make_self_signed_certificate
from orthanc_cors_tools.orthanc import OrthancInstance
from orthanc_cors_tools.raw_http import LOOPBACK, free_port, insecure_tls_context
from orthanc_cors_tools.testing import OrthancTestCase

ALLOWED_ORIGIN = "http://viewer.example"

# What an openssl s_client handshake ended with: "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384".
NEGOTIATED = re.compile(r"^New, (\S+), Cipher is (\S+)", re.MULTILINE)

# The renewal must be in use within this bound (the gateway looks every 2 s and
# waits for the files to stay unchanged for one look).
RENEWAL_BOUND_SECONDS = 10


def tls_gateway(port, certificate, key, **extra):
    section = {"Port": port, "SslEnabled": True, "SslCertificate": certificate, "SslPrivateKey": key}
    section.update(extra)
    return {"AllowedOrigins": [ALLOWED_ORIGIN], "Gateway": section}


def s_client(port, *options):
    """(protocol, cipher, output) of an openssl s_client handshake with the gateway;
    protocol and cipher are None when the handshake failed. The client itself is
    let down to security level 0, so that a refusal comes from the gateway."""
    completed = subprocess.run(["openssl", "s_client", "-connect", "%s:%d" % (LOOPBACK, port),
                                "-servername", "localhost"] + list(options),
                               stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    output = completed.stdout + completed.stderr
    match = NEGOTIATED.search(output)
    if match is None or match.group(2) == "(NONE)":
        return None, None, output
    return match.group(1), match.group(2), output


def der_of(certificate_path):
    with open(certificate_path) as pem:
        return ssl.PEM_cert_to_DER_cert(pem.read())


def presented_certificate(port):
    context = insecure_tls_context()
    with context.wrap_socket(socket.create_connection((LOOPBACK, port), timeout=10),
                             server_hostname="localhost") as connection:
        return connection.getpeercert(binary_form=True)


class TlsGatewayTestCase(OrthancTestCase):
    """One Orthanc for the class, its gateway on TLS with a new certificate."""

    KEY_TYPE = "rsa"
    GATEWAY_SETTINGS = {}

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory(prefix="orthanc-cors-tls-profile-")
        cls.addClassCleanup(cls.folder.cleanup)
        certificate, key = make_self_signed_certificate(cls.folder.name, key_type=cls.KEY_TYPE)
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(cors=tls_gateway(cls.gateway_port, certificate, key,
                                                               **cls.GATEWAY_SETTINGS))


class TlsProfile(TlsGatewayTestCase):

    def test_tls_1_0_and_1_1_are_refused(self):
        for option in ("-tls1", "-tls1_1"):
            protocol, cipher, output = s_client(self.gateway_port, option, "-cipher", "DEFAULT@SECLEVEL=0")
            self.assertIsNone(protocol, output)

    def test_tls_1_2_and_1_3_are_accepted(self):
        self.assertEqual(s_client(self.gateway_port, "-tls1_2")[0], "TLSv1.2")
        self.assertEqual(s_client(self.gateway_port, "-tls1_3")[0], "TLSv1.3")

    def test_tls_1_2_takes_ecdhe_with_aead_only(self):
        for accepted in ("ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305"):
            protocol, cipher, output = s_client(self.gateway_port, "-tls1_2", "-cipher", accepted)
            self.assertEqual(cipher, accepted, output)
        # The two the gateway accepted before (issue 14), and the other weak families.
        for refused in ("AES128-SHA", "ECDHE-RSA-AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA256",
                        "DHE-RSA-AES128-GCM-SHA256", "DES-CBC3-SHA"):
            protocol, cipher, output = s_client(self.gateway_port, "-tls1_2", "-cipher", refused + "@SECLEVEL=0")
            self.assertIsNone(cipher, refused + "\n" + output)

    def test_server_order_of_suites_wins(self):
        protocol, cipher, output = s_client(self.gateway_port, "-tls1_2", "-cipher",
                                            "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256")
        self.assertEqual(cipher, "ECDHE-RSA-AES128-GCM-SHA256", output)

    def test_alpn_selects_http_1_1_and_refuses_h2_alone(self):
        protocol, cipher, output = s_client(self.gateway_port, "-alpn", "h2,http/1.1")
        self.assertIn("ALPN protocol: http/1.1", output)
        protocol, cipher, output = s_client(self.gateway_port, "-alpn", "h2")
        self.assertIsNone(protocol, output)
        self.assertIn("no application protocol", output)

    def run_testssl(self, attempt):
        """testssl.sh's findings, {id: finding}: protocols, cipher categories, the server's
        order, vulnerabilities. (Not --server-defaults: its session resumption check races
        with TLS 1.3's post-handshake tickets and fails with "connect problem" under load.)"""
        report_path = os.path.join(self.folder.name, "testssl-%d.json" % attempt)
        completed = subprocess.run(
            ["testssl", "--quiet", "--color", "0", "--warnings", "batch", "--nodns", "none",
             "--protocols", "--std", "--server-preference", "--vulnerable",
             "--jsonfile", report_path, "%s:%d" % (LOOPBACK, self.gateway_port)],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
            # Not its GOST engine check: about the openssl testssl runs (Debian's has no
            # GOST engine, reported as a WARN "engine_problem"), not about the gateway.
            env=dict(os.environ, NO_ENGINE="true"))
        self.assertTrue(os.path.exists(report_path), completed.stdout[-3000:] + completed.stderr[-3000:])
        with open(report_path) as report:
            return {finding["id"]: finding for finding in json.load(report)}

    def test_testssl_finds_no_weak_protocol_cipher_or_vulnerability(self):
        findings = self.run_testssl(1)
        # WARN is testssl's "this check could not be made" (a connection that failed under
        # the load of the other tests), not a finding: one more run, then it counts.
        if any(finding["severity"] == "WARN" for finding in findings.values()):
            findings = self.run_testssl(2)

        def expect(finding_id, severities, text):
            self.assertIn(finding_id, findings)
            self.assertIn(findings[finding_id]["severity"], severities, findings[finding_id])
            self.assertTrue(findings[finding_id]["finding"].startswith(text), findings[finding_id])

        # testssl rates "not offered" OK for what is broken (SSL), INFO for what is only old.
        for old in ("SSLv2", "SSLv3", "TLS1", "TLS1_1"):
            expect(old, ("OK", "INFO"), "not offered")
        expect("TLS1_2", ("OK",), "offered")
        expect("TLS1_3", ("OK",), "offered")
        expect("ALPN", ("INFO",), "http/1.1")
        for weak in ("cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW",
                     "cipherlist_3DES_IDEA", "cipherlist_AVERAGE"):
            expect(weak, ("OK", "INFO"), "not offered")
        expect("cipherlist_STRONG", ("OK",), "offered")

        # The certificate's own findings, if any, come from the test's self-signed certificate
        # (no chain of trust, expiring in two days, no revocation URL), not from the gateway.
        accepted = {finding_id: finding for finding_id, finding in findings.items()
                    if finding_id.startswith("cert") or finding_id == "DNS_CAArecord"}
        problems = ["%s %s: %s" % (finding_id, finding["severity"], finding["finding"])
                    for finding_id, finding in findings.items()
                    if finding_id not in accepted and finding["severity"] not in ("OK", "INFO")]
        self.assertEqual(problems, [])
        vulnerabilities = ("heartbleed", "CCS", "ticketbleed", "ROBOT", "secure_renego", "secure_client_renego",
                           "CRIME_TLS", "BREACH", "POODLE_SSL", "fallback_SCSV", "SWEET32", "FREAK", "DROWN",
                           "LOGJAM", "BEAST", "LUCKY13", "RC4")
        for vulnerability in vulnerabilities:
            self.assertEqual(findings[vulnerability]["severity"], "OK", findings[vulnerability])
        print("\ntestssl.sh: %d findings, %d OK, %d INFO; accepted (test certificate): %s"
              % (len(findings), sum(f["severity"] == "OK" for f in findings.values()),
                 sum(f["severity"] == "INFO" for f in findings.values()),
                 ", ".join("%s=%s" % (i, f["severity"]) for i, f in sorted(accepted.items())
                           if f["severity"] not in ("OK", "INFO"))))


class EcdsaCertificate(TlsGatewayTestCase):

    KEY_TYPE = "ec"
    GATEWAY_SETTINGS = {"SslMinimumProtocolVersion": "TLSv1.2"}

    def test_ecdsa_suites_are_offered_with_an_ecdsa_certificate(self):
        protocol, cipher, output = s_client(self.gateway_port, "-tls1_2")
        self.assertEqual(cipher, "ECDHE-ECDSA-AES128-GCM-SHA256", output)
        protocol, cipher, output = s_client(self.gateway_port, "-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305")
        self.assertEqual(cipher, "ECDHE-ECDSA-CHACHA20-POLY1305", output)


class Tls13Only(TlsGatewayTestCase):

    GATEWAY_SETTINGS = {"SslMinimumProtocolVersion": 5}   # Orthanc's numbering, extended: 5 is TLS 1.3

    def test_tls_1_2_is_refused(self):
        self.assertIsNone(s_client(self.gateway_port, "-tls1_2")[0])
        self.assertEqual(s_client(self.gateway_port, "-tls1_3")[0], "TLSv1.3")


class CertificateRenewal(OrthancTestCase):

    def setUp(self):
        super().setUp()
        folder = tempfile.TemporaryDirectory(prefix="orthanc-cors-renewal-")
        self.addCleanup(folder.cleanup)
        self.folder = folder.name
        self.old = make_self_signed_certificate(self.folder, "old")
        self.new = make_self_signed_certificate(self.folder, "new")
        self.certificate = os.path.join(self.folder, "live-cert.pem")
        self.key = os.path.join(self.folder, "live-key.pem")
        shutil.copy(self.old[0], self.certificate)
        shutil.copy(self.old[1], self.key)
        self.gateway_port = free_port()
        self.orthanc = self.start_orthanc(cors=tls_gateway(self.gateway_port, self.certificate, self.key))

    def replace(self, source, target):
        """As certbot and Kubernetes do: the new file is renamed over the old one."""
        shutil.copy(source, target + ".tmp")
        os.rename(target + ".tmp", target)

    def wait_for_certificate(self, certificate_path):
        """Seconds until a new handshake presents that certificate (fails past the bound)."""
        began = time.monotonic()
        wanted = der_of(certificate_path)
        while time.monotonic() - began < RENEWAL_BOUND_SECONDS:
            if presented_certificate(self.gateway_port) == wanted:
                return time.monotonic() - began
            time.sleep(0.2)
        self.fail("the gateway still presents another certificate after %d s" % RENEWAL_BOUND_SECONDS)

    def test_renewed_pair_is_used_without_restart_and_open_connections_go_on(self):
        self.assertEqual(presented_certificate(self.gateway_port), der_of(self.old[0]))
        opened = http.client.HTTPSConnection(LOOPBACK, self.gateway_port, timeout=10, context=insecure_tls_context())
        self.addCleanup(opened.close)
        opened.request("GET", "/dicom-web/studies")
        first = opened.getresponse()
        first.read()
        self.assertEqual(first.status, 200)

        self.replace(self.new[0], self.certificate)
        self.replace(self.new[1], self.key)
        seconds = self.wait_for_certificate(self.new[0])
        print("\nrenewed certificate in use after %.1f s" % seconds)
        self.orthanc.wait_for_log(r"TLS certificate and key changed on disk; new connections use them")

        # The connection opened before the renewal goes on, with the old certificate.
        opened.request("GET", "/dicom-web/studies")
        response = opened.getresponse()
        response.read()
        self.assertEqual(response.status, 200)
        self.assertEqual(opened.sock.getpeercert(binary_form=True), der_of(self.old[0]))

    def test_broken_new_pair_is_refused_and_the_old_one_stays(self):
        self.replace(self.new[0], self.certificate)   # the new certificate with the old key
        self.orthanc.wait_for_log(r"TLS certificate or key changed on disk but cannot be used.*does not match",
                                  timeout=RENEWAL_BOUND_SECONDS)
        self.assertEqual(presented_certificate(self.gateway_port), der_of(self.old[0]))
        self.assertTrue(self.orthanc.is_running())

        self.replace(self.new[1], self.key)           # the key follows: the pair is whole again
        self.wait_for_certificate(self.new[0])


class TlsStartUpErrors(unittest.TestCase):

    def expect_refusal(self, extra, key, text):
        with tempfile.TemporaryDirectory() as folder:
            certificate, private_key = make_self_signed_certificate(folder)
            exit_code, log = OrthancInstance(cors=tls_gateway(free_port(), certificate, private_key, **extra)) \
                .start_expecting_failure()
        self.assertNotEqual(exit_code, 0, log[-2000:])
        self.assertRegex(log, re.escape(key) + r": .*" + re.escape(text))

    def test_unknown_cipher_suite_stops_orthanc_naming_the_entry(self):
        self.expect_refusal({"SslCiphers": ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA999"]},
                            "Cors.Gateway.SslCiphers[1]", "ECDHE-RSA-AES128-GCM-SHA999")

    def test_weak_cipher_suite_stops_orthanc_naming_the_entry(self):
        self.expect_refusal({"SslCiphers": ["AES128-SHA"]}, "Cors.Gateway.SslCiphers[0]", "weak suite")

    def test_tls_1_1_as_minimum_stops_orthanc_naming_the_key(self):
        self.expect_refusal({"SslMinimumProtocolVersion": "TLSv1.1"}, "Cors.Gateway.SslMinimumProtocolVersion",
                            "RFC 8996")


if __name__ == "__main__":
    unittest.main()
