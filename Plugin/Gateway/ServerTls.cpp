// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ServerTls.h"

#include "TlsContext.h"
#include "../Configuration/ConfigurationKeys.h"

#include <stdexcept>

namespace OrthancCors
{
  ServerTls::ServerTls(const GatewaySettings& settings, ILogger& logger, std::chrono::milliseconds checkInterval) :
    settings_(settings),
    logger_(logger),
    checkInterval_(checkInterval),
    // Read before loading: a change made while the pair loads is seen at the first check.
    schedule_(ReadSignatures())
  {
    current_.store(CreateServerTlsContext(settings_));
  }


  ServerTls::~ServerTls()
  {
    Stop();
  }


  void ServerTls::Start()
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!thread_.joinable() && !stopping_)
    {
      thread_ = std::thread([this] { Watch(); });
    }
  }


  void ServerTls::Stop()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    stopRequested_.notify_all();
    if (thread_.joinable())
    {
      thread_.join();
    }
  }


  std::shared_ptr<boost::asio::ssl::context> ServerTls::Current() const
  {
    return current_.load();
  }


  ReloadSchedule::Signatures ServerTls::ReadSignatures() const
  {
    return ReloadSchedule::Signatures{FileSignature::Of(settings_.sslCertificate),
                                      FileSignature::Of(settings_.sslPrivateKey)};
  }


  void ServerTls::CheckFiles()
  {
    const ReloadSchedule::Signatures signatures = ReadSignatures();
    if (!schedule_.IsDue(signatures))
    {
      return;
    }
    try
    {
      current_.store(CreateServerTlsContext(settings_));
      schedule_.Loaded(signatures);
      logger_.Warning("Cors gateway: the TLS certificate and key changed on disk; new connections use them (" +
                      settings_.sslCertificate + ", " + settings_.sslPrivateKey + ")");
    }
    catch (const std::exception& e)
    {
      schedule_.Failed(signatures);
      logger_.Error(std::string("Cors gateway: the TLS certificate or key changed on disk but cannot be used, "
                                "the previous pair stays in use until they change again: ") + e.what());
    }
  }


  void ServerTls::Watch()
  {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopRequested_.wait_for(lock, checkInterval_, [this] { return stopping_; }))
    {
      lock.unlock();
      CheckFiles();
      lock.lock();
    }
  }
}
