# SPDX-License-Identifier: AGPL-3.0-or-later
"""Orthanc scaled out, measured: requests a second through HAProxy in front of one
gateway and of two (two Orthanc replicas sharing a PostgreSQL index: the cluster of
integration.test_scale_out, orthanc_cors_tools.scale_out), and the failover time
when a replica is killed. Loopback only; not part of the test command.

    ORTHANC_CORS_PLUGIN=build/libOrthancCors.so PYTHONPATH=Resources/Python \\
        python3 Resources/Benchmark/scale_out.py [--seconds 10] [--connections 16] [--failovers 3]

- wrk (Debian's) through the balancer's http frontend, on QIDO-RS (GET
  /dicom-web/studies) and on a preflight (preflight.lua), for --seconds each: first
  with one replica in the balancer (the other set to maintenance through HAProxy's
  administration socket), then with both;
- --failovers times: threads sending a preflight, a QIDO-RS request and an upload in
  turn through the balancer, one replica killed (SIGKILL), the time until every
  request succeeds again and the requests that failed meanwhile; the replica is
  then restarted for the next round.

Both replicas and HAProxy share this machine's cores with wrk: on a machine where
the replicas are on machines of their own, the second one adds its cores; here it
can only show what the balancer and a second process cost or bring on the same cores.
"""

import argparse
import os
import statistics
import sys
import time

from orthanc_cors_tools.dicom_data import create_ct_series, create_unstored_instances
from orthanc_cors_tools.haproxy import HTTP_BACKEND, TCP_BACKEND
from orthanc_cors_tools.orthanc import orthanc_version
from orthanc_cors_tools.scale_out import RequestLoad, ScaleOutCluster, failover_figures, viewer_operations
from orthanc_cors_tools.testing import wait_for

from benchmark import run_wrk   # Resources/Benchmark/benchmark.py, beside this file

HERE = os.path.dirname(os.path.abspath(__file__))
ORIGIN = "http://viewer.bench.example"
MAX_CONNECTIONS = 1000
WORKLOADS = (("qido", "/dicom-web/studies", None), ("preflight", "/dicom-web/studies", "preflight.lua"))
FAILOVER_THREADS = 8
FAILOVER_AFTER_SECONDS = 2.0   # of traffic once the balancer has taken the replica out


def set_replica_state(cluster, name, state):
    """HAProxy's administration socket: "ready" or "maint" for a replica in both backends."""
    for backend in (HTTP_BACKEND, TCP_BACKEND):
        answer = cluster.balancer.command("set server %s/%s state %s" % (backend, name, state))
        if answer.strip():
            raise RuntimeError("HAProxy refused to set %s/%s %s: %s" % (backend, name, state, answer))


def measure_throughput(cluster, seconds, connections):
    """{(replicas, workload): wrk's result} through the http frontend."""
    url = "http://127.0.0.1:%d" % cluster.balancer.http_port
    second = cluster.replicas[1].name
    results = {}
    for (replicas, state) in ((1, "maint"), (2, "ready")):
        set_replica_state(cluster, second, state)
        cluster.balancer.wait_for_states("MAINT" if state == "maint" else "UP", servers=[second], timeout=10)
        for (name, path, script) in WORKLOADS:
            script_path = os.path.join(HERE, script) if script else None
            environment = {"BENCH_ORIGIN": ORIGIN}
            run_wrk(url + path, 1, connections, 2, script_path, environment, ["Origin: " + ORIGIN])   # warm-up
            results[(replicas, name)] = run_wrk(url + path, seconds, connections, 2, script_path, environment,
                                                ["Origin: " + ORIGIN])
            result = results[(replicas, name)]
            print("  %d replica(s), %-9s %8.0f requests/s, p50 %.2f ms, p99 %.2f ms, %d errors"
                  % (replicas, name, result["requests_per_second"], result["p50_ms"], result["p99_ms"],
                     result["errors"]), flush=True)
    return results


def measure_failover(cluster, uploads):
    """One kill of replica 2 under traffic: (seconds until every request succeeds
    again, failed requests, requests concerned, seconds until the balancer took it out)."""
    victim = 1
    port = cluster.balancer.http_port
    load = RequestLoad([viewer_operations(port, ORIGIN, upload=upload) for upload in uploads]).start()
    try:
        began = time.monotonic()
        if not wait_for(lambda: load.count(began, ok=True) >= 3 * len(uploads), 10):
            raise RuntimeError("the load does not succeed before the kill: %r" % load.snapshot()[-3:])
        killed_at = time.monotonic()
        cluster.kill_replica(victim)
        noticed = cluster.balancer.wait_for_states("DOWN", servers=[cluster.replicas[victim].name], timeout=10)
        time.sleep(FAILOVER_AFTER_SECONDS)   # traffic measured after the failover, not a wait for something
    finally:
        load.stop()
    seconds, failed, concerned = failover_figures(load.snapshot(), killed_at)
    cluster.restart_replica(victim)
    cluster.balancer.wait_for_states("UP", timeout=10)
    return seconds, failed, concerned, noticed


def main(arguments):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk's duration per measure (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="wrk's connections (default 16)")
    parser.add_argument("--failovers", type=int, default=3, help="replica kills to time (default 3)")
    options = parser.parse_args(arguments)

    cors = {"AllowedOrigins": [ORIGIN], "Routes": ["/dicom-web/", "/instances"],
            # Behind a balancer every connection is the balancer's (Operations.md, Scaling out).
            "Gateway": {"MaxConnections": MAX_CONNECTIONS, "MaxConnectionsPerClient": MAX_CONNECTIONS}}
    started = time.monotonic()
    with ScaleOutCluster(cors) as cluster:
        versions = cluster.replicas[0].versions()
        print("Scale-out benchmark: 2 replicas of Orthanc %s (DICOMweb %s, PostgreSQL index), HAProxy in mode http, "
              "wrk %d connections 2 threads, %d s a measure; %d cores (nproc)"
              % (versions["Orthanc"], versions["DICOMweb"], options.connections, options.seconds, os.cpu_count()),
              flush=True)
        create_ct_series(cluster.replicas[0], slices=2, rows=32, columns=32)
        results = measure_throughput(cluster, options.seconds, options.connections)
        for (name, _, _) in WORKLOADS:
            print("  %s: 2 replicas / 1 replica = %.2fx" % (
                name, results[(2, name)]["requests_per_second"] / results[(1, name)]["requests_per_second"]))

        _, uploads = create_unstored_instances(cluster.replicas[0], FAILOVER_THREADS)
        figures = []
        for round_number in range(options.failovers):
            figures.append(measure_failover(cluster, uploads))
            seconds, failed, concerned, noticed = figures[-1]
            print("  failover %d: replica taken out by HAProxy after %.3f s; every request succeeded from %.3f s "
                  "after the kill; %d of %d requests failed (%d threads)"
                  % (round_number + 1, noticed, seconds, failed, concerned, FAILOVER_THREADS), flush=True)
        if figures:
            print("  failover, median of %d: taken out after %.3f s, all requests succeeding after %.3f s, "
                  "%g failed requests" % (len(figures), statistics.median(figure[3] for figure in figures),
                                          statistics.median(figure[0] for figure in figures),
                                          statistics.median(figure[1] for figure in figures)))
    print("Wall time: %.0f s (Orthanc %s)" % (time.monotonic() - started, ".".join(map(str, orthanc_version()))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
