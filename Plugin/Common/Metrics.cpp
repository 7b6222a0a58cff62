// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Metrics.h"

#include <iterator>

namespace OrthancCors
{
  namespace
  {
    // The one table of names, meanings and members: Read() and Describe() cannot disagree.
    struct Entry
    {
      const char* name;
      const char* meaning;
      double (*read)(const CorsMetrics&);
    };

#define ORTHANC_CORS_COUNTER(member) [](const CorsMetrics& m) { return static_cast<double>(m.member.Get()); }

    const Entry ENTRIES[] = {
      { "orthanc_cors_preflights_allowed_total", "preflights answered 204",
        ORTHANC_CORS_COUNTER(preflightsAllowed) },
      { "orthanc_cors_preflights_refused_origin_total", "preflights refused (403): Origin missing, malformed or not allowed",
        ORTHANC_CORS_COUNTER(preflightsRefusedOrigin) },
      { "orthanc_cors_preflights_refused_method_total", "preflights refused: requested method not allowed or malformed",
        ORTHANC_CORS_COUNTER(preflightsRefusedMethod) },
      { "orthanc_cors_preflights_refused_header_total", "preflights refused: a requested header not allowed or malformed",
        ORTHANC_CORS_COUNTER(preflightsRefusedHeader) },
      { "orthanc_cors_preflights_refused_route_total", "preflights refused: path under no route of Cors.Routes",
        ORTHANC_CORS_COUNTER(preflightsRefusedRoute) },
      { "orthanc_cors_preflights_refused_private_network_total",
        "preflights refused: private network access requested, AllowPrivateNetwork false",
        ORTHANC_CORS_COUNTER(preflightsRefusedPrivateNetwork) },
      { "orthanc_cors_requests_origin_allowed_total", "actual requests with an allowed Origin (CORS headers granted)",
        ORTHANC_CORS_COUNTER(requestsOriginAllowed) },
      { "orthanc_cors_requests_without_origin_total", "actual requests without Origin (same-origin pages, curl...)",
        ORTHANC_CORS_COUNTER(requestsWithoutOrigin) },
      { "orthanc_cors_requests_origin_refused_total", "actual requests with an Origin the route does not allow",
        ORTHANC_CORS_COUNTER(requestsOriginRefused) },
      { "orthanc_cors_requests_not_exposed_total", "actual requests with an Origin on a path under no route",
        ORTHANC_CORS_COUNTER(requestsNotExposed) },
      { "orthanc_cors_requests_host_refused_total", "requests refused 403 for a Host not in Cors.AllowedHosts",
        ORTHANC_CORS_COUNTER(requestsHostRefused) },
      { "orthanc_cors_requests_malformed_total", "requests refused 4xx as malformed before any CORS decision",
        ORTHANC_CORS_COUNTER(requestsMalformed) },
      { "orthanc_cors_relayed_responses_1xx_total", "Orthanc's answers relayed, status 1xx",
        ORTHANC_CORS_COUNTER(relayed1xx) },
      { "orthanc_cors_relayed_responses_2xx_total", "Orthanc's answers relayed, status 2xx",
        ORTHANC_CORS_COUNTER(relayed2xx) },
      { "orthanc_cors_relayed_responses_3xx_total", "Orthanc's answers relayed, status 3xx",
        ORTHANC_CORS_COUNTER(relayed3xx) },
      { "orthanc_cors_relayed_responses_4xx_total", "Orthanc's answers relayed, status 4xx",
        ORTHANC_CORS_COUNTER(relayed4xx) },
      { "orthanc_cors_relayed_responses_5xx_total", "Orthanc's answers relayed, status 5xx",
        ORTHANC_CORS_COUNTER(relayed5xx) },
      { "orthanc_cors_upstream_connect_failures_total", "connections to Orthanc that failed (refused, timed out)",
        ORTHANC_CORS_COUNTER(upstreamConnectFailures) },
      { "orthanc_cors_gateway_502_total", "502 answers of the gateway (Orthanc unreachable or failing)",
        ORTHANC_CORS_COUNTER(answered502) },
      { "orthanc_cors_gateway_504_total", "504 answers of the gateway (Orthanc silent for UpstreamTimeout)",
        ORTHANC_CORS_COUNTER(answered504) },
      { "orthanc_cors_connections_refused_503_total",
        "connections refused at MaxConnections or MaxConnectionsPerClient (answered 503)",
        ORTHANC_CORS_COUNTER(refused503) },
      { "orthanc_cors_tls_handshake_failures_total", "TLS handshakes that failed (protocol, suite, ALPN, garbage)",
        ORTHANC_CORS_COUNTER(tlsHandshakeFailures) },
      { "orthanc_cors_client_connections", "client connections open now (gauge)",
        [](const CorsMetrics& m) { return static_cast<double>(m.clientConnections.Get()); } },
      { "orthanc_cors_upstream_connections", "connections to Orthanc open now, pooled ones included (gauge)",
        [](const CorsMetrics& m) { return static_cast<double>(m.upstreamConnections.Get()); } },
      { "orthanc_cors_received_bytes_total", "bytes received from clients (HTTP, after TLS)",
        ORTHANC_CORS_COUNTER(bytesReceived) },
      { "orthanc_cors_sent_bytes_total", "bytes sent to clients (HTTP, before TLS)",
        ORTHANC_CORS_COUNTER(bytesSent) },
      { "orthanc_cors_relay_seconds_sum", "time of the requests relayed to Orthanc, summed, in seconds",
        [](const CorsMetrics& m) { return static_cast<double>(m.relayMicroseconds.Get()) / 1e6; } },
      { "orthanc_cors_relay_seconds_count", "requests relayed to Orthanc (the count of that sum)",
        ORTHANC_CORS_COUNTER(relayCount) },
      { "orthanc_cors_responses_spilled_total",
        "answers larger than Gateway.ResponseBufferSize that a slow client made go to a temporary file",
        ORTHANC_CORS_COUNTER(responsesSpilled) },
      { "orthanc_cors_responses_unbuffered_total",
        "answers that found their memory and temporary file allowances full and went at the client's pace",
        ORTHANC_CORS_COUNTER(responsesUnbuffered) },
      { "orthanc_cors_response_temporary_file_bytes",
        "bytes held (or reserved) by the answers' temporary files now (gauge)",
        [](const CorsMetrics& m) { return static_cast<double>(m.temporaryFileBytes.Get()); } },
      { "orthanc_cors_access_log_dropped_lines_total", "access log lines dropped, the writer being behind",
        ORTHANC_CORS_COUNTER(accessLogLinesDropped) },
      { "orthanc_cors_guard_refusals_total",
        "unsafe requests from a foreign origin refused (403) by the guard on Orthanc's own port",
        ORTHANC_CORS_COUNTER(guardRefusals) },
    };

#undef ORTHANC_CORS_COUNTER
  }


  void CorsMetrics::CountRelayedStatus(unsigned int status)
  {
    switch (status / 100)
    {
      case 1: relayed1xx.Add(); break;
      case 2: relayed2xx.Add(); break;
      case 3: relayed3xx.Add(); break;
      case 4: relayed4xx.Add(); break;
      default: relayed5xx.Add(); break;
    }
  }


  void CorsMetrics::CountRelay(std::chrono::steady_clock::duration elapsed)
  {
    relayMicroseconds.Add(static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
    relayCount.Add();
  }


  std::vector<MetricValue> CorsMetrics::Read() const
  {
    std::vector<MetricValue> values;
    values.reserve(std::size(ENTRIES));
    for (const Entry& entry : ENTRIES)
    {
      values.push_back(MetricValue{entry.name, entry.read(*this)});
    }
    return values;
  }


  std::vector<MetricDescription> CorsMetrics::Describe()
  {
    std::vector<MetricDescription> descriptions;
    for (const Entry& entry : ENTRIES)
    {
      descriptions.push_back(MetricDescription{entry.name, entry.meaning});
    }
    return descriptions;
  }
}
