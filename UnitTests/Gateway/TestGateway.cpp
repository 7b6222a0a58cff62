// SPDX-License-Identifier: AGPL-3.0-or-later

#include "TestGateway.h"

#include "Policy/OriginPattern.h"
#include "Policy/Policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

namespace OrthancCors::Testing
{
  const char* const ALLOWED_ORIGIN = "http://localhost:3000";


  void RecordingLogger::Info(const std::string& message)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.emplace_back("info", message);
  }


  void RecordingLogger::Warning(const std::string& message)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.emplace_back("warning", message);
  }


  void RecordingLogger::Error(const std::string& message)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.emplace_back("error", message);
  }


  bool RecordingLogger::Contains(const std::string& level, const std::string& text) const
  {
    return Count(level, text) > 0;
  }


  std::size_t RecordingLogger::Count(const std::string& level, const std::string& text) const
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<std::size_t>(std::count_if(lines_.begin(), lines_.end(), [&](const auto& line)
    {
      return line.first == level && line.second.find(text) != std::string::npos;
    }));
  }


  std::shared_ptr<Configuration> MakeTestConfiguration(uint16_t upstreamPort)
  {
    RoutePolicy route;
    route.prefix = "/dicom-web/";
    route.allowedOrigins.push_back(OriginPattern::Parse(ALLOWED_ORIGIN));
    route.allowedMethods = {"GET", "HEAD", "POST", "PUT", "DELETE"};
    route.allowedHeaders.names = {"Accept", "Authorization", "Content-Type"};
    route.exposedHeaders.names = {"Content-Length"};

    auto configuration = std::make_shared<Configuration>();
    configuration->policy = Policy({route}, 600, false, "cross-origin");
    configuration->gateway.port = 0;
    configuration->gateway.bindAddress = "127.0.0.1";
    configuration->gateway.threads = 2;
    configuration->gateway.maxConnections = 100;
    configuration->gateway.idleTimeoutSeconds = 30;
    configuration->gateway.upstreamTimeoutSeconds = 30;
    configuration->upstream.httpPort = upstreamPort;
    return configuration;
  }


  RunningGateway::RunningGateway(std::shared_ptr<const Configuration> configuration,
                                 std::shared_ptr<const FolderServer> folders) :
    gateway_(std::make_unique<Gateway>(std::move(configuration), std::move(folders), logger_))
  {
    gateway_->Start();
  }


  RunningGateway::~RunningGateway()
  {
    gateway_->Stop();
  }


  std::string ExpectConstructionError(std::shared_ptr<Configuration> configuration)
  {
    RecordingLogger logger;
    try
    {
      Gateway gateway(configuration, nullptr, logger);
    }
    catch (const std::runtime_error& e)
    {
      return e.what();
    }
    ADD_FAILURE() << "the gateway started";
    return "";
  }
}
