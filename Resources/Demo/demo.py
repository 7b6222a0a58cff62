"""The demo: Orthanc with this plugin and DICOMweb, a sample CT study, and OHIF on
another origin talking to Orthanc through the plugin's gateway. Ctrl-C stops all.

    PYTHONPATH=Resources/Python python3 Resources/Demo/demo.py --plugin build/libOrthancCors.so --ohif DIST

(Resources/start-demo.sh builds the plugin, fetches OHIF and runs this.)
"""

import argparse
import os
import signal
import subprocess
import sys
import threading

from orthanc_cors_tools import dicom_data, spa_server
from orthanc_cors_tools.ohif_config import make_app_config
from orthanc_cors_tools.orthanc import OrthancInstance, wait_until_http_ready
from orthanc_cors_tools.raw_http import free_port


def port_is_free(port):
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugin", required=True, help="path of libOrthancCors.so")
    parser.add_argument("--ohif", required=True, help="OHIF's dist/ folder")
    parser.add_argument("--orthanc-port", type=int, default=8042)
    parser.add_argument("--gateway-port", type=int, default=8043)
    parser.add_argument("--viewer-port", type=int, default=3000)
    parser.add_argument("--slices", type=int, default=24)
    arguments = parser.parse_args()

    busy = [port for port in (arguments.orthanc_port, arguments.gateway_port, arguments.viewer_port)
            if not port_is_free(port)]
    if busy:
        sys.exit("Port(s) %s already in use: stop what listens there, or choose others with "
                 "--orthanc-port/--gateway-port/--viewer-port" % ", ".join(map(str, busy)))

    viewer_origins = ["http://localhost:%d" % arguments.viewer_port, "http://127.0.0.1:%d" % arguments.viewer_port]
    gateway = "http://localhost:%d" % arguments.gateway_port
    os.environ["ORTHANC_CORS_PLUGIN"] = os.path.abspath(arguments.plugin)

    orthanc = OrthancInstance(
        cors={"AllowedOrigins": viewer_origins,
              "Gateway": {"Port": arguments.gateway_port, "BindAddress": "127.0.0.1"}},
        name="OrthancCorsDemo")
    orthanc.http_port = arguments.orthanc_port
    orthanc.dicom_port = free_port()

    viewer = None
    try:
        orthanc.start()
        wait_until_http_ready(arguments.gateway_port, path="/system")
        print("Creating a sample CT study (%d slices) through Orthanc's REST API..." % arguments.slices)
        series = dicom_data.create_ct_series(orthanc, slices=arguments.slices, rows=256, columns=256,
                                             patient_name="DEMO^CORS", study_description="Cors plugin demo")

        app_config = os.path.join(orthanc.directory, "app-config.js")
        with open(app_config, "w", encoding="utf-8") as output:
            output.write(make_app_config(gateway + "/dicom-web"))
        viewer = subprocess.Popen(spa_server.command(arguments.ohif, arguments.viewer_port, app_config),
                                  stdin=subprocess.DEVNULL)
        wait_until_http_ready(arguments.viewer_port)

        study = series["StudyInstanceUID"]
        print("""
The demo is running:
  OHIF, on its own origin:   http://localhost:%(viewer)d/
  the sample study in OHIF:  http://localhost:%(viewer)d/viewer?StudyInstanceUIDs=%(study)s
  Orthanc Explorer:          http://localhost:%(orthanc)d/app/explorer.html
  DICOMweb via the gateway:  %(gateway)s/dicom-web/studies
  the effective policy:      http://localhost:%(orthanc)d/cors/policy
  Orthanc's log:             %(log)s
Press Ctrl-C to stop.""" % {"viewer": arguments.viewer_port, "study": study, "orthanc": arguments.orthanc_port,
                            "gateway": gateway, "log": orthanc.log_path}, flush=True)

        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        try:
            while not stopped.wait(1):
                if not orthanc.is_running():
                    print("Orthanc stopped unexpectedly; its log: %s" % orthanc.log_path)
                    break
        except KeyboardInterrupt:
            pass
    finally:
        print("Stopping...")
        if viewer is not None:
            viewer.terminate()
            viewer.wait(timeout=10)
        orthanc.stop()


if __name__ == "__main__":
    main()
