// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "../Common/Logger.h"
#include "../Common/Metrics.h"
#include "../Configuration/Configuration.h"

#include <cstdint>
#include <memory>

namespace OrthancCors
{
  class FolderServer;

  // The plugin's own HTTP(S) port: answers CORS preflights from the policy, serves
  // mounted folders, and relays everything else to Orthanc's HTTP server on loopback,
  // adding the policy's headers to every response.
  class Gateway
  {
  public:
    // Loads TLS material (if configured) and binds the listening socket, so that
    // configuration problems surface while Orthanc is still starting (the plugin's
    // initialization then fails). Throws std::runtime_error with a one-line reason
    // naming the configuration key involved (port in use, no PEM certificate,
    // mismatched key...). Accepts nothing yet. `configuration` is taken as
    // ParseConfiguration resolved it (bind address, TLS files): not checked again.
    // `folders` may be null.
    // `metrics` may be null (the gateway then counts in metrics of its own).
    // Opens Cors.Gateway.AccessLog, if configured (an error names the key).
    Gateway(std::shared_ptr<const Configuration> configuration,
            std::shared_ptr<const FolderServer> folders,
            ILogger& logger,
            std::shared_ptr<CorsMetrics> metrics = nullptr);
    ~Gateway();   // stops if running

    Gateway(const Gateway&) = delete;
    Gateway& operator=(const Gateway&) = delete;

    // Starts the worker threads and accepting (on Orthanc's OrthancStarted event).
    void Start();

    // Closes the listener and every connection, cancels transfers in flight and
    // joins the threads; returns within about one second. Idempotent.
    void Stop();

    // The bound port (useful when the configured port is 0).
    uint16_t GetPort() const;

    const CorsMetrics& GetMetrics() const;

    // Waits until every access log line of the requests answered so far is in
    // the file (tests); nothing without an access log.
    void FlushAccessLog();

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
  };
}
