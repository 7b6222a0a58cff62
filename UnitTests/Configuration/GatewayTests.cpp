// SPDX-License-Identifier: AGPL-3.0-or-later

#include "ConfigurationTestSupport.h"

namespace OrthancCors
{
  namespace
  {
    Json::Value WithOrthancAndCors(const std::string& orthancSettings, const std::string& corsSection)
    {
      return ParseJson("{ " + orthancSettings + (orthancSettings.empty() ? "" : ", ") +
                       "\"Cors\": " + corsSection + " }");
    }
  }

  TEST(Gateway, GatewayDefaultsWhenTheSectionIsAbsent)
  {
    const GatewaySettings gateway = ParseCors("{}").gateway;
    EXPECT_TRUE(gateway.enabled);
    EXPECT_EQ(8043, gateway.port);
    EXPECT_EQ("0.0.0.0", gateway.bindAddress);
    EXPECT_FALSE(gateway.bindAddressForcedToLoopback);
    EXPECT_FALSE(gateway.sslEnabled);
    EXPECT_EQ(0u, gateway.threads);
    EXPECT_EQ(1000u, gateway.maxConnections);
    EXPECT_EQ(60u, gateway.idleTimeoutSeconds);
    EXPECT_EQ(300u, gateway.upstreamTimeoutSeconds);
    EXPECT_EQ(100u, gateway.maxConnectionsPerClient);
    EXPECT_EQ(10u, gateway.requestHeaderTimeoutSeconds);
    EXPECT_EQ(1024u * 1024u, gateway.requestBodyBufferSize);
  }

  TEST(Gateway, GatewaySettingsAreRead)
  {
    const GatewaySettings gateway = ParseCors(R"({ "Gateway": { "Enable": true, "Port": 9443,
      "BindAddress": "::", "Threads": 4, "MaxConnections": 10, "IdleTimeout": 5, "UpstreamTimeout": 30 } })").gateway;
    EXPECT_EQ(9443, gateway.port);
    EXPECT_EQ("::", gateway.bindAddress);
    EXPECT_EQ(4u, gateway.threads);
    EXPECT_EQ(10u, gateway.maxConnections);
    EXPECT_EQ(5u, gateway.idleTimeoutSeconds);
    EXPECT_EQ(30u, gateway.upstreamTimeoutSeconds);
  }

  TEST(Gateway, PortOutsideOneTo65535IsRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "Port": 0 } })", "Cors.Gateway.Port", "between 1 and 65535"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "Port": 65536 } })", "Cors.Gateway.Port", "got 65536"));
    EXPECT_EQ(65535, ParseCors(R"({ "Gateway": { "Port": 65535 } })").gateway.port);
  }

  TEST(Gateway, ThreadsAbove256AreRefused)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "Threads": 257 } })", "Cors.Gateway.Threads", "between 0 and 256"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "Threads": -1 } })", "Cors.Gateway.Threads"));
  }

  TEST(Gateway, ConnectionLimitAndTimeoutsMustBePositive)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "MaxConnections": 0 } })", "Cors.Gateway.MaxConnections"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "IdleTimeout": 0 } })", "Cors.Gateway.IdleTimeout"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "UpstreamTimeout": 0 } })", "Cors.Gateway.UpstreamTimeout"));
  }

  TEST(Gateway, PerClientLimitHeaderTimeoutAndBodyBufferAreRead)
  {
    const GatewaySettings gateway = ParseCors(R"({ "Gateway": { "MaxConnections": 50,
      "MaxConnectionsPerClient": 7, "IdleTimeout": 30, "RequestHeaderTimeout": 4,
      "RequestBodyBufferSize": 65536 } })").gateway;
    EXPECT_EQ(7u, gateway.maxConnectionsPerClient);
    EXPECT_EQ(4u, gateway.requestHeaderTimeoutSeconds);
    EXPECT_EQ(65536u, gateway.requestBodyBufferSize);
    EXPECT_EQ(0u, ParseCors(R"({ "Gateway": { "RequestBodyBufferSize": 0 } })").gateway.requestBodyBufferSize);
  }

  TEST(Gateway, PerClientLimitMustBeBetweenOneAndMaxConnections)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "MaxConnectionsPerClient": 0 } })",
                              "Cors.Gateway.MaxConnectionsPerClient"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "MaxConnections": 20, "MaxConnectionsPerClient": 21 } })",
                              "Cors.Gateway.MaxConnectionsPerClient", "at most Cors.Gateway.MaxConnections"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "MaxConnectionsPerClient": "10" } })",
                              "Cors.Gateway.MaxConnectionsPerClient"));
    EXPECT_EQ(20u, ParseCors(R"({ "Gateway": { "MaxConnections": 20, "MaxConnectionsPerClient": 20 } })")
              .gateway.maxConnectionsPerClient);
  }

  TEST(Gateway, PerClientLimitDefaultsToMaxConnectionsWhenThatIsBelowOneHundred)
  {
    // A configuration that only lowers MaxConnections stays valid.
    EXPECT_EQ(16u, ParseCors(R"({ "Gateway": { "MaxConnections": 16 } })").gateway.maxConnectionsPerClient);
  }

  TEST(Gateway, RequestHeaderTimeoutMustBeBetweenOneAndIdleTimeout)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "RequestHeaderTimeout": 0 } })",
                              "Cors.Gateway.RequestHeaderTimeout"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "IdleTimeout": 5, "RequestHeaderTimeout": 6 } })",
                              "Cors.Gateway.RequestHeaderTimeout", "at most Cors.Gateway.IdleTimeout"));
    // Its default follows a shorter IdleTimeout.
    EXPECT_EQ(3u, ParseCors(R"({ "Gateway": { "IdleTimeout": 3 } })").gateway.requestHeaderTimeoutSeconds);
  }

  TEST(Gateway, RequestBodyBufferSizeIsAtMost64MiB)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "RequestBodyBufferSize": -1 } })",
                              "Cors.Gateway.RequestBodyBufferSize"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "RequestBodyBufferSize": 67108865 } })",
                              "Cors.Gateway.RequestBodyBufferSize", "between 0 and 67108864"));
    EXPECT_EQ(67108864u, ParseCors(R"({ "Gateway": { "RequestBodyBufferSize": 67108864 } })")
              .gateway.requestBodyBufferSize);
  }

  TEST(Gateway, BindAddressMustBeAnIpLiteral)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "BindAddress": "localhost" } })", "Cors.Gateway.BindAddress",
                              "not an IPv4 or IPv6 address"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "BindAddress": "256.0.0.1" } })", "Cors.Gateway.BindAddress"));
    EXPECT_EQ("::1", ParseCors(R"({ "Gateway": { "BindAddress": "::1" } })").gateway.bindAddress);
  }

  TEST(Gateway, BindAddressIsForcedToLoopbackWhenRemoteAccessIsNotAllowed)
  {
    const std::optional<Configuration> configuration = ParseConfiguration(
      WithOrthancAndCors("\"RemoteAccessAllowed\": false", R"({ "Gateway": { "BindAddress": "0.0.0.0" } })"));
    ASSERT_TRUE(configuration);
    EXPECT_EQ("127.0.0.1", configuration->gateway.bindAddress);
    EXPECT_TRUE(configuration->gateway.bindAddressForcedToLoopback);
  }

  TEST(Gateway, RemoteAccessIsNotAllowedByDefaultInOrthanc)
  {
    const std::optional<Configuration> configuration = ParseConfiguration(WithOrthancAndCors("", "{}"));
    ASSERT_TRUE(configuration);
    EXPECT_EQ("127.0.0.1", configuration->gateway.bindAddress);
    EXPECT_TRUE(configuration->gateway.bindAddressForcedToLoopback);
  }

  TEST(Gateway, LoopbackBindAddressIsKeptWithoutRemoteAccess)
  {
    for (const std::string address : { "::1", "127.0.0.2" })
    {
      const std::optional<Configuration> configuration = ParseConfiguration(
        WithOrthancAndCors("\"RemoteAccessAllowed\": false", "{ \"Gateway\": { \"BindAddress\": \"" + address + "\" } }"));
      ASSERT_TRUE(configuration);
      EXPECT_EQ(address, configuration->gateway.bindAddress);
      EXPECT_FALSE(configuration->gateway.bindAddressForcedToLoopback);
    }
  }

  TEST(Gateway, BindAddressIsKeptWhenRemoteAccessIsAllowed)
  {
    const GatewaySettings gateway = ParseCors(R"({ "Gateway": { "BindAddress": "0.0.0.0" } })").gateway;
    EXPECT_EQ("0.0.0.0", gateway.bindAddress);
    EXPECT_FALSE(gateway.bindAddressForcedToLoopback);
  }

  TEST(Gateway, PortEqualToOrthancHttpPortIsRefused)
  {
    EXPECT_TRUE(IsRefused(WithOrthancAndCors("\"HttpPort\": 8080", R"({ "Gateway": { "Port": 8080 } })"),
                          "Cors.Gateway.Port", "Orthanc's own HttpPort"));
  }

  TEST(Gateway, SslRequiresAReadableCertificate)
  {
    TemporaryDirectory temporary;
    const std::string missing = (temporary.GetPath() / "missing.pem").string();

    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslEnabled": true } })", "Cors.Gateway.SslCertificate", "required"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslEnabled": true, "SslCertificate": )" + Quoted(missing) + " } }",
                              "Cors.Gateway.SslCertificate", missing));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslEnabled": true, "SslCertificate": )" +
                              Quoted(temporary.GetPath().string()) + " } }",
                              "Cors.Gateway.SslCertificate", "is not a file"));
  }

  TEST(Gateway, SslPrivateKeyDefaultsToTheCertificateFile)
  {
    TemporaryDirectory temporary;
    const std::string pem = temporary.WriteFile("gateway.pem", "certificate and key");

    const GatewaySettings gateway = ParseCors(R"({ "Gateway": { "SslEnabled": true, "SslCertificate": )" +
                                              Quoted(pem) + R"(, "SslPrivateKey": "" } })").gateway;
    EXPECT_TRUE(gateway.sslEnabled);
    EXPECT_EQ(std::filesystem::canonical(pem).string(), gateway.sslCertificate);
    EXPECT_EQ(gateway.sslCertificate, gateway.sslPrivateKey);
  }

  TEST(Gateway, SslPrivateKeyMustBeReadableWhenGiven)
  {
    TemporaryDirectory temporary;
    const std::string certificate = temporary.WriteFile("certificate.pem", "certificate");
    const std::string key = temporary.WriteFile("key.pem", "key");
    const std::string missing = (temporary.GetPath() / "missing-key.pem").string();

    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslEnabled": true, "SslCertificate": )" + Quoted(certificate) +
                              R"(, "SslPrivateKey": )" + Quoted(missing) + " } }",
                              "Cors.Gateway.SslPrivateKey", missing));

    const GatewaySettings gateway = ParseCors(R"({ "Gateway": { "SslEnabled": true, "SslCertificate": )" +
                                              Quoted(certificate) + R"(, "SslPrivateKey": )" + Quoted(key) + " } }").gateway;
    EXPECT_EQ(std::filesystem::canonical(key).string(), gateway.sslPrivateKey);
  }

  TEST(Gateway, TlsFilesAreNotCheckedWhenSslIsDisabled)
  {
    const GatewaySettings gateway = ParseCors(R"({ "Gateway": { "SslEnabled": false,
      "SslCertificate": "/nonexistent/certificate.pem" } })").gateway;
    EXPECT_FALSE(gateway.sslEnabled);
  }

  TEST(Gateway, DisabledGatewaySkipsPortAndTlsChecks)
  {
    const std::optional<Configuration> configuration = ParseConfiguration(WithOrthancAndCors(
      "\"HttpPort\": 8043", R"({ "Gateway": { "Enable": false, "SslEnabled": true } })"));
    ASSERT_TRUE(configuration);
    EXPECT_FALSE(configuration->gateway.enabled);
  }

  TEST(Gateway, DisabledGatewayStillRefusesUnknownKeysAndWrongTypes)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "Enable": false, "Port": "8043" } })", "Cors.Gateway.Port"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "Enable": false, "Ports": 1 } })", "Cors.Gateway.Ports"));
  }

  TEST(Gateway, TlsProfileDefaultsToMozillaIntermediateWithoutDhe)
  {
    const GatewaySettings gateway = ParseCors("{}").gateway;
    EXPECT_EQ(TlsVersion::Tls12, gateway.sslMinimumProtocolVersion);
    const std::vector<std::string> expected = {
      "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
      "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
      "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305" };
    EXPECT_EQ(expected, gateway.sslCiphers);
    EXPECT_EQ("", gateway.accessLog);
  }

  TEST(Gateway, MinimumProtocolVersionTakesOpenSslNamesAndOrthancNumbers)
  {
    EXPECT_EQ(TlsVersion::Tls13, ParseCors(R"({ "Gateway": { "SslMinimumProtocolVersion": "TLSv1.3" } })")
              .gateway.sslMinimumProtocolVersion);
    EXPECT_EQ(TlsVersion::Tls12, ParseCors(R"({ "Gateway": { "SslMinimumProtocolVersion": "TLSv1.2" } })")
              .gateway.sslMinimumProtocolVersion);
    EXPECT_EQ(TlsVersion::Tls12, ParseCors(R"({ "Gateway": { "SslMinimumProtocolVersion": 4 } })")
              .gateway.sslMinimumProtocolVersion);
    EXPECT_EQ(TlsVersion::Tls13, ParseCors(R"({ "Gateway": { "SslMinimumProtocolVersion": 5 } })")
              .gateway.sslMinimumProtocolVersion);
  }

  TEST(Gateway, MinimumProtocolVersionNeverGoesBelowTls12)
  {
    const std::string key = "Cors.Gateway.SslMinimumProtocolVersion";
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslMinimumProtocolVersion": "TLSv1.1" } })", key, "RFC 8996"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslMinimumProtocolVersion": "SSLv3" } })", key, "RFC 8996"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslMinimumProtocolVersion": 3 } })", key, "older than 1.2"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslMinimumProtocolVersion": 0 } })", key, "older than 1.2"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslMinimumProtocolVersion": 6 } })", key, "\"TLSv1.2\""));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslMinimumProtocolVersion": "1.2" } })", key, "not a TLS version"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslMinimumProtocolVersion": true } })", key, "\"TLSv1.3\""));
  }

  TEST(Gateway, SslCiphersAreOneSuiteNamePerEntry)
  {
    EXPECT_EQ(std::vector<std::string>{"ECDHE-RSA-AES256-GCM-SHA384"},
              ParseCors(R"({ "Gateway": { "SslCiphers": [ "ECDHE-RSA-AES256-GCM-SHA384" ] } })").gateway.sslCiphers);
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslCiphers": [] } })", "Cors.Gateway.SslCiphers", "TLSv1.3"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslCiphers": "ECDHE-RSA-AES256-GCM-SHA384" } })",
                              "Cors.Gateway.SslCiphers", "array"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslCiphers": [ "ECDHE-RSA-AES256-GCM-SHA384", "HIGH:!aNULL" ] } })",
                              "Cors.Gateway.SslCiphers[1]", "no cipher string"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslCiphers": [ "" ] } })", "Cors.Gateway.SslCiphers[0]"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "SslCiphers": [ 1 ] } })", "Cors.Gateway.SslCiphers[0]"));
  }

  TEST(Gateway, AccessLogIsAPath)
  {
    EXPECT_EQ("/var/log/orthanc/gateway-access.log",
              ParseCors(R"({ "Gateway": { "AccessLog": "/var/log/orthanc/gateway-access.log" } })").gateway.accessLog);
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "AccessLog": true } })", "Cors.Gateway.AccessLog"));
  }

  TEST(Gateway, TrustedProxiesAreAddressesAndRanges)
  {
    EXPECT_TRUE(ParseCors("{}").gateway.trustedProxies.IsEmpty());
    const AddressRanges trusted = ParseCors(R"({ "Gateway": { "TrustedProxies": [ "10.0.0.0/8", "fd00::1" ] } })")
      .gateway.trustedProxies;
    EXPECT_TRUE(trusted.Contains(boost::asio::ip::make_address("10.9.8.7")));
    EXPECT_TRUE(trusted.Contains(boost::asio::ip::make_address("fd00::1")));
    EXPECT_FALSE(trusted.Contains(boost::asio::ip::make_address("192.0.2.1")));
  }

  TEST(Gateway, AMalformedTrustedProxyIsRefusedByItsPlace)
  {
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "TrustedProxies": [ "10.0.0.1", "balancer.example" ] } })",
                              "Cors.Gateway.TrustedProxies[1]", "is not an IPv4 or IPv6 address"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "TrustedProxies": [ "10.1.2.3/8" ] } })",
                              "Cors.Gateway.TrustedProxies[0]", "(\"10.0.0.0/8\")"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "TrustedProxies": "10.0.0.1" } })",
                              "Cors.Gateway.TrustedProxies"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "TrustedProxies": [ "0.0.0.0/0" ] } })",
                              "Cors.Gateway.TrustedProxies[0]", "trusts every address"));
    EXPECT_TRUE(CorsIsRefused(R"({ "Gateway": { "TrustedProxies": [ "10.0.0.1", "::/00" ] } })",
                              "Cors.Gateway.TrustedProxies[1]", "trusts every address"));
  }
}
