# SPDX-License-Identifier: AGPL-3.0-or-later
"""The deployment examples work as shipped: Configuration.json.example (comments and
all), the orthancteam Docker recipe (Resources/Docker/: its ORTHANC__CORS__...
environment variables and its orthanc.json, merged the way the image merges them;
its Dockerfile builds with the script the test command builds with), the scale-out
recipe (docker-compose.scale-out.yml: two replicas configured alike, PostgreSQL, and
HAProxy's haproxy.cfg sending the PROXY protocol to the address TrustedProxies names),
and the four deployment shapes of Resources/Examples/ each start a real Orthanc
with this plugin, and GET /cors/policy shows the values they wrote. Only ports and
file paths are adjusted, and the gateway stays on loopback. The OHIF app-config.js
examples are valid JavaScript; the embedded shape's portal page and its server's
headers are what the viewer's configuration expects of them.

No Docker engine runs here: the image's configuration generator is reproduced from
its documentation and source (orthanc-server/orthanc-builder, docker/orthanc/
configurator.py and helpers.py), so that the names in docker-compose.yml are checked
against the keys the plugin really reads.
"""

import copy
import html.parser
import ipaddress
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from orthanc_cors_tools.certificates import make_self_signed_certificate
from orthanc_cors_tools.examples import EMBEDDED_VIEWER_URL, embedded_portal_headers, nginx_directives
from orthanc_cors_tools.orthanc import OrthancInstance, orthanc_at_least, wait_until_http_ready
from orthanc_cors_tools.orthanc_json import load_commented_json
from orthanc_cors_tools.raw_http import LOOPBACK, free_port, http_request, insecure_tls_context
from orthanc_cors_tools.testing import OrthancTestCase

import yaml   # Debian's python3-yaml (Resources/install-dependencies.sh)

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLE_CONFIGURATION = os.path.join(SOURCE_DIR, "Configuration.json.example")
DOCKER_DIR = os.path.join(SOURCE_DIR, "Resources", "Docker")
DOCKERFILE = os.path.join(DOCKER_DIR, "Dockerfile")
SCALE_OUT_COMPOSE = "docker-compose.scale-out.yml"
HAPROXY_CONFIGURATION = os.path.join(DOCKER_DIR, "haproxy.cfg")
# Where the official haproxy image reads its configuration.
HAPROXY_IMAGE_CONFIGURATION = "/usr/local/etc/haproxy/haproxy.cfg"
EXAMPLES_DIR = os.path.join(SOURCE_DIR, "Resources", "Examples")
README = os.path.join(SOURCE_DIR, "README.md")
SHAPES_DOCUMENT = os.path.join(SOURCE_DIR, "Resources", "Documentation", "DeploymentShapes.md")
SHAPES = ["CrossOrigin", "SameOrigin", "BearerToken", "Embedded"]
# The embedded shape serves the same OHIF build as shape 2, with its app-config.js.
APP_CONFIG_OF_SHAPE = {"Embedded": "SameOrigin"}

# The keys of a "Cors" section, or of a route object, that are route settings: the
# policy description repeats their effective value on every route.
ROUTE_SETTINGS = ["AllowedOrigins", "AllowCredentials", "AllowedMethods", "AllowedHeaders", "ExposedHeaders"]

# What the orthancteam image adds to the configuration without overwriting anything
# (docker/orthanc/orthanc-defaults.json; releases before 2025 list only
# "/usr/share/orthanc/plugins/"), and the DICOMweb plugin's own default once enabled
# (plugins-def.json).
IMAGE_DEFAULTS = {
    "StorageDirectory": "/var/lib/orthanc/db",
    "RemoteAccessAllowed": True,
    "AuthenticationEnabled": True,
    "Plugins": ["/run/orthanc/plugins", "/usr/share/orthanc/plugins"],
}
IMAGE_PLUGIN_FOLDERS = ["/run/orthanc/plugins", "/usr/share/orthanc/plugins"]
IMAGE_CONFIGURATION_FOLDER = "/etc/orthanc"
# The image's plugins that the recipes use (plugins-def.json): the section that enables
# one when present, the variable that enables it ("false" disables it, section or not),
# and the defaults the image adds to that section once it is enabled.
IMAGE_PLUGINS = {
    "DicomWeb": {"variable": "DICOM_WEB_PLUGIN_ENABLED", "defaults": {"Enable": True}},
    "PostgreSQL": {"variable": "POSTGRESQL_PLUGIN_ENABLED",
                   "defaults": {"EnableIndex": True, "EnableStorage": False, "Port": 5432,
                                "Host": "HOST MUST BE DEFINED", "Database": "postgres", "Username": "postgres",
                                "Password": "postgres", "EnableSsl": False, "Lock": False}},
}
# Variable names the image maps by a table of its own (env-var-non-standards.json), and the
# prefixes it rewrites before the usual mapping (configurator.py, getJsonPathFromEnvVarName).
IMAGE_ENVIRONMENT_ALIASES = {
    "ORTHANC__CASE_SENSITIVE_PN": "CaseSensitivePN",
    "ORTHANC__HTTPS_CA_CERTIFICATES": "HttpsCACertificates",
    "ORTHANC__STORE_MD5_FOR_ATTACHMENTS": "StoreMD5ForAttachments",
    "ORTHANC__POSTGRESQL": "PostgreSQL",
    "ORTHANC__MYSQL": "MySQL",
    "ORTHANC__MYSQL__SSL_CA_CERTIFICATES": "MySQL.SslCACertificates",
    "ORTHANC__OHIF": "OHIF",
}
IMAGE_ENVIRONMENT_PREFIXES = {
    "ORTHANC__POSTGRESQL__": "ORTHANC__POSTGRE_S_Q_L__",
    "ORTHANC__MYSQL__": "ORTHANC__MY_S_Q_L__",
    "ORTHANC__OHIF__": "ORTHANC__O_H_I_F__",
}

# Strings first, so that "//" inside a string (an origin, a regex) is kept.


# ---- the orthancteam image's configuration generator ---------------------------------

def environment_word_to_key(word):
    """One "_"-separated level of a variable name -> the JSON key (helpers.py's
    envVarToCamelCase): each word keeps its first letter, the rest in lower case.
    QUERY_RETRIEVE_SIZE -> QueryRetrieveSize, SSL_ENABLED -> SslEnabled."""
    return "".join(word[0] + word[1:].lower() for word in word.split("_"))


def environment_name_to_path(name):
    """ORTHANC__CORS__GATEWAY__SSL_ENABLED -> ["Cors", "Gateway", "SslEnabled"]: each
    "__" goes one level down. The image's exceptions come first: its table of names
    (ORTHANC__POSTGRESQL -> "PostgreSQL"), then its prefixes written so that the usual
    rule gives the key (ORTHANC__POSTGRESQL__LOCK -> ["PostgreSQL", "Lock"]); none
    concerns "Cors"."""
    if name in IMAGE_ENVIRONMENT_ALIASES:
        return IMAGE_ENVIRONMENT_ALIASES[name].split(".")
    for (prefix, written) in IMAGE_ENVIRONMENT_PREFIXES.items():
        if name.startswith(prefix):
            name = written + name[len(prefix):]
    if not name.startswith("ORTHANC__"):
        raise ValueError("not an ORTHANC__ variable: " + name)
    return [environment_word_to_key(level) for level in name[len("ORTHANC__"):].split("__")]


def environment_value_to_json(value):
    """The image parses a value as JSON when it can (numbers, Booleans, lists,
    objects), and keeps it as a string otherwise."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def merge(target, source, overwrite):
    """configurator.py's _mergeConfigs: objects merge key by key; other values replace
    (files, then variables) or fill in what is missing (defaults)."""
    for (key, value) in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value, overwrite)
        elif key not in target or overwrite:
            target[key] = copy.deepcopy(value)
    return target


class ComposeInterpolationError(ValueError):
    """A ${NAME:?message} (or ${NAME?message}) whose variable is missing: compose stops."""


def interpolate_compose(text, environment=None):
    """Compose's interpolation of ${NAME}, ${NAME:-default}, ${NAME-default},
    ${NAME:?message}, ${NAME?message} and $$ (a literal "$"), with an empty environment
    unless given. With ":" an empty value counts as unset."""
    environment = environment or {}

    def replace(match):
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.group(1), match.group(2), match.group(3)
        value = environment.get(name)
        unset = value is None or (value == "" and operator is not None and operator.startswith(":"))
        if operator is None or not unset:
            return value or ""
        if operator.endswith("-"):
            return argument
        raise ComposeInterpolationError("%s: %s" % (name, argument))
    return re.sub(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}", replace, text)


def load_compose(name="docker-compose.yml", environment=None):
    """A compose file of Resources/Docker/, parsed (YAML anchors and "<<" merges
    resolved); with `environment`, interpolated first as compose would."""
    with open(os.path.join(DOCKER_DIR, name), "r", encoding="utf-8") as source:
        text = source.read()
    if environment is not None:
        text = interpolate_compose(text, environment)
    return yaml.safe_load(text)


def compose_environment(service):
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return environment


def dockerfile_instructions():
    """[(INSTRUCTION, arguments)] of the Dockerfile, comments left out (no line
    continuations: the file is kept to one line an instruction)."""
    instructions = []
    with open(DOCKERFILE, encoding="utf-8") as source:
        for line in source:
            line = line.strip()
            if line and not line.startswith("#"):
                instruction, _, arguments = line.partition(" ")
                instructions.append((instruction.upper(), arguments.strip()))
    return instructions


def dockerfile_arguments():
    """The ARG defaults declared before the first FROM."""
    arguments = {}
    for (instruction, text) in dockerfile_instructions():
        if instruction == "FROM":
            break
        if instruction == "ARG":
            name, _, default = text.partition("=")
            arguments[name] = default
    return arguments


def dockerfile_stages():
    """[{"from": ..., "run": [...], "copy": [...]}] of each build stage, in order."""
    stages = []
    for (instruction, text) in dockerfile_instructions():
        if instruction == "FROM":
            stages.append({"from": text, "run": [], "copy": []})
        elif stages and instruction in ("RUN", "COPY"):
            stages[-1][instruction.lower()].append(text)
    return stages


def compose_volumes(service):
    """[(source, target)] of the service's bind mounts and volumes (short syntax)."""
    volumes = []
    for entry in service.get("volumes", []):
        parts = interpolate_compose(entry).split(":")
        volumes.append((parts[0], parts[1]))
    return volumes


def image_enabled_plugins(configuration, environment):
    """The image's plugins (of IMAGE_PLUGINS) it enables (configurator.py,
    getEnabledPlugins), given its configuration before or after its defaults (they add
    the section of an enabled plugin only)."""
    enabled = []
    for (section, plugin) in IMAGE_PLUGINS.items():
        variable = environment.get(plugin["variable"])
        if variable != "false" and (section in configuration or variable is not None):
            enabled.append(section)
    return enabled


def image_configuration(service):
    """The configuration the image generates for the compose service: its JSON files
    in /etc/orthanc, then its ORTHANC__ variables, then its defaults (Orthanc's, then
    those of each plugin it enables)."""
    configuration = {}
    for (source, target) in compose_volumes(service):
        if os.path.dirname(target) == IMAGE_CONFIGURATION_FOLDER and target.endswith(".json"):
            merge(configuration, load_commented_json(os.path.join(DOCKER_DIR, source)), overwrite=True)
    environment = compose_environment(service)
    for (name, value) in environment.items():
        if name.startswith("ORTHANC__"):
            path = environment_name_to_path(name)
            tree = environment_value_to_json(value)
            for key in reversed(path):
                tree = {key: tree}
            merge(configuration, tree, overwrite=True)
    plugins = image_enabled_plugins(configuration, environment)
    merge(configuration, IMAGE_DEFAULTS, overwrite=False)
    for section in plugins:
        merge(configuration, {section: IMAGE_PLUGINS[section]["defaults"]}, overwrite=False)
    return configuration


# ---- running an example on this machine ----------------------------------------------


def keep_on_loopback(configuration, cors):
    """Orthanc's own settings of an example, with its RemoteAccessAllowed as written
    (Orthanc 1.13 refuses to start with it, authentication and no user) where that
    can stay on loopback: HttpBindAddresses (Orthanc 1.12.10 and later). An older
    Orthanc's HTTP server listens on every interface, and has no such rule: there it
    runs with RemoteAccessAllowed false. The gateway is bound to loopback."""
    configuration = dict(configuration)
    if configuration.get("RemoteAccessAllowed"):
        if orthanc_at_least(1, 12, 10):
            configuration["HttpBindAddresses"] = [LOOPBACK]
        else:
            configuration["RemoteAccessAllowed"] = False
    cors["Gateway"]["BindAddress"] = LOOPBACK
    return configuration


def adjust_for_this_machine(cors, directory):
    """A copy of a "Cors" section runnable here: a free gateway port, no bind address
    (RemoteAccessAllowed stays false in the tests, so the gateway is on loopback),
    TLS files and folders replaced by temporary ones. Returns (section, gateway port)."""
    cors = copy.deepcopy(cors)
    gateway = cors.setdefault("Gateway", {})
    gateway["Port"] = free_port()
    gateway.pop("BindAddress", None)
    if gateway.get("SslEnabled"):
        gateway["SslCertificate"], gateway["SslPrivateKey"] = make_self_signed_certificate(directory, "example")
    for (prefix, folder) in cors.get("Folders", {}).items():
        path = os.path.join(directory, "folder" + str(len(os.listdir(directory))))
        os.makedirs(path)
        with open(os.path.join(path, "index.html"), "w", encoding="utf-8") as index:
            index.write("<!doctype html><title>viewer</title>")
        if isinstance(folder, dict):
            folder["Path"] = path
        else:
            cors["Folders"][prefix] = path
    return cors, gateway["Port"]


class DeploymentTestCase(OrthancTestCase):

    def make_directory(self):
        directory = tempfile.mkdtemp(prefix="orthanc-cors-example-")
        self.addCleanup(shutil.rmtree, directory, True)
        return directory

    def policy(self, orthanc):
        response = orthanc.request("GET", "/cors/policy")
        self.assertEqual(response.status, 200, response.body)
        return response.json()

    def assert_policy_shows(self, policy, cors, adjusted):
        """GET /cors/policy shows every value the section `cors` wrote; the gateway's
        port, address and TLS files as `adjusted` for this machine."""
        for (key, value) in cors.items():
            if key in ROUTE_SETTINGS:
                for route in policy["Routes"]:
                    self.assertEqual(route[key], value, "Cors.%s on route %s" % (key, route["Prefix"]))
            elif key == "Routes":
                self.assertEqual([route["Prefix"] for route in policy["Routes"]],
                                 [entry if isinstance(entry, str) else entry["Prefix"] for entry in value])
            elif key == "Gateway":
                for (name, setting) in value.items():
                    if name == "Port":
                        self.assertEqual(policy["Gateway"]["Port"], adjusted["Gateway"]["Port"])
                    elif name == "BindAddress":
                        self.assertEqual(policy["Gateway"]["BindAddress"], "127.0.0.1")
                    elif name in ("SslCertificate", "SslPrivateKey") and setting:
                        self.assertEqual(policy["Gateway"][name], os.path.realpath(adjusted["Gateway"][name]), name)
                    else:
                        self.assertEqual(policy["Gateway"][name], setting, "Cors.Gateway." + name)
            elif key == "Folders":
                self.assertEqual(sorted(policy["Folders"]),
                                 sorted(prefix if prefix.endswith("/") else prefix + "/" for prefix in value))
            else:
                self.assertEqual(policy[key], value, "Cors." + key)

    def assert_preflight_allowed(self, port, origin, tls=False, headers="authorization"):
        response = http_request(port, "OPTIONS", "/dicom-web/studies",
                                headers={"Origin": origin, "Access-Control-Request-Method": "GET",
                                         "Access-Control-Request-Headers": headers},
                                tls_context=insecure_tls_context() if tls else None)
        self.assertEqual(response.status, 204, response)
        self.assertEqual(response.header("Access-Control-Allow-Origin"), origin)
        return response


# ---- Configuration.json.example -------------------------------------------------------

class ExampleConfigurationInstance(OrthancInstance):
    """Orthanc run with Configuration.json.example's own text, comments included, with
    only its ports, plugin list and storage folders replaced."""

    def __init__(self, gateway_port):
        super().__init__()
        self.gateway_port = gateway_port

    def _write_configuration(self):
        with open(EXAMPLE_CONFIGURATION, "r", encoding="utf-8") as source:
            text = source.read()
        storage = os.path.join(self.directory, "storage")
        text = replace_once(text, r'"HttpPort"\s*:\s*8042', '"HttpPort" : %d' % self.http_port)
        text = replace_once(text, r'"Port"\s*:\s*8043', '"Port" : %d' % self.gateway_port)
        text = replace_once(text, r'"Plugins"\s*:\s*\[[^\]]*\]', '"Plugins" : ' + json.dumps(self.plugins))
        text = replace_once(text, r'"Name"\s*:\s*"[^"]*"\s*,',
                            lambda match: match.group(0) + ' "DicomPort" : %d, "StorageDirectory" : %s, '
                            '"IndexDirectory" : %s,' % (self.dicom_port, json.dumps(storage), json.dumps(storage)))
        with open(self.configuration_path, "w", encoding="utf-8") as output:
            output.write(text)


def replace_once(text, pattern, replacement):
    (result, count) = re.subn(pattern, replacement, text, count=0)
    if count != 1:
        raise AssertionError("Configuration.json.example: %r found %d times, expected once "
                             "(the test adjusts it to run here)" % (pattern, count))
    return result


class ExampleConfigurationRunsAsIs(DeploymentTestCase):

    @classmethod
    def setUpClass(cls):
        cls.cors = load_commented_json(EXAMPLE_CONFIGURATION)["Cors"]
        cls.gateway_port = free_port()
        instance = ExampleConfigurationInstance(cls.gateway_port)
        try:
            instance.start()
        except BaseException:
            instance.cleanup(failed=True)
            raise
        cls.addClassCleanup(lambda: instance.cleanup(failed=cls._class_had_failure))
        cls.orthanc = instance
        wait_until_http_ready(cls.gateway_port, path="/system")

    def test_orthanc_accepts_the_commented_example_with_the_plugin_active(self):
        self.assertIn("cors", self.orthanc.api("GET", "/plugins"))
        self.assertEqual([line for line in self.orthanc.error_lines() if "Cors" in line], [])
        self.orthanc.wait_for_log(r"Cors: policy loaded")

    def test_policy_shows_every_value_the_example_writes(self):
        adjusted = copy.deepcopy(self.cors)
        adjusted["Gateway"]["Port"] = self.gateway_port
        self.assert_policy_shows(self.policy(self.orthanc), self.cors, adjusted)

    def test_example_gateway_stays_on_loopback_because_remote_access_is_off(self):
        gateway = self.policy(self.orthanc)["Gateway"]
        self.assertTrue(gateway["BindAddressForcedToLoopback"])
        self.orthanc.wait_for_log(r"RemoteAccessAllowed is false, so the gateway listens on loopback only")

    def test_gateway_answers_preflights_from_each_kind_of_example_origin(self):
        for origin in ("http://localhost:3000", "https://ris.hospital.example", "https://viewer-12.example.org"):
            with self.subTest(origin=origin):
                self.assert_preflight_allowed(self.gateway_port, origin)


# ---- the orthancteam Docker recipe ----------------------------------------------------

class DockerComposeRecipe(DeploymentTestCase):

    @classmethod
    def setUpClass(cls):
        cls.service = load_compose()["services"]["orthanc"]
        cls.configuration = image_configuration(cls.service)

    def test_environment_names_map_as_the_image_documents(self):
        # The orthancteam documentation's own example, and the plugin's special cases.
        self.assertEqual(environment_name_to_path("ORTHANC__DICOM_WEB__STUDIES_METADATA"),
                         ["DicomWeb", "StudiesMetadata"])
        self.assertEqual(environment_name_to_path("ORTHANC__CORS__ALLOWED_ORIGINS"), ["Cors", "AllowedOrigins"])
        self.assertEqual(environment_name_to_path("ORTHANC__CORS__MAX_AGE"), ["Cors", "MaxAge"])
        self.assertEqual(environment_name_to_path("ORTHANC__CORS__GATEWAY__SSL_ENABLED"),
                         ["Cors", "Gateway", "SslEnabled"])
        self.assertEqual(environment_name_to_path("ORTHANC__CORS__GENERATE_ETAG"), ["Cors", "GenerateEtag"])
        self.assertEqual(environment_value_to_json('["http://localhost:3000"]'), ["http://localhost:3000"])
        self.assertEqual(environment_value_to_json("8043"), 8043)
        self.assertEqual(environment_value_to_json("0.0.0.0"), "0.0.0.0")

    def test_image_is_orthancteams_with_the_plugin_built_in_by_the_dockerfile(self):
        build = self.service["build"]
        self.assertEqual(os.path.normpath(os.path.join(DOCKER_DIR, build["context"])), SOURCE_DIR)
        self.assertEqual(os.path.normpath(os.path.join(SOURCE_DIR, build["dockerfile"])), DOCKERFILE)
        base = build["args"]["ORTHANC_IMAGE"]
        self.assertTrue(base.startswith("orthancteam/orthanc:"), base)
        stages = dockerfile_stages()
        self.assertEqual(stages[-1]["from"], "${ORTHANC_IMAGE}")
        self.assertEqual(dockerfile_arguments().get("ORTHANC_IMAGE"), base, "the Dockerfile's default and the "
                                                                           "compose file's image differ")
        self.assertFalse(self.service["image"].startswith("orthancteam/"),
                         "the built image must not take the name of the orthancteam image it extends")

    def test_dockerfile_builds_on_bookworm_with_the_script_the_test_command_builds_with(self):
        # No Docker engine runs here: the image's build steps are those the test
        # command itself runs, on the Debian the tests run on.
        with open(os.path.join(SOURCE_DIR, "Resources", "run-tests.sh"), encoding="utf-8") as source:
            test_command = source.read()
        build_stages = dockerfile_stages()[:-1]
        self.assertEqual([stage["from"] for stage in build_stages], ["debian:bookworm AS build"])
        runs = build_stages[0]["run"]
        self.assertTrue(runs)
        for command in runs:
            with self.subTest(command=command):
                script = command.split()[0]
                self.assertTrue(script.startswith("Resources/") and script.endswith(".sh"), command)
                self.assertTrue(os.access(os.path.join(SOURCE_DIR, script), os.X_OK), script)
                self.assertIn("$SOURCE_DIR/" + script, test_command, "%s is not what the test command runs" % script)

    def test_static_plugin_is_copied_into_a_folder_the_image_loads(self):
        copies = dockerfile_stages()[-1]["copy"]
        self.assertEqual(copies, ["--from=build /build/shipped/libOrthancCors.so "
                                  "/usr/share/orthanc/plugins/libOrthancCors.so"])
        self.assertIn("/usr/share/orthanc/plugins", IMAGE_PLUGIN_FOLDERS)
        self.assertFalse([target for (_, target) in compose_volumes(self.service) if target.endswith(".so")],
                         "a mounted library would replace the one built for this machine")
        self.assertEqual(self.configuration["Plugins"], IMAGE_DEFAULTS["Plugins"],
                         "a \"Plugins\" list of its own would hide the image's plugin folders")

    def test_docker_context_leaves_out_caches_and_build_folders(self):
        with open(os.path.join(SOURCE_DIR, ".dockerignore"), encoding="utf-8") as source:
            ignored = {line.strip() for line in source if line.strip() and not line.startswith("#")}
        self.assertTrue({".cache", ".git", "build*"} <= ignored, ignored)

    def test_json_file_is_mounted_where_the_image_reads_configuration(self):
        mounted = [(source, target) for (source, target) in compose_volumes(self.service)
                   if os.path.dirname(target) == IMAGE_CONFIGURATION_FOLDER]
        self.assertEqual(len(mounted), 1, mounted)
        self.assertTrue(os.path.isfile(os.path.join(DOCKER_DIR, mounted[0][0])), mounted)
        self.assertIn("Cors", load_commented_json(os.path.join(DOCKER_DIR, mounted[0][0])))

    def test_gateway_port_is_published(self):
        gateway_port = self.configuration["Cors"]["Gateway"]["Port"]
        container_ports = [int(str(entry).split(":")[-1]) for entry in self.service["ports"]]
        self.assertIn(gateway_port, container_ports)
        self.assertNotEqual(gateway_port, self.configuration.get("HttpPort", 8042))

    def test_compose_configures_the_plugin_through_variables_and_the_file(self):
        environment = compose_environment(self.service)
        self.assertTrue([name for name in environment if name.startswith("ORTHANC__CORS__")])
        for (name, value) in environment.items():
            self.assertIsInstance(value, str, "%s: quote the value, compose passes strings" % name)
            self.assertNotIn("$", value, name)

    def test_orthanc_runs_with_the_generated_configuration_and_shows_its_values(self):
        # An unknown or misspelt key (a variable name that maps to no key the plugin
        # reads) would stop Orthanc: starting it is the check of every name.
        directory = self.make_directory()
        cors, gateway_port = adjust_for_this_machine(self.configuration["Cors"], directory)
        # With the image's RemoteAccessAllowed and authentication settings, which
        # Orthanc 1.13 checks at start-up.
        extra = keep_on_loopback({key: self.configuration[key]
                                  for key in ("Name", "DicomWeb", "RemoteAccessAllowed", "AuthenticationEnabled",
                                              "RegisteredUsers")
                                  if key in self.configuration}, cors)
        orthanc = self.start_orthanc(cors=cors, extra_configuration=extra, registered_users=None)
        wait_until_http_ready(gateway_port, path="/system")
        self.assert_policy_shows(self.policy(orthanc), self.configuration["Cors"], cors)
        for origin in self.configuration["Cors"]["AllowedOrigins"]:
            with self.subTest(origin=origin):
                self.assert_preflight_allowed(gateway_port, origin)

    def test_generate_etag_can_be_set_by_a_variable(self):
        # The image spells ORTHANC__CORS__GENERATE_ETAG "GenerateEtag" (it cannot write
        # the capital T): the plugin reads that spelling as GenerateETag.
        self.assertEqual(environment_name_to_path("ORTHANC__CORS__GENERATE_ETAG"), ["Cors", "GenerateEtag"])
        orthanc = self.start_orthanc(cors={"GenerateEtag": environment_value_to_json("false"),
                                           "Gateway": {"Port": free_port()}})
        self.assertIs(self.policy(orthanc)["GenerateETag"], False)

    def test_generate_etag_in_the_file_and_in_a_variable_stops_orthanc_naming_both(self):
        # The recipe's orthanc.json sets GenerateETag; a variable added to the compose
        # file sets it too: neither may win silently.
        service = copy.deepcopy(self.service)
        service["environment"]["ORTHANC__CORS__GENERATE_ETAG"] = "false"
        cors, _ = adjust_for_this_machine(image_configuration(service)["Cors"], self.make_directory())
        self.assertEqual((cors["GenerateETag"], cors["GenerateEtag"]), (True, False))
        instance = OrthancInstance(cors=cors)
        instance.report_failures = False
        exit_code, log = instance.start_expecting_failure()
        self.assertNotEqual(exit_code, 0)
        self.assertIn('Cors.GenerateETag: set twice, as "GenerateETag" and as "GenerateEtag"', log)


# ---- the scale-out recipe: two replicas, PostgreSQL, HAProxy --------------------------

def haproxy_sections(path=HAPROXY_CONFIGURATION):
    """{(keyword, name): [[word, ...], ...]} of an HAProxy configuration: each section
    ("global", "defaults", "frontend gateway", "backend gateways"...; name "" when it has
    none) with its lines split into words, comments left out (recipe's file: no quoted
    word, no "#" inside a word)."""
    sections = {}
    current = None
    with open(path, encoding="utf-8") as source:
        for line in source:
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if not line[0].isspace():
                current = (words[0], words[1] if len(words) > 1 else "")
                sections[current] = []
            else:
                sections[current].append(words)
    return sections


def haproxy_settings(sections, section):
    """The lines of a frontend or backend as HAProxy applies them: those of the
    "defaults" section first (the recipe has one, unnamed), then its own."""
    return sections.get(("defaults", ""), []) + sections[section]


def haproxy_lines(settings, *keywords):
    """The lines of `settings` whose first words are `keywords`."""
    return [line for line in settings if line[:len(keywords)] == list(keywords)]


def haproxy_servers(sections, backend):
    """{name: (host, port, options)} of a backend's server lines, each with the options of
    the backend's default-server line before its own."""
    defaults = [option for line in haproxy_lines(sections[("backend", backend)], "default-server")
                for option in line[1:]]
    servers = {}
    for line in haproxy_lines(sections[("backend", backend)], "server"):
        host, _, port = line[2].rpartition(":")
        servers[line[1]] = (host, int(port), defaults + line[3:])
    return servers


def published_ports(service):
    """[(host address, host port, container port)] of a service's "ports" (short syntax)."""
    published = []
    for entry in service.get("ports", []):
        parts = str(entry).split(":")
        published.append((parts[0], int(parts[1]), int(parts[2])) if len(parts) == 3
                         else (None, None, int(parts[-1])))
    return published


class DockerComposeScaleOutRecipe(DeploymentTestCase):
    """docker-compose.scale-out.yml and haproxy.cfg, read as compose and HAProxy read them
    (no Docker engine runs here), and the configuration the image generates for each
    replica started with a real Orthanc."""

    # What the file requires from the environment (${NAME:?...}), as an administrator sets it.
    ENVIRONMENT = {"POSTGRES_PASSWORD": "a-test-password"}

    @classmethod
    def setUpClass(cls):
        cls.compose = load_compose(SCALE_OUT_COMPOSE, cls.ENVIRONMENT)
        cls.services = cls.compose["services"]
        # The replicas are the services built from the recipe's Dockerfile.
        cls.replicas = sorted(name for (name, service) in cls.services.items() if "build" in service)
        cls.configurations = {name: image_configuration(cls.services[name]) for name in cls.replicas}
        (cls.balancer,) = [service for service in cls.services.values()
                           if str(service.get("image", "")).startswith("haproxy:")]
        (cls.postgres_name,) = [name for (name, service) in cls.services.items()
                                if str(service.get("image", "")).startswith("postgres:")]
        cls.postgres = cls.services[cls.postgres_name]
        cls.haproxy = haproxy_sections()

    def gateway_port(self, replica):
        return self.configurations[replica]["Cors"]["Gateway"].get("Port", 8043)

    def balanced_backend(self):
        """(frontend, backend) of the frontend that relays to the replicas' gateways."""
        for ((keyword, name), lines) in self.haproxy.items():
            backends = haproxy_lines(lines, "default_backend")
            if keyword == "frontend" and backends:
                return name, backends[0][1]
        self.fail("haproxy.cfg: no frontend with a default_backend")

    def test_image_environment_names_used_here_map_as_the_image_maps_them(self):
        self.assertEqual(environment_name_to_path("ORTHANC__POSTGRESQL"), ["PostgreSQL"])
        self.assertEqual(environment_name_to_path("ORTHANC__POSTGRESQL__LOCK"), ["PostgreSQL", "Lock"])
        self.assertEqual(environment_name_to_path("ORTHANC__POSTGRESQL__ENABLE_INDEX"), ["PostgreSQL", "EnableIndex"])
        self.assertEqual(environment_name_to_path("ORTHANC__MYSQL__SSL_CA_CERTIFICATES"),
                         ["MySQL", "SslCACertificates"])
        self.assertEqual(environment_name_to_path("ORTHANC__DATABASE_SERVER_IDENTIFIER"), ["DatabaseServerIdentifier"])
        self.assertEqual(environment_name_to_path("ORTHANC__CORS__GATEWAY__TRUSTED_PROXIES"),
                         ["Cors", "Gateway", "TrustedProxies"])
        self.assertEqual(interpolate_compose("${A:-x} ${A-y} ${A}", {"A": ""}), "x  ")
        self.assertEqual(interpolate_compose("${A:?m} $${A}", {"A": "v"}), "v ${A}")
        with self.assertRaises(ComposeInterpolationError):
            interpolate_compose("${A:?set A}", {"A": ""})

    def test_compose_stops_without_a_postgresql_password(self):
        # No password is written in the file: compose refuses to start without one.
        with self.assertRaises(ComposeInterpolationError) as refused:
            load_compose(SCALE_OUT_COMPOSE, {})
        self.assertIn("POSTGRES_PASSWORD", str(refused.exception))

    def test_two_replicas_of_the_single_recipes_image(self):
        single = load_compose()["services"]["orthanc"]
        self.assertEqual(len(self.replicas), 2, self.replicas)
        for replica in self.replicas:
            with self.subTest(replica=replica):
                self.assertEqual(self.services[replica]["build"], single["build"])
                self.assertEqual(self.services[replica]["image"], single["image"])
                self.assertEqual(self.services[replica]["restart"], "unless-stopped")

    def test_replicas_get_the_same_cors_section_and_differ_only_by_their_server_identifier(self):
        first, second = (self.configurations[replica] for replica in self.replicas)
        self.assertIn("Cors", first)
        self.assertEqual(first["Cors"], second["Cors"])
        self.assertEqual({key for key in set(first) | set(second) if first.get(key) != second.get(key)},
                         {"DatabaseServerIdentifier"})
        # Orthanc keeps some properties per server in the shared index, under this name.
        self.assertEqual([self.configurations[replica]["DatabaseServerIdentifier"] for replica in self.replicas],
                         self.replicas)

    def test_replicas_load_dicomweb_and_postgresql_and_the_plugin_from_the_image_folders(self):
        for replica in self.replicas:
            with self.subTest(replica=replica):
                configuration = self.configurations[replica]
                self.assertEqual(image_enabled_plugins(configuration, compose_environment(self.services[replica])),
                                 ["DicomWeb", "PostgreSQL"])
                self.assertEqual(configuration["Plugins"], IMAGE_DEFAULTS["Plugins"])

    def test_postgresql_holds_the_shared_index_without_lock(self):
        database = compose_environment(self.postgres)
        for replica in self.replicas:
            with self.subTest(replica=replica):
                postgresql = self.configurations[replica]["PostgreSQL"]
                self.assertIs(postgresql["EnableIndex"], True)
                self.assertIs(postgresql["EnableStorage"], False)
                # "Lock": true would stop the second replica at start-up.
                self.assertIs(postgresql["Lock"], False)
                self.assertEqual((postgresql["Host"], postgresql["Port"]), (self.postgres_name, 5432))
                self.assertEqual((postgresql["Database"], postgresql["Username"], postgresql["Password"]),
                                 (database["POSTGRES_DB"], database["POSTGRES_USER"], database["POSTGRES_PASSWORD"]))
                self.assertEqual(postgresql["Password"], self.ENVIRONMENT["POSTGRES_PASSWORD"])
                self.assertEqual(self.services[replica]["depends_on"][self.postgres_name],
                                 {"condition": "service_healthy"})
        self.assertIn("healthcheck", self.postgres)
        # The official image, version 18 and later: its data below /var/lib/postgresql, in a named volume.
        self.assertEqual(compose_volumes(self.postgres), [("orthanc-index", "/var/lib/postgresql")])
        self.assertIn("orthanc-index", self.compose["volumes"])

    def test_one_storage_volume_is_mounted_at_the_storage_directory_of_both(self):
        mounted = set()
        for replica in self.replicas:
            with self.subTest(replica=replica):
                storage = self.configurations[replica]["StorageDirectory"]
                sources = [source for (source, target) in compose_volumes(self.services[replica]) if target == storage]
                self.assertEqual(len(sources), 1, sources)
                mounted.update(sources)
        self.assertEqual(len(mounted), 1, mounted)
        self.assertIn(mounted.pop(), self.compose["volumes"], "a named volume of the file, not a folder of the host")

    def test_trusted_proxies_name_exactly_the_balancers_address(self):
        networks = self.balancer["networks"]
        self.assertEqual(len(networks), 1, networks)
        ((network, attachment),) = networks.items()
        address = attachment["ipv4_address"]
        for replica in self.replicas:
            with self.subTest(replica=replica):
                self.assertEqual(self.configurations[replica]["Cors"]["Gateway"]["TrustedProxies"], [address])
                self.assertIn(network, self.services[replica]["networks"])
        (pool,) = self.compose["networks"][network]["ipam"]["config"]
        self.assertIn(ipaddress.ip_address(address), ipaddress.ip_network(pool["subnet"]))
        # Outside the range Docker hands out, so that no other container is given it.
        self.assertNotIn(ipaddress.ip_address(address), ipaddress.ip_network(pool["ip_range"]))
        others = [name for (name, service) in self.services.items() if service is not self.balancer
                  and isinstance(service.get("networks"), dict)
                  and any((attached or {}).get("ipv4_address") for attached in service["networks"].values())]
        self.assertEqual(others, [])

    def test_max_connections_per_client_is_left_at_its_default(self):
        # The gateway counts each browser by the address the balancer reports: no need to raise it.
        for replica in self.replicas:
            with self.subTest(replica=replica):
                self.assertNotIn("MaxConnectionsPerClient", self.configurations[replica]["Cors"]["Gateway"])

    def test_nothing_is_published_beyond_loopback(self):
        for (name, service) in self.services.items():
            with self.subTest(service=name):
                self.assertNotIn("network_mode", service)
                for (address, _, _) in published_ports(service):
                    self.assertEqual(address, "127.0.0.1", service["ports"])
        host_ports = [port for service in self.services.values() for (_, port, _) in published_ports(service)]
        self.assertEqual(len(host_ports), len(set(host_ports)), host_ports)

    def test_the_gateway_is_published_by_the_balancer_only(self):
        frontend, _ = self.balanced_backend()
        (bind,) = haproxy_lines(self.haproxy[("frontend", frontend)], "bind")
        port = int(bind[1].rpartition(":")[2])
        self.assertIn(port, [container for (_, _, container) in published_ports(self.balancer)])
        for replica in self.replicas:
            with self.subTest(replica=replica):
                self.assertNotIn(self.gateway_port(replica),
                                 [container for (_, _, container) in published_ports(self.services[replica])])

    def test_haproxy_cfg_is_mounted_read_only_where_the_image_reads_it(self):
        self.assertIn("./haproxy.cfg:%s:ro" % HAPROXY_IMAGE_CONFIGURATION, self.balancer["volumes"])
        self.assertTrue(os.path.isfile(os.path.join(DOCKER_DIR, "haproxy.cfg")))
        self.assertEqual(sorted(self.balancer["depends_on"]), self.replicas)

    def test_haproxy_relays_to_both_gateways_in_tcp_with_the_proxy_protocol(self):
        frontend, backend = self.balanced_backend()
        servers = haproxy_servers(self.haproxy, backend)
        self.assertEqual(sorted((host, port) for (host, port, _) in servers.values()),
                         sorted((replica, self.gateway_port(replica)) for replica in self.replicas))
        for section in (("frontend", frontend), ("backend", backend)):
            # TCP: the gateway's TLS, if enabled, passes through untouched.
            self.assertEqual(haproxy_lines(haproxy_settings(self.haproxy, section), "mode")[-1], ["mode", "tcp"])
        for (name, (_, _, options)) in servers.items():
            with self.subTest(server=name):
                self.assertIn("send-proxy-v2", options)
                self.assertIn("check", options)
        settings = haproxy_settings(self.haproxy, ("backend", backend))
        self.assertTrue(haproxy_lines(settings, "option", "redispatch"))
        self.assertGreaterEqual(int(haproxy_lines(settings, "retries")[-1][1]), 1)

    def test_haproxy_health_check_asks_orthanc_through_each_gateway(self):
        _, backend = self.balanced_backend()
        settings = haproxy_settings(self.haproxy, ("backend", backend))
        self.assertTrue(haproxy_lines(settings, "option", "httpchk"))
        (send,) = haproxy_lines(settings, "http-check", "send")
        self.assertEqual(send[send.index("uri") + 1], "/system")   # relayed to Orthanc, not answered by the gateway
        (expect,) = haproxy_lines(settings, "http-check", "expect")
        self.assertEqual(expect[2], "rstatus")
        for (status, healthy) in (("200", True), ("401", True), ("502", False), ("503", False), ("504", False)):
            with self.subTest(status=status):
                self.assertEqual(bool(re.search(expect[3], status)), healthy)

    @unittest.skipIf(shutil.which("haproxy") is None, "HAProxy is not installed (Debian's haproxy)")
    def test_haproxy_accepts_the_configuration(self):
        # As written: valid, the replicas' names unknown here being its only warnings.
        checked = subprocess.run(["haproxy", "-c", "-f", HAPROXY_CONFIGURATION], capture_output=True, text=True)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        warnings = [line for line in (checked.stdout + checked.stderr).splitlines() if "[WARNING]" in line]
        self.assertEqual([line for line in warnings if "could not resolve address" not in line], [])
        # With the names replaced by an address: no warning at all.
        with open(HAPROXY_CONFIGURATION, encoding="utf-8") as source:
            text = source.read()
        for replica in self.replicas:
            text = text.replace(" %s:" % replica, " 127.0.0.1:")
        copy_path = os.path.join(self.make_directory(), "haproxy.cfg")
        with open(copy_path, "w", encoding="utf-8") as output:
            output.write(text)
        checked = subprocess.run(["haproxy", "-c", "-f", copy_path], capture_output=True, text=True)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        self.assertNotIn("[WARNING]", checked.stdout + checked.stderr)

    def test_each_replica_runs_with_the_generated_configuration_and_shows_its_values(self):
        # The whole generated configuration, its "PostgreSQL" section included, but with
        # the PostgreSQL plugin not loaded (no PostgreSQL server here; Orthanc ignores the
        # section of a plugin it has not loaded): this plugin and DICOMweb, with Orthanc's
        # own index and storage in a temporary folder.
        for replica in self.replicas:
            with self.subTest(replica=replica):
                configuration = self.configurations[replica]
                cors, gateway_port = adjust_for_this_machine(configuration["Cors"], self.make_directory())
                extra = keep_on_loopback({key: value for (key, value) in configuration.items()
                                          if key not in ("Cors", "HttpPort", "StorageDirectory", "Plugins")}, cors)
                self.assertIn("PostgreSQL", extra)
                orthanc = self.start_orthanc(cors=cors, extra_configuration=extra, authentication_enabled=None,
                                             registered_users=None)
                wait_until_http_ready(gateway_port, path="/system")
                self.assert_policy_shows(self.policy(orthanc), configuration["Cors"], cors)
                for origin in configuration["Cors"]["AllowedOrigins"]:
                    self.assert_preflight_allowed(gateway_port, origin)


# ---- the four deployment shapes ------------------------------------------------------


class IframeFinder(html.parser.HTMLParser):
    """The attributes of each <iframe> of a page."""

    def __init__(self):
        super().__init__()
        self.iframes = []

    def handle_starttag(self, tag, attributes):
        if tag == "iframe":
            self.iframes.append(dict(attributes))


class DeploymentShapes(DeploymentTestCase):

    def start_shape(self, shape):
        # RemoteAccessAllowed and AuthenticationEnabled as written (absent: Orthanc's
        # default), as keep_on_loopback allows.
        configuration = load_commented_json(os.path.join(EXAMPLES_DIR, shape, "orthanc.json"))
        cors, gateway_port = adjust_for_this_machine(configuration["Cors"], self.make_directory())
        extra = keep_on_loopback({key: value for (key, value) in configuration.items()
                                  if key not in ("Cors", "HttpPort")}, cors)
        orthanc = self.start_orthanc(cors=cors, extra_configuration=extra, authentication_enabled=None,
                                     registered_users=None)
        tls = cors["Gateway"].get("SslEnabled", False)
        wait_until_http_ready(gateway_port, path="/system",
                              tls_context=insecure_tls_context() if tls else None)
        self.assert_policy_shows(self.policy(orthanc), configuration["Cors"], cors)
        return configuration["Cors"], gateway_port, tls

    def test_cross_origin_shape_answers_its_viewers_preflight_over_tls(self):
        cors, gateway_port, tls = self.start_shape("CrossOrigin")
        self.assertTrue(tls)
        self.assert_preflight_allowed(gateway_port, cors["AllowedOrigins"][0], tls=True)

    def test_same_origin_shape_serves_the_viewer_cross_origin_isolated_at_the_root(self):
        cors, gateway_port, tls = self.start_shape("SameOrigin")
        tls_context = insecure_tls_context() if tls else None
        response = http_request(gateway_port, "GET", "/", headers={"Sec-Fetch-Mode": "navigate"},
                                tls_context=tls_context)
        self.assertEqual(response.status, 200, response)
        self.assertIn(b"<title>viewer</title>", response.body)
        self.assertEqual(response.header("Cross-Origin-Opener-Policy"), "same-origin")
        self.assertEqual(response.header("Cross-Origin-Embedder-Policy"), "require-corp")
        self.assertEqual(http_request(gateway_port, "GET", "/dicom-web/studies", tls_context=tls_context).status, 200)

    def test_bearer_token_shape_preflights_authorization_without_credentials(self):
        cors, gateway_port, tls = self.start_shape("BearerToken")
        response = self.assert_preflight_allowed(gateway_port, cors["AllowedOrigins"][0], tls=True)
        self.assertIsNone(response.header("Access-Control-Allow-Credentials"))
        self.assertEqual(response.header("Access-Control-Max-Age"), "7200")
        self.assertIn("authorization", response.header("Access-Control-Allow-Headers").lower())

    def test_embedded_shape_lets_its_portal_frame_the_isolated_viewer_and_no_other_site(self):
        cors, gateway_port, tls = self.start_shape("Embedded")
        portal = cors["Folders"]["/"]["FrameAncestors"][0]
        response = http_request(gateway_port, "GET", "/", headers={"Sec-Fetch-Mode": "navigate"},
                                tls_context=insecure_tls_context() if tls else None)
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.header("Content-Security-Policy"), "frame-ancestors 'self' " + portal)
        self.assertEqual(response.header("Cross-Origin-Resource-Policy"), "cross-origin")
        self.assertEqual(response.header("Cross-Origin-Embedder-Policy"), "require-corp")

    def test_embedded_shapes_portal_page_and_server_are_what_the_viewer_expects(self):
        shape = os.path.join(EXAMPLES_DIR, "Embedded")
        configuration = load_commented_json(os.path.join(shape, "orthanc.json"))
        finder = IframeFinder()
        with open(os.path.join(shape, "portal.html"), encoding="utf-8") as source:
            finder.feed(source.read())
        self.assertEqual(len(finder.iframes), 1, finder.iframes)
        iframe = finder.iframes[0]
        # Without the delegation the frame is never isolated, whatever its headers.
        self.assertIn("cross-origin-isolated", [feature.split()[0] for feature in iframe["allow"].split(";")])
        gateway = configuration["Cors"]["Gateway"]
        self.assertEqual(iframe["src"], EMBEDDED_VIEWER_URL)
        self.assertEqual(EMBEDDED_VIEWER_URL, "https://pacs.hospital.example:%d/" % gateway["Port"])
        self.assertTrue(gateway["SslEnabled"])

        nginx = os.path.join(shape, "nginx.conf")
        portal = "https://" + nginx_directives(nginx, "server_name")[0][0]
        self.assertEqual(configuration["Cors"]["Folders"]["/"]["FrameAncestors"], [portal])
        self.assertEqual(dict(embedded_portal_headers()), {"Cross-Origin-Opener-Policy": "same-origin",
                                   "Cross-Origin-Embedder-Policy": "require-corp"})

    def test_documentation_shows_each_shape_configuration_verbatim(self):
        with open(SHAPES_DOCUMENT, "r", encoding="utf-8") as source:
            document = source.read()
        for shape in SHAPES:
            with self.subTest(shape=shape):
                with open(os.path.join(EXAMPLES_DIR, shape, "orthanc.json"), "r", encoding="utf-8") as source:
                    self.assertTrue(source.read().strip() in document,
                                    "%s does not show Resources/Examples/%s/orthanc.json verbatim"
                                    % (SHAPES_DOCUMENT, shape))

    def test_readme_quick_start_is_the_cross_origin_shape_verbatim(self):
        # The configuration a newcomer copies from the README's first screen is one a test
        # starts Orthanc with, and the OHIF data source beside it points at that gateway.
        with open(README, "r", encoding="utf-8") as source:
            quick_start = source.read().split("\n## ", 2)[1]
        self.assertTrue(quick_start.startswith("Quick start"), quick_start[:40])
        with open(os.path.join(EXAMPLES_DIR, "CrossOrigin", "orthanc.json"), "r", encoding="utf-8") as source:
            self.assertIn(source.read().strip(), quick_start)
        with open(os.path.join(EXAMPLES_DIR, "CrossOrigin", "app-config.js"), "r", encoding="utf-8") as source:
            app_config = source.read()
        for root in re.findall(r"(\w+Root): '([^']+)'", app_config):
            with self.subTest(root=root[0]):
                self.assertIn("%s: '%s'" % root, quick_start)

    @unittest.skipIf(shutil.which("node") is None, "node is not installed")
    def test_every_app_config_example_is_valid_javascript(self):
        for shape in SHAPES:
            with self.subTest(shape=shape):
                path = os.path.join(EXAMPLES_DIR, APP_CONFIG_OF_SHAPE.get(shape, shape), "app-config.js")
                checked = subprocess.run(["node", "--check", path], capture_output=True, text=True)
                self.assertEqual(checked.returncode, 0, checked.stderr)


if __name__ == "__main__":
    unittest.main()
