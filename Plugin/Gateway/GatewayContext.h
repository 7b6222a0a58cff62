// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "AccessLog.h"
#include "ConnectionRegistry.h"
#include "FolderAccessCache.h"
#include "LogThrottle.h"
#include "ResponseSpool.h"
#include "ServerTls.h"
#include "../Common/Logger.h"
#include "../Common/Metrics.h"
#include "../Configuration/Configuration.h"
#include "../Configuration/ConfigurationKeys.h"

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <memory>
#include <string>

namespace OrthancCors
{
  class FolderServer;

  // What every connection of one gateway shares; built once, read-only afterwards
  // (the registry, the logger, the throttle, the folder access cache, the
  // metrics, the access log and the TLS context are thread-safe).
  struct GatewayContext
  {
    std::shared_ptr<const Configuration> configuration;
    std::shared_ptr<const FolderServer> folders;             // may be null
    ILogger& logger;
    ConnectionRegistry& registry;
    LogThrottle& upstreamFailureLog;                         // Orthanc unreachable, refusing, cutting answers
    FolderAccessCache& folderAccess;                         // Orthanc's recent verdicts on folder access
    CorsMetrics& metrics;
    AccessLog* accessLog;                                    // null: Cors.Gateway.AccessLog is empty
    ServerTls* serverTls;                                    // null: the gateway speaks plain HTTP
    std::shared_ptr<boost::asio::ssl::context> upstreamTls;  // null: Orthanc speaks plain HTTP
    std::chrono::seconds idleTimeout;            // a keep-alive connection between requests; a buffered body
    std::chrono::seconds requestHeaderTimeout;   // a new connection's handshake and first header; a header once begun
    std::chrono::seconds upstreamTimeout;
    TemporaryFileBudget& temporaryFiles;         // every answer's temporary file counts here
    ResponseSpoolLimits responseSpool;           // each answer's memory and temporary file bounds

    const Policy& GetPolicy() const { return configuration->policy; }

    // An error talking to Orthanc, as the log and the client's error body say it.
    std::string DescribeUpstreamError(const boost::system::error_code& error) const
    {
      return error == boost::beast::error::timeout ?
        "no answer within " + ConfigurationKeys::GatewayKeyPath(ConfigurationKeys::Gateway::UPSTREAM_TIMEOUT) + " (" + std::to_string(upstreamTimeout.count()) + " s)" :
        error.message();
    }

    // Through the throttle: a down or refusing Orthanc fails every request.
    void WarnUpstreamFailure(const std::string& message) const
    {
      if (const auto line = upstreamFailureLog.Admit("Cors gateway: " + message))
      {
        logger.Warning(*line);
      }
    }
    const char* GetScheme() const { return serverTls ? "https" : "http"; }
  };
}
