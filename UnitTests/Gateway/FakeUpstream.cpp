// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FakeUpstream.h"

namespace OrthancCors::Testing
{
  void FakeUpstream::Exchange::Respond(int status, const std::string& headers, const std::string& body)
  {
    Send("HTTP/1.1 " + std::to_string(status) + " Status\r\n" + headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  }


  void FakeUpstream::Exchange::Send(const std::string& raw)
  {
    socket.SendAll(raw);
  }


  void FakeUpstream::Exchange::Stall()
  {
    while (!stopping.load())
    {
      if (socket.WaitForClose(std::chrono::milliseconds(50)))
      {
        break;
      }
    }
    closeAfter = true;
  }


  void FakeUpstream::AnswerOk(Exchange& exchange)
  {
    exchange.Respond(200, "Content-Type: text/plain\r\n", "upstream says hello");
  }


  FakeUpstream::FakeUpstream(Handler handler) :
    handler_(std::move(handler)),
    listener_(TestSocket::Listen(port_))
  {
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }


  FakeUpstream::~FakeUpstream()
  {
    stopping_ = true;
    acceptor_.join();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& socket : sockets_)
      {
        socket->Interrupt();
      }
    }
    for (std::thread& thread : threads_)
    {
      thread.join();
    }
  }


  bool FakeUpstream::WaitClosedByUpstream(std::size_t count) const
  {
    const auto deadline = std::chrono::steady_clock::now() + TestSocket::DEFAULT_TIMEOUT;
    while (closedByUpstream_.load() < count)
    {
      if (std::chrono::steady_clock::now() > deadline)
      {
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }


  std::vector<ReceivedMessage> FakeUpstream::GetRequests() const
  {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }


  void FakeUpstream::AcceptLoop()
  {
    while (!stopping_.load())
    {
      TestSocket accepted = listener_.Accept(std::chrono::milliseconds(50));
      if (!accepted.IsValid())
      {
        continue;
      }
      auto socket = std::make_shared<TestSocket>(std::move(accepted));
      const std::size_t index = connections_++;
      std::lock_guard<std::mutex> lock(mutex_);
      sockets_.push_back(socket);
      threads_.emplace_back([this, socket, index] { Serve(socket, index); });
    }
  }


  void FakeUpstream::Serve(std::shared_ptr<TestSocket> socket, std::size_t index)
  {
    std::string pending;
    for (std::size_t requestIndex = 0; !stopping_.load(); requestIndex++)
    {
      ReadOptions options;
      options.timeout = std::chrono::milliseconds(30000);
      ReceivedMessage request = ReadRequest(*socket, pending, options);
      if (!request.complete)
      {
        return;
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(request);
      }

      Exchange exchange{std::move(request), index, requestIndex, *socket, false, stopping_};
      handler_(exchange);
      if (exchange.closeAfter)
      {
        socket->Interrupt();
        closedByUpstream_++;
        return;
      }
    }
  }
}
