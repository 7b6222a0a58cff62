# SPDX-License-Identifier: AGPL-3.0-or-later
"""The servers the end-to-end suite drives a browser against, started on free
loopback ports; prints one JSON line describing them, then runs until its standard
input closes (the Node test that spawned it ended, however it ended) or SIGTERM,
and stops them all. Everything it writes (app-config files, the OHIF copy, each
Orthanc's folder and log) is under --work, which run-e2e.sh keeps or removes
according to the test runner's exit status.

    PYTHONPATH=Resources/Python python3 environment.py --ohif DIST --work DIR [--slices 8]

Four Orthanc processes (Debian's Orthanc, the real DICOMweb plugin, this plugin),
each with its own CT series created through Orthanc's REST API (the fourth, "fallback",
is described below):
  - "open":     no authentication; the gateway lets the viewers' origins in;
  - "secured":  Orthanc's authentication on (RegisteredUsers);
  - "isolated": the gateway serves a copy of the unmodified OHIF build at "/", cross-origin
                isolated, with an app-config.js written into the copy (the gateway serves
                the folder's own files, so the configuration has to live there).
And three static servers, each an origin of its own serving OHIF (spa_server.py):
  - crossOrigin:   DICOMweb at the open Orthanc's gateway;
  - authenticated: DICOMweb at the secured Orthanc's gateway, Authorization added by app-config.js;
  - orthancDirect: DICOMweb at the open Orthanc's own port (the negative control).
And four portals, each an origin of its own serving Resources/Examples/Embedded/portal.html
with its iframe on an isolated Orthanc's viewer (the study opened). A site is the scheme
and the registrable domain (ports do not count): for sites that differ, the browser
resolves host names of two registrable domains to the loopback servers (its
--host-resolver-rules; "sites" in the description), and the isolated Orthancs' viewers
are pacs.hospital.example to the portals that use names:
  - refusedPortal:           127.0.0.1, not in the "/" folder's FrameAncestors, and not
                             isolated either, so that only frame-ancestors can keep the
                             viewer (at 127.0.0.1 too) out of its frame;
and, listed in FrameAncestors and cross-origin isolated with the headers of Embedded/nginx.conf:
  - embedded:                portal.hospital.example, the viewer's site;
  - crossSitePortal:         portal.elsewhere.example, another site;
  - crossSiteFallbackPortal: portal.elsewhere.example, framing a fourth Orthanc, "fallback",
                             whose OHIF copy's app-config.js ends with
                             Resources/Examples/Embedded/storage-fallback.js.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading

from orthanc_cors_tools import dicom_data, spa_server
from orthanc_cors_tools.examples import embedded_portal_headers, embedded_portal_page
from orthanc_cors_tools.ohif_config import make_app_config, make_viewer_copy
from orthanc_cors_tools.orthanc import OrthancInstance, wait_until_http_ready
from orthanc_cors_tools.raw_http import LOOPBACK, basic_authorization, free_port

USER, PASSWORD = "ohif", "e2e-secret"

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
STORAGE_FALLBACK = os.path.join(SOURCE_DIR, "Resources", "Examples", "Embedded", "storage-fallback.js")

# Host names of two registrable domains, which the browser resolves to the loopback
# servers: the viewer's (the PACS) and its portal's, and a portal's of another site.
PACS_HOST = "pacs.hospital.example"
SAME_SITE_PORTAL_HOST = "portal.hospital.example"
CROSS_SITE_PORTAL_HOST = "portal.elsewhere.example"
HOST_RESOLVER_RULES = "MAP *.hospital.example %s, MAP *.elsewhere.example %s" % (LOOPBACK, LOOPBACK)


def origin(port, host=LOOPBACK):
    return "http://%s:%d" % (host, port)


def authorization_script(dicomweb_root, authorization):
    """JavaScript for app-config.js that adds `Authorization` to the viewer's own XHR
    and fetch calls to `dicomweb_root`, unless the call sets one itself.

    OHIF takes that header from its user-authentication service only (a ?token= launch
    parameter gives "Bearer", which Orthanc's Basic authentication refuses) and ignores
    the data source's requestOptions.auth; these few lines make the browser send what a
    launch token would make it send: every DICOMweb request carries Authorization, so
    every one of them is preflighted."""
    return """
(function () {
  var root = %(root)s;
  var authorization = %(authorization)s;
  function isDicomWeb(url) {
    try { return new URL(String(url), window.location.href).href.indexOf(root) === 0; }
    catch (error) { return false; }
  }
  var open = XMLHttpRequest.prototype.open;
  var setRequestHeader = XMLHttpRequest.prototype.setRequestHeader;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.e2eAddAuthorization = isDicomWeb(url);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.setRequestHeader = function (name) {
    if (String(name).toLowerCase() === 'authorization') { this.e2eAddAuthorization = false; }
    return setRequestHeader.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (this.e2eAddAuthorization) { setRequestHeader.call(this, 'Authorization', authorization); }
    return send.apply(this, arguments);
  };
  var originalFetch = window.fetch;
  window.fetch = function (input, init) {
    var url = input instanceof Request ? input.url : input;
    if (!isDicomWeb(url)) { return originalFetch.apply(this, arguments); }
    var headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
    if (!headers.has('Authorization')) { headers.set('Authorization', authorization); }
    return originalFetch.call(this, input, Object.assign({}, init, { headers: headers }));
  };
})();
""" % {"root": json.dumps(dicomweb_root), "authorization": json.dumps(authorization)}


class Environment:
    def __init__(self, ohif_dist, work_dir, slices):
        self.ohif_dist = ohif_dist
        self.work_dir = work_dir
        self.slices = slices
        self.orthancs = []
        self.viewers = []

    # ---- pieces ---------------------------------------------------------------------

    def start_orthanc(self, name, cors, **options):
        gateway_port = free_port()
        cors = dict(cors, Gateway={"Port": gateway_port, "BindAddress": LOOPBACK})
        instance = OrthancInstance(cors=cors, name=name, parent_directory=self.work_dir, **options)
        self.orthancs.append(instance)
        instance.start()
        wait_until_http_ready(gateway_port, path="/system")
        return instance, gateway_port

    def create_study(self, instance, patient_name):
        series = dicom_data.create_ct_series(instance, slices=self.slices, rows=256, columns=256,
                                             patient_name=patient_name,
                                             study_description="Cors plugin end-to-end")
        return {"study": series["StudyInstanceUID"], "patientId": series["PatientID"],
                # How OHIF's study list writes a DICOM person name: "FAMILY, GIVEN".
                "patientName": ", ".join(patient_name.split("^"))}

    def start_static_server(self, name, root, port, **options):
        self.viewers.append(spa_server.start(root, port, os.path.join(self.work_dir, "spa-server-%s.log" % name),
                                             **options))
        return origin(port)

    def start_viewer(self, port, app_config_text, name):
        path = os.path.join(self.work_dir, "app-config-%s.js" % name)
        with open(path, "w", encoding="utf-8") as output:
            output.write(app_config_text)
        return self.start_static_server(name, self.ohif_dist, port, app_config=path)

    def start_portal(self, port, viewer_url, name, headers, host=LOOPBACK):
        """The example's portal page, framing `viewer_url`, at "/" of its own origin
        (`host` names it: the server listens on the loopback address whatever it is)."""
        root = os.path.join(self.work_dir, "portal-%s" % name)
        os.makedirs(root)
        with open(os.path.join(root, "index.html"), "w", encoding="utf-8") as output:
            output.write(embedded_portal_page(viewer_url))
        self.start_static_server("portal-" + name, root, port, headers=headers)
        return origin(port, host)

    def start_isolated_viewer(self, name, app_config_text, frame_ancestors):
        """An Orthanc whose gateway serves a copy of OHIF at "/", cross-origin isolated,
        framed by `frame_ancestors` only, and answering under PACS_HOST too."""
        root = os.path.join(self.work_dir, "ohif-%s" % name.lower())
        make_viewer_copy(self.ohif_dist, root, app_config_text)
        return self.start_orthanc(
            "OrthancCorsE2e" + name,
            {"AllowedHosts": [PACS_HOST],
             "Folders": {"/": {"Path": root, "SinglePageApplication": True,
                               "CrossOriginIsolation": "require-corp",
                               "FrameAncestors": frame_ancestors}}})

    # ---- the whole -------------------------------------------------------------------

    def start(self):
        os.makedirs(self.work_dir, exist_ok=True)
        viewer_ports = {name: free_port() for name in ("crossOrigin", "authenticated", "orthancDirect",
                                                        "embedded", "refusedPortal", "crossSitePortal",
                                                        "crossSiteFallbackPortal")}
        viewer_origins = {name: origin(port) for (name, port) in viewer_ports.items()}
        for (name, host) in (("embedded", SAME_SITE_PORTAL_HOST), ("crossSitePortal", CROSS_SITE_PORTAL_HOST),
                             ("crossSiteFallbackPortal", CROSS_SITE_PORTAL_HOST)):
            viewer_origins[name] = origin(viewer_ports[name], host)

        # The negative control's origin is allowed too: what it lacks is only the gateway.
        open_orthanc, open_gateway = self.start_orthanc(
            "OrthancCorsE2eOpen",
            {"AllowedOrigins": [viewer_origins["crossOrigin"], viewer_origins["orthancDirect"]]})
        secured_orthanc, secured_gateway = self.start_orthanc(
            "OrthancCorsE2eSecured", {"AllowedOrigins": [viewer_origins["authenticated"]]},
            authentication_enabled=True, registered_users={USER: PASSWORD})

        isolated_orthanc, isolated_gateway = self.start_isolated_viewer(
            "Isolated", make_app_config("/dicom-web", wado_uri_root="/wado",
                                        friendly_name="Orthanc, same origin via the gateway"),
            [viewer_origins[name] for name in ("embedded", "crossSitePortal")])
        with open(STORAGE_FALLBACK, encoding="utf-8") as source:
            storage_fallback = source.read()
        fallback_orthanc, fallback_gateway = self.start_isolated_viewer(
            "Fallback", make_app_config("/dicom-web", wado_uri_root="/wado",
                                        friendly_name="Orthanc, with the storage fallback",
                                        extra_script=storage_fallback),
            [viewer_origins["crossSiteFallbackPortal"]])

        open_study = self.create_study(open_orthanc, "E2E^OPEN")
        secured_study = self.create_study(secured_orthanc, "E2E^SECURED")
        isolated_study = self.create_study(isolated_orthanc, "E2E^ISOLATED")
        fallback_study = self.create_study(fallback_orthanc, "E2E^FALLBACK")

        open_root = origin(open_gateway) + "/dicom-web"
        secured_root = origin(secured_gateway) + "/dicom-web"
        direct_root = origin(open_orthanc.http_port) + "/dicom-web"
        authorization = basic_authorization(USER, PASSWORD)

        scenarios = {
            "crossOrigin": dict(open_study, dicomWebRoot=open_root, viewer=self.start_viewer(
                viewer_ports["crossOrigin"], make_app_config(open_root, friendly_name="Orthanc via the gateway"),
                "cross-origin")),
            "authenticated": dict(secured_study, dicomWebRoot=secured_root, viewer=self.start_viewer(
                viewer_ports["authenticated"],
                make_app_config(secured_root, friendly_name="Orthanc with authentication via the gateway",
                                extra_script=authorization_script(secured_root, authorization)),
                "authenticated"),
                authorization=authorization,
                wrongAuthorization=basic_authorization(USER, PASSWORD + "-wrong")),
            "sameOrigin": dict(isolated_study, dicomWebRoot=origin(isolated_gateway) + "/dicom-web",
                               viewer=origin(isolated_gateway)),
            "orthancDirect": dict(open_study, dicomWebRoot=direct_root, viewer=self.start_viewer(
                viewer_ports["orthancDirect"],
                make_app_config(direct_root, friendly_name="Orthanc's own port, no gateway (must fail)"),
                "orthanc-direct")),
        }
        isolated_viewer = origin(isolated_gateway)
        framed_url = "%s/viewer?StudyInstanceUIDs=%s" % (isolated_viewer, isolated_study["study"])
        scenarios["refusedPortal"] = dict(isolated_study, dicomWebRoot=isolated_viewer + "/dicom-web",
                                          framedViewer=isolated_viewer, framedUrl=framed_url,
                                          portal=self.start_portal(viewer_ports["refusedPortal"], framed_url,
                                                                   "refusedPortal", []))

        # The viewers under the PACS's name, framed by portals of the same site and of
        # another one.
        secure_origins = []
        for (name, gateway, study, portal_host) in (
                ("embedded", isolated_gateway, isolated_study, SAME_SITE_PORTAL_HOST),
                ("crossSitePortal", isolated_gateway, isolated_study, CROSS_SITE_PORTAL_HOST),
                ("crossSiteFallbackPortal", fallback_gateway, fallback_study, CROSS_SITE_PORTAL_HOST)):
            viewer = origin(gateway, PACS_HOST)
            framed_url = "%s/viewer?StudyInstanceUIDs=%s" % (viewer, study["study"])
            scenarios[name] = dict(study, dicomWebRoot=viewer + "/dicom-web", framedViewer=viewer,
                                   framedUrl=framed_url,
                                   portal=self.start_portal(viewer_ports[name], framed_url, name,
                                                            embedded_portal_headers(), portal_host))
            secure_origins += [viewer, scenarios[name]["portal"]]
        return {"scenarios": scenarios,
                "sites": {"hostResolverRules": HOST_RESOLVER_RULES,
                          "secureOrigins": sorted(set(secure_origins))},
                "orthancLogs": {instance.name: instance.log_path for instance in self.orthancs}}

    def stop(self):
        """Stops the static servers and the Orthancs (their folders stay under the work
        folder); returns what went wrong: an Orthanc that crashed, hung or exited badly."""
        for process in self.viewers:
            process.terminate()
        for process in self.viewers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        # Orthanc takes a few seconds to stop: stop them all at once.
        problems = []
        threads = [threading.Thread(target=lambda i=instance: problems.append(self._stop_orthanc(i)))
                   for instance in self.orthancs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return [problem for problem in problems if problem]

    @staticmethod
    def _stop_orthanc(instance):
        problem = instance.stop()
        if problem:
            return "%s: %s; log: %s\n%s" % (instance.name, problem, instance.log_path, instance.log_tail())
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ohif", required=True, help="OHIF's dist/ folder")
    parser.add_argument("--work", required=True, help="the folder for everything the servers write")
    parser.add_argument("--slices", type=int, default=8)
    arguments = parser.parse_args()

    environment = Environment(arguments.ohif, arguments.work, arguments.slices)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        description = environment.start()
        print(json.dumps(description), flush=True)
        # The parent closes our standard input to stop us, and so does its end, however it ends.
        reader = threading.Thread(target=lambda: (sys.stdin.read(), stopped.set()), daemon=True)
        reader.start()
        while not stopped.wait(1):
            dead = [instance.name for instance in environment.orthancs if not instance.is_running()]
            if dead:
                sys.stderr.write("Orthanc stopped unexpectedly: %s\n" % ", ".join(dead))
                break
    except Exception as error:
        # The parent reads stdout for one JSON line: tell it what went wrong instead.
        print(json.dumps({"error": "%s: %s" % (type(error).__name__, error)}), flush=True)
        raise
    finally:
        problems = environment.stop()
        for problem in problems:
            sys.stderr.write(problem + "\n")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
