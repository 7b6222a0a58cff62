# SPDX-License-Identifier: AGPL-3.0-or-later
"""The Python shared by the integration tests (UnitTests/Integration), the end-to-end
suite (UnitTests/EndToEnd), the demo (Resources/Demo), the benchmark
(Resources/Benchmark) and the sanitizer wrapper (Resources/Sanitizers).

It is found through PYTHONPATH=<source>/Resources/Python, which CTest and the scripts
that run Python (start-demo.sh, run-benchmark.sh, run-e2e.sh, orthanc-with-sanitizers.sh)
set; nothing edits sys.path. It also installs as a package, standard library only
(Resources/Python/pyproject.toml): python3 -m pip install ./Resources/Python, offline
with --no-build-isolation --no-index. Installed outside the source tree, `examples`
reads the tree named by ORTHANC_CORS_SOURCE_DIR.

    orthanc       an Orthanc process with the DICOMweb plugin and this plugin
    testing       unittest glue around it (one Orthanc per test or per class)
    raw_http      requests sending exact header lines, raw bytes, a raw response parser
    orthanc_json  Orthanc's JSON files, comments allowed
    certificates  a self-signed certificate for the gateway's TLS
    memory        a process's VmRSS / VmHWM
    dicom_data    a CT series created through Orthanc's REST API
    ohif_config   OHIF app-config.js text
    spa_server    a static server for a single-page viewer (python3 -m orthanc_cors_tools.spa_server)
    latency_relay a TCP relay adding a round-trip time, the benchmark's WAN (python3 -m ...latency_relay)
    access_log    the gateway's access log read back (its line format, waiting for lines)
    viewer_files  a stand-in viewer build (index.html, app.js) for served folders
    postgresql    a throw-away PostgreSQL server (Debian's binaries), for the PostgreSQL index plugin
    haproxy       HAProxy in front of gateways (mode http and mode tcp with the PROXY protocol)
    scale_out     PostgreSQL, Orthanc replicas sharing its index and storage, HAProxy in front
"""
