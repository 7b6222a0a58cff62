#pragma once

#include "ConnectionRegistry.h"
#include "FolderAccessCache.h"
#include "../Common/Logger.h"
#include "../Configuration/Configuration.h"

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <string>

namespace OrthancCors
{
  class FolderServer;

  // What every connection of one gateway shares; built once, read-only afterwards
  // (the registry, the folder access cache and the logger are thread-safe).
  struct GatewayContext
  {
    std::shared_ptr<const Configuration> configuration;
    std::shared_ptr<const FolderServer> folders;             // may be null
    ILogger& logger;
    ConnectionRegistry& registry;
    FolderAccessCache& folderAccess;                         // Orthanc's recent verdicts on folder access
    std::shared_ptr<boost::asio::ssl::context> serverTls;    // null: the gateway speaks plain HTTP
    std::shared_ptr<boost::asio::ssl::context> upstreamTls;  // null: Orthanc speaks plain HTTP
    std::chrono::seconds idleTimeout;
    std::chrono::seconds upstreamTimeout;

    const Policy& GetPolicy() const { return configuration->policy; }
    const char* GetScheme() const { return serverTls ? "https" : "http"; }
  };
}
