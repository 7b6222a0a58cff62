// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include "HttpTestMessages.h"
#include "TestSocket.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace OrthancCors::Testing
{
  // A stand-in for Orthanc's HTTP server on 127.0.0.1: one thread per connection
  // reads each request whole (bodies are counted and checked, not stored beyond
  // a prefix) and lets the test's handler answer — or misbehave.
  class FakeUpstream
  {
  public:
    struct Exchange
    {
      ReceivedMessage request;
      std::size_t connectionIndex = 0;   // 0 for the first connection accepted
      std::size_t requestIndex = 0;      // 0 for the first request on this connection
      TestSocket& socket;
      bool closeAfter = false;           // set by the handler: close the connection afterwards
      const std::atomic<bool>& stopping;

      // A complete answer with Content-Length; `headers` are raw "Name: value\r\n" lines.
      void Respond(int status, const std::string& headers = "", const std::string& body = "");
      void Send(const std::string& raw);

      // Blocks until the gateway closes the connection or the test ends.
      void Stall();
    };

    using Handler = std::function<void(Exchange&)>;

    // Answers 200 with a small body, keep-alive.
    static void AnswerOk(Exchange& exchange);

    explicit FakeUpstream(Handler handler = AnswerOk);
    ~FakeUpstream();

    FakeUpstream(const FakeUpstream&) = delete;
    FakeUpstream& operator=(const FakeUpstream&) = delete;

    uint16_t GetPort() const { return port_; }
    std::size_t CountConnections() const { return connections_.load(); }

    // Connections the fake closed itself (closeAfter), once closed.
    std::size_t CountClosedByUpstream() const { return closedByUpstream_.load(); }

    // Waits (bounded) until CountClosedByUpstream() reaches `count`.
    bool WaitClosedByUpstream(std::size_t count) const;
    std::vector<ReceivedMessage> GetRequests() const;

  private:
    void AcceptLoop();
    void Serve(std::shared_ptr<TestSocket> socket, std::size_t index);

    Handler handler_;
    uint16_t port_ = 0;
    TestSocket listener_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> connections_{0};
    std::atomic<std::size_t> closedByUpstream_{0};

    mutable std::mutex mutex_;
    std::vector<ReceivedMessage> requests_;
    std::vector<std::shared_ptr<TestSocket>> sockets_;
    std::vector<std::thread> threads_;
    std::thread acceptor_;
  };
}
