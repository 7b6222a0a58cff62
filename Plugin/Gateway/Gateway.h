#pragma once

#include "../Common/Logger.h"
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
    // `folders` may be null (no folder mounted on the gateway).
    Gateway(std::shared_ptr<const Configuration> configuration,
            std::shared_ptr<const FolderServer> folders,
            ILogger& logger);
    ~Gateway();   // stops if running

    Gateway(const Gateway&) = delete;
    Gateway& operator=(const Gateway&) = delete;

    // Loads TLS material (if configured), binds and starts the worker threads.
    // Throws std::runtime_error with a one-line reason (port in use, unreadable
    // certificate, mismatched key...) naming the configuration key involved.
    void Start();

    // Closes the listener and every connection, cancels transfers in flight and
    // joins the threads; returns within about one second. Idempotent.
    void Stop();

    // The bound port (useful when the configured port is 0).
    uint16_t GetPort() const;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
  };
}
