// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace OrthancCors
{
  // A count that worker threads add to without a lock (relaxed atomics: each
  // value is exact, their sum is read a little later by the metrics refresh).
  class MetricCounter
  {
  public:
    void Add(uint64_t amount = 1) { value_.fetch_add(amount, std::memory_order_relaxed); }
    uint64_t Get() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<uint64_t> value_{0};
  };

  // A level that goes up and down (open connections).
  class MetricGauge
  {
  public:
    void Increment() { value_.fetch_add(1, std::memory_order_relaxed); }
    void Decrement() { value_.fetch_sub(1, std::memory_order_relaxed); }
    void Add(int64_t amount) { value_.fetch_add(amount, std::memory_order_relaxed); }
    int64_t Get() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<int64_t> value_{0};
  };

  // One value as Orthanc's /tools/metrics-prometheus shows it.
  struct MetricValue
  {
    std::string name;    // "orthanc_cors_..."
    double value;
  };

  // A metric's name and meaning, as the configuration reference lists them.
  struct MetricDescription
  {
    std::string name;
    std::string meaning;
  };

  // What the plugin counts, for Orthanc's Prometheus endpoint (the plugin layer
  // hands the values to Orthanc in its refresh callback): the gateway's traffic,
  // and the refusals of the guard on Orthanc's own port. Every member is
  // thread-safe and lock-free.
  struct CorsMetrics
  {
    // Preflights, answered by the gateway.
    MetricCounter preflightsAllowed;
    MetricCounter preflightsRefusedOrigin;
    MetricCounter preflightsRefusedMethod;
    MetricCounter preflightsRefusedHeader;
    MetricCounter preflightsRefusedRoute;
    MetricCounter preflightsRefusedPrivateNetwork;

    // Actual requests, by what the policy made of their Origin.
    MetricCounter requestsOriginAllowed;
    MetricCounter requestsWithoutOrigin;
    MetricCounter requestsOriginRefused;
    MetricCounter requestsNotExposed;        // with an Origin, on a path under no route
    MetricCounter requestsHostRefused;       // Cors.AllowedHosts
    MetricCounter requestsMalformed;         // refused before any CORS decision (4xx)

    // Orthanc's answers relayed to the client, by status class.
    MetricCounter relayed1xx;
    MetricCounter relayed2xx;
    MetricCounter relayed3xx;
    MetricCounter relayed4xx;
    MetricCounter relayed5xx;

    MetricCounter upstreamConnectFailures;
    MetricCounter answered502;
    MetricCounter answered504;
    MetricCounter refused503;                // MaxConnections or MaxConnectionsPerClient reached
    MetricCounter tlsHandshakeFailures;

    MetricGauge clientConnections;
    MetricGauge upstreamConnections;

    MetricCounter bytesReceived;             // from clients: request heads and bodies
    MetricCounter bytesSent;                 // to clients: response heads and bodies

    MetricCounter relayMicroseconds;         // requests relayed to Orthanc, from the head read to the answer's end
    MetricCounter relayCount;

    MetricCounter accessLogLinesDropped;     // the access log's writer could not keep up

    MetricCounter responsesSpilled;          // answers that took a temporary file (ResponseBufferSize full)
    MetricCounter responsesUnbuffered;       // answers that found memory and temporary files full: client's pace
    MetricGauge temporaryFileBytes;          // bytes the answers' temporary files hold or reserve now

    MetricCounter guardRefusals;             // Orthanc's port: unsafe requests of foreign origins refused

    void CountRelayedStatus(unsigned int status);
    void CountRelay(std::chrono::steady_clock::duration elapsed);

    // Every metric, in the order of Describe().
    std::vector<MetricValue> Read() const;

    // Every name and what it means (the list of Resources/Documentation/Configuration.md is checked against it).
    static std::vector<MetricDescription> Describe();
  };
}
