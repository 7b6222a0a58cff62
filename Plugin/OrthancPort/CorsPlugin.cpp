// SPDX-License-Identifier: AGPL-3.0-or-later

#include "CorsPlugin.h"

#include "Diagnostics.h"
#include "CallbackGuard.h"
#include "FolderCallbacks.h"
#include "IncomingFilter.h"
#include "../Common/PluginRoutes.h"
#include "../Configuration/ConfigurationError.h"
#include "../Configuration/ConfigurationKeys.h"
#include "../Configuration/RelayPrefixes.h"
#include "../Folders/FolderServer.h"
#include "../Gateway/Gateway.h"

#include <json/json.h>

#include <cassert>
#include <memory>
#include <sstream>

namespace OrthancCors
{
  namespace
  {
    // The one piece of process-wide state: Orthanc's C callbacks carry no user pointer.
    std::unique_ptr<CorsPlugin> instance_;

    constexpr size_t MaxRefusalKeysWarned = 1000;

    // Orthanc asks for the metrics when /tools/metrics-prometheus is read. The
    // SDK carries them as float (exact up to 16,777,216; beyond, 7 significant digits).
    void RefreshMetrics()
    {
      CallWithoutThrowing(0, [] {
        if (instance_)
        {
          OrthancPluginContext* context = instance_->GetContext();
          for (const MetricValue& metric : instance_->GetMetrics().Read())
          {
            OrthancPluginSetMetricsValue(context, metric.name.c_str(), static_cast<float>(metric.value),
                                         OrthancPluginMetricsType_Default);
          }
        }
        return 0;
      }, [](const char*) { return 0; });
    }

    bool ReadOrthancConfiguration(OrthancPluginContext* context, Json::Value& target, std::string& error)
    {
      char* text = OrthancPluginGetConfiguration(context);
      if (text == nullptr)
      {
        error = "Orthanc did not provide its configuration";
        return false;
      }

      Json::CharReaderBuilder builder;
      builder["collectComments"] = false;
      const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
      const size_t length = std::char_traits<char>::length(text);
      const bool parsed = reader->parse(text, text + length, &target, &error);
      OrthancPluginFreeString(context, text);
      return parsed;
    }

    std::string DescribeGatewayUrl(const GatewaySettings& gateway, uint16_t port)
    {
      std::ostringstream url;
      const bool isIpv6 = gateway.bindAddress.find(':') != std::string::npos;
      url << (gateway.sslEnabled ? "https://" : "http://")
          << (isIpv6 ? "[" : "") << gateway.bindAddress << (isIpv6 ? "]" : "")
          << ":" << port << "/";
      return url.str();
    }

    OrthancPluginErrorCode OnChange(OrthancPluginChangeType changeType,
                                    OrthancPluginResourceType /* resourceType */,
                                    const char* /* resourceId */) noexcept
    {
      return CallWithoutThrowing(OrthancPluginErrorCode_InternalError, [&]
      {
        if (changeType == OrthancPluginChangeType_OrthancStarted)
        {
          CorsPlugin::Get().OnOrthancStarted();
        }
        else if (changeType == OrthancPluginChangeType_OrthancStopped)
        {
          CorsPlugin::Get().OnOrthancStopped();
        }
        return OrthancPluginErrorCode_Success;
      }, [](const char* what)
      {
        CorsPlugin::Get().GetLogger().Error(std::string("Cors: cannot follow Orthanc's start or stop: ") + what);
        return OrthancPluginErrorCode_InternalError;
      });
    }
  }

  CorsPlugin::CorsPlugin(OrthancPluginContext* context, std::shared_ptr<const Configuration> configuration,
                         const OrthancAnswerWriting& answerWriting) :
    context_(context),
    logger_(context),
    configuration_(std::move(configuration)),
    answerWriting_(answerWriting),
    metrics_(std::make_shared<CorsMetrics>())
  {
    folders_ = std::make_shared<FolderServer>(configuration_->folders,
                                              configuration_->mimeTypes,
                                              configuration_->allowCache,
                                              configuration_->generateETag,
                                              GetRelayPrefixes(*configuration_));
    if (configuration_->gateway.enabled)
    {
      gateway_ = std::make_unique<Gateway>(configuration_, folders_, logger_, metrics_);
    }
  }

  CorsPlugin::~CorsPlugin()
  {
    if (gateway_)
    {
      gateway_->Stop();
    }
  }

  int32_t CorsPlugin::Initialize(OrthancPluginContext* context)
  {
    OrthancLogger logger(context);

    Json::Value orthancConfiguration;
    std::string error;
    if (!ReadOrthancConfiguration(context, orthancConfiguration, error))
    {
      logger.Error("Cors: cannot read Orthanc's configuration: " + error);
      return -1;
    }

    try
    {
      std::optional<Configuration> configuration = ParseConfiguration(orthancConfiguration);
      if (!configuration)
      {
        logger.Warning(std::string("Cors: no \"") + ConfigurationKeys::CORS +
                       "\" section in the configuration: the plugin is inactive");
        return 0;
      }

      auto shared = std::make_shared<const Configuration>(std::move(*configuration));
      instance_.reset(new CorsPlugin(context, shared, DetectAnswerWriting(context, orthancConfiguration)));
      instance_->RegisterCallbacks();
      return 0;
    }
    catch (const ConfigurationError& e)
    {
      logger.Error(std::string("Cors: invalid configuration: ") + e.what());
    }
    catch (const std::exception& e)
    {
      logger.Error(std::string("Cors: cannot start: ") + e.what());
    }
    instance_.reset();
    return -1;
  }

  void CorsPlugin::Finalize()
  {
    instance_.reset();
  }

  CorsPlugin& CorsPlugin::Get()
  {
    assert(instance_);
    return *instance_;
  }

  void CorsPlugin::RegisterCallbacks()
  {
    const Configuration& configuration = *configuration_;

    if (configuration.rejectForeignOrigins || configuration.allowedHosts.IsRestricted())
    {
      OrthancPluginRegisterIncomingHttpRequestFilter2(context_, FilterIncomingRequest);
    }

    bool foldersOnOrthancPort = false;
    for (const FolderSettings& folder : configuration.folders)
    {
      if (folder.prefix == "/")
      {
        logger_.Info("Cors: folder " + folder.path + " is mounted at / on the gateway only "
                     "(Orthanc's own port keeps its root)");
        continue;
      }
      OrthancPluginRegisterRestCallbackNoLock(context_, MakeFolderRouteRegex(folder.prefix).c_str(),
                                              GuardedRestCallback<ServeFolder>);
      logger_.Info("Cors: serving " + folder.path + " at " + folder.prefix);
      foldersOnOrthancPort = true;
    }
    if (foldersOnOrthancPort && !answerWriting_.CanSendEncodedBodies())
    {
      logger_.Info("Cors: HttpCompressionEnabled is true, so folders on Orthanc's port are served without their "
                   "precompressed siblings (Orthanc compresses the files itself); the gateway serves them");
    }

    OrthancPluginRegisterRestCallbackNoLock(context_, std::string(PluginRoutes::POLICY).c_str(),
                                            GuardedRestCallback<AnswerPolicy>);
    OrthancPluginRegisterRestCallbackNoLock(context_, std::string(PluginRoutes::CHECK).c_str(),
                                            GuardedRestCallback<AnswerCheck>);
    if (gateway_)
    {
      const std::string route = MakeFolderRouteRegex(std::string(PluginRoutes::FOLDER_ACCESS) + "/");
      OrthancPluginRegisterRestCallbackNoLock(context_, route.c_str(), GuardedRestCallback<AnswerFolderAccess>);
    }
    OrthancPluginRegisterOnChangeCallback(context_, OnChange);
    OrthancPluginRegisterRefreshMetricsCallback(context_, RefreshMetrics);

    std::string origins;
    for (const RoutePolicy& route : configuration.policy.GetRoutes())
    {
      origins += (origins.empty() ? "" : "; ") + route.prefix + " <- ";
      for (size_t i = 0; i < route.allowedOrigins.size(); i++)
      {
        origins += (i == 0 ? "" : ", ") + route.allowedOrigins[i].GetText();
      }
    }
    logger_.Warning("Cors: policy loaded, routes: " + origins);
  }

  void CorsPlugin::OnOrthancStarted()
  {
    if (!gateway_)
    {
      return;
    }
    try
    {
      gateway_->Start();
      const GatewaySettings& settings = configuration_->gateway;
      if (settings.bindAddressForcedToLoopback)
      {
        logger_.Warning(std::string("Cors: ") + ConfigurationKeys::Orthanc::REMOTE_ACCESS_ALLOWED +
                        " is false, so the gateway listens on loopback only");
      }
      logger_.Warning("Cors: gateway listening on " + DescribeGatewayUrl(settings, gateway_->GetPort()));
      if (!configuration_->upstream.httpServerEnabled)
      {
        // Not an error: preflights and public folders still work without Orthanc's HTTP server.
        logger_.Warning(std::string("Cors: ") + ConfigurationKeys::Orthanc::HTTP_SERVER_ENABLED +
                        " is false: the gateway has no Orthanc to relay to and answers every relayed "
                        "request, and every file of a folder that is not " + ConfigurationKeys::Folder::PUBLIC +
                        ", with 502");
      }
    }
    catch (const std::exception& e)
    {
      logger_.Error(std::string("Cors: the gateway cannot start: ") + e.what());
    }
  }

  void CorsPlugin::OnOrthancStopped()
  {
    if (gateway_)
    {
      gateway_->Stop();
    }
  }

  void CorsPlugin::WarnOncePerKey(const std::string& key, const std::string& message)
  {
    {
      std::lock_guard<std::mutex> lock(refusalsMutex_);
      if (refusalKeysWarned_.size() >= MaxRefusalKeysWarned ||
          !refusalKeysWarned_.insert(key).second)
      {
        logger_.Info(message);
        return;
      }
    }
    logger_.Warning(message);
  }
}
