// SPDX-License-Identifier: AGPL-3.0-or-later

#include "FakeUpstream.h"
#include "TestGateway.h"
#include "TestTls.h"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

using namespace OrthancCors;
using namespace OrthancCors::Testing;

namespace
{
  class GatewayTls : public ::testing::Test
  {
  protected:
    void SetUp() override
    {
      WriteSelfSignedCertificate(folder_.Path("cert.pem"), folder_.Path("key.pem"));
    }

    std::shared_ptr<Configuration> MakeTlsConfiguration(uint16_t upstreamPort)
    {
      auto configuration = MakeTestConfiguration(upstreamPort);
      configuration->gateway.sslEnabled = true;
      configuration->gateway.sslCertificate = folder_.Path("cert.pem");
      configuration->gateway.sslPrivateKey = folder_.Path("key.pem");
      return configuration;
    }

    TemporaryFolder folder_;
  };
}


TEST_F(GatewayTls, RelaysOverTls12AndTellsOrthancTheSchemeIsHttps)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTlsConfiguration(upstream.GetPort()));

  TlsTestClient client(gateway.GetPort(), TLS1_2_VERSION);
  ASSERT_TRUE(client.Handshake());
  ASSERT_TRUE(client.SendAll("GET /dicom-web/studies HTTP/1.1\r\nHost: gw.example:8043\r\nConnection: close\r\n\r\n"));
  const std::string answer = client.ReadUntilClosed();
  EXPECT_EQ(0u, answer.find("HTTP/1.1 200"));
  EXPECT_NE(std::string::npos, answer.find("upstream says hello"));

  const auto requests = upstream.GetRequests();
  ASSERT_EQ(1u, requests.size());
  EXPECT_EQ("for=127.0.0.1;host=gw.example:8043;proto=https", requests[0].Get("Forwarded"));
  EXPECT_EQ("https", requests[0].Get("X-Forwarded-Proto"));
}


TEST_F(GatewayTls, ClientOfferingOnlyTls11IsRefused)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTlsConfiguration(upstream.GetPort()));

  TlsTestClient client(gateway.GetPort(), TLS1_1_VERSION);
  EXPECT_FALSE(client.Handshake());
  EXPECT_EQ(0u, upstream.CountConnections());
}


namespace
{
  // A TLS 1.2 handshake offering `ciphers` only; the suite agreed on, "" when refused.
  std::string NegotiateTls12Cipher(uint16_t port, const std::string& ciphers)
  {
    TlsTestClient client(port, TLS1_2_VERSION);
    SSL_set_cipher_list(client.Native(), ciphers.c_str());
    if (!client.Handshake())
    {
      return "";
    }
    return SSL_CIPHER_get_name(SSL_get_current_cipher(client.Native()));
  }

  // The protocol ALPN agreed on ("" when none), or "refused" when the handshake failed.
  std::string NegotiateAlpn(uint16_t port, const std::vector<unsigned char>& offer)
  {
    TlsTestClient client(port);
    if (!offer.empty())
    {
      SSL_set_alpn_protos(client.Native(), offer.data(), static_cast<unsigned int>(offer.size()));
    }
    if (!client.Handshake())
    {
      return "refused";
    }
    const unsigned char* selected = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(client.Native(), &selected, &length);
    return std::string(reinterpret_cast<const char*>(selected), length);
  }
}


TEST_F(GatewayTls, Tls12AcceptsOnlyEcdheKeyExchangeWithAeadSuites)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTlsConfiguration(upstream.GetPort()));   // an RSA certificate

  EXPECT_EQ("ECDHE-RSA-AES128-GCM-SHA256", NegotiateTls12Cipher(gateway.GetPort(), "ECDHE-RSA-AES128-GCM-SHA256"));
  EXPECT_EQ("ECDHE-RSA-AES256-GCM-SHA384", NegotiateTls12Cipher(gateway.GetPort(), "ECDHE-RSA-AES256-GCM-SHA384"));
  EXPECT_EQ("ECDHE-RSA-CHACHA20-POLY1305", NegotiateTls12Cipher(gateway.GetPort(), "ECDHE-RSA-CHACHA20-POLY1305"));

  // What the gateway accepted before this profile (measured with openssl s_client):
  // static RSA key exchange, CBC, finite-field DHE.
  for (const char* weak : { "AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384",
                            "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-CHACHA20-POLY1305" })
  {
    EXPECT_EQ("", NegotiateTls12Cipher(gateway.GetPort(), weak)) << weak;
  }
}


TEST_F(GatewayTls, ServerOrderOfSuitesWinsOverTheClients)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTlsConfiguration(upstream.GetPort()));
  // The client prefers ChaCha20; the gateway's list puts AES-GCM first.
  EXPECT_EQ("ECDHE-RSA-AES128-GCM-SHA256",
            NegotiateTls12Cipher(gateway.GetPort(), "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256"));
}


TEST_F(GatewayTls, ConfiguredSuitesReplaceTheDefaults)
{
  FakeUpstream upstream;
  auto configuration = MakeTlsConfiguration(upstream.GetPort());
  configuration->gateway.sslCiphers = { "ECDHE-RSA-CHACHA20-POLY1305" };
  RunningGateway gateway(configuration);
  EXPECT_EQ("", NegotiateTls12Cipher(gateway.GetPort(), "ECDHE-RSA-AES128-GCM-SHA256"));
  EXPECT_EQ("ECDHE-RSA-CHACHA20-POLY1305",
            NegotiateTls12Cipher(gateway.GetPort(), "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305"));
}


TEST_F(GatewayTls, MinimumVersionTls13RefusesTls12)
{
  FakeUpstream upstream;
  auto configuration = MakeTlsConfiguration(upstream.GetPort());
  configuration->gateway.sslMinimumProtocolVersion = TlsVersion::Tls13;
  RunningGateway gateway(configuration);

  TlsTestClient tls12(gateway.GetPort(), TLS1_2_VERSION);
  EXPECT_FALSE(tls12.Handshake());
  TlsTestClient tls13(gateway.GetPort());
  ASSERT_TRUE(tls13.Handshake());
  EXPECT_EQ(TLS1_3_VERSION, SSL_version(tls13.Native()));
}


TEST_F(GatewayTls, AlpnSelectsHttp11AndRefusesAnOfferWithoutIt)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTlsConfiguration(upstream.GetPort()));

  const std::vector<unsigned char> h2AndHttp11 = { 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };
  const std::vector<unsigned char> h2Only = { 2, 'h', '2' };
  EXPECT_EQ("http/1.1", NegotiateAlpn(gateway.GetPort(), h2AndHttp11));
  EXPECT_EQ("", NegotiateAlpn(gateway.GetPort(), {}));           // no ALPN offered: still served
  EXPECT_EQ("refused", NegotiateAlpn(gateway.GetPort(), h2Only));   // RFC 7301: no_application_protocol
}


TEST_F(GatewayTls, WeakCipherSuitesCannotBeConfigured)
{
  // Static RSA, CBC, finite-field DHE, anonymous: known to OpenSSL, refused by the gateway.
  // (3DES and RC4 are not even built into Debian's OpenSSL 3: "not a suite it knows".)
  for (const char* weak : { "AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384",
                            "DHE-RSA-AES128-GCM-SHA256", "ADH-AES128-GCM-SHA256", "ECDHE-PSK-CHACHA20-POLY1305" })
  {
    auto configuration = MakeTlsConfiguration(FindUnusedPort());
    configuration->gateway.sslCiphers = { "ECDHE-RSA-AES128-GCM-SHA256", weak };
    const std::string error = ExpectConstructionError(configuration);
    EXPECT_EQ(0u, error.find("Cors.Gateway.SslCiphers[1]: ")) << error;
    EXPECT_NE(std::string::npos, error.find("weak suite")) << error;
  }
}


TEST_F(GatewayTls, UnknownCipherSuiteIsAStartUpErrorNamingTheEntry)
{
  for (const char* unknown : { "ECDHE-RSA-AES128-GCM-SHA999", "TLS_AES_128_GCM_SHA256", "HIGH" })
  {
    auto configuration = MakeTlsConfiguration(FindUnusedPort());
    configuration->gateway.sslCiphers = { "ECDHE-RSA-AES128-GCM-SHA256", unknown };
    const std::string error = ExpectConstructionError(configuration);
    EXPECT_EQ(0u, error.find("Cors.Gateway.SslCiphers[1]: ")) << error;
    EXPECT_NE(std::string::npos, error.find(unknown)) << error;
  }
}


TEST_F(GatewayTls, PlainHttpRequestIsAnsweredWithAReadable400ThenClosed)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTlsConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll("GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\n\r\n"));
  std::string pending;
  const ReceivedMessage response = ReadResponse(client, pending);
  ASSERT_TRUE(response.complete) << response.error;   // before: closed without a byte
  EXPECT_EQ(400u, response.status);
  EXPECT_NE(std::string::npos, response.body.find("The plain HTTP request was sent to HTTPS port"));
  EXPECT_EQ("close", response.Get("Connection"));
  EXPECT_TRUE(client.WaitForClose());
  EXPECT_EQ(0u, upstream.GetRequests().size());

  // TLS clients are still served on that port.
  TlsTestClient tls(gateway.GetPort());
  ASSERT_TRUE(tls.Handshake());
  ASSERT_TRUE(tls.SendAll("GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(0u, tls.ReadUntilClosed().find("HTTP/1.1 200"));
}


TEST_F(GatewayTls, BytesThatAreNeitherTlsNorHttpAreClosedSilently)
{
  FakeUpstream upstream;
  RunningGateway gateway(MakeTlsConfiguration(upstream.GetPort()));

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll(std::string("\x01\x02\x03garbage", 10)));
  std::string received;
  while (client.Receive(received) > 0)
  {
  }
  EXPECT_EQ("", received);
}


// The configuration makes the key file default to the certificate file
// (UnitTests/Configuration/GatewayTests.cpp); the gateway loads both from it.
TEST_F(GatewayTls, CertificateAndPrivateKeyInOneFile)
{
  std::ofstream combined(folder_.Path("both.pem"));
  combined << std::ifstream(folder_.Path("cert.pem")).rdbuf() << std::ifstream(folder_.Path("key.pem")).rdbuf();
  combined.close();

  FakeUpstream upstream;
  auto configuration = MakeTlsConfiguration(upstream.GetPort());
  configuration->gateway.sslCertificate = folder_.Path("both.pem");
  configuration->gateway.sslPrivateKey = folder_.Path("both.pem");
  RunningGateway gateway(configuration);

  TlsTestClient client(gateway.GetPort());
  EXPECT_TRUE(client.Handshake());
}


TEST_F(GatewayTls, MismatchedKeyIsAStartUpErrorNamingTheKey)
{
  WriteSelfSignedCertificate(folder_.Path("other-cert.pem"), folder_.Path("other-key.pem"));
  auto configuration = MakeTlsConfiguration(FindUnusedPort());
  configuration->gateway.sslPrivateKey = folder_.Path("other-key.pem");
  const std::string error = ExpectConstructionError(configuration);
  EXPECT_EQ(0u, error.find("Cors.Gateway.SslPrivateKey: ")) << error;
  EXPECT_NE(std::string::npos, error.find("does not match")) << error;
}


TEST_F(GatewayTls, UnreadableCertificateIsAStartUpErrorNamingTheKey)
{
  auto configuration = MakeTlsConfiguration(FindUnusedPort());
  configuration->gateway.sslCertificate = folder_.Path("missing.pem");
  const std::string error = ExpectConstructionError(configuration);
  EXPECT_EQ(0u, error.find("Cors.Gateway.SslCertificate: ")) << error;
}


TEST_F(GatewayTls, FileWithoutPemCertificateIsAStartUpErrorNamingTheKey)
{
  std::ofstream(folder_.Path("junk.pem")) << "not a certificate\n";
  auto configuration = MakeTlsConfiguration(FindUnusedPort());
  configuration->gateway.sslCertificate = folder_.Path("junk.pem");
  const std::string error = ExpectConstructionError(configuration);
  EXPECT_EQ(0u, error.find("Cors.Gateway.SslCertificate: ")) << error;
}


TEST_F(GatewayTls, FileWithoutPemKeyIsAStartUpErrorNamingTheKey)
{
  auto configuration = MakeTlsConfiguration(FindUnusedPort());
  configuration->gateway.sslPrivateKey = folder_.Path("cert.pem");   // a certificate, no key
  const std::string error = ExpectConstructionError(configuration);
  EXPECT_EQ(0u, error.find("Cors.Gateway.SslPrivateKey: ")) << error;
}


namespace
{
  // Orthanc with SslEnabled, reduced to what the relay needs: TLS, one request
  // header read at a time, a fixed answer. Records the request headers received.
  class TlsUpstream
  {
  public:
    TlsUpstream(const std::string& certificate, const std::string& key) :
      listener_(TestSocket::Listen(port_))
    {
      context_ = SSL_CTX_new(TLS_server_method());
      SSL_CTX_use_certificate_chain_file(context_, certificate.c_str());
      SSL_CTX_use_PrivateKey_file(context_, key.c_str(), SSL_FILETYPE_PEM);
      thread_ = std::thread([this] { Serve(); });
    }

    ~TlsUpstream()
    {
      stopping_ = true;
      thread_.join();
      SSL_CTX_free(context_);
    }

    uint16_t GetPort() const { return port_; }

    std::string GetReceived()
    {
      std::lock_guard<std::mutex> lock(mutex_);
      return received_;
    }

  private:
    void Serve()
    {
      while (!stopping_)
      {
        TestSocket connection = listener_.Accept(std::chrono::milliseconds(50));
        if (!connection.IsValid())
        {
          continue;
        }
        const timeval timeout{5, 0};
        ::setsockopt(connection.GetDescriptor(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
        SSL* ssl = SSL_new(context_);
        SSL_set_fd(ssl, connection.GetDescriptor());
        if (SSL_accept(ssl) == 1)
        {
          std::string request;
          char buffer[4096];
          int count;
          while (request.find("\r\n\r\n") == std::string::npos &&
                 (count = SSL_read(ssl, buffer, sizeof(buffer))) > 0)
          {
            request.append(buffer, static_cast<std::size_t>(count));
          }
          {
            std::lock_guard<std::mutex> lock(mutex_);
            received_ += request;
          }
          const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecure";
          SSL_write(ssl, answer.data(), static_cast<int>(answer.size()));
          SSL_shutdown(ssl);
        }
        SSL_free(ssl);
      }
    }

    uint16_t port_ = 0;
    TestSocket listener_;
    SSL_CTX* context_ = nullptr;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::string received_;
    std::thread thread_;
  };
}


TEST_F(GatewayTls, OrthancWithSslEnabledIsReachedOverTls)
{
  TlsUpstream upstream(folder_.Path("cert.pem"), folder_.Path("key.pem"));
  auto configuration = MakeTestConfiguration(upstream.GetPort());
  configuration->upstream.sslEnabled = true;
  RunningGateway gateway(configuration);

  TestSocket client = TestSocket::Connect(gateway.GetPort());
  ASSERT_TRUE(client.SendAll(std::string("GET /dicom-web/studies HTTP/1.1\r\nHost: gw\r\nOrigin: ") +
                             ALLOWED_ORIGIN + "\r\n\r\n"));
  std::string pending;
  const ReceivedMessage response = ReadResponse(client, pending);
  ASSERT_TRUE(response.complete) << response.error;
  EXPECT_EQ(200u, response.status);
  EXPECT_EQ("secure", response.body);
  EXPECT_EQ(ALLOWED_ORIGIN, response.Get("Access-Control-Allow-Origin"));
  EXPECT_EQ(0u, upstream.GetReceived().find("GET /dicom-web/studies HTTP/1.1\r\n"));
}
