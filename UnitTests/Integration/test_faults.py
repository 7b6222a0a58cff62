# SPDX-License-Identifier: AGPL-3.0-or-later
"""Faults on Orthanc's side of the gateway, with a real Orthanc (1.10.1 and 1.13.0: Resources/Documentation/Operations.md, Compatibility):

- Orthanc stalls (a Lua script that keeps it busy past Cors.Gateway.UpstreamTimeout):
  the gateway answers 504 with the policy's CORS headers and a JSON body, goes on
  answering what it answers itself (preflights) meanwhile, and relays normally once
  Orthanc is back;
- Orthanc refuses connections (its HTTP server is disabled): 502, with the CORS
  headers, and the gateway keeps serving.

Orthanc 1.10.1 takes its Lua lock on every HTTP request (the IncomingHttpRequestFilter
check), so while the script runs no request reaches Orthanc at all: the stall is
Orthanc-wide. That a stalled answer does not hold up other relayed requests is tested
without Orthanc (UnitTests/Gateway, GatewayUpstreamFailure)."""

import threading
import time
import unittest

from orthanc_cors_tools.orthanc import wait_until_http_ready
from orthanc_cors_tools.raw_http import free_port, http_request
from orthanc_cors_tools.testing import OrthancTestCase

ALLOWED = "http://localhost:3000"
UPSTREAM_TIMEOUT = 1          # seconds: Cors.Gateway.UpstreamTimeout of these tests
STALL_SECONDS = 4             # how long the Lua script keeps Orthanc busy
SCRIPT_ROUTE = "/tools/execute-script"
PREFLIGHT_BOUND = 0.5         # seconds: a preflight answered by the gateway during the stall


def busy_script(seconds):
    # os.time() has one-second resolution: wait for `seconds` full ticks after the next one.
    return ("local t = os.time() while os.time() - t < %d do end return 'done'" % seconds).encode("ascii")


class StalledOrthanc(OrthancTestCase):

    def setUp(self):
        super().setUp()
        self.gateway_port = free_port()
        self.orthanc = self.start_orthanc(
            cors={"AllowedOrigins": [ALLOWED], "Routes": ["/dicom-web/", SCRIPT_ROUTE],
                  "Gateway": {"Port": self.gateway_port, "UpstreamTimeout": UPSTREAM_TIMEOUT}},
            extra_configuration={"ExecuteLuaEnabled": True})
        wait_until_http_ready(self.gateway_port)

    def test_stalled_answer_is_504_with_cors_headers_and_the_gateway_goes_on(self):
        stalled = {}

        def post_script():
            began = time.monotonic()
            stalled["response"] = http_request(self.gateway_port, "POST", SCRIPT_ROUTE, headers={"Origin": ALLOWED},
                                               body=busy_script(STALL_SECONDS), timeout=STALL_SECONDS + 30)
            stalled["seconds"] = time.monotonic() - began

        worker = threading.Thread(target=post_script)
        worker.start()
        try:
            # While Orthanc is busy, the gateway still answers preflights itself.
            preflight_seconds = []
            deadline = time.monotonic() + UPSTREAM_TIMEOUT
            while worker.is_alive() and time.monotonic() < deadline:
                began = time.monotonic()
                preflight = http_request(self.gateway_port, "OPTIONS", "/dicom-web/studies", headers={
                    "Origin": ALLOWED, "Access-Control-Request-Method": "GET"}, timeout=10)
                preflight_seconds.append(time.monotonic() - began)
                self.assertEqual(preflight.status, 204)
        finally:
            worker.join(timeout=STALL_SECONDS + 40)
        self.assertTrue(preflight_seconds)
        print("\n%d preflights answered during the stall, slowest %.3f s; stalled request answered after %.2f s"
              % (len(preflight_seconds), max(preflight_seconds), stalled.get("seconds", -1)))
        self.assertLess(max(preflight_seconds), PREFLIGHT_BOUND)

        response = stalled["response"]
        self.assertEqual(response.status, 504, response.body[:300])
        self.assertEqual(response.header_values("Access-Control-Allow-Origin"), [ALLOWED])
        self.assertIn("Origin", response.header("Vary"))
        details = response.json()
        self.assertEqual(details["Error"], "Gateway Timeout")
        self.assertIn("UpstreamTimeout", details["Details"])
        self.assertGreaterEqual(stalled["seconds"], UPSTREAM_TIMEOUT - 0.1)
        self.assertLess(stalled["seconds"], STALL_SECONDS)

        # Once the script is over, requests are relayed again (bounded wait for Orthanc).
        deadline = time.monotonic() + STALL_SECONDS + 30
        while True:
            response = http_request(self.gateway_port, "GET", "/dicom-web/studies", headers={"Origin": ALLOWED},
                                    timeout=STALL_SECONDS + 30)
            if response.status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(response.status, 200)
        self.assertEqual(response.header_values("Access-Control-Allow-Origin"), [ALLOWED])
        self.assertIsInstance(response.json(), list)
        self.assertTrue(self.orthanc.is_running())


class UnreachableOrthanc(OrthancTestCase):

    def setUp(self):
        super().setUp()
        self.gateway_port = free_port()
        self.orthanc = self.start_orthanc(
            cors={"AllowedOrigins": [ALLOWED], "Gateway": {"Port": self.gateway_port}},
            extra_configuration={"HttpServerEnabled": False},
            ready_port=self.gateway_port)

    def test_refused_connection_is_502_with_cors_headers(self):
        for attempt in range(3):
            with self.subTest(attempt=attempt):
                response = http_request(self.gateway_port, "GET", "/dicom-web/studies", headers={"Origin": ALLOWED})
                self.assertEqual(response.status, 502, response.body[:300])
                self.assertEqual(response.header_values("Access-Control-Allow-Origin"), [ALLOWED])
                self.assertEqual(response.header("Cross-Origin-Resource-Policy"), "cross-origin")
                details = response.json()
                self.assertEqual(details["Error"], "Bad Gateway")
                self.assertIn("cannot connect to Orthanc", details["Details"])

    def test_foreign_origin_gets_502_without_allow_origin(self):
        response = http_request(self.gateway_port, "GET", "/dicom-web/studies", headers={"Origin": "https://evil.example"})
        self.assertEqual(response.status, 502)
        self.assertEqual(response.header_values("Access-Control-Allow-Origin"), [])

    def test_preflights_are_still_answered(self):
        response = http_request(self.gateway_port, "OPTIONS", "/dicom-web/studies", headers={
            "Origin": ALLOWED, "Access-Control-Request-Method": "GET"})
        self.assertEqual(response.status, 204)

    def test_the_log_warns_that_the_gateway_has_nothing_to_relay_to(self):
        self.orthanc.wait_for_log(r"HttpServerEnabled is false")


if __name__ == "__main__":
    unittest.main()
