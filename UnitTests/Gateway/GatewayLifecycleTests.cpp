// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FakeUpstream.h"
#include "TestGateway.h"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <optional>
#include <thread>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  const std::string SIMPLE_GET = "GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\n\r\n";
}


TEST(GatewayLifecycle, PortInUseIsAStartUpErrorNamingTheKey)
{
  uint16_t port = 0;
  TestSocket occupant = TestSocket::Listen(port);
  auto configuration = MakeTestConfiguration(FindUnusedPort());
  configuration->gateway.port = port;
  EXPECT_EQ("Cors.Gateway.Port: port " + std::to_string(port) + " is already in use",
            ExpectConstructionError(configuration));
}


TEST(GatewayLifecycle, BindAddressNotOfThisHostIsAStartUpErrorNamingTheKey)
{
  auto configuration = MakeTestConfiguration(FindUnusedPort());
  configuration->gateway.bindAddress = "192.0.2.1";   // TEST-NET-1: on no interface
  configuration->upstream.remoteAccessAllowed = true;
  EXPECT_EQ(0u, ExpectConstructionError(configuration).find("Cors.Gateway.BindAddress: "));
}


TEST(GatewayLifecycle, NothingIsAcceptedBeforeStart)
{
  RecordingLogger logger;
  Gateway gateway(MakeTestConfiguration(FindUnusedPort()), nullptr, logger);
  TestSocket client = TestSocket::Connect(gateway.GetPort());   // queued by the kernel
  ASSERT_TRUE(client.SendAll(SIMPLE_GET));
  std::string received;
  EXPECT_EQ(-1, client.Receive(received, std::chrono::milliseconds(300)));
  gateway.Stop();
}


TEST(GatewayLifecycle, ConnectionBeyondMaxConnectionsGets503WithRetryAfterAndIsClosed)
{
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.maxConnections = 2;
  RunningGateway gateway(configuration);

  // Two connections, known to be accepted because they were answered.
  std::vector<TestSocket> clients;
  for (int i = 0; i < 2; i++)
  {
    clients.push_back(TestSocket::Connect(gateway.GetPort()));
    ASSERT_TRUE(clients.back().SendAll(SIMPLE_GET));
    std::string pending;
    ASSERT_EQ(200u, ReadResponse(clients.back(), pending).status);
  }

  TestSocket extra = TestSocket::Connect(gateway.GetPort());
  extra.SendAll(SIMPLE_GET);
  std::string pending;
  const ReceivedMessage refused = ReadResponse(extra, pending);
  ASSERT_TRUE(refused.complete) << refused.error;
  EXPECT_EQ(503u, refused.status);
  EXPECT_EQ("close", refused.Get("Connection"));
  EXPECT_EQ("1", refused.Get("Retry-After"));
  EXPECT_TRUE(extra.WaitForClose());

  // A place freed is a place offered again.
  clients.pop_back();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  unsigned int status = 0;
  while (status != 200 && std::chrono::steady_clock::now() < deadline)
  {
    TestSocket again = TestSocket::Connect(gateway.GetPort());
    again.SendAll(SIMPLE_GET);
    std::string againPending;
    status = ReadResponse(again, againPending).status;
  }
  EXPECT_EQ(200u, status);
}


TEST(GatewayLifecycle, IdleConnectionIsClosedAfterIdleTimeout)
{
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.idleTimeoutSeconds = 1;
  configuration->gateway.requestHeaderTimeoutSeconds = 1;   // at most IdleTimeout, as the configuration keeps it
  RunningGateway gateway(configuration);

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll(SIMPLE_GET));
  std::string pending;
  ASSERT_EQ(200u, ReadResponse(client, pending).status);
  EXPECT_TRUE(client.WaitForClose(std::chrono::seconds(10)));
}


TEST(GatewayLifecycle, TricklingClientIsNotCutWhileEachPieceComesWithinIdleTimeout)
{
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.idleTimeoutSeconds = 1;
  configuration->gateway.requestHeaderTimeoutSeconds = 1;   // at most IdleTimeout, as the configuration keeps it
  configuration->gateway.requestBodyBufferSize = 0;   // a streamed body, as a large upload is
  RunningGateway gateway(configuration);

  // 6 pieces, 0.4 s apart: 2.4 s in all, more than IdleTimeout, never idle that long.
  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("PUT /dicom-web/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 6\r\n\r\n"));
  for (int i = 0; i < 6; i++)
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    ASSERT_TRUE(client.SendAll("x"));
  }
  std::string pending;
  EXPECT_EQ(200u, ReadResponse(client, pending).status);
  ASSERT_EQ(1u, upstream.GetRequests().size());
  EXPECT_EQ("xxxxxx", upstream.GetRequests()[0].body);
}


TEST(GatewayLifecycle, SilentNewConnectionIsClosedAfterRequestHeaderTimeoutNotIdleTimeout)
{
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.idleTimeoutSeconds = 60;
  configuration->gateway.requestHeaderTimeoutSeconds = 1;
  RunningGateway gateway(configuration);

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  // Well before IdleTimeout (60 s): the deadline of a first request is 1 s.
  EXPECT_TRUE(client.WaitForClose(std::chrono::seconds(5)));
}


TEST(GatewayLifecycle, KeepAliveConnectionWaitsIdleTimeoutBetweenRequests)
{
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.idleTimeoutSeconds = 30;
  configuration->gateway.requestHeaderTimeoutSeconds = 1;
  RunningGateway gateway(configuration);

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::string pending;
  ASSERT_TRUE(client.SendAll(SIMPLE_GET));
  ASSERT_EQ(200u, ReadResponse(client, pending).status);
  // Twice RequestHeaderTimeout idle: still open, and serves the next request.
  EXPECT_FALSE(client.WaitForClose(std::chrono::seconds(2)));
  ASSERT_TRUE(client.SendAll(SIMPLE_GET));
  EXPECT_EQ(200u, ReadResponse(client, pending).status);
}


TEST(GatewayLifecycle, HeaderBegunOnAKeepAliveConnectionMustCompleteWithinRequestHeaderTimeout)
{
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.idleTimeoutSeconds = 30;
  configuration->gateway.requestHeaderTimeoutSeconds = 1;
  RunningGateway gateway(configuration);

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  std::string pending;
  ASSERT_TRUE(client.SendAll(SIMPLE_GET));
  ASSERT_EQ(200u, ReadResponse(client, pending).status);
  ASSERT_TRUE(client.SendAll("GET /dicom-web/studies HTTP/1.1\r\n"));
  EXPECT_TRUE(client.WaitForClose(std::chrono::seconds(5)));
  EXPECT_EQ(1u, upstream.GetRequests().size());
}


TEST(GatewayLifecycle, HeaderTrickledPastIdleTimeoutIsCut)
{
  FakeUpstream upstream;
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->gateway.idleTimeoutSeconds = 1;
  configuration->gateway.requestHeaderTimeoutSeconds = 1;   // at most IdleTimeout, as the configuration keeps it
  RunningGateway gateway(configuration);

  // Each piece comes well within IdleTimeout, the whole header does not.
  TestSocket client = TestSocket::Connect(gateway.GetPort());
  const std::string header = "GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nX-Slow: abcdefgh\r\n\r\n";
  for (std::size_t i = 0; i < header.size(); i += 8)
  {
    if (!client.SendAll(header.substr(i, 8)))
    {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(client.WaitForClose(std::chrono::seconds(10)));
  EXPECT_EQ(0u, upstream.GetRequests().size());
}


TEST(GatewayLifecycle, StopEndsOpenConnectionsAndTransfersInFlight)
{
  FakeUpstream upstream([](FakeUpstream::Exchange& exchange)
  {
    if (exchange.request.target == "/dicom-web/stream")
    {
      // A retrieve in progress: part of a large body, then nothing.
      exchange.Send("HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n");
      SendPattern(exchange.socket, 100000);
      exchange.Stall();
    }
    else
    {
      FakeUpstream::AnswerOk(exchange);
    }
  });
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  std::vector<TestSocket> idle;
  for (int i = 0; i < 5; i++)
  {
    idle.push_back(TestSocket::Connect(gateway.GetPort()));
    ASSERT_TRUE(idle.back().SendAll(SIMPLE_GET));
    std::string pending;
    ASSERT_EQ(200u, ReadResponse(idle.back(), pending).status);
  }
  TestSocket transfer = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(transfer.SendAll("GET /dicom-web/stream HTTP/1.1\r\nHost: gw\r\n\r\n"));
  std::string received;
  ASSERT_GT(transfer.Receive(received), 0);   // the transfer has started
  TestSocket silent = TestSocket::Connect(gateway.GetPort());   // sent nothing yet

  const auto start = std::chrono::steady_clock::now();
  gateway.Get().Stop();
  const auto elapsed = std::chrono::steady_clock::now() - start;

  // A bound for "Stop() returns", as Orthanc's shutdown needs (not a speed test).
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  for (TestSocket& client : idle)
  {
    EXPECT_TRUE(client.WaitForClose(std::chrono::seconds(1)));
  }
  EXPECT_TRUE(transfer.WaitForClose(std::chrono::seconds(1)));
  EXPECT_TRUE(silent.WaitForClose(std::chrono::seconds(1)));
}


TEST(GatewayLifecycle, StopIsIdempotentAndWorksWithoutStart)
{
  RecordingLogger logger;
  Gateway neverStarted(MakeTestConfiguration(FindUnusedPort()), nullptr, logger);
  neverStarted.Stop();
  neverStarted.Stop();

  RunningGateway started(MakeTestConfiguration(FindUnusedPort()));
  started.Get().Stop();
  started.Get().Stop();
}


TEST(GatewayLifecycle, AcceptFailingForLackOfDescriptorsIsLoggedAndAcceptingResumes)
{
#if defined(__SANITIZE_ADDRESS__)
  // The sanitizers' runtime needs descriptors of its own (UBSan's vptr check opens
  // a pipe): with none left it reports false errors. The plain build runs this test.
  GTEST_SKIP() << "needs a process without free descriptors, which the sanitizers cannot work in";
#endif
  FakeUpstream upstream;
  RunningGateway gateway(MakeTestConfiguration(upstream.GetPort()));

  rlimit original{};
  ASSERT_EQ(0, ::getrlimit(RLIMIT_NOFILE, &original));

  // Leaves this process exactly one free descriptor, which the client's socket
  // takes, so that the gateway's accept fails with EMFILE.
  const auto exhaustDescriptorsButOne = [&original]()
  {
    int highest = ::dup(0);
    ::close(highest);
    for (int descriptor = highest + 1; descriptor < highest + 64; descriptor++)
    {
      if (::fcntl(descriptor, F_GETFD) != -1)
      {
        highest = descriptor;
      }
    }
    rlimit reduced = original;
    reduced.rlim_cur = static_cast<rlim_t>(highest + 2);
    EXPECT_EQ(0, ::setrlimit(RLIMIT_NOFILE, &reduced));
    std::vector<int> fillers;
    for (int filler; (filler = ::dup(0)) >= 0; )
    {
      fillers.push_back(filler);
    }
    EXPECT_FALSE(fillers.empty());
    if (!fillers.empty())
    {
      ::close(fillers.back());
      fillers.pop_back();
    }
    return fillers;
  };

  // The descriptors open in this process, the listing's own included.
  const auto countOpenDescriptors = []()
  {
    const std::filesystem::directory_iterator listing("/proc/self/fd");
    return std::distance(std::filesystem::begin(listing), std::filesystem::end(listing));
  };
  const auto settled = countOpenDescriptors();

  // Another thread of this process (the gateway's, the fake upstream's) may close
  // a descriptor it opened while the others were being taken: the accept then
  // succeeds, and that attempt proves nothing (seen once in a CI run under load).
  // So each attempt starts once the count is back where it was, and the attempts
  // are bounded; the expectations below hold for the last one.
  bool logged = false;
  std::optional<TestSocket> client;
  for (int attempt = 0; attempt < 3 && !logged; attempt++)
  {
    client.reset();   // and the gateway closes its side of a connection it could accept
    const auto settleDeadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (countOpenDescriptors() != settled && std::chrono::steady_clock::now() < settleDeadline)
    {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::vector<int> fillers = exhaustDescriptorsButOne();
    client.emplace(TestSocket::Connect(gateway.GetPort()));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!gateway.GetLogger().Contains("warning", "cannot accept") && std::chrono::steady_clock::now() < deadline)
    {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    logged = gateway.GetLogger().Contains("warning", "cannot accept");

    for (int filler : fillers)
    {
      ::close(filler);
    }
    ASSERT_EQ(0, ::setrlimit(RLIMIT_NOFILE, &original));
  }

  EXPECT_TRUE(logged);
  ASSERT_TRUE(client->SendAll(SIMPLE_GET));
  std::string pending;
  EXPECT_EQ(200u, ReadResponse(*client, pending).status);
}
