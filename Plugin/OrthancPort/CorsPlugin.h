// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "OrthancHttp.h"
#include "OrthancLogger.h"
#include "../Common/Metrics.h"
#include "../Configuration/Configuration.h"

#include <orthanc/OrthancCPlugin.h>

#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace OrthancCors
{
  class FolderServer;
  class Gateway;

  // The plugin's single context object: the validated configuration, the folder
  // server, the gateway, and the few pieces of state the Orthanc callbacks share.
  // Orthanc's C callbacks carry no user pointer, so they reach it through
  // CorsPlugin::Get().
  class CorsPlugin
  {
  public:
    // Returns 0 on success; on bad configuration logs one error line naming the
    // key and returns -1, which makes Orthanc refuse to start.
    static int32_t Initialize(OrthancPluginContext* context);
    static void Finalize();
    static CorsPlugin& Get();

    ~CorsPlugin();

    OrthancPluginContext* GetContext() const { return context_; }
    ILogger& GetLogger() { return logger_; }
    const Configuration& GetConfiguration() const { return *configuration_; }
    const FolderServer& GetFolders() const { return *folders_; }
    const OrthancAnswerWriting& GetAnswerWriting() const { return answerWriting_; }
    CorsMetrics& GetMetrics() { return *metrics_; }

    void OnOrthancStarted();
    void OnOrthancStopped();

    // Logs a refusal as a warning once per key (an origin, a Host, a file; at most
    // 1,000 keys), then as information, so that a CSRF attempt, a misconfigured
    // proxy or a file too large for Orthanc's port is visible without flooding the log.
    void WarnOncePerKey(const std::string& key, const std::string& message);

  private:
    CorsPlugin(OrthancPluginContext* context, std::shared_ptr<const Configuration> configuration,
               const OrthancAnswerWriting& answerWriting);

    void RegisterCallbacks();

    OrthancPluginContext* context_;
    OrthancLogger logger_;
    std::shared_ptr<const Configuration> configuration_;
    OrthancAnswerWriting answerWriting_;
    std::shared_ptr<const FolderServer> folders_;
    std::shared_ptr<CorsMetrics> metrics_;
    std::unique_ptr<Gateway> gateway_;

    std::mutex refusalsMutex_;
    std::set<std::string> refusalKeysWarned_;
  };
}
