// SPDX-License-Identifier: AGPL-3.0-or-later

#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace OrthancCors::Testing
{
  // A blocking loopback TCP socket whose every wait is bounded (poll), so that a
  // test that goes wrong fails instead of hanging. Plain POSIX on purpose: the
  // code under test is Asio, the tests drive it from outside.
  class TestSocket
  {
  public:
    static constexpr std::chrono::milliseconds DEFAULT_TIMEOUT{15000};

    TestSocket() = default;
    explicit TestSocket(int descriptor) : descriptor_(descriptor) {}
    TestSocket(TestSocket&& other) noexcept;
    TestSocket& operator=(TestSocket&& other) noexcept;
    TestSocket(const TestSocket&) = delete;
    TestSocket& operator=(const TestSocket&) = delete;
    ~TestSocket();

    static TestSocket Connect(uint16_t port);

    // Listens on 127.0.0.1 on a port chosen by the system.
    static TestSocket Listen(uint16_t& port);

    // Waits for a connection; an invalid socket on timeout or when closed.
    TestSocket Accept(std::chrono::milliseconds timeout = DEFAULT_TIMEOUT);

    bool IsValid() const { return descriptor_ >= 0; }
    int GetDescriptor() const { return descriptor_; }

    // False when the peer is gone.
    bool SendAll(std::string_view data);

    // Some bytes (appended to `received`); 0 on end of stream, -1 on timeout or error.
    long Receive(std::string& received, std::chrono::milliseconds timeout = DEFAULT_TIMEOUT);

    // True when the peer closes (or resets) the connection within the timeout;
    // received bytes are discarded.
    bool WaitForClose(std::chrono::milliseconds timeout = DEFAULT_TIMEOUT);

    void ShutdownWrite();

    // Wakes any thread blocked on the socket, then closes it.
    void Close();

    // For shutting down from another thread: stops both directions, keeps the descriptor.
    void Interrupt();

  private:
    int descriptor_ = -1;
  };

  // A reserved port on which nothing listens (bound, then released).
  uint16_t FindUnusedPort();
}
