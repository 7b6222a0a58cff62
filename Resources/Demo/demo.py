# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo: Orthanc with this plugin and DICOMweb, a sample CT study, and the OHIF
viewer reading it in three deployment shapes:
  1. OHIF on its own origin (a static server), reading Orthanc through the gateway:
     cross-origin, the policy's AllowedOrigins;
  2. OHIF served by the gateway itself at its root: same origin, no preflight at all,
     cross-origin isolated (SharedArrayBuffer);
  3. a portal page on another origin framing the gateway's viewer: the folder's
     FrameAncestors lets that portal in, and no other site.
Ctrl-C (or SIGTERM, SIGHUP) stops everything and exits 0; if a server it started dies
on its own, it says which, stops the rest, and exits 1.

    PYTHONPATH=Resources/Python python3 Resources/Demo/demo.py --plugin build/libOrthancCors.so --ohif DIST \\
        --work build/demo

(Resources/start-demo.sh builds the plugin, fetches OHIF, and runs this.)
"""

import argparse
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys

from orthanc_cors_tools import dicom_data, spa_server
from orthanc_cors_tools.examples import embedded_portal_headers, embedded_portal_page
from orthanc_cors_tools.ohif_config import make_app_config, make_viewer_copy
from orthanc_cors_tools.orthanc import OrthancInstance, wait_until_http_ready
from orthanc_cors_tools.raw_http import free_port

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class StopRequested(BaseException):
    """A stop signal arrived: Ctrl-C, SIGTERM, or the terminal closing. A BaseException,
    as KeyboardInterrupt is, so that no `except Exception` takes it for an error."""


def raise_stop_requested(signal_number, frame):
    raise StopRequested(signal.Signals(signal_number).name)


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the servers bind: a port left in TIME_WAIT by the last run is free for them.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def say(text, end="\n", stream=None):
    """Prints, and carries on if the terminal is gone (closed, or a `| tee` killed by the
    same Ctrl-C): what matters then is that the stop goes on."""
    try:
        print(text, end=end, file=stream or sys.stdout, flush=True)
    except OSError:
        pass


def origins(port):
    # A page opened as localhost and one opened as 127.0.0.1 are two origins.
    return ["http://localhost:%d" % port, "http://127.0.0.1:%d" % port]


class Demo:
    def __init__(self, arguments):
        self.arguments = arguments
        self.gateway = "http://localhost:%d" % arguments.gateway_port
        self.orthanc = None
        self.servers = {}   # name -> Popen, the static servers of the viewer and the portal

    def start(self):
        arguments = self.arguments
        os.makedirs(arguments.work, exist_ok=True)
        os.environ["ORTHANC_CORS_PLUGIN"] = os.path.abspath(arguments.plugin)
        self.orthanc = OrthancInstance(cors=None, name="OrthancCorsDemo", parent_directory=arguments.work,
                                       detached=True)
        same_origin_viewer = os.path.join(self.orthanc.directory, "ohif-served-by-the-gateway")
        make_viewer_copy(arguments.ohif, same_origin_viewer,
                         make_app_config("/dicom-web", wado_uri_root="/wado",
                                         friendly_name="Orthanc, same origin (served by the gateway)"))
        self.orthanc.cors = {
            "AllowedOrigins": origins(arguments.viewer_port),
            "Gateway": {"Port": arguments.gateway_port, "BindAddress": "127.0.0.1"},
            "Folders": {"/": {"Path": same_origin_viewer, "SinglePageApplication": True,
                              "CrossOriginIsolation": "require-corp",
                              "FrameAncestors": origins(arguments.portal_port)}},
        }
        self.orthanc.http_port = arguments.orthanc_port
        self.orthanc.dicom_port = free_port()
        self.orthanc.start()
        wait_until_http_ready(arguments.gateway_port, path="/system")

        print("Creating a sample CT study (%d slices) through Orthanc's REST API..." % arguments.slices, flush=True)
        series = dicom_data.create_ct_series(self.orthanc, slices=arguments.slices, rows=256, columns=256,
                                             patient_name="DEMO^CORS", study_description="Cors plugin demo")
        study = series["StudyInstanceUID"]

        app_config = os.path.join(self.orthanc.directory, "app-config-cross-origin.js")
        with open(app_config, "w", encoding="utf-8") as output:
            output.write(make_app_config(self.gateway + "/dicom-web",
                                         friendly_name="Orthanc through the Cors plugin's gateway"))
        self.servers["the viewer's server"] = spa_server.start(
            arguments.ohif, arguments.viewer_port, os.path.join(self.orthanc.directory, "viewer-server.log"),
            app_config=app_config, detached=True)

        portal_root = os.path.join(self.orthanc.directory, "portal")
        os.makedirs(portal_root)
        with open(os.path.join(portal_root, "index.html"), "w", encoding="utf-8") as output:
            output.write(embedded_portal_page(self.viewer_url(self.gateway, study)))
        self.servers["the portal's server"] = spa_server.start(
            portal_root, arguments.portal_port, os.path.join(self.orthanc.directory, "portal-server.log"),
            headers=embedded_portal_headers(), detached=True)
        return study

    @staticmethod
    def viewer_url(base, study):
        return "%s/viewer?StudyInstanceUIDs=%s" % (base, study)

    def describe(self, study):
        arguments = self.arguments
        orthanc = "http://localhost:%d" % arguments.orthanc_port
        viewer = "http://localhost:%d" % arguments.viewer_port
        check = json.dumps({"Origin": viewer, "Path": "/dicom-web/studies", "Headers": ["Accept"]})
        return "\n".join([
            "",
            "The demo is running. Open the sample study in OHIF, in three deployment shapes:",
            "  1. OHIF on its own origin, reading Orthanc through the gateway (CORS: AllowedOrigins):",
            "       " + self.viewer_url(viewer, study),
            "  2. OHIF served by the gateway itself: same origin, cross-origin isolated (MPR), no",
            "     preflight at all, no CORS to configure:",
            "       " + self.viewer_url(self.gateway, study),
            "  3. OHIF framed by a portal page of another origin (FrameAncestors lets it in, no other site):",
            "       http://localhost:%d/" % arguments.portal_port,
            "",
            "  Orthanc Explorer:           %s/app/explorer.html" % orthanc,
            "  DICOMweb via the gateway:   %s/dicom-web/studies" % self.gateway,
            "  The effective CORS policy:  %s/cors/policy" % orthanc,
            "  What may a page of origin %s do? Ask the plugin:" % viewer,
            "    curl -X POST %s/cors/check -d %s" % (orthanc, shlex.quote(check)),
            "  Orthanc's log:              %s" % self.orthanc.log_path,
            "",
            "Press Ctrl-C to stop.",
        ])

    def wait_for_a_death(self):
        """Blocks until a process the demo started exits (a stop signal interrupts it
        with StopRequested); returns that process's name. The dead child is left for
        its Popen to reap."""
        names = {self.orthanc.process.pid: "Orthanc"}
        names.update({process.pid: name for (name, process) in self.servers.items()})
        while True:
            status = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT)
            if status.si_pid in names:
                return names[status.si_pid]
            os.waitpid(status.si_pid, 0)   # not one of ours: reap it, or it would come back

    def exit_status(self, name):
        return self.orthanc.exit_code if name == "Orthanc" else self.servers[name].returncode

    def stop(self):
        """Stops the servers, then Orthanc; returns what went wrong with Orthanc, or None."""
        for process in self.servers.values():
            if process.poll() is None:
                process.terminate()
        for process in self.servers.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return self.orthanc.stop() if self.orthanc is not None else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugin", required=True, help="path of libOrthancCors.so")
    parser.add_argument("--ohif", required=True, help="OHIF's dist/ folder")
    parser.add_argument("--work", required=True,
                        help="folder for Orthanc's files, removed on a clean stop (kept, with the log, otherwise)")
    parser.add_argument("--orthanc-port", type=int, default=8042)
    parser.add_argument("--gateway-port", type=int, default=8043)
    parser.add_argument("--viewer-port", type=int, default=3000)
    parser.add_argument("--portal-port", type=int, default=3001)
    parser.add_argument("--slices", type=int, default=24)
    arguments = parser.parse_args()

    busy = [port for port in (arguments.orthanc_port, arguments.gateway_port, arguments.viewer_port,
                              arguments.portal_port) if not port_is_free(port)]
    if busy:
        sys.exit("Port(s) %s already in use: stop what listens there, or choose others (--help)"
                 % ", ".join(map(str, busy)))

    for signal_number in STOP_SIGNALS:
        signal.signal(signal_number, raise_stop_requested)
    demo = Demo(arguments)
    started = False
    interrupted = False
    died = None
    failure = None
    try:
        study = demo.start()
        started = True
        print(demo.describe(study), flush=True)
        died = demo.wait_for_a_death()
    except StopRequested:
        interrupted = True
    except Exception as error:   # a server that did not start (OrthancError holds its log's end)
        failure = error
    finally:
        # A second Ctrl-C must not cut the stop short: it is bounded (Orthanc is killed
        # after 30 s).
        for signal_number in STOP_SIGNALS:
            signal.signal(signal_number, signal.SIG_IGN)
        say("\nStopping the demo...", end="")
        problem = demo.stop()
    if interrupted and not started:
        # Stopped while Orthanc was starting, maybe before it catches SIGTERM: however it
        # ended, that was the stop asked for.
        problem = None

    if died is None and problem is None and failure is None:
        if demo.orthanc is not None:
            shutil.rmtree(demo.orthanc.directory, ignore_errors=True)
        say(" stopped: Orthanc and the servers of the viewer and the portal are down.")
        return 0
    say(" stopped.")
    if failure is not None:
        say("The demo could not start: %s" % failure, stream=sys.stderr)
    elif died is not None:
        say("%s stopped unexpectedly (exit status %s). Orthanc's folder and log are kept: %s"
            % (died, demo.exit_status(died), demo.orthanc.log_path), stream=sys.stderr)
    else:
        say("%s. Orthanc's folder and log are kept: %s" % (problem, demo.orthanc.log_path), stream=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
