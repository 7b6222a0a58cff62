// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "Common/Logger.h"
#include "Configuration/Configuration.h"
#include "Gateway/Gateway.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace OrthancCors::Testing
{
  class RecordingLogger : public ILogger
  {
  public:
    void Info(const std::string& message) override;
    void Warning(const std::string& message) override;
    void Error(const std::string& message) override;

    // True when a line of that level ("info", "warning", "error") contains `text`.
    bool Contains(const std::string& level, const std::string& text) const;

    // How many lines of that level contain `text`.
    std::size_t Count(const std::string& level, const std::string& text) const;

  private:
    mutable std::mutex mutex_;
    std::vector<std::pair<std::string, std::string>> lines_;
  };

  // The origin the test policy allows on /dicom-web/ (and nothing else).
  extern const char* const ALLOWED_ORIGIN;

  // A configuration with one exposed route, "/dicom-web/", allowing ALLOWED_ORIGIN,
  // methods GET HEAD POST PUT DELETE, headers Accept Authorization Content-Type,
  // exposing Content-Length, CORP "cross-origin"; the gateway on 127.0.0.1, port 0
  // (chosen by the system), two threads, relaying to `upstreamPort`.
  std::shared_ptr<Configuration> MakeTestConfiguration(uint16_t upstreamPort);

  // The message of the std::runtime_error that constructing a gateway with
  // `configuration` throws; a test failure (and "") when it does not throw.
  std::string ExpectConstructionError(std::shared_ptr<Configuration> configuration);

  // A started gateway that stops when it goes out of scope.
  class RunningGateway
  {
  public:
    explicit RunningGateway(std::shared_ptr<const Configuration> configuration,
                            std::shared_ptr<const FolderServer> folders = nullptr);
    ~RunningGateway();

    uint16_t GetPort() const { return gateway_->GetPort(); }
    Gateway& Get() { return *gateway_; }
    RecordingLogger& GetLogger() { return logger_; }

  private:
    RecordingLogger logger_;
    std::unique_ptr<Gateway> gateway_;
  };
}
