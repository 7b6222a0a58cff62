# SPDX-License-Identifier: AGPL-3.0-or-later
"""The plugin loads into a real Orthanc (Debian package, with the DICOMweb plugin),
is listed as "cors", describes its policy, stays inactive without a "Cors" section,
and makes Orthanc refuse to start on any bad configuration, naming the key."""

import concurrent.futures
import copy
import re
import socket
import tempfile
import unittest

from orthanc_cors_tools.orthanc import OrthancInstance
from orthanc_cors_tools.orthanc_json import find_values
from orthanc_cors_tools.raw_http import free_port
from orthanc_cors_tools.testing import OrthancTestCase

ALLOWED_ORIGIN = "http://localhost:3000"
MAX_AGE = 1234   # not the default (600), so that the description shows the configured value


def valid_cors_section(gateway_port):
    return {
        "AllowedOrigins": [ALLOWED_ORIGIN, "https://*.hospital.example"],
        "MaxAge": MAX_AGE,
        "Gateway": {"Port": gateway_port},
    }


class PluginWithCorsSection(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        cls.gateway_port = free_port()
        cls.orthanc = cls.start_class_orthanc(cors=valid_cors_section(cls.gateway_port))

    def test_plugin_is_listed_by_orthanc_as_cors(self):
        self.assertIn("cors", self.orthanc.api("GET", "/plugins"))
        description = self.orthanc.api("GET", "/plugins/cors")
        self.assertEqual(description["ID"], "cors")
        self.assertTrue(description["Version"])

    def test_policy_route_returns_the_effective_policy_as_json(self):
        response = self.orthanc.request("GET", "/cors/policy")
        self.assertEqual(response.status, 200, response.body)
        self.assertTrue(response.header("Content-Type").startswith("application/json"), response.headers)
        policy = response.json()
        self.assertEqual(policy["MaxAge"], MAX_AGE)
        self.assertEqual(policy["Gateway"]["Port"], self.gateway_port)
        origin_lists = find_values(policy, "AllowedOrigins")
        self.assertTrue(origin_lists, policy)
        for origins in origin_lists:
            self.assertIn(ALLOWED_ORIGIN, origins)
            self.assertIn("https://*.hospital.example", origins)

    def test_policy_route_is_same_origin_only(self):
        # /cors/ is not an exposed route: even an allowed origin gets no CORS header,
        # so no other web page can read the policy.
        response = self.orthanc.request("GET", "/cors/policy", headers={"Origin": ALLOWED_ORIGIN})
        self.assertEqual(response.header_values("Access-Control-Allow-Origin"), [])

    def test_plugin_logs_no_error_with_a_valid_configuration(self):
        self.assertEqual([line for line in self.orthanc.error_lines() if "Cors" in line], [])


class PluginWithoutCorsSection(OrthancTestCase):

    @classmethod
    def setUpClass(cls):
        cls.orthanc = cls.start_class_orthanc(cors=None)

    def test_without_cors_section_orthanc_starts_and_lists_the_plugin(self):
        self.assertIn("cors", self.orthanc.api("GET", "/plugins"))

    def test_without_cors_section_the_log_says_the_plugin_is_inactive(self):
        self.orthanc.wait_for_log(r"(?i)^[IW]\d{4} .*cors.*\binactive\b", timeout=5)

    def test_without_cors_section_the_plugin_registers_no_route(self):
        self.assertEqual(self.orthanc.request("GET", "/cors/policy").status, 404)


def with_changes(base, changes):
    section = copy.deepcopy(base)
    for (key, value) in changes.items():
        if isinstance(value, dict) and isinstance(section.get(key), dict):
            section[key].update(value)
        else:
            section[key] = value
    return section


# (rule, changes to a valid "Cors" section, keys of which one must be named on an error line)
BAD_CONFIGURATIONS = [
    ("unknown key (typo of AllowedOrigins)", {"AllowedOrigin": [ALLOWED_ORIGIN]}, ["Cors.AllowedOrigin"]),
    ("unknown key in Gateway", {"Gateway": {"Prot": 8043}}, ["Cors.Gateway.Prot"]),
    ("wrong type: AllowCredentials is a string", {"AllowCredentials": "yes"}, ["Cors.AllowCredentials"]),
    ("invalid regex", {"AllowedOrigins": ["regex:[unclosed"]}, ["Cors.AllowedOrigins"]),
    ("origin with a trailing slash", {"AllowedOrigins": ["https://example.org/"]}, ["Cors.AllowedOrigins"]),
    ("negative MaxAge", {"MaxAge": -1}, ["Cors.MaxAge"]),
    ("MaxAge above 86400", {"MaxAge": 86401}, ["Cors.MaxAge"]),
    ("credentials with the * origin", {"AllowCredentials": True, "AllowedOrigins": ["*"]},
     ["Cors.AllowedOrigins", "Cors.AllowCredentials"]),
    ("credentials with the null origin", {"AllowCredentials": True, "AllowedOrigins": ["null"]},
     ["Cors.AllowedOrigins", "Cors.AllowCredentials"]),
    ("credentials with * in AllowedHeaders", {"AllowCredentials": True, "AllowedHeaders": ["*"]},
     ["Cors.AllowedHeaders", "Cors.AllowCredentials"]),
    ("credentials with * in ExposedHeaders", {"AllowCredentials": True, "ExposedHeaders": ["*"]},
     ["Cors.ExposedHeaders", "Cors.AllowCredentials"]),
    ("gateway port is not a number", {"Gateway": {"Port": "abc"}}, ["Cors.Gateway.Port"]),
    ("served folder does not exist", {"Folders": {"/ohif": {"Path": "/nonexistent/orthanc-cors/ohif"}}},
     ["Cors.Folders"]),
    ("folder's Public is not a Boolean", {"Folders": {"/ohif": {"Path": tempfile.gettempdir(), "Public": "yes"}}},
     ['Cors.Folders["/ohif"].Public']),
]


def names_key_on_error_line(error_lines, keys):
    # "Cors.AllowedOrigin" must not be satisfied by "Cors.AllowedOrigins".
    patterns = [re.compile(re.escape(key) + r"(?![A-Za-z0-9_])") for key in keys]
    return any(pattern.search(line) for line in error_lines for pattern in patterns)


def error_lines(log):
    return [line for line in log.splitlines() if re.match(r"^E\d{4} ", line)]


class BadConfigurationStopsOrthanc(unittest.TestCase):
    """Each bad "Cors" section makes the plugin's initialization fail: Orthanc exits
    with a non-zero status (not a crash) and an error line names the key."""

    def run_refused(self, cors):
        return OrthancInstance(cors=cors).start_expecting_failure()

    def assert_refused(self, rule, exit_code, log, keys):
        with self.subTest(rule=rule):
            self.assertGreater(exit_code, 0, "Orthanc must exit with an error status, not crash "
                                             "(negative = killed by a signal)\n" + log[-3000:])
            errors = error_lines(log)
            self.assertTrue(names_key_on_error_line(errors, keys),
                            "no error line names %s; error lines: %r" % (" or ".join(keys), errors))

    def test_each_bad_configuration_stops_orthanc_naming_the_key(self):
        # Failing starts take well under a second each; run them side by side anyway.
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            futures = {}
            for (rule, changes, keys) in BAD_CONFIGURATIONS:
                cors = with_changes(valid_cors_section(free_port()), changes)
                futures[rule] = (pool.submit(self.run_refused, cors), keys)
            for (rule, (future, keys)) in futures.items():
                try:
                    exit_code, log = future.result()
                except AssertionError as error:   # Orthanc started: configuration accepted
                    with self.subTest(rule=rule):
                        self.fail(str(error)[:3000])
                    continue
                self.assert_refused(rule, exit_code, log, keys)

    def test_gateway_port_in_use_stops_orthanc_naming_the_key(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            cors = valid_cors_section(busy.getsockname()[1])
            exit_code, log = self.run_refused(cors)
        self.assert_refused("gateway port in use", exit_code, log, ["Cors.Gateway.Port"])

    def test_cors_section_that_is_not_an_object_stops_orthanc(self):
        exit_code, log = self.run_refused(["http://localhost:3000"])
        self.assertGreater(exit_code, 0, log[-3000:])
        # Every line of the plugin starts with "Cors:", so the key alone proves nothing here.
        self.assertTrue(any(re.search(r"\bCors\b.*\bobject\b", line) for line in error_lines(log)),
                        error_lines(log))


if __name__ == "__main__":
    unittest.main()
