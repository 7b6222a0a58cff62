// SPDX-License-Identifier: AGPL-3.0-or-later

#include "TestSocket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <utility>

namespace OrthancCors::Testing
{
  namespace
  {
    sockaddr_in Loopback(uint16_t port)
    {
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(port);
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      return address;
    }

    bool WaitReadable(int descriptor, std::chrono::milliseconds timeout)
    {
      pollfd entry{descriptor, POLLIN, 0};
      int result;
      do
      {
        result = ::poll(&entry, 1, static_cast<int>(timeout.count()));
      } while (result < 0 && errno == EINTR);
      return result > 0;
    }
  }


  TestSocket::TestSocket(TestSocket&& other) noexcept :
    descriptor_(std::exchange(other.descriptor_, -1))
  {
  }


  TestSocket& TestSocket::operator=(TestSocket&& other) noexcept
  {
    if (this != &other)
    {
      Close();
      descriptor_ = std::exchange(other.descriptor_, -1);
    }
    return *this;
  }


  TestSocket::~TestSocket()
  {
    Close();
  }


  TestSocket TestSocket::Connect(uint16_t port)
  {
    TestSocket socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const sockaddr_in address = Loopback(port);
    if (::connect(socket.descriptor_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0)
    {
      throw std::runtime_error("cannot connect to port " + std::to_string(port));
    }
    int one = 1;
    ::setsockopt(socket.descriptor_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return socket;
  }


  TestSocket TestSocket::Listen(uint16_t& port)
  {
    TestSocket socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address = Loopback(0);
    socklen_t length = sizeof(address);
    if (::bind(socket.descriptor_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(socket.descriptor_, 64) != 0 ||
        ::getsockname(socket.descriptor_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    {
      throw std::runtime_error("cannot listen on loopback");
    }
    port = ntohs(address.sin_port);
    return socket;
  }


  TestSocket TestSocket::Accept(std::chrono::milliseconds timeout)
  {
    if (descriptor_ < 0 || !WaitReadable(descriptor_, timeout))
    {
      return TestSocket();
    }
    const int accepted = ::accept4(descriptor_, nullptr, nullptr, SOCK_CLOEXEC);
    if (accepted >= 0)
    {
      int one = 1;
      ::setsockopt(accepted, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    return TestSocket(accepted);
  }


  bool TestSocket::SendAll(std::string_view data)
  {
    while (!data.empty())
    {
      const ssize_t sent = ::send(descriptor_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR)
      {
        continue;
      }
      if (sent <= 0)
      {
        return false;
      }
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }


  long TestSocket::Receive(std::string& received, std::chrono::milliseconds timeout)
  {
    if (descriptor_ < 0 || !WaitReadable(descriptor_, timeout))
    {
      return -1;
    }
    char buffer[65536];
    ssize_t count;
    do
    {
      count = ::recv(descriptor_, buffer, sizeof(buffer), 0);
    } while (count < 0 && errno == EINTR);
    if (count < 0)
    {
      return errno == ECONNRESET ? 0 : -1;
    }
    received.append(buffer, static_cast<std::size_t>(count));
    return count;
  }


  bool TestSocket::WaitForClose(std::chrono::milliseconds timeout)
  {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;)
    {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
      {
        return false;
      }
      std::string ignored;
      const long count = Receive(ignored, left);
      if (count == 0)
      {
        return true;
      }
      if (count < 0)
      {
        return false;
      }
    }
  }


  void TestSocket::ShutdownWrite()
  {
    if (descriptor_ >= 0)
    {
      ::shutdown(descriptor_, SHUT_WR);
    }
  }


  void TestSocket::Interrupt()
  {
    if (descriptor_ >= 0)
    {
      ::shutdown(descriptor_, SHUT_RDWR);
    }
  }


  void TestSocket::Close()
  {
    if (descriptor_ >= 0)
    {
      ::shutdown(descriptor_, SHUT_RDWR);
      ::close(descriptor_);
      descriptor_ = -1;
    }
  }


  uint16_t FindUnusedPort()
  {
    uint16_t port = 0;
    TestSocket::Listen(port);   // closed at once: nothing listens there afterwards
    return port;
  }
}
