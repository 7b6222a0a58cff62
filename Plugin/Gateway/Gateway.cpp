// SPDX-License-Identifier: AGPL-3.0-or-later

#include "Gateway.h"

#include "ConnectionRegistry.h"
#include "GatewayContext.h"
#include "Listener.h"
#include "TlsContext.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

namespace OrthancCors
{
  namespace
  {
    // After closing every connection, how long Stop() lets the worker threads
    // finish on their own before it stops the event loop outright.
    constexpr std::chrono::milliseconds GRACEFUL_STOP{1000};

    // An Orthanc that is down fails every relayed request: one warning per this
    // interval says so, with the count of those held back.
    constexpr std::chrono::seconds UPSTREAM_FAILURE_LOG_INTERVAL{10};

    // How often the TLS certificate and key files are looked at: a renewed pair
    // is in use within two intervals (it must stay unchanged for one).
    constexpr std::chrono::milliseconds CERTIFICATE_CHECK_INTERVAL{2000};

    // The configuration checked the address and, without Orthanc's
    // RemoteAccessAllowed, already moved it to loopback.
    boost::asio::ip::tcp::endpoint MakeBindEndpoint(const GatewaySettings& settings)
    {
      return boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address(settings.bindAddress), settings.port);
    }

    unsigned int CountThreads(const GatewaySettings& settings)
    {
      if (settings.threads > 0)
      {
        return settings.threads;
      }
      return std::max(1u, std::thread::hardware_concurrency());
    }

    std::shared_ptr<const Configuration> RequireConfiguration(std::shared_ptr<const Configuration> configuration)
    {
      if (!configuration)
      {
        throw std::invalid_argument("Gateway: no configuration");
      }
      return configuration;
    }
  }


  class Gateway::Impl
  {
  public:
    Impl(std::shared_ptr<const Configuration> configuration,
         std::shared_ptr<const FolderServer> folders,
         ILogger& logger,
         std::shared_ptr<CorsMetrics> metrics) :
      configuration_(RequireConfiguration(std::move(configuration))),
      metrics_(metrics ? std::move(metrics) : std::make_shared<CorsMetrics>()),
      threadCount_(CountThreads(configuration_->gateway)),
      registry_(configuration_->gateway.maxConnections, configuration_->gateway.maxConnectionsPerClient),
      upstreamFailureLog_(UPSTREAM_FAILURE_LOG_INTERVAL),
      serverTls_(configuration_->gateway.sslEnabled ?
                 std::make_unique<ServerTls>(configuration_->gateway, logger, CERTIFICATE_CHECK_INTERVAL) : nullptr),
      temporaryFiles_(configuration_->gateway.responseTemporaryFilesLimit, &metrics_->temporaryFileBytes),
      accessLog_(configuration_->gateway.accessLog.empty() ? nullptr :
                 std::make_unique<AccessLog>(configuration_->gateway.accessLog, metrics_->accessLogLinesDropped, logger)),
      context_{configuration_,
               std::move(folders),
               logger,
               registry_,
               upstreamFailureLog_,
               folderAccess_,
               *metrics_,
               accessLog_.get(),
               serverTls_.get(),
               configuration_->upstream.sslEnabled ? CreateUpstreamTlsContext() : nullptr,
               std::chrono::seconds(configuration_->gateway.idleTimeoutSeconds),
               std::chrono::seconds(configuration_->gateway.requestHeaderTimeoutSeconds),
               std::chrono::seconds(configuration_->gateway.upstreamTimeoutSeconds),
               temporaryFiles_,
               ResponseSpoolLimits{configuration_->gateway.responseBufferSize,
                                   configuration_->gateway.responseTemporaryFileLimit,
                                   configuration_->gateway.responseTemporaryFolder}},
      loops_(CreateLoops(threadCount_)),
      listener_(std::make_shared<Listener>(*loops_.front(), [this]() -> boost::asio::io_context& { return PickLoop(); },
                                           context_, MakeBindEndpoint(configuration_->gateway)))
    {
    }

    ~Impl()
    {
      Stop();
    }

    void Start()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (state_ != State::Bound)
      {
        return;
      }
      state_ = State::Running;
      listener_->Start();
      if (serverTls_)
      {
        serverTls_->Start();
      }

      std::lock_guard<std::mutex> runningLock(runningMutex_);
      for (const std::unique_ptr<boost::asio::io_context>& loop : loops_)
      {
        // A loop without connections must wait for some, not return at once.
        keepRunning_.emplace_back(loop->get_executor());
        running_++;
        threads_.emplace_back([this, &loop = *loop] { RunWorker(loop); });
      }
    }

    void Stop()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (state_ == State::Stopped)
      {
        return;
      }
      const bool wasRunning = (state_ == State::Running);
      state_ = State::Stopped;
      const auto began = std::chrono::steady_clock::now();
      const std::size_t open = registry_.CountSessions();

      listener_->Close();
      registry_.CloseAll();
      if (serverTls_)
      {
        serverTls_->Stop();
      }

      if (wasRunning)
      {
        // Closed connections end their coroutines, and the loops run out of work;
        // a straggler is not waited for beyond the grace period.
        for (auto& guard : keepRunning_)
        {
          guard.reset();
        }
        std::unique_lock<std::mutex> runningLock(runningMutex_);
        if (!runningChanged_.wait_for(runningLock, GRACEFUL_STOP, [this] { return running_ == 0; }))
        {
          for (const std::unique_ptr<boost::asio::io_context>& loop : loops_)
          {
            loop->stop();
          }
        }
        runningLock.unlock();

        for (std::thread& thread : threads_)
        {
          thread.join();
        }
        threads_.clear();
        keepRunning_.clear();

        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - began);
        context_.logger.Info("Cors gateway: stopped in " + std::to_string(elapsed.count()) + " ms, closing " +
                             std::to_string(open) + " open connection(s)");
      }
    }

    uint16_t GetPort() const
    {
      return listener_->GetPort();
    }

    const CorsMetrics& GetMetrics() const
    {
      return *metrics_;
    }

    void FlushAccessLog()
    {
      if (accessLog_)
      {
        accessLog_->Flush();
      }
    }

  private:
    enum class State
    {
      Bound,
      Running,
      Stopped
    };

    using Loops = std::vector<std::unique_ptr<boost::asio::io_context>>;

    // One event loop per thread rather than one loop shared by all threads: a
    // connection stays on one thread, with no hand-off between threads and no
    // strand (measured with perf: the shared loop spent much of a preflight's time
    // waking other threads and in the strand's executor).
    static Loops CreateLoops(unsigned int count)
    {
      Loops loops;
      for (unsigned int i = 0; i < count; i++)
      {
        loops.push_back(std::make_unique<boost::asio::io_context>(1));
        // Asio gives a loop its reactor (an epoll, an eventfd, a timerfd) with the
        // first socket made on it: made here, at start, so that a connection handed
        // to a loop later never needs descriptors for that, which a process out of
        // descriptors would not have.
        const boost::asio::ip::tcp::socket firstSocket(*loops.back());
      }
      return loops;
    }

    // Called by the listener, on the first loop only: round robin.
    boost::asio::io_context& PickLoop()
    {
      boost::asio::io_context& loop = *loops_[nextLoop_];
      nextLoop_ = (nextLoop_ + 1) % loops_.size();
      return loop;
    }

    void RunWorker(boost::asio::io_context& loop)
    {
      for (;;)
      {
        try
        {
          loop.run();
          break;
        }
        catch (const std::exception& e)
        {
          // A handler that throws must not take Orthanc down: log and go on.
          context_.logger.Error(std::string("Cors gateway: unexpected error: ") + e.what());
        }
      }

      std::lock_guard<std::mutex> lock(runningMutex_);
      running_--;
      runningChanged_.notify_all();
    }

    // Declaration order is destruction order reversed: the event loops (and the
    // coroutines they may still hold) go before the context and the registry.
    std::shared_ptr<const Configuration> configuration_;
    std::shared_ptr<CorsMetrics> metrics_;
    const unsigned int threadCount_;
    ConnectionRegistry registry_;
    LogThrottle upstreamFailureLog_;
    std::unique_ptr<ServerTls> serverTls_;
    TemporaryFileBudget temporaryFiles_;
    std::unique_ptr<AccessLog> accessLog_;
    FolderAccessCache folderAccess_;
    GatewayContext context_;
    Loops loops_;
    std::size_t nextLoop_ = 0;
    std::shared_ptr<Listener> listener_;

    std::mutex mutex_;   // Start() and Stop()
    State state_ = State::Bound;
    std::vector<std::thread> threads_;
    std::vector<std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>> keepRunning_;

    std::mutex runningMutex_;
    std::condition_variable runningChanged_;
    std::size_t running_ = 0;
  };


  Gateway::Gateway(std::shared_ptr<const Configuration> configuration,
                   std::shared_ptr<const FolderServer> folders,
                   ILogger& logger,
                   std::shared_ptr<CorsMetrics> metrics) :
    impl_(std::make_unique<Impl>(std::move(configuration), std::move(folders), logger, std::move(metrics)))
  {
  }


  Gateway::~Gateway() = default;


  void Gateway::Start()
  {
    impl_->Start();
  }


  void Gateway::Stop()
  {
    impl_->Stop();
  }


  uint16_t Gateway::GetPort() const
  {
    return impl_->GetPort();
  }


  const CorsMetrics& Gateway::GetMetrics() const
  {
    return impl_->GetMetrics();
  }


  void Gateway::FlushAccessLog()
  {
    impl_->FlushAccessLog();
  }
}
