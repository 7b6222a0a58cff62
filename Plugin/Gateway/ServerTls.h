// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "FileSignature.h"
#include "../Common/Logger.h"
#include "../Configuration/Configuration.h"

#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace OrthancCors
{
  // The gateway's TLS server context, renewed without a restart: a thread looks
  // at the certificate and key files every `checkInterval`, and when they have
  // changed (and stayed unchanged for one interval since), loads the new pair.
  // New handshakes then use it; a connection keeps the context it began with
  // (AnyStream holds it). A pair that does not load (a key that does not match,
  // a half-written file) is refused with one error line, and the pair in use
  // stays; it is tried again once the files change again.
  class ServerTls
  {
  public:
    // Loads the pair (throws std::runtime_error naming the key, as
    // CreateServerTlsContext does); watching starts with Start().
    ServerTls(const GatewaySettings& settings, ILogger& logger, std::chrono::milliseconds checkInterval);
    ~ServerTls();

    ServerTls(const ServerTls&) = delete;
    ServerTls& operator=(const ServerTls&) = delete;

    void Start();
    void Stop();   // idempotent

    // The pair for a new connection. Thread-safe.
    std::shared_ptr<boost::asio::ssl::context> Current() const;

    // Looks at the files once, as the thread does (tests call it directly).
    void CheckFiles();

  private:
    ReloadSchedule::Signatures ReadSignatures() const;
    void Watch();

    const GatewaySettings settings_;
    ILogger& logger_;
    const std::chrono::milliseconds checkInterval_;
    std::atomic<std::shared_ptr<boost::asio::ssl::context>> current_;
    ReloadSchedule schedule_;   // the watching thread's (or the test's) only

    std::mutex mutex_;
    std::condition_variable stopRequested_;
    bool stopping_ = false;
    std::thread thread_;
  };
}
